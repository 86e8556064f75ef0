"""Handlers registered by a call rather than a decorator: Flask's `add_url_rule`
(a function or a class-based view's `as_view`), aiohttp's router and route table,
Starlette's and FastAPI's `Route`/`add_route`/`add_api_route`. Found in one walk of
a module whose text names a registrar; keyed by the handler's name."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from shieldwall.analyzers.code.catalog.sinks import words

# registrar -> (index of the path, index of the handler) among positional arguments
_REGISTRARS: dict[str, tuple[int, int]] = {
    "add_url_rule": (0, 2),
    **dict.fromkeys(
        words(
            "add_get add_post add_put add_patch add_delete add_head add_view add_route"
            " add_api_route Route WebSocketRoute"
        ),
        (0, 1),
    ),
}
# aiohttp's route table helpers (`web.get("/x/{id}", handler)`), on `web` only
_AIOHTTP_DEFS = frozenset({"get", "post", "put", "patch", "delete", "head", "view", "route"})
_HANDLER_KEYWORDS = ("view_func", "handler", "endpoint", "view")
_PATH_KEYWORDS = ("rule", "path", "route")
_DJANGO_ROUTES = frozenset({"path", "re_path", "url"})


@dataclass(frozen=True, slots=True)
class Registration:
    paths: tuple[str, ...]  # literal paths registered ("" entries dropped)
    request_first: bool  # the handler's first parameter is the request (aiohttp, Starlette)
    django: bool = False  # a Django URLconf entry (path, re_path, url)


def registered_handlers(tree: ast.Module, text: str) -> dict[str, Registration]:
    """Handler name (a function, or the class whose `as_view()` is registered) ->
    how it is registered."""
    if not any(
        name in text for name in ("add_url_rule", "add_", "Route(", "web.", "path(", "url(")
    ):
        return {}
    views: dict[str, str] = {}  # `user_view = UserAPI.as_view("users")`
    calls: list[ast.Call] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, cls = node.targets[0], _as_view_class(node.value)
            if isinstance(target, ast.Name) and cls is not None:
                views[target.id] = cls
        elif isinstance(node, ast.Call):
            calls.append(node)
    out: dict[str, Registration] = {}
    for call in calls:
        found = _registration(call)
        if found is None:
            continue
        path, handler, request_first = found
        name = _as_view_class(handler)
        if name is None and isinstance(handler, ast.Name):
            name = views.get(handler.id, handler.id)
        elif name is None and isinstance(handler, ast.Attribute):
            name = handler.attr
        if name is None:
            continue
        before = out.get(name)
        paths = (*(before.paths if before else ()), *((path,) if path else ()))
        django = _django_route(call)
        out[name] = Registration(
            paths,
            request_first or bool(before and before.request_first),
            django or bool(before and before.django),
        )
    return out


def _registration(call: ast.Call) -> tuple[str, ast.expr, bool] | None:
    f = call.func
    attr = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    if attr in _REGISTRARS:
        at_path, at_handler = _REGISTRARS[attr]
        if attr == "add_route" and len(call.args) >= 3:
            at_path, at_handler = 1, 2  # aiohttp's add_route(method, path, handler)
        request_first = attr != "add_url_rule"
    elif (
        attr in _AIOHTTP_DEFS
        and isinstance(f, ast.Attribute)
        and isinstance(f.value, ast.Name)
        and f.value.id == "web"
    ):
        at_path, at_handler, request_first = 0, 1, True
        if attr == "route" and len(call.args) >= 3:
            at_path, at_handler = 1, 2
    elif _django_route(call):
        at_path, at_handler, request_first = 0, 1, True
    else:
        return None
    handler = call.args[at_handler] if len(call.args) > at_handler else None
    path = call.args[at_path] if len(call.args) > at_path else None
    for k in call.keywords:
        if k.arg in _HANDLER_KEYWORDS:
            handler = k.value
        elif k.arg in _PATH_KEYWORDS:
            path = k.value
    if handler is None:
        return None
    text = path.value if isinstance(path, ast.Constant) and isinstance(path.value, str) else ""
    return text, handler, request_first


def _django_route(call: ast.Call) -> bool:
    f = call.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    return name in _DJANGO_ROUTES


def _as_view_class(node: ast.expr) -> str | None:
    """`UserAPI.as_view("users")` -> "UserAPI"."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "as_view"
        and isinstance(node.func.value, ast.Name | ast.Attribute)
    ):
        v = node.func.value
        return v.id if isinstance(v, ast.Name) else v.attr
    return None
