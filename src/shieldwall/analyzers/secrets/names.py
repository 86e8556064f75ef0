"""Does a key name a credential? `dbPassword`, `DB_PASSWORD`, `db-password`,
`ibmcloudapikey`: yes; `password_file`, `token_url`, `tokenizer`: no.

The secrets analyzer keeps its own test (analyzers never import each other)."""

from __future__ import annotations

import functools
import itertools
import re

# Words that say "this is a password" (any literal counts) ...
PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pass", "passphrase", "passcode", "pw"})
# ... and words that say "this is a token or key" (the value must also look random).
TOKEN_WORDS = frozenset(
    {
        "secret",
        "secrets",
        "token",
        "apikey",
        "credential",
        "credentials",
        "privatekey",
        "secretkey",
        "accesskey",
        "authkey",
        "authtoken",
        "accesstoken",
        "clientsecret",
        "apitoken",
        "apisecret",
        "bearer",
        "sessionkey",
        "signingkey",
        "masterkey",
        "consumerkey",
        "consumersecret",
        "nonce",
        "salt",
        "otp",
        "totp",
    }
)
_PAIRS = frozenset(
    {
        ("api", "key"),
        ("access", "key"),
        ("private", "key"),
        ("secret", "key"),
        ("auth", "key"),
        ("signing", "key"),
        ("encryption", "key"),
        ("master", "key"),
        ("client", "secret"),
        ("session", "key"),
        ("account", "key"),
        ("app", "key"),
        ("token", "key"),
        ("crypt", "key"),
        ("hmac", "key"),
        ("shared", "key"),
        ("consumer", "key"),
        ("service", "key"),
        ("validation", "key"),
        ("sign", "key"),
        ("license", "key"),
        ("oauth", "key"),
        ("client", "key"),
        ("auth", "token"),
    }
)
# A last word that makes the key a pointer, a setting or a name, not the credential.
_NOT_SECRET_SUFFIX = frozenset(
    {
        "file",
        "files",
        "path",
        "dir",
        "url",
        "uri",
        "endpoint",
        "host",
        "port",
        "name",
        "ref",
        "id",
        "ids",
        "ttl",
        "expiry",
        "expires",
        "expiration",
        "timeout",
        "stacking",  # JAAS's `password-stacking` login-module option (`useFirstPass`)
        "length",
        "len",
        "min",
        "max",
        "seconds",
        "enabled",
        "enable",
        "disabled",
        "type",
        "types",
        "charset",
        "alphabet",
        "address",
        "header",
        "mode",
        "policy",
        "algorithm",
        "alg",
        "algo",
        "variable",  # `passwordVariable: 'FLAG'`: the name a pipeline binds the value to
        "macro",
        "audience",
        "issuer",
        "prefix",
        "format",
        "lifetime",
        "duration",
        "version",
        "regex",
        "pattern",
        "source",
        "provider",
        "store",
        "mount",
        "user",
        "username",
        "location",
        "count",
        "size",
        "required",
        "field",
        "param",
        "parameter",
        "label",
        "env",
        "var",
        "key_id",
        "arn",
        "reset",
        "hash",
        "hashed",
        "digest",
        "rounds",
        "iterations",
        "strength",
        "validator",
        "validation",
        "rotation",
        "class",
        "cls",
        "manager",
        "handler",
        "factory",
        "service",
        "backend",
        "storage",
        "cache",
        "helper",
        "util",
        "utils",
        "error",
        "errors",
        "message",
        "msg",
        "prompt",
        "hint",
        "help",
        "text",
        "placeholder",
        "description",
        "kind",
        "spec",
        "schema",
        "scope",
        "scopes",
        "mask",
        "index",
        "attr",
        "attribute",
        "input",
        "form",
        "widget",
        "box",
        "button",
        "dialog",
        "view",
        "callback",
        "changed",
        "updated",
        "created",
        "at",
        "date",
        "time",
        "timestamp",
        "set",
        "is",
        "has",
        "check",
        "request",
        "response",
        "expired",
        "valid",
        "ok",
        "expire",
        "never",
        "status",
        "state",
        "char",
        "chars",
        "regexp",
        "re",
    }
)
_NOT_SECRET_WORDS = frozenset(
    {
        "public",
        "pub",
        "publishable",
        "encrypted",
        "hashed",
        "sha",
        "md5",
        # user-interface text and messages about the credential, not the credential
        "label",
        "labels",
        "lbl",
        "title",
        "mandatory",
        "tooltip",
        "caption",
        "heading",
        "status",
        "invalid",
        "incorrect",
        "wrong",
        "missing",
        "mismatch",
        "forgotten",
        "weak",
        "too",
        "err",
        "nerr",
        "errno",
        "cant",
        "amz",
        "next",
        "prev",
        "previous",
        "pagination",
        "continuation",
        # the kind of authentication, not its credential (`$this->authtype == 'ntlm'`)
        "authtype",
        "authmethod",
        "authscheme",
    }
)
# `key` alone, or after these, names a lookup or index key, not a credential.
_PLAIN_KEY_OWNERS = frozenset(
    {
        "primary",
        "foreign",
        "challenge",
        "sort",
        "partition",
        "cache",
        "map",
        "dict",
        "hash",
        "index",
        "unique",
        "composite",
        "lookup",
        "idempotency",
        "row",
        "object",
        "storage",
        "route",
        "group",
        "i18n",
        "translation",
        "locale",
        "message",
        "list",
        "item",
        "registry",
        "kms",
        "ssh",
        "host",
        "public",
        "pub",
        "react",
        "node",
        "field",
        "column",
        "table",
        "dedup",
        "shard",
        "routing",
        "query",
        "sequence",
        "config",
        "setting",
        "settings",
        "metadata",
        "label",
        "annotation",
        "tag",
        "event",
        "menu",
        "nav",
        "page",
        "file",
        "path",
        "entry",
        "state",
        "store",
        "result",
        "input",
        "output",
        "s3",
        "bucket",
        "start",
        "last",
        "exclusive",
        "range",
    }
)
# A first word that makes the key a flag or an action about the credential.
_NOT_SECRET_PREFIX = frozenset(
    {
        "has",
        "not",
        "is",
        "allow",
        "allows",
        "enable",
        "disable",
        "use",
        "require",
        "requires",
        "show",
        "hide",
        "change",
        "reset",
        "update",
        "validate",
        "check",
        "forgot",
        "expire",
        "min",
        "max",
        "no",
        "skip",
        "ignore",
        "get",
        "set",
        "should",
        "must",
        "can",
        "generate",
        "rotate",
        "num",
        "count",
    }
)
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SPLIT = re.compile(r"[^a-z0-9]+")


