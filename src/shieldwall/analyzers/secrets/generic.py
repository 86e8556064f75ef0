"""The generic detector: a key that names a credential, assigned a literal.

Covers code (`password = "..."`, `"apiKey": "..."`, `token := "..."`,
`setPassword("...")`, `Some("...")`, comparisons), config formats (YAML, JSON,
TOML, INI, .env, properties, LDIF, Terraform, Dockerfile ENV/ARG, compose and
Kubernetes env, XML elements, CLI flags) and documentation, and the places real
code leaks them: `KEY=value` inside a string, a command line (`docker run -e`,
`-Dx.password=`), a URL query; JSON nested or escaped inside a string;
`Authorization: Bearer`; commented-out config; `${VAR:default}` defaults and an
environment read's fallback (`process.env.X || "..."`, `getenv('X') ?: '...'`);
the password given by position to a database connection (`new mysqli(...)`,
`new PDO(...)`, `DriverManager.getConnection(...)`).

A value is kept when it is a literal - not a call, a variable, an environment
or secret-store read, a template or format string, a shell command - and not a
placeholder, a documented example, an attack payload, a path, an identifier
(CamelCase, snake, dotted), a timestamp, a user-interface label or a sentence;
and - for keys that name tokens rather than passwords - when it looks random
(entropy and character classes). A key named only `key` needs key material
(long, letters and digits, high entropy).

What counts as a literal depends on the file type (`syntax_for`, by extension):
config formats and shell scripts take bare values as text; in C, C++, C# and
Objective-C only "..." (and @"...") is a string, '...' a character constant;
in Go a bare value is a literal only when Go's lexer could not read it as an
expression; in other code only quoted values are literals. Files without an
extension are config when they are dotfiles, known config names or shell
scripts (shebang), else code."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from shieldwall.analyzers.hits import rule
from shieldwall.analyzers.secrets import calls, checks, values
from shieldwall.analyzers.secrets.names import (
    PASS_OWNERS,
    credential_kind,
    key_phrase,
    names_no_secret,
    signing_secret,
)
from shieldwall.analyzers.secrets.spec import AFTER_LEAK, ANALYZER, APPLIES
from shieldwall.analyzers.secrets.syntax import CONFIG, Syntax
from shieldwall.model import Control, Rule, Severity

GENERIC_PASSWORD = rule(
    id="SECRET-GENERIC-PASSWORD",
    analyzer=ANALYZER,
    control=Control.SECRETS,
    severity=Severity.HIGH,
    title="Password written as a literal",
    description=(
        "A key that names a password (password, passwd, pwd, passphrase, db_pass...) is "
        "assigned a literal in code or configuration. Placeholders, references to "
        "environment variables or secret stores, paths and expressions are not reported. "
        "Weak-looking values are reported at medium, values in test code or named as "
        "test/mock/example at low."
    ),
    remediation=(
        "Change the password on the system it opens, and inject it at run time (a "
        "Kubernetes Secret with secretKeyRef, a compose secret, a secret store)." + AFTER_LEAK
    ),
    applies_to=APPLIES,
    cwe=("CWE-798", "CWE-259"),
    references=("https://cwe.mitre.org/data/definitions/259.html",),
)
GENERIC_TOKEN = rule(
    id="SECRET-GENERIC-TOKEN",
    analyzer=ANALYZER,
    control=Control.SECRETS,
    severity=Severity.MEDIUM,
    title="Secret, token or key written as a literal",
    description=(
        "A key that names a secret, token or key (secret, token, api_key, "
        "client_secret, private_key...) is assigned a literal that looks random "
        "(entropy and character classes) and matches no provider format. Strong values "
        "are reported at high, values in test code or named as test/mock/example at low."
    ),
    remediation="Revoke it with whoever issued it and inject it at run time." + AFTER_LEAK,
    applies_to=APPLIES,
    cwe=("CWE-798",),
    references=("https://cwe.mitre.org/data/definitions/798.html",),
)

# The token rule's fields (severity, remediation, CWE) under its own id and words.
GENERIC_UUID = replace(
    GENERIC_TOKEN,
    id="SECRET-GENERIC-UUID",
    title="UUID used as a secret, token or key",
    description=(
        "A random UUID is the value of a key that names a secret, token or key "
        "(api_key, X-Api-Key, client_secret, subscription key, license key, auth...): many "
        "services issue their API keys and webhook tokens as UUIDs. A UUID under an "
        "identifier's name (id, guid, uuid, a project, request, correlation, tenant or "
        "client id) is not reported, nor a non-random one (00000000-..., 11111111-...). "
        "Reported at high, values in test code or named as test/mock/example at low."
    ),
)


def rule_for(kind: str | None, value: str) -> Rule:
    """The generic rule of a value under a credential's key: a password's, a UUID's
    (a UUID under a token's or key's name), else a token's."""
    if kind == "password":
        return GENERIC_PASSWORD
    return GENERIC_UUID if values.is_uuid(value) else GENERIC_TOKEN


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
    r"key['\"`\]]?\s*[:=]",
    r'key"\s+value="',  # `<add key="LicenseKey" value="...">`
    r"nonce",
    r"salt",
    r"\bpw\s*:?=",
    r"\bpass['\"`]?\s*[:=]",
    rf"(?:{'|'.join(PASS_OWNERS)})pass\b",  # `dbpass=`, `name="adminpass"`
    # for the scorer's wider candidates: schemes, SQL and command-line passwords
    r"auth[^o]",
    r"authori[sz]",
    r"\bbasic\s+[a-z0-9+/]{8}",
    r"identified\s",
    r"securestring",
    r"verifier",
    r"cookie",
    r"\bsid\b",
    r"otp",
    r"\s-p['\"]",
    r"\\set\s",
    r"setkey\(",
    r"(?:--user|\s-u)[ =]+['\"]?[^\s:'\"]+:",
    # a password given by position to a database connection
    r"mysqli?_p?connect\s*\(",
    r"new\s+(?:mysqli|pdo|sequelize)\s*\(",
    r"drivermanager\.getconnection\s*\(",
    # a password given by position to a call that creates a user
    r"(?:insert|create|add|register)_?(?:super)?user\(",
    # a key given by position to a keyed hash or a token signer
    r"createhmac\(",
    r"hmac\.new\(",
    r"jwt\.(?:sign|encode)\(",
    r"""(?:uri|url|dsn)["']?[ \t]*[:=][ \t]*["']?[^\s:/'"]+:[^\s@/'"]+@""",  # no scheme
)

