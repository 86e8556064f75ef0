"""Shapes of Python syntax the interpreter asks about: dotted names, the variable a
check is about, route decorators, a method's `self`."""

from __future__ import annotations

import ast
from collections.abc import Collection

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code.module import (
    FunctionInfo,
)
from shieldwall.analyzers.code.values import (
    Val,
)


def dotted(node: ast.expr) -> str | None:
    """`a.b.c` for a chain of names and attributes, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def root_name(node: ast.expr) -> str | None:
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in cat.DERIVING_FUNCS:
                node = node.func.value
                continue
            if (
                isinstance(node.func, ast.Name)
                and node.args
                and (node.func.id in ("str", "repr") or node.func.id in DERIVING_NAMES)
            ):
                node = node.args[0]  # urlparse(x).hostname, realpath(x): x is checked
                continue
            return None
        if isinstance(node, ast.Attribute):
            node = node.value
            continue
        return None


DERIVING_NAMES = frozenset(q.rsplit(".", 1)[-1] for q in cat.DERIVING_FUNCS if "." in q)


def derived_from(value: ast.expr) -> str | None:
    if isinstance(value, ast.Call):
        func = value.func
        name = (
            func.attr
            if isinstance(func, ast.Attribute)
            else (func.id if isinstance(func, ast.Name) else "")
        )
        if name in (
            "urlparse",
            "urlsplit",
            "Path",
            "realpath",
            "abspath",
            "normpath",
            "resolve",
            "lower",
            "upper",
            "strip",
            "str",
            "casefold",
        ):
            if value.args:
                inner = root_name(value.args[0])
                if inner:
                    return inner
            if isinstance(func, ast.Attribute):
                return root_name(func.value)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
        return root_name(value.right)
    return None


def decorator_name(d: ast.expr) -> str:
    """The last name of a decorator (`@cherrypy.expose`, `@view_config(...)`)."""
    target = d.func if isinstance(d, ast.Call) else d
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def route_decorator(d: ast.expr) -> bool:
    target = d.func if isinstance(d, ast.Call) else d
    if isinstance(target, ast.Name) and isinstance(d, ast.Call):
        # bottle's module-level decorators: @route("/hello/<name>"), @get("/x")
        return target.id in _BARE_ROUTE_DECORATORS and _literal_path(d)
    return isinstance(target, ast.Attribute) and target.attr in (
        "route",
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "api_route",
        "websocket",
    )


_BARE_ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete"})


def _literal_path(d: ast.Call) -> bool:
    return bool(
        d.args
        and isinstance(d.args[0], ast.Constant)
        and isinstance(d.args[0].value, str)
        and d.args[0].value.startswith("/")
    )


def route_converter(paths: list[str], name: str) -> str | None:
    for p in paths:
        if f"<{name}>" in p or f"{{{name}}}" in p:
            return "string"
        marker = f":{name}>"
        idx = p.find(marker)
        if idx != -1:
            start = p.rfind("<", 0, idx)
            return p[start + 1 : idx]
    return None


def annotation_name(node: ast.expr | None) -> str:
    """The type an annotation names, through Optional[...], Annotated[...] and
    `X | None` (Union[X, None])."""
    if isinstance(node, ast.Subscript) and annotation_name(node.value) in (
        cat.WRAPPING_ANNOTATIONS
    ):
        inner = node.slice
        if isinstance(inner, ast.Tuple) and inner.elts:
            named = [e for e in inner.elts if not _is_none(e)]
            if annotation_name(node.value) == "Union" and len(named) != 1:
                return ""
            inner = named[0] if named else inner.elts[0]
        return annotation_name(inner)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        named = [e for e in (node.left, node.right) if not _is_none(e)]
        return annotation_name(named[0]) if len(named) == 1 else ""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.rsplit(".", 1)[-1]
    return ""


def attr_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute):
        return func.value.attr
    return ""


def looks_like_logger(func: ast.expr) -> bool:
    if not isinstance(func, ast.Attribute):
        return False
    base = func.value
    name = (
        base.id
        if isinstance(base, ast.Name)
        else (base.attr if isinstance(base, ast.Attribute) else "")
    )
    return "log" in name.lower()


def xpathish(node: ast.expr) -> bool:
    """An expression built around a literal that looks like an XPath step."""
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Constant)
            and isinstance(sub.value, str)
            and ("[" in sub.value or "/" in sub.value or "@" in sub.value)
        ):
            return True
    return False


def containment_check(node: ast.expr) -> set[str]:
    """The paths an `os.path.commonpath([...])` call compares."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.List | ast.Tuple):
        func = node.func
        name = (
            func.attr
            if isinstance(func, ast.Attribute)
            else (func.id if isinstance(func, ast.Name) else "")
        )
        if name in ("commonpath", "commonprefix"):
            return {n for n in map(root_name, map(_unnormalised, node.args[0].elts)) if n}
    return set()


_NORMALISER_NAMES = frozenset(q.rsplit(".", 1)[-1] for q in cat.NORMALISERS)


def _unnormalised(node: ast.expr) -> ast.expr:
    """The path inside `realpath(p)` (and the other normalisers), else the node."""
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in _NORMALISER_NAMES:
            return node.args[0]
    return node


def self_param(info: FunctionInfo) -> str | None:
    """The name of a method's `self` parameter (None for functions, staticmethods)."""
    if info.class_name is None:
        return None
    args = [*info.node.args.posonlyargs, *info.node.args.args]
    if not args or any(
        isinstance(d, ast.Name) and d.id == "staticmethod" for d in info.node.decorator_list
    ):
        return None
    return args[0].arg


def on_self(node: ast.Call, info: FunctionInfo | None) -> bool:
    func = node.func
    return (
        info is not None
        and info.class_name is not None
        and isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("self", "cls")
    )


def is_session(node: ast.expr | None, value: Val | None) -> bool:
    if value is not None and value.qual in ("flask.session", "quart.session"):
        return True
    path = (dotted(node) or "") if node is not None else ""
    return path == "session" or path.endswith(".session")


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def on_query(node: ast.expr | None, names: Collection[str] = ()) -> bool:
    """Whether a method is called on a query: `Model.query...`, `session.query(...)...`,
    or a name in `names` (bound to one of those: `q = session.query(M); q.filter(...)`)."""
    while node is not None:
        if isinstance(node, ast.Name):
            return node.id in names
        if isinstance(node, ast.Attribute):
            if node.attr == "query":
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return False
    return False
