"""Per-function data flow over Python's ast: an abstract interpreter that follows
taint through assignments, strings, containers, branches (constant conditions
decide), loops, calls to summarised functions and guards, and reports sinks.

The interpreter is layered, one module per subject (state, sinks, interproc,
methods, calls, expressions, guards, statements); this one binds a function's
parameters to what they hold (request data, URL captures, route parameters).
What is a source, a sink or a sanitiser is data, in `catalog`."""

from __future__ import annotations

import ast

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code.module import (
    FunctionInfo,
    Module,
    Summary,
    param_taint,
)
from shieldwall.analyzers.code.state import (
    MAX_DEPTH,
)
from shieldwall.analyzers.code.statements import Statements
from shieldwall.analyzers.code.syntax import (
    annotation_name,
    decorator_name,
    dotted,
    route_converter,
    route_decorator,
    self_param,
)
from shieldwall.analyzers.code.values import (
    CLEAN,
    Taint,
    Val,
)


class FunctionFlow(Statements):
    """Walks one function body once (loops twice) with an environment of Vals."""

    def __init__(
        self,
        module: Module,
        info: FunctionInfo | None,
        *,
        summary: Summary | None = None,
        tainted_param: int | str | None = None,
        depth: int = 0,
    ) -> None:
        super().__init__(module, info, summary=summary, tainted_param=tainted_param, depth=depth)
        if info is not None:
            self._bind_params(info, tainted_param)

    def _bind_params(self, info: FunctionInfo, tainted_param: int | str | None) -> None:
        node = info.node
        self_name = self_param(info) if info.class_name is not None else None
        if self_name is not None and node.name != "__init__":
            self._seed_fields(info, self_name)
            if self._django_form_class(info.class_name):
                for attr in cat.DJANGO_FORM_DATA:
                    what = f"submitted form data `{self_name}.{attr}`"
                    self.env[f"{self_name}.{attr}"] = Val(Taint(what, node.lineno))
        if isinstance(tainted_param, str):
            # one attribute of `self` holds the data (a summary per attribute)
            for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
                self.env[arg.arg] = CLEAN
            if self_name is not None:
                self.env[f"{self_name}.{tainted_param[len('attr:') :]}"] = Val(param_taint(0))
            return
        route_paths = self._bind_route(info)
        params = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        fastapi = "fastapi" in self.m.imported or "starlette" in self.m.imported
        captures = self._django_captures(info, [p.arg for p in params])
        entry = (params[0].arg, params[1].arg) if len(params) >= 2 else ("", "")
        # URL captures are required arguments; those with defaults come from the URLconf
        required = len(node.args.posonlyargs) + len(node.args.args) - len(node.args.defaults)
        for i, arg in enumerate(params):
            if captures <= i < required:
                ann = annotation_name(arg.annotation)
                self.env[arg.arg] = (
                    CLEAN
                    if ann in cat.SAFE_ANNOTATIONS
                    or route_converter(self.url_paths, arg.arg) in ("int", "uuid")
                    else Val(Taint(f"URL parameter `{arg.arg}`", node.lineno))
                )
                continue
            name = arg.arg
            if tainted_param is not None:
                self.env[name] = Val(param_taint(i)) if i == tainted_param else CLEAN
                if i == tainted_param and self._request_param(info, i, arg):
                    self.env[name] = Val(param_taint(i), qual="<request>")
                continue
            if i == self.request_at or self._request_param(info, i, arg):
                self.env[name] = Val(
                    Taint(f"request parameter `{name}`", node.lineno), qual="<request>"
                )
            elif self._django_form_param(info, i):
                self.env[name] = Val(Taint(f"submitted form `{name}`", node.lineno))
            elif i == 0 and "." not in info.qualname and entry in cat.ENTRY_PARAMS:
                self.env[name] = Val(Taint(cat.ENTRY_PARAMS[entry], node.lineno))
                self.lambda_handler = entry == cat.LAMBDA_PARAMS
            elif i == 1 and "." not in info.qualname and entry == cat.WSGI_PARAMS:
                self.env[name] = Val(qual=cat.START_RESPONSE)  # start_response(status, headers)
            elif (self.route and i > 0) or (self.route and info.class_name is None):
                if name in ("self", "cls"):
                    continue
                if self.request_at == 1 and i == 2:
                    self.env[name] = CLEAN  # Falcon's response object
                    continue
                ann = annotation_name(arg.annotation)
                converter = route_converter(route_paths, name)
                enum = any(
                    b.rsplit(".", 1)[-1] in cat.ENUM_BASES for b in self.m.class_bases.get(ann, [])
                )
                if ann in cat.SAFE_ANNOTATIONS or enum or converter in ("int", "float", "uuid"):
                    self.env[name] = CLEAN
                elif (
                    fastapi
                    or converter is not None
                    or (self.routed_all and (i < required or self.routed_every))
                ):
                    # a request body model of this module: its typed fields are known
                    model = f"<instance>{ann}" if ann in self.m.class_fields else None
                    self.env[name] = Val(
                        Taint(f"route parameter `{name}`", node.lineno), qual=model
                    )
            else:
                self.env[name] = CLEAN
        self._bind_defaults(info)
        self._bind_rest(info, len(params), tainted_param)

    def _bind_rest(self, info: FunctionInfo, n: int, tainted_param: int | str | None) -> None:
        """*args and **kwargs take the summary slots after the `n` named parameters;
        in a Django view they hold the URL's captures by position or by name."""
        node = info.node
        if node.args.vararg:
            self.env[node.args.vararg.arg] = Val(param_taint(n)) if tainted_param == n else CLEAN
        if node.args.kwarg:
            self.env[node.args.kwarg.arg] = (
                Val(param_taint(n + 1)) if tainted_param == n + 1 else CLEAN
            )
        names = [p.arg for p in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]]
        if (
            tainted_param is None
            and (node.args.vararg or node.args.kwarg)
            and self._django_captures(info, [*names, "*"]) <= n
        ):
            for rest in (node.args.vararg, node.args.kwarg):
                if rest is not None:
                    self.env[rest.arg] = Val(Taint(f"URL parameters `{rest.arg}`", node.lineno))

    def _bind_route(self, info: FunctionInfo) -> list[str]:
        """Whether the function is a route (and one with a fixed path); its paths.
        A route is decorated as one, registered by a call (`add_url_rule`, a router's
        `add_get`, `Route(...)`), or a method of a Flask class-based view or a Tornado
        handler (whose parameters are all URL captures when no path says otherwise)."""
        node = info.node
        routes = [d for d in node.decorator_list if route_decorator(d)]
        self.route = bool(routes)
        self.routed_all = self.routed_every = False
        self.request_at = -1
        self.url_paths: list[str] = []
        route_paths: list[str] = []
        for d in routes:
            if (
                isinstance(d, ast.Call)
                and d.args
                and isinstance(d.args[0], ast.Constant)
                and isinstance(d.args[0].value, str)
            ):
                route_paths.append(d.args[0].value)
        self.static_route = (
            bool(route_paths)
            and len(route_paths) == len(routes)
            and all("<" not in p and "{" not in p for p in route_paths)
        )
        if routes and "sanic" in self.m.imported and info.class_name is None:
            self.request_at = 0  # a Sanic handler's first parameter, whatever its name
        if not routes and not self._bind_other_handler(info):
            self._bind_registered_route(info, route_paths)
        return route_paths

    def _bind_other_handler(self, info: FunctionInfo) -> bool:
        """Pyramid's `@view_config` views (the request is the last of one or two
        parameters: `(request)`, `(context, request)`), Twisted resources' `render`
        methods (the request after `self`, their result the page) and CherryPy's
        `@cherrypy.expose` handlers (every parameter from the query or the path)."""
        node = info.node
        names = {decorator_name(d) for d in node.decorator_list}
        positional = len(node.args.posonlyargs) + len(node.args.args)
        if "view_config" in names and "pyramid" in self.m.imported and info.class_name is None:
            if positional in (1, 2):
                self.route, self.request_at = True, positional - 1
            return True
        if (
            info.class_name is not None
            and "falcon" in self.m.imported
            and cat.FALCON_RESPONDER.match(node.name)
            and positional >= 3
        ):
            # on_get(self, req, resp, *URL fields)
            self.route = self.routed_all = self.routed_every = True
            self.request_at = 1
            return True
        if "expose" in names and "cherrypy" in self.m.imported:
            self.route = self.routed_all = self.routed_every = True
            return True
        if (
            info.class_name is not None
            and "twisted" in self.m.imported
            and (node.name == "render" or node.name.startswith("render_"))
            and "Resource" in self.m.class_bases.get(info.class_name, ())
            and positional == 2
        ):
            self.route, self.request_at = True, 1
            return True
        return False

    def _bind_registered_route(self, info: FunctionInfo, route_paths: list[str]) -> None:
        handler_method = info.node.name in cat.VIEW_METHODS or info.node.name in cat.VIEW_DISPATCH
        if info.class_name is not None and self._tornado_handler(info.class_name):
            # every parameter is a URL group (or a WebSocket message), defaults too
            if handler_method or info.node.name in cat.WEBSOCKET_HANDLERS:
                self.route = self.routed_all = self.routed_every = True
            return
        if info.class_name is None and "." not in info.qualname:
            reg = self.m.registered(info.node.name)
        elif info.class_name is not None and handler_method:
            reg = self.m.registered(info.class_name)
        else:
            return
        if reg is not None and reg.django:
            self.url_paths = list(reg.paths)  # a Django URLconf's: their converters
        elif reg is not None:
            self.route = True
            # a function's first parameter; a class's own handlers read `self.request`
            if reg.request_first and info.class_name is None:
                self.request_at = 0
            route_paths.extend(reg.paths)
        if info.class_name is not None and self._flask_view(info.class_name):
            self.route = True
        self.routed_all = self.route and not route_paths and self.request_at < 0

    def _flask_view(self, cls: str) -> bool:
        """A Flask class-based view: its handlers take URL captures after `self`."""
        bases = self.m.class_bases.get(cls, ())
        return "flask" in self.m.imported and (
            "MethodView" in bases
            or ("View" in bases and not ({"django", "rest_framework"} & self.m.imported))
        )

    def _tornado_handler(self, cls: str) -> bool:
        """A Tornado RequestHandler: its HTTP methods take the URL's groups."""
        bases = self.m.class_bases.get(cls, ())
        return "tornado" in self.m.imported and (
            "RequestHandler" in bases or "WebSocketHandler" in bases
        )

    def _django_form_class(self, cls: str | None) -> bool:
        """A Django form class of this module (`class F(forms.Form)`, a ModelForm)."""
        return (
            cls is not None
            and "django" in self.m.imported
            and any(b.endswith("Form") for b in self.m.class_bases.get(cls, ()))
        )

    def _django_form_param(self, info: FunctionInfo, i: int) -> bool:
        """The parameter at `i` is the bound form a Django hook is handed."""
        return (
            info.class_name is not None
            and "django" in self.m.imported
            and cat.DJANGO_FORM_HOOKS.get(info.node.name) == i
        )

    def _request_param(self, info: FunctionInfo, i: int, arg: ast.arg) -> bool:
        """A parameter that holds a request: named so in a web module, annotated as
        one, the argument after `self` of a class-based view's HTTP method whatever
        its name, or named like one and read like one where no framework is imported
        (the request is handed in by code elsewhere)."""
        name = arg.arg
        if self.m.request_param(name):
            return True
        if not self.m.web:
            return name in cat.LOOSE_REQUEST_PARAM_NAMES and self._read_as_request(info, name)
        if annotation_name(arg.annotation) in cat.REQUEST_ANNOTATIONS:
            return True
        if (
            {"django", "rest_framework"} & self.m.imported
            and name in self._django_reads(info)
            and not (i == 0 and info.class_name is not None)  # HttpRequest's own `self`
        ):
            return True
        return (
            i == 1
            and info.class_name is not None
            and not self._flask_view(info.class_name)
            and info.node.name in cat.VIEW_METHODS
            and any(
                b.endswith(cat.VIEW_BASE_SUFFIXES)
                for b in self.m.class_bases.get(info.class_name, ())
            )
        )

    def _django_reads(self, info: FunctionInfo) -> frozenset[str]:
        """The names the function reads `.GET`, `.POST`... from (once per function)."""
        key = f"{info.qualname}:{info.node.lineno}"
        found = self.m.django_request_reads.get(key)
        if found is None:
            found = frozenset(
                sub.value.id
                for sub in ast.walk(info.node)
                if isinstance(sub, ast.Attribute)
                and sub.attr in cat.DJANGO_REQUEST_ATTRS
                and isinstance(sub.value, ast.Name)
            )
            self.m.django_request_reads[key] = found
        return found

    def _read_as_request(self, info: FunctionInfo, name: str) -> bool:
        """The function reads request data from `name` (`name.args`, `name.GET`...)."""
        for sub in ast.walk(info.node):
            if (
                isinstance(sub, ast.Attribute)
                and sub.attr in cat.REQUEST_DATA_ATTRS
                and isinstance(sub.value, ast.Name)
                and sub.value.id == name
            ):
                return True
        return False

    def _django_captures(self, info: FunctionInfo, names: list[str]) -> int:
        """Index of the first URL capture of a Django view (`def detail(request, slug)`,
        `get(self, request, pk)`), len(names)+1 when the function is not one."""
        none = len(names) + 1
        if (
            self.route
            or "request" not in names[:2]
            or not ({"django", "rest_framework"} & self.m.imported)
        ):
            return none
        node = info.node
        if info.class_name is not None:
            is_view = node.name in cat.VIEW_METHODS and any(
                b.endswith(("View", "ViewSet")) for b in self.m.class_bases.get(info.class_name, ())
            )
            at = 1
        else:
            # a helper called in this module is not a view
            is_view = not node.name.startswith("_") and self.m.text.count(f"{node.name}(") <= 1
            at = 0
        if not is_view or len(names) <= at + 1 or names[at] != "request":
            return none
        return at + 1

    def _bind_defaults(self, info: FunctionInfo) -> None:
        """A parameter no call in the module passes holds its default
        (`def put(resp, secure=False): resp.set_cookie(..., secure=secure)`)."""
        a = info.node.args
        positional = [*a.posonlyargs, *a.args]
        pairs = list(zip(positional[len(positional) - len(a.defaults) :], a.defaults, strict=True))
        pairs += [(p, d) for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is not None]
        pairs = [
            (p, d)
            for p, d in pairs
            if self.env.get(p.arg) is CLEAN
            and isinstance(d, ast.Constant | ast.Name | ast.Attribute)
        ]
        if not pairs:
            return
        passed = self.m.passed_params(info)
        if passed is None:
            return
        for p, d in pairs:
            if p.arg not in passed:
                v = self.expr(d)
                if v.deep_taint() is None:
                    self.env[p.arg] = v

    def _seed_fields(self, info: FunctionInfo, self_name: str) -> None:
        """The objects `__init__` stores on `self` (a session, a parser, a connection):
        their types are known in every method, so calls on them are modelled."""
        assert info.class_name is not None
        init = self.m.method(info.class_name, "__init__")
        if init is None or init is info or self.depth >= MAX_DEPTH:
            return
        for attr, v in self.summarise(init, None).writes.items():
            if v.qual and v.deep_taint() is None:
                self.env[f"{self_name}.{attr}"] = v


__all__ = ["FunctionFlow", "dotted"]
