"""The state of one function's walk, and how it reports: sinks reached, findings,
response headers and returns; helpers on values shared by the interpreter's parts."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code.module import (
    PARAM_SOURCE,
    Chain,
    FunctionInfo,
    Module,
    Summary,
)
from shieldwall.analyzers.code.syntax import (
    dotted,
    is_session,
    self_param,
)
from shieldwall.analyzers.code.values import (
    Taint,
    Val,
    const,
    join,
    join_taint,
)
from shieldwall.model import Rule

Env = dict[str, Val]


MAX_DEPTH = 3


MAX_STR = 4096


RESPONSE = "flask.Response"  # any response object (Flask's, Django's, Starlette's)
# A fact on a response object whose body is served as HTML (HttpResponse(),
# Response() without a non-HTML Content-Type): what is written into it later is XSS.
HTML_BODY = "html-body"
# A fact on Markup("...") objects: format() and join() escape what they insert.
MARKUP = "markup"
# A fact on what a project function returns when every return is a dict display
# (`return {"name": name}`): a Flask view returning it answers JSON, not HTML.
DICT_RESULT = "dict-result"


LOGGER = "logging.Logger"


ESCAPING_TEMPLATE = "<escaping-template>"


CALLABLE = "callable"  # a flag: the value is a lambda


_FIXED_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#\\@]+[/?#]")


_LOCAL_PATH = re.compile(r"^/[^/\\]")
# A URL begun by a value the code holds (a base URL from settings) then a literal
# that ends the host (`/`, `?`, `#` after any `://`): HOST_ENDED while no input is
# in it, HOST_FIXED once input follows (partial SSRF at most, not reported).
HOST_ENDED = "host-ended"
HOST_FIXED = "host-fixed"


def ends_host(literal: str) -> bool:
    """Whether text written after a base URL ends its host."""
    tail = literal.split("://", 1)[1] if "://" in literal else literal
    return any(c in tail for c in "/?#")


def const_ok(value: object) -> bool:
    if isinstance(value, str | bytes):
        return len(value) <= MAX_STR
    return isinstance(value, int | float | bool | type(None) | tuple)


def joined(a: Val | None, b: Val) -> Val:
    """Several arguments gathered into one `*args` / `**kwargs` parameter."""
    return b if a is None else Val(join_taint(a.deep_taint(), b.deep_taint()))


def as_argument(v: Val, node: ast.expr) -> Val:
    """A request object passed on carries its data with it."""
    if v.qual in cat.REQUEST_OBJECTS and v.taint is None:
        return Val(Taint(v.qual or "request", node.lineno), qual="<request>")
    return v


def fixed_destination(cls: str, v: Val) -> bool:
    """A URL whose scheme and host are constant (`"https://api.example.com/" + x`): a
    request cannot be sent elsewhere; for a redirect a path on this site (`"/a/" + x`)
    is enough. An uploaded file object names no file (`ZipFile(request.files["f"])`)."""
    if cls == "path" and cat.UPLOAD in v.flags:
        return True  # an uploaded file object read where a path or a file is taken
    if cls == "ssrf" and HOST_FIXED in v.flags:
        return True  # f"{settings.API}/items/{x}": the code's base URL, then a path
    return cls in ("ssrf", "redirect") and pins_destination(cls, v.str_prefix)


def pins_destination(cls: str, head: str) -> bool:
    """A URL starting with `head` goes to one host (scheme and host ended by `/`,
    `?` or `#`), or for a redirect stays on this site (`/a`, not `//a` nor `/\\a`)."""
    return bool(_FIXED_URL.match(head)) or (cls == "redirect" and bool(_LOCAL_PATH.match(head)))


_SMALL_BODY = 12


_RETURNS_LITERAL = re.compile(r"\breturn\s+(?:[rRbBuU]?[\"']|([A-Za-z_]\w*)\()")


def returns_constant(info: FunctionInfo) -> bool:
    """A short function with a `return "literal"` or `return OurClass(...)`: its result
    may be a known constant (an algorithm name, a mode) that pattern rules need to see
    through the call, or an object whose methods we follow."""
    module = info.module
    cached = module.const_returners.get(info.qualname)
    if cached is None:
        node = info.node
        cached = False
        if len(node.body) <= _SMALL_BODY:
            chunk = "\n".join(module.lines[node.lineno - 1 : node.end_lineno or node.lineno])
            cached = any(
                m.group(1) is None or m.group(1) in module.classes
                for m in _RETURNS_LITERAL.finditer(chunk)
            )
        module.const_returners[info.qualname] = cached
    return cached


def weak_taint(v: Val, depth: int = 0) -> Taint | None:
    """A weak-random taint held anywhere in `v` (joined taints keep request data
    only, so the parts of a container are looked at one by one)."""
    if v.taint is not None and v.taint.kind == "weakrand":
        return v.taint
    if depth > 3:
        return None
    for part in [*(v.items or ()), *(v.keys or {}).values()]:
        t = weak_taint(part, depth + 1)
        if t is not None:
            return t
    return None


def not_html(kwargs: dict[str, Val], headers: list[Val] | None = None) -> bool:
    """A response built with an explicit media type that browsers do not render
    (a keyword, or a `Content-Type` in a headers mapping passed along)."""
    types = [kwargs.get(kw) for kw in ("mimetype", "content_type", "media_type")]
    for h in [*(headers or []), kwargs.get("headers")]:
        if h is not None and h.keys is not None:
            types.extend(v for k, v in h.keys.items() if str(k).lower() == "content-type")
    for v in types:
        if v is not None and v.consts:
            return all(
                isinstance(c, str)
                and "html" not in c.lower()
                and "xml" not in c.lower()
                and "svg" not in c.lower()
                for c in v.consts
            )
    return False


def said_html(kwargs: dict[str, Val]) -> bool:
    """A response built with a media type saying HTML (`media_type="text/html"`)."""
    types = [kwargs.get("media_type"), kwargs.get("content_type")]
    h = kwargs.get("headers")
    if h is not None and h.keys is not None:
        types.extend(v for k, v in h.keys.items() if str(k).lower() == "content-type")
    return any(
        isinstance(c, str) and "html" in c.lower()
        for v in types
        if v is not None
        for c in v.consts or ()
    )


def join_envs(a: Env, b: Env) -> Env:
    if a is b:
        return a
    out = dict(a)
    for k, v in b.items():
        mine = out.get(k)
        out[k] = v if mine is None else join(mine, v)
    return out


def callee_key(cls: str, what: str) -> str:
    """The key of a sink reached inside a callee (`what`: the sink, then the
    functions it is in): one finding whatever reached it and how."""
    return f"{cls}|{' in `'.join(what.split(' in `')[:2])}"


class FlowState:
    """What one walk of a function knows, and how it reports what it finds."""

    def __init__(
        self,
        module: Module,
        info: FunctionInfo | None,
        *,
        summary: Summary | None = None,
        tainted_param: int | str | None = None,
        depth: int = 0,
    ) -> None:
        self.m = module
        self.info = info
        self.summary = summary  # collecting a summary: report nothing, record sinks
        self.depth = depth
        # Local names only; module-level names are read from module.env (not copied:
        # joins at every branch stay small).
        self.env: Env = {}
        self.globals: Env = module.env
        self.ret: Val | None = None
        self.resource = info.qualname if info else "<module>"
        self.route = False
        self.lambda_handler = False  # an AWS Lambda handler: what it returns is the response
        self.static_route = False
        self.request_at = -1  # the parameter holding the request, by its framework's rule
        self.routed_all = False  # every required parameter is a URL capture
        self.routed_every = False  # ... and those with defaults (Tornado's groups)
        self.url_paths: list[str] = []  # the paths a URLconf routes to this view
        self.seen_keys: dict[str, int] = {}
        self.reported: set[tuple[str, int]] = set()
        # SQL text built from input here, not yet seen reaching a SQL sink:
        # (source, line of the source) -> (taint, where it was built)
        self.sql_texts: dict[tuple[str, int], tuple[Taint, ast.AST]] = {}
        # the same for HTML markup built from input, not yet seen reaching a page sink
        self.html_texts: dict[tuple[str, int, int], tuple[Taint, ast.AST]] = {}
        self.derived: dict[str, str] = {}  # var -> var it was built from
        self.query_names: set[str] = set()  # names bound to a query (`q = s.query(M)`)
        self.exits: list[list[Env]] = []  # per enclosing loop: envs at break/continue
        self.global_names: set[str] = set()  # names declared `global` here
        self.tmp_paths: dict[str, str] = {}  # names bound to a string under a shared tmp dir
        self.closures_running: set[str] = set()
        self.scope = info.qualname if info else ""  # where nested definitions live
        self.partial: dict[str, frozenset[str]] = {}  # names a guard checks only in part
        # names holding the result of a check (`ok = is_safe_url(u)`): the test, and
        # the names it reads (a check no longer holds once one of them is reassigned)
        self.conditions: dict[str, tuple[ast.expr, frozenset[str]]] = {}
        # names bound to a method of an object (`search = conn.search_s`): a call
        # through the name is that method's call on the object
        self.bound_methods: dict[str, ast.Attribute] = {}
        self.lambdas: dict[str, ast.Lambda] = {}  # names bound to a lambda here
        # names bound to what a container the module's decorators fill holds
        # (`handler = HANDLERS[name]`): the container
        self.registry_lookups: dict[str, str] = {}
        self.lambdas_running: set[int] = set()

    def class_name(self) -> str | None:
        """The class of the method being walked, if it is one."""
        return self.info.class_name if self.info else None

    # -- provided by the layers above ------------------------------------------------

    def run(self) -> Val:
        raise NotImplementedError

    def expr(self, node: ast.expr) -> Val:
        raise NotImplementedError

    def block(self, stmts: Iterable[ast.stmt]) -> bool:
        raise NotImplementedError

    def assign(self, target: ast.expr, value: Val, node: ast.stmt | None) -> None:
        raise NotImplementedError

    def refine(self, test: ast.expr, truth: bool, env: Env) -> Env:
        raise NotImplementedError

    def validated(self, test: ast.expr, truth: bool) -> set[str]:
        raise NotImplementedError

    def _django_view_method(self) -> bool:
        """In a method of a Django / DRF class-based view (`self.kwargs` holds the
        URL captures there)."""
        info = self.info
        return (
            info is not None
            and info.class_name is not None
            and bool({"django", "rest_framework"} & self.m.imported)
            and any(
                b.endswith(("View", "ViewSet", "Mixin"))
                for b in self.m.class_bases.get(info.class_name, ())
            )
        )

    def _http_handler_method(self, name: str) -> bool:
        """`name` is the self of a method of an http.server request handler class."""
        info = self.info
        return (
            info is not None
            and info.class_name is not None
            and name == self_param(info)
            and any(
                b in cat.HTTP_HANDLER_BASES for b in self.m.class_bases.get(info.class_name, ())
            )
        )

    def sink_store(
        self, target: ast.Subscript, base: Val, key: Val, value: Val, node: ast.stmt
    ) -> None:
        path = dotted(target.value) or ""
        # make_response(...).headers[k] = v: the attribute named, whatever it hangs on
        attr = target.value.attr if isinstance(target.value, ast.Attribute) else None
        last = (attr or path.rsplit(".", 1)[-1]).lower()
        if is_session(target.value, base):
            t = value.deep_taint() or key.deep_taint()
            self.sink("trust", t, node, "the session")
        if "session" in last or "cookie" in last or "token" in last:
            self.sink("weakrand", value.deep_taint(), node, f"`{path}[...]`")
        if last == "headers" or base.qual == RESPONSE:
            # resp.headers[k] = v, and Django's response[k] = v
            self.header_sink(key, value, node)

    def lambda_response(self, value: Val, node: ast.AST) -> None:
        """An API Gateway proxy response ({"statusCode", "headers", "body"}): its
        headers are response headers; its body is HTML when a Content-Type says so."""
        assert value.keys is not None
        headers = value.keys.get("headers")
        if headers is not None:
            self.header_dict_sink(headers, node)
        body = value.keys.get("body")
        if body is None or headers is None or headers.keys is None:
            return
        types = [v for k, v in headers.keys.items() if str(k).lower() == "content-type"]
        if any(v.consts and any("html" in str(c).lower() for c in v.consts) for v in types):
            self.sink("xss", body.deep_taint(), node, "the HTML body of a Lambda response")

    def header_sink(self, key: Val, value: Val, node: ast.AST) -> None:
        """A response header set to `value`; `Location` is a redirect as well. A
        header name from input splits the response as a value does."""
        if self.sink("header", key.deep_taint(), node, "a response header name"):
            return
        t = value.deep_taint()
        if (
            self.sink("header", t, node, "a response header")
            and key.known
            and str(key.const).lower() == "location"
        ):
            self.sink("redirect", t, node, "the Location header")

    def header_dict_sink(self, headers: Val, node: ast.AST) -> None:
        """A mapping of response headers (update(), a view's returned headers)."""
        if headers.keys is not None:
            for k, v in headers.keys.items():
                self.header_sink(const(k), v, node)
        else:
            self.sink("header", headers.deep_taint(), node, "a response header")

    def sink(
        self,
        cls: cat.SinkClass,
        taint: Taint | None,
        node: ast.AST,
        what: str,
        inside: Chain = (),
    ) -> bool:
        """Report data `taint` reaching a sink of class `cls` at `node`; `inside`:
        when `node` is a call of a project function, the calls from there on to
        the sink within it (the finding is reported at the sink, with the calls)."""
        if taint is None or not taint.dangerous_for(cls):
            return False
        if cls not in cat.KIND_REACHES.get(taint.kind, frozenset()):
            return False
        line = getattr(node, "lineno", 0)
        chain: Chain = ((self.m.rel, line), *inside) if inside else ()
        if cls == "sql":
            self.sql_texts.pop((taint.source, taint.line), None)
        elif cls in ("xss", "template"):  # markup served, or rendered as a template
            for key in [k for k in self.html_texts if k[:2] == (taint.source, taint.line)]:
                del self.html_texts[key]
        if self.summary is not None:
            if taint.source == PARAM_SOURCE:
                self.summary.sinks.append((cls, line, what, chain or ((self.m.rel, line),)))
            return True
        if taint.source == PARAM_SOURCE:
            return False

        where = f"line {taint.line}" if taint.line else "here"
        message = f"{taint.source} ({where}) reaches {what}"
        self.report(
            cat.TAINT_RULES[cls],
            message,
            node,
            # one finding per sink inside a callee, whatever reached it and how
            callee_key(cls, what) if chain else f"{cls}|{what}|{taint.source}",
            (taint.path or self.m.rel, taint.line),
            chain,
        )
        return True

    def sql_text(self, value: Val, text: str, node: ast.AST) -> None:
        """`value`, built here from literal `text` and other parts, is SQL text
        from input when `text` begins a statement, HTML markup from input when it
        holds a tag: kept until it reaches a sink of its class (see `texts_left`)."""
        t = value.taint
        if self.summary is not None or t is None or t.source == PARAM_SOURCE:
            return
        reaches = cat.KIND_REACHES.get(t.kind, frozenset())
        if t.dangerous_for("sql") and "sql" in reaches and cat.is_sql_text(text):
            self.sql_texts.setdefault((t.source, t.line), (t, node))
        if t.dangerous_for("xss") and "xss" in reaches and cat.HTML_TEXT.search(text):
            key = (t.source, t.line, getattr(node, "lineno", 0))
            self.html_texts.setdefault(key, (t, node))

    def markup_handled(self, call: ast.Call, values: list[Val], anywhere: bool = False) -> None:
        """The HTML markup built in the arguments `values` of `call` (`anywhere`:
        or before it) is taken care of: escaped or cleaned, or it goes to a
        console or a log, not a page."""
        first, last = (0, 1 << 30) if anywhere else (call.lineno, call.end_lineno or call.lineno)
        for v in values:
            t = v.deep_taint()
            if t is not None:
                for key in [
                    k
                    for k in self.html_texts
                    if k[:2] == (t.source, t.line) and first <= k[2] <= last
                ]:
                    del self.html_texts[key]

    def texts_left(self) -> None:
        """Report the SQL text and HTML markup built from input that no known sink
        of its class took: it goes to a database layer or a page the walk does not
        know (a template's context, a handler's result), or is kept for later."""
        texts: tuple[tuple[cat.SinkClass, list[tuple[Taint, ast.AST]], str], ...] = (
            ("sql", list(self.sql_texts.values()), "SQL text"),
            ("xss", list(self.html_texts.values()), "HTML markup"),
        )
        for cls, kept, what in texts:
            for t, node in kept:
                where = f"line {t.line}" if t.line else "here"
                self.report(
                    cat.TAINT_RULES[cls],
                    f"{t.source} ({where}) is formatted into {what}",
                    node,
                    # SQL text: one finding per input; markup: per fragment built
                    f"{cls}|{what}|{t.source}"
                    + ("" if cls == "sql" else f"|{getattr(node, 'lineno', 0)}"),
                    (t.path or self.m.rel, t.line),
                )
        self.sql_texts.clear()
        self.html_texts.clear()

    def report(
        self,
        rule: Rule,
        message: str,
        node: ast.AST,
        key: str,
        source: tuple[str, int] | None = None,
        chain: Chain = (),
    ) -> None:
        if self.summary is not None:
            return
        # a sink inside a callee is one finding whichever call reached it
        base = f"<callee>|{key}" if chain else f"{self.resource}|{key}"
        line = getattr(node, "lineno", 0)
        if (base, line) in self.reported or (chain and base in self.seen_keys):
            return  # the same sink seen again (loops are walked twice)
        self.reported.add((base, line))
        n = self.seen_keys.get(base, 0)
        self.seen_keys[base] = n + 1
        if chain:
            seen = (rule.id, base, chain[-1])
            if seen in self.m.callee_reported:
                return  # reported from another function of the module: the same finding
            self.m.callee_reported.add(seen)
        end = getattr(node, "end_lineno", None) or line
        self.m.report(
            rule,
            message,
            line,
            min(end, line + 5),
            self.resource,
            base if n == 0 else f"{base}|{n}",
            source,
            chain,
        )

    def on_return(self, value: Val, node: ast.Return) -> None:
        t = weak_taint(value)
        if (
            t is not None
            and self.info is not None
            and any(w in self.info.qualname.lower() for w in cat.SECRET_WORDS)
        ):
            self.sink("weakrand", t, node, f"the value `{self.info.qualname}` returns")
        if self.lambda_handler and value.keys is not None:
            self.lambda_response(value, node)
            return
        if self.info is not None and self.info.class_name is not None:
            for base in self.m.class_bases.get(self.info.class_name, ()):
                if cat.REDIRECT_URL_METHODS.get(base) == self.info.node.name:
                    self.sink("redirect", value.deep_taint(), node, "the view's redirect URL")
        if not (self.route and cat.HTML_RETURNING & self.m.imported) or value.qual:
            return
        body = value
        if value.items is not None:
            if not value.items:
                return
            body = value.items[0]
            if len(value.items) > 1 and value.items[-1].keys is not None:
                self.header_dict_sink(value.items[-1], node)
            if body.items is not None or body.keys is not None:
                return
        elif value.keys is not None or DICT_RESULT in value.flags:
            return  # a dict becomes JSON
        self.sink("xss", body.deep_taint(), node, "the HTML response of a view")

    def qual_of(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            v = self.env.get(node.id) or self.globals.get(node.id)
            if v is None:
                return node.id if node.id not in self.m.env else None
            return v.qual
        if isinstance(node, ast.Attribute):
            base = self.qual_of(node.value)
            return f"{base}.{node.attr}" if base else None
        return None
