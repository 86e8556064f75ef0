"""The human report: the critical and high findings first ("Fix first"), the
others grouped by control, a scorecard, what was skipped, one summary line.

`--severity` hides findings from the listing only: the summary line counts them
all and says how many it hid. `--quiet` leaves the summary line alone."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.rule import Rule as Ruler
from rich.table import Table
from rich.text import Text

from shieldwall.formats.base import ReportContext, displayed
from shieldwall.model import Control, Finding, PolicySource, ScanResult, Severity
from shieldwall.model.display import display_path, display_text
from shieldwall.model.settings import age_text

_BADGE_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "bold yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
_BADGE_WIDTH = max(len(s.value) for s in Severity)
_INDENT = _BADGE_WIDTH + 3
_SUPPRESSION_KINDS = ("inline", "exception", "baseline")
# Listed first, most severe first, before the findings grouped by control.
FIX_FIRST = frozenset({Severity.CRITICAL, Severity.HIGH})
# Analyzers whose rules depend on knowing the gateway.
_GATEWAY_ANALYZERS = frozenset({"config", "topology"})


def printable(value: str) -> str:
    """`value` with control and bidi characters shown as escapes: terminal control
    characters and bidirectional overrides from scanned input must not reach the
    terminal, where they could rewrite the screen or reorder what the reader sees."""
    return display_text(value)


def render(result: ScanResult, ctx: ReportContext) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=ctx.color,
        no_color=not ctx.color,
        color_system="auto" if ctx.color else None,
        width=ctx.width,
        highlight=False,
        emoji=False,
        markup=False,
    )
    if not ctx.quiet:
        _header(console, result, ctx)
        _findings(console, displayed(result, ctx.severities))
        _scorecard(console, result)
        _problems(console, result, ctx.verbose)
    console.print(_summary(result, ctx), soft_wrap=ctx.quiet)  # --quiet: one line, for logs
    output = buffer.getvalue()
    if ctx.color:
        return output
    # Without colour codes, the padding Rich adds up to the full width is only noise.
    return "\n".join(line.rstrip() for line in output.split("\n"))


# -- header ---------------------------------------------------------------------------------


def _header(console: Console, result: ScanResult, ctx: ReportContext) -> None:
    console.print(Text(f"shieldwall {ctx.tool_version}", style="bold"))
    _field(console, "Target", printable(result.target) or ".")
    _field(console, "Files scanned", files_line(result))
    left_out = result.left_out_text()
    if left_out:
        _field(console, "Left out", printable(left_out))
    repository = repository_line(result.repository)
    if repository:
        _field(console, "Repository policy", repository)
    command_line = command_line_policy(result.command_line)
    if command_line:
        _field(console, "Command-line policy", command_line)
    if result.diff_base is not None:
        _field(console, "Diff base", diff_base_line(result))
    _field(console, "Analyzers", ", ".join(result.analyzers) or "none")
    if _gateway_matters(result):
        _field(console, "Gateway", gateway_line(result))
    console.print()


def diff_base_line(result: ScanResult) -> str:
    """`--diff-base`: what the findings were compared with, and how many were left out."""
    diff = result.diff_base
    if diff is None:
        return ""
    files = f"{diff.files_changed} file" + ("" if diff.files_changed == 1 else "s")
    return (
        f"{printable(diff.ref)} (merge base {diff.merge_base[:12]}): {files} changed, "
        f"{diff.findings_left_out} findings on other lines left out"
    )


def files_line(result: ScanResult) -> str:
    selection = result.selection
    if selection.tracked_by_git:
        how = "tracked files listed by git; .gitignore applied to untracked files only"
    else:
        how = printable(selection.note)
    return f"{result.files_scanned} ({how})" if how else str(result.files_scanned)


def _settings(policy: PolicySource) -> list[str]:
    parts = []
    if policy.excludes:
        parts.append("exclude " + ", ".join(printable(e) for e in policy.excludes))
    if policy.exceptions:
        parts.append(f"{policy.exceptions} exception" + ("" if policy.exceptions == 1 else "s"))
    if policy.max_file_size is not None:
        parts.append(f"max_file_size {policy.max_file_size}")
    if policy.fail_on is not None:
        parts.append(f"fail_on {printable(policy.fail_on)}")
    if policy.require_db is False:
        parts.append("require_db false (dependencies may go unchecked for vulnerabilities)")
    if policy.max_db_age_days is not None:
        parts.append(f"max_db_age {age_text(policy.max_db_age_days)}")
    return parts


def _suppressed(policy: PolicySource) -> str:
    counts = [f"{n} {printable(kind)}" for kind, n in policy.suppressed.items() if n]
    return "suppressed " + ", ".join(counts) if counts else ""


def repository_line(policy: PolicySource) -> str:
    """What the scanned repository decided: its .shieldwall.yaml and inline comments."""
    name = printable(policy.config)
    parts = []
    if name and policy.applied:
        parts.append(f"{name}: " + ("; ".join(_settings(policy)) or "nothing set"))
    elif name:
        parts.append(f"{name} not applied")
    if not policy.inline_ignores_applied:
        parts.append("inline ignores not applied")
    suppressed = _suppressed(policy)
    if suppressed:
        parts.append(suppressed)
    return "; ".join(parts)


def command_line_policy(policy: PolicySource) -> str:
    """What the command line decided: flags, the --config file, the baseline."""
    parts = _settings(policy)
    if policy.config:
        parts.insert(0, f"config {printable(policy.config)}")
    if policy.baseline:
        parts.append(f"baseline {printable(policy.baseline)}")
    suppressed = _suppressed(policy)
    if suppressed:
        parts.append(suppressed)
    return "; ".join(parts)


def _field(console: Console, name: str, value: str) -> None:
    line = Text.assemble((f"{name}: ", "bold"), value)
    console.print(line, overflow="fold")


def _gateway_matters(result: ScanResult) -> bool:
    if result.gateways or result.gateway_source or not result.analyzers:
        return True
    return bool(_GATEWAY_ANALYZERS.intersection(result.analyzers))


def gateway_line(result: ScanResult) -> str:
    """Which workloads were taken for the API gateway and why, or what to do when none was."""
    if not result.gateways:
        return (
            "none found. Exposure rules therefore treat every exposed workload as bypassing "
            "the gateway. If you have one, declare it in .shieldwall.yaml: "
            "gateway: workloads: [Deployment/<namespace>/<name>]"
        )
    source = printable(result.gateway_source)
    shown = ", ".join(_gateway_item(printable(g), source) for g in result.gateways)
    if "configured" in source:
        return shown
    return (
        f"{shown}. If that is wrong, declare the gateway in .shieldwall.yaml: "
        "gateway: workloads: [Deployment/<namespace>/<name>]"
    )


def _gateway_item(described: str, source: str) -> str:
    """`<id> (<why>)` from the analyzer, with how it was chosen: `<id> (detected: <why>)`."""
    ident, _, why = described.partition(" (")
    why = why.removesuffix(")")
    if not source or why == source:
        return described
    return f"{ident} ({source}: {why})" if why else f"{ident} ({source})"


# -- findings -------------------------------------------------------------------------------


def finding_order(f: Finding) -> tuple[int, str, int, str, str]:
    """Worst first, then by place; the rule id and fingerprint make the order total."""
    return (-f.rule.severity.rank, f.location.path, f.location.start_line, f.rule.id, f.fingerprint)


def _findings(console: Console, result: ScanResult) -> None:
    active = result.active
    first = sorted((f for f in active if f.rule.severity in FIX_FIRST), key=finding_order)
    if first:
        _section(console, f"Fix first: {_count(len(first), 'critical or high finding')}")
        for finding in first:
            _finding(console, finding, control=True)
    rest = [f for f in active if f.rule.severity not in FIX_FIRST]
    for control in Control:
        group = sorted((f for f in rest if f.rule.control is control), key=finding_order)
        if group:
            _section(console, f"{control.label} ({control.value}): {_count(len(group), 'finding')}")
        for item in group_per_project(group):
            if isinstance(item, list):
                _finding_group(console, item)
            else:
                _finding(console, item)
    suppressed = [f for f in result.findings if f.suppressed]
    if suppressed:
        console.print(Text(suppressed_line(suppressed), style="dim"))
        console.print()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _section(console: Console, title: str) -> None:
    console.print(Ruler(Text(f" {title} ", style="bold"), align="left", characters="-"))


def _finding(console: Console, f: Finding, control: bool = False) -> None:
    """One finding; `control`: name its control too (outside the groups by control)."""
    severity = f.rule.severity
    badge = Text(f"{severity.value.upper():<{_BADGE_WIDTH}}", style=_BADGE_STYLE[severity])
    head = Text.assemble(badge, "  ", (f.rule.id, "bold"), "  ", printable(f.rule.title))
    console.print(Padding(head, (0, 0, 0, 1), expand=False))
    where = Text.assemble((location(f), "underline"), "  ", (printable(f.resource), "italic"))
    if control:
        where.append(f"  [{f.rule.control.value}]", style="dim")
    body = [where, Text(printable(f.message))]
    if f.rule.remediation:
        body.append(Text.assemble(("fix: ", "bold green"), printable(f.rule.remediation)))
    for line in body:
        console.print(Padding(line, (0, 0, 0, _INDENT), expand=False), overflow="fold")
    console.print()


# A rule that fails in this many services of one compose project is shown once.
GROUP_AT = 3


def _compose_project(f: Finding) -> str:
    """`compose/<project>` for a finding on a compose service, else ""."""
    parts = f.resource.split("/")
    return "/".join(parts[:2]) if len(parts) == 3 and parts[0] == "compose" else ""


def group_per_project(findings: list[Finding]) -> list[Finding | list[Finding]]:
    """The findings in order, those of one rule over several services of one compose
    project (the per-service baseline rules) gathered into one list at the first."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        project = _compose_project(f)
        if project:
            groups.setdefault((f.rule.id, project, f.location.path), []).append(f)
    out: list[Finding | list[Finding]] = []
    shown: set[tuple[str, str, str]] = set()
    for f in findings:
        key = (f.rule.id, _compose_project(f), f.location.path)
        members = groups.get(key, [])
        if len(members) < GROUP_AT:
            out.append(f)
        elif key not in shown:
            shown.add(key)
            out.append(members)
    return out


