"""Per-function data flow over Python's ast: an abstract interpreter that follows
taint through assignments, strings, containers, branches (constant conditions
decide), loops, calls to summarised functions and guards, and reports sinks."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Iterable
from typing import Any

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code import charsets, patterns
from shieldwall.analyzers.code.module import (
    PARAM_SOURCE,
    FunctionInfo,
    Module,
    Summary,
    param_taint,
)
from shieldwall.analyzers.code.values import (
    ALL_CLASSES,
    CLEAN,
    Taint,
    Val,
    collapse,
    const,
    join,
    join_taint,
    placed,
    union_taint,
)

Env = dict[str, Val]
MAX_DEPTH = 3
MAX_STR = 4096
_BINOPS: dict[type[ast.operator], Any] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Mod: operator.mod,
    ast.FloorDiv: operator.floordiv,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_CMPOPS: dict[type[ast.cmpop], Any] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_STR_METHODS = frozenset(
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
_RESPONSE_BUILDERS = frozenset(
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
    }
)
_HTTP_VERBS = frozenset(
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
_NORETURN = frozenset(
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
_NORETURN_NAMES = frozenset(q.rsplit(".", 1)[-1] for q in _NORETURN)
_RESPONSE = "flask.Response"  # any response object (Flask's, Django's, Starlette's)
_SAFE_ANNOTATIONS = frozenset({"int", "float", "bool", "UUID", "date", "datetime", "Decimal"})
_MUTATORS = frozenset(
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
    }
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


def _const_ok(value: object) -> bool:
    if isinstance(value, str | bytes):
        return len(value) <= MAX_STR
    return isinstance(value, int | float | bool | type(None) | tuple)


class _Exit(Exception):
    pass


class FunctionFlow:
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
        self.static_route = False
        self.seen_keys: dict[str, int] = {}
        self.reported: set[tuple[str, int]] = set()
        self.derived: dict[str, str] = {}  # var -> var it was built from
        self.exits: list[list[Env]] = []  # per enclosing loop: envs at break/continue
        self.global_names: set[str] = set()  # names declared `global` here
        self.tmp_paths: dict[str, str] = {}  # names bound to a string under a shared tmp dir
        self.closures_running: set[str] = set()
        self.scope = info.qualname if info else ""  # where nested definitions live
        self.partial: dict[str, frozenset[str]] = {}  # names a guard checks only in part
        if info is not None:
            self._bind_params(info, tainted_param)

    # -- set-up -----------------------------------------------------------------

    def _bind_params(self, info: FunctionInfo, tainted_param: int | str | None) -> None:
        node = info.node
        self_name = _self_param(info) if info.class_name is not None else None
        if self_name is not None and node.name != "__init__":
            self._seed_fields(info, self_name)
        if isinstance(tainted_param, str):
            # one attribute of `self` holds the data (a summary per attribute)
            for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
                self.env[arg.arg] = CLEAN
            if self_name is not None:
                self.env[f"{self_name}.{tainted_param[len('attr:') :]}"] = Val(param_taint(0))
            return
        routes = [d for d in node.decorator_list if _route_decorator(d)]
        self.route = bool(routes)
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
        params = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        fastapi = "fastapi" in self.m.imported or "starlette" in self.m.imported
        captures = self._django_captures(info, [p.arg for p in params])
        # URL captures are required arguments; those with defaults come from the URLconf
        required = len(node.args.posonlyargs) + len(node.args.args) - len(node.args.defaults)
        for i, arg in enumerate(params):
            if captures <= i < required:
                ann = _annotation_name(arg.annotation)
                self.env[arg.arg] = (
                    CLEAN
                    if ann in _SAFE_ANNOTATIONS
                    else Val(Taint(f"URL parameter `{arg.arg}`", node.lineno))
                )
                continue
            name = arg.arg
            if tainted_param is not None:
                self.env[name] = Val(param_taint(i)) if i == tainted_param else CLEAN
                if i == tainted_param and self.m.request_param(name):
                    self.env[name] = Val(param_taint(i), qual="<request>")
                continue
            if self.m.request_param(name) or (
                self.m.web
                and _annotation_name(arg.annotation) in ("Request", "HttpRequest", "WSGIRequest")
            ):
                self.env[name] = Val(
                    Taint(f"request parameter `{name}`", node.lineno), qual="<request>"
                )
            elif (self.route and i > 0) or (self.route and info.class_name is None):
                if name in ("self", "cls"):
                    continue
                ann = _annotation_name(arg.annotation)
                converter = _route_converter(route_paths, name)
                if ann in _SAFE_ANNOTATIONS or converter in ("int", "float", "uuid"):
                    self.env[name] = CLEAN
                elif fastapi or _route_converter(route_paths, name) is not None:
                    # a request body model of this module: its typed fields are known
                    model = f"<instance>{ann}" if ann in self.m.class_fields else None
                    self.env[name] = Val(
                        Taint(f"route parameter `{name}`", node.lineno), qual=model
                    )
            else:
                self.env[name] = CLEAN
        self._bind_defaults(info)
        # *args and **kwargs take the summary slots after the named parameters
        n = len(params)
        if node.args.vararg:
            self.env[node.args.vararg.arg] = Val(param_taint(n)) if tainted_param == n else CLEAN
        if node.args.kwarg:
            self.env[node.args.kwarg.arg] = (
                Val(param_taint(n + 1)) if tainted_param == n + 1 else CLEAN
            )

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
            is_view = node.name in _HTTP_VERBS and any(
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

    # -- running ----------------------------------------------------------------

    def run(self) -> Val:
        body = self.info.node.body if self.info else self.m.tree.body
        self.block(body)
        return self.ret or CLEAN

    def block(self, stmts: Iterable[ast.stmt]) -> bool:
        """Run statements; True when every path through them leaves the block."""
        return any(self.stmt(stmt) for stmt in stmts)

    def branch(self, stmts: list[ast.stmt], env: Env) -> tuple[Env, bool]:
        saved = self.env
        self.env = env
        ends = self.block(stmts)
        out = self.env
        self.env = saved
        return out, ends

    def stmt(self, node: ast.stmt) -> bool:
        if isinstance(node, ast.Assign):
            value = self.expr(node.value)
            for target in node.targets:
                self.assign(target, value, node)
        elif isinstance(node, ast.AugAssign):
            current = self.expr(node.target)
            value = self.binop(node.op, current, self.expr(node.value))
            self.assign(node.target, value, node)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.assign(node.target, self.expr(node.value), node)
        elif isinstance(node, ast.Expr):
            self.expr(node.value)
            func = node.value.func if isinstance(node.value, ast.Call) else None
            if (
                func is not None
                and (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
                in _NORETURN_NAMES
                and self.qual_of(func) in _NORETURN
            ):
                return True  # abort(400) leaves like a raise
        elif isinstance(node, ast.Return):
            value = self.expr(node.value) if node.value is not None else const(None)
            self.on_return(value, node)
            self.ret = value if self.ret is None else join(self.ret, value)
            return True
        elif isinstance(node, ast.If):
            return self.if_stmt(node)
        elif isinstance(node, ast.Match):
            return self.match_stmt(node)
        elif isinstance(node, ast.For | ast.AsyncFor):
            self.loop(node.body, node.orelse, target=node.target, iterable=node.iter)
        elif isinstance(node, ast.While):
            test = self.expr(node.test)
            if test.known and not test.const:
                self.block(node.orelse)
            else:
                self.loop(node.body, node.orelse)
        elif isinstance(node, ast.Try | ast.TryStar):
            return self.try_stmt(node)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                v = self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, v, node)
            return self.block(node.body)
        elif isinstance(node, ast.Raise):
            if node.exc is not None:
                self.expr(node.exc)
            return True
        elif isinstance(node, ast.Continue | ast.Break):
            if self.exits:
                self.exits[-1].append(self.env)
            return True
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.env[alias.asname] = Val(qual=alias.name)
                else:
                    top = alias.name.split(".")[0]
                    self.env[top] = Val(qual=top)
        elif isinstance(node, ast.ImportFrom):
            base = self._from_base(node)
            for alias in node.names:
                if alias.name == "*":
                    continue
                self.env[alias.asname or alias.name] = Val(
                    qual=f"{base}.{alias.name}" if base else alias.name
                )
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            qual = f"{self.scope}.<locals>.{node.name}" if self.info else node.name
            self.env[node.name] = Val(qual=f"<func>{qual}")
        elif isinstance(node, ast.ClassDef):
            self.env[node.name] = Val(qual=f"<class>{node.name}")
        elif isinstance(node, ast.Global):
            self.global_names.update(node.names)
        elif isinstance(node, ast.Assert):
            if self.summary is None:
                patterns.check_assert(self, node)
            self.expr(node.test)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self.delete(target)
        return False

    def _from_base(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        parts = self.m.name.split(".") if self.m.name else []
        # a module's package is its name minus the last part (packages: __init__ kept)
        pkg = parts if self.m.rel.endswith("__init__.py") else parts[:-1]
        up = node.level - 1
        pkg = pkg[: len(pkg) - up] if up else pkg
        return ".".join([*pkg, *([node.module] if node.module else [])])

    # -- control flow -------------------------------------------------------------

    def if_stmt(self, node: ast.If) -> bool:
        test = self.expr(node.test)
        if test.known:
            return self.block(node.body if test.const else node.orelse)
        env_t = self.refine(node.test, True, dict(self.env))
        env_f = self.refine(node.test, False, dict(self.env))
        out_t, end_t = self.branch(node.body, env_t)
        out_f, end_f = self.branch(node.orelse, env_f)
        if end_t and end_f:
            self.env = _join_envs(out_t, out_f)
            return True
        if end_t:
            self.env = out_f
        elif end_f:
            self.env = out_t
        else:
            self.env = _join_envs(out_t, out_f)
        return False

    def match_stmt(self, node: ast.Match) -> bool:
        subject = self.expr(node.subject)
        outs: list[Env] = []
        all_end = True
        exhaustive = False
        for case in node.cases:
            verdict = self.case_matches(case.pattern, subject) if case.guard is None else None
            if verdict is False:
                continue
            out, ends = self.branch(case.body, dict(self.env))
            if not ends:
                outs.append(out)
                all_end = False
            if verdict is True:
                exhaustive = True
                break
        if not exhaustive:
            outs.append(self.env)
            all_end = False
        if all_end:
            return True
        env = outs[0]
        for other in outs[1:]:
            env = _join_envs(env, other)
        self.env = env
        return False

    def case_matches(self, pattern: ast.pattern, subject: Val) -> bool | None:
        if isinstance(pattern, ast.MatchAs) and pattern.pattern is None:
            if pattern.name:
                self.env[pattern.name] = subject
            return True
        if isinstance(pattern, ast.MatchValue):
            v = self.expr(pattern.value)
            if subject.known and v.known:
                return bool(subject.const == v.const)
            return None
        if isinstance(pattern, ast.MatchSingleton):
            if subject.known:
                return subject.const is pattern.value
            return None
        if isinstance(pattern, ast.MatchOr):
            verdicts = [self.case_matches(p, subject) for p in pattern.patterns]
            if any(v is True for v in verdicts):
                return True
            if all(v is False for v in verdicts):
                return False
            return None
        return None

    def loop(
        self,
        body: list[ast.stmt],
        orelse: list[ast.stmt],
        *,
        target: ast.expr | None = None,
        iterable: ast.expr | None = None,
    ) -> None:
        element = CLEAN
        if iterable is not None:
            it = self.expr(iterable)
            if it.items is not None:
                element = CLEAN
                for v in it.items:
                    element = join(element, v) if element is not CLEAN else v
                element = Val(element.taint, element.consts) if element is not CLEAN else CLEAN
            elif it.keys is not None:
                element = Val(union_taint(list(it.keys.values())))
            else:
                element = Val(it.deep_taint())
        before = self.env
        exits: list[Env] = []
        self.exits.append(exits)
        try:
            for _ in range(2):
                env = dict(self.env)
                if target is not None:
                    self.env = env
                    self.assign(target, element, None)
                    env = self.env
                out, _ends = self.branch(body, env)
                self.env = _join_envs(self.env, out)
                for other in exits:
                    self.env = _join_envs(self.env, other)
        finally:
            self.exits.pop()
        self.env = _join_envs(before, self.env)
        self.block(orelse)

    def try_stmt(self, node: ast.Try | ast.TryStar) -> bool:
        before = dict(self.env)
        ends = self.block(node.body)
        after_body = self.env
        handler_envs: list[Env] = []
        handlers_end = True
        for handler in node.handlers:
            env = _join_envs(before, after_body)
            if handler.name:
                env[handler.name] = CLEAN
            out, h_end = self.branch(handler.body, env)
            if not h_end:
                handler_envs.append(out)
                handlers_end = False
        if not ends:
            out, else_end = self.branch(node.orelse, after_body)
            if not else_end:
                handler_envs.append(out)
            ends = else_end
        env = handler_envs[0] if handler_envs else after_body
        for other in handler_envs[1:]:
            env = _join_envs(env, other)
        self.env = env
        final_end = self.block(node.finalbody)
        return final_end or (ends and handlers_end)

    # -- guards -----------------------------------------------------------------------

    def refine(self, test: ast.expr, truth: bool, env: Env) -> Env:
        """The environment where `test` evaluated to `truth`: validated names made clean."""
        self.partial = {}
        names = self.validated(test, truth)
        partial, self.partial = self.partial, {}
        for name in names:
            for n in self._with_origins(name):
                if n in env and env[n].deep_taint() is not None:
                    v = env[n]
                    if name in partial:
                        # a prefix/suffix check pins where the value points, not what
                        # else it holds
                        t = v.deep_taint()
                        assert t is not None
                        env[n] = Val(
                            t.sanitised(partial[name]), v.consts, None, None, v.qual, v.flags
                        )
                    else:
                        env[n] = Val(None, v.consts, None, None, v.qual, v.flags)
        return env

    def _with_origins(self, name: str) -> list[str]:
        out = [name]
        seen = {name}
        while name in self.derived and self.derived[name] not in seen:
            name = self.derived[name]
            seen.add(name)
            out.append(name)
        return out

    def validated(self, test: ast.expr, truth: bool) -> set[str]:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self.validated(test.operand, not truth)
        if isinstance(test, ast.BoolOp):
            if isinstance(test.op, ast.And) == truth:
                out: set[str] = set()
                full: set[str] = set()  # checked in full by some operand
                outer = self.partial
                for v in test.values:
                    self.partial = {}
                    got = self.validated(v, truth)
                    for n in got:
                        if n in self.partial:
                            outer[n] = outer.get(n, frozenset()) | self.partial[n]
                        else:
                            full.add(n)
                    out |= got
                self.partial = outer
                for n in full:
                    self.partial.pop(n, None)
                return out
            return set()
        if isinstance(test, ast.Attribute) and not truth and test.attr in _HOST_PARTS:
            # `if parts.netloc: abort()` after `parts = urlparse(url)`: past it the
            # URL names no host (a local path), whatever else it holds
            name = _root_name(test.value)
            if name:
                self.partial[name] = frozenset({"redirect", "ssrf"})
                return {name}
            return set()
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            op, left, right = test.ops[0], test.left, test.comparators[0]
            if isinstance(op, ast.In | ast.NotIn):
                positive = isinstance(op, ast.In) == truth
                lname = _root_name(left)
                if positive and lname and self._is_collection(right):
                    return {lname}
                rname = _root_name(right)
                if not positive and rname and self.expr(left).known:
                    return {rname}  # `'../' not in x` holds: x lacks the bad part
                return set()
            if isinstance(op, ast.Eq | ast.NotEq | ast.Is):
                positive = isinstance(op, ast.Eq | ast.Is) == truth
                if positive:
                    contained = _containment_check(left) or _containment_check(right)
                    if contained:
                        return contained  # commonpath([p, base]) == base: p is inside
                    for a, b in ((left, right), (right, left)):
                        name = _root_name(a)
                        if name and self.expr(b).known:
                            return {name}
            return set()
        if isinstance(test, ast.Call) and truth:
            func = test.func
            qual = self.qual_of(func)
            if isinstance(func, ast.Attribute) and func.attr in ("fullmatch", "match"):
                # a regex: re.fullmatch(pattern, x) or compiled.fullmatch(x) checks x
                subject = (
                    test.args[1 if qual in ("re.fullmatch", "re.match") else 0]
                    if len(test.args) > (1 if qual in ("re.fullmatch", "re.match") else 0)
                    else None
                )
                name = _root_name(subject) if subject is not None else None
                pattern = (
                    self.expr(test.args[0])
                    if qual in ("re.fullmatch", "re.match") and test.args
                    else None
                )
                if (
                    pattern is not None
                    and pattern.known
                    and func.attr == "match"
                    and not str(pattern.const).endswith(("$", "\\Z"))
                ):
                    return set()  # re.match checks a prefix only
                return {name} if name else set()
            if isinstance(func, ast.Attribute) and func.attr in cat.VALIDATING_METHODS:
                name = _root_name(func.value)
                if name and func.attr in cat.AFFIX_CHECKS:
                    self.partial[name] = cat.AFFIX_CHECKS[func.attr]
                return {name} if name else set()
            last = (qual or "").rsplit(".", 1)[-1]
            if qual in cat.VALIDATING_FUNCS or last in cat.VALIDATING_FUNCS:
                out = set()
                for a in test.args[:2]:
                    name = _root_name(a)
                    if name:
                        out.add(name)
                return out
        return set()

    def _is_collection(self, node: ast.expr) -> bool:
        if isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict):
            return True
        v = self.expr(node)
        if v.deep_taint() is not None:
            return False
        return (
            v.items is not None
            or v.keys is not None
            or not v.known
            or isinstance(v.const, tuple | frozenset)
        )

    # -- assignment ---------------------------------------------------------------------

    def assign(self, target: ast.expr, value: Val, node: ast.stmt | None) -> None:
        if isinstance(target, ast.Name):
            self.env[target.id] = value
            if target.id in self.global_names and self.summary is None:
                # a module variable set here is seen by every function that reads it
                old = self.globals.get(target.id)
                self.globals[target.id] = value if old is None else join(old, value)
            if (
                self.summary is None
                and isinstance(node, ast.Assign)
                and isinstance(node.value, ast.JoinedStr | ast.BinOp)
            ):
                prefix = patterns.str_prefix(self, node.value)
                if prefix.startswith(patterns.SHARED_TMP):
                    self.tmp_paths[target.id] = prefix
                else:
                    self.tmp_paths.pop(target.id, None)
            if node is not None:
                self._note_derivation(target.id, node)
                patterns.check_secret_store(self, target.id, value, node)
        elif isinstance(target, ast.Attribute):
            path = dotted(target)
            if path:
                self.env[path] = value
            base = self.expr(target.value)
            if node is not None and self.summary is None:
                patterns.check_attr_store(self, target, base, value, node)
            if node is not None:
                patterns.check_secret_store(self, target.attr, value, node)
        elif isinstance(target, ast.Subscript):
            self.store_item(target, value, node)
        elif isinstance(target, ast.Tuple | ast.List):
            n = len(target.elts)
            if (
                value.items is not None
                and len(value.items) == n
                and not any(isinstance(e, ast.Starred) for e in target.elts)
            ):
                for elt, v in zip(target.elts, value.items, strict=True):
                    self.assign(elt, v, node)
            else:
                part = Val(value.deep_taint())
                for elt in target.elts:
                    self.assign(elt.value if isinstance(elt, ast.Starred) else elt, part, node)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, collapse(value), node)

    def delete(self, target: ast.expr) -> None:
        """`del l[0]`, `del d["k"]`: the element leaves a container whose shape is known."""
        if isinstance(target, ast.Name):
            self.env.pop(target.id, None)
            return
        if not isinstance(target, ast.Subscript) or isinstance(target.slice, ast.Slice):
            return
        path = dotted(target.value)
        if path is None:
            return
        base = self.expr(target.value)
        key = self.expr(target.slice)
        if not key.known:
            return
        if base.keys is not None:
            keys = dict(base.keys)
            keys.pop(key.const, None)
            self.env[path] = Val(base.taint, None, None, keys, base.qual, base.flags)
        elif (
            base.items is not None
            and isinstance(key.const, int)
            and -len(base.items) <= key.const < len(base.items)
        ):
            items = list(base.items)
            del items[key.const]
            self.env[path] = Val(base.taint, None, tuple(items), None, base.qual, base.flags)

    def _note_derivation(self, name: str, node: ast.stmt) -> None:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        src = _derived_from(value) if value is not None else None
        if src and src != name:
            self.derived[name] = src
        else:
            self.derived.pop(name, None)

    def store_item(self, target: ast.Subscript, value: Val, node: ast.stmt | None) -> None:
        base_path = dotted(target.value)
        base = self.expr(target.value)
        key = self.expr(target.slice) if not isinstance(target.slice, ast.Slice) else CLEAN
        if node is not None:
            self.sink_store(target, base, key, value, node)
            if self.summary is None and key.known and (base_path or "").endswith("config"):
                patterns.config_setting(self, str(key.const), value, node)
        if base_path is None:
            return
        if base.keys is not None and key.known:
            keys = dict(base.keys)
            keys[key.const] = value
            self.env[base_path] = Val(base.taint, None, None, keys, base.qual, base.flags)
        elif (
            base.items is not None
            and key.known
            and isinstance(key.const, int)
            and -len(base.items) <= key.const < len(base.items)
        ):
            items = list(base.items)
            items[key.const] = value
            self.env[base_path] = Val(base.taint, None, tuple(items), None, base.qual, base.flags)
        else:
            t = join_taint(base.deep_taint(), value.deep_taint())
            self.env[base_path] = Val(t, None, None, None, base.qual, base.flags)

    def sink_store(
        self, target: ast.Subscript, base: Val, key: Val, value: Val, node: ast.stmt
    ) -> None:
        path = dotted(target.value) or ""
        last = path.rsplit(".", 1)[-1].lower()
        if _is_session(target.value, base):
            t = value.deep_taint() or key.deep_taint()
            self.sink("trust", t, node, "the session")
        if "session" in last or "cookie" in last or "token" in last:
            self.sink("weakrand", value.deep_taint(), node, f"`{path}[...]`")
        if last == "headers" or base.qual == _RESPONSE:
            # resp.headers[k] = v, and Django's response[k] = v
            self.header_sink(key, value, node)

    def header_sink(self, key: Val, value: Val, node: ast.AST) -> None:
        """A response header set to `value`; `Location` is a redirect as well."""
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

    # -- reporting ----------------------------------------------------------------------

    def sink(self, cls: str, taint: Taint | None, node: ast.AST, what: str) -> bool:
        if taint is None or not taint.dangerous_for(cls):
            return False
        if cls not in cat.KIND_REACHES.get(taint.kind, frozenset()):
            return False
        line = getattr(node, "lineno", 0)
        if self.summary is not None:
            if taint.source == PARAM_SOURCE:
                self.summary.sinks.append((cls, line, what))
            return True
        if taint.source == PARAM_SOURCE:
            return False
        from shieldwall.analyzers.code.rules import TAINT_RULES

        rule = TAINT_RULES[cls]
        where = f"line {taint.line}" if taint.line else "here"
        message = f"{taint.source} ({where}) reaches {what}"
        self.report(
            rule.id,
            message,
            node,
            f"{cls}|{what}|{taint.source}",
            (taint.path or self.m.rel, taint.line),
        )
        return True

    def report(
        self,
        rule_id: str,
        message: str,
        node: ast.AST,
        key: str,
        source: tuple[str, int] | None = None,
    ) -> None:
        if self.summary is not None:
            return
        base = f"{self.resource}|{key}"
        line = getattr(node, "lineno", 0)
        if (base, line) in self.reported:
            return  # the same sink seen again (loops are walked twice)
        self.reported.add((base, line))
        n = self.seen_keys.get(base, 0)
        self.seen_keys[base] = n + 1
        end = getattr(node, "end_lineno", None) or line
        self.m.report(
            rule_id,
            message,
            line,
            min(end, line + 5),
            self.resource,
            base if n == 0 else f"{base}|{n}",
            source,
        )

    def on_return(self, value: Val, node: ast.Return) -> None:
        t = _weak_taint(value)
        if (
            t is not None
            and self.info is not None
            and any(w in self.info.qualname.lower() for w in cat.SECRET_WORDS)
        ):
            self.sink("weakrand", t, node, f"the value `{self.info.qualname}` returns")
        if not (self.route and "flask" in self.m.imported) or value.qual:
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
        elif value.keys is not None:
            return  # a dict becomes JSON
        self.sink("xss", body.deep_taint(), node, "the HTML response of a Flask view")

    # -- expressions ----------------------------------------------------------------------

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

    def expr(self, node: ast.expr) -> Val:
        if isinstance(node, ast.Constant):
            return const(node.value) if _const_ok(node.value) else CLEAN
        if isinstance(node, ast.Name):
            found = self.env.get(node.id) or self.globals.get(node.id)
            if found is not None:
                return found
            return Val(qual=node.id)  # a builtin or a global we did not see bound
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.BinOp):
            return self.binop(node.op, self.expr(node.left), self.expr(node.right))
        if isinstance(node, ast.JoinedStr):
            parts = [self.expr(v) for v in node.values]
            t = union_taint(parts)
            if all(p.known for p in parts):
                text = "".join(str(p.const) for p in parts)
                if len(text) <= MAX_STR:
                    return Val(t, frozenset((text,)))
            head = ""
            for p in parts:
                if not p.known:
                    head += p.str_prefix
                    break
                head += str(p.const)
            return Val(t, prefix=head or None)
        if isinstance(node, ast.FormattedValue):
            v = self.expr(node.value)
            if node.format_spec is not None:
                self.expr(node.format_spec)
                return Val(v.deep_taint())
            if v.known and node.conversion in (-1, 115):
                return Val(v.taint, frozenset((str(v.const),)))
            return Val(v.deep_taint())
        if isinstance(node, ast.BoolOp):
            return self.boolop(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.UnaryOp):
            v = self.expr(node.operand)
            if v.known:
                try:
                    if isinstance(node.op, ast.Not):
                        return const(not v.const)
                    if isinstance(node.op, ast.USub):
                        return const(-v.const)  # type: ignore[operator]
                except TypeError:
                    return CLEAN
            return CLEAN if isinstance(node.op, ast.Not) else Val(v.taint)
        if isinstance(node, ast.IfExp):
            test = self.expr(node.test)
            if test.known:
                return self.expr(node.body if test.const else node.orelse)
            return join(
                self.guarded_expr(node.test, True, node.body),
                self.guarded_expr(node.test, False, node.orelse),
            )
        if isinstance(node, ast.List | ast.Tuple):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                # ["git", *args]: the elements before the first splat stay known
                # (a program name); each splat stands for its elements as one item
                spread: list[Val] = []
                for e in node.elts:
                    if isinstance(e, ast.Starred):
                        inner = self.expr(e.value)
                        spread.extend(inner.items if inner.items is not None else [collapse(inner)])
                    else:
                        spread.append(self.expr(e))
                return Val(items=tuple(spread))
            items = tuple(self.expr(e) for e in node.elts)
            if isinstance(node, ast.Tuple) and all(i.known for i in items):
                return Val(None, frozenset((tuple(i.const for i in items),)), items)
            return Val(items=items)
        if isinstance(node, ast.Set):
            vals = [self.expr(e) for e in node.elts]
            if vals and all(v.known for v in vals):
                return Val(None, frozenset((frozenset(v.const for v in vals),)))
            return Val(union_taint(vals))
        if isinstance(node, ast.Dict):
            keys: dict[object, Val] = {}
            rest: list[Val] = []
            for k, vnode in zip(node.keys, node.values, strict=True):
                val = self.expr(vnode)
                kv = self.expr(k) if k is not None else None
                if kv is not None and kv.known:
                    keys[kv.const] = val
                else:
                    rest.append(val)
                    if kv is not None:
                        rest.append(kv)
            if rest:
                return Val(union_taint([*rest, *keys.values()]))
            return Val(keys=keys)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            return self.comprehension(node)
        if isinstance(node, ast.Lambda):
            return self.lambda_expr(node)
        if isinstance(node, ast.Await):
            return self.expr(node.value)
        if isinstance(node, ast.NamedExpr):
            v = self.expr(node.value)
            self.assign(node.target, v, None)
            return v
        if isinstance(node, ast.Starred):
            return collapse(self.expr(node.value))
        if isinstance(node, ast.Yield | ast.YieldFrom):
            if node.value is not None:
                v = self.expr(node.value)
                if not self.route:
                    # what a generator yields is what iterating over its result gives
                    self.ret = v if self.ret is None else join(self.ret, v)
            return CLEAN
        if isinstance(node, ast.Slice):
            for part in (node.lower, node.upper, node.step):
                if part is not None:
                    self.expr(part)
            return CLEAN
        return CLEAN

    def lambda_expr(self, node: ast.Lambda) -> Val:
        """A lambda's body checked where it is written: the values it closes over are
        those of the enclosing scope, its own parameters are clean."""
        saved = self.env
        self.env = dict(saved)
        a = node.args
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
            if arg is not None:
                self.env[arg.arg] = CLEAN
        try:
            body = self.expr(node.body)
        finally:
            self.env = saved
        return Val(body.deep_taint(), flags=frozenset({_CALLABLE}))

    def guarded_expr(self, test: ast.expr, truth: bool, node: ast.expr) -> Val:
        """`node` evaluated where `test` is `truth` (an arm of `a if test else b`)."""
        if not self.validated(test, truth):
            return self.expr(node)
        saved = self.env
        self.env = self.refine(test, truth, dict(saved))
        try:
            return self.expr(node)
        finally:
            self.env = saved

    def comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> Val:
        saved = self.env
        self.env = dict(saved)
        try:
            for gen in node.generators:
                it = self.expr(gen.iter)
                element = Val(it.deep_taint())
                self.assign(gen.target, element, None)
                for cond in gen.ifs:
                    self.expr(cond)
            if isinstance(node, ast.DictComp):
                t = join_taint(self.expr(node.key).deep_taint(), self.expr(node.value).deep_taint())
            else:
                t = self.expr(node.elt).deep_taint()
        finally:
            self.env = saved
        return Val(t)

    def attribute(self, node: ast.Attribute) -> Val:
        path = dotted(node)
        if path is not None:
            found = self.env.get(path) or self.globals.get(path)
            if found is not None:
                return found
        base = self.expr(node.value)
        attr = node.attr
        if base.qual == "<request>" or base.qual in cat.REQUEST_OBJECTS:
            if attr in cat.REQUEST_SAFE_ATTRS:
                return CLEAN
            if attr == "path" and self.static_route:
                return CLEAN
            t = base.taint or Taint(f"request.{attr}", node.lineno)
            return Val(
                t
                if base.taint is None
                else Taint(
                    f"request.{attr}" if base.taint.source != PARAM_SOURCE else PARAM_SOURCE,
                    base.taint.line if base.taint.source == PARAM_SOURCE else node.lineno,
                    base.taint.kind,
                    base.taint.safe_for,
                ),
                qual=None,
            )
        if (
            path is not None
            and path.endswith(".request")
            and path.startswith("self.")
            and self.m.web
        ):
            return Val(base.taint or Taint("self.request", node.lineno), qual="<request>")
        if (
            path in ("self.kwargs", "self.args")
            and self._django_view_method()
            and path not in self.env
        ):
            return Val(base.taint or Taint(f"URL captures `{path}`", node.lineno))
        if (base.qual or "").startswith("<instance>") and base.deep_taint() is not None:
            fields = self.m.class_fields.get((base.qual or "")[len("<instance>") :], {})
            if fields.get(attr) in _SAFE_ANNOTATIONS:
                return CLEAN  # a field declared `n: int` on a validated model
        if base.keys is not None and (base.qual or "").startswith("<instance>"):
            return base.keys.get(attr, Val(base.taint))  # a field set by __init__
        if base.qual and not base.qual.startswith("<"):
            qual = f"{base.qual}.{attr}"
            if qual in cat.REQUEST_OBJECTS:
                return Val(None, qual=qual)
            if qual in cat.SOURCE_ATTRS:
                label, kind = cat.SOURCE_ATTRS[qual]
                return Val(Taint(label, node.lineno, kind), qual=qual)
            return Val(base.taint, qual=qual)
        return Val(base.deep_taint())

    def subscript(self, node: ast.Subscript) -> Val:
        base = self.expr(node.value)
        if isinstance(node.slice, ast.Slice):
            lo = self.expr(node.slice.lower) if node.slice.lower else const(None)
            hi = self.expr(node.slice.upper) if node.slice.upper else const(None)
            if node.slice.step is None and lo.known and hi.known:
                a, b = lo.const, hi.const
                if (a is None or isinstance(a, int)) and (b is None or isinstance(b, int)):
                    s = slice(a, b)
                    if base.known and isinstance(base.const, str | bytes | tuple):
                        return const(base.const[s])
                    head = base.str_prefix
                    if head and (a is None or a >= 0) and b is not None and 0 <= b <= len(head):
                        return const(head[s])  # a slice of the constant start
                    if base.items is not None:
                        return Val(base.taint, None, base.items[s])
                    if (a is None or a >= 0) and b is not None and 0 <= b <= (a or 0):
                        return CLEAN  # x[:0], x[5:2]: empty whatever x holds
            return Val(base.deep_taint(), qual=base.qual if base.qual == "sys.argv" else None)
        key = self.expr(node.slice)
        if base.keys is not None:
            if key.known:
                return base.keys.get(key.const, Val(base.taint))
            return Val(union_taint([base, *base.keys.values()]))
        if base.items is not None and key.known and isinstance(key.const, int):
            if -len(base.items) <= key.const < len(base.items):
                return base.items[key.const]
            return Val(base.taint)
        if base.known and key.known:
            try:
                got = base.const[key.const]  # type: ignore[index]
            except (TypeError, IndexError, KeyError):
                return CLEAN
            return const(got) if _const_ok(got) else CLEAN
        return Val(base.deep_taint())

    def binop(self, op: ast.operator, left: Val, right: Val) -> Val:
        t = join_taint(left.deep_taint(), right.deep_taint())
        if left.known and right.known and t is None:
            fn = _BINOPS.get(type(op))
            if fn is not None:
                try:
                    if isinstance(op, ast.Pow) and abs(right.const) > 64:  # type: ignore[arg-type]
                        return CLEAN
                    result = fn(left.const, right.const)
                except Exception:  # constant folding of anything the program may hold
                    return CLEAN
                return const(result) if _const_ok(result) else CLEAN
        if isinstance(op, ast.Add) and left.items is not None and right.items is not None:
            return Val(None, None, left.items + right.items)
        if isinstance(op, ast.Div) and left.qual == "pathlib.Path":
            return Val(t, qual="pathlib.Path")
        if (
            isinstance(op, ast.Mod)
            and left.known
            and isinstance(left.const, str)
            and right.known
            and t is None
        ):
            return CLEAN
        if t is not None:
            if isinstance(op, ast.Add) and left.known and isinstance(left.const, str):
                return Val(t, prefix=left.const + right.str_prefix)
            if isinstance(op, ast.Add) and left.prefix:
                return Val(t, prefix=left.prefix)
            if (
                isinstance(op, ast.Mod)
                and left.known
                and isinstance(left.const, str)
                and "%" in left.const
            ):
                return Val(t, prefix=left.const.split("%", 1)[0] or None)
        return Val(t)

    def boolop(self, node: ast.BoolOp) -> Val:
        vals = [self.expr(v) for v in node.values]
        is_and = isinstance(node.op, ast.And)
        if all(v.known for v in vals):
            result = vals[0].const
            for v in vals[1:]:
                result = (result and v.const) if is_and else (result or v.const)
            return const(result) if _const_ok(result) else CLEAN
        for v in vals:  # short-circuit on a known operand, up to the first unknown one
            if not v.known:
                break
            if bool(v.const) != is_and:
                return v
        out = vals[0]
        for v in vals[1:]:
            out = join(out, v)
        return out

    def compare(self, node: ast.Compare) -> Val:
        left = self.expr(node.left)
        rights = [self.expr(c) for c in node.comparators]
        if left.known and all(r.known for r in rights):
            a = left.const
            for op, r in zip(node.ops, rights, strict=True):
                fn = _CMPOPS.get(type(op))
                try:
                    ok = fn(a, r.const) if fn else None
                except Exception:  # comparing constants the program holds
                    return CLEAN
                if ok is None:
                    return CLEAN
                if not ok:
                    return const(False)
                a = r.const
            return const(True)
        return CLEAN

    # -- calls -----------------------------------------------------------------------------

    def call(self, node: ast.Call) -> Val:
        func = node.func
        receiver: Val | None = None
        method: str | None = None
        if isinstance(func, ast.Attribute):
            receiver = self.expr(func.value)
            method = func.attr
            fval = None
            qual = (
                f"{receiver.qual}.{method}"
                if receiver.qual and not receiver.qual.startswith("<")
                else None
            )
        else:
            fval = self.expr(func)
            qual = fval.qual
        args = [_as_argument(self.expr(a), a) for a in node.args]
        kwargs: dict[str, Val] = {}
        for kw in node.keywords:
            v = _as_argument(self.expr(kw.value), kw.value)
            if kw.arg is None:
                if v.keys is not None and all(isinstance(k, str) for k in v.keys):
                    # f(**{"secure": True}): the keywords are known one by one
                    kwargs.update((str(k), kv) for k, kv in v.keys.items())
                else:
                    args.append(collapse(v))
            else:
                kwargs[kw.arg] = v
        self.run_callbacks(node, args, kwargs)
        if qual and qual.startswith("<func>"):
            qual_name = qual[len("<func>") :]
            info = self.m.by_qualname.get(qual_name)
            if info is not None:
                if (
                    ".<locals>." in qual_name
                    and self.info is not None
                    and qual_name.startswith(self.scope + ".<locals>.")
                ):
                    ran = self.run_closure(info, args)
                    if ran is not None:
                        return ran
                return self.call_summary(info, node, args, kwargs, None)
        if (
            fval is not None
            and fval.qual is None
            and fval.deep_taint() is not None
            and (isinstance(func, ast.Call) or _CALLABLE in fval.flags)
        ):
            # calling a lambda over tainted data, or what a factory returned (make(x)())
            return Val(join_taint(fval.deep_taint(), union_taint([*args, *kwargs.values()])))
        if self.summary is None:
            patterns.check_call(self, node, qual, method, receiver, args, kwargs)
        self.check_sinks(node, qual, method, receiver, args, kwargs)
        return self.call_result(node, qual, method, receiver, args, kwargs)

    def run_callbacks(self, node: ast.Call, args: list[Val], kwargs: dict[str, Val]) -> None:
        """A function defined in this one handed to a call (`Thread(target=worker)`,
        `executor.submit(worker, x)`) runs: its effects on the enclosing variables
        are applied here, as if it ran at this point."""
        if (
            self.info is None
            or self.info.qualname not in self.m.with_nested
            or not any((v.qual or "").startswith("<func>") for v in (*args, *kwargs.values()))
        ):
            return
        prefix = self.info.qualname + ".<locals>."
        passed = [(a, v) for a, v in zip(node.args, args, strict=False)] + [
            (kw.value, kwargs[kw.arg]) for kw in node.keywords if kw.arg in kwargs
        ]
        for i, (anode, v) in enumerate(passed):
            if not isinstance(anode, ast.Name) or not (v.qual or "").startswith("<func>"):
                continue
            qual_name = (v.qual or "")[len("<func>") :]
            info = self.m.by_qualname.get(qual_name)
            if info is None or not qual_name.startswith(prefix):
                continue
            extra = kwargs.get("args")
            cb_args = (
                list(extra.items)
                if extra is not None and extra.items is not None
                else [a for j, a in enumerate(args) if j > i]
                if i < len(node.args)
                else []
            )
            self.run_closure(info, cb_args)

    def run_closure(self, info: FunctionInfo, args: list[Val]) -> Val | None:
        """Run a nested function's body in the enclosing environment (it reads the
        variables it closes over); its own locals are dropped afterwards, what it
        stored into enclosing containers and attributes stays. None when it closes
        over nothing tainted and gets nothing tainted (its summary is as good)."""
        key = info.qualname
        if key in self.closures_running or self.depth >= MAX_DEPTH:
            return CLEAN
        if not any(v.deep_taint() is not None for v in args) and not any(
            v.deep_taint() is not None for v in self.env.values()
        ):
            return None  # nothing tainted in reach: the summary says as much
        node = info.node
        a = node.args
        params = [p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]]
        scopes = self.m.closure_locals.get(key)
        if scopes is None:
            declared: set[str] = set()
            names: set[str] = set(params)
            loads: set[str] = set()
            for sub in ast.walk(node):
                if isinstance(sub, ast.Nonlocal | ast.Global):
                    declared.update(sub.names)
                elif isinstance(sub, ast.Name):
                    (names if isinstance(sub.ctx, ast.Store) else loads).add(sub.id)
            local_names = frozenset(names - declared)
            scopes = self.m.closure_locals[key] = (
                local_names,
                frozenset((loads | declared) - local_names),
            )
        local, free = scopes
        if not any(v.deep_taint() is not None for v in args) and not any(
            (v := self.env.get(n)) is not None and v.deep_taint() is not None for n in free
        ):
            return None
        saved_env, saved_ret, saved_route = self.env, self.ret, self.route
        saved_scope = self.scope
        env = dict(self.env)
        for i, p in enumerate(params):
            env[p] = args[i] if i < len(args) else CLEAN
        self.env, self.ret, self.route, self.scope = env, None, False, info.qualname
        self.closures_running.add(key)
        try:
            self.block(node.body)
            ret = self.ret or const(None)
            out = self.env
        finally:
            self.closures_running.discard(key)
            self.env, self.ret, self.route = saved_env, saved_ret, saved_route
            self.scope = saved_scope
        for k, v in out.items():
            if k.split(".", 1)[0] not in local and saved_env.get(k) is not v:
                self.env[k] = v
        return ret

    def call_handed_function(
        self, node: ast.Call, name: str, method: str | None, args: list[Val]
    ) -> Val | None:
        """`executor.submit(f, x)`, `map(f, xs)`, `pool.apply_async(f, (x,))`: the
        result holds what `f` returns for those arguments."""
        last = method or name
        if last not in _HANDING_CALLS or not args:
            return None
        at = 1 if last == "run_in_executor" else 0
        if at >= len(args) or not (args[at].qual or "").startswith("<func>"):
            return None
        info = self.m.by_qualname.get((args[at].qual or "")[len("<func>") :])
        if info is None:
            return None
        rest = args[at + 1 :]
        if not rest:
            return None  # series.map(f): the data is the receiver's
        if last in ("map", "imap", "imap_unordered"):
            rest = [Val(v.deep_taint()) for v in rest]  # one element of each iterable
        elif last in ("apply", "apply_async") and rest and rest[0].items is not None:
            rest = list(rest[0].items)
        elif last == "starmap" and rest:
            rest = [Val(rest[0].deep_taint())]
        if info.qualname.startswith(self.scope + ".<locals>."):
            ran = self.run_closure(info, rest)
            if ran is not None:
                return Val(ran.deep_taint())
        return self.call_summary(info, node, rest, {}, None)

    def check_sinks(
        self,
        node: ast.Call,
        qual: str | None,
        method: str | None,
        receiver: Val | None,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> None:
        name = qual or ""
        if (
            "headers" in kwargs
            and name.rsplit(".", 1)[-1].endswith("Response")
            and name.split(".", 1)[0] in cat.WEB_RESPONSE_MODULES
        ):
            self.header_dict_sink(kwargs["headers"], node)  # Response(..., headers={...})
        spec = cat.SINK_CALLS.get(name)
        if spec is not None:
            if (
                spec.cls == "xss"
                and name.endswith("make_response")
                and args
                and args[0].items is not None
            ):
                args = [args[0].items[0]] if args[0].items else []
            if spec.cls == "xss" and _not_html(kwargs):
                return
            shown = "XPathEvaluator()(...)" if name == "<xpatheval>" else name
            if name.startswith(("os.exec", "os.spawn")) and self._shell_program(
                spec, node, name, args
            ):
                return
            self._check_args(spec, node, shown, args, kwargs)
            return
        if name in cat.SUBPROCESS_FUNCS:
            self._check_subprocess(node, name, args, kwargs)
            return
        if name in ("yaml.load", "yaml.load_all"):
            loader = kwargs.get("Loader") or (args[1] if len(args) > 1 else None)
            lq = (loader.qual or "") if loader else ""
            if not loader or lq.rsplit(".", 1)[-1] not in cat.YAML_SAFE_LOADERS:
                data = args[0] if args else kwargs.get("stream")
                if data is not None:
                    self.sink("deser", data.deep_taint(), node, f"`{name}`")
            return
        if name in cat.XML_PARSE_FUNCS:
            parser = args[1] if len(args) > 1 else kwargs.get("parser")
            if parser is not None and "xxe" in parser.flags and args:
                self.sink("xxe", args[0].deep_taint(), node, f"`{name}` with external entities")
            return
        if name in cat.LXML_PARSE_FUNCS:
            parser = args[1] if len(args) > 1 else kwargs.get("parser")
            if args and (parser is None or "safe" not in parser.flags):
                self.sink("xxe", args[0].deep_taint(), node, f"`{name}`")
            return
        if method is None or receiver is None:
            return
        if receiver.qual == "pathlib.Path" and method in cat.PATH_METHODS:
            self.sink("path", receiver.deep_taint(), node, f"`Path.{method}`")
            return
        if (
            receiver.qual == "<parser>"
            and "xxe" in receiver.flags
            and method in ("parse", "feed")
            and args
        ):
            self.sink("xxe", args[0].deep_taint(), node, f"`{method}` with external entities")
        mspec = cat.SINK_METHODS.get(method)
        if mspec is not None:
            if method in ("search_s", "search_st", "search_ext", "search_ext_s") and not (
                {"ldap", "ldap3"} & self.m.imported
            ):
                return
            if method == "from_string" and "jinja2" not in self.m.imported:
                return
            self._check_args(mspec, node, f".{method}()", args, kwargs)
            return
        if (
            method in cat.ETREE_FIND_METHODS
            and args
            and receiver.qual != "re"
            and {"xml", "lxml", "defusedxml"} & self.m.imported
            and _xpathish(node.args[0])
        ):
            self.sink("xpath", args[0].deep_taint(), node, f"ElementTree `{method}()`")
            return
        if (
            method == "search"
            and {"ldap3", "ldap"} & self.m.imported
            and (receiver.qual or "") != "re"
            and (len(args) >= 2 or {"search_filter", "filterstr"} & kwargs.keys())
        ):
            # python-ldap: search(base, scope, filterstr); ldap3: search(base, filter)
            at = 2 if len(args) >= 3 and (args[1].qual or "").startswith("ldap.SCOPE") else 1
            self._check_args(
                cat.Sink("ldap", (at,), ("search_filter", "filterstr")),
                node,
                "an LDAP search filter",
                args,
                kwargs,
            )
        elif method == "extra":
            for kw in cat.DJANGO_EXTRA_KWARGS:
                if kw in kwargs:
                    self.sink("sql", kwargs[kw].deep_taint(), node, "`QuerySet.extra()`")
        elif method in cat.LOG_METHODS and (
            receiver.qual in ("logging", _LOGGER) or _looks_like_logger(node.func)
        ):
            # the message and the %-arguments logging interpolates into it
            msg_args = args[1:] if method == "log" else args
            if msg_args:
                self.sink("log", union_taint(msg_args), node, "a log message")
        elif (
            method == "save"
            and args
            and receiver.deep_taint() is not None
            and receiver.qual is None
        ):
            # an uploaded file (or an object made from one) saved under a chosen path
            self.sink("path", args[0].deep_taint(), node, "`.save()` of uploaded data")
        elif method == "set_cookie":
            value = args[1] if len(args) > 1 else kwargs.get("value")
            if value is not None:
                self.sink("weakrand", value.deep_taint(), node, "a cookie value")
        elif len(args) > 1 and (
            method in ("add_header", "set_header")
            or (method in ("add", "set", "setdefault") and _attr_name(node.func) == "headers")
        ):
            self.header_sink(args[0], args[1], node)
        elif method in ("update", "extend") and _attr_name(node.func) == "headers":
            for v in args:
                self.header_dict_sink(v, node)
            if kwargs:
                self.header_dict_sink(Val(keys={k: v for k, v in kwargs.items()}), node)
        elif method in ("update", "setdefault", "__setitem__") and _is_session(
            node.func.value if isinstance(node.func, ast.Attribute) else None, receiver
        ):
            self.sink("trust", union_taint([*args, *kwargs.values()]), node, "the session")

    def _shell_program(self, spec: cat.Sink, node: ast.Call, name: str, args: list[Val]) -> bool:
        """os.execl("/bin/sh", "sh", "-c", cmd): the arguments of a shell are a command."""
        at = spec.args[0] if spec.args else 0
        if (
            at >= len(args)
            or not args[at].known
            or str(args[at].const).rsplit("/", 1)[-1] not in cat.SHELLS
        ):
            return False
        rest: list[Val] = []
        for v in args[at + 1 :]:
            rest.extend(v.items if v.items is not None else [v])
        self.sink("cmd", union_taint(rest), node, f"`{name}` running a shell")
        return True

    def _check_args(
        self, spec: cat.Sink, node: ast.Call, name: str, args: list[Val], kwargs: dict[str, Val]
    ) -> None:
        for i in spec.args:
            if (
                i < len(args)
                and not _fixed_destination(spec.cls, args[i])
                and self.sink(spec.cls, args[i].deep_taint(), node, f"`{name}`")
            ):
                return
        for kw in spec.kwargs:
            if (
                kw in kwargs
                and not _fixed_destination(spec.cls, kwargs[kw])
                and self.sink(spec.cls, kwargs[kw].deep_taint(), node, f"`{name}`")
            ):
                return

    def _check_subprocess(
        self, node: ast.Call, name: str, args: list[Val], kwargs: dict[str, Val]
    ) -> None:
        cmd = args[0] if args else kwargs.get("args")
        if cmd is None:
            return
        shell = kwargs.get("shell")
        shell_on = shell is not None and (not shell.known or bool(shell.const))
        if cmd.items is None:
            if shell_on or cmd.known or cmd.consts is not None:
                self.sink("cmd", cmd.deep_taint(), node, f"`{name}`")
            else:
                # A string runs as a program name; a list we could not follow: element 0.
                self.sink("cmd", cmd.deep_taint(), node, f"`{name}`")
            return
        if not cmd.items:
            return
        first = cmd.items[0]
        if shell_on:
            self.sink("cmd", cmd.deep_taint(), node, f"`{name}` with shell=True")
        elif first.consts is not None and any(
            str(c).rsplit("/", 1)[-1] in cat.SHELLS for c in first.consts
        ):
            self.sink("cmd", cmd.deep_taint(), node, f"`{name}` running a shell")
        else:
            self.sink("cmd", first.deep_taint(), node, f"`{name}` program")

    def call_result(
        self,
        node: ast.Call,
        qual: str | None,
        method: str | None,
        receiver: Val | None,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> Val:
        name = qual or ""
        last = name.rsplit(".", 1)[-1] if name else (method or "")
        all_taint = union_taint([*(args), *kwargs.values(), *([receiver] if receiver else [])])
        # methods of the project's own classes win over models keyed on a method name
        # (`repo.find(x)` is not str.find)
        if (
            receiver is not None
            and method is not None
            and (
                (receiver.qual or "").startswith("<instance>")
                or (
                    self.info is not None
                    and self.info.class_name is not None
                    and _on_self(node, self.info)
                )
            )
        ):
            info = self.resolve(node, qual, receiver, method, all_taint is not None)
            if info is None and method == "start" and not args:
                # Thread.start() of a subclass runs its run()
                info = self.resolve(node, qual, receiver, "run", all_taint is not None)
            if info is not None:
                return self.call_summary(info, node, args, kwargs, receiver)
        handed = self.call_handed_function(node, name, method, args)
        if handed is not None:
            return handed
        # sources
        if name in cat.SOURCE_CALLS:
            label, kind = cat.SOURCE_CALLS[name]
            return Val(Taint(label, node.lineno, kind))
        if (
            last == "shuffle"
            and (
                name == "random.shuffle"
                or (receiver is not None and receiver.qual == "random.Random")
            )
            and node.args
        ):
            # shuffled in place: what is taken from the list is as guessable as the rng
            path = dotted(node.args[0])
            if path:
                self.env[path] = Val(Taint(f"`{name or 'shuffle'}()`", node.lineno, "weakrand"))
            return CLEAN
        if name.startswith(("random.", "numpy.random.")) and last in cat.WEAK_RANDOM_FUNCS:
            return Val(Taint(f"`{name}()`", node.lineno, "weakrand"))
        if name == "random.Random":  # a seeded Mersenne Twister (SystemRandom is not)
            return Val(qual="random.Random")
        if method in cat.SOURCE_METHODS and receiver is not None and not receiver.known:
            label, kind = cat.SOURCE_METHODS[method]
            return Val(Taint(label, node.lineno, kind))
        if receiver is not None and (
            receiver.qual == "<request>" or receiver.qual in cat.REQUEST_OBJECTS
        ):
            t = receiver.taint or Taint(f"request.{method}()", node.lineno)
            return Val(t)
        # sanitisers and killers
        classes = cat.SANITISERS.get(name)
        if (
            classes is None
            and last
            and "escape" in last.lower()
            and (qual is not None or method is not None)
        ):
            classes = cat.XSS_ESCAPES
        if classes is not None:
            first = union_taint(args[:1]) if args else None
            return Val(first.sanitised(classes) if first else None)
        if name in cat.DECODERS and args:
            coded = args[0].deep_taint()
            # decoding undoes an encoding applied on the way (json.loads(json.dumps(x)))
            return Val(
                Taint(coded.source, coded.line, coded.kind, path=coded.path) if coded else None
            )
        if name in ("re.sub", "regex.sub") and len(args) >= 3:
            return self.regex_removal(args)
        if name in cat.WEAK_CASTS and args:
            weak = args[0].deep_taint()
            if weak is not None and weak.kind == "weakrand":
                return Val(weak)  # int(random.random() * 1e6) is as guessable as before
        if name in cat.KILLERS or (method in cat.KILLER_METHODS and qual is None):
            if name in ("int", "float", "bool") and args and args[0].known:
                try:
                    return const({"int": int, "float": float, "bool": bool}[name](args[0].const))
                except (TypeError, ValueError):
                    return CLEAN
            return CLEAN
        if name in ("logging.getLogger", "logging.Logger"):
            return Val(qual=_LOGGER)
        if method == "bindparams" and receiver is not None:
            return receiver  # text(...).bindparams(x=v): v is bound, not spliced in
        if (
            name in cat.AUTOESCAPED_TEMPLATES
            and args
            and args[0].known
            and isinstance(args[0].const, str)
            and not _AUTOESCAPE_OFF.search(args[0].const)
        ):
            return Val(qual=_ESCAPING_TEMPLATE)
        if receiver is not None and receiver.qual == _ESCAPING_TEMPLATE and method == "render":
            return Val(qual=_RESPONSE)  # its variables are escaped when rendered
        if (
            name in cat.TEMPLATE_RENDERERS
            and args
            and args[0].known
            and isinstance(args[0].const, str)
            and not _AUTOESCAPE_OFF.search(args[0].const)
        ):
            return Val(qual=_RESPONSE)  # a fixed template: its variables are escaped
        if name in _RESPONSE_BUILDERS or (
            name in cat.SINK_CALLS and cat.SINK_CALLS[name].cls in ("xss", "redirect")
        ):
            return Val(qual=_RESPONSE)
        # objects we model
        if name == "configparser.ConfigParser" or name == "configparser.RawConfigParser":
            return Val(keys={}, qual="<config>")
        if name in ("xml.sax.make_parser", "xml.sax.make_parser"):
            return Val(qual="<parser>")
        if name in ("lxml.etree.XMLParser", "lxml.etree.XMLPullParser"):
            resolve = kwargs.get("resolve_entities")
            if resolve is not None and resolve.known and resolve.const is False:
                return Val(qual="<parser>", flags=frozenset({"safe"}))
            if resolve is not None and resolve.known and resolve.const is True:
                return Val(qual="<parser>", flags=frozenset({"xxe"}))
            return Val(qual="<parser>")
        if name in cat.HTTP_CLIENTS:
            return Val(qual=cat.HTTP_CLIENTS[name])
        if name in cat.XPATH_EVALUATORS:
            return Val(qual="<xpatheval>")
        if name in ("pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"):
            return Val(all_taint, qual="pathlib.Path")
        if name in ("open", "io.open", "codecs.open"):
            if args and args[0].known:  # the application's own file, by a fixed name
                return Val(qual="<file>")
            return Val(Taint("file contents", node.lineno, "file"), qual="<file>")
        if name in ("io.StringIO", "io.BytesIO"):
            return Val(union_taint(args), qual="<buffer>")
        if name == "chr" and len(args) == 1 and args[0].known and isinstance(args[0].const, int):
            try:
                return const(chr(args[0].const))
            except (ValueError, OverflowError):
                return CLEAN
        if name in ("str", "bytes") and args and args[0].known:
            return const(str(args[0].const)) if name == "str" else Val(args[0].taint)
        if name == "reversed" and len(args) == 1 and args[0].items is not None:
            return Val(None, None, tuple(reversed(args[0].items)))
        if name == "collections.deque" and "maxlen" not in kwargs and len(args) <= 1:
            # a deque is followed like a list (append / pop at either end)
            if not args:
                return Val(None, None, ())
            if args[0].items is not None:
                return Val(None, None, args[0].items)
            return Val(args[0].deep_taint())
        if name in ("list", "tuple") and args:
            if args[0].items is not None:
                return Val(None, None, args[0].items)
            return Val(args[0].deep_taint())
        if (
            name == "getattr"
            and len(args) in (2, 3)
            and args[0].qual
            and not args[0].qual.startswith("<")
            and args[1].known
            and isinstance(args[1].const, str)
            and args[0].deep_taint() is None
        ):
            # getattr(yaml, "CSafeLoader", yaml.SafeLoader): the named attribute
            return Val(qual=f"{args[0].qual}.{args[1].const}")
        if name == "dict" and not args and kwargs:
            return Val(keys={k: v for k, v in kwargs.items()})
        if receiver is not None and method is not None:
            modelled = self.method_call(node, method, receiver, args, kwargs)
            if modelled is not None:
                return modelled
        # functions of this module or of the project
        info = self.resolve(node, qual, receiver, method, all_taint is not None)
        if info is not None:
            recv = (
                receiver
                if info.class_name is not None and receiver is not None and method is not None
                else None
            )
            return self.call_summary(info, node, args, kwargs, recv)
        if name.startswith("<class>"):
            cname = name[len("<class>") :]
            init = self.m.method(cname, "__init__")
            if init is not None and self.depth < MAX_DEPTH:
                return self.construct(cname, init, node, args, kwargs)
            return Val(all_taint, qual=f"<instance>{cname}")
        if all_taint is not None and "." in name:
            cls = self._project_class(name)
            if cls is not None:
                return Val(all_taint, qual=f"<instance>{cls}")
        if receiver is not None and receiver.qual == "pathlib.Path":
            if method in ("read_text", "read_bytes", "open"):
                return Val(Taint("file contents", node.lineno, "file"))
            return Val(receiver.taint, qual="pathlib.Path")
        # A whole request object handed to a function we cannot see into: the result
        # is not request data itself (reverse(), render(request, ...)) but may wrap the
        # request, so what is read from it later is (a wrapper's get_param()).
        inputs = [*args, *kwargs.values(), *([receiver] if receiver else [])]
        data = union_taint([v for v in inputs if v.qual != "<request>"])
        if data is None and any(v.qual == "<request>" for v in inputs):
            return Val(qual="<request>")
        return Val(data)

    def regex_removal(self, args: list[Val]) -> Val:
        """`re.sub(pattern, "", s)`: what survives is limited to the characters the
        pattern leaves, safe for the sinks that need others."""
        pattern, repl, subject = args[0], args[1], args[2]
        t = join_taint(subject.deep_taint(), repl.deep_taint())
        if t is None or repl.deep_taint() is not None:
            return Val(t)
        if (
            pattern.known
            and isinstance(pattern.const, str)
            and repl.known
            and isinstance(repl.const, str)
            and "\\" not in repl.const
        ):
            # re.sub(r"[\r\n]+", " ", s): what is left, plus the replacement text
            left = charsets.removal_survivors(pattern.const)
            if left is not None:
                return Val(t.sanitised(charsets.safe_classes(left | frozenset(repl.const))))
        return Val(t)

    def method_call(
        self, node: ast.Call, method: str, receiver: Val, args: list[Val], kwargs: dict[str, Val]
    ) -> Val | None:
        path = dotted(node.func.value) if isinstance(node.func, ast.Attribute) else None
        if receiver.known and method in _STR_METHODS and all(a.known for a in args) and not kwargs:
            try:
                result = getattr(receiver.const, method)(*(a.const for a in args))
            except Exception:  # a str method on odd constants
                return CLEAN
            if isinstance(result, list):
                return Val(items=tuple(const(x) for x in result))
            return const(result) if _const_ok(result) else CLEAN
        if method == "join" and receiver.known and args:
            seq = args[0]
            if seq.items is not None:
                if all(i.known for i in seq.items):
                    try:
                        return const(receiver.const.join(i.const for i in seq.items))  # type: ignore[attr-defined]
                    except TypeError:
                        return CLEAN
                return Val(union_taint(list(seq.items)))
            return Val(seq.deep_taint())
        if (
            method in ("split", "partition")
            and receiver.prefix
            and args
            and args[0].known
            and isinstance(args[0].const, str)
            and args[0].const
            and args[0].const in receiver.prefix
        ):
            # ("safe_" + x).split("_", 1): the head before the separator is the constant's
            sep = args[0].const
            first = const(receiver.prefix.split(sep, 1)[0])
            rest = Val(receiver.deep_taint())
            if method == "partition":
                return Val(items=(first, const(sep), rest))
            limit = args[1] if len(args) > 1 else kwargs.get("maxsplit")
            if (
                limit is not None
                and limit.known
                and limit.const == 1
                and set(kwargs) <= {"maxsplit"}
            ):
                return Val(items=(first, rest))
        if method in ("format", "format_map"):
            t = union_taint([receiver, *args, *kwargs.values()])
            head = (
                receiver.const.split("{", 1)[0]
                if receiver.known and isinstance(receiver.const, str)
                else ""
            )
            return Val(t, prefix=head or None)
        if method == "replace" and args and args[0].known and receiver.deep_taint():
            old = str(args[0].const)
            t = receiver.deep_taint()
            assert t is not None
            if "'" in old or '"' in old:
                return Val(t.sanitised(frozenset({"xpath"})))
            if old in ("\n", "\r", "\r\n"):
                return Val(t.sanitised(frozenset({"header", "log"})))
            return Val(t)
        if receiver.qual == "<parser>" and method in ("setFeature", "set_feature"):
            feature = args[0].qual or "" if args else ""
            on = len(args) > 1 and args[1].known and bool(args[1].const)
            if feature.endswith(("feature_external_ges", "feature_external_pes")) and on and path:
                self.env[path] = Val(qual="<parser>", flags=receiver.flags | {"xxe"})
            return CLEAN
        if receiver.qual == "<config>":
            if (
                method == "set"
                and len(args) >= 3
                and args[0].known
                and args[1].known
                and receiver.keys is not None
            ):
                keys = dict(receiver.keys)
                keys[(args[0].const, args[1].const)] = args[2]
                if path:
                    self.env[path] = Val(keys=keys, qual="<config>")
                return CLEAN
            if (
                method == "get"
                and len(args) >= 2
                and args[0].known
                and args[1].known
                and receiver.keys is not None
            ):
                got = receiver.keys.get((args[0].const, args[1].const))
                return got if got is not None else Val(union_taint(list(kwargs.values())))
            if method in ("read", "read_string", "read_file", "read_dict") and path:
                self.env[path] = Val(union_taint(args), qual="<config>")
                return CLEAN
            if method in ("add_section", "has_section", "sections", "has_option"):
                return CLEAN
            return Val(receiver.deep_taint())
        if receiver.items is not None and path:
            return self.list_method(path, method, receiver, args)
        if receiver.keys is not None and path and receiver.qual is None:
            return self.dict_method(path, method, receiver, args)
        if method in _MUTATORS and path and (args or kwargs):
            t = join_taint(receiver.deep_taint(), union_taint([*args, *kwargs.values()]))
            self.env[path] = Val(t, None, None, None, receiver.qual, receiver.flags)
            return CLEAN
        return None

    def list_method(self, path: str, method: str, receiver: Val, args: list[Val]) -> Val | None:
        items = list(receiver.items or ())
        result: Val = CLEAN
        if method == "append" and len(args) == 1:
            items.append(args[0])
        elif method == "extend" and len(args) == 1 and args[0].items is not None:
            items.extend(args[0].items)
        elif (
            method == "insert"
            and len(args) == 2
            and args[0].known
            and isinstance(args[0].const, int)
        ):
            items.insert(args[0].const, args[1])
        elif method == "pop" and not args and items:
            result = items.pop()
        elif method == "popleft" and not args and items:
            result = items.pop(0)
        elif method == "appendleft" and len(args) == 1:
            items.insert(0, args[0])
        elif (
            method == "pop"
            and len(args) == 1
            and args[0].known
            and isinstance(args[0].const, int)
            and -len(items) <= args[0].const < len(items)
        ):
            result = items.pop(args[0].const)
        elif method == "remove" and len(args) == 1:
            idx = next((i for i, v in enumerate(items) if v is args[0]), None)
            if idx is None and args[0].known:
                idx = next(
                    (i for i, v in enumerate(items) if v.known and v.const == args[0].const), None
                )
            if idx is None:
                return self._collapse_into(path, receiver, args)
            items.pop(idx)
        elif method == "clear":
            items = []
        elif method == "reverse":
            items.reverse()
        elif method in ("copy", "index", "count"):
            return Val(receiver.taint, None, receiver.items) if method == "copy" else CLEAN
        elif method in _MUTATORS or method in ("sort", "pop", "remove"):
            return self._collapse_into(path, receiver, args)
        else:
            return None
        self.env[path] = Val(receiver.taint, None, tuple(items), None, receiver.qual)
        return result

    def dict_method(self, path: str, method: str, receiver: Val, args: list[Val]) -> Val | None:
        keys = dict(receiver.keys or {})
        if method == "get" and args:
            if args[0].known:
                got = keys.get(args[0].const)
                if got is not None:
                    return got
                return args[1] if len(args) > 1 else const(None)
            return Val(union_taint(list(keys.values())))
        if method in ("setdefault",) and args and args[0].known:
            if args[0].const not in keys:
                keys[args[0].const] = args[1] if len(args) > 1 else const(None)
                self.env[path] = Val(receiver.taint, None, None, keys)
            return keys[args[0].const]
        if method == "pop" and args and args[0].known:
            got = keys.pop(args[0].const, args[1] if len(args) > 1 else CLEAN)
            self.env[path] = Val(receiver.taint, None, None, keys)
            return got
        if method == "update" and args and args[0].keys is not None:
            keys.update(args[0].keys)
            self.env[path] = Val(receiver.taint, None, None, keys)
            return CLEAN
        if method in ("keys", "values", "items", "copy"):
            return Val(union_taint([receiver, *keys.values()]))
        if method in _MUTATORS or method in ("pop", "popitem"):
            return self._collapse_into(path, receiver, args)
        return None

    def _collapse_into(self, path: str, receiver: Val, args: list[Val]) -> Val:
        t = join_taint(receiver.deep_taint(), union_taint(args))
        self.env[path] = Val(t, None, None, None, receiver.qual)
        return Val(t)

    # -- interprocedural -------------------------------------------------------------------

    def resolve(
        self,
        node: ast.Call,
        qual: str | None,
        receiver: Val | None,
        method: str | None,
        tainted: bool,
    ) -> FunctionInfo | None:
        """The function called, when it is ours; other modules only for tainted calls."""
        m = self.m
        if receiver is not None and method is not None:
            rq = receiver.qual or ""
            if rq.startswith("<instance>"):
                target = rq[len("<instance>") :]
                if "|" in target:
                    mod_name, cls = target.split("|", 1)
                    return self._project(f"{mod_name}.{cls}.{method}")
                return m.method(target, method)
            if (
                isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in ("self", "cls")
                and self.info
                and self.info.class_name
            ):
                return m.method(self.info.class_name, method)
        if qual is None:
            return None
        if "." not in qual:
            return m.functions.get(qual) if qual in m.functions and qual not in self.env else None
        return self._project(qual) if tainted else None

    def _project(self, qual: str) -> FunctionInfo | None:
        if self.m.resolver is None or self.depth >= MAX_DEPTH:
            return None
        found = self.m.resolver(qual)
        if found is None:
            return None
        module, rest = found
        if rest in module.functions:
            return module.functions[rest]
        if "." in rest:
            cls, meth = rest.rsplit(".", 1)
            return module.method(cls, meth)
        return None

    def _project_class(self, qual: str) -> str | None:
        if self.m.resolver is None or self.depth >= MAX_DEPTH or "." not in qual:
            return None
        found = self.m.resolver(qual)
        if found is None:
            return None
        module, rest = found
        return f"{module.name}|{rest}" if rest in module.classes else None

    def call_summary(
        self,
        info: FunctionInfo,
        node: ast.Call,
        args: list[Val],
        kwargs: dict[str, Val],
        receiver: Val | None,
    ) -> Val:
        params = [*info.node.args.posonlyargs, *info.node.args.args]
        names = [p.arg for p in params]
        bound: dict[int, Val] = {}
        offset = 0
        if info.class_name is not None and names and names[0] in ("self", "cls"):
            if receiver is not None:
                bound[0] = receiver
            offset = 1
        kwnames = names + [p.arg for p in info.node.args.kwonlyargs]
        varargs, varkw = len(kwnames), len(kwnames) + 1  # slots of *args, **kwargs
        for i, a in enumerate(args):
            if i + offset < len(names):
                bound[i + offset] = a
            elif info.node.args.vararg is not None:
                bound[varargs] = _joined(bound.get(varargs), a)
        for k, v in kwargs.items():
            if k in kwnames:
                bound[kwnames.index(k)] = v
            elif info.node.args.kwarg is not None:
                bound[varkw] = _joined(bound.get(varkw), v)
        if info.node.name == "__init__" or self.depth >= MAX_DEPTH:
            return Val(union_taint(list(bound.values())))
        # A method: the receiver's attributes are followed one by one (what the
        # constructor and earlier calls stored on it), its own taint as a whole.
        fields: dict[str, Val] = {}
        recv_path: str | None = None
        if offset and receiver is not None and isinstance(node.func, ast.Attribute):
            recv_path = dotted(node.func.value)
            fields = self.receiver_fields(recv_path, receiver)
            bound[0] = Val(receiver.taint)
        any_taint = any(v.deep_taint() is not None for v in [*bound.values(), *fields.values()])
        result_taint: Taint | None = None
        base: Val | None = None
        if info.module.may_read_source(info):
            own = self.summarise(info, None)
            base = own.ret
            if base is not None and base.taint is not None and base.taint.source == PARAM_SOURCE:
                base = Val(None, base.consts)
            if recv_path is not None:
                for attr, v in own.writes.items():
                    self.env[f"{recv_path}.{attr}"] = v
        elif _returns_constant(info):
            ret = self.summarise(info, None).ret
            if ret is not None and ret.deep_taint() is None:
                if ret.consts is not None:
                    base = Val(None, ret.consts)  # def algorithm(): return "md5"
                elif (ret.qual or "").startswith("<instance>"):
                    base = Val(qual=ret.qual, keys=ret.keys)  # a factory of our classes
        if not any_taint:
            return base or CLEAN
        result_taint = base.deep_taint() if base is not None else None
        for i, v in bound.items():
            t = v.deep_taint()
            if t is None:
                continue
            s = self.summarise(info, i)
            result_taint = join_taint(result_taint, self._apply_summary(info, s, t, node))
            if recv_path is not None:
                for attr, safe in s.param_writes.items():
                    self.env[f"{recv_path}.{attr}"] = Val(t.sanitised(safe) if safe else t)
        for attr, v in fields.items():
            t = v.deep_taint()
            if t is not None:
                s = self.summarise(info, f"attr:{attr}")
                result_taint = join_taint(result_taint, self._apply_summary(info, s, t, node))
                if recv_path is not None:
                    # self.out = self.data.upper(): the receiver's other field now holds it
                    for other, safe in s.param_writes.items():
                        if other != attr:
                            self.env[f"{recv_path}.{other}"] = Val(t.sanitised(safe) if safe else t)
        return Val(result_taint)

    def _apply_summary(
        self, info: FunctionInfo, s: Summary, t: Taint, node: ast.Call
    ) -> Taint | None:
        """Report the sinks data `t` reaches inside the callee; the taint it returns."""
        for cls, line, what in s.sinks:
            where = f"{info.qualname}" + (
                f" ({info.module.rel}:{line})" if info.module is not self.m else f" (line {line})"
            )
            self.sink(cls, t, node, f"{what} in `{where}`")
        if s.returns:
            return t.sanitised(s.return_safe) if s.return_safe else t
        return None

    def receiver_fields(self, path: str | None, receiver: Val) -> dict[str, Val]:
        """The attributes known on a method's receiver: those the constructor set,
        updated by what this function stored on `path.attr` since."""
        out: dict[str, Val] = {}
        if receiver.keys is not None and (receiver.qual or "").startswith("<instance>"):
            out.update((str(k), v) for k, v in receiver.keys.items())
        if path:
            prefix = path + "."
            n = len(prefix)
            for k, v in self.env.items():
                if k.startswith(prefix) and "." not in k[n:]:
                    out[k[n:]] = v
        return out

    def construct(
        self, cls: str, init: FunctionInfo, node: ast.Call, args: list[Val], kwargs: dict[str, Val]
    ) -> Val:
        """`Cls(...)` of a class of this module: an instance whose attributes are what
        `__init__` stores on `self`, each with the taint of the arguments it holds."""
        params = [*init.node.args.posonlyargs, *init.node.args.args]
        names = [p.arg for p in params]
        kwnames = names + [p.arg for p in init.node.args.kwonlyargs]
        bound: dict[int, Val] = {}
        for i, a in enumerate(args):
            if i + 1 < len(names):
                bound[i + 1] = a
        for k, v in kwargs.items():
            if k in kwnames:
                bound[kwnames.index(k)] = v
        fields: dict[object, Val] = {k: v for k, v in self.summarise(init, None).writes.items()}
        whole: Taint | None = None
        fed: dict[str, Taint | None] = {}
        for i, v in bound.items():
            t = v.deep_taint()
            if t is None:
                continue
            s = self.summarise(init, i)
            self._apply_summary(init, s, t, node)
            if not s.param_writes:
                whole = join_taint(whole, t)  # kept where we cannot see: the whole object
            for attr, safe in s.param_writes.items():
                fed[attr] = join_taint(fed.get(attr), t.sanitised(safe) if safe else t)
        for attr, ft in fed.items():
            fields[attr] = Val(ft)
        return Val(whole, qual=f"<instance>{cls}", keys=fields)

    def summarise(self, info: FunctionInfo, param: int | str | None) -> Summary:
        key = (f"{info.module.rel}:{info.qualname}", param)
        module = info.module
        cached = module.summaries.get(key)
        if cached is not None:
            return cached
        if key in module.in_progress:
            return Summary(returns=True)
        module.in_progress.add(key)
        summary = Summary()
        try:
            flow = FunctionFlow(
                module, info, summary=summary, tainted_param=param, depth=self.depth + 1
            )
            ret = flow.run()
            t = ret.deep_taint()
            if param is not None and t is not None and t.source == PARAM_SOURCE:
                summary.returns = True
                summary.return_safe = t.safe_for
            summary.ret = placed(ret, module.rel)
            self_name = _self_param(info)
            if self_name is not None:
                prefix = self_name + "."
                n = len(prefix)
                for k, v in flow.env.items():
                    if not k.startswith(prefix) or "." in k[n:]:
                        continue
                    vt = v.deep_taint()
                    if vt is not None and vt.source == PARAM_SOURCE:
                        summary.param_writes[k[n:]] = vt.safe_for
                    elif param is None:
                        summary.writes[k[n:]] = placed(v, module.rel)
        except (RecursionError, MemoryError):  # nested too deeply: assume the worst
            summary = Summary(returns=True)
        finally:
            module.in_progress.discard(key)
        module.summaries[key] = summary
        return summary


# -- helpers ------------------------------------------------------------------------------


_HOST_PARTS = ("netloc", "hostname")  # of a parsed URL: empty when it names no host


def _joined(a: Val | None, b: Val) -> Val:
    """Several arguments gathered into one `*args` / `**kwargs` parameter."""
    return b if a is None else Val(join_taint(a.deep_taint(), b.deep_taint()))


def _as_argument(v: Val, node: ast.expr) -> Val:
    """A request object passed on carries its data with it."""
    if v.qual in cat.REQUEST_OBJECTS and v.taint is None:
        return Val(Taint(v.qual or "request", node.lineno), qual="<request>")
    return v


_LOGGER = "logging.Logger"
# Calls that run a function they are handed on the arguments that follow it.
_HANDING_CALLS = frozenset(
    {
        "submit",
        "map",
        "imap",
        "imap_unordered",
        "starmap",
        "apply",
        "apply_async",
        "run_in_executor",
    }
)
_ESCAPING_TEMPLATE = "<escaping-template>"
_CALLABLE = "callable"  # a flag: the value is a lambda
_AUTOESCAPE_OFF = re.compile(r"\|\s*safe\b|autoescape\s+(?:false|off)|Markup")
_FIXED_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#\\@]+[/?#]")
_LOCAL_PATH = re.compile(r"^/[^/\\]")


def _fixed_destination(cls: str, v: Val) -> bool:
    """A URL whose scheme and host are constant (`"https://api.example.com/" + x`): a
    request cannot be sent elsewhere; for a redirect a path on this site (`"/a/" + x`)
    is enough."""
    if cls not in ("ssrf", "redirect"):
        return False
    head = v.str_prefix
    return bool(_FIXED_URL.match(head)) or (cls == "redirect" and bool(_LOCAL_PATH.match(head)))


_SMALL_BODY = 12


_RETURNS_LITERAL = re.compile(r"\breturn\s+(?:[rRbBuU]?[\"']|([A-Za-z_]\w*)\()")


def _returns_constant(info: FunctionInfo) -> bool:
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


def _weak_taint(v: Val, depth: int = 0) -> Taint | None:
    """A weak-random taint held anywhere in `v` (joined taints keep request data
    only, so the parts of a container are looked at one by one)."""
    if v.taint is not None and v.taint.kind == "weakrand":
        return v.taint
    if depth > 3:
        return None
    for part in [*(v.items or ()), *(v.keys or {}).values()]:
        t = _weak_taint(part, depth + 1)
        if t is not None:
            return t
    return None


def _not_html(kwargs: dict[str, Val]) -> bool:
    """A response built with an explicit media type that browsers do not render."""
    for kw in ("mimetype", "content_type", "media_type"):
        v = kwargs.get(kw)
        if v is not None and v.consts:
            return all(
                isinstance(c, str)
                and "html" not in c.lower()
                and "xml" not in c.lower()
                and "svg" not in c.lower()
                for c in v.consts
            )
    return False


def _is_session(node: ast.expr | None, value: Val | None) -> bool:
    if value is not None and value.qual in ("flask.session", "quart.session"):
        return True
    path = (dotted(node) or "") if node is not None else ""
    return path == "session" or path.endswith(".session")


def _containment_check(node: ast.expr) -> set[str]:
    """The paths an `os.path.commonpath([...])` call compares."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.List | ast.Tuple):
        func = node.func
        name = (
            func.attr
            if isinstance(func, ast.Attribute)
            else (func.id if isinstance(func, ast.Name) else "")
        )
        if name in ("commonpath", "commonprefix"):
            return {n for n in map(_root_name, node.args[0].elts) if n}
    return set()


