"""Secrets in free text (a finding's message, a skip reason, a map edge's
evidence, a component's version) replaced by the redacted preview the
secrets analyzer shows for them (`ghp_****...a1b2`, `**** (8 characters)`).

Four passes, in this order, each leaving alone what an earlier one redacted
(a value holding `****` is never redacted twice):

- private key blocks, whole or cut short: the header stays, the body goes;
- URL userinfo: the password of `scheme://user:password@host`, and a user
  part that is a token rather than a user name (`scheme://TOKEN@host`), also
  percent-encoded (`%40`) as in package URLs;
- the analyzer's own provider rules (the same Detector: compiled rules,
  prefilter, structure checks), on text holding a token-shaped run;
- `key=value` / `key: value` / `--key value` where the key names a credential
  and the generic detector would report the value, and the value after
  `Bearer` / `Basic` / `token`.

Text with none of their marks (`://`, `-----BEGIN`, a credential word, a long
run of letters and digits) is returned as it is, without building anything:
most messages cost one regular-expression search."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from shieldwall.analyzers.secrets import generic, values
from shieldwall.analyzers.secrets.redact import preview

MASK = "****"
# Where any pass but the provider rules' could find something (lower case): a
# few substring tests decide whether to look closer. Every generic detector
# hint (`generic.HINTS`) contains one of them.
_MARKS = (
    "://",
    "-----begin",
    "putty-user-key",
    "pass",
    "pwd",
    "pw",
    "secret",
    "token",
    "key",
    "credential",
    "bearer",
    "auth",
    "nonce",
    "salt",
    "basic",
    "identified",
    "securestring",
    "verifier",
    "cookie",
    "sid",
    "otp",
    "-p'",
    '-p"',
    "\\set",
    "-u",  # curl's --user / -u name:password
    "connect",  # a password given by position to a database connection
    "mysqli",
    "pdo",
    "sequelize",
    "hmac",  # the key given to createHmac / hmac.new
    "user(",  # the password given by position to a call that creates a user
    "jwt",  # the key given to jwt.sign / jwt.encode
    "uri",  # a connection setting's `user:password@host` without a scheme
    "url",
    "dsn",
)
# Where a provider token may be: 16 letters and digits in a row, mixed (`ghp_` +
# 36, `AKIA` + 16, `sk_live_` + 24, a JWT's header). Names made of short words
# (`kube-apiserver-95`) or numbered at the end (`testRoleVulnerable2`) are not.
_RUN = re.compile(r"[A-Za-z0-9]{16,}")
_MIXED = re.compile(r"\d[A-Za-z]|\d.*\d")
_PEM_HEAD = re.compile(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-\d:[^\n]*"
)
_PEM_END = re.compile(r"-----END [A-Z0-9 ]*-----")
# What a block cut short (no END line in the text) can hold after its header.
_PEM_BODY = re.compile(r"[A-Za-z0-9+/=\s\\:,.-]*")
_BLOCK_MAX = 64 * 1024
# scheme://userinfo@ or scheme://userinfo%40 (a package URL percent-encodes the @);
# up to the last @ before the path, as an unescaped @ in a password is common.
_USERINFO = re.compile(
    r"(?<![A-Za-z0-9+.-])(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*(?:%2[Bb][A-Za-z0-9.-]+)?)://"
    r"(?P<info>[^\s/?#\"'`<>]+)(?P<at>@|%40)(?=[A-Za-z0-9\[_])"
)
_KEY_VALUE = re.compile(
    r"""(?<![\w.-])(?P<key>[A-Za-z_][\w.-]{0,80})["'\]]?[ \t]*(?::=|=>|=|:(?!//))[ \t]*"""
    r"""(?:(?P<q>["'`])(?P<quoted>(?:(?!(?P=q)).){1,300})(?P=q)|(?P<bare>[^\s"'`&]+))"""
)
# A command-line flag that names a credential, and the value after it.
_FLAG = re.compile(
    r"""(?<![\w-])--(?P<key>[A-Za-z][\w.-]{0,80})[ \t]+"""
    r"""(?:(?P<q>["'])(?P<quoted>(?:(?!(?P=q)).){1,300})(?P=q)|(?P<bare>[^\s"'`&-][^\s"'`&]*))"""
)
# Punctuation that closes the sentence around a bare value rather than belongs to it.
_TRAILING = "),;.]}>"
_SCHEME_WORD = re.compile(
    r"""(?i)\b(?P<key>bearer|basic|token)[ \t]+(?P<val>[A-Za-z0-9._~+/=-]{8,})"""
)
_USER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]{0,31}$")