_KEY = r"""(?P<key>[A-Za-z_$@][\w.$@-]{0,80})"""
# Possessive (`*+`): nothing that may follow a key or a called name is a character
# of one, so giving characters back never helps a match, and trying to would make
# each line cost the square of its length.
_QUOTED = re.compile(
    r"""(?<![A-Za-z_$@])(?P<key>[A-Za-z_$@][\w.$@-]{0,80}+)"""
    + r"""(?:\[\d*\])?(?:["'`][ \t]*\]?|\])?\s*\)?\s*"""
    + r"""(?P<op>:=|=>|===?|!==?|\?\?=|\|\|=|=|:|<-)\s*"""
    + r"""(?:(?:new\s+)?(?P<call>[A-Za-z_][\w.]*+)\(\s*)?@?"""
    r"""(?P<q>["'`])(?P<val>(?:\\.|(?!(?P=q))[^\\]){1,300}?)(?P=q)"""
)
# A call around the literal keeps it the credential when it only wraps or types it
# (`String("...")`, `SecretStr("...")`, `new CredentialValue("...")`); any other
# call computes something from it (`read("$.password")`, `getenv("DB_PASSWORD")`).
_WRAPPER = re.compile(
    r"""(?i)^(?:[\w.]*\.)?(?:str|string|bytes|b|u|char|secretstr|secret|password|some|"""
    r"""\w*(?:pass|pwd|secret|token|key|cred|auth)\w*|buffer\.from|encode|"""
    r"""tochararray|securestring|text|literal)$"""
)
_NOT_WRAPPER = re.compile(r"(?i)(?:^|\.)(?:get|read|fetch|load|lookup|find|env|getenv|query)")
# `KEY=value` inside a string, a command line or a URL query (`-e DB_PASSWORD=...`,
# `"app.password=..."`, `?private_token=...&`); not `==`, a comparison
# (`req.body.password==req.body.cpassword`).
_PAIR = re.compile(
    r"""(?:(?<=[\s"'?&;,(\[])|^)(?:-e\s+|--env[=\s]+|-D)?"""
    r"""(?P<key>[A-Za-z_][\w.-]{0,80}+)=(?!=)(?P<val>[^\s"'&;,<>()`$\\{}|]{3,200}+)(?=$|[\s"'&;,<>)\\])"""
)
# A pair whose value is a password or hash function given a literal (MySQL's `set
# password=password('...')`, `pwd=md5('...')`): the literal is the password.
_PAIR_HASHED = re.compile(
    r"""(?:(?<=[\s"'?&;,(\[])|^)(?P<key>[A-Za-z_][\w.-]{0,80}+)\s*=\s*"""
    r"""(?i:password|old_password|md5|sha1|sha2|crypt|encrypt)\(\s*"""
    r"""(?P<q>['"])(?P<val>[^'"\n]{3,128})(?P=q)\s*[,)]"""
)
# A value that is built at run time: interpolation and format directives.
_TEMPLATE = re.compile(
    r"""#\{[^{}]*\}|\$\{[\w.:-]+\}|\$\([^()]*\)|\{\{[^{}]*\}\}|\{%[^%]*%\}|%\(\w+\)[sd]"""
    r"""|%[-+#0-9.]*[sdvqwxT]\b|\{\d\}|<%=?|%%\w+%%|\s->\s|\{\$\w|\$\{\s*[A-Za-z_][\w.]*\("""
    # a literal closed and opened again around a variable: `password='".$pPassword."'`,
    # `token: '" + token + "'` - text built around the value, not the value
    r"""|^[.+]\s*[$\w][\w$>\[\]'"().-]*\s*[.+]$"""
    # a label's text closed and a call's result appended: `" password: " + req.get(`
    r"""|^\+\s+[$A-Za-z_][\w$.]*\($"""
)
# A shell or Dockerfile line continued on the next: ` \` ends the value.
_CONTINUED = re.compile(r"\s+\\$")
# A form validation's message under the field it is about (`password: ['is too short
# (minimum is 8 characters)']`, `'email or password': ['is invalid']`).
_MESSAGE = re.compile(
    r"^(?:is|are|must|should|cannot|can't|can not|does not|doesn't|do not|don't|has|have"
    r"|was|were|not|too)\s+[a-z(]"
)
_SNAKE_SENTENCE = re.compile(r"^[A-Za-z]+(?:[_-][A-Za-z]+\d{0,3}){3,}$")
_DEFAULTED = re.compile(r"^\$\{[A-Za-z_][\w.-]*:-?([^${}:][^${}]*)\}$")
# An OID or a version, also a dependency's version range (`^3.0`, `~1.3.0`, `>=2.1`).
_OID_OR_VERSION = re.compile(r"^v?\d+(?:[.:-]\d+){2,}$|^(?:[~^]|[<>]=?|==?)\s*v?\d+(?:\.[\dx*]+)+$")
# A dependency manifest's version constraint (Composer, npm): `1.0.*`,
# `>=1.1.3,<1.3.0@stable`, `^2.0 || ^3.0`.
_CONSTRAINT = r"(?:[~^]|[<>]=?|[=!]=)?\s*v?\d+(?:\.(?:\d+|[x*]))+(?:@[a-z]+)?"
_VERSION_RANGE = re.compile(
    rf"^v?\d+(?:\.\d+)*\.[x*](?:@[a-z]+)?$|^{_CONSTRAINT}@[a-z]+$"
    rf"|^{_CONSTRAINT}(?:\s*(?:,|\|\|?)\s*{_CONSTRAINT})+$"
)
_REVERSED = re.compile(
    r"""(?P<q>["'`])(?P<val>(?:(?!(?P=q)).){1,300}?)(?P=q)\s*(?:===?|!==?)\s*""" + _KEY
)
_BARE = re.compile(
    r"""^\s*(?:(?:#+|//+|;+|\*|--)\s*)?"""
    r"""(?:export\s+|ENV\s+|ARG\s+|set\s+|setx?\s+|readonly\s+|declare\s+|-\s+)?["'`]?"""
    + _KEY
    + r"""["'`]?\s*(?::=|=|:(?!//))\s*"""
    + r"""(?P<val>[^\s"'`#|>&{[!*](?:[^\n#]|(?<!\s)#)*?)\s*[,;]?\s*(?:\s#.*)?$"""
)
# A directive: `password "v";` (nginx, Chef and other Ruby DSLs, HCL-style config)
# - the key opens the line and a closed literal ends it.
_DIRECTIVE = re.compile(
    r"""^\s*(?P<key>[A-Za-z_][\w.-]{0,80})[ \t]+"""
    r"""(?P<q>["'`])(?P<val>(?:\\.|(?!(?P=q))[^\\]){1,300}?)(?P=q)\s*[;,]?\s*$"""
)
# Go: `key = v` / `key := v` with an unquoted value (a stray closing quote or comma dropped).
_GO_BARE = re.compile(
    r"""^\s*(?:var\s+|const\s+)?""" + _KEY + r"""\s*:?=\s*(?P<val>[^\s"'`][^\s]*?)["'`]?[,;]?\s*$"""
)
_NOT_GO_CODE = re.compile(r"[$#?@\\]|[^\x00-\x7f]")
_ENV_SPACE = re.compile(r"^\s*ENV\s+" + _KEY + r"\s+(?P<val>[^\s=\"'][^\s]*)\s*$")
_FLAG = re.compile(
    r"""(?<![\w-])--"""
    + _KEY
    + r"""(?:=|\s+)(?P<q>["']?)(?P<val>[^\s"'$`][^\s"'=`]*)(?P=q)(?![=\w])"""
)
# A `KEY=value` pair given as a flag's value (`kubectl create secret generic db
# --from-literal=password=admin`, `--build-arg=DB_PASSWORD=...`).
_FLAG_PAIR = re.compile(
    r"""(?<![\w-])--[A-Za-z][\w-]{0,40}+=(?P<key>[A-Za-z_][\w.-]{0,80}+)=(?!=)"""
    r"""(?P<q>["']?)(?P<val>[^\s"'&;,<>()`$\\{}|]{3,200}+)(?P=q)(?=$|[\s;,)\\])"""
)
_XML = re.compile(r"<(?P<key>[\w.:-]{1,60})>(?P<val>[^<>\s][^<>]{2,200})</(?P=key)>")
# .NET's `<add key="ApiKey" value="..." />` (appSettings) and `<setting name="X"
# value="..."/>`: the name in one attribute, the value in the next.
_XML_KEYED = re.compile(
    r"""<[\w.:-]{1,40}\s+(?:key|name)="(?P<key>[\w.:-]{1,80})"\s+"""
    r"""value="(?P<val>[^"<>]{3,200})(?=")"""
)
# HTML's inline elements: `<code>client_secret</code>` in a page is a word set in
# code type, not a value under a key named `code`.
_HTML_INLINE = frozenset(
    {"code", "b", "i", "em", "strong", "tt", "kbd", "samp", "var", "span", "a", "p", "li", "td"}
)
# Read for the scorer (`wide`): an authorization scheme's credential, a JSON or
# YAML list of values under a credential key.
_SCHEME = re.compile(
    r"""(?i)authori[sz]ation["'`]?\s*(?:[:=,]|=>)?\s*["'`]?"""
    r"""(?:basic|apikey|api-key|ntlm|negotiate|digest|token|oauth|sso-key)[ \t]+"""
    r"""(?P<val>[^\s"'`,;\\]{6,300})"""
)
_PARAMETER = re.compile(r"^[a-z]+=")
_BASIC = re.compile(r"""\bBasic[ \t]+(?P<val>[A-Za-z0-9+/]{8,300}={0,2})(?![\w+/=])""")
_ARRAY = re.compile(
    r"""(?<![A-Za-z_$@])(?P<key>[A-Za-z_$@][\w.$@-]{0,80}+)["'`]?\s*[:=]\s*\[\s*"""
    r"""(?P<vals>(?:(?P<q>["'])[^"'\n]{4,300}(?P=q)\s*,?\s*){1,20})\]"""
)
_ITEM = re.compile(r"""(?P<q>["'])(?P<val>[^"'\n]{4,300})(?P=q)""")
# A key alone on its line, its value on one of the lines below: YAML's `- name: X` /
# `value: v` and `key:` / `value: v`, and a Terraform block's `key = "X"` / `value =
# "v"` (a CI variable: `gitlab_project_variable`'s key and value).
_KEY_ONLY = re.compile(
    r"""^\s*(?:-\s*)?(?:(?:name:\s*)?["']?(?P<key>[\w.-]{1,80})["']?\s*:?"""
    r"""|(?:key|name)\s*=\s*["'](?P<named>[\w.-]{1,80})["'])\s*$"""
)
_VALUE_LINE = re.compile(
    r"""^\s*(?:(?:-\s*)?value\s*(?::|=(?!=))\s*(?P<val>.+?)|<([Vv])alue>(?P<xml>[^<>]+)</\2alue>)\s*$"""
)
# A secret per environment, keyed by the environment's name below the secret's
_PER_ENVIRONMENT = re.compile(
    r"^\s+(?:dev|development|test|testing|qa|stage|staging|prod|production)\s*:\s*(?P<val>\S+)\s*$"
)
# An element that holds its value in a `<Value>` below it (a Windows answer file's
# `<AdministratorPassword>` / `<Value>...</Value>`; ASP.NET Data Protection's
# `<masterKey requiresEncryption="true">` / `<value>...</value>`).
_XML_OPEN = re.compile(r"""^\s*<(?P<key>[A-Za-z][\w.:-]{0,60})(?:\s+[\w.:-]+="[^"]*")*\s*>\s*$""")