def _xpathish(node: ast.expr) -> bool:
    """An expression built around a literal that looks like an XPath step."""
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Constant)
            and isinstance(sub.value, str)
            and ("[" in sub.value or "/" in sub.value or "@" in sub.value)
        ):
            return True
    return False


def _self_param(info: FunctionInfo) -> str | None:
    """The name of a method's `self` parameter (None for functions, staticmethods)."""
    if info.class_name is None:
        return None
    args = [*info.node.args.posonlyargs, *info.node.args.args]
    if not args or any(
        isinstance(d, ast.Name) and d.id == "staticmethod" for d in info.node.decorator_list
    ):
        return None
    return args[0].arg


def _on_self(node: ast.Call, info: FunctionInfo | None) -> bool:
    func = node.func
    return (
        info is not None
        and info.class_name is not None
        and isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("self", "cls")
    )


def _join_envs(a: Env, b: Env) -> Env:
    if a is b:
        return a
    out = dict(a)
    for k, v in b.items():
        mine = out.get(k)
        out[k] = v if mine is None else join(mine, v)
    return out


def _root_name(node: ast.expr) -> str | None:
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
                and (node.func.id in ("str", "repr") or node.func.id in _DERIVING_NAMES)
            ):
                node = node.args[0]  # urlparse(x).hostname, realpath(x): x is checked
                continue
            return None
        if isinstance(node, ast.Attribute):
            node = node.value
            continue
        return None


