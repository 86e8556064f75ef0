"""Credentials given to calls and commands, for the generic detector: setters,
named arguments (`setProperty("db.password", "...")`), credential constructors,
form fills, curl headers, an environment read's fallback, the key of a keyed hash
or a token signer, the password given by position to a database connection,
Bearer tokens, and passwords in SQL and on command lines."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TypeVar

from shieldwall.analyzers.secrets import layouts
from shieldwall.analyzers.secrets.names import credential_kind

H = TypeVar("H")
Take = Callable[[str, str, str], H | None]
QuoteOk = Callable[[re.Match[str]], bool]

# `Authorization: Bearer <token>`, `-H "Bearer <token>"`.
_BEARER = re.compile(r"""(?i)\bbearer[ \t]+(?P<val>[A-Za-z0-9._~+/=-]{16,}+)""")

# Passwords in SQL and on command lines, whatever the file type:
# `IDENTIFIED BY 'v'`, `CREATE USER u WITH PASSWORD 'v'`, `ConvertTo-SecureString 'v'`,
# `-Password v`, `/credpassword:v`, `mysql -p'v'`, psql's `\set PGPASS v`. Each
# pattern has a word the line must hold before the pattern is tried.
_COMMANDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "identified",
        re.compile(
            r"""(?i)\bidentified\s+(?:with\s+\w+\s+)?by\s+(?P<q>['"])(?P<v>[^\s'";]{3,200})(?P=q)"""
        ),
    ),
    # Oracle's unquoted form, only in a statement that creates or alters the user or
    # role, or grants to it: prose such as "identified by HMAC-SHA256" or "a user
    # account identified by their e-mail address" is not a password.
    (
        "identified",
        re.compile(
            r"""(?i)(?:\b(?:create|alter)\s+(?:user|role)|\bgrant\b[^;\n]{0,200}?\bto)"""
            r"""\s+[\w"$#@.-]{1,80}\s+identified\s+by\s+"""
            r"""(?P<v>[A-Za-z0-9_$#!@%^&*+=-]{3,200})(?=\s|;|$)"""
        ),
    ),
    (
        "password",
        re.compile(
            r"""(?i)\b(?:with|user|role|login)\b[^;'"\n]{0,60}?\bpassword\s+(?P<q>['"])(?P<v>[^'"\n]{3,200})(?P=q)"""
        ),
    ),
    (
        "securestring",
        re.compile(
            r"""(?i)convertto-securestring\s+(?:-string\s+)?(?P<q>['"])(?P<v>[^'"\n]{3,200})(?P=q)"""
        ),
    ),
    (
        "-p",
        re.compile(
            r"""(?i)(?<![\w-])-(?:password|passwd|pass|pw)[ \t]+"""
            r"""(?P<q>['"]?)(?P<v>[^\s'"$(]{3,200})(?P=q)"""
        ),
    ),
    ("-p", re.compile(r"""(?<=\s)-p(?P<q>['"])(?P<v>[^'"\n]{3,200})(?P=q)""")),
    ("pass", re.compile(r"""(?i)(?<![\w-])/\w*pass\w*:(?P<v>[^\s'"]{3,200})""")),
    ("\\set", re.compile(r"""(?i)^\s*\\set\s+\w*pass\w*\s+(?P<v>\S{3,200})""")),
    # curl's `--user name:password` / `-u name:password` (only curl's: `oc login -u
    # system:admin` and `docker run -u root:root` give a user name with a colon)
    (
        "curl",
        re.compile(
            r"""(?<![\w-])(?:--user|-u)[ \t=]+(?P<q>["']?)(?!\d+:)[^\s:"'$]{1,80}:"""
            r"""(?P<v>[^\s"'$@`]{3,200})(?P=q)(?=\s|$)"""
        ),
    ),
)
# A setter given a literal (`cfg.setJwtSecretKey("...")`, `setPassword('...')`): the
# key is the name after `set`; the literal must be the only argument.
_SETTER = re.compile(
    r"""\bset(?P<key>[A-Z][\w]{0,60}+)\(\s*@?(?P<q>["'])(?P<val>(?:\\.|(?!(?P=q))[^\\]){1,300}?)(?P=q)\s*\)"""
)
# A builder's method named for the credential, given a literal in a chain of calls
# (Spring Security's `.withUser("u").password("...")`, `.clientSecret("...")`,
# Testcontainers' `.withPassword("...")`); not a verb that checks, hashes or looks up
# (`.verifyPassword("...")`, `.getSecret("name")`), nor a test's `t.pass('message')`.
# Only a name that is a credential's is taken (`names.credential_kind`), not one that
# only hints at one.
_BUILDER = re.compile(
    r"""\.(?P<key>(?!(?:get|is|has|check|verify|validate|compare|match|hash|encode|encrypt"""
    r"""|decrypt|find|reset|update|change|test)[A-Z]|pass\()[a-z][A-Za-z]{2,40}+)"""
    r"""\(\s*(?P<q>["'])(?P<val>(?:\\.|(?!(?P=q))[^\\]){1,300}?)(?P=q)\s*\)"""
)
# A call that stores a value under a name, given a credential's name and a literal
# (`props.setProperty("db.password", "...")`, `map.put("api_key", "...")`,
# `localStorage.setItem('token', '...')`); not any call given two strings
# (`sensitive_variables("password1", "password2")` names parameters); a bare `add(`
# is a set's or a registry's (`add("k8s-secret-read", "RULE-ID")`), `addHeader(` is not.
# A credential type built from a literal (C#'s IdentityServer `new Secret("...")`,
# `new NetworkCredential(...)` is not: its first argument is a user name).
_CONSTRUCTOR = re.compile(
    r"""\b(?P<key>new\s+(?:Secret|Password|ClientSecret|ApiSecret|SharedSecret))\(\s*@?"""
    r"""(?P<q>["'])(?P<val>(?:\\.|(?!(?P=q))[^\\]){1,300}?)(?P=q)"""
)
_STORE_SUFFIX = "item|property|header|env|value|config|option|param|parameter|string|var"
_NAMED_ARG = re.compile(
    rf"""(?i)\b(?:(?:set|put|with|define|store|save|setdefault|setenv|putenv)(?:{_STORE_SUFFIX})?"""
    rf"""|add(?:{_STORE_SUFFIX}))\(\s*(?P<kq>["'])(?P<key>[A-Za-z_][\w.-]{{0,80}}+)(?P=kq)\s*,\s*"""
    r"""(?P<q>["'])(?P<val>(?:\\.|(?!(?P=q))[^\\]){1,300}?)(?P=q)\s*\)"""
)
# The literal an environment read falls back to is used when the variable is unset:
# `process.env.DB_PASSWORD || "v"`, `getenv('DB_PASS') ?: 'v'`,
# `os.getenv("DB_PASSWORD", "v")`, `ENV.fetch("SECRET", "v")`.
_LIT = r"""(?P<q>["'`])(?P<val>(?:\\.|(?!(?P=q))[^\\]){1,300}?)(?P=q)"""
_ENV_DEFAULTS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"""(?:process\.env|import\.meta\.env)(?:\.(?P<key>\w{1,80}+)|\[\s*["'`](?P<k2>[\w.-]{1,80}+)"""
        r"""["'`]\s*\])\s*(?:\|\||\?\?)\s*""" + _LIT
    ),
    re.compile(
        r"""\b(?:getenv|env)\(\s*["'](?P<key>[\w.-]{1,80}+)["']\s*\)\s*(?:\?:|\?\?|\|\||\bor\b)\s*"""
        + _LIT
    ),
    re.compile(
        r"""(?i)\b(?:getenv|environ\.get|env\.get|env\.fetch|getenvironmentvariable|env)"""
        r"""\(\s*["'](?P<key>[\w.-]{1,80}+)["']\s*,\s*""" + _LIT + r"""\s*\)"""
    ),
)
# The password given by position to a database connection (PHP's mysqli and PDO,
# JDBC's DriverManager, Sequelize): the third argument, after host or URL and user.
_CONNECT = re.compile(
    r"""(?i)(?:\bnew\s+(?:mysqli|PDO|Sequelize)|\bmysqli?_p?connect|\bDriverManager\.getConnection)"""
    r"""\s*\(\s*(?:[^,()]{1,200}?,\s*){2}""" + _LIT + r"""\s*[,)]"""
)
# A form field filled in by a browser test, the field named by its name or CSS id
# (Capybara's `fill_in "user_password", with: "..."`, Playwright's
# `page.fill('#password', '...')`, a tutorial's `waitForInputToHaveValue('#password', '...')`).
_FORM_FILL = re.compile(
    r"""\b(?:fill_in|fill|type|waitForInput\w*)\(?\s*(?P<kq>["'])[#.]?(?P<key>[\w.\[\]-]{1,80}+)(?P=kq)"""
    r"""\s*,\s*(?:with:\s*)?""" + _LIT
)
# The key given by position to a keyed hash or a token signer: Node's
# `crypto.createHmac('sha256', '...')`, Python's `hmac.new(b'...', ...)`,
# `jwt.sign(payload, '...')` and `jwt.encode(payload, '...')`.
_KEYED_CALLS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("hmac_secret", re.compile(r"""\bcreateHmac\(\s*["'][\w-]{2,20}["']\s*,\s*""" + _LIT)),
    ("hmac_secret", re.compile(r"""\bhmac\.new\(\s*b?""" + _LIT)),
    ("jwt_secret", re.compile(r"""\bjwt\.(?:sign|encode)\(\s*[^,()]{1,200}?,\s*""" + _LIT)),
)
# An HTTP header given on a command line (`curl -H "X-Auth-Token: ..."`).
_HEADER = re.compile(
    r"""(?:-H|--header)[ \t=]*(?P<q>["'])(?P<key>[A-Za-z][\w-]{0,60}):[ \t]*"""
    r"""(?P<val>[^\s"']{8,300})(?P=q)"""
)