@dataclass(frozen=True, slots=True)
class GenericHit:
    key: str
    value: str
    kind: str  # "password" | "token"
    line_offset: int  # 0 for the line itself, n for a value found n lines below
    reason: str = ""  # the rule that rejects the value; "" when the rules keep it
    via: str = ""  # the layout it was read from (quoted, pair, bare, flag, ...)


_NAME_LIKE = re.compile(
    r"^[A-Za-z]+(?:[-_.:/][A-Za-z]+)*[-_.:/](?:[A-Za-z]+|[0-9]{1,3})$|^[A-Z]?[a-z]+(?:[A-Z][a-z]+)+$"
)
# Attack payloads quoted in documentation and tests: SQL injection, XSS, traversal, JNDI.
_PAYLOAD = re.compile(
    r"""(?i)<script|javascript:|['"]\s*(?:or|and)\s+\(?['"]?(\w+)['"]?\s*=\s*['"]?\1\b"""
    r"""|\bor\s+1\s*=\s*1\b|['"]\s*--(?:\s|$)|['"]\s*;\s*(?:system|exec|eval|passthru)\s*\("""
    r"""|;\s*drop\s+table|union\s+(?:all\s+)?select|(?:\.\./){2}|\$\{jndi:"""
)
_FIELD_NUMBER = re.compile(r"^[a-z]+(?:_[a-z]+)*[:=]\d{1,6}$")
_CREDENTIAL_WORD = re.compile(r"(?i)secret|passw|pwd|token|key|credential|auth")
# A session cookie named the way Express's sessions are (`connect.sid`,
# `app-auth.sid`): its value is a signed-in session, a token.
_SESSION_COOKIE = re.compile(r"(?i)^[a-z][\w-]*\.sid$")
# For the scorer only: a key that hints at a credential without naming one.
_WEAK_KEY = re.compile(
    r"(?i)pass|pwd|secret|token|key|auth|cred|sid|nonce|salt|verifier|cookie|otp|session"
    r"|sign|hmac|private|signature|code$"
)


