"""Sanitisers and propagation: what neutralises data for which sinks, what kills
taint, what validates a value in a condition, what derives a value from another."""

from __future__ import annotations

XSS_ESCAPES = frozenset({"xss"})
SANITISERS: dict[str, frozenset[str]] = {
    "html.escape": XSS_ESCAPES,
    "cgi.escape": XSS_ESCAPES,
    "markupsafe.escape": XSS_ESCAPES,
    "flask.escape": XSS_ESCAPES,
    "jinja2.escape": XSS_ESCAPES,
    "django.utils.html.escape": XSS_ESCAPES,
    "django.utils.html.conditional_escape": XSS_ESCAPES,
    "django.utils.html.strip_tags": XSS_ESCAPES,
    "bleach.clean": XSS_ESCAPES,
    "xml.sax.saxutils.escape": XSS_ESCAPES,
    "werkzeug.utils.escape": XSS_ESCAPES,
    "shlex.quote": frozenset({"cmd"}),
    # Django's URL reversing: a path of this site, its arguments quoted into it
    "django.urls.reverse": frozenset({"redirect"}),
    "django.urls.reverse_lazy": frozenset({"redirect"}),
    "django.core.urlresolvers.reverse": frozenset({"redirect"}),
    "pipes.quote": frozenset({"cmd"}),
    "shlex.join": frozenset({"cmd"}),
    "os.path.basename": frozenset({"path"}),
    "werkzeug.utils.secure_filename": frozenset({"path"}),
    "werkzeug.secure_filename": frozenset({"path"}),
    "werkzeug.security.safe_join": frozenset({"path"}),
    "flask.safe_join": frozenset({"path"}),
    "django.utils._os.safe_join": frozenset({"path"}),
    "ldap3.utils.conv.escape_filter_chars": frozenset({"ldap"}),
    "ldap.filter.escape_filter_chars": frozenset({"ldap"}),
    "ldap.dn.escape_dn_chars": frozenset({"ldap"}),
    "ldap.filter.filter_format": frozenset({"ldap"}),  # escapes its assertion values
    "ldap3.utils.dn.escape_rdn": frozenset({"ldap"}),
    "urllib.parse.quote": frozenset({"xss", "header", "log", "path", "cmd", "ldap", "xpath"}),
    "urllib.parse.quote_plus": frozenset({"xss", "header", "log", "path", "cmd", "ldap", "xpath"}),
    "django.utils.http.urlencode": frozenset({"xss", "header", "log"}),
    "json.dumps": frozenset({"cmd", "header", "log"}),
    # a signed token and base64 text: letters, digits and a few marks, never markup,
    # a quote, a line break or a shell metacharacter
    "jwt.encode": frozenset({"xss", "header", "log", "cmd", "sql", "ldap", "xpath"}),
    "base64.b64encode": frozenset({"xss", "header", "log", "cmd", "sql", "ldap", "xpath"}),
    "base64.urlsafe_b64encode": frozenset({"xss", "header", "log", "cmd", "sql", "ldap", "xpath"}),
    # repr() escapes CR and LF: a log line or header cannot be split with it
    "repr": frozenset({"header", "log"}),
    # the output of a serialiser is data, not objects: loading it back is safe
    "pickle.dumps": frozenset({"deser"}),
    "marshal.dumps": frozenset({"deser"}),
    "yaml.dump": frozenset({"deser"}),
    "yaml.safe_dump": frozenset({"deser"}),
    "jsonpickle.encode": frozenset({"deser"}),
    # psycopg2's quoting: `adapt(x).getquoted()` is x as one SQL literal
    "psycopg2.extensions.adapt": frozenset({"sql"}),
    "psycopg2.extensions.QuotedString": frozenset({"sql"}),
    "psycopg2.extensions.quote_ident": frozenset({"sql"}),
    "mysql.connector.conversion.MySQLConverter.escape": frozenset({"sql"}),
}
# The database drivers' quoting of a value for a quoted SQL literal (quotes,
# backslashes and line breaks escaped, not markup): by function name, MySQLdb's
# and pymysql's `escape_string` (also a connection's), and by method name in a
# module importing the driver, mysql-connector's `MySQLConverter.escape`.
SQL_ESCAPED = frozenset({"sql"})
SQL_ESCAPE_NAMES = frozenset({"escape_string", "real_escape_string", "escape_literal"})
SQL_ESCAPE_METHODS: dict[str, frozenset[str]] = {"escape": frozenset({"mysql"})}
# SQLAlchemy statement builders: what they return is a statement object whose
# values are bound parameters, not SQL text (`text()` is a sink of its own), and
# so is what their methods (`.where()`, `.values()`, `.order_by()`...) return.
SQL_STATEMENT = "<sql-statement>"
SQL_STATEMENT_BUILDERS = frozenset(
    f"sqlalchemy{module}.{builder}"
    for module in ("", ".sql", ".sql.expression", ".future")
    for builder in ("select", "insert", "update", "delete", "text", "TextClause")
)
# Prefix and suffix checks: they pin where a value points (a folder, a host, a site
# path), not what else it holds (`if p.startswith("a"): os.system("cat " + p)`).
AFFIX_CHECKS: dict[str, frozenset[str]] = {
    "startswith": frozenset({"path", "ssrf", "redirect"}),
    "endswith": frozenset({"ssrf", "redirect"}),
}
# `if c in x: abort()`: a value known to lack `c` is safe for these sinks only.
# Lacking `../` keeps a name inside the folder a string puts in front of it
# (f"{DIR}/{name}"), not inside one os.path.join() or `/` joins it to: an absolute
# name replaces the folder there. DOTDOT marks that partial safety.
DOTDOT = "dotdot"
ABSENT_SUBSTRINGS: dict[str, frozenset[str]] = {
    "../": frozenset({"path", DOTDOT}),
    "..": frozenset({"path", DOTDOT}),
    "'": frozenset({"sql", "xpath"}),
    "\n": frozenset({"header", "log"}),
    "\r": frozenset({"header"}),
    "<": frozenset({"xss"}),
}
# Calls joining path components: a later component that is absolute replaces the
# ones before it. JOINED is the flag their results carry when a later component
# is untrusted: checking such a result for `../` proves nothing.
JOINED = "joined"
PATH_JOINS = frozenset(
    {
        "os.path.join",
        "posixpath.join",
        "ntpath.join",
        "pathlib.Path",
        "pathlib.PurePath",
        "pathlib.PosixPath",
    }
)
# Calls that resolve `..` (and links) in a path: a prefix check on what they return
# holds; on anything else it does not. NORMALISED is the flag their results carry.
NORMALISED = "normalised"
NORMALISERS = frozenset(
    {
        "os.path.realpath",
        "os.path.abspath",
        "os.path.normpath",
        "posixpath.realpath",
        "posixpath.abspath",
        "posixpath.normpath",
        "werkzeug.utils.safe_join",
        "werkzeug.security.safe_join",
        "flask.safe_join",
    }
)
NORMALISING_METHODS = frozenset({"resolve"})
# Methods true of a URL that names a host (yarl's URL.is_absolute()): false, the
# URL is a path on this site.
ABSOLUTE_URL_CHECKS = frozenset({"is_absolute"})
# A value checked to be one quoted string literal with no quote inside: eval()
# of it gives back a string, nothing runs.
QUOTED_LITERAL_SAFE = frozenset({"code"})
# Decoders: what they return no longer carries the escaping applied before.
DECODERS = frozenset(
    {
        "json.loads",
        "html.unescape",
        "urllib.parse.unquote",
        "urllib.parse.unquote_plus",
        "base64.b64decode",
        "base64.urlsafe_b64decode",
        "base64.b32decode",
        "base64.b16decode",
        "codecs.decode",
        "binascii.unhexlify",
        "binascii.a2b_base64",
    }
)
# Top-level packages whose `*Response` classes take a `headers=` mapping.
WEB_RESPONSE_MODULES = frozenset(
    {"flask", "werkzeug", "django", "starlette", "fastapi", "quart", "sanic", "aiohttp"}
)
# Functions rendering a template string with autoescaping on (Flask's Jinja setup).
TEMPLATE_RENDERERS = frozenset({"flask.render_template_string", "quart.render_template_string"})
# Template classes that escape their variables by default (Django's; not jinja2.Template).
AUTOESCAPED_TEMPLATES = frozenset({"django.template.Template"})
# Casts that keep a weak random number as guessable as it was.
WEAK_CASTS = frozenset({"int", "float", "round", "abs", "hex", "str", "format"})
# Calls whose result carries nothing of their arguments (casts, predicates, digests).
KILLERS = frozenset(
    {
        "int",
        "float",
        "bool",
        "complex",
        "len",
        "ord",
        "hash",
        "id",
        "abs",
        "round",
        "isinstance",
        "issubclass",
        "callable",
        "hasattr",
        "type",
        "decimal.Decimal",
        "uuid.UUID",
        "datetime.date.fromisoformat",
        "datetime.datetime.fromisoformat",
        "ipaddress.ip_address",
        "ipaddress.ip_network",
        "hmac.compare_digest",
        "secrets.compare_digest",
        "os.path.exists",
        "os.path.isfile",
        "os.path.isdir",
        "ast.literal_eval",
        "time.time",
        "hashlib.sha256",
        "hashlib.sha512",
        "hashlib.sha384",
        "hashlib.sha224",
        "hashlib.sha3_256",
        "hashlib.sha3_512",
        "hashlib.blake2b",
        "hashlib.md5",
        "hashlib.sha1",
        "hashlib.new",
        "hmac.new",
        "zlib.crc32",
    }
)
KILLER_METHODS = frozenset(
    {
        "startswith",
        "endswith",
        "isdigit",
        "isalnum",
        "isalpha",
        "isnumeric",
        "isdecimal",
        "isidentifier",
        "isascii",
        "islower",
        "isupper",
        "isspace",
        "find",
        "rfind",
        "index",
        "rindex",
        "count",
        "hexdigest",
        "digest",
        "exists",
        "is_file",
        "is_dir",
        "__len__",
        "keys_count",
        "is_valid",
        "has_key",
        "timestamp",
        "toordinal",
        "weekday",
        "isoweekday",
    }
)
# Predicates that validate a value when true: `if not x.isdigit(): abort(400)`.
VALIDATING_METHODS = frozenset(
    {
        "startswith",
        "endswith",
        "isdigit",
        "isalnum",
        "isalpha",
        "isnumeric",
        "isdecimal",
        "isidentifier",
        "fullmatch",
        "is_relative_to",
    }
)
VALIDATING_FUNCS = frozenset(
    {
        "re.fullmatch",
        "re.match",
        "url_has_allowed_host_and_scheme",
        "is_safe_url",
        "django.utils.http.url_has_allowed_host_and_scheme",
        "django.utils.http.is_safe_url",
        "validators.url",
        "validators.domain",
    }
)
# Functions that build a value from another one we still call by its origin
# (a guard on `urlparse(x).netloc` or `Path(x).resolve()` validates x too).
DERIVING_FUNCS = frozenset(
    {
        "urllib.parse.urlparse",
        "urllib.parse.urlsplit",
        "yarl.URL",
        "pathlib.Path",
        "os.path.realpath",
        "os.path.abspath",
        "os.path.normpath",
        "os.path.join",
        "str",
        "resolve",
        "lower",
        "upper",
        "strip",
        "casefold",
    }
)
