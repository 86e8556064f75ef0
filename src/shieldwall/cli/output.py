"""Writing reports: `--format FMT[:FILE]`, repeatable."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from shieldwall.engine.scanner import Scan
from shieldwall.errors import UsageError
from shieldwall.formats.base import ReportContext
from shieldwall.formats.registry import FORMATS, formatter, names
from shieldwall.sources.safe_files import check_target, write_atomic


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


def check_report_targets(targets: list[ReportTarget]) -> None:
    """Before the scan: at most one report on stdout, and no report file that
    would be written through a symlink (UnsafeOutputError, exit 2)."""
    to_stdout = [t for t in targets if t.file is None]
    if len(to_stdout) > 1:
        raise UsageError(
            "more than one format would go to standard output",
            "give all but one a file: --format sarif:report.sarif",
        )
    for target in targets:
        if target.file is not None:
            check_target(target.file)


def write_reports(scan: Scan, targets: list[ReportTarget], color: bool, verbose: bool) -> None:
    check_report_targets(targets)
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
        write_atomic(target.file, text.encode("utf-8"))
