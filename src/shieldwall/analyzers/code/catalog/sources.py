"""Sources: the objects, calls and attributes whose values an attacker chooses, and
which sinks each kind of taint reaches."""

from __future__ import annotations

from shieldwall.analyzers.code.values import ALL_CLASSES

# Objects whose attributes and method results carry request data.
REQUEST_OBJECTS = frozenset(
    {
        "flask.request",
        "bottle.request",
        "quart.request",
        "sanic.request",
        "cherrypy.request",
    }
)
# Attributes of a request object that an attacker does not choose.
REQUEST_SAFE_ATTRS = frozenset(
    {
        "method",
        "endpoint",
        "blueprint",
        "blueprints",
        "url_rule",
        "is_secure",
        "is_json",
        "scheme",
        "user",
        "auth_user",
        "session",
        "app",
        "routing_exception",
        "content_length",
        "max_content_length",
        "is_ajax",
        "csrf_processing_done",
        "resolver_match",
        "urlconf",
        "encoding",
        "accepted_renderer",
        "dbsession",  # Pyramid: the database session the application set up
    }
)
# Framework packages: a function parameter named like a request is one there.
WEB_FRAMEWORKS = frozenset(
    {
        "flask",
        "django",
        "rest_framework",
        "fastapi",
        "starlette",
        "quart",
        "bottle",
        "pyramid",
        "tornado",
        "sanic",
        "aiohttp",
        "falcon",
        "werkzeug",
        "cherrypy",
        "twisted",
    }
)
REQUEST_PARAM_NAMES = frozenset({"request"})
# A parameter named so, in a module without a framework import, is a request when
# the function reads one of these attributes from it (`def handle(request):
# request.args["q"]`: a request handed in by code elsewhere).
LOOSE_REQUEST_PARAM_NAMES = frozenset({"request", "req"})
# Attributes only Django's HttpRequest has: a parameter read so in a module that
# imports Django is the request, whatever its name (`def view(req): req.GET`).
DJANGO_REQUEST_ATTRS = frozenset({"GET", "POST", "COOKIES", "META", "FILES"})
REQUEST_DATA_ATTRS = frozenset(
    {
        "args",
        "form",
        "values",
        "json",
        "data",
        "files",
        "cookies",
        "headers",
        "GET",
        "POST",
        "COOKIES",
        "META",
        "FILES",
        "body",
        "query",
        "query_params",
        "query_string",
        "match_info",
        "path_params",
        "get_json",
        "get_data",
    }
)
# The uploaded files of a request (`request.files["f"]`, `request.FILES.get("f")`):
# file objects, flagged UPLOAD. Passed where a path or a file object is taken
# (`zipfile.ZipFile(upload)`) they name no file; their `.filename` does.
UPLOAD_ATTRS = frozenset({"files", "FILES"})
UPLOAD = "upload"
UPLOAD_FILE_ATTRS = frozenset({"stream", "file"})  # the file object inside an upload
# Form classes that read the request being served when built without data
# (Flask-WTF's FlaskForm; a wtforms Form in a module importing these): an
# instance's fields (`form.name.data`) hold what was submitted.
REQUEST_FORM_BASES = frozenset({"FlaskForm"})
REQUEST_FORM_PACKAGES = frozenset({"flask_wtf", "wtforms"})
# Entry points known by their first two parameters: the first holds the request.
# WSGI applications (`def app(environ, start_response)`) and AWS Lambda handlers
# (`def handler(event, context)`, module level: API Gateway, SQS, S3 events).
# Django hooks handed a form bound to the submitted data: method -> the position
# of the form among its parameters (`self` first): class-based views' form_valid()
# and form_invalid(), ModelAdmin's save_model() and save_related().
DJANGO_FORM_HOOKS: dict[str, int] = {
    "form_valid": 1,
    "form_invalid": 1,
    "save_model": 3,
    "save_related": 2,
}
# What a Django form's own methods (`clean_name`, `save`) read of the submitted data.
DJANGO_FORM_DATA = ("cleaned_data", "data", "files")
ENTRY_PARAMS: dict[tuple[str, str], str] = {
    ("environ", "start_response"): "the WSGI environ",
    ("event", "context"): "the Lambda event",
}
WSGI_PARAMS = ("environ", "start_response")
# The standard library's HTTP server: in a method of a handler class the request
# is on self (`self.path` holds the query string, `self.headers`, `self.rfile` the body).
HTTP_HANDLER_BASES = frozenset(
    {"BaseHTTPRequestHandler", "SimpleHTTPRequestHandler", "CGIHTTPRequestHandler"}
)
HTTP_HANDLER_ATTRS = frozenset({"path", "headers", "rfile", "requestline", "raw_requestline"})
LAMBDA_PARAMS = ("event", "context")
# What a WSGI application's second parameter stands for: called with the status
# and the response headers, a list of (name, value) pairs.
START_RESPONSE = "<start-response>"
# Methods of modelled objects whose result comes from outside: (model, method) ->
# (source label, kind); argparse/optparse: what the person running the tool typed.
SOURCE_MODEL_METHODS: dict[tuple[str, str], tuple[str, str]] = {
    ("<argparser>", "parse_args"): ("command-line arguments", "cli"),
    ("<argparser>", "parse_known_args"): ("command-line arguments", "cli"),
    ("<argparser>", "parse_intermixed_args"): ("command-line arguments", "cli"),
    # Flask-RESTful's request parser: the arguments of the request being served
    ("<reqparser>", "parse_args"): ("request arguments (reqparse)", "input"),
}
# Calls whose result is untrusted by nature: (qualified name) -> (source label, kind).
SOURCE_CALLS: dict[str, tuple[str, str]] = {
    "input": ("input()", "cli"),
    "raw_input": ("raw_input()", "cli"),
    "os.getenv": ("os.getenv", "env"),
    "os.environ.get": ("os.environ", "env"),
    "os.getenvb": ("os.getenvb", "env"),
}
SOURCE_ATTRS: dict[str, tuple[str, str]] = {
    "sys.argv": ("sys.argv", "cli"),
    "os.environ": ("os.environ", "env"),
    "sys.stdin": ("sys.stdin", "cli"),
}
# Methods whose result is data read from the outside (sockets).
SOURCE_METHODS: dict[str, tuple[str, str]] = {
    "recv": ("socket data", "input"),
    "recvfrom": ("socket data", "input"),
    "recv_into": ("socket data", "input"),
    "makefile": ("socket data", "input"),
}
# Request accessors of frameworks whose handlers read the request through a method
# (Tornado's `self.get_argument()`, Falcon's `req.get_param()`): method -> the
# packages that give it that meaning (a module must import one of them).
FRAMEWORK_SOURCE_METHODS: dict[str, frozenset[str]] = {
    **{
        m: frozenset({"tornado"})
        for m in (
            "get_argument",
            "get_arguments",
            "get_query_argument",
            "get_query_arguments",
            "get_body_argument",
            "get_body_arguments",
            "get_cookie",
            "decode_argument",
        )
    },
    **{
        m: frozenset({"falcon"})
        for m in (
            "get_param",
            "get_param_as_list",
            "get_header",
            "get_media",
            "bounded_stream",
        )
    },
}
# Which sink classes each kind of taint reaches.
KIND_REACHES: dict[str, frozenset[str]] = {
    "input": ALL_CLASSES,
    # The person running a command line tool chooses its files and URLs anyway.
    "cli": frozenset({"cmd", "code", "sql", "deser", "template", "ldap", "xpath"}),
    "env": frozenset({"cmd", "code", "deser"}),
    "file": frozenset({"deser", "code"}),
    "weakrand": frozenset({"weakrand"}),
}
# Names of values that hold secrets: a weak random value stored there is a finding.
SECRET_WORDS = (
    "token",
    "secret",
    "password",
    "passwd",
    "nonce",
    "salt",
    "otp",
    "csrf",
    "session",
    "api_key",
    "apikey",
    "cookie",
    "remember",
    "key",
    "pin",
    "code",
    "auth",
    "reset",
    "verif",
    "invite",
    "activation",
    "captcha",
)
WEAK_RANDOM_FUNCS = frozenset(
    {
        "random",
        "randint",
        "randrange",
        "randbytes",
        "getrandbits",
        "choice",
        "choices",
        "uniform",
        "normalvariate",
        "gauss",
        "triangular",
        "betavariate",
        "expovariate",
        "gammavariate",
        "lognormvariate",
        "vonmisesvariate",
        "paretovariate",
        "weibullvariate",
        "sample",
        "shuffle",
        "binomialvariate",
    }
)