# Three or more words of letters (any script) and sentence punctuation.
_PROSE = re.compile(r"^(?:[^\W\d_]|['\u2019,.!?-])+(?: (?:[^\W\d_]|['\u2019,.!?-])+){2,}$")
# Two or more capitalised words, or one with a full stop: a title, a message or a
# form's label (`Invalid Password`, `Updated.`, `Account Password:`).
_TITLE = re.compile(r"^[A-Z][a-z]+(?:(?: [A-Za-z][a-z]*)+[.!:]?|\.)$")
# An HTML tag inside a value: markup, not a credential.
_MARKUP = re.compile(r"</?(?:em|b|i|strong|code|span|div|p|br|td|tr|li|a|pre|small|u)\s*/?>", re.I)
# A letter outside ASCII: user-interface text in some language, not a credential.
_LOCAL_LETTER = re.compile(r"[^\W\d_A-Za-z]")


def credential_word_in(value: str) -> bool:
    return bool(_CREDENTIAL_WORD.search(value))


def _clean(raw: str) -> str:
    value = _CONTINUED.sub("", raw.strip())  # `ENV A=yes \`: the line goes on below
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`":
        value = value[1:-1]
    elif value.endswith("`") and value.count("`") == 1:
        value = value[:-1]  # `` `token = <token>` ``: the closing mark of a code span
    return value.strip()


def acceptable(key: str, raw: str) -> GenericHit | None:
    """The hit when the rules keep the value, else None."""
    hit = judge(key, raw)
    return hit if hit is not None and not hit.reason else None


@functools.lru_cache(maxsize=16384)
def judge(key: str, raw: str, wide: bool = False) -> GenericHit | None:
    """(Remembered: generated files and histories judge the same pair again and
    again.) The hit with the first rule that rejects its value (`reason`, "" when none
    does), or None when the key names no credential or the value cannot be one
    (too long, a template). The scorer decides on the rejected ones. `wide`: also
    keys that only hint at a credential (`auth`, `sid`, `passwords`: reason
    "weak-key") and values shorter than the rules' floor (reason "short")."""
    name = key.rsplit(".", 1)[-1].strip("$@")
    kind = "token" if _SESSION_COOKIE.search(key) else credential_kind(name)
    weak = kind is None
    if weak and not (wide and _WEAK_KEY.search(name) and not names_no_secret(name)):
        return None
    value = _clean(raw)
    default = _DEFAULTED.match(value)
    if default:  # `${DB_PASSWORD:literal}`, `${DB_PASSWORD:-literal}`: the literal is used
        value = default.group(1).strip()
    floor = 4 if kind in ("password", None) else 8 if kind == "token" else 16
    if len(value) < (4 if wide else floor) or len(value) > 300 or _TEMPLATE.search(value):
        return None
    if values.is_type_name(value) or values.is_not_a_value(value):
        return None  # a declaration's type (`'password' => 'xsd:string'`), `utf-8`, `mySecret`
    if values.is_encrypted_key_blob(value) or values.is_armour_fragment(value):
        return None  # IIS's `sessionKey="AQIAAA..."`: a key encrypted to the machine's
    if values.is_validation_rules(value):
        return None  # `'password' => 'required|min:6'`: a form validator's rules
    if _CHARACTER_ESCAPE.match(value) or _ROUTE_TARGET.match(value):
        return None  # an icon's code point (`'icon-key': '&#xe086;'`), a `controller#action`
    if _VERSION_RANGE.match(value):
        return None  # `"vendor/password-compat": "1.0.*"`: a dependency's version
    if _MESSAGE.match(value) or values.is_file_name(value):
        return None  # a validation message (`is invalid`), a file (`jwt-secret.yaml`)
    if weak and (" " in value or value.lower() in name.lower()):
        return None  # prose, or the key's own name, under a key that only hints
    if _SEPARATORS.sub("", value.rstrip("]),;")).lower() == _SEPARATORS.sub("", name).lower():
        return None  # the key's own name (`secret_data = "secret-data"`, `[--api-token API_TOKEN]`)
    if not weak and _qualified_word(name, value):
        # `EventBusPassword=password`, `ClientSecret = "secret"`, `new Secret("secret")`:
        # a named credential's weak default; verdicts.py keeps it in the layouts where
        # it is one (a compose environment item, C#), elsewhere it is a placeholder
        kind = "password" if kind == "password" else "token"
        return GenericHit(key, value, kind, 0, OWN_WORD)
    if weak:
        reason = "weak-key"
        kind = "token"
    elif len(value) < floor and kind == "token" and values.is_leet_word(value):
        reason = _rejection("password", value)  # a leet word under `secret:`: a chosen password
        if reason in _FINAL:
            return None
    elif len(value) < floor and signing_secret(name) and _ONE_WORD.match(value):
        reason = _rejection("password", value)  # `JWT_SECRET=crapi`: a weak signing secret
        if reason in _FINAL:
            return None
    elif len(value) < floor:
        reason = "short"
    else:
        reason = _rejection(kind or "token", value)
        if (
            wide
            and kind == "password"
            and reason == "placeholder"
            and value.lower() in _WEAK_VALUES
        ):
            # a weak real password (`secret`, `123456`) under a password key where a
            # setting starts a service; verdicts.py keeps it there (the generic
            # detector's candidates only: seed records and SQL rows keep their rules)
            return GenericHit(key, value, "password", 0, WEAK_VALUE)
        if reason in _FINAL or not any(c.isalnum() for c in value):
            return None  # a documented example, a placeholder, punctuation: never a credential
        if value.lower() in _COPIED_DEFAULTS:
            reason = ""  # a framework's documented default, copied into an application
        elif reason == "not-random" and key_phrase(name, value):
            reason = ""  # a signing key written as a phrase (`SecretKeyOfDoomThat...`)
    return GenericHit(key, value, "password" if kind == "password" else "token", 0, reason)


