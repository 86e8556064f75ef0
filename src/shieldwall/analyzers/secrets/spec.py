"""What a provider rule is made of, and helpers to write its pattern."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from shieldwall.model import Severity

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

    @property
    def rule_id(self) -> str:
        return f"SECRET-{self.key}"

    def compile(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)


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