def _finding_group(console: Console, group: list[Finding]) -> None:
    """One rule over many services of a compose project: one entry naming them."""
    first = group[0]
    severity = first.rule.severity
    badge = Text(f"{severity.value.upper():<{_BADGE_WIDTH}}", style=_BADGE_STYLE[severity])
    head = Text.assemble(badge, "  ", (first.rule.id, "bold"), "  ", printable(first.rule.title))
    console.print(Padding(head, (0, 0, 0, 1), expand=False))
    path = display_path(first.location.path) or "<unknown>"
    project = _compose_project(first)
    where = Text.assemble(
        (path, "underline"), "  ", (printable(f"{project}: {len(group)} services"), "italic")
    )
    services = ", ".join(f"{f.resource.rsplit('/', 1)[-1]}:{f.location.start_line}" for f in group)
    body = [where, Text(printable(f"services (line): {services}"))]
    if first.rule.remediation:
        body.append(Text.assemble(("fix: ", "bold green"), printable(first.rule.remediation)))
    for line in body:
        console.print(Padding(line, (0, 0, 0, _INDENT), expand=False), overflow="fold")
    console.print()


def location(f: Finding) -> str:
    loc = f.location
    path = display_path(loc.path) or "<unknown>"
    if loc.start_line < 1:
        return path
    if loc.end_line > loc.start_line:
        return f"{path}:{loc.start_line}-{loc.end_line}"
    return f"{path}:{loc.start_line}"


