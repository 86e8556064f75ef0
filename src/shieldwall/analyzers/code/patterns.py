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
from shieldwall.analyzers.code.rules import H, L, M, code_rule
from shieldwall.analyzers.code.values import Val
from shieldwall.model import Control, Rule

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


def _kw(flow: FlowState, node: ast.AST, rule: Rule, message: str, key: str) -> None:
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
    if qual in AUTOESCAPE_TAKERS and _false(kwargs.get("autoescape")):
        # Jinja2 set up with autoescape=False said in so many words
        _kw(flow, node, TEMPLATE_AUTOESCAPE_OFF, f"{qual}() with autoescape=False", "autoescape")


WEAK_HASH = code_rule(
    id="PY-WEAK-HASH",
    severity=M,
    title="Weak hash algorithm (MD5/SHA-1)",
    description=(
        "MD5 and SHA-1 are broken for passwords and signatures: collisions are cheap "
        "and brute force is fast."
    ),
    remediation=(
        "Use hashlib.sha256 or better; for passwords a slow KDF (hashlib.scrypt, "
        "argon2, bcrypt). For non-security uses pass usedforsecurity=False."
    ),
    cwe=("CWE-328",),
)


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
    _kw(flow, node, WEAK_HASH, f"{alg} hash ({name}())", f"hash|{alg}")


def _fingerprint(flow: FlowState, node: ast.Call) -> bool:
    """A digest whose context (the function's name, the line) says it names content
    (a cache key, an ETag, a fingerprint) and says nothing of secrets."""
    line = flow.m.lines[node.lineno - 1] if 0 < node.lineno <= len(flow.m.lines) else ""
    context = f"{flow.info.qualname if flow.info else ''} {line}".lower()
    return any(w in context for w in FINGERPRINT_WORDS) and not any(
        w in context for w in SECURITY_WORDS
    )


