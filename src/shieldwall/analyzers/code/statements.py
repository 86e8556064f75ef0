"""Statements: assignments, branches (constant conditions decide), loops walked
twice, try/except, match, imports and nested definitions."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code import patterns, registries
from shieldwall.analyzers.code.expressions import literal_text
from shieldwall.analyzers.code.guards import Guards
from shieldwall.analyzers.code.state import (
    HTML_BODY,
    RESPONSE,
    Env,
    join_envs,
)
from shieldwall.analyzers.code.syntax import (
    annotation_name,
    derived_from,
    dotted,
    on_query,
)
from shieldwall.analyzers.code.values import (
    CLEAN,
    Taint,
    Val,
    collapse,
    const,
    instance_kind,
    join,
    join_taint,
    union_taint,
)


def imported_value(qual: str, line: int) -> Val:
    """What `from m import x` binds: a name standing for `m.x`, tainted when `m.x`
    is itself data from outside (`from sys import stdin, argv`)."""
    if qual in cat.SOURCE_ATTRS:
        label, kind = cat.SOURCE_ATTRS[qual]
        return Val(Taint(label, line, kind), qual=qual)
    return Val(qual=qual)


class Statements(Guards):
    """Statements: assignments, branches (constant conditions decide), loops walked
    twice, try/except, match, imports and nested definitions."""

    def run(self) -> Val:
        body = self.info.node.body if self.info else self.m.tree.body
        self.block(body)
        self.texts_left()
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
            if value.taint is not None:
                self.sql_text(value, current.str_prefix + literal_text(node.value), node)
            self.assign(node.target, value, node)
        elif isinstance(node, ast.AnnAssign):
            if self._declared_request(node):
                # `request: HttpRequest` declared, set elsewhere: a request
                name = node.target.id if isinstance(node.target, ast.Name) else ""
                self.env[name] = Val(Taint(f"request `{name}`", node.lineno), qual="<request>")
            elif node.value is not None:
                self.assign(node.target, self.expr(node.value), node)
        elif isinstance(node, ast.Expr):
            self.expr(node.value)
            if isinstance(node.value, ast.Call):
                self.env = self.refine_by_callee(node.value, self.env)
            func = node.value.func if isinstance(node.value, ast.Call) else None
            if (
                func is not None
                and (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
                in cat.NORETURN_NAMES
                and self.qual_of(func) in cat.NORETURN
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
        else:
            self.declaration(node)
        return False

    def declaration(self, node: ast.stmt) -> None:
        """Imports, nested definitions, `global`, `assert` and `del`: names bound or unbound."""
        if isinstance(node, ast.Import):
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
                qual = f"{base}.{alias.name}" if base else alias.name
                self.env[alias.asname or alias.name] = imported_value(
                    cat.REEXPORTS.get(qual, qual), node.lineno
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
            # past `assert x in {"+", "-"}` the test held (a failed one raises), as
            # past `if x not in ...: raise`
            self.env = self.refine(node.test, True, self.env)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self.delete(target)

    def _declared_request(self, node: ast.AnnAssign) -> bool:
        """A name annotated as a request class of a web module and given no value
        (or `...`): the request is set by code elsewhere."""
        return (
            isinstance(node.target, ast.Name)
            and self.m.web
            and annotation_name(node.annotation) in cat.REQUEST_ANNOTATIONS
            and (
                node.value is None
                or (isinstance(node.value, ast.Constant) and node.value.value is Ellipsis)
            )
        )

    def _from_base(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        parts = self.m.name.split(".") if self.m.name else []
        # a module's package is its name minus the last part (packages: __init__ kept)
        pkg = parts if self.m.rel.endswith("__init__.py") else parts[:-1]
        up = node.level - 1
        pkg = pkg[: len(pkg) - up] if up else pkg
        return ".".join([*pkg, *([node.module] if node.module else [])])

    def if_stmt(self, node: ast.If) -> bool:
        test = self.expr(node.test)
        if test.known:
            return self.block(node.body if test.const else node.orelse)
        env_t = self.refine(node.test, True, dict(self.env))
        env_f = self.refine(node.test, False, dict(self.env))
        out_t, end_t = self.branch(node.body, env_t)
        out_f, end_f = self.branch(node.orelse, env_f)
        if end_t and end_f:
            self.env = join_envs(out_t, out_f)
            return True
        if end_t:
            self.env = out_f
        elif end_f:
            self.env = out_t
        else:
            self.env = join_envs(out_t, out_f)
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
            env = join_envs(env, other)
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
                element = (
                    Val(element.taint, element.consts, qual=instance_kind(it))
                    if element is not CLEAN
                    else CLEAN
                )
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
                    self._note_registry_loop(target, iterable)
                out, _ends = self.branch(body, env)
                self.env = join_envs(self.env, out)
                for other in exits:
                    self.env = join_envs(self.env, other)
        finally:
            self.exits.pop()
        self.env = join_envs(before, self.env)
        self.block(orelse)

    def _note_registry_loop(self, target: ast.expr, iterable: ast.expr | None) -> None:
        """`for handler in HANDLERS.values()`: the loop name holds what a container
        the module's decorators fill holds."""
        found = registries.iterated(target, iterable) if iterable is not None else None
        container = self.m.registry_key(found[1] if found else None, self.class_name())
        if found is not None and container is not None:
            self.registry_lookups[found[0]] = container

    def try_stmt(self, node: ast.Try | ast.TryStar) -> bool:
        before = dict(self.env)
        ends = self.block(node.body)
        after_body = self.env
        handler_envs: list[Env] = []
        handlers_end = True
        for handler in node.handlers:
            env = join_envs(before, after_body)
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
            env = join_envs(env, other)
        self.env = env
        final_end = self.block(node.finalbody)
        return final_end or (ends and handlers_end)

    def assign(self, target: ast.expr, value: Val, node: ast.stmt | None) -> None:
        if isinstance(target, ast.Name):
            self.env[target.id] = value
            self._note_bound_method(target.id, value, node)
            self._note_condition(target.id, node)
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
            if (
                node is not None
                and base.qual == RESPONSE
                and HTML_BODY in base.flags
                and target.attr in cat.RESPONSE_BODY_ATTRS
            ):
                # response.content = x on an HTML response: x is the page served
                self.sink("xss", value.deep_taint(), node, f"the response's `{target.attr}`")
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
        if value is not None and on_query(value, self.query_names):
            self.query_names.add(name)
        else:
            self.query_names.discard(name)
        src = derived_from(value) if value is not None else None
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

    def _note_bound_method(self, name: str, value: Val, node: ast.stmt | None) -> None:
        """Remember `name = obj.method` when the attribute is no value we follow, and
        `name = HANDLERS[key]` of a container the module's decorators fill."""
        self.bound_methods.pop(name, None)
        self.lambdas.pop(name, None)
        self.registry_lookups.pop(name, None)
        attr = node.value if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        container = self.m.registry_key(
            registries.lookup(attr) if attr is not None else None, self.class_name()
        )
        if container is not None:
            self.registry_lookups[name] = container  # handler = HANDLERS[name]
        if isinstance(attr, ast.Lambda):
            self.lambdas[name] = attr  # f = lambda x: ...; f(data) runs its body on data
        if (
            isinstance(attr, ast.Attribute)
            and (value.qual is None or value.qual.startswith("<instance>"))
            and value.deep_taint() is None
            and name not in {n.id for n in ast.walk(attr.value) if isinstance(n, ast.Name)}
        ):
            self.bound_methods[name] = attr

    def _note_condition(self, name: str, node: ast.stmt | None) -> None:
        """Forget the checks on `name`'s old value; remember `name = <a check>`."""
        for held in [k for k, (_, reads) in self.conditions.items() if name in reads]:
            del self.conditions[held]
        self.conditions.pop(name, None)
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if isinstance(value, ast.Call | ast.Compare | ast.BoolOp | ast.UnaryOp):
            reads = frozenset(n.id for n in ast.walk(value) if isinstance(n, ast.Name))
            if name not in reads:
                self.conditions[name] = (value, reads)