def _masked(value: str) -> bool:
    """Already redacted (`%2A` is `*` in a package URL)."""
    return MASK in value or "%2A%2A%2A%2A" in value.upper()


def _kept(value: str) -> bool:
    """A value that is not a secret: a reference to one, a template, already masked."""
    return (
        not value
        or _masked(value)
        or value.startswith(("$", "{", "<", "%(", "#{"))
        or values.is_reference(value)
    )


def _pem(text: str) -> str:
    """Each private key block reduced to its header: up to its END line when one
    follows within 64 KiB, else over what a key body is made of."""
    if "-----BEGIN" not in text and "PuTTY-User-Key" not in text:
        return text
    ends = [m.end() for m in _PEM_END.finditer(text)]
    out: list[str] = []
    pos = 0
    for head in _PEM_HEAD.finditer(text):
        if head.start() < pos or text.startswith(f" {MASK}", head.end()):
            continue
        i = bisect.bisect_right(ends, head.end())
        if i < len(ends) and ends[i] - head.end() <= _BLOCK_MAX:
            stop = ends[i]
        else:
            body = _PEM_BODY.match(text, head.end())
            stop = body.end() if body else head.end()
        out += [text[pos : head.start()], f"{head.group(0)} {MASK}"]
        pos = stop
    return "".join(out) + text[pos:]


def _token_run(text: str) -> bool:
    return any(_MIXED.search(run) and not run.isdigit() for run in _RUN.findall(text))


def _providers(text: str) -> str:
    if not _token_run(text):
        return text
    from shieldwall.analyzers.secrets.engine import default_detector

    # The generic rules' cases are the `key=value` pass's, on text rather than lines.
    matches = default_detector().scan(text.encode("utf-8"), generic_rules=False)
    found = {m.secret for m in matches if m.secret and not _masked(m.secret)}
    for secret in sorted(found, key=len, reverse=True):  # a longer one may hold a shorter
        text = text.replace(secret, preview(secret))
    return text


def _token_user(user: str) -> bool:
    """A URL's user part that is a token (`https://TOKEN@host`,
    a token followed by `:x-oauth-basic`), not a user name (`git`, `oauth2`)."""
    if _kept(user):
        return False
    return not (_USER_NAME.match(user) and not values.looks_random(user) and len(user) < 20)


def _userinfo(m: re.Match[str]) -> str:
    user, colon, password = m.group("info").partition(":")
    shown_user = preview(user) if _token_user(user) else user
    shown_password = password if _kept(password) else preview(password, password=True)
    if (shown_user, shown_password) == (user, password):
        return m.group(0)
    return f"{m.group('scheme')}://{shown_user}{colon}{shown_password}{m.group('at')}"


def _urls(text: str) -> str:
    if "://" not in text:
        return text
    return _USERINFO.sub(_userinfo, text)


def _key_value(m: re.Match[str]) -> str:
    group = "quoted" if m.group("q") else "bare"
    value = m.group(group)
    if group == "bare":
        value = value.rstrip(_TRAILING)
    if _kept(value) or generic.acceptable(m.group("key"), value) is None:
        return m.group(0)
    whole, start = m.group(0), m.start(group) - m.start()
    return (
        whole[:start]
        + preview(value, provider_format=False, password=True)
        + whole[start + len(value) :]
    )


def _scheme_word(m: re.Match[str]) -> str:
    value = m.group("val")
    if _kept(value) or not values.looks_random(value):
        return m.group(0)
    return f"{m.group('key')} {preview(value, provider_format=False)}"


def _assignments(text: str) -> str:
    text = _SCHEME_WORD.sub(_scheme_word, text)
    text = _FLAG.sub(_key_value, text)
    return _KEY_VALUE.sub(_key_value, text)


@lru_cache(maxsize=32768)  # the same paths, resources and reasons come back often
def redact_text(text: str) -> str:
    """`text` with every secret found in it replaced by its redacted preview."""
    if not text:
        return text
    lowered = text.lower()
    marked = any(mark in lowered for mark in _MARKS)
    if not marked and not _RUN.search(text):
        return text
    text = _urls(_pem(text)) if marked else text
    text = _providers(text)
    return _assignments(text) if marked else text