WEAK_CIPHER = code_rule(
    id="PY-WEAK-CIPHER",
    severity=H,
    title="Broken cipher or cipher mode",
    description=(
        "DES, 3DES, RC2, RC4, Blowfish, IDEA, CAST and XOR are broken or have blocks "
        "small enough to attack; ECB mode leaks the structure of the plaintext (equal "
        "blocks encrypt alike)."
    ),
    remediation=(
        "Use an authenticated cipher: AES-GCM or ChaCha20-Poly1305 (cryptography's "
        "AESGCM / ChaCha20Poly1305, or Fernet)."
    ),
    cwe=("CWE-327",),
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
        _kw(flow, node, WEAK_CIPHER, f"{cipher} ({name}())", f"cipher|{cipher}")


TLS_VERIFY_DISABLED = code_rule(
    id="PY-TLS-VERIFY-DISABLED",
    severity=H,
    title="TLS certificate verification turned off",
    description=(
        "The connection accepts any certificate (verify=False, CERT_NONE, an "
        "unverified context, check_hostname=False): anyone on the path can read and "
        "change the traffic."
    ),
    remediation="Keep verification on; point verify= at the CA bundle of an internal CA.",
    cwe=("CWE-295",),
    control=Control.ENCRYPTION,
)


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
        _kw(flow, node, TLS_VERIFY_DISABLED, f"{last}() with verify=False", f"verify|{last}")
    if name in ("ssl._create_unverified_context", "ssl._create_stdlib_context"):
        _kw(flow, node, TLS_VERIFY_DISABLED, f"{name}() accepts any certificate", f"ctx|{name}")
    cert = kwargs.get("cert_reqs")
    if cert is not None and (
        (cert.qual or "").endswith("CERT_NONE")
        or (cert.known and str(cert.const).upper() in ("CERT_NONE", "NONE"))
    ):
        _kw(
            flow,
            node,
            TLS_VERIFY_DISABLED,
            f"{last}() with cert_reqs=CERT_NONE",
            f"cert_reqs|{last}",
        )


SSL_OLD_PROTOCOL = code_rule(
    id="PY-SSL-OLD-PROTOCOL",
    severity=H,
    title="Insecure SSL/TLS protocol version",
    description="SSLv2, SSLv3, TLS 1.0 and TLS 1.1 are broken or deprecated.",
    remediation="Use ssl.create_default_context() and a minimum of TLS 1.2.",
    cwe=("CWE-327",),
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
            _kw(flow, node, SSL_OLD_PROTOCOL, f"{v.qual} passed to {last}()", f"proto|{v.qual}")
    if qual == "ssl.SSLContext" and (not args or args[0].qual in NEGOTIATING_PROTOCOLS):
        start = flow.info.node.lineno if flow.info else 1
        end = (flow.info.node.end_lineno or start) if flow.info else len(flow.m.lines)
        scope = "\n".join(flow.m.lines[start - 1 : end])
        if not any(w in scope for w in MINIMUM_VERSION_SETTINGS):
            _kw(
                flow,
                node,
                SSL_OLD_PROTOCOL,
                "ssl.SSLContext() without a minimum_version: TLS 1.0/1.1 are accepted "
                "wherever Python (before 3.10) or the OpenSSL build still allows them",
                "proto|no-minimum",
            )


COOKIE_NOT_SECURE = code_rule(
    id="PY-COOKIE-NOT-SECURE",
    severity=M,
    title="Cookie set without the Secure flag",
    description="The cookie may travel over plain HTTP, where it can be read.",
    remediation="Pass secure=True (and SESSION_COOKIE_SECURE = True in Django).",
    cwe=("CWE-614",),
)

COOKIE_NOT_HTTPONLY = code_rule(
    id="PY-COOKIE-NOT-HTTPONLY",
    severity=L,
    title="Cookie set without the HttpOnly flag",
    description="Scripts in the page can read the cookie; an XSS steals it.",
    remediation="Pass httponly=True unless the page's scripts must read it.",
    cwe=("CWE-1004",),
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
                COOKIE_NOT_SECURE,
                f"cookie `{cname}` set without secure=True",
                f"cookie-secure|{cname}",
            )
        if "httponly" not in kwargs or _false(kwargs.get("httponly")):
            _kw(
                flow,
                node,
                COOKIE_NOT_HTTPONLY,
                f"cookie `{cname}` set without httponly=True",
                f"cookie-httponly|{cname}",
            )


JWT_NOT_VERIFIED = code_rule(
    id="PY-JWT-NOT-VERIFIED",
    severity=H,
    title="JWT decoded without verifying its signature",
    description=(
        "The token's claims are trusted without checking the signature "
        "(verify_signature False, verify=False or the 'none' algorithm)."
    ),
    remediation=(
        "Decode with the key and an explicit algorithms=[...] list; never turn "
        "signature checks off."
    ),
    cwe=("CWE-347",),
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
            JWT_NOT_VERIFIED,
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
            _kw(flow, node, JWT_NOT_VERIFIED, f"{name}() without signature verification", "jwt")


DEBUG_ENABLED = code_rule(
    id="PY-DEBUG-ENABLED",
    severity=H,
    title="Debug mode enabled",
    description=(
        "Flask's debugger (debug=True) runs code sent from the browser; Django's DEBUG "
        "= True shows settings and stack traces to anyone."
    ),
    remediation="Read debug from the environment and keep it off in deployed builds.",
    cwe=(
        "CWE-489",
        "CWE-215",
    ),
)

BIND_ALL_INTERFACES = code_rule(
    id="PY-BIND-ALL-INTERFACES",
    severity=L,
    title="Server bound to all network interfaces",
    description=(
        "Binding 0.0.0.0 exposes the service on every interface of the host, not only "
        "the one the gateway reaches."
    ),
    remediation=(
        "Bind the interface you mean (127.0.0.1 behind a sidecar, or the pod IP) or "
        "make the address configurable."
    ),
    cwe=("CWE-1327",),
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
        _kw(flow, node, DEBUG_ENABLED, f"{last}() with debug=True", "debug")
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
            BIND_ALL_INTERFACES,
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
        _kw(flow, node, BIND_ALL_INTERFACES, "socket bound to all interfaces", "bind|socket")


TEMPFILE_MKTEMP = code_rule(
    id="PY-TEMPFILE-MKTEMP",
    severity=M,
    title="Race-prone temporary file name (mktemp)",
    description="tempfile.mktemp returns a name that another process can create first.",
    remediation="Use tempfile.mkstemp, NamedTemporaryFile or TemporaryDirectory.",
    cwe=("CWE-377",),
)

TEMPFILE_PREDICTABLE = code_rule(
    id="PY-TEMPFILE-PREDICTABLE",
    severity=M,
    title="File created at a fixed path in a shared temp folder",
    description=(
        "A file written at a name chosen in advance under /tmp (or /var/tmp, /dev/shm) "
        "can be created or linked first by another local user."
    ),
    remediation="Use tempfile.mkstemp, NamedTemporaryFile or TemporaryDirectory.",
    cwe=("CWE-377",),
)


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
            TEMPFILE_MKTEMP,
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
                TEMPFILE_PREDICTABLE,
                f"{name}() writes {prefix!r}...",
                f"tmp|{prefix}",
            )


YAML_UNSAFE_LOAD = code_rule(
    id="PY-YAML-UNSAFE-LOAD",
    severity=M,
    title="yaml.load with a loader that builds objects",
    description=(
        "yaml.load with Loader/UnsafeLoader/FullLoader (or unsafe_load, full_load) can "
        "construct arbitrary Python objects from the document."
    ),
    remediation="Use yaml.safe_load or Loader=yaml.SafeLoader.",
    cwe=("CWE-502",),
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
                    YAML_UNSAFE_LOAD,
                    f"{name}() with {lname or 'an unsafe loader'}",
                    f"yaml|{name}",
                )


TEMPLATE_AUTOESCAPE_OFF = code_rule(
    id="PY-TEMPLATE-AUTOESCAPE-OFF",
    severity=M,
    title="HTML templates rendered with autoescaping turned off",
    description=(
        "A Jinja2 environment made with autoescape=False writes every value into the "
        "page as it is: any text a user stored or sent becomes markup and script."
    ),
    remediation=(
        "Pass autoescape=True (or jinja2.select_autoescape()) and mark the few values "
        "that are markup with Markup()."
    ),
    cwe=("CWE-79",),
)
# Calls that set up Jinja2 for HTML pages and take `autoescape`.
AUTOESCAPE_TAKERS = frozenset(
    {
        "jinja2.Environment",
        "jinja2.environment.Environment",
        "jinja2.Template",
        "aiohttp_jinja2.setup",
    }
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


# Flask/Django configuration keys and the value that makes them unsafe.
CONFIG_KEYS: dict[str, tuple[bool, Rule, str]] = {
    "DEBUG": (True, DEBUG_ENABLED, "debug"),
    "SESSION_COOKIE_SECURE": (False, COOKIE_NOT_SECURE, "cookie-secure"),
    "CSRF_COOKIE_SECURE": (False, COOKIE_NOT_SECURE, "cookie-secure"),
    "REMEMBER_COOKIE_SECURE": (False, COOKIE_NOT_SECURE, "cookie-secure"),
    "SESSION_COOKIE_HTTPONLY": (False, COOKIE_NOT_HTTPONLY, "cookie-httponly"),
    "REMEMBER_COOKIE_HTTPONLY": (False, COOKIE_NOT_HTTPONLY, "cookie-httponly"),
}


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
        flow.report(TLS_VERIFY_DISABLED, "verify_mode set to CERT_NONE", node, "verify_mode")
    elif attr == "check_hostname" and _false(value):
        flow.report(TLS_VERIFY_DISABLED, "check_hostname set to False", node, "check_hostname")
    elif attr in ("minimum_version", "maximum_version") and value.qual in OLD_PROTOCOLS:
        flow.report(SSL_OLD_PROTOCOL, f"{attr} set to {value.qual}", node, f"proto|{attr}")
    elif attr == "verify" and _false(value):
        flow.report(TLS_VERIFY_DISABLED, "session verify set to False", node, "verify")
    elif attr == "debug" and _true(value):
        flow.report(DEBUG_ENABLED, "debug set to True", node, "debug-attr")


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


ASSERT_ACCESS_CONTROL = code_rule(
    id="PY-ASSERT-ACCESS-CONTROL",
    severity=M,
    title="assert used for an access check",
    description=(
        "assert statements are removed when Python runs with -O: the check disappears "
        "in optimised builds."
    ),
    remediation="Raise an exception (PermissionError, an HTTP 403) instead of asserting.",
    cwe=("CWE-617",),
)


def check_assert(flow: FlowState, node: ast.Assert) -> None:
    for sub in ast.walk(node.test):
        word = (
            sub.attr
            if isinstance(sub, ast.Attribute)
            else (sub.id if isinstance(sub, ast.Name) else "")
        )
        if word.lower() in ACCESS_NAMES:
            flow.report(
                ASSERT_ACCESS_CONTROL,
                f"access check `{word}` made with assert",
                node,
                f"assert|{word}",
            )
            return


# In the order `shieldwall rules` lists them.
PATTERN_RULES: tuple[Rule, ...] = (
    WEAK_HASH,
    TLS_VERIFY_DISABLED,
    COOKIE_NOT_SECURE,
    COOKIE_NOT_HTTPONLY,
    JWT_NOT_VERIFIED,
    DEBUG_ENABLED,
    BIND_ALL_INTERFACES,
    TEMPFILE_MKTEMP,
    ASSERT_ACCESS_CONTROL,
    SSL_OLD_PROTOCOL,
    WEAK_CIPHER,
    TEMPFILE_PREDICTABLE,
    YAML_UNSAFE_LOAD,
    TEMPLATE_AUTOESCAPE_OFF,
)
