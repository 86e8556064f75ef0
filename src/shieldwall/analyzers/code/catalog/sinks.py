"""Sinks: the calls and methods whose arguments must not carry untrusted data, by
the class of harm (command, SQL, path, XML, XPath, LDAP, SSRF, redirect...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shieldwall.analyzers.code.catalog.taint_rules import SinkClass


@dataclass(frozen=True, slots=True)
class Sink:
    cls: SinkClass
    args: tuple[int, ...] = (0,)  # positional arguments that must not be tainted
    kwargs: tuple[str, ...] = ()  # keyword arguments that must not be tainted


def words(text: str) -> tuple[str, ...]:
    """The names in a space-separated list (keeps long tables of names short)."""
    return tuple(text.split())


SINK_CALLS: dict[str, Sink] = {
    # SQL
    "sqlalchemy.text": Sink("sql", (0,), ("text",)),
    "sqlalchemy.sql.text": Sink("sql", (0,), ("text",)),
    "sqlalchemy.sql.expression.text": Sink("sql", (0,), ("text",)),
    "sqlalchemy.TextClause": Sink("sql", (0,), ("text",)),
    "sqlalchemy.sql.TextClause": Sink("sql", (0,), ("text",)),
    "sqlalchemy.sql.expression.TextClause": Sink("sql", (0,), ("text",)),
    "sqlalchemy.sql.elements.TextClause": Sink("sql", (0,), ("text",)),
    "django.db.models.expressions.RawSQL": Sink("sql", (0,), ("sql",)),
    "django.db.models.RawSQL": Sink("sql", (0,), ("sql",)),
    "pandas.read_sql": Sink("sql", (0,), ("sql",)),
    "pandas.read_sql_query": Sink("sql", (0,), ("sql",)),
    # commands (subprocess is handled apart: it depends on shell= and the argument form)
    "os.system": Sink("cmd"),
    "os.popen": Sink("cmd"),
    "platform.popen": Sink("cmd", (0,), ("cmd",)),
    "os.popen2": Sink("cmd"),
    "os.popen3": Sink("cmd"),
    "commands.getoutput": Sink("cmd"),
    "commands.getstatusoutput": Sink("cmd"),
    "subprocess.getoutput": Sink("cmd", (0,), ("cmd",)),
    "subprocess.getstatusoutput": Sink("cmd", (0,), ("cmd",)),
    "asyncio.create_subprocess_shell": Sink("cmd", (0,), ("cmd",)),
    "asyncio.subprocess.create_subprocess_shell": Sink("cmd", (0,), ("cmd",)),
    # (program, *args): the program, or a shell's arguments
    "asyncio.create_subprocess_exec": Sink("cmd", (0,), ("program",)),
    "asyncio.subprocess.create_subprocess_exec": Sink("cmd", (0,), ("program",)),
    "os.execl": Sink("cmd"),
    "os.execlp": Sink("cmd"),
    "os.execv": Sink("cmd"),
    "os.execvp": Sink("cmd"),
    "os.execve": Sink("cmd"),
    "os.execvpe": Sink("cmd"),
    "os.spawnl": Sink("cmd", (1,)),
    "os.spawnlp": Sink("cmd", (1,)),
    "os.spawnv": Sink("cmd", (1,)),
    "os.spawnvp": Sink("cmd", (1,)),
    "os.spawnle": Sink("cmd", (1,)),
    "os.spawnlpe": Sink("cmd", (1,)),
    "os.spawnve": Sink("cmd", (1,)),
    "os.spawnvpe": Sink("cmd", (1,)),
    "os.posix_spawn": Sink("cmd", (0,), ("path",)),
    "os.posix_spawnp": Sink("cmd", (0,), ("path",)),
    "os.startfile": Sink("cmd"),
    "pty.spawn": Sink("cmd", (0,), ("argv",)),
    # pexpect, sh and fabric run a command line
    "pexpect.spawn": Sink("cmd", (0,), ("command",)),
    "pexpect.run": Sink("cmd", (0,), ("command",)),
    "pexpect.runu": Sink("cmd", (0,), ("command",)),
    "pexpect.popen_spawn.PopenSpawn": Sink("cmd", (0,), ("cmd",)),
    "sh.Command": Sink("cmd", (0,), ("path",)),
    "fabric.api.local": Sink("cmd", (0,), ("command",)),
    "fabric.api.run": Sink("cmd", (0,), ("command",)),
    "fabric.api.sudo": Sink("cmd", (0,), ("command",)),
    **{
        f"{runner}.{name}": Sink("cmd", (0,), ("command",))
        for runner in ("invoke", "invoke.Context", "fabric.Connection")
        for name in ("run", "sudo", "local")
    },
    # code
    "eval": Sink("code", (0,), ("source",)),
    "exec": Sink("code", (0,), ("source",)),
    # CPython's sub-interpreters: the source text runs there
    "_xxsubinterpreters.run_string": Sink("code", (1,), ("script",)),
    "_interpreters.run_string": Sink("code", (1,), ("script",)),
    "_testcapi.run_in_subinterp": Sink("code", (0,)),
    "test.support.run_in_subinterp": Sink("code", (0,), ("code",)),
    "builtins.eval": Sink("code"),
    "builtins.exec": Sink("code"),
    # a file or module of Python run by name (Python 2's execfile)
    "execfile": Sink("code", (0,), ("filename",)),
    "runpy.run_path": Sink("code", (0,), ("path_name",)),
    "runpy.run_module": Sink("code", (0,), ("mod_name",)),
    # deserialisation
    "pickle.loads": Sink("deser", (0,), ("data",)),
    "pickle.load": Sink("deser", (0,), ("file",)),
    "_pickle.loads": Sink("deser"),
    "_pickle.load": Sink("deser"),
    "cPickle.loads": Sink("deser"),
    "cPickle.load": Sink("deser"),
    "dill.loads": Sink("deser"),
    "dill.load": Sink("deser"),
    "cloudpickle.loads": Sink("deser"),
    "cloudpickle.load": Sink("deser"),
    "marshal.loads": Sink("deser"),
    "marshal.load": Sink("deser"),
    "shelve.open": Sink("deser", (0,), ("filename",)),
    "jsonpickle.decode": Sink("deser", (0,), ("string",)),
    "jsonpickle.loads": Sink("deser"),
    "pandas.read_pickle": Sink("deser"),
    "joblib.load": Sink("deser"),
    "torch.load": Sink("deser", (0,), ("f",)),
    "numpy.load": Sink("deser"),
    "yaml.unsafe_load": Sink("deser", (0,), ("stream",)),
    "yaml.full_load": Sink("deser", (0,), ("stream",)),
    "yaml.unsafe_load_all": Sink("deser"),
    "yaml.full_load_all": Sink("deser"),
    # file paths
    "open": Sink("path", (0,), ("file",)),
    "io.open": Sink("path", (0,), ("file",)),
    "aiofiles.open": Sink("path", (0,), ("file",)),
    "codecs.open": Sink("path", (0,), ("filename",)),
    "os.open": Sink("path", (0,), ("path",)),
    "os.remove": Sink("path"),
    "os.unlink": Sink("path"),
    "os.rmdir": Sink("path"),
    "os.removedirs": Sink("path"),
    "os.mkdir": Sink("path"),
    "os.makedirs": Sink("path"),
    "os.rename": Sink("path", (0, 1)),
    "os.replace": Sink("path", (0, 1)),
    "os.listdir": Sink("path"),
    "os.scandir": Sink("path"),
    "os.chmod": Sink("path"),
    "os.chown": Sink("path"),
    "os.truncate": Sink("path"),
    "os.symlink": Sink("path", (0, 1)),
    "os.path.exists": Sink("path"),
    "os.path.isfile": Sink("path"),
    "os.path.getsize": Sink("path"),
    "shutil.copy": Sink("path", (0, 1)),
    "shutil.copyfile": Sink("path", (0, 1)),
    "shutil.copy2": Sink("path", (0, 1)),
    "shutil.copytree": Sink("path", (0, 1)),
    "shutil.move": Sink("path", (0, 1)),
    "shutil.rmtree": Sink("path"),
    "shutil.copymode": Sink("path", (0, 1)),
    "shutil.copystat": Sink("path", (0, 1)),
    "shutil.chown": Sink("path"),
    "fileinput.input": Sink("path", (0,), ("files",)),
    "tarfile.open": Sink("path", (0,), ("name",)),
    "zipfile.ZipFile": Sink("path", (0,), ("file",)),
    "linecache.getline": Sink("path"),
    "os.walk": Sink("path", (0,), ("top",)),
    "glob.glob": Sink("path", (0,), ("pathname",)),
    "glob.iglob": Sink("path", (0,), ("pathname",)),
    "shutil.make_archive": Sink("path", (0, 2), ("base_name", "root_dir")),
    # readers of data files by name (an uploaded file object passed instead is no path)
    "PIL.Image.open": Sink("path", (0,), ("fp",)),
    **{
        f"pandas.read_{kind}": Sink("path", (0,), ("filepath_or_buffer", "io", "path"))
        for kind in ("csv", "table", "excel", "json", "parquet", "feather", "fwf", "xml")
    },
    "numpy.loadtxt": Sink("path", (0,), ("fname",)),
    "numpy.genfromtxt": Sink("path", (0,), ("fname",)),
    # SSRF
    "requests.get": Sink("ssrf", (0,), ("url",)),
    "requests.post": Sink("ssrf", (0,), ("url",)),
    "requests.put": Sink("ssrf", (0,), ("url",)),
    "requests.patch": Sink("ssrf", (0,), ("url",)),
    "requests.delete": Sink("ssrf", (0,), ("url",)),
    "requests.head": Sink("ssrf", (0,), ("url",)),
    "requests.options": Sink("ssrf", (0,), ("url",)),
    "requests.request": Sink("ssrf", (1,), ("url",)),
    "httpx.get": Sink("ssrf", (0,), ("url",)),
    "httpx.post": Sink("ssrf", (0,), ("url",)),
    "httpx.put": Sink("ssrf", (0,), ("url",)),
    "httpx.delete": Sink("ssrf", (0,), ("url",)),
    "httpx.head": Sink("ssrf", (0,), ("url",)),
    "httpx.patch": Sink("ssrf", (0,), ("url",)),
    "httpx.options": Sink("ssrf", (0,), ("url",)),
    "urllib3.HTTPConnectionPool": Sink("ssrf", (0,), ("host",)),
    "urllib3.HTTPSConnectionPool": Sink("ssrf", (0,), ("host",)),
    "urllib3.connection_from_url": Sink("ssrf", (0,), ("url",)),
    "urllib3.connectionpool.connection_from_url": Sink("ssrf", (0,), ("url",)),
    "urllib3.connectionpool.HTTPConnectionPool": Sink("ssrf", (0,), ("host",)),
    "urllib3.connectionpool.HTTPSConnectionPool": Sink("ssrf", (0,), ("host",)),
    # every request of a proxy manager goes through the proxy it is given
    "urllib3.ProxyManager": Sink("ssrf", (0,), ("proxy_url",)),
    "httpx.request": Sink("ssrf", (1,), ("url",)),
    "httpx.stream": Sink("ssrf", (1,), ("url",)),
    "urllib.request.urlopen": Sink("ssrf", (0,), ("url",)),
    "urllib.request.Request": Sink("ssrf", (0,), ("url",)),
    "urllib.request.urlretrieve": Sink("ssrf", (0,), ("url",)),
    "urllib2.urlopen": Sink("ssrf"),
    "urllib.urlopen": Sink("ssrf"),
    "socket.create_connection": Sink("ssrf", (0,), ("address",)),
    "aiohttp.request": Sink("ssrf", (1,), ("url",)),
    "requests.Request": Sink("ssrf", (1,), ("url",)),
    "xmlrpc.client.ServerProxy": Sink("ssrf", (0,), ("uri",)),
    "xmlrpclib.ServerProxy": Sink("ssrf", (0,), ("uri",)),
    # clients of other protocols, connecting to the host they are given
    **{
        name: Sink("ssrf", (0,), ("host",))
        for name in (
            "ftplib.FTP",
            "ftplib.FTP_TLS",
            "smtplib.SMTP",
            "smtplib.SMTP_SSL",
            "poplib.POP3",
            "poplib.POP3_SSL",
            "imaplib.IMAP4",
            "imaplib.IMAP4_SSL",
            "telnetlib.Telnet",
        )
    },
    # XPath evaluator objects, called with the expression
    "<xpatheval>": Sink("xpath", (0,), ("_path",)),
    # redirects
    "flask.redirect": Sink("redirect", (0,), ("location",)),
    "werkzeug.utils.redirect": Sink("redirect", (0,), ("location",)),
    "django.shortcuts.redirect": Sink("redirect", (0,), ("to",)),
    "django.http.HttpResponseRedirect": Sink("redirect", (0,), ("redirect_to",)),
    "django.http.HttpResponsePermanentRedirect": Sink("redirect", (0,), ("redirect_to",)),
    "aiohttp.web.HTTPFound": Sink("redirect", (0,), ("location",)),
    "aiohttp.web.HTTPSeeOther": Sink("redirect", (0,), ("location",)),
    "aiohttp.web.HTTPMovedPermanently": Sink("redirect", (0,), ("location",)),
    "aiohttp.web.HTTPTemporaryRedirect": Sink("redirect", (0,), ("location",)),
    "aiohttp.web.HTTPPermanentRedirect": Sink("redirect", (0,), ("location",)),
    "starlette.responses.RedirectResponse": Sink("redirect", (0,), ("url",)),
    "fastapi.responses.RedirectResponse": Sink("redirect", (0,), ("url",)),
    # templates
    "flask.render_template_string": Sink("template", (0,), ("source",)),
    "jinja2.Template": Sink("template", (0,), ("source",)),
    "jinja2.from_string": Sink("template"),
    "django.template.Template": Sink("template", (0,), ("template_string",)),
    "mako.template.Template": Sink("template", (0,), ("text",)),
    # reflected output
    "flask.make_response": Sink("xss", (0,)),
    "flask.Response": Sink("xss", (0,), ("response",)),
    "flask.Flask.response_class": Sink("xss", (0,), ("response",)),  # flask.Response
    "flask.Flask.make_response": Sink("xss", (0,), ("rv",)),
    "werkzeug.wrappers.Response": Sink("xss", (0,), ("response",)),
    "django.http.HttpResponse": Sink("xss", (0,), ("content",)),
    "django.http.response.HttpResponse": Sink("xss", (0,), ("content",)),
    **{
        f"django.http{module}.HttpResponse{status}": Sink("xss", (0,), ("content",))
        for module in ("", ".response")
        for status in ("BadRequest", "NotFound", "Forbidden", "Gone", "ServerError")
    },
    "django.http.StreamingHttpResponse": Sink("xss", (0,), ("streaming_content",)),
    "django.http.response.StreamingHttpResponse": Sink("xss", (0,), ("streaming_content",)),
    "starlette.responses.HTMLResponse": Sink("xss", (0,), ("content",)),
    # a plain Response is a page only with an HTML media type (see HTML_ONLY_WHEN_SAID)
    "starlette.responses.Response": Sink("xss", (0,), ("content",)),
    "fastapi.responses.Response": Sink("xss", (0,), ("content",)),
    "fastapi.Response": Sink("xss", (0,), ("content",)),
    "sanic.response.html": Sink("xss", (0,), ("body",)),
    "aiohttp.web.Response": Sink("xss", (0,), ("body", "text")),
    # Pyramid (WebOb): text/html unless a content type says otherwise
    "pyramid.response.Response": Sink("xss", (0,), ("body",)),
    "pyramid.request.Response": Sink("xss", (0,), ("body",)),
    "fastapi.responses.HTMLResponse": Sink("xss", (0,), ("content",)),
    "markupsafe.Markup": Sink("xss"),
    "flask.Markup": Sink("xss"),
    "jinja2.Markup": Sink("xss"),
    "django.utils.safestring.mark_safe": Sink("xss"),
    "django.utils.html.format_html": Sink("xss"),
    # HTML e-mail: the body is rendered by the recipient's mail client
    "django.core.mail.send_mail": Sink("xss", (8,), ("html_message",)),
    "django.core.mail.mail_admins": Sink("xss", (4,), ("html_message",)),
    "django.core.mail.mail_managers": Sink("xss", (4,), ("html_message",)),
    "flask_mail.Message": Sink("xss", (3,), ("html",)),
    # XPath
    "lxml.etree.XPath": Sink("xpath", (0,), ("path",)),
    "lxml.etree.ETXPath": Sink("xpath", (0,), ("path",)),
    "elementpath.select": Sink("xpath", (1,), ("path",)),
    "elementpath.iter_select": Sink("xpath", (1,), ("path",)),
    "elementpath.Selector": Sink("xpath", (0,), ("path",)),
    # LDAP
    "ldap3.Connection.search": Sink("ldap", (1,), ("search_filter",)),
}
# HTTP client objects: constructor -> the type whose methods send requests.
HTTP_CLIENTS: dict[str, str] = {
    "requests.Session": "requests.Session",
    "requests.session": "requests.Session",
    "requests.sessions.Session": "requests.Session",
    "httpx.Client": "httpx.Client",
    "httpx.AsyncClient": "httpx.Client",
    "aiohttp.ClientSession": "aiohttp.ClientSession",
    "urllib3.PoolManager": "urllib3.PoolManager",
    "urllib3.ProxyManager": "urllib3.PoolManager",
    "urllib3.HTTPConnectionPool": "urllib3.PoolManager",
    "urllib3.HTTPSConnectionPool": "urllib3.PoolManager",
    "urllib3.connectionpool.HTTPConnectionPool": "urllib3.PoolManager",
    "urllib3.connectionpool.HTTPSConnectionPool": "urllib3.PoolManager",
    "httplib2.Http": "httplib2.Http",
    "tornado.httpclient.AsyncHTTPClient": "tornado.httpclient.HTTPClient",
    "tornado.httpclient.HTTPClient": "tornado.httpclient.HTTPClient",
    "urllib.request.build_opener": "urllib.request.OpenerDirector",
    "urllib.request.OpenerDirector": "urllib.request.OpenerDirector",
    "urllib2.build_opener": "urllib.request.OpenerDirector",
    "socket.socket": "socket.socket",
}
for _client in ("requests.Session", "httpx.Client", "aiohttp.ClientSession"):
    for _verb in ("get", "post", "put", "patch", "delete", "head", "options"):
        SINK_CALLS[f"{_client}.{_verb}"] = Sink("ssrf", (0,), ("url",))
    SINK_CALLS[f"{_client}.request"] = Sink("ssrf", (1,), ("url",))
SINK_CALLS["aiohttp.ClientSession.ws_connect"] = Sink("ssrf", (0,), ("url",))
SINK_CALLS["httpx.Client.stream"] = Sink("ssrf", (1,), ("url",))
# clients given the base every later relative URL is joined to
SINK_CALLS["httpx.Client"] = SINK_CALLS["httpx.AsyncClient"] = Sink("ssrf", (), ("base_url",))
SINK_CALLS["aiohttp.ClientSession"] = Sink("ssrf", (0,), ("base_url",))
# Sessions whose transport refuses internal addresses (AntiSSRF's policy): no SSRF
# sink until another adapter is mounted on them (then a plain requests.Session).
GUARDED_SESSION = "<guarded-session>"
GUARDED_SESSION_FACTORIES = frozenset({"get_antissrf_session"})
SINK_CALLS["httplib2.Http.request"] = Sink("ssrf", (0,), ("uri",))
SINK_CALLS["tornado.httpclient.HTTPClient.fetch"] = Sink("ssrf", (0,), ("request",))
SINK_CALLS["urllib.request.OpenerDirector.open"] = Sink("ssrf", (0,), ("fullurl",))
SINK_CALLS["socket.socket.connect"] = Sink("ssrf", (0,), ("address",))
SINK_CALLS["socket.socket.connect_ex"] = Sink("ssrf", (0,), ("address",))
SINK_CALLS["urllib3.PoolManager.request"] = Sink("ssrf", (1,), ("url",))
SINK_CALLS["urllib3.PoolManager.urlopen"] = Sink("ssrf", (1,), ("url",))
SINK_CALLS["urllib3.request"] = Sink("ssrf", (1,), ("url",))
# a pool manager's pool for a host (its requests go there, their URLs only paths)
SINK_CALLS["urllib3.PoolManager.connection_from_host"] = Sink("ssrf", (0,), ("host",))
SINK_CALLS["urllib3.PoolManager.connection_from_url"] = Sink("ssrf", (0,), ("url",))
# What sets the body of a response object once it is built (Django's write(),
# Flask's set_data(); the attributes Django, Flask and Starlette serve).
RESPONSE_BODY_METHODS = frozenset({"write", "writelines", "set_data"})
RESPONSE_BODY_ATTRS = frozenset({"content", "data", "body", "text"})
# tarfile's extraction filters that refuse members outside the destination.
TAR_SAFE_FILTERS = frozenset({"data", "tar", "tarfile.data_filter", "tarfile.tar_filter"})
# Markup classes: Markup("<p>{}</p>").format(x) escapes x.
MARKUP_CLASSES = frozenset({"markupsafe.Markup", "flask.Markup", "jinja2.Markup"})
XPATH_EVALUATORS = frozenset(
    {
        "lxml.etree.XPathEvaluator",
        "lxml.etree.XPathDocumentEvaluator",
        "lxml.etree.XPathElementEvaluator",
    }
)
# ElementTree's path queries (a subset of XPath) by method name; only when the
# argument is built from an XPath-looking literal (str.find shares the name).
ETREE_FIND_METHODS = frozenset({"find", "findall", "iterfind", "findtext"})

# SQL text: a string whose literal parts begin a statement, its verb in capitals
# or in lower case (`SELECT ... FROM`, `INSERT INTO`, `UPDATE t SET`, `DELETE
# FROM`). Built from input by concatenation or formatting it is SQL injection
# wherever it is run, even by a database layer the walk does not know; it is
# reported where it is built unless it reaches a known SQL sink (reported there).
SQL_TEXT = re.compile(
    r"\s*(?:(select)\s[^;]*?\sfrom\b|(insert)\s+(?:ignore\s+)?into\s"
    r"|(update)\s+[\w.\"`\[\]]+\s+set\s|(delete)\s+from\s|(replace)\s+into\s"
    r"|(merge)\s+into\s)",
    re.IGNORECASE | re.DOTALL,
)


def is_sql_text(text: str) -> bool:
    """Whether literal text begins a SQL statement (see SQL_TEXT)."""
    m = SQL_TEXT.match(text)
    if m is None:
        return False
    verb = next(g for g in m.groups() if g)
    return verb.isupper() or verb.islower()


# Methods recognised by name on objects whose type is not followed.
# Response classes that have no media type of their own: a page only when told so.
HTML_ONLY_WHEN_SAID = frozenset(
    {
        "starlette.responses.Response",
        "fastapi.responses.Response",
        "fastapi.Response",
        "aiohttp.web.Response",
    }
)

SINK_METHODS: dict[str, Sink] = {
    "execute": Sink("sql", (0,), ("sql", "query", "operation", "statement")),
    "executemany": Sink("sql", (0,), ("sql", "query", "operation")),
    "executescript": Sink("sql", (0,), ("sql_script",)),
    "mogrify": Sink("sql", (0,), ("query",)),
    "raw": Sink("sql", (0,), ("raw_query",)),
    "xpath": Sink("xpath", (0,), ("_path",)),
    "from_string": Sink("template", (0,), ("source",)),
    "search_s": Sink("ldap", (2,), ("filterstr",)),
    "search_st": Sink("ldap", (2,), ("filterstr",)),
    "search_ext": Sink("ldap", (2,), ("filterstr",)),
    "search_ext_s": Sink("ldap", (2,), ("filterstr",)),
    # libxml2's XPath contexts and documents
    "xpathEval": Sink("xpath", (0,), ("expr",)),
    "xpathEval2": Sink("xpath", (0,), ("expr",)),
    "xpathEvalExpression": Sink("xpath", (0,), ("expr",)),
    # SQLAlchemy connections: a plain SQL string run as is
    "exec_driver_sql": Sink("sql", (0,), ("statement",)),
    # Tornado handlers: self.redirect(url)
    "redirect": Sink("redirect", (0,), ("url",)),
    # asyncpg connections and pools: the query is the first argument
    "fetch": Sink("sql", (0,), ("query",)),
    "fetchrow": Sink("sql", (0,), ("query",)),
    "fetchval": Sink("sql", (0,), ("query",)),
    "copy_from_query": Sink("sql", (0,), ("query",)),
    "prepare": Sink("sql", (0,), ("query",)),
    "cursor": Sink("sql", (0,), ("query",)),
    # ldap3's paged search: the base DN and the filter
    "paged_search": Sink("ldap", (0, 1), ("search_base", "search_filter")),
    # code.InteractiveConsole / InteractiveInterpreter: a line of Python to run
    "push": Sink("code", (0,), ("line",)),
    "runsource": Sink("code", (0,), ("source",)),
    # Django's EmailMultiAlternatives: an HTML alternative body
    "attach_alternative": Sink("xss", (0,), ("content",)),
    # paramiko's SSHClient: a command line run on the remote host
    "exec_command": Sink("cmd", (0,), ("command",)),
    # asyncio event loops: a command line run by a shell
    "subprocess_shell": Sink("cmd", (1,), ("cmd",)),
    "subprocess_exec": Sink("cmd", (1,), ("program",)),
    # DB-API cursors: the name of the stored procedure called
    "callproc": Sink("sql", (0,), ("procname",)),
    # pg8000's native connections: the SQL run
    "run": Sink("sql", (0,), ("sql",)),
}
# SQLAlchemy Query/Select methods whose criterion may be a string of SQL text
# (read as text() before SQLAlchemy 2.0): `filter("name = '%s'" % x)`,
# `order_by("%s desc" % x)`.
SQLALCHEMY_CRITERIA_METHODS = frozenset({"filter", "having", "order_by", "group_by", "distinct"})
# `extra()` on a Django queryset: these keyword arguments are SQL, and their
# positions (select, where, params, tables, order_by, select_params).
DJANGO_EXTRA_KWARGS = ("where", "select", "tables", "order_by")
DJANGO_EXTRA_POSITIONS = (0, 1, 3, 4)
SUBPROCESS_FUNCS = frozenset(
    {
        "subprocess.call",
        "subprocess.run",
        "subprocess.Popen",
        "subprocess.check_call",
        "subprocess.check_output",
    }
)
SHELLS = frozenset(
    {
        "sh",
        "bash",
        "zsh",
        "dash",
        "ksh",
        "csh",
        "/bin/sh",
        "/bin/bash",
        "/usr/bin/sh",
        "/usr/bin/bash",
        "cmd",
        "cmd.exe",
        "powershell",
        "powershell.exe",
        "pwsh",
    }
)
YAML_SAFE_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
# pathlib.Path methods whose result holds their arguments.
PATH_BUILDING_METHODS = frozenset({"joinpath", "with_name", "with_stem", "with_suffix"})
# pathlib.Path methods that touch the file system.
PATH_METHODS = frozenset(
    {
        "open",
        "read_text",
        "read_bytes",
        "write_text",
        "write_bytes",
        "unlink",
        "rmdir",
        "mkdir",
        "touch",
        "rename",
        "replace",
        "iterdir",
        "exists",
        "is_file",
        "stat",
        "symlink_to",
        "chmod",
    }
)
XML_PARSE_FUNCS = frozenset(
    {
        "xml.dom.minidom.parseString",
        "xml.dom.minidom.parse",
        "xml.dom.pulldom.parseString",
        "xml.dom.pulldom.parse",
        "xml.sax.parseString",
        "xml.sax.parse",
    }
)
LXML_PARSE_FUNCS = frozenset(
    {
        "lxml.etree.fromstring",
        "lxml.etree.parse",
        "lxml.etree.XML",
        "lxml.etree.iterparse",
        "lxml.etree.XMLID",
        "lxml.objectify.fromstring",
        "lxml.objectify.parse",
    }
)
LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "critical", "exception", "log", "fatal"}
)
# Sink methods whose name is common: a sink only in a module importing one of these.
SINK_METHOD_LIBRARIES: dict[str, frozenset[str]] = {
    "search_s": frozenset({"ldap", "ldap3"}),
    "search_st": frozenset({"ldap", "ldap3"}),
    "search_ext": frozenset({"ldap", "ldap3"}),
    "search_ext_s": frozenset({"ldap", "ldap3"}),
    "from_string": frozenset({"jinja2", "django"}),
    "xpathEval": frozenset({"libxml2"}),
    "xpathEval2": frozenset({"libxml2"}),
    "xpathEvalExpression": frozenset({"libxml2"}),
    "push": frozenset({"code"}),
    "fetch": frozenset({"asyncpg"}),
    "fetchrow": frozenset({"asyncpg"}),
    "fetchval": frozenset({"asyncpg"}),
    "copy_from_query": frozenset({"asyncpg"}),
    "prepare": frozenset({"asyncpg"}),
    "cursor": frozenset({"asyncpg"}),
    "paged_search": frozenset({"ldap3"}),
    "redirect": frozenset({"tornado", "twisted"}),
    "runsource": frozenset({"code"}),
    "exec_command": frozenset({"paramiko"}),
    "attach_alternative": frozenset({"django", "flask_mailman"}),
    "subprocess_shell": frozenset({"asyncio"}),
    "subprocess_exec": frozenset({"asyncio"}),
    "run": frozenset({"pg8000"}),
}
# Imports of a module by name: a name from a request picks the code that runs
# (its top-level statements); the sink class `import` is reached by request input
# only (a plugin named in the environment or on the command line is the
# operator's choice).
MODULE_IMPORTS = frozenset({"importlib.import_module", "__import__", "importlib.__import__"})