def suppressed_line(suppressed: Iterable[Finding]) -> str:
    kinds = Counter(f.suppression.kind for f in suppressed if f.suppression is not None)
    total = sum(kinds.values())
    ordered = [k for k in _SUPPRESSION_KINDS if kinds[k]] + sorted(
        k for k in kinds if k not in _SUPPRESSION_KINDS
    )
    parts = ", ".join(f"{kinds[k]} {printable(k)}" for k in ordered)
    noun = "finding" if total == 1 else "findings"
    return f"{total} suppressed {noun} not listed ({parts})."


# -- scorecard ------------------------------------------------------------------------------


def scorecard_rows(result: ScanResult) -> list[tuple[Control, int, int, int]]:
    """(control, resources checked, passing, failing) for each control that looked at any."""
    rows = []
    for control in Control:
        failing = result.scorecard.failing(result.findings, control)
        checked = result.scorecard.checked.get(control, frozenset()) | failing
        if checked:
            rows.append((control, len(checked), len(checked) - len(failing), len(failing)))
    return rows


def _scorecard(console: Console, result: ScanResult) -> None:
    rows = scorecard_rows(result)
    if not rows:
        return
    table = Table(
        title="Scorecard (resources per control)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
    )
    table.add_column("Control")
    for name in ("Checked", "Passing", "Failing"):
        table.add_column(name, justify="right")
    for control, checked, passing, failing in rows:
        table.add_row(
            f"{control.label} ({control.value})",
            str(checked),
            Text(str(passing), style="green" if passing else ""),
            Text(str(failing), style="bold red" if failing else ""),
        )
    console.print(table)
    console.print()


