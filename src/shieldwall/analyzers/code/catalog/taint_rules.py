"""The taint rules: one per sink class, the kind of harm untrusted data does where
it arrives, and the literal type naming the classes."""

from __future__ import annotations

from typing import Literal

from shieldwall.analyzers.code.rules import OWASP, H, L, M, code_rule
from shieldwall.model import Rule

# -- the sink classes and their rules: untrusted data reaches a dangerous call -----

SQL_INJECTION = code_rule(
    id="PY-SQL-INJECTION",
    severity=H,
    title="SQL built from untrusted input",
    description=(
        "Data from a request (or another untrusted source) reaches a SQL statement as "
        "text: an attacker can change the query."
    ),
    remediation=(
        "Pass values as query parameters (cursor.execute(sql, params), bound "
        "parameters in SQLAlchemy text(), Django's params=) instead of formatting them "
        "in."
    ),
    cwe=("CWE-89",),
    references=(OWASP + "SQL_Injection",),
)

COMMAND_INJECTION = code_rule(
    id="PY-COMMAND-INJECTION",
    severity=H,
    title="Shell command built from untrusted input",
    description=(
        "Untrusted data reaches a shell command (os.system, os.popen, subprocess with "
        "shell=True or a command string, or a list that runs `sh -c`)."
    ),
    remediation=(
        "Call subprocess with a list of arguments and shell=False, never through a "
        "shell; if a shell is unavoidable, quote each value with shlex.quote."
    ),
    cwe=("CWE-78",),
    references=(OWASP + "Command_Injection",),
)

CODE_INJECTION = code_rule(
    id="PY-CODE-INJECTION",
    severity=H,
    title="Untrusted input evaluated as Python code",
    description=(
        "Untrusted data reaches eval, exec or compile: an attacker runs code in the service."
    ),
    remediation=(
        "Never evaluate input. Parse it (json.loads, ast.literal_eval for literals) or "
        "map it to an allow-list of operations."
    ),
    cwe=(
        "CWE-94",
        "CWE-95",
    ),
    references=(OWASP + "Code_Injection",),
)

UNSAFE_DESERIALIZATION = code_rule(
    id="PY-UNSAFE-DESERIALIZATION",
    severity=H,
    title="Untrusted data deserialised with an unsafe format",
    description=(
        "Untrusted data reaches pickle, marshal, shelve, jsonpickle or yaml.load with "
        "a loader that builds arbitrary objects: loading it can run code."
    ),
    remediation=(
        "Use a data-only format (json, yaml.safe_load); if objects must travel, sign "
        "them (hmac) and verify before loading."
    ),
    cwe=("CWE-502",),
)

PATH_TRAVERSAL = code_rule(
    id="PY-PATH-TRAVERSAL",
    severity=H,
    title="File path built from untrusted input",
    description=(
        "Untrusted data reaches a file path (open, pathlib, os/shutil file operations, "
        "send_file): `../` reads or writes files outside the intended folder."
    ),
    remediation=(
        "Reduce the name with os.path.basename or werkzeug's secure_filename, or "
        "resolve the path and check it stays under the base folder before use."
    ),
    cwe=("CWE-22",),
    references=(OWASP + "Path_Traversal",),
)

SSRF = code_rule(
    id="PY-SSRF",
    severity=H,
    title="Outbound request to a URL from untrusted input",
    description=(
        "Untrusted data decides the URL of an outbound HTTP request: an attacker "
        "reaches internal services or cloud metadata through this service."
    ),
    remediation=(
        "Build URLs from configuration; if a user picks the target, check the host "
        "against an allow-list (if host in ALLOWED_HOSTS) before the request."
    ),
    cwe=("CWE-918",),
)

OPEN_REDIRECT = code_rule(
    id="PY-OPEN-REDIRECT",
    severity=M,
    title="Redirect to a URL from untrusted input",
    description=(
        "Untrusted data is the target of a redirect: the service can send users to a "
        "phishing site under its own name."
    ),
    remediation=(
        "Redirect to relative paths or check the target with "
        "url_has_allowed_host_and_scheme / an allow-list of hosts first."
    ),
    cwe=("CWE-601",),
)

TEMPLATE_INJECTION = code_rule(
    id="PY-TEMPLATE-INJECTION",
    severity=H,
    title="Template source built from untrusted input",
    description=(
        "Untrusted data becomes template source (render_template_string, jinja2 "
        "Template, Environment.from_string): server-side template injection runs code."
    ),
    remediation="Keep templates constant and pass data as context variables.",
    cwe=(
        "CWE-94",
        "CWE-1336",
    ),
)

