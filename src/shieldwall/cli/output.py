"""Writing reports: `--format FMT[:FILE]`, repeatable."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from shieldwall.engine.scanner import Scan
from shieldwall.errors import FormatError, UsageError
from shieldwall.formats.base import ReportContext
from shieldwall.formats.registry import FORMATS, formatter, names


@dataclass(frozen=True, slots=True)
class ReportTarget:
    format: str
    file: Path | None


def parse_format(spec: str) -> ReportTarget:
    name, sep, file = spec.partition(":")
    name = name.strip().lower()
    if name not in FORMATS:
        raise UsageError(f"unknown format {name!r}", f"choose from: {', '.join(names())}")
    if sep and not file:
        raise UsageError(f"--format {spec}: missing file name after ':'")
    return ReportTarget(name, Path(file) if file else None)


def write_reports(scan: Scan, targets: list[ReportTarget], color: bool, verbose: bool) -> None:
    to_stdout = [t for t in targets if t.file is None]
    if len(to_stdout) > 1:
        raise UsageError(
            "more than one format would go to standard output",
            "give all but one a file: --format sarif:report.sarif",
        )
    root_uri = scan.root.resolve().as_uri() + "/"
    for target in targets:
        is_tty = target.file is None and sys.stdout.isatty()
        ctx = ReportContext(
            color=color and is_tty,
            width=shutil.get_terminal_size((100, 24)).columns if is_tty else 100,
            root_uri=root_uri,
            verbose=verbose,
        )
        text = formatter(target.format)(scan.result, ctx)
        if target.file is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            continue
        try:
            target.file.parent.mkdir(parents=True, exist_ok=True)
            target.file.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise FormatError(
                f"cannot write {target.format} report to {target.file}: {exc.strerror}",
                "check that the directory is writable",
            ) from exc
