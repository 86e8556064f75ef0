"""The code analyzer's rules: taint rules (one per sink class) and pattern rules."""

from __future__ import annotations

from shieldwall.model import Control, Rule, Severity

ANALYZER = "code"
_OWASP = "https://owasp.org/www-community/attacks/"
_CWE = "https://cwe.mitre.org/data/definitions/{}.html"


def _rule(
    id: str,
    severity: Severity,
    title: str,
    description: str,
    remediation: str,
    cwe: tuple[str, ...],
    control: Control = Control.CODE,
    references: tuple[str, ...] = (),
) -> Rule:
    refs = tuple(_CWE.format(c.split("-")[1]) for c in cwe) + references
    return Rule(
        id=id,
        analyzer=ANALYZER,
        control=control,
        severity=severity,
        title=title,
        description=description,
        remediation=remediation,
        applies_to=("python",),
        cwe=cwe,
        references=refs,
    )


H, M, L = Severity.HIGH, Severity.MEDIUM, Severity.LOW

# -- taint rules: untrusted data reaches a dangerous call -------------------------

TAINT_RULES: dict[str, Rule] = {
    "sql": _rule(
        "PY-SQL-INJECTION", H, "SQL built from untrusted input",
        "Data from a request (or another untrusted source) reaches a SQL statement "
        "as text: an attacker can change the query.",
        "Pass values as query parameters (cursor.execute(sql, params), bound "
        "parameters in SQLAlchemy text(), Django's params=) instead of formatting them in.",
        ("CWE-89",), references=(_OWASP + "SQL_Injection",),
    ),
    "cmd": _rule(
        "PY-COMMAND-INJECTION", H, "Shell command built from untrusted input",
        "Untrusted data reaches a shell command (os.system, os.popen, subprocess with "
        "shell=True or a command string, or a list that runs `sh -c`).",
        "Call subprocess with a list of arguments and shell=False, never through a "
        "shell; if a shell is unavoidable, quote each value with shlex.quote.",
        ("CWE-78",), references=(_OWASP + "Command_Injection",),
    ),
    "code": _rule(
        "PY-CODE-INJECTION", H, "Untrusted input evaluated as Python code",
        "Untrusted data reaches eval, exec or compile: an attacker runs code in the service.",
        "Never evaluate input. Parse it (json.loads, ast.literal_eval for literals) "
        "or map it to an allow-list of operations.",
        ("CWE-94", "CWE-95"), references=(_OWASP + "Code_Injection",),
    ),
    "deser": _rule(
        "PY-UNSAFE-DESERIALIZATION", H, "Untrusted data deserialised with an unsafe format",
        "Untrusted data reaches pickle, marshal, shelve, jsonpickle or yaml.load "
        "with a loader that builds arbitrary objects: loading it can run code.",
        "Use a data-only format (json, yaml.safe_load); if objects must travel, "
        "sign them (hmac) and verify before loading.",
        ("CWE-502",),
    ),
    "path": _rule(
        "PY-PATH-TRAVERSAL", H, "File path built from untrusted input",
        "Untrusted data reaches a file path (open, pathlib, os/shutil file "
        "operations, send_file): `../` reads or writes files outside the intended folder.",
        "Reduce the name with os.path.basename or werkzeug's secure_filename, or "
        "resolve the path and check it stays under the base folder before use.",
        ("CWE-22",), references=(_OWASP + "Path_Traversal",),
    ),
    "ssrf": _rule(
        "PY-SSRF", H, "Outbound request to a URL from untrusted input",
        "Untrusted data decides the URL of an outbound HTTP request: an attacker "
        "reaches internal services or cloud metadata through this service.",
        "Build URLs from configuration; if a user picks the target, check the host "
        "against an allow-list (if host in ALLOWED_HOSTS) before the request.",
        ("CWE-918",),
    ),
    "redirect": _rule(
        "PY-OPEN-REDIRECT", M, "Redirect to a URL from untrusted input",
        "Untrusted data is the target of a redirect: the service can send users to "
        "a phishing site under its own name.",
        "Redirect to relative paths or check the target with "
        "url_has_allowed_host_and_scheme / an allow-list of hosts first.",
        ("CWE-601",),
    ),
    "template": _rule(
        "PY-TEMPLATE-INJECTION", H, "Template source built from untrusted input",
        "Untrusted data becomes template source (render_template_string, jinja2 "
        "Template, Environment.from_string): server-side template injection runs code.",
        "Keep templates constant and pass data as context variables.",
        ("CWE-94", "CWE-1336"),
    ),
    "xss": _rule(
        "PY-XSS", M, "Untrusted input reflected into a response without escaping",
        "Untrusted data is written into an HTML response (a string returned by a "
        "Flask view, make_response, HttpResponse, Markup/mark_safe) without escaping.",
        "Render through an autoescaping template or escape with markupsafe.escape / "
        "html.escape before writing it out.",
        ("CWE-79",), references=(_OWASP + "xss/",),
    ),
    "xxe": _rule(
        "PY-XXE", H, "Untrusted XML parsed with external entities resolved",
        "Untrusted XML is parsed by a parser that resolves external entities: it "
        "can read local files or reach internal hosts.",
        "Parse with defusedxml, or leave external entity resolution off "
        "(no feature_external_ges, lxml resolve_entities=False).",
        ("CWE-611",),
    ),
    "ldap": _rule(
        "PY-LDAP-INJECTION", H, "LDAP filter built from untrusted input",
        "Untrusted data is formatted into an LDAP search filter.",
        "Escape values with escape_filter_chars (ldap3.utils.conv or ldap.filter).",
        ("CWE-90",),
    ),
    "xpath": _rule(
        "PY-XPATH-INJECTION", H, "XPath query built from untrusted input",
        "Untrusted data is formatted into an XPath expression.",
        "Use XPath variables (root.xpath('//a[@id=$id]', id=value)) instead of formatting.",
        ("CWE-643",),
    ),
    "header": _rule(
        "PY-HEADER-INJECTION", M, "Response header set from untrusted input",
        "Untrusted data is written into a response header: line breaks in it split "
        "the response.",
        "Validate the value or strip CR and LF before setting the header.",
        ("CWE-113",),
    ),
    "log": _rule(
        "PY-LOG-INJECTION", L, "Untrusted input written to a log unescaped",
        "Untrusted data goes into a log message: line breaks forge log entries.",
        "Log it as a %s argument with a formatter that escapes control characters, "
        "or replace CR/LF first.",
        ("CWE-117",),
    ),
    "trust": _rule(
        "PY-TRUST-BOUNDARY", M, "Untrusted input stored in the session",
        "Untrusted data is stored in the server-side session, where later code "
        "trusts it as if the server had set it.",
        "Validate the value before it crosses into the session.",
        ("CWE-501",),
    ),
    "weakrand": _rule(
        "PY-INSECURE-RANDOM", M, "Predictable random value used as a secret",
        "A value from the `random` module (a predictable Mersenne Twister) is used "
        "as a token, cookie, session value or other secret.",
        "Use the secrets module (secrets.token_urlsafe, secrets.randbelow) or "
        "random.SystemRandom.",
        ("CWE-330",),
    ),
}

