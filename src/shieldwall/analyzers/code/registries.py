"""Registries a module fills through its own decorators: `def register(f):
HANDLERS[f.__name__] = f; return f` (or a factory, `@command("ping")`, whose inner
decorator does it; or a method of the module's own router class storing the function
on `self`, `@app.route("/")` with `app = Router()`) puts each function it decorates
in a container, and a call of what is looked up there (`HANDLERS[name](x)`,
`self.routes[path](request)`) runs one of them."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

# Container methods that put their argument in the container.
_ADDERS = frozenset({"append", "add", "insert", "setdefault", "appendleft"})
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_Func = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Registries:
    """`members`: container -> the module's top-level functions registered in it, in
    the order they are defined (a module variable by its name, an attribute of the
    module's class as `Class.attr`); `instances`: module variables holding an
    instance of a class of the module."""

    members: dict[str, tuple[str, ...]] = field(default_factory=dict)
    instances: dict[str, str] = field(default_factory=dict)

    def key(self, container: str, class_name: str | None) -> str:
        """The container a text names (`HANDLERS`, `self.routes` in a method of
        `class_name`, `app.routes` for a module instance)."""
        head, _, attr = container.partition(".")
        if attr and head == "self" and class_name is not None:
            return f"{class_name}.{attr}"
        if attr and head in self.instances:
            return f"{self.instances[head]}.{attr}"
        return container


def registered(tree: ast.Module) -> Registries:
    """The containers the module's decorators fill, and with which functions."""
    module_names = _module_names(tree)
    instances = _instances(tree)
    direct: dict[str, frozenset[str]] = {}  # @deco, @app.register
    factories: dict[str, frozenset[str]] = {}  # @deco(...), @app.route(...)
    for owner, fn in _decorator_candidates(tree):
        key = f"{owner}.{fn.name}" if owner else fn.name
        own = _self_name(fn) if owner else None
        stores = _stores(fn, module_names, owner, own, handed_at=1 if owner else 0)
        if stores:
            direct[key] = stores
        returned = _returned_names(fn)
        for inner in fn.body:
            if isinstance(inner, _FUNCS) and inner.name in returned:
                stores = _stores(inner, module_names, owner, own, handed_at=0)
                if stores:
                    factories[key] = factories.get(key, frozenset()) | stores
    out: dict[str, list[str]] = {}
    for fn in (n for n in tree.body if isinstance(n, _FUNCS)):
        for d in fn.decorator_list:
            table, named = (factories, d.func) if isinstance(d, ast.Call) else (direct, d)
            for name in sorted(table.get(_decorator_key(named, instances) or "", ())):
                out.setdefault(name, []).append(fn.name)
    return Registries({k: tuple(v) for k, v in out.items()}, instances)


def lookup(node: ast.expr) -> str | None:
    """The container a value is taken from: `C[key]`, `C.get(key)` (C a name or an
    attribute of a name, `self.routes`); None otherwise."""
    if isinstance(node, ast.Subscript):
        return _container(node.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _container(node.func.value) if node.func.attr == "get" else None
    return None


def iterated(target: ast.expr, iterable: ast.expr) -> tuple[str, str] | None:
    """(loop name, container) when a loop takes each function of a container:
    `for f in C`, `for f in C.values()`, `for key, f in C.items()`."""
    container = _container(iterable)
    name: ast.expr | None = target
    if (
        container is None
        and isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Attribute)
        and iterable.func.attr in ("values", "items")
    ):
        container = _container(iterable.func.value)
        if iterable.func.attr == "items":
            elts = target.elts if isinstance(target, ast.Tuple) else []
            name = elts[1] if len(elts) == 2 else None
    if container is None or not isinstance(name, ast.Name):
        return None
    return name.id, container


def _container(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _decorator_candidates(tree: ast.Module) -> list[tuple[str, _Func]]:
    """(class name or "", function) for the module's functions and its classes' methods."""
    out: list[tuple[str, _Func]] = []
    for node in tree.body:
        if isinstance(node, _FUNCS):
            out.append(("", node))
        elif isinstance(node, ast.ClassDef):
            out.extend((node.name, m) for m in node.body if isinstance(m, _FUNCS))
    return out


def _decorator_key(d: ast.expr, instances: dict[str, str]) -> str | None:
    if isinstance(d, ast.Name):
        return d.id
    if isinstance(d, ast.Attribute) and isinstance(d.value, ast.Name):
        cls = instances.get(d.value.id)
        return f"{cls}.{d.attr}" if cls else None
    return None


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


def _instances(tree: ast.Module) -> dict[str, str]:
    """Module variables given an instance of a class of the module (`app = Router()`)."""
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    out: dict[str, str] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id in classes
        ):
            out.update((t.id, node.value.func.id) for t in node.targets if isinstance(t, ast.Name))
    return out


def _returned_names(fn: _Func) -> frozenset[str]:
    return frozenset(
        s.value.id for s in fn.body if isinstance(s, ast.Return) and isinstance(s.value, ast.Name)
    )


def _self_name(fn: _Func) -> str | None:
    params = [p.arg for p in [*fn.args.posonlyargs, *fn.args.args]]
    return params[0] if params else None


def _stores(
    fn: _Func, module_names: frozenset[str], owner: str, own: str | None, *, handed_at: int
) -> frozenset[str]:
    """The containers `fn` stores its parameter at `handed_at` in, when it returns that
    parameter itself (a registering decorator): module variables, and attributes of
    `own` (the instance of class `owner` a method is called on); empty otherwise."""
    params = [p.arg for p in [*fn.args.posonlyargs, *fn.args.args]]
    if len(params) <= handed_at or params[handed_at] not in _returned_names(fn):
        return frozenset()
    handed = params[handed_at]
    out: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign) and _is(node.value, handed):
            out.update(
                c
                for t in node.targets
                if isinstance(t, ast.Subscript)
                for c in [_container(t.value)]
                if c
            )
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _ADDERS
            and any(_is(a, handed) for a in node.args)
        ):
            found = _container(node.func.value)
            out.update([found] if found else [])
    kept = {c for c in out if c in module_names}
    if own is not None:
        kept.update(f"{owner}.{c.split('.', 1)[1]}" for c in out if c.startswith(own + "."))
    return frozenset(kept)


def _is(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