_DERIVING_NAMES = frozenset(q.rsplit(".", 1)[-1] for q in cat.DERIVING_FUNCS if "." in q)


def _derived_from(value: ast.expr) -> str | None:
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
                inner = _root_name(value.args[0])
                if inner:
                    return inner
            if isinstance(func, ast.Attribute):
                return _root_name(func.value)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
        return _root_name(value.right)
    return None


def _route_decorator(d: ast.expr) -> bool:
    target = d.func if isinstance(d, ast.Call) else d
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


def _route_converter(paths: list[str], name: str) -> str | None:
    for p in paths:
        if f"<{name}>" in p or f"{{{name}}}" in p:
            return "string"
        marker = f":{name}>"
        idx = p.find(marker)
        if idx != -1:
            start = p.rfind("<", 0, idx)
            return p[start + 1 : idx]
    return None


def _annotation_name(node: ast.expr | None) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.rsplit(".", 1)[-1]
    return ""


def _attr_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute):
        return func.value.attr
    return ""


def _looks_like_logger(func: ast.expr) -> bool:
    if not isinstance(func, ast.Attribute):
        return False
    base = func.value
    name = (
        base.id
        if isinstance(base, ast.Name)
        else (base.attr if isinstance(base, ast.Attribute) else "")
    )
    return "log" in name.lower()


__all__ = ["ALL_CLASSES", "FunctionFlow", "dotted"]
