"""What the provider rules share: severities, value shapes, and the builders of
the rules of one family (GitHub, GitLab, keyword-anchored keys, prefixed tokens)."""

from __future__ import annotations

import re

from shieldwall.analyzers.secrets import checks, values
from shieldwall.analyzers.secrets.spec import Spec, keyed, min_repeats, token
from shieldwall.model import Severity

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW

HEX32 = "[a-f0-9]{32}"
HEX40 = "[a-f0-9]{40}"
HEX64 = "[a-f0-9]{64}"
UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
AWS_KEY_ID = (
    "(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA|A3T[A-Z0-9])[A-Z0-9]{16}"
)


def gh(key: str, prefix: str, what: str, sev: Severity = C) -> Spec:
    return Spec(
        key,
        "GitHub",
        f"GitHub {what}",
        token(prefix, "[A-Za-z0-9]{36}"),
        (prefix + "[a-z0-9]{36}",),
        sev,
        "revoke it at github.com/settings/tokens (or the app's settings); GitHub also "
        "revokes tokens reported to it through secret scanning",
        "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/"
        "about-authentication-to-github#githubs-token-formats",
        checks.github_checksum,
    )


def gl(key: str, prefix: str, what: str, body: str, sev: Severity = C) -> Spec:
    return Spec(
        key,
        "GitLab",
        f"GitLab {what}",
        token(prefix, body, strict=True),
        (prefix + min_repeats(body),),
        sev,
        "revoke it in GitLab (User settings > Access tokens, or the project/group/runner "
        "settings that issued it) and create a new one",
        "https://docs.gitlab.com/ee/security/token_overview.html",
    )


_ESCAPES_AT_END = re.compile(r"(?:\\[nrt])+$")
# The next attribute's name: the provider's word was another attribute's value
# (`glyph-name="snowflake" unicode="&#xf2dc;"`), not a key.
_ATTRIBUTE_NAME = re.compile(r"^[a-z][a-z:-]*=$")


def _keyword_value(value: str) -> bool:
    """What a provider's keyword rule (`SNOWFLAKE_PASSWORD=...`) accepts after the
    word: a value, not a stylesheet's text, a template's field (`{value}`,
    `{{ pw }}`, `%(pw)s`) or a reference to where the secret lives (`${DB_PASS}`).
    In source code the value may end with a string's escapes (`%(pw)s\\n`)."""
    bare = _ESCAPES_AT_END.sub("", value)
    return (
        checks.not_style_rule(value)
        and not _ATTRIBUTE_NAME.match(bare)
        and not values.is_placeholder(bare)
        and not values.is_reference(bare)
    )


def kw(
    key: str,
    provider: str,
    words: str,
    value: str,
    hints: tuple[str, ...],
    sev: Severity,
    where: str,
    docs: str,
    what: str = "API key",
) -> Spec:
    return Spec(
        key,
        provider,
        f"{provider} {what}",
        keyed(words, value),
        hints,
        sev,
        f"revoke the key in {where} and issue a new one",
        docs,
        _keyword_value,
    )


def tok(
    key: str,
    provider: str,
    what: str,
    prefix: str,
    body: str,
    sev: Severity,
    where: str,
    docs: str,
    strict: bool = False,
    hint: str | None = None,
) -> Spec:
    return Spec(
        key,
        provider,
        f"{provider} {what}",
        token(prefix, body, strict),
        (hint or prefix + min_repeats(body),),
        sev,
        f"revoke it in {where} and issue a new one",
        docs,
    )