_ONE_WORD = re.compile(r"^[a-z]{4,7}$")  # a short word: a weak signing secret


_SEPARATORS = re.compile(r"[\s_.:-]+")
_CREDENTIAL_WORDS = frozenset({"password", "passwd", "secret"})
OWN_WORD = "own-word"
# Weak passwords the rules otherwise call placeholders (see `judge`).
_WEAK_VALUES = frozenset({"secret", "123456", "12345678"})
WEAK_VALUE = "weak-value"


def _qualified_word(name: str, value: str) -> bool:
    """The value is the credential's own word and the key names more than that word
    (`EventBusPassword`, `SECRET_KEY_HMAC`) or is a credential type's constructor."""
    word = value
    if word not in _CREDENTIAL_WORDS:
        return False
    bare = _SEPARATORS.sub("", name).lower()
    return word in bare and (bare != word or name.startswith("new "))


# Character references and escapes only: an icon font's code points
# (`'icon-key': '&#xe086;'`, `$fa-var-user-secret: "\\f21b"`).
_CHARACTER_ESCAPE = re.compile(
    r"^(?:&#(?:[xX][0-9a-fA-F]{1,6}|\d{1,7});|\\(?:[xu]?[0-9a-fA-F]{1,6}))+$"  # `\xc2` too
)
# A route's target, a controller and its action in snake case
# (`"password_resets" => "password_resets#confirm_token"`).
_ROUTE_TARGET = re.compile(r"^[a-z]+(?:_[a-z]+)*(?:/[a-z]+(?:_[a-z]+)*)*#[a-z]+(?:_[a-z]+)*$")
# Secrets a framework's documentation shows and applications copy unchanged
# (express-session's example secret, below): anyone can guess them.
_COPIED_DEFAULTS = frozenset({"keyboard cat"})
# Reasons the scorer does not overrule.
_FINAL = frozenset({"example", "placeholder"})


