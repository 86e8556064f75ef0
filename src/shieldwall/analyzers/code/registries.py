"""Registries a module fills through its own decorators: `def register(f):
HANDLERS[f.__name__] = f; return f` (or a factory, `@command("ping")`, whose inner
decorator does it) puts each function it decorates in a container of the module,
and a call of what is looked up there (`HANDLERS[name](x)`) runs one of them."""

from __future__ import annotations

import ast

# Container methods that put their argument in the container.
_ADDERS = frozenset({"append", "add", "insert", "setdefault", "appendleft"})
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def registered(tree: ast.Module) -> dict[str, tuple[str, ...]]:
    """Module-level container name -> the module's top-level functions a decorator
    of the module stores in it (in the order they are defined)."""
    module_names = _module_names(tree)
    top = [n for n in tree.body if isinstance(n, _FUNCS)]
    direct: dict[str, frozenset[str]] = {}  # @deco
    factories: dict[str, frozenset[str]] = {}  # @deco(...)
    for fn in top:
        stores = _stores(fn, module_names)
        if stores:
            direct[fn.name] = stores
        returned = _returned_names(fn)
        for inner in fn.body:
            if isinstance(inner, _FUNCS) and inner.name in returned:
                stores = _stores(inner, module_names)
                if stores:
                    factories[fn.name] = factories.get(fn.name, frozenset()) | stores
    out: dict[str, list[str]] = {}
    for fn in top:
        for d in fn.decorator_list:
            if isinstance(d, ast.Name):
                containers = direct.get(d.id, frozenset())
            elif isinstance(d, ast.Call) and isinstance(d.func, ast.Name):
                containers = factories.get(d.func.id, frozenset())
            else:
                continue
            for name in sorted(containers):
                out.setdefault(name, []).append(fn.name)
    return {k: tuple(v) for k, v in out.items()}


def lookup(node: ast.expr) -> str | None:
    """The container a value is taken from: `C[key]`, `C.get(key)`; None otherwise."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        return node.value.id
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name)
    ):
        return node.func.value.id
    return None


def iterated(target: ast.expr, iterable: ast.expr) -> tuple[str, str] | None:
    """(loop name, container) when a loop takes each function of a container:
    `for f in C`, `for f in C.values()`, `for key, f in C.items()`."""
    container: str | None = None
    name: ast.expr | None = target
    if isinstance(iterable, ast.Name):
        container = iterable.id
    elif (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Attribute)
        and isinstance(iterable.func.value, ast.Name)
        and iterable.func.attr in ("values", "items")
    ):
        container = iterable.func.value.id
        if iterable.func.attr == "items":
            elts = target.elts if isinstance(target, ast.Tuple) else []
            name = elts[1] if len(elts) == 2 else None
    if container is None or not isinstance(name, ast.Name):
        return None
    return name.id, container


def _module_names(tree: ast.Module) -> frozenset[str]:
    names: set[str] = set()
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(names)


def _returned_names(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    return frozenset(
        s.value.id for s in fn.body if isinstance(s, ast.Return) and isinstance(s.value, ast.Name)
    )


def _stores(
    fn: ast.FunctionDef | ast.AsyncFunctionDef, module_names: frozenset[str]
) -> frozenset[str]:
    """The module containers `fn` stores its first parameter in, when it returns
    that parameter itself (a registering decorator); empty otherwise."""
    params = [p.arg for p in [*fn.args.posonlyargs, *fn.args.args]]
    if not params or params[0] not in _returned_names(fn):
        return frozenset()
    handed = params[0]
    out: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign) and _is(node.value, handed):
            out.update(
                t.value.id
                for t in node.targets
                if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)
            )
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _ADDERS
            and isinstance(node.func.value, ast.Name)
            and any(_is(a, handed) for a in node.args)
        ):
            out.add(node.func.value.id)
    return frozenset(out & module_names)


def _is(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
