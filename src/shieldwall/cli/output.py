"""Writing reports: `--format FMT[:FILE]`, repeatable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from shieldwall.engine.scanner import Scan
from shieldwall.errors import UsageError
from shieldwall.formats import sarif as sarif_module
from shieldwall.formats.base import ReportContext, displayed
from shieldwall.formats.registry import FORMATS, formatter, names
from shieldwall.model import Severity
from shieldwall.model.display import display_text
from shieldwall.sources.git import run_git
from shieldwall.sources.safe_files import check_target, write_atomic


@dataclass(frozen=True, slots=True)
class ReportTarget:
    format: str
    file: Path | None


@dataclass(frozen=True, slots=True)
class Display:
    """What the reports show: `--severity` (empty: all) and `--quiet`."""

    severities: frozenset[Severity] = field(default_factory=frozenset)
    quiet: bool = False


def parse_severities(spec: str | None) -> frozenset[Severity]:
    """`--severity critical,High`: the severities to show, any case; empty: all."""
    if spec is None:
        return frozenset()
    chosen = set()
    for name in filter(None, (part.strip() for part in spec.split(","))):
        try:
            chosen.add(Severity.parse(name))
        except ValueError:
            raise UsageError(
                f"--severity {spec}: unknown severity {name!r}",
                f"choose from: {', '.join(s.value for s in Severity)}",
            ) from None
    if not chosen:
        raise UsageError("--severity needs at least one severity", "e.g. --severity critical,high")
    return frozenset(chosen)


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


def _git_top_level(root: Path) -> Path | None:
    """The top level of the git work tree `root` is in (None: not in one, or no git)."""
    try:
        done = run_git(root, "rev-parse", "--show-toplevel", timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    top = os.fsdecode(done.stdout.rstrip(b"\n"))
    return Path(top).resolve() if done.returncode == 0 and top else None


def repository_base(root: Path, explicit: str | None) -> tuple[str, str]:
    """(prefix, base URI) for SARIF: the scanned root's path inside its repository and
    the repository's top level, so that code scanning finds the files whatever directory
    was scanned. `--path-prefix` wins over git (a layout git does not know)."""
    resolved = root.resolve()
    if explicit is not None:
        parts = [p for p in PurePosixPath(explicit).parts if p not in ("/", ".")]
        if ".." in parts:
            raise UsageError(
                f"--path-prefix {explicit}: '..' is not a path inside the repository",
                "give the scanned directory's path from the repository root, e.g. services/api",
            )
        prefix = "/".join(parts)
        top = resolved
        for _ in parts:
            top = top.parent
        same = resolved.parts[len(resolved.parts) - len(parts) :] == tuple(parts)
        return prefix, top.as_uri() + "/" if same or not parts else ""
    top_level = _git_top_level(resolved)
    if top_level is None or not resolved.is_relative_to(top_level):
        return "", resolved.as_uri() + "/"
    inside = resolved.relative_to(top_level)
    return ("" if inside == Path() else inside.as_posix()), top_level.as_uri() + "/"


def write_reports(
    scan: Scan,
    targets: list[ReportTarget],
    color: bool,
    verbose: bool,
    path_prefix: str | None = None,
    include_suppressed: bool = False,
    display: Display | None = None,
) -> None:
    """Each report to its place; SARIF paths from the repository's top level (see
    `repository_base`; `path_prefix` is --path-prefix). `--severity` filters the
    findings of each format (the text report counts what it hid itself), `--quiet`
    shortens the text report."""
    display = display or Display()
    check_report_targets(targets)
    root_uri = scan.root.resolve().as_uri() + "/"
    in_repository = ("", root_uri)
    if any(t.format == "sarif" for t in targets):
        in_repository = repository_base(scan.root, path_prefix)
    for target in targets:
        prefix, base_uri = in_repository if target.format == "sarif" else ("", root_uri)
        is_tty = target.file is None and sys.stdout.isatty()
        ctx = ReportContext(
            color=color and is_tty,
            width=shutil.get_terminal_size((100, 24)).columns if is_tty else 100,
            root_uri=base_uri,
            verbose=verbose,
            path_prefix=prefix,
            include_suppressed=include_suppressed,
            severities=display.severities,
            quiet=display.quiet,
        )
        shown = scan.result if target.format == "text" else displayed(scan.result, ctx.severities)
        text = formatter(target.format)(shown, ctx)
        if target.format == "sarif":
            for warning in sarif_module.upload_warnings(text):
                sys.stderr.write(f"warning: {display_text(warning)}\n")
        if target.file is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            continue
        write_atomic(target.file, text.encode("utf-8"))