# -- what could not be done -------------------------------------------------------------------


def _problems(console: Console, result: ScanResult, verbose: bool = False) -> None:
    if result.skipped:
        console.print(Text(f"Skipped inputs ({len(result.skipped)}):", style="bold yellow"))
        for s in result.skipped:
            line = Text.assemble((display_path(s.path), "underline"), ": ", printable(s.reason))
            console.print(Padding(line, (0, 0, 0, 2), expand=False), overflow="fold")
        console.print()
    if result.errors:
        console.print(Text(f"Analyzer errors ({len(result.errors)}):", style="bold red"))
        for error in result.errors:
            # A traceback (--verbose) keeps its lines; nothing else in it gets through.
            lines = error.split("\n") if verbose else [error]
            shown = "\n".join(printable(line) for line in lines)
            padded = Padding(Text(shown), (0, 0, 0, 2), expand=False)
            console.print(padded, overflow="fold")
        console.print()


def summary_text(result: ScanResult, ctx: ReportContext | None = None) -> str:
    """Every finding counted, whatever `--severity` hid, and the gate's verdict."""
    ctx = ctx or ReportContext()
    counts = result.by_severity()
    total = sum(counts.values())
    if total:
        noun = "finding" if total == 1 else "findings"
        parts = ", ".join(f"{n} {sev}" for sev, n in counts.items())
        text = f"{total} {noun}: {parts}"
    else:
        text = "No findings"
    extras = []
    suppressed = len(result.findings) - len(result.active)
    if suppressed:
        extras.append(f"{suppressed} suppressed")
    hidden = total - len(displayed(result, ctx.severities).active)
    if hidden:
        extras.append(f"{hidden} hidden by --severity {','.join(sorted_severities(ctx))}")
    if result.skipped:
        extras.append(f"{len(result.skipped)} skipped")
    if result.errors:
        n = len(result.errors)
        extras.append(f"{n} analyzer error" + ("" if n == 1 else "s"))
    if extras:
        text += f" ({', '.join(extras)})"
    return text + "." + gate_text(result)


def sorted_severities(ctx: ReportContext) -> list[str]:
    return [s.value for s in Severity if s in ctx.severities]


def gate_text(result: ScanResult) -> str:
    """` Gate failed at high.`, ` Gate passed at high.`, ` Gate off.`"""
    gate = result.gate
    if gate.fail_on is None:
        return " Gate off."
    return f" Gate {'failed' if gate.failed else 'passed'} at {gate.fail_on.value}."


def _summary(result: ScanResult, ctx: ReportContext) -> Text:
    worst = max((f.rule.severity for f in result.active), key=lambda s: s.rank, default=None)
    style = _BADGE_STYLE[worst] if worst is not None else "bold green"
    if result.errors:
        style = "bold red"
    return Text(summary_text(result, ctx), style=style)