def find(line: str, take: Take[H], quote_ok: QuoteOk, quoted: bool) -> Iterator[H]:
    """The hits `take(key, value, via)` keeps among values given to calls (setters,
    named arguments, constructors, form fills, curl headers, environment reads'
    fallbacks, HMAC and JWT keys, database connections), Bearer tokens and
    passwords on command lines; `quote_ok(m)`: is the match's quote a string's?"""
    calls: list[tuple[re.Pattern[str], str]] = []
    if quoted and "(" in line:
        calls = [(_SETTER, "call"), (_NAMED_ARG, "call")]
        if "new " in line:
            calls.append((_CONSTRUCTOR, "call"))
    if quoted and ("fill" in line or "type(" in line or "waitForInput" in line):
        calls.append((_FORM_FILL, "call"))
    if quoted and ("-H" in line or "--header" in line):
        calls.append((_HEADER, "header"))
    for pattern, via in calls:
        for m in pattern.finditer(line):
            if quote_ok(m):
                hit = take(m.group("key"), m.group("val"), via)
                if hit is not None:
                    yield hit
    for m in _BUILDER.finditer(line) if quoted and "(" in line else ():
        yield from _builder(m, take, quote_ok)
    if quoted and ("env" in line or "ENV" in line):
        for pattern in _ENV_DEFAULTS:
            for m in pattern.finditer(line):
                key = m.group("key") or m.groupdict().get("k2") or ""
                hit = take(key, m.group("val"), "quoted")
                if hit is not None:
                    yield hit
    lowered = line.lower()
    for key, pattern in _KEYED_CALLS if quoted and ("hmac" in lowered or "jwt." in line) else ():
        for m in pattern.finditer(line):
            if quote_ok(m):
                hit = take(key, m.group("val"), "call")
                if hit is not None:
                    yield hit
    if quoted and "(" in line:
        for m in _CONNECT.finditer(line):
            if quote_ok(m):
                hit = take("password", m.group("val"), "call")
                if hit is not None:
                    yield hit
    yield from layouts.find(line, take, quoted)
    for m in _BEARER.finditer(line) if "earer" in line else ():
        hit = take("bearer", m.group("val"), "bearer")
        if hit is not None:
            yield hit
    for word, pattern in _COMMANDS:
        if word in lowered:
            for m in pattern.finditer(line):
                hit = take("password", m.group("v"), "command")
                if hit is not None:
                    yield hit


def _builder(m: re.Match[str], take: Take[H], quote_ok: QuoteOk) -> Iterator[H]:
    """A builder's credential method given a literal, when its name is a credential's."""
    if credential_kind(m.group("key")) is not None and quote_ok(m):
        hit = take(m.group("key"), m.group("val"), "call")
        if hit is not None:
            yield hit
