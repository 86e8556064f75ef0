"""Inline suppressions: `# shieldwall: ignore[RULE-ID,OTHER] reason` (also after
`//`, `/*`, `<!--` or `--` in languages that comment that way).

A comment suppresses the named rules for findings that start on its own line
(a trailing comment) or on the first non-comment line below it (a comment line
above the offending field or instruction). In a YAML file, when that line is a
key whose value is a block (`ports:`, a compose service, `containers:`), the
comment covers every line of the block as well, as Trivy's and KICS's comments
above a block do. A finding that names other places it may be ignored at
(`Finding.ignorable_at`: the settings that cause it) is covered there too."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

from shieldwall.engine.rule_ids import known, unknown_rule_finding
from shieldwall.model import Finding, Rule

_DIRECTIVE = re.compile(
    r"(?:#|//|/\*|<!--|--)\s*shieldwall:\s*ignore\[([A-Za-z0-9_,\s*-]+)\]\s*(.*?)\s*(?:\*/|-->)?$"
)
_COMMENT_LINE = ("#", "//", "/*", "<!--", "--")
_YAML = (".yaml", ".yml")
# A YAML key with nothing after the colon but a comment: its value is the block below.
_BLOCK_KEY = re.compile(r"""^(\s*(?:-\s+)*)(?:"[^"]*"|'[^']*'|[^\s#'"][^#]*?)\s*:\s*(?:#.*)?$""")


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


def yaml_block(lines: Sequence[str], number: int) -> range:
    """The lines (1-based) of the block value of the YAML key on line `number`:
    those indented deeper, and a sequence written at the key's own indentation;
    empty when that line is not a key with a block value."""
    match = _BLOCK_KEY.match(lines[number - 1])
    if match is None:
        return range(0)
    column = len(match.group(1))
    end = number
    sequence = False
    for index in range(number, len(lines)):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(lines[index]) - len(lines[index].lstrip())
        item = stripped == "-" or stripped.startswith("- ")
        if indent == column and item and (sequence or end == number):
            sequence = True  # ports:\n- "80:80": the items of the key's sequence
        elif indent <= column:
            break
        end = index + 1
    return range(number + 1, end + 1)


def block_directives(
    lines: Sequence[str], table: dict[int, InlineIgnore]
) -> dict[int, tuple[InlineIgnore, ...]]:
    """Map 1-based line -> the ignores that reach it from the YAML keys it is under
    (a directive that applies to a key line covers the key's block)."""
    out: dict[int, tuple[InlineIgnore, ...]] = {}
    for number, ignore in table.items():
        for line in yaml_block(lines, number):
            out[line] = (*out.get(line, ()), ignore)
    return out


@dataclass(frozen=True, slots=True)
class _FileIgnores:
    """The ignores of one file, by the line they apply to."""

    own: dict[int, InlineIgnore]
    blocks: dict[int, tuple[InlineIgnore, ...]]

    def covering(self, rule: Rule, lines: Iterable[int]) -> InlineIgnore | None:
        for line in lines:
            here = self.own.get(line)
            for ignore in (*([here] if here else []), *self.blocks.get(line, ())):
                if ignore.covers(rule):
                    return ignore
        return None


def _file_ignores(path: str, lines: Sequence[str] | None) -> _FileIgnores:
    own = directives(lines) if lines else {}
    yaml = path.lower().endswith(_YAML)
    return _FileIgnores(own, block_directives(lines, own) if lines and own and yaml else {})


def apply_inline(
    findings: Sequence[Finding],
    lines_of: Callable[[str], Sequence[str] | None],
    rule_ids: Callable[[], Collection[str]] | None = None,
) -> list[Finding]:
    """Suppress the findings an ignore comment covers. With `rule_ids` (every rule id
    there is), an id in a comment of a file with findings that names no rule is
    reported (SHIELDWALL-UNKNOWN-RULE)."""
    cache: dict[str, _FileIgnores] = {}
    out = []
    unknown: list[Finding] = []

    def ignores_of(path: str) -> _FileIgnores:
        if path not in cache:
            lines = lines_of(path)
            cache[path] = _file_ignores(path, lines)
            if lines and cache[path].own and rule_ids is not None:
                unknown.extend(_unknown_ids(path, lines, rule_ids()))
        return cache[path]

    for f in findings:
        if f.suppressed:
            out.append(f)
            continue
        at = f.location
        hit = ignores_of(at.path).covering(f.rule, range(at.start_line, at.end_line + 1))
        for other in f.ignorable_at:
            if hit is None:
                hit = ignores_of(other.path).covering(
                    f.rule, range(other.start_line, other.end_line + 1)
                )
        out.append(f.suppress("inline", hit.reason) if hit else f)
    return out + unknown


def _unknown_ids(path: str, lines: Sequence[str], ids: Collection[str]) -> list[Finding]:
    return [
        unknown_rule_finding(rule, path, number, ids)
        for number, rules in named_rules(lines)
        for rule in sorted(rules)
        if rule != "*" and not known(rule, ids)
    ]
