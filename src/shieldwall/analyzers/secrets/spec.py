"""What a provider rule is made of, and helpers to write its pattern."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from shieldwall.analyzers.hits import rule
from shieldwall.model import Control, Rule, Severity

ANALYZER = "secrets"
APPLIES = ("file", "git-history")
AFTER_LEAK = (
    " Then remove it from the file and read it at run time from a secret store or an "
    "environment variable. Rewriting history does not un-leak it: once pushed, count it "
    "as compromised."
)

# Boundaries: a token does not start or end inside a longer word.
B = r"(?<![A-Za-z0-9])"
E = r"(?![A-Za-z0-9])"
E_STRICT = r"(?![A-Za-z0-9_-])"
# Between a key and its value: `key = "v"`, `key: v`, `"key": "v"`, `key := v`, `KEY=v`.
SEP = r"""[\w.\-]{0,30}?["'\]]?\s*(?:=>|:=|=|:|\s)\s*["'`]?"""


@dataclass(frozen=True, slots=True)
class Spec:
    """One provider rule: a token format, how to recognise it, how to revoke it."""

    key: str  # rule id is SECRET-<key>
    provider: str
    title: str
    pattern: str  # Python regex; the group named `s` is the secret (else the whole match)
    hints: tuple[str, ...]  # literals that every match contains (the prefilter), any case
    severity: Severity
    revoke: str  # where and how to revoke it
    docs: str  # reference URL
    check: Callable[[str], bool] | None = None  # structure check on the secret
    flags: int = 0
    rule: Rule = field(init=False, repr=False, compare=False)  # the rule it reports

    def __post_init__(self) -> None:
        object.__setattr__(self, "rule", _provider_rule(self))

    @property
    def rule_id(self) -> str:
        return self.rule.id

    def compile(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)


def _provider_rule(spec: Spec) -> Rule:
    rule_id = f"SECRET-{spec.key}"
    declared = rule(
        id=rule_id,
        analyzer=ANALYZER,
        control=Control.SECRETS,
        severity=spec.severity,
        title=f"{spec.title} committed",
        description=(
            f"A {spec.title} ({spec.provider}) is written in a file or was added by a "
            "commit. Whoever can read the repository, a copy of it or its history can use "
            "it with the access it grants."
        ),
        remediation=f"Revoke it: {spec.revoke}.{AFTER_LEAK}",
        applies_to=APPLIES,
        cwe=("CWE-321",) if rule_id.startswith("SECRET-PRIVATE-KEY") else ("CWE-798",),
        references=(spec.docs, "https://cwe.mitre.org/data/definitions/798.html"),
    )
    # bench/secrets_accuracy.py: 154 of 162 findings on detect-secrets' provider
    # cases were must-flag (95 %; some of the 8 others are another provider's real
    # token). The generic rules have no such figure: their keyword cases are lines
    # built to look like credentials, not ordinary code.
    return replace(declared, precision="high")


def token(prefix: str, body: str, strict: bool = False) -> str:
    """A prefixed token: `prefix` (regex) followed by `body`, on word boundaries."""
    return f"{B}(?P<s>{prefix}{body}){E_STRICT if strict else E}"


def keyed(words: str, value: str) -> str:
    """A value of a known shape assigned to a key naming the provider (`words`, a
    case-insensitive alternation), e.g. `DATADOG_API_KEY=...`."""
    return f"(?i:{words}){SEP}(?P<s>{value}){E_STRICT}"


_LEADING_CLASS = re.compile(r"^(\[[^\]]+\])\{(\d+)(?:,\d*)?\}")


def min_repeats(body: str) -> str:
    """The part of `body` a prefilter can require: its leading character class at
    its minimum count (`[a-f0-9]{32,}` -> `[a-f0-9]{32}`), else nothing."""
    m = _LEADING_CLASS.match(body)
    return f"{m.group(1)}{{{m.group(2)}}}" if m else ""