# -- pattern rules: no taint needed ------------------------------------------------

PATTERN_RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        _rule(
            "PY-WEAK-HASH", M, "Weak hash algorithm (MD5/SHA-1)",
            "MD5 and SHA-1 are broken for passwords and signatures: collisions are "
            "cheap and brute force is fast.",
            "Use hashlib.sha256 or better; for passwords a slow KDF (hashlib.scrypt, "
            "argon2, bcrypt). For non-security uses pass usedforsecurity=False.",
            ("CWE-328",),
        ),
        _rule(
            "PY-TLS-VERIFY-DISABLED", H, "TLS certificate verification turned off",
            "The connection accepts any certificate (verify=False, CERT_NONE, an "
            "unverified context, check_hostname=False): anyone on the path can read "
            "and change the traffic.",
            "Keep verification on; point verify= at the CA bundle of an internal CA.",
            ("CWE-295",), control=Control.ENCRYPTION,
        ),
        _rule(
            "PY-COOKIE-NOT-SECURE", M, "Cookie set without the Secure flag",
            "The cookie may travel over plain HTTP, where it can be read.",
            "Pass secure=True (and SESSION_COOKIE_SECURE = True in Django).",
            ("CWE-614",),
        ),
        _rule(
            "PY-COOKIE-NOT-HTTPONLY", L, "Cookie set without the HttpOnly flag",
            "Scripts in the page can read the cookie; an XSS steals it.",
            "Pass httponly=True unless the page's scripts must read it.",
            ("CWE-1004",),
        ),
        _rule(
            "PY-JWT-NOT-VERIFIED", H, "JWT decoded without verifying its signature",
            "The token's claims are trusted without checking the signature "
            "(verify_signature False, verify=False or the 'none' algorithm).",
            "Decode with the key and an explicit algorithms=[...] list; never turn "
            "signature checks off.",
            ("CWE-347",),
        ),
        _rule(
            "PY-DEBUG-ENABLED", H, "Debug mode enabled",
            "Flask's debugger (debug=True) runs code sent from the browser; Django's "
            "DEBUG = True shows settings and stack traces to anyone.",
            "Read debug from the environment and keep it off in deployed builds.",
            ("CWE-489", "CWE-215"),
        ),
        _rule(
            "PY-BIND-ALL-INTERFACES", L, "Server bound to all network interfaces",
            "Binding 0.0.0.0 exposes the service on every interface of the host, not "
            "only the one the gateway reaches.",
            "Bind the interface you mean (127.0.0.1 behind a sidecar, or the pod IP) "
            "or make the address configurable.",
            ("CWE-1327",),
        ),
        _rule(
            "PY-TEMPFILE-MKTEMP", M, "Race-prone temporary file name (mktemp)",
            "tempfile.mktemp returns a name that another process can create first.",
            "Use tempfile.mkstemp, NamedTemporaryFile or TemporaryDirectory.",
            ("CWE-377",),
        ),
        _rule(
            "PY-ASSERT-ACCESS-CONTROL", M, "assert used for an access check",
            "assert statements are removed when Python runs with -O: the check "
            "disappears in optimised builds.",
            "Raise an exception (PermissionError, an HTTP 403) instead of asserting.",
            ("CWE-617",),
        ),
        _rule(
            "PY-SSL-OLD-PROTOCOL", H, "Insecure SSL/TLS protocol version",
            "SSLv2, SSLv3, TLS 1.0 and TLS 1.1 are broken or deprecated.",
            "Use ssl.create_default_context() and a minimum of TLS 1.2.",
            ("CWE-327",),
        ),
        _rule(
            "PY-WEAK-CIPHER", H, "Broken cipher or cipher mode",
            "DES, 3DES, RC2, RC4, Blowfish, IDEA, CAST and XOR are broken or have "
            "blocks small enough to attack; ECB mode leaks the structure of the "
            "plaintext (equal blocks encrypt alike).",
            "Use an authenticated cipher: AES-GCM or ChaCha20-Poly1305 (cryptography's "
            "AESGCM / ChaCha20Poly1305, or Fernet).",
            ("CWE-327",),
        ),
        _rule(
            "PY-TEMPFILE-PREDICTABLE", M, "File created at a fixed path in a shared temp folder",
            "A file written at a name chosen in advance under /tmp (or /var/tmp, /dev/shm) "
            "can be created or linked first by another local user.",
            "Use tempfile.mkstemp, NamedTemporaryFile or TemporaryDirectory.",
            ("CWE-377",),
        ),
        _rule(
            "PY-YAML-UNSAFE-LOAD", M, "yaml.load with a loader that builds objects",
            "yaml.load with Loader/UnsafeLoader/FullLoader (or unsafe_load, full_load) "
            "can construct arbitrary Python objects from the document.",
            "Use yaml.safe_load or Loader=yaml.SafeLoader.",
            ("CWE-502",),
        ),
    )
}

ALL_RULES: tuple[Rule, ...] = (*TAINT_RULES.values(), *PATTERN_RULES.values())
BY_ID: dict[str, Rule] = {r.id: r for r in ALL_RULES}
