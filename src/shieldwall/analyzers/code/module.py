"""One parsed module: its imports, functions and classes, the function summaries
computed on demand, and the findings reported in it."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from shieldwall.analyzers.code.catalog import (
    PROPERTY_DECORATORS,
    REQUEST_PARAM_NAMES,
    WEB_FRAMEWORKS,
    SinkClass,
)
from shieldwall.analyzers.code.registries import Registries, registered
from shieldwall.analyzers.code.routes import Registration, registered_handlers
from shieldwall.analyzers.code.values import Taint, Val
from shieldwall.model import Rule

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef
_FROM = re.compile(r"^[ \t]*from[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
# nodes without a line number that never hold a call
_LEAVES = (
    ast.expr_context,
    ast.operator,
    ast.boolop,
    ast.unaryop,
    ast.cmpop,
    ast.Constant,
    ast.Name,
)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#;]+)", re.MULTILINE)
# Markers of functions whose body may read a source (so their summary is worth computing).
SOURCE_HINTS = (
    "request",
    "input(",
    "argv",
    "environ",
    "getenv",
    "recv",
    "stdin",
    "random",
    "self.path",
    "self.headers",
    "self.rfile",
)


def bound_names(node: ast.AST) -> tuple[str, ...]:
    """The names one node of a module's tree binds (or declares global)."""
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        return (node.id,)
    if isinstance(node, ast.arg):
        return (node.arg,)
    if isinstance(node, ast.alias):
        return (node.asname or node.name.split(".")[0],)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return (node.name,)
    if isinstance(node, ast.Global | ast.Nonlocal):
        return tuple(node.names)
    if isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
        return (node.name,)
    return ()


@dataclass(frozen=True, slots=True)
class RawFinding:
    """A finding as the walk reports it, before it becomes a `Hit` (picklable: it
    travels back from the worker processes, its rule a frozen dataclass)."""

    rule: Rule
    message: str
    line: int
    end_line: int
    resource: str
    key: str
    # A data-flow finding's source: (file, line), the file relative to the root.
    source: tuple[str, int] | None = None
    # A sink reached inside a function of the project: the calls that lead to it
    # from the line the data entered (file, line each; the last is `line` itself,
    # in `path`). Empty for a sink in the function reported.
    chain: tuple[tuple[str, int], ...] = ()
    path: str = ""  # the file of `line`, when not the file analysed


# Where a sink inside a callee is: the calls leading to it, then the sink; (file, line).
Chain = tuple[tuple[str, int], ...]


@dataclass
class Summary:
    """What a function does with one parameter (or, for ``param=None``, on its own)."""

    returns: bool = False  # the parameter's data reaches the return value
    return_safe: frozenset[str] = frozenset()  # ... made safe for these sink classes
    # (class, line of the sink or of the call reaching it, what, the calls from
    # there to the sink: (file, line) each, the sink last)
    sinks: list[tuple[SinkClass, int, str, Chain]] = field(default_factory=list)
    ret: Val | None = None  # the return value when no parameter is tainted
    # Methods: the attributes of `self` the call leaves set. `writes` (param=None):
    # their values; `param_writes`: those holding the parameter's data, with what it
    # was made safe for on the way.
    writes: dict[str, Val] = field(default_factory=dict)
    param_writes: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass
class FunctionInfo:
    node: FuncNode
    qualname: str  # "f", "Class.method", "outer.<locals>.inner"
    class_name: str | None
    module: Module


# Parameter taint while a summary is computed.
PARAM_SOURCE = "\x00param"