def _random_letters(value: str) -> bool:
    """Random letters split by separators (`Pw-eleVHzgE_f-dXLiS`, a generated
    password), not words: the separators alone do not make it a sentence."""
    return values.looks_random(value) and values.has_random_parts(value)


def _rejection(kind: str, value: str) -> str:
    """The first rule that rejects the value, "" when none does (cheap shape tests
    first: most candidates fail them)."""
    if kind == "token" and not values.looks_random(value):
        return "not-random"
    if kind == "key" and not values.looks_like_key_material(value):
        return "not-key-material"
    if values.is_placeholder(value):
        return "placeholder"
    if values.is_reference(value):
        return "reference"
    if values.is_example(value):
        return "example"
    if values.is_hash_or_integrity(value):
        return "hash"
    if values.looks_like_path_or_url(value):
        return "path"
    if values.looks_like_code(value):
        return "code"
    if _NAME_LIKE.match(value) and credential_word_in(value):
        return "name"  # `SECRET-GENERIC-PASSWORD`, `db-secret`, `api_key`
    if _FIELD_NUMBER.match(value):
        return "name"  # `userid:2`: a field and a number, a claim written out
    if _PROSE.match(value) or value.startswith(("\\", "#")):
        return "prose"  # prose, an escape sequence, a comment
    if _SNAKE_SENTENCE.match(value) and not _random_letters(value):
        return "prose"  # `if_you_see_this_use_vault`: a sentence written with underscores
    if _LOCAL_LETTER.search(value) or _OID_OR_VERSION.match(value) or _TITLE.match(value):
        return "label"
    if _MARKUP.search(value):
        return "label"  # `Database password: <em>`: markup around a label
    return ""


def _quote_ok(line: str, m: re.Match[str], syntax: Syntax) -> bool:
    """Is the literal's quote a string quote in this syntax? A `'` in C is a
    character constant - unless it sits inside a "..." string (SQL, a URL)."""
    q = m.group("q")
    return q in syntax.quotes or line.count('"', 0, m.start("q")) % 2 == 1


# A pair inside a value: JSON's `"key": ...`, or a `key:'v'` list in one string
# (`--client-options="use_ssl:true,basic_auth_password:'...'"`).
_NESTED = re.compile(r"""["'`]\s*[:=]|\w[:=]["']""")
_NESTED_RETRIES = 8


def _quoted(line: str) -> Iterator[re.Match[str]]:
    """`_QUOTED` matches, tried again inside a value whose key names no credential
    (`string: '{"access_token": "..."}'` holds one)."""
    pos = 0
    retries = _NESTED_RETRIES  # bounded: each retry may read up to a value's length again
    while True:
        m = _QUOTED.search(line, pos)
        if m is None:
            return
        yield m
        value = m.group("val")
        pos = m.end()
        if (
            retries
            and _NESTED.search(value)
            and credential_kind(m.group("key").rsplit(".", 1)[-1].strip("$@")) is None
        ):
            retries -= 1
            pos = m.start("q") + 1


def _in_text(line: str, at: int) -> bool:
    """Is position `at` inside a string literal, a URL query or a comment?"""
    before = line[:at]
    if before.count('"') % 2 == 1 or before.count("'") % 2 == 1:
        return True
    stripped = before.lstrip()
    return before.endswith(("?", "&")) or stripped.startswith(("#", "//", "*", "--", "/*"))


def find(
    line: str, syntax: Syntax, following: Callable[[int], str | None], wide: bool = False
) -> Iterator[GenericHit]:
    """Credential assignments on `line` in a file of `syntax`; `following(n)` gives
    the n-th line below it (for YAML's `- name: X` / `value: v` and `key:` /
    `value: v` layouts). None on a line that quotes an attack payload. `wide`:
    also the values the rules reject, each with its `reason`, for the scorer."""
    hits = list(_find(line, syntax, following, wide))
    if '\\"' in line:  # JSON or code inside a string: `\"access_token\":\"...\"`
        known = {h.value for h in hits}
        unescaped = line.replace('\\"', '"')
        hits.extend(h for h in _find(unescaped, syntax, _none, wide) if h.value not in known)
    if hits and not _PAYLOAD.search(line):
        yield from hits


def _none(n: int) -> str | None:
    return None


