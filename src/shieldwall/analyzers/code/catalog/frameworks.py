"""Web framework knowledge the interpreter consults: the names of view methods,
response builders, calls that never return, annotations that validate, calls that
mutate their receiver or run a function they are handed."""

from __future__ import annotations

import re

# Literal text that holds HTML markup (an element's start or end tag). Built from
# input by concatenation or formatting it is a page fragment with the input
# unescaped: reported where it is built unless it reaches a known page sink
# (reported there) or an escaping function.
HTML_TEXT = re.compile(
    r"</?(?:a|abbr|article|audio|b|base|body|br|button|center|code|div|em|embed|font|footer"
    r"|form|h[1-6]|head|header|hr|html|i|iframe|img|input|label|li|link|main|meta|nav"
    r"|object|ol|option|p|pre|script|section|select|small|source|span|strong|style|svg"
    r"|table|td|textarea|th|title|tr|u|ul|video)(?=[\s>/])",
    re.IGNORECASE,
)

STR_METHODS = frozenset(
    {
        "lower",
        "upper",
        "strip",
        "lstrip",
        "rstrip",
        "replace",
        "split",
        "title",
        "capitalize",
        "casefold",
        "encode",
        "decode",
        "join",
    }
)

RESPONSE_BUILDERS = frozenset(
    {
        "flask.make_response",
        "flask.Response",
        "flask.jsonify",
        "flask.redirect",
        "flask.render_template",
        "flask.abort",
        "werkzeug.wrappers.Response",
        "flask.send_file",
        "flask.send_from_directory",
        "flask.url_for",
        "flask.Flask.make_response",
        "flask.Flask.response_class",
        "bottle.static_file",
        "bottle.template",
        "bottle.redirect",
        "bottle.abort",
        "sanic.response.html",
        "sanic.response.text",
        "sanic.response.json",
        "sanic.response.redirect",
        "sanic.response.file",
        "cherrypy.lib.static.serve_file",
        "cherrypy.lib.static.serve_download",
        "cherrypy.lib.static.staticfile",
    }
)

VIEW_METHODS = frozenset(
    {
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "retrieve",
        "update",
        "partial_update",
        "destroy",
        "list",
        "create",
    }
)

NORETURN = frozenset(
    {
        "flask.abort",
        "werkzeug.exceptions.abort",
        "quart.abort",
        "bottle.abort",
        "sys.exit",
        "os._exit",
        "exit",
        "quit",
    }
)

NORETURN_NAMES = frozenset(q.rsplit(".", 1)[-1] for q in NORETURN)

SAFE_ANNOTATIONS = frozenset(
    {
        "int",
        "float",
        "bool",
        "UUID",
        "date",
        "datetime",
        "time",
        "timedelta",
        "Decimal",
        # pydantic's validated types
        "UUID1",
        "UUID3",
        "UUID4",
        "UUID5",
        "StrictInt",
        "StrictFloat",
        "StrictBool",
        "PositiveInt",
        "NegativeInt",
        "NonNegativeInt",
        "NonPositiveInt",
        "PositiveFloat",
        "NegativeFloat",
        "IPv4Address",
        "IPv6Address",
    }
)
# Annotations naming a request class (a parameter or declared name holding one).
REQUEST_ANNOTATIONS = frozenset({"Request", "HttpRequest", "WSGIRequest"})
# Annotations that wrap the type a parameter is validated as (Optional[int],
# Annotated[int, Path()]): the first argument is the type.
WRAPPING_ANNOTATIONS = frozenset({"Optional", "Annotated", "Union"})
# Bases of enumerations: a parameter annotated with one is one of its values.
ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"})

MUTATORS = frozenset(
    {
        "append",
        "add",
        "insert",
        "extend",
        "update",
        "write",
        "writelines",
        "put",
        "push",
        "appendleft",
        "setdefault",
        "set",
        "__setitem__",
        "intersection_update",  # the elements kept equal the argument's
        "symmetric_difference_update",
    }
)

# Calls that run a function they are handed on the arguments that follow it.
HANDING_CALLS = frozenset(
    {
        "submit",
        "map",
        "imap",
        "imap_unordered",
        "starmap",
        "apply",
        "apply_async",
        "run_in_executor",
        "partial",  # functools.partial(f, x): f runs on x when the result is called
    }
)
# Constructors that run `target` on `args` (and `kwargs`) once started.
TARGET_RUNNERS = frozenset(
    {"threading.Thread", "multiprocessing.Process", "multiprocessing.context.Process"}
)

HOST_PARTS = ("netloc", "hostname")  # of a parsed URL: empty when it names no host

AUTOESCAPE_OFF = re.compile(r"\|\s*safe\b|autoescape\s+(?:false|off)|Markup")

