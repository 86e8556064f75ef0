"""One way to declare a rule and to say where it fails, shared by every analyzer.

A rule is declared once, with keywords, as a module-level constant beside the
check that reports it (`rule(id=..., analyzer=..., ...)`, or an analyzer's own
shorthand that fills in its name). A check yields `Hit`s that carry that `Rule`
object itself, never its id as a string: a misspelt rule is an undefined name,
caught by mypy and ruff and at import, not a finding silently lost at run time.
`findings_from` turns hits into findings, the same way for every analyzer.

A module of rules satisfies `RuleModule`: its `RULES` and its `check`; an
analyzer lists its modules in a typed tuple, so mypy checks the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from shieldwall.model import Control, Finding, Location, Rule, Severity


def rule(
    *,
    id: str,
    analyzer: str,
    control: Control,
    severity: Severity,
    title: str,
    description: str,
    remediation: str,
    applies_to: tuple[str, ...] = (),
    cwe: tuple[str, ...] = (),
    references: tuple[str, ...] = (),
    former_ids: tuple[str, ...] = (),
) -> Rule:
    """A rule, every field named."""
    return Rule(
        id=id,
        analyzer=analyzer,
        control=control,
        severity=severity,
        title=title,
        description=description,
        remediation=remediation,
        applies_to=applies_to,
        cwe=cwe,
        references=references,
        former_ids=former_ids,
    )


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule that fails at one place; `findings_from` makes it a Finding."""

    rule: Rule
    path: str
    line: int
    resource: str
    message: str
    key: str = ""  # stable locator inside the resource (never a line number)
    end_line: int = 0
    # False when the resource is not defined in one file (see Finding).
    path_in_fingerprint: bool = True
    # Reported only with `profile: strict` (hardening advice, noise by default).
    opt_in: bool = False
    # For a data-flow finding, where the data went (see Finding.flow).
    flow: tuple[Location, ...] = ()
    # Where an inline ignore of it may be written as well (see Finding.ignorable_at).
    ignorable_at: tuple[Location, ...] = ()

    def finding(self, unit: str = "", message: str | None = None) -> Finding:
        return Finding(
            rule=self.rule,
            message=self.message if message is None else message,
            location=Location(self.path, self.line, max(self.end_line, self.line)),
            resource=self.resource,
            key=self.key,
            path_in_fingerprint=self.path_in_fingerprint,
            flow=self.flow,
            unit=unit,
            ignorable_at=self.ignorable_at,
        )


def findings_from(
    hits: Iterable[Hit],
    *,
    unit: str = "",
    keep: Callable[[Hit], bool] | None = None,
    message: Callable[[Hit], str] | None = None,
    seen: set[str] | None = None,
) -> list[Finding]:
    """The findings of the hits, in order, each fingerprint once.

    `keep` leaves hits out (a profile's opt-in rules), `message` rewrites a hit's
    message (a profile note), `seen` carries the fingerprints already reported
    across calls (a file two deployment units hold gives its findings once)."""
    done = set() if seen is None else seen
    out: list[Finding] = []
    for hit in hits:
        if keep is not None and not keep(hit):
            continue
        finding = hit.finding(unit, None if message is None else message(hit))
        if finding.fingerprint in done:
            continue
        done.add(finding.fingerprint)
        out.append(finding)
    return out


Context = TypeVar("Context", contravariant=True)


class RuleModule(Protocol[Context]):
    """A module of rules: what it declares and the check that reports them."""

    @property
    def RULES(self) -> Sequence[Rule]: ...

    def check(self, ctx: Context) -> Iterable[Hit]: ...


def rules_of(modules: Iterable[RuleModule[Context]]) -> tuple[Rule, ...]:
    """Every rule of the modules, in order; a rule id declared twice is an error."""
    out: list[Rule] = []
    seen: set[str] = set()
    for module in modules:
        for r in module.RULES:
            if r.id in seen:
                raise ValueError(f"rule {r.id} is declared twice")
            seen.add(r.id)
            out.append(r)
    return tuple(out)