class _Collect:
    """The hits of one line: each value once; `kept` the values the rules keep."""

    def __init__(self, wide: bool) -> None:
        self.wide = wide
        self.values: set[str] = set()
        self.kept = False

    def take(self, key: str, raw: str, via: str) -> GenericHit | None:
        hit = judge(key, raw, self.wide)
        if hit is None or hit.value in self.values or (hit.reason and not self.wide):
            return None
        self.values.add(hit.value)
        self.kept = self.kept or not hit.reason
        return GenericHit(hit.key, hit.value, hit.kind, 0, hit.reason, via)


def _basic(got: _Collect, encoded: str) -> GenericHit | None:
    """HTTP Basic credentials under any name (`header: "Basic ..."`): kept by the
    rules when the base64 decodes to `user:password`, else for the scorer."""
    hit = got.take("basic-auth", encoded, "scheme")
    if hit is None or not hit.reason or not checks.basic_auth_pair(encoded):
        return hit
    got.kept = True
    return replace(hit, reason="")


def _wide(line: str, got: _Collect) -> Iterator[GenericHit]:
    """The scorer's extra candidates: authorization schemes and lists of values."""
    lowered = line.lower()
    found: list[GenericHit | None] = []
    if "authori" in lowered:
        found += [
            got.take("authorization", m.group("val"), "scheme")
            for m in _SCHEME.finditer(line)
            if not _PARAMETER.match(m.group("val"))  # `Digest username="...`
            and not values.is_basic_without_password(m.group("val"))
        ]
    if "Basic" in line:  # base64 of `user:password`, not a lower-case word (`Basic usage`)
        found += [
            _basic(got, m.group("val"))
            for m in _BASIC.finditer(line)
            if not (m.group("val").isalpha() and m.group("val").islower())
            and not values.is_basic_without_password(m.group("val"))
        ]
    if "[" in line:
        for m in _ARRAY.finditer(line):
            key = m.group("key")
            found += [
                got.take(key, i.group("val"), "array") for i in _ITEM.finditer(m.group("vals"))
            ]
    yield from (h for h in found if h is not None)


def _find(
    line: str, syntax: Syntax, following: Callable[[int], str | None], wide: bool
) -> Iterator[GenericHit]:
    got = _Collect(wide)
    yield from _assigned(line, syntax, got)
    if got.wide:
        yield from _wide(line, got)
    quoted = '"' in line or "'" in line or "`" in line
    directive = _DIRECTIVE.match(line) if quoted else None
    if directive is not None and not got.kept and _quote_ok(line, directive, syntax):
        hit = got.take(directive.group("key"), directive.group("val"), "directive")
        if hit is not None:
            yield hit
    if got.kept:
        return
    if syntax.bare == "never" and got.wide and line.lstrip().startswith(_COMMENTS):
        # commented-out config in code: `// password: v`, `# DB_PASSWORD=v`
        bare = _BARE.match(line)
        value = bare.group("val") if bare else ""
        # a value, not a word of prose (`# Password: Test`)
        if bare and (values.looks_random(value) or any(c.isdigit() for c in value)):
            hit = got.take(bare.group("key"), value, "comment")
            if hit is not None:
                yield hit
    if "<" in line and (opened := _XML_OPEN.match(line)):
        yield from _value_below(opened.group("key"), following, got)
    elif syntax.bare != "never":
        yield from _bare_values(line, syntax, following, got)
    elif quoted and "=" in line:  # HCL's `key = "TOKEN"` / `value = "..."`, read as code
        named = _KEY_ONLY.match(line)
        if named and named.group("named"):
            yield from _value_below(named.group("named"), following, got)


_COMMENTS = ("//", "#", "*", "--", "/*")
_SETTINGS_PASS = re.compile(r"<settings\s+pass$")
_COMPARISONS = frozenset({"==", "===", "!=", "!=="})
# `cond ? "pass" : "fail"`: a literal opened right after a conditional's `?`
_TERNARY = re.compile(r"""\?\s*["'`]$""")
# `'variable' === $token[0]`: an element of a list (a tokenizer's token) compared
_INDEXED = re.compile(r"\[\d+\]")


def _compared(key: str, raw: str, wide: bool) -> bool:
    """Is a literal compared with `key` a candidate? Not when the key only hints at a
    credential (`authtype == 'ntlm'`) or is a plain `key` (`$key == 'xmlns'`: a
    lookup's key) and the rules reject the value; a test's `secret == '...'` is."""
    hit = judge(key, raw, wide)
    if hit is None or not hit.reason:
        return hit is not None
    return hit.reason != "weak-key" and credential_kind(key.rsplit(".", 1)[-1].strip("$@")) != "key"


# A tuple assignment: `email, username, password = "a@b.c", "name", "pw"` gives each
# name the literal at its position, not the last name the first literal.
_UNPACKED = re.compile(
    r"""^\s*(?P<names>[A-Za-z_][\w.]{0,80}(?:\s*,\s*[A-Za-z_][\w.]{0,80}){1,15})\s*=\s*(?P<vals>.+)$"""
)
_ITEMS = re.compile(
    r"""\s*(?P<q>["'])(?P<val>(?:\\.|(?!(?P=q))[^\\]){0,300}?)(?P=q)\s*(?:,|;?\s*$)"""
)