# Constructors of the objects the interpreter models: qualified name -> the model
# (`<config>`: a ConfigParser followed key by key; `<parser>`: an XML parser whose
# entity settings are tracked; `<file>`, `<buffer>`: readable data; `pathlib.Path`).
UNPICKLER = "<unpickler>"
MODELLED_OBJECTS: dict[str, str] = {
    "configparser.ConfigParser": "<config>",
    "configparser.RawConfigParser": "<config>",
    "xml.sax.make_parser": "<parser>",
    "lxml.etree.XMLParser": "<lxml-parser>",
    "lxml.etree.XMLPullParser": "<lxml-parser>",
    "pathlib.Path": "pathlib.Path",
    "pathlib.PurePath": "pathlib.Path",
    "pathlib.PosixPath": "pathlib.Path",
    "open": "<file>",
    "file": "<file>",  # Python 2's builtin (a name `file` the module binds is that value)
    "io.open": "<file>",
    "codecs.open": "<file>",
    "io.StringIO": "<buffer>",
    # an unpickler over a file: its load() is where the objects are made
    "pickle.Unpickler": UNPICKLER,
    "_pickle.Unpickler": UNPICKLER,
    "dill.Unpickler": UNPICKLER,
    "io.BytesIO": "<buffer>",
    "argparse.ArgumentParser": "<argparser>",
    "optparse.OptionParser": "<argparser>",
    "flask_restful.reqparse.RequestParser": "<reqparser>",
    "flask_restx.reqparse.RequestParser": "<reqparser>",
    # http.client connections: the host is chosen here, the request sent by .request()
    "http.client.HTTPConnection": "<http-connection>",
    "http.client.HTTPSConnection": "<http-connection>",
    "httplib.HTTPConnection": "<http-connection>",
    "httplib.HTTPSConnection": "<http-connection>",
    "urllib3.connection.HTTPConnection": "<http-connection>",
    "urllib3.connection.HTTPSConnection": "<http-connection>",
    # tar archives: extracting one from input writes where its member names say
    "tarfile.open": "<tar-archive>",
    "tarfile.TarFile": "<tar-archive>",
    "tarfile.TarFile.open": "<tar-archive>",
    # a mapping of response headers built apart (werkzeug checks its values)
    "werkzeug.datastructures.Headers": "<headers>",
    "werkzeug.Headers": "<headers>",
    # Flask-SQLAlchemy's `db` re-exports SQLAlchemy (`db.text(...)` is sqlalchemy.text)
    "flask_sqlalchemy.SQLAlchemy": "sqlalchemy",
    # a Flask application: its response_class and make_response build pages
    "flask.Flask": "flask.Flask",
    # fabric's and invoke's runners: their run/sudo/local run a command line
    "fabric.Connection": "fabric.Connection",
    "fabric.connection.Connection": "fabric.Connection",
    "invoke.Context": "invoke.Context",
}

# Names a module re-exports from another, imported from the first
# (`from django.shortcuts import HttpResponse` is django.http's class).
REEXPORTS: dict[str, str] = {
    f"django.shortcuts.{name}": f"django.http.{name}"
    for name in (
        "HttpResponse",
        "HttpResponseRedirect",
        "HttpResponsePermanentRedirect",
        "Http404",
    )
}
# django.http re-exports its response module's classes
REEXPORTS.update(
    {
        f"django.http.response.{name}": f"django.http.{name}"
        for name in (
            "HttpResponse",
            "HttpResponseRedirect",
            "HttpResponsePermanentRedirect",
            "HttpResponseNotFound",
            "HttpResponseBadRequest",
            "HttpResponseForbidden",
            "HttpResponseNotAllowed",
            "HttpResponseGone",
            "HttpResponseServerError",
            "JsonResponse",
            "StreamingHttpResponse",
            "FileResponse",
        )
    }
)
REEXPORTS.update(
    {
        "flask.helpers.redirect": "flask.redirect",
        "flask.helpers.send_file": "flask.send_file",
        "flask.helpers.send_from_directory": "flask.send_from_directory",
        "flask.helpers.make_response": "flask.make_response",
        "flask.wrappers.Response": "flask.Response",
        "werkzeug.Response": "werkzeug.wrappers.Response",
        "werkzeug.wrappers.response.Response": "werkzeug.wrappers.Response",
        "werkzeug.redirect": "werkzeug.utils.redirect",
    }
)

# Response classes whose content type may be given by position.
CONTENT_TYPE_AT = {
    "django.http.HttpResponse": 1,
    "django.http.HttpResponseNotFound": 1,
    "django.http.HttpResponseBadRequest": 1,
    "django.http.HttpResponseForbidden": 1,
    "django.http.HttpResponseServerError": 1,
}
# Frameworks whose views' returned text is served as an HTML page.
HTML_RETURNING = frozenset({"flask", "bottle", "quart", "cherrypy", "twisted"})
# Methods of Flask's class-based views called for every HTTP method.
VIEW_DISPATCH = frozenset({"dispatch_request"})
# Falcon's responders: on_get, on_post, on_get_collection...
FALCON_RESPONDER = re.compile(r"on_(?:get|post|put|patch|delete|head|options)(?:_\w+)?\Z")
# Tornado WebSocketHandler methods: their parameters come from the client.
WEBSOCKET_HANDLERS = frozenset({"open", "on_message"})
# Class-based views whose method returns where to redirect: base -> method.
REDIRECT_URL_METHODS = {"RedirectView": "get_redirect_url"}
# Class-based views: the HTTP method handlers whose first argument after `self` is
# the request whatever its name (`def get(self, req)`), by the base class suffix.
VIEW_BASE_SUFFIXES = ("View", "ViewSet", "APIView")
# Decorators that make a method a property: reading the attribute runs it.
PROPERTY_DECORATORS = frozenset({"property", "cached_property"})