class Module:
    def __init__(
        self,
        rel: str,
        text: str,
        tree: ast.Module,
        name: str,
        resolver: Callable[[str], tuple[Module, str] | None] | None = None,
    ) -> None:
        self.rel = rel
        self.text = text
        self.lines = text.splitlines()
        self.tree = tree
        self.name = name  # dotted module name ("" when unknown)
        self.resolver = resolver
        self.functions: dict[str, FunctionInfo] = {}  # by simple name (first wins)
        self.by_qualname: dict[str, FunctionInfo] = {}
        # earlier definitions of a name defined again (`if fast: def f()... else: def
        # f()...`, a property's getter before its setter): analysed too, and calls
        # of the name join what every definition does
        self.shadowed: dict[str, list[FunctionInfo]] = {}
        # class -> attribute -> the getter that reading the attribute runs
        self.properties: dict[str, dict[str, FunctionInfo]] = {}
        self.classes: dict[str, dict[str, FunctionInfo]] = {}
        self.class_bases: dict[str, list[str]] = {}
        self.imported: set[str] = set()  # top-level package names imported anywhere
        self.findings: list[RawFinding] = []
        # keyed by (function, parameter): an index, "attr:<name>" for one attribute
        # of `self`, or None for the function on its own
        self.summaries: dict[tuple[str, int | str | None], Summary] = {}
        self.in_progress: set[tuple[str, int | str | None]] = set()
        # Recursion: a call of a function whose summary is being computed assumes
        # first that it returns nothing of its parameter (`assumed` records that it
        # did); when the summary then says it does, it is computed again with the
        # call assumed to return it (`pessimistic`).
        self.assumed: set[tuple[str, int | str | None]] = set()
        self.pessimistic: set[tuple[str, int | str | None]] = set()
        self.const_returners: dict[str, bool] = {}  # qualname -> may return a literal
        # annotated fields of classes (pydantic models, dataclasses): name -> annotation
        self.class_fields: dict[str, dict[str, str]] = {}
        self.with_nested: set[str] = set()  # qualnames of functions that define functions
        # nested function -> (its local names, the names it reads from outside)
        self.closure_locals: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        # per function (qualname:line): the names it reads Django request attributes
        # from (`req.GET`), found in one walk of its body
        self.django_request_reads: dict[str, frozenset[str]] = {}
        self._index(tree.body, "", None)
        # Top-level packages imported anywhere in the file (a text scan: much cheaper
        # than walking the tree, and only used to tell which frameworks are in play).
        self.imported.update(m.group(1) for m in _FROM.finditer(text))
        for match in _IMPORT.finditer(text):
            for part in match.group(1).split(","):
                words = part.split()
                if words and words[0].split(".")[0].isidentifier():
                    self.imported.add(words[0].split(".")[0])
        self.web = bool(self.imported & WEB_FRAMEWORKS)
        self._registered: dict[str, Registration] | None = None
        self._request_unbound: bool | None = None
        self._registries: Registries | None = None
        self._registry_funcs: dict[str, tuple[FunctionInfo, ...]] | None = None
        # per function (qualname:line): the wrappers its decorators put in its place
        self.wrappers: dict[str, list[FunctionInfo]] = {}
        # a registry's dispatch where the callees are no longer followed (see
        # `Interprocedural.call_registered`): container and argument taints -> result
        self.dispatched: dict[tuple[object, ...], Val] = {}
        # a registry's dispatch with tainted arguments in a function's own walk: the
        # sinks and returns of its functions, by container and arguments' shape (None:
        # not one every function of which a plain call reaches)
        self.dispatch_plans: dict[tuple[object, ...], object] = {}
        # sinks inside callees reported from this module: (rule, key, sink)
        self.callee_reported: set[tuple[str, str, tuple[str, int]]] = set()
        self._reads_source: dict[tuple[int, int], bool] = {}
        self.env: dict[str, Val] = {}
        self._calls: dict[str, list[ast.Call]] = {}  # by callee simple name

    def passed_params(self, info: FunctionInfo) -> frozenset[str] | None:
        """The parameters of `info` that some call in this module passes explicitly
        (by position or keyword); None when a call splats `*a` / `**kw` (any may be).
        Calls are matched by the function's simple name (`f(...)`, `obj.f(...)`)."""
        a = info.node.args
        positional = [p.arg for p in [*a.posonlyargs, *a.args]]
        if info.class_name is not None and positional[:1] in (["self"], ["cls"]):
            positional = positional[1:]
        out: set[str] = set()
        for call in self._calls_of(info.node.name):
            if any(isinstance(x, ast.Starred) for x in call.args) or any(
                k.arg is None for k in call.keywords
            ):
                return None
            out.update(positional[: len(call.args)])
            out.update(k.arg for k in call.keywords if k.arg is not None)
        return frozenset(out)

    def _calls_of(self, name: str) -> list[ast.Call]:
        """The calls `name(...)` / `x.name(...)` in this module: only the statements
        on lines that mention `name(` are walked."""
        cached = self._calls.get(name)
        if cached is not None:
            return cached
        needle = name + "("
        lines: list[int] = []
        at, line, counted = self.text.find(needle), 1, 0
        while at >= 0:
            line += self.text.count("\n", counted, at)  # counted incrementally
            counted = at
            if self.text[max(0, at - 4) : at] != "def ":  # not a definition
                lines.append(line)
            at = self.text.find(needle, at + len(needle))
        found: list[ast.Call] = []
        stack: list[ast.AST] = [self.tree] if lines else []
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Call):
                f = node.func
                if (
                    f.id
                    if isinstance(f, ast.Name)
                    else f.attr
                    if isinstance(f, ast.Attribute)
                    else None
                ) == name:
                    found.append(node)
            for child in ast.iter_child_nodes(node):
                if isinstance(child, _LEAVES):
                    continue
                lo = getattr(child, "lineno", None)
                hi = getattr(child, "end_lineno", None) or lo
                if lo is None or hi is None or any(lo <= n <= hi for n in lines):
                    stack.append(child)
        self._calls[name] = found
        return found

    def _index(self, body: list[ast.stmt], prefix: str, cls: str | None) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                qual = f"{prefix}{node.name}"
                info = FunctionInfo(node, qual, cls, self)
                earlier = self.by_qualname.get(qual)
                if earlier is not None:
                    self.shadowed.setdefault(qual, []).append(earlier)
                self.by_qualname[qual] = info
                if cls is not None and any(
                    (
                        d.id
                        if isinstance(d, ast.Name)
                        else d.attr
                        if isinstance(d, ast.Attribute)
                        else ""
                    )
                    in PROPERTY_DECORATORS
                    for d in node.decorator_list
                ):
                    self.properties.setdefault(cls, {})[node.name] = info
                if prefix.endswith(".<locals>."):
                    self.with_nested.add(prefix[: -len(".<locals>.")])
                if cls is None:
                    self.functions.setdefault(node.name, info)
                else:
                    self.classes.setdefault(cls, {})[node.name] = info
                self._index(node.body, f"{qual}.<locals>.", None)
            elif isinstance(node, ast.ClassDef):
                self.classes.setdefault(node.name, {})
                self.class_fields[node.name] = {
                    s.target.id: _annotation(s.annotation)
                    for s in node.body
                    if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                }
                self.class_bases[node.name] = [
                    b.id if isinstance(b, ast.Name) else b.attr
                    for b in node.bases
                    if isinstance(b, ast.Name | ast.Attribute)
                ]
                self._index(node.body, f"{prefix}{node.name}.", node.name)
            elif isinstance(node, ast.If | ast.Try | ast.With):
                for sub in ("body", "orelse", "finalbody"):
                    self._index(getattr(node, sub, []) or [], prefix, cls)

    @property
    def registries(self) -> dict[str, tuple[FunctionInfo, ...]]:
        """Container -> the functions a decorator of the module registers in it
        (`registries.registered`); built once."""
        if self._registry_funcs is None:
            self._registry_funcs = {
                name: tuple(self.functions[f] for f in funcs if f in self.functions)
                for name, funcs in self._registry_data().members.items()
            }
        return self._registry_funcs

    def registry_key(self, container: str | None, class_name: str | None) -> str | None:
        """The registry a container's text names (`self.routes` in a method of the
        router class), when the module's decorators fill it."""
        if container is None:
            return None
        data = self._registry_data()
        key = data.key(container, class_name)
        return key if key in data.members else None

    def _registry_data(self) -> Registries:
        if self._registries is None:
            self._registries = registered(self.tree)
        return self._registries

    def method(self, cls: str, name: str, depth: int = 0) -> FunctionInfo | None:
        methods = self.classes.get(cls)
        if methods is None:
            return None
        if name in methods:
            return methods[name]
        if depth < 5:
            for base in self.class_bases.get(cls, ()):
                found = self.method(base, name, depth + 1)
                if found is not None:
                    return found
        return None

    def definitions(self) -> list[FunctionInfo]:
        """Every function and method defined, those defined again included."""
        earlier = [info for infos in self.shadowed.values() for info in infos]
        return [*earlier, *self.by_qualname.values()]

    def property_getter(self, cls: str, name: str, depth: int = 0) -> FunctionInfo | None:
        """The getter reading `obj.name` runs on an instance of `cls` (or a base)."""
        found = self.properties.get(cls, {}).get(name)
        if found is not None or depth >= 5:
            return found
        for base in self.class_bases.get(cls, ()):
            found = self.property_getter(base, name, depth + 1)
            if found is not None:
                return found
        return None

    def may_read_source(self, info: FunctionInfo) -> bool:
        """The function's text names a source (a cheap test, once per function)."""
        start, end = info.node.lineno, info.node.end_lineno or info.node.lineno
        found = self._reads_source.get((start, end))
        if found is None:
            chunk = "\n".join(self.lines[start - 1 : end])
            found = self._reads_source[(start, end)] = any(h in chunk for h in SOURCE_HINTS)
        return found

    def registered(self, name: str) -> Registration | None:
        """How a handler of this name is registered by a call (add_url_rule, a
        router's add_get, Route(...)), None when it is not."""
        if self._registered is None:
            self._registered = registered_handlers(self.tree, self.text) if self.web else {}
        return self._registered.get(name)

    def request_unbound(self) -> bool:
        """The module reads a name `request` it never binds (no import, assignment,
        parameter or definition of it): the request its framework puts among the
        globals (web2py's controllers), or a snippet's."""
        if self._request_unbound is None:
            self._request_unbound = "request" in self.text and not any(
                "request" in bound_names(node) for node in ast.walk(self.tree)
            )
        return self._request_unbound

    def request_param(self, name: str) -> bool:
        return self.web and name in REQUEST_PARAM_NAMES

    def report(
        self,
        rule: Rule,
        message: str,
        line: int,
        end_line: int,
        resource: str,
        key: str,
        source: tuple[str, int] | None = None,
        chain: Chain = (),
    ) -> None:
        if chain:
            # reported at the sink, in the callee; the calls lead there
            path, line = chain[-1]
            end_line = line
            self.findings.append(
                RawFinding(
                    rule,
                    message,
                    line,
                    end_line,
                    resource,
                    key,
                    source,
                    chain,
                    "" if path == self.rel else path,
                )
            )
            return
        self.findings.append(RawFinding(rule, message, line, end_line, resource, key, source))


def _annotation(node: ast.expr) -> str:
    """The last name of an annotation (`int`, `datetime.date` -> `date`), "" if complex."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def param_taint(index: int) -> Taint:
    return Taint(PARAM_SOURCE, index, "input")