def _unpacked(line: str) -> tuple[int, list[tuple[str, str]]]:
    """(where the names of a tuple assignment end, 0 when the line is none; the
    (name, literal) pairs when every value is a literal)."""
    m = _UNPACKED.match(line)
    if m is None:
        return 0, []
    names = [n.strip() for n in m.group("names").split(",")]
    vals: list[str] = []
    pos, text = 0, m.group("vals")
    while pos < len(text) and len(vals) <= len(names):
        item = _ITEMS.match(text, pos)
        if item is None:
            return m.end("names"), []
        vals.append(item.group("val"))
        pos = item.end()
    return m.end("names"), list(zip(names, vals, strict=True)) if len(vals) == len(names) else []


def _assigned(line: str, syntax: Syntax, got: _Collect) -> Iterator[GenericHit]:
    """Values written as literals: quoted (or a wrapper call's argument), reversed
    comparisons, XML elements, CLI flags, `KEY=value` in text; then `calls.find`."""
    quoted = '"' in line or "'" in line or "`" in line
    names_end = 0
    if quoted and "," in line:
        names_end, pairs = _unpacked(line)
        for key, raw in pairs:
            hit = got.take(key, raw, "quoted")
            if hit is not None:
                yield hit
    for m in _quoted(line) if quoted else ():
        if not _quote_ok(line, m, syntax) or m.start("key") < names_end:
            continue  # a name of a tuple assignment: paired by position above
        if m.group("op") == ":" and _TERNARY.search(line, 0, m.start("key")):
            continue  # `? "pass" : "fail"`: a conditional's two results, not a pair
        if _SETTINGS_PASS.search(line, 0, m.end("key")):
            continue  # an answer file's `<settings pass="windowsPE">`: a configuration pass
        if m.group("op") in _COMPARISONS and not _compared(
            m.group("key"), m.group("val"), got.wide
        ):
            continue  # a comparison the rules reject (`$this->authtype == 'ntlm'`)
        call = m.group("call")
        if call and (_NOT_WRAPPER.search(call) or not _WRAPPER.match(call)):
            continue
        if m.group("q") == "`" and syntax is CONFIG:
            continue  # shell command substitution: the output of a command
        hit = got.take(m.group("key"), m.group("val"), "call" if call else "quoted")
        if hit is not None:
            yield hit
    patterns: list[tuple[re.Pattern[str], str]] = []
    if quoted and "=" in line:
        patterns.append((_REVERSED, "reversed"))
    if "<" in line:
        patterns.append((_XML, "xml"))
        if "value=" in line:
            patterns.append((_XML_KEYED, "xml"))
    if "--" in line:
        patterns.append((_FLAG, "flag"))
        if "=" in line:
            patterns.append((_FLAG_PAIR, "pair"))
    for pattern, via in patterns:
        for m in pattern.finditer(line):
            if pattern is _REVERSED and not (
                _quote_ok(line, m, syntax)
                and not _INDEXED.match(line, m.end())
                and _compared(m.group("key"), m.group("val"), got.wide)
            ):
                continue
            if pattern is _XML and m.group("key").lower() in _HTML_INLINE:
                continue
            hit = got.take(m.group("key"), m.group("val"), via)
            if hit is not None:
                yield hit
    if "=" in line and "(" in line:
        for m in _PAIR_HASHED.finditer(line):
            hit = got.take(m.group("key"), m.group("val"), "pair")
            if hit is not None:
                yield hit
    if "=" in line:
        for m in _PAIR.finditer(line):
            if syntax.bare != "literal" and not _in_text(line, m.start()):
                continue
            if values.is_digest_of_a_word(m.group("val"), line):
                continue
            hit = got.take(m.group("key"), m.group("val"), "pair")
            if hit is not None:
                yield hit
    yield from calls.find(line, got.take, lambda m: _quote_ok(line, m, syntax), quoted)


def _bare_values(
    line: str, syntax: Syntax, following: Callable[[int], str | None], got: _Collect
) -> Iterator[GenericHit]:
    """Unquoted values, where the file's syntax makes them literals: `key: value`,
    `KEY value`, Go's bare literals, and a value on one of the lines below a key."""
    if syntax.bare == "not-code":
        bare = _GO_BARE.match(line)
        if bare and _NOT_GO_CODE.search(bare.group("val")):
            hit = got.take(bare.group("key"), bare.group("val"), "bare")
            if hit is not None:
                yield hit
        return
    for pattern in (_BARE, _ENV_SPACE):
        bare = pattern.match(line)
        if bare:
            hit = got.take(bare.group("key"), bare.group("val"), "bare")
            if hit is not None:
                yield hit
                if not hit.reason:
                    return
    key_only = _KEY_ONLY.match(line)
    if key_only and key_only.group("key"):
        yield from _value_below(key_only.group("key"), following, got)


def _value_below(
    key: str, following: Callable[[int], str | None], got: _Collect
) -> Iterator[GenericHit]:
    """The value on one of the three lines below a key that names a credential."""
    if credential_kind(key) is None:
        return
    for n in (1, 2, 3):
        below = following(n)
        if below is None:
            return
        env = _PER_ENVIRONMENT.match(below) if key.lower().endswith(("secret", "secrets")) else None
        if env:  # `app_secrets:` / `  dev: <value>` / `  prod: <value>`: one per environment
            hit = got.take(key, env.group("val"), "environment")
            if hit is not None:
                yield GenericHit(hit.key, hit.value, hit.kind, n, hit.reason, hit.via)
            continue
        vm = _VALUE_LINE.match(below)
        if vm:
            hit = got.take(key, vm.group("val") or vm.group("xml"), "below")
            if hit is not None:
                yield GenericHit(hit.key, hit.value, hit.kind, n, hit.reason, hit.via)
            return