XSS = code_rule(
    id="PY-XSS",
    severity=M,
    title="Untrusted input reflected into a response without escaping",
    description=(
        "Untrusted data is written into an HTML response (a string returned by a Flask "
        "view, make_response, HttpResponse, Markup/mark_safe) without escaping."
    ),
    remediation=(
        "Render through an autoescaping template or escape with markupsafe.escape / "
        "html.escape before writing it out."
    ),
    cwe=("CWE-79",),
    references=(OWASP + "xss/",),
)

XXE = code_rule(
    id="PY-XXE",
    severity=H,
    title="Untrusted XML parsed with external entities resolved",
    description=(
        "Untrusted XML is parsed by a parser that resolves external entities: it can "
        "read local files or reach internal hosts."
    ),
    remediation=(
        "Parse with defusedxml, or leave external entity resolution off (no "
        "feature_external_ges, lxml resolve_entities=False)."
    ),
    cwe=("CWE-611",),
)

LDAP_INJECTION = code_rule(
    id="PY-LDAP-INJECTION",
    severity=H,
    title="LDAP filter built from untrusted input",
    description="Untrusted data is formatted into an LDAP search filter.",
    remediation="Escape values with escape_filter_chars (ldap3.utils.conv or ldap.filter).",
    cwe=("CWE-90",),
)

XPATH_INJECTION = code_rule(
    id="PY-XPATH-INJECTION",
    severity=H,
    title="XPath query built from untrusted input",
    description="Untrusted data is formatted into an XPath expression.",
    remediation=(
        "Use XPath variables (root.xpath('//a[@id=$id]', id=value)) instead of formatting."
    ),
    cwe=("CWE-643",),
)

HEADER_INJECTION = code_rule(
    id="PY-HEADER-INJECTION",
    severity=M,
    title="Response header set from untrusted input",
    description=(
        "Untrusted data is written into a response header: line breaks in it split the response."
    ),
    remediation="Validate the value or strip CR and LF before setting the header.",
    cwe=("CWE-113",),
)

LOG_INJECTION = code_rule(
    id="PY-LOG-INJECTION",
    severity=L,
    title="Untrusted input written to a log unescaped",
    description="Untrusted data goes into a log message: line breaks forge log entries.",
    remediation=(
        "Log it as a %s argument with a formatter that escapes control characters, or "
        "replace CR/LF first."
    ),
    cwe=("CWE-117",),
)

TRUST_BOUNDARY = code_rule(
    id="PY-TRUST-BOUNDARY",
    severity=M,
    title="Untrusted input stored in the session",
    description=(
        "Untrusted data is stored in the server-side session, where later code trusts "
        "it as if the server had set it."
    ),
    remediation="Validate the value before it crosses into the session.",
    cwe=("CWE-501",),
)

INSECURE_RANDOM = code_rule(
    id="PY-INSECURE-RANDOM",
    severity=M,
    title="Predictable random value used as a secret",
    description=(
        "A value from the `random` module (a predictable Mersenne Twister) is used as "
        "a token, cookie, session value or other secret."
    ),
    remediation=(
        "Use the secrets module (secrets.token_urlsafe, secrets.randbelow) or random.SystemRandom."
    ),
    cwe=("CWE-330",),
)

# The sink classes: the kinds of harm untrusted data does where it arrives (those a
# value can be sanitised for are values.ALL_CLASSES; a weak random value is never
# made safe). A class is a literal type, so that mypy refuses a misspelt one.
SinkClass = Literal[
    "sql",
    "cmd",
    "code",
    "deser",
    "path",
    "ssrf",
    "redirect",
    "template",
    "xss",
    "xxe",
    "ldap",
    "xpath",
    "header",
    "log",
    "trust",
    "weakrand",
    "import",
]
# Each sink class and the rule its findings break.
TAINT_RULES: dict[SinkClass, Rule] = {
    "sql": SQL_INJECTION,
    "cmd": COMMAND_INJECTION,
    "code": CODE_INJECTION,
    "deser": UNSAFE_DESERIALIZATION,
    "path": PATH_TRAVERSAL,
    "ssrf": SSRF,
    "redirect": OPEN_REDIRECT,
    "template": TEMPLATE_INJECTION,
    "xss": XSS,
    "xxe": XXE,
    "ldap": LDAP_INJECTION,
    "xpath": XPATH_INJECTION,
    "header": HEADER_INJECTION,
    "log": LOG_INJECTION,
    "trust": TRUST_BOUNDARY,
    "weakrand": INSECURE_RANDOM,
    # a module imported by a name from a request: its code runs (request input only)
    "import": CODE_INJECTION,
}