def name_words(name: str) -> list[str]:
    """`dbPassword`, `DB_PASSWORD`, `db-password2` -> ["db", "password"]."""
    words = (w.rstrip("0123456789") for w in _SPLIT.split(_CAMEL.sub(r"\1_\2", name).lower()))
    return [w for w in words if w]


def names_no_secret(name: str) -> bool:
    """Does the name say its value is not a secret (`token_type`, `secret_id`,
    `isPasswordSet`, `public_key`)?"""
    words = name_words(name)
    return bool(
        words
        and (
            words[-1] in _NOT_SECRET_SUFFIX
            or (len(words) > 1 and words[0] in _NOT_SECRET_PREFIX)
            or _NOT_SECRET_WORDS & set(words)
        )
    )


# A password's key written as one word with its owner in front (`dbpass`, `adminpass`):
# a closed list, since `bypass`, `compass` and `surpass` end the same way.
PASS_OWNERS = ("db", "admin", "root", "user", "mysql", "sql", "pg", "smtp", "mail", "ftp")
_OWNED_PASS = frozenset(f"{owner}pass" for owner in PASS_OWNERS)


@functools.lru_cache(maxsize=8192)  # the same names come back on line after line
def credential_kind(name: str) -> str | None:
    """ "password" when the key names a password, "token" when it names a token,
    secret or key, "key" for a key named only `key`, None when it names neither."""
    words = name_words(name)
    if (
        not words
        or words[-1] in _NOT_SECRET_SUFFIX
        or (len(words) > 1 and words[0] in _NOT_SECRET_PREFIX)
        or _NOT_SECRET_WORDS & set(words)
    ):
        return None
    for w in words:
        if (
            w in PASSWORD_WORDS
            or w.endswith(("password", "passwd"))
            or (len(w) > 5 and w.endswith("pwd"))
            or w in _OWNED_PASS
        ):
            return "password"
    for w in words:
        if w in TOKEN_WORDS or w.endswith(
            ("secret", "token", "apikey", "secretkey", "accesskey", "privatekey")
        ):
            return "token"
        if w.startswith("secret") and len(w) <= 8:  # `secrete`, `secretx`
            return "token"
    if any(pair in _PAIRS for pair in itertools.pairwise(words)):
        return "token"
    if words == ["key"] or words == ["x", "key"]:
        return "key"  # the value must look like key material
    if words[-1] == "key" and not _PLAIN_KEY_OWNERS & set(words[:-1]):
        return "token"  # `appKey`, `pagerduty.service_key`: the value must look random
    return None


# The secret an application signs its sessions or tokens with (`JWT_SECRET`,
# `SECRET_KEY`, `sessionSecret`): whatever its length, a literal word there is the
# key, and a short one is the weakest of keys.
_SIGNING_OWNERS = frozenset({"jwt", "session", "cookie", "app", "token", "signing", "flask"})


def signing_secret(name: str) -> bool:
    words = name_words(name)
    if len(words) != 2:
        return False
    first, last = words
    return (last == "secret" and first in _SIGNING_OWNERS) or (
        last == "key" and first in ("secret", "jwt", "signing")
    )


# A key chosen as a phrase, run together in capitalised words (a C# constant of a JWT
# signing key, `SecretKeyOfDoomThat...`): a name that
# says it signs or authenticates, and six words or more (an HMAC key's minimum length
# is why it is long); a class or setting's name is rarely so long.
_PHRASE = re.compile(r"^(?:[A-Z][a-z]+|A){6,}$")
_PHRASE_OWNERS = frozenset({"jwt", "auth", "signing", "secret", "hmac", "encryption", "token"})


def key_phrase(name: str, value: str) -> bool:
    words = name_words(name)
    return (
        len(value) >= 32
        and words[-1:] in (["key"], ["secret"])
        and bool(_PHRASE_OWNERS & set(words[:-1]))
        and _PHRASE.match(value) is not None
    )
