"""Inline suppressions: `# shieldwall: ignore[RULE-ID,OTHER] reason` (also after
`//`, `/*`, `<!--` or `--` in languages that comment that way).

A comment suppresses the named rules for findings that start on its own line
(a trailing comment) or on the first non-comment line below it (a comment line
above the offending field or instruction)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass

from shieldwall.engine.rule_ids import known, unknown_rule_finding
from shieldwall.model import Finding, Rule

_DIRECTIVE = re.compile(
    r"(?:#|//|/\*|<!--|--)\s*shieldwall:\s*ignore\[([A-Za-z0-9_,\s*-]+)\]\s*(.*?)\s*(?:\*/|-->)?$"
)
_COMMENT_LINE = ("#", "//", "/*", "<!--", "--")


@dataclass(frozen=True, slots=True)
class InlineIgnore:
    rules: frozenset[str]
    reason: str

    def covers(self, rule: Rule) -> bool:
        return "*" in self.rules or rule.id in self.rules or bool(self.rules & set(rule.former_ids))


def _rule_ids(match: re.Match[str]) -> frozenset[str]:
    return frozenset(r.strip() for r in match.group(1).split(",") if r.strip())


def named_rules(lines: Sequence[str]) -> Iterator[tuple[int, frozenset[str]]]:
    """(1-based line, rule ids) of every ignore comment, where it is written."""
    for number, line in enumerate(lines, start=1):
        match = _DIRECTIVE.search(line) if "shieldwall" in line else None
        if match:
            yield number, _rule_ids(match)


def directives(lines: Sequence[str]) -> dict[int, InlineIgnore]:
    """Map 1-based line -> the ignore directive that applies to findings on that line."""
    out: dict[int, InlineIgnore] = {}
    if not any("shieldwall" in line for line in lines):
        return out
    pending: InlineIgnore | None = None
    for number, line in enumerate(lines, start=1):
        match = _DIRECTIVE.search(line) if "shieldwall" in line else None
        stripped = line.strip()
        ignore = None
        if match:
            ignore = InlineIgnore(_rule_ids(match), match.group(2).strip() or "no reason given")
        if match and stripped.startswith(_COMMENT_LINE):
            pending = ignore
            continue
        if ignore is not None:
            out[number] = ignore
        elif pending is not None and stripped and not stripped.startswith(_COMMENT_LINE):
            out[number] = pending
        if stripped and not stripped.startswith(_COMMENT_LINE):
            pending = None
    return out


def apply_inline(
    findings: Sequence[Finding],
    lines_of: Callable[[str], Sequence[str] | None],
    rule_ids: Callable[[], Collection[str]] | None = None,
) -> list[Finding]:
    """Suppress the findings an ignore comment covers. With `rule_ids` (every rule id
    there is), an id in a comment of a file with findings that names no rule is
    reported (SHIELDWALL-UNKNOWN-RULE)."""
    cache: dict[str, dict[int, InlineIgnore]] = {}
    out = []
    unknown: list[Finding] = []
    for f in findings:
        if f.suppressed:
            out.append(f)
            continue
        path = f.location.path
        if path not in cache:
            lines = lines_of(path)
            cache[path] = directives(lines) if lines else {}
            if lines and cache[path] and rule_ids is not None:
                unknown.extend(_unknown_ids(path, lines, rule_ids()))
        table = cache[path]
        hit = None
        for line in range(f.location.start_line, f.location.end_line + 1):
            ignore = table.get(line)
            if ignore is not None and ignore.covers(f.rule):
                hit = ignore
                break
        out.append(f.suppress("inline", hit.reason) if hit else f)
    return out + unknown


def _unknown_ids(path: str, lines: Sequence[str], ids: Collection[str]) -> list[Finding]:
    return [
        unknown_rule_finding(rule, path, number, ids)
        for number, rules in named_rules(lines)
        for rule in sorted(rules)
        if rule != "*" and not known(rule, ids)
    ]
