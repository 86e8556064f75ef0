"""The generic detector: a key that names a credential, assigned a literal.

Covers code (`password = "..."`, `"apiKey": "..."`, `token := "..."`,
comparisons), and config formats (YAML, JSON, TOML, INI, .env, properties,
Terraform, Dockerfile ENV/ARG, compose and Kubernetes env, XML elements, CLI
flags). A value is kept when it is not a placeholder, a reference to where the
secret lives, a path, an expression or a documented example, and - for keys
that name tokens rather than passwords - when it looks random (entropy and
character classes)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from shieldwall.analyzers.secrets import values
from shieldwall.analyzers.secrets.names import credential_kind

# Prefilter: every generic match contains one of these (any case).
HINTS: tuple[str, ...] = (
    r"passw(?:or)?d",
    r"pass(?:phrase|code)",
    r"[_.-]pass(?:\b|[_.-])",
    r"pwd",
    r"[_.-]pw['\"\]]?\s*[:=!]",
    r"secret",
    r"token",
    r"api[_.-]?key",
    r"credential",
    r"private[_.-]?key",
    r"auth[_.-]?key",
    r"bearer",
    r"(?:access|signing|encryption|master|session|account|app|hmac|shared|crypt)[_.-]?key",
)

_KEY = r"""(?P<key>[A-Za-z_$@][\w.$@-]{0,80})"""
_QUOTED = re.compile(
    _KEY
    + r"""(?:\[\d*\])?["'\]]?\s*\)?\s*"""
    + r"""(?P<op>:=|=>|===?|!==?|\?\?=|\|\|=|=|:|<-)\s*(?:[A-Za-z_][\w.]*\(\s*)?@?"""
    r"""(?P<q>["'`])(?P<val>(?:\\.|(?!(?P=q)).){1,300}?)(?P=q)"""
)
_REVERSED = re.compile(
    r"""(?P<q>["'`])(?P<val>(?:(?!(?P=q)).){1,300}?)(?P=q)\s*(?:===?|!==?)\s*""" + _KEY
)
_BARE = re.compile(
    r"""^\s*(?:export\s+|ENV\s+|ARG\s+|set\s+|setx?\s+|readonly\s+|declare\s+|-\s+)?["']?"""
    + _KEY
    + r"""["']?\s*(?::=|=|:(?!//))\s*"""
    + r"""(?P<val>[^\s"'`#|>&{[!*](?:[^\n#]|(?<!\s)#)*?)\s*[,;]?\s*(?:\s#.*)?$"""
)
_ENV_SPACE = re.compile(r"^\s*ENV\s+" + _KEY + r"\s+(?P<val>[^\s=\"'][^\s]*)\s*$")
_FLAG = re.compile(
    r"""(?<![\w-])--""" + _KEY + r"""(?:=|\s+)(?P<q>["']?)(?P<val>[^\s"'$][^\s"']*)(?P=q)"""
)
_XML = re.compile(r"<(?P<key>[\w.:-]{1,60})>(?P<val>[^<>\s][^<>]{2,200})</(?P=key)>")
_KEY_ONLY = re.compile(r"""^\s*(?:-\s*)?(?:name:\s*)?["']?(?P<key>[\w.-]{1,80})["']?\s*:?\s*$""")
_VALUE_LINE = re.compile(r"""^\s*(?:-\s*)?value:\s*(?P<val>.+?)\s*$""")

# Files where bare (unquoted) values are literal strings.
CONFIG_SUFFIXES = (
    ".yaml",
    ".yml",
    ".env",
    ".properties",
    ".ini",
    ".cfg",
    ".conf",
    ".toml",
    ".sh",
    ".bash",
    ".zsh",
    ".txt",
    ".npmrc",
    ".pypirc",
    ".netrc",
    ".envrc",
    ".service",
    ".desktop",
    ".config",
    ".tfvars",
    ".hcl",
    ".dockerfile",
    ".cnf",
    ".rc",
    ".example",
    ".sample",
    ".dist",
    ".local",
)


def config_like(name: str) -> bool:
    lowered = name.lower()
    if "." not in lowered or lowered.startswith(".env") or lowered.startswith("dockerfile"):
        return True
    return lowered.endswith(CONFIG_SUFFIXES)


@dataclass(frozen=True, slots=True)
class GenericHit:
    key: str
    value: str
    kind: str  # "password" | "token"
    line_offset: int  # 0 for the line itself, n for a value found n lines below


_NAME_LIKE = re.compile(r"^[A-Za-z]+(?:[-_.:/][A-Za-z]+)+$|^[a-z]+(?:[A-Z][a-z]+)+$")
_CREDENTIAL_WORD = re.compile(r"(?i)secret|passw|pwd|token|key|credential|auth")


_PROSE = re.compile(r"^[A-Za-z',.!?-]+(?: [A-Za-z',.!?-]+){2,}$")


def credential_word_in(value: str) -> bool:
    return bool(_CREDENTIAL_WORD.search(value))


def _clean(raw: str) -> str:
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`":
        value = value[1:-1]
    return value.strip()


def acceptable(key: str, raw: str) -> GenericHit | None:
    kind = credential_kind(key.rsplit(".", 1)[-1].strip("$@"))
    if kind is None:
        return None
    value = _clean(raw)
    if len(value) < 4 or len(value) > 300:
        return None
    if (
        values.is_placeholder(value)
        or values.is_reference(value)
        or values.is_example(value)
        or values.is_hash_or_integrity(value)
        or values.looks_like_path_or_url(value)
        or values.looks_like_code(value)
    ):
        return None
    if _NAME_LIKE.match(value) and credential_word_in(value):
        return None  # a name: `SECRET-GENERIC-PASSWORD`, `db-secret`, `api_key`
    if not any(c.isalnum() for c in value) or _PROSE.match(value) or value.startswith(("\\", "#")):
        return None  # prose, an escape sequence, a comment
    if kind == "token" and not values.looks_random(value):
        return None
    return GenericHit(key, value, kind, 0)


def find(line: str, config: bool, following: Callable[[int], str | None]) -> Iterator[GenericHit]:
    """Credential assignments on `line`; `following(n)` gives the n-th line below it
    (for YAML's `- name: X` / `value: v` and `key:` / `value: v` layouts)."""
    seen: set[str] = set()
    for pattern in (_QUOTED, _REVERSED, _XML, _FLAG):
        for m in pattern.finditer(line):
            hit = acceptable(m.group("key"), m.group("val"))
            if hit is not None and hit.value not in seen:
                seen.add(hit.value)
                yield hit
    if seen or not config:
        return
    for pattern in (_BARE, _ENV_SPACE):
        bare = pattern.match(line)
        if bare:
            hit = acceptable(bare.group("key"), bare.group("val"))
            if hit is not None:
                yield hit
                return
    key_only = _KEY_ONLY.match(line)
    if key_only and credential_kind(key_only.group("key")) is not None:
        for n in (1, 2, 3):
            below = following(n)
            if below is None:
                return
            vm = _VALUE_LINE.match(below)
            if vm:
                hit = acceptable(key_only.group("key"), vm.group("val"))
                if hit is not None:
                    yield GenericHit(hit.key, hit.value, hit.kind, n)
                return
