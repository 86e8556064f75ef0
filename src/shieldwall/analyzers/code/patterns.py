"""Pattern rules: weaknesses visible at one call or statement, no taint needed
(weak hashes, TLS verification off, cookie flags, JWT, debug, binds, mktemp,
assert-based access checks, old TLS versions, unsafe YAML loaders)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code.catalog.crypto import (
    CIPHER_PACKAGES,
    MINIMUM_VERSION_SETTINGS,
    NEGOTIATING_PROTOCOLS,
    OLD_PROTOCOLS,
    WEAK_CIPHERS,
    WEAK_HASH_FUNCS,
    WEAK_HASH_NAMES,
)
from shieldwall.analyzers.code.values import Val

if TYPE_CHECKING:
    from shieldwall.analyzers.code.state import FlowState

# Words that say a digest names content rather than protects a secret.
FINGERPRINT_WORDS = ("cache", "etag", "fingerprint", "dedup", "shard", "bucket")
SECURITY_WORDS = (
    "password",
    "passwd",
    "secret",
    "token",
    "sign",
    "auth",
    "salt",
    "credential",
    "nonce",
    "session",
)
# Framework objects and runners that take debug=...
DEBUG_TAKERS = frozenset(
    {"run", "run_simple", "Starlette", "FastAPI", "Sanic", "Quart", "Application", "make_app"}
)
# Flask/Django configuration keys and the value that makes them unsafe.
CONFIG_KEYS: dict[str, tuple[bool, str, str]] = {
    "DEBUG": (True, "PY-DEBUG-ENABLED", "debug"),
    "SESSION_COOKIE_SECURE": (False, "PY-COOKIE-NOT-SECURE", "cookie-secure"),
    "CSRF_COOKIE_SECURE": (False, "PY-COOKIE-NOT-SECURE", "cookie-secure"),
    "REMEMBER_COOKIE_SECURE": (False, "PY-COOKIE-NOT-SECURE", "cookie-secure"),
    "SESSION_COOKIE_HTTPONLY": (False, "PY-COOKIE-NOT-HTTPONLY", "cookie-httponly"),
    "REMEMBER_COOKIE_HTTPONLY": (False, "PY-COOKIE-NOT-HTTPONLY", "cookie-httponly"),
}
SHARED_TMP = ("/tmp/", "/var/tmp/", "/dev/shm/")  # noqa: S108 - what the rule looks for
HTTP_METHODS = frozenset(
    {
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "request",
        "send",
        "stream",
        "Client",
        "AsyncClient",
        "urlopen",
    }
)
ACCESS_NAMES = frozenset(
    {
        "is_authenticated",
        "is_admin",
        "is_staff",
        "is_superuser",
        "has_perm",
        "has_perms",
        "has_permission",
        "is_authorized",
        "is_authorised",
        "authorized",
        "authorised",
        "authenticated",
        "is_owner",
        "can_access",
        "logged_in",
        "is_logged_in",
        "check_password",
        "has_role",
        "is_allowed",
    }
)
ALL_INTERFACES = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 - what the rule looks for


def _false(v: Val | None) -> bool:
    return v is not None and v.known and v.const is False


def _true(v: Val | None) -> bool:
    return v is not None and v.known and v.const is True


def _kw(flow: FlowState, node: ast.AST, rule: str, message: str, key: str) -> None:
    flow.report(rule, message, node, key)


def check_call(
    flow: FlowState,
    node: ast.Call,
    qual: str | None,
    method: str | None,
    receiver: Val | None,
    args: list[Val],
    kwargs: dict[str, Val],
) -> None:
    """Every pattern rule that looks at one call."""
    for check in CALL_CHECKS:
        check(flow, node, qual, method, receiver, args, kwargs)


def _weak_hashes(
    flow: FlowState,
    node: ast.Call,
    qual: str | None,
    method: str | None,
    receiver: Val | None,
    args: list[Val],
    kwargs: dict[str, Val],
) -> None:
    """MD5, SHA-1, MD4 for security (hashlib, hmac, pbkdf2, PyCryptodome, cryptography)."""
    name = qual or ""
    alg = WEAK_HASH_FUNCS.get(name)
    if alg is None and name == "hashlib.new" and args and args[0].known:
        alg = WEAK_HASH_NAMES.get(str(args[0].const).lower())
    if alg is None and name in ("hmac.new", "hmac.digest", "hmac.HMAC", "hashlib.pbkdf2_hmac"):
        # the digest: hmac.new(key, msg, hashlib.md5), pbkdf2_hmac("sha1", ...)
        digest = (
            args[0]
            if name == "hashlib.pbkdf2_hmac" and args
            else (
                args[2]
                if len(args) > 2
                else kwargs.get("digestmod") or kwargs.get("digest") or kwargs.get("hash_name")
            )
        )
        alg = _weak_digest(digest)
    if alg is None or _false(kwargs.get("usedforsecurity")):
        return
    if name in WEAK_HASH_FUNCS and _fingerprint(flow, node):
        return  # an ETag, a cache key: no one needs to forge it
    _kw(flow, node, "PY-WEAK-HASH", f"{alg} hash ({name}())", f"hash|{alg}")


def _fingerprint(flow: FlowState, node: ast.Call) -> bool:
    """A digest whose context (the function's name, the line) says it names content
    (a cache key, an ETag, a fingerprint) and says nothing of secrets."""
    line = flow.m.lines[node.lineno - 1] if 0 < node.lineno <= len(flow.m.lines) else ""
    context = f"{flow.info.qualname if flow.info else ''} {line}".lower()
    return any(w in context for w in FINGERPRINT_WORDS) and not any(
        w in context for w in SECURITY_WORDS
    )


def _weak_ciphers(
    flow: FlowState,
    node: ast.Call,
    qual: str | None,
    method: str | None,
    receiver: Val | None,
    args: list[Val],
    kwargs: dict[str, Val],
) -> None:
    """DES, RC4 and other broken ciphers; ECB mode."""
    name = qual or ""
    cipher = _weak_cipher(name, args, kwargs)
    if cipher is not None:
        _kw(flow, node, "PY-WEAK-CIPHER", f"{cipher} ({name}())", f"cipher|{cipher}")


def _tls_verification(
    flow: FlowState,
    node: ast.Call,
    qual: str | None,
    method: str | None,
    receiver: Val | None,
    args: list[Val],
    kwargs: dict[str, Val],
) -> None:
    """Certificate verification turned off."""
    name = qual or ""
    last = method or (qual or "").rsplit(".", 1)[-1]
    if _false(kwargs.get("verify")) and (
        name.startswith(("requests.", "httpx.", "aiohttp.")) or last in HTTP_METHODS
    ):
        _kw(flow, node, "PY-TLS-VERIFY-DISABLED", f"{last}() with verify=False", f"verify|{last}")
    if name in ("ssl._create_unverified_context", "ssl._create_stdlib_context"):
        _kw(
            flow, node, "PY-TLS-VERIFY-DISABLED", f"{name}() accepts any certificate", f"ctx|{name}"
        )
    cert = kwargs.get("cert_reqs")
    if cert is not None and (
        (cert.qual or "").endswith("CERT_NONE")
        or (cert.known and str(cert.const).upper() in ("CERT_NONE", "NONE"))
    ):
        _kw(
            flow,
            node,
            "PY-TLS-VERIFY-DISABLED",
            f"{last}() with cert_reqs=CERT_NONE",
            f"cert_reqs|{last}",
        )


def _old_protocols(
    flow: FlowState,
    node: ast.Call,
    qual: str | None,
    method: str | None,
    receiver: Val | None,
    args: list[Val],
    kwargs: dict[str, Val],
) -> None:
    """SSLv2/3, TLS 1.0/1.1 chosen explicitly."""
    last = method or (qual or "").rsplit(".", 1)[-1]
    for v in [*args, *kwargs.values()]:
        if v.qual in OLD_PROTOCOLS:
            _kw(
                flow, node, "PY-SSL-OLD-PROTOCOL", f"{v.qual} passed to {last}()", f"proto|{v.qual}"
            )
    if qual == "ssl.SSLContext" and (not args or args[0].qual in NEGOTIATING_PROTOCOLS):
        start = flow.info.node.lineno if flow.info else 1
        end = (flow.info.node.end_lineno or start) if flow.info else len(flow.m.lines)
        scope = "\n".join(flow.m.lines[start - 1 : end])
        if not any(w in scope for w in MINIMUM_VERSION_SETTINGS):
            _kw(
                flow,
                node,
                "PY-SSL-OLD-PROTOCOL",
                "ssl.SSLContext() without a minimum_version: TLS 1.0/1.1 are accepted "
                "wherever Python (before 3.10) or the OpenSSL build still allows them",
                "proto|no-minimum",
            )


def _cookie_flags(
    flow: FlowState,
    node: ast.Call,
    qual: str | None,
    method: str | None,
    receiver: Val | None,
    args: list[Val],
    kwargs: dict[str, Val],
) -> None:
    """Cookies set without `secure` or `httponly`."""
    last = method or (qual or "").rsplit(".", 1)[-1]
    if last == "set_cookie":
        cookie = args[0] if args else kwargs.get("key")
        cname = str(cookie.const) if cookie is not None and cookie.known else "?"
        if "secure" not in kwargs or _false(kwargs.get("secure")):
            _kw(
                flow,
                node,
                "PY-COOKIE-NOT-SECURE",
                f"cookie `{cname}` set without secure=True",
                f"cookie-secure|{cname}",
            )
        if "httponly" not in kwargs or _false(kwargs.get("httponly")):
            _kw(
                flow,
                node,
                "PY-COOKIE-NOT-HTTPONLY",
                f"cookie `{cname}` set without httponly=True",
                f"cookie-httponly|{cname}",
            )


def _jwt_verification(
    flow: FlowState,
    node: ast.Call,
    qual: str | None,
    method: str | None,
    receiver: Val | None,
    args: list[Val],
    kwargs: dict[str, Val],
) -> None:
    """JWTs decoded without verifying their signature."""
    name = qual or ""
    if name in ("jose.jwt.get_unverified_claims", "jwt.get_unverified_claims"):
        _kw(
            flow,
            node,
            "PY-JWT-NOT-VERIFIED",
            f"{name}() trusts claims it never verified",
            "jwt-unverified",
        )
    if name in ("jwt.decode", "jose.jwt.decode", "jwt.api_jwt.decode"):
        options = kwargs.get("options")
        off = _false(kwargs.get("verify")) or (
            options is not None
            and options.keys is not None
            and _false(options.keys.get("verify_signature"))
        )
        algs = kwargs.get("algorithms")
        if (
            algs is not None
            and algs.items is not None
            and any(a.known and str(a.const).lower() == "none" for a in algs.items)
        ):
            off = True
        if off:
            _kw(
                flow, node, "PY-JWT-NOT-VERIFIED", f"{name}() without signature verification", "jwt"
            )


def _debug_and_binds(
    flow: FlowState,
    node: ast.Call,
    qual: str | None,
    method: str | None,
    receiver: Val | None,
    args: list[Val],
    kwargs: dict[str, Val],
) -> None:
    """Debug mode on; servers and sockets bound to every interface."""
    last = method or (qual or "").rsplit(".", 1)[-1]
    # Flask's app.run(host, port, debug) takes it third by position
    positional = args[2] if last == "run" and len(args) > 2 else None
    if last in DEBUG_TAKERS and (_true(kwargs.get("debug")) or _true(positional)):
        _kw(flow, node, "PY-DEBUG-ENABLED", f"{last}() with debug=True", "debug")
    # app.config.update(DEBUG=True, ...), app.config.from_mapping({...})
    if (
        last in ("update", "from_mapping")
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "config"
    ):
        for mapping in [*args, Val(keys={k: v for k, v in kwargs.items()})]:
            for k, v in (mapping.keys or {}).items():
                config_setting(flow, str(k), v, node)
    host = kwargs.get("host")
    if last == "run" and host is not None and host.known and host.const in ALL_INTERFACES:
        _kw(
            flow,
            node,
            "PY-BIND-ALL-INTERFACES",
            f"server bound to {host.const!r}",
            f"bind|{host.const}",
        )
    if (
        last == "bind"
        and args
        and args[0].items
        and args[0].items[0].known
        and args[0].items[0].const in ALL_INTERFACES
        and receiver is not None
    ):
        _kw(flow, node, "PY-BIND-ALL-INTERFACES", "socket bound to all interfaces", "bind|socket")


def _temp_files(
    flow: FlowState,
    node: ast.Call,
    qual: str | None,
    method: str | None,
    receiver: Val | None,
    args: list[Val],
    kwargs: dict[str, Val],
) -> None:
    """Temporary file names another process can take or predict."""
    name = qual or ""
    if name in ("tempfile.mktemp", "os.tempnam", "os.tmpnam"):
        _kw(
            flow,
            node,
            "PY-TEMPFILE-MKTEMP",
            f"{name}() returns a name another process can take",
            "mktemp",
        )
    if name in ("open", "io.open", "os.open", "codecs.open") and node.args:
        mode = args[1] if len(args) > 1 else kwargs.get("mode") or kwargs.get("flags")
        writes = name == "os.open" or (
            mode is not None
            and mode.known
            and isinstance(mode.const, str)
            and any(c in mode.const for c in "wax+")
        )
        prefix = str_prefix(flow, node.args[0])
        if writes and prefix.startswith(SHARED_TMP):
            _kw(
                flow,
                node,
                "PY-TEMPFILE-PREDICTABLE",
                f"{name}() writes {prefix!r}...",
                f"tmp|{prefix}",
            )


def _yaml_loaders(
    flow: FlowState,
    node: ast.Call,
    qual: str | None,
    method: str | None,
    receiver: Val | None,
    args: list[Val],
    kwargs: dict[str, Val],
) -> None:
    """YAML loaders that build arbitrary objects (the taint rule takes the
    case where untrusted data reaches them)."""
    name = qual or ""
    if name in (
        "yaml.load",
        "yaml.load_all",
        "yaml.unsafe_load",
        "yaml.full_load",
        "yaml.unsafe_load_all",
        "yaml.full_load_all",
    ):
        loader = kwargs.get("Loader") or (args[1] if len(args) > 1 else None)
        lname = ((loader.qual or "") if loader is not None else "").rsplit(".", 1)[-1]
        unsafe = name not in ("yaml.load", "yaml.load_all") or (
            loader is not None and lname not in cat.YAML_SAFE_LOADERS
        )
        data = args[0] if args else kwargs.get("stream")
        if unsafe and data is not None and not data.known:
            t = data.deep_taint()
            if t is None or "deser" not in cat.KIND_REACHES.get(t.kind, frozenset()):
                _kw(
                    flow,
                    node,
                    "PY-YAML-UNSAFE-LOAD",
                    f"{name}() with {lname or 'an unsafe loader'}",
                    f"yaml|{name}",
                )


CALL_CHECKS = (
    _weak_hashes,
    _weak_ciphers,
    _tls_verification,
    _old_protocols,
    _cookie_flags,
    _jwt_verification,
    _debug_and_binds,
    _temp_files,
    _yaml_loaders,
)


def _weak_digest(v: Val | None) -> str | None:
    if v is None:
        return None
    if v.qual in WEAK_HASH_FUNCS:
        return WEAK_HASH_FUNCS[v.qual]
    if v.known and isinstance(v.const, str):
        return WEAK_HASH_NAMES.get(v.const.lower())
    return None


def _weak_cipher(name: str, args: list[Val], kwargs: dict[str, Val]) -> str | None:
    if "ipher" not in name:  # Crypto.Cipher.*, ...primitives.ciphers.*
        return None
    for pkg in CIPHER_PACKAGES:
        if name.startswith(pkg):
            algo = name[len(pkg) :].split(".")[0]
            if algo in WEAK_CIPHERS:
                return algo
            break
    if name.endswith("ciphers.modes.ECB"):
        return "ECB mode"
    if name.startswith(CIPHER_PACKAGES[:2]) and name.endswith(".new"):
        for v in [*args, *kwargs.values()]:
            if (v.qual or "").endswith(".MODE_ECB"):
                return "ECB mode"
    return None


def str_prefix(flow: FlowState, node: ast.expr) -> str:
    """The constant text a string expression starts with ('' when unknown)."""
    if isinstance(node, ast.JoinedStr):
        first = node.values[0] if node.values else None
        return (
            first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        left = str_prefix(flow, node.left)
        return left.split("%", 1)[0] if isinstance(node.op, ast.Mod) else left
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return str_prefix(flow, node.func.value).split("{", 1)[0]
    if isinstance(node, ast.Name) and node.id in flow.tmp_paths:
        return flow.tmp_paths[node.id]
    v = flow.expr(node) if isinstance(node, ast.Name | ast.Constant) else None
    if v is not None and v.known and isinstance(v.const, str):
        return v.const
    return ""


def config_setting(flow: FlowState, name: str, value: Val, node: ast.AST) -> None:
    """A Flask/Django configuration key set to a value that turns a protection off."""
    spec = CONFIG_KEYS.get(name)
    if spec is None:
        return
    bad, rule, key = spec
    if _true(value) if bad else _false(value):
        flow.report(rule, f"{name} = {bad}", node, f"{key}|{name}")


def check_attr_store(
    flow: FlowState, target: ast.Attribute, base: Val, value: Val, node: ast.stmt
) -> None:
    attr = target.attr
    if attr == "verify_mode" and (value.qual or "").endswith("CERT_NONE"):
        flow.report("PY-TLS-VERIFY-DISABLED", "verify_mode set to CERT_NONE", node, "verify_mode")
    elif attr == "check_hostname" and _false(value):
        flow.report("PY-TLS-VERIFY-DISABLED", "check_hostname set to False", node, "check_hostname")
    elif attr in ("minimum_version", "maximum_version") and value.qual in OLD_PROTOCOLS:
        flow.report("PY-SSL-OLD-PROTOCOL", f"{attr} set to {value.qual}", node, f"proto|{attr}")
    elif attr == "verify" and _false(value):
        flow.report("PY-TLS-VERIFY-DISABLED", "session verify set to False", node, "verify")
    elif attr == "debug" and _true(value):
        flow.report("PY-DEBUG-ENABLED", "debug set to True", node, "debug-attr")


def check_secret_store(flow: FlowState, name: str, value: Val, node: ast.stmt) -> None:
    t = value.deep_taint()
    lowered = name.lower()
    if t is not None and t.kind == "weakrand" and any(w in lowered for w in cat.SECRET_WORDS):
        flow.sink("weakrand", t, node, f"`{name}`")
    if flow.info is None and flow.summary is None:
        _settings(flow, name, value, node)


def _settings(flow: FlowState, name: str, value: Val, node: ast.stmt) -> None:
    """Django-style settings modules."""
    if "settings" not in flow.m.rel.rsplit("/", 1)[-1]:
        return
    config_setting(flow, name, value, node)


def check_assert(flow: FlowState, node: ast.Assert) -> None:
    for sub in ast.walk(node.test):
        word = (
            sub.attr
            if isinstance(sub, ast.Attribute)
            else (sub.id if isinstance(sub, ast.Name) else "")
        )
        if word.lower() in ACCESS_NAMES:
            flow.report(
                "PY-ASSERT-ACCESS-CONTROL",
                f"access check `{word}` made with assert",
                node,
                f"assert|{word}",
            )
            return
