"""Calls into the project's own functions: summaries per tainted parameter,
methods and their receivers, constructors of the module's classes."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code import registries
from shieldwall.analyzers.code.dispatch import (
    Applied,
    Plan,
    Returned,
    Source,
    argument_values,
    reaching,
    returned_value,
)
from shieldwall.analyzers.code.module import (
    PARAM_SOURCE,
    FunctionInfo,
    Module,
    Summary,
)
from shieldwall.analyzers.code.sinks import SinkChecks
from shieldwall.analyzers.code.state import (
    DICT_RESULT,
    MAX_DEPTH,
    callee_key,
    joined,
    returns_constant,
)
from shieldwall.analyzers.code.syntax import (
    dotted,
    self_param,
)
from shieldwall.analyzers.code.values import (
    CLEAN,
    Taint,
    Val,
    join,
    join_taint,
    placed,
    union_taint,
)

# Facts about a returned value a call keeps from its callee's summary.
RETURNED_FACTS = frozenset({cat.NORMALISED})


class Interprocedural(SinkChecks):
    """Calls into the project's own functions: summaries per tainted parameter,
    methods and their receivers, constructors of the module's classes."""

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
            if rq.startswith("<class>"):
                # Cls.method(x) of a static or class method of this module's class
                found = m.method(rq[len("<class>") :], method)
                kinds = (
                    {d.id for d in found.node.decorator_list if isinstance(d, ast.Name)}
                    if found
                    else set()
                )
                return found if kinds & {"staticmethod", "classmethod"} else None
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
        """What calling `info` returns, its sinks reported here; a name defined more
        than once joins what every definition does."""
        result = self._call_one(info, node, args, kwargs, receiver)
        for other in info.module.shadowed.get(info.qualname, ()):
            getters = info.module.properties.get(other.class_name or "", {}).values()
            if other not in getters:
                result = join(result, self._call_one(other, node, args, kwargs, receiver))
        for wrapper in decorator_wrappers(info):
            # `@with_logging def foo(x)`: a call of foo runs the wrapper first
            result = join(result, self._call_one(wrapper, node, args, kwargs, None))
        return result

    def call_decorated(
        self, name: str, node: ast.Call, args: list[Val], kwargs: dict[str, Val]
    ) -> Val | None:
        """In a wrapper a decorator of the module defines (or the decorator a factory
        of the module returns, `@audited("tag")`), a call of the function the
        decorator was handed: each function of the module it decorates runs on the
        wrapper's arguments (`def deco(func): def inner(request): func(request,
        **request.GET)`). None elsewhere."""
        if self.info is None or ".<locals>." not in self.info.qualname:
            return None
        outer = self.m.by_qualname.get(self.info.qualname.rsplit(".<locals>.", 1)[0])
        if outer is None or outer.class_name is not None:
            return None
        top, called = outer, False
        if "." in outer.qualname:
            found = self.m.by_qualname.get(outer.qualname.rsplit(".<locals>.", 1)[0])
            if found is None or "." in found.qualname or outer not in _returned(found):
                return None
            top, called = found, True
        params = [p.arg for p in [*outer.node.args.posonlyargs, *outer.node.args.args]]
        if params[:1] != [name] or name in self.env:
            return None
        decorated = [
            f
            for f in self.m.functions.values()
            if any(_names(d, top.node.name, called=called) for d in f.node.decorator_list)
        ]
        return self._run_each(decorated, node, args, kwargs, wrapped=False)

    def call_registered(
        self, node: ast.Call, args: list[Val], kwargs: dict[str, Val]
    ) -> Val | None:
        """A call of what is looked up in a container the module's own decorators fill
        (`HANDLERS[name](x)`, `HANDLERS.get(name)(x)`, a name bound to either, a loop
        over the container): each function registered there runs on the arguments.
        None for any other call."""
        func = node.func
        container = (
            self.registry_lookups.get(func.id)
            if isinstance(func, ast.Name)
            else self.m.registry_key(registries.lookup(func), self.class_name())
        )
        funcs = self.m.registries.get(container, ()) if container is not None else ()
        key = self._dispatch_key(container, args, kwargs) if funcs else None
        if key is None:
            planned = self._planned(container, funcs, node, args, kwargs) if funcs else None
            if planned is not None:
                return planned
            return self._run_each(funcs, node, args, kwargs, wrapped=True)
        done = self.m.dispatched.get(key)
        if done is None:
            done = self._run_each(funcs, node, args, kwargs, wrapped=True) or CLEAN
            self.m.dispatched[key] = done
        return done

    def _dispatch_key(
        self, container: str | None, args: list[Val], kwargs: dict[str, Val]
    ) -> tuple[object, ...] | None:
        """The key under which a registry's dispatch is the same wherever it is made,
        None when it is not: where callees are no longer followed (each returns
        what its arguments hold, reporting nothing), by the arguments' taints; with
        no tainted argument and no summary under way (each returns what it returns
        on its own, reporting nothing here), once. Otherwise each callee runs."""
        taints = (
            tuple(a.deep_taint() for a in args),
            tuple((k, v.deep_taint()) for k, v in kwargs.items()),
        )
        if self.depth >= MAX_DEPTH:
            return ("followed no further", container, *taints)
        clean = all(t is None for t in taints[0]) and all(t is None for _, t in taints[1])
        if clean and self.depth == 0 and not self.m.in_progress:
            return ("clean", container)
        return None

    def _planned(
        self,
        container: str | None,
        funcs: Sequence[FunctionInfo],
        node: ast.Call,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> Val | None:
        """A dispatch with tainted arguments in a function's own walk, by the plan of
        its container for arguments of this shape (see `dispatch`): each sink not yet
        reported from the module is reported here, the others only act on the walk,
        and each distinct return is joined once. None where there is no such plan."""
        if self.summary is not None or self.m.in_progress or self.depth >= MAX_DEPTH:
            return None
        shape = (
            container,
            tuple(a.deep_taint() is not None for a in args),
            tuple((k, v.deep_taint() is not None) for k, v in kwargs.items()),
        )
        plans = self.m.dispatch_plans
        if shape not in plans:
            plans[shape] = self._plan(funcs, args, kwargs)
        plan = plans[shape]
        if not isinstance(plan, Plan):
            return None
        values = argument_values(args, kwargs)
        waiting = {a.seen for a in plan.pending}
        for a in plan.pending:
            self.sink(a.cls, reaching(a, values[a.source]), node, a.what, a.chain)
        for a in plan.effects:
            if a.seen not in waiting:  # reported already: what it does to the walk only
                self.sink(a.cls, reaching(a, values[a.source]), node, a.what, a.chain)
        plan.pending[:] = [a for a in plan.pending if a.seen not in self.m.callee_reported]
        taints = {s: t for s, v in values.items() if (t := v.deep_taint()) is not None}
        result = CLEAN
        for parameters in plan.returns:
            result = join(result, returned_value(parameters, taints))
        return result

    def _plan(
        self, funcs: Sequence[FunctionInfo], args: list[Val], kwargs: dict[str, Val]
    ) -> Plan | None:
        """The plan of a dispatch of `funcs` with these arguments; None unless each
        is a plain call (see `dispatch`). Summaries are made in the order the calls
        would make them."""
        pending: list[Applied] = []
        effects: dict[tuple[Source, str, bool], Applied] = {}
        returns: dict[tuple[Returned, ...], None] = {}
        values = argument_values(args, kwargs)
        for f in funcs:
            sources = plain_sources(f, len(args), list(kwargs))
            if (
                sources is None
                or f.module.shadowed.get(f.qualname)
                or decorator_wrappers(f)
                or self._own_return(f, None) is not None
            ):
                return None
            parameters: list[Returned] = []
            for slot, source in sources.items():
                if values[source].deep_taint() is None:
                    continue
                s = self.summarise(f, slot)
                for a in self._applied(f, s, source):
                    pending.append(a)
                    effects.setdefault((a.source, a.cls, a.program), a)
                facts = (s.ret.flags if s.ret is not None else frozenset()) & RETURNED_FACTS
                shaped = s.ret is not None and s.ret.keys is not None and s.ret.qual is None
                parameters.append(Returned(source, s.returns, s.return_safe, facts, shaped))
            returns.setdefault(tuple(parameters), None)
        return Plan(pending, tuple(effects.values()), tuple(returns))

    def _applied(self, info: FunctionInfo, s: Summary, source: Source) -> list[Applied]:
        """The sinks of `info`'s summary `s` as a call reports them (`_apply_summary`)."""
        out: list[Applied] = []
        for cls, line, what, chain in s.sinks:
            where = f"{info.qualname}" + (
                f" ({info.module.rel}:{line})" if info.module is not self.m else f" (line {line})"
            )
            full = f"{what} in `{where}`"
            program = cls == "cmd" and what.endswith(" program")
            seen = (cat.TAINT_RULES[cls].id, f"<callee>|{callee_key(cls, full)}", chain[-1])
            out.append(Applied(source, cls, full, chain, program, seen))
        return out

    def _run_each(
        self,
        funcs: Sequence[FunctionInfo],
        node: ast.Call,
        args: list[Val],
        kwargs: dict[str, Val],
        *,
        wrapped: bool,
    ) -> Val | None:
        """What one call running each of `funcs` returns (None for none); `wrapped`:
        each through its own decorators' wrappers too."""
        if not funcs:
            return None
        run = self.call_summary if wrapped else self._call_one
        result = CLEAN
        for f in funcs:
            result = join(result, run(f, node, args, kwargs, None))
        return result

    def _call_one(
        self,
        info: FunctionInfo,
        node: ast.Call,
        args: list[Val],
        kwargs: dict[str, Val],
        receiver: Val | None,
    ) -> Val:
        """What calling one definition of a function returns, its sinks reported here."""
        bound, is_method = bind_arguments(info, args, kwargs, receiver)
        if info.node.name == "__init__" or self.depth >= MAX_DEPTH:
            return Val(union_taint(list(bound.values())))
        # A method: the receiver's attributes are followed one by one (what the
        # constructor and earlier calls stored on it), its own taint as a whole.
        fields: dict[str, Val] = {}
        recv_path: str | None = None
        if is_method and receiver is not None and isinstance(node.func, ast.Attribute):
            recv_path = dotted(node.func.value)
            fields = self.receiver_fields(recv_path, receiver)
            bound[0] = Val(receiver.taint)
        base = self._own_return(info, recv_path)
        if all(v.deep_taint() is None for v in [*bound.values(), *fields.values()]):
            return base or CLEAN
        result_taint, kept, dict_shaped = self._through_parameters(
            info, node, bound, recv_path, base.deep_taint() if base is not None else None
        )
        result_taint = self._through_fields(info, node, fields, recv_path, result_taint)
        shape = frozenset({DICT_RESULT}) if dict_shaped and not fields else frozenset()
        if kept and base is None and not fields:
            return Val(result_taint, flags=kept | shape)
        return Val(result_taint, flags=shape)

    def _own_return(self, info: FunctionInfo, recv_path: str | None) -> Val | None:
        """What the callee returns whatever its arguments: the data it reads from
        sources itself (and, for a method, what it stores on the receiver), a
        constant, or an instance of our classes from a factory."""
        if info.module.may_read_source(info):
            own = self.summarise(info, None)
            base = own.ret
            if base is not None and base.taint is not None and base.taint.source == PARAM_SOURCE:
                base = Val(None, base.consts)
            if recv_path is not None:
                for attr, v in own.writes.items():
                    self.env[f"{recv_path}.{attr}"] = v
            return base
        if returns_constant(info):
            ret = self.summarise(info, None).ret
            if ret is not None and ret.deep_taint() is None:
                if ret.consts is not None:
                    return Val(None, ret.consts)  # def algorithm(): return "md5"
                if (ret.qual or "").startswith("<instance>"):
                    return Val(qual=ret.qual, keys=ret.keys)  # a factory of our classes
        return None

    def _through_parameters(
        self,
        info: FunctionInfo,
        node: ast.Call,
        bound: dict[int, Val],
        recv_path: str | None,
        result_taint: Taint | None,
    ) -> tuple[Taint | None, frozenset[str] | None, bool]:
        """`result_taint` joined with the taint the callee returns from its tainted
        parameters (their sinks reported here); the facts about it every such
        path keeps (a wrapper of os.path.normpath returns a normalised path), None
        when no path returns it; and whether every summary applied returns a dict
        display."""
        kept: frozenset[str] | None = None
        dicts: list[bool] = []  # per summary applied: it returns a dict display
        for i, v in bound.items():
            t = v.deep_taint()
            if t is None:
                continue
            s = self.summarise(info, i)
            applied = self._apply_summary(info, s, t, node, v)
            result_taint = join_taint(result_taint, applied)
            dicts.append(s.ret is not None and s.ret.keys is not None and s.ret.qual is None)
            if applied is not None:
                facts = (s.ret.flags if s.ret is not None else frozenset()) & RETURNED_FACTS
                kept = facts if kept is None else kept & facts
            if recv_path is not None:
                for attr, safe in s.param_writes.items():
                    self.env[f"{recv_path}.{attr}"] = Val(t.sanitised(safe) if safe else t)
        return result_taint, kept, bool(dicts) and all(dicts)

    def _through_fields(
        self,
        info: FunctionInfo,
        node: ast.Call,
        fields: dict[str, Val],
        recv_path: str | None,
        result_taint: Taint | None,
    ) -> Taint | None:
        """`result_taint` joined with the taint a method returns from its receiver's
        tainted attributes (their sinks reported here); where it copies one into
        another, the receiver's other attribute now holds it."""
        for attr, v in fields.items():
            t = v.deep_taint()
            if t is None:
                continue
            s = self.summarise(info, f"attr:{attr}")
            result_taint = join_taint(result_taint, self._apply_summary(info, s, t, node))
            if recv_path is not None:
                # self.out = self.data.upper(): the receiver's other field now holds it
                for other, safe in s.param_writes.items():
                    if other != attr:
                        self.env[f"{recv_path}.{other}"] = Val(t.sanitised(safe) if safe else t)
        return result_taint

    def _apply_summary(
        self, info: FunctionInfo, s: Summary, t: Taint, node: ast.Call, program: Val | None = None
    ) -> Taint | None:
        """Report the sinks data `t` reaches inside the callee; the taint it returns.
        `program`: the argument, when it is a list whose items are known (a sink on
        the program a list names sees its first item only)."""
        for cls, line, what, chain in s.sinks:
            where = f"{info.qualname}" + (
                f" ({info.module.rel}:{line})" if info.module is not self.m else f" (line {line})"
            )
            reaching: Taint | None = t
            if cls == "cmd" and what.endswith(" program") and program and program.items:
                reaching = program.items[0].deep_taint()
            self.sink(cls, reaching, node, f"{what} in `{where}`", chain)
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
        """What calling `info` with `param` tainted does. A recursive call met while
        the summary is computed first returns nothing of the parameter (a function
        recursing only on values it builds and returning constants passes nothing
        on); only when the summary then returns the parameter anyway is it computed
        again with that call returning it, and the summaries made meanwhile
        dropped (they may rest on the first assumption)."""
        key = (f"{info.module.rel}:{info.qualname}:{info.node.lineno}", param)
        module = info.module
        cached = module.summaries.get(key)
        if cached is not None:
            return cached
        if key in module.in_progress:
            if key in module.pessimistic:
                return Summary(returns=True)
            module.assumed.add(key)
            return Summary()
        before = set(module.summaries)
        summary = self._summarise_once(info, param, key)
        if key in module.assumed and summary.returns:
            for made in set(module.summaries) - before:
                del module.summaries[made]
            module.pessimistic.add(key)
            summary = self._summarise_once(info, param, key)
            module.pessimistic.discard(key)
        module.assumed.discard(key)
        module.summaries[key] = summary
        return summary

    def _summarise_once(
        self, info: FunctionInfo, param: int | str | None, key: tuple[str, int | str | None]
    ) -> Summary:
        module = info.module
        module.in_progress.add(key)
        summary = Summary()
        try:
            flow = type(self)(
                module, info, summary=summary, tainted_param=param, depth=self.depth + 1
            )
            ret = flow.run()
            t = ret.deep_taint()
            if param is not None and t is not None and t.source == PARAM_SOURCE:
                summary.returns = True
                summary.return_safe = t.safe_for
            summary.ret = placed(ret, module.rel)
            self_name = self_param(info)
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
        return summary


def bind_arguments(
    info: FunctionInfo, args: list[Val], kwargs: dict[str, Val], receiver: Val | None
) -> tuple[dict[int, Val], bool]:
    """The values a call gives the callee's parameters, by slot: its parameters in
    order, keyword-only ones after them, then *args and **kwargs each joining what
    lands in them. True with them when the callee is a method (slot 0 is `self`
    or `cls`, the receiver's when known)."""
    names = [p.arg for p in [*info.node.args.posonlyargs, *info.node.args.args]]
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
            bound[varargs] = joined(bound.get(varargs), a)
    for k, v in kwargs.items():
        if k in kwnames:
            bound[kwnames.index(k)] = v
        elif info.node.args.kwarg is not None:
            bound[varkw] = joined(bound.get(varkw), v)
    return bound, offset == 1


def decorator_wrappers(info: FunctionInfo) -> list[FunctionInfo]:
    """The functions a call of `info` runs in its place: for each decorator that is a
    function of the project returning a function it defines (`def deco(f): def
    inner(x): ...; return inner`), that inner function; for a decorator factory's
    call (`@audited("tag")`), the function the decorator it returns returns. The
    decorator is one of the same module or one it imports from another module of
    the project (`from .log import with_logging`, `@log.with_logging`)."""
    key = f"{info.qualname}:{info.node.lineno}"
    known = info.module.wrappers.get(key)
    if known is not None:
        return known
    out: list[FunctionInfo] = []
    info.module.wrappers[key] = out
    if info.class_name is not None:
        return out
    for d in info.node.decorator_list:
        factory = isinstance(d, ast.Call)
        deco = _decorator_function(info.module, d.func if isinstance(d, ast.Call) else d)
        if deco is None or deco is info:
            continue
        decorators = _returned(deco) if factory else [deco]
        out.extend(w for f in decorators for w in _returned(f) if w is not info)
    return out


def _names(d: ast.expr, name: str, *, called: bool) -> bool:
    """A decorator `@name`, or `@name(...)` when `called`."""
    if called:
        return isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == name
    return isinstance(d, ast.Name) and d.id == name


def _returned(fn: FunctionInfo) -> list[FunctionInfo]:
    """The functions `fn` defines and returns by name (`return inner`)."""
    out: list[FunctionInfo] = []
    for stmt in fn.node.body:
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Name):
            inner = fn.module.by_qualname.get(f"{fn.qualname}.<locals>.{stmt.value.id}")
            if inner is not None:
                out.append(inner)
    return out


def _decorator_function(module: Module, d: ast.expr) -> FunctionInfo | None:
    """The project's function a decorator names: the module's own by its name, else
    the one its import of the name (or of the module holding it) stands for."""
    if isinstance(d, ast.Name) and d.id in module.functions:
        return module.functions[d.id]
    name = dotted(d) if isinstance(d, ast.Name | ast.Attribute) else None
    if not name or module.resolver is None:
        return None
    head, _, rest = name.partition(".")
    bound = module.env.get(head)
    if bound is None or not bound.qual or bound.qual.startswith("<"):
        return None
    found = module.resolver(f"{bound.qual}.{rest}" if rest else bound.qual)
    if found is None:
        return None
    other, local = found
    return other.functions.get(local) if other is not module else None


def plain_sources(info: FunctionInfo, n_args: int, kwargs: list[str]) -> dict[int, Source] | None:
    """Where each parameter of a plain function takes its value in a call with `n_args`
    positional arguments and these keywords, by slot in `bind_arguments`' order; None
    for a method, a constructor, or a call that fills *args or **kwargs."""
    if info.class_name is not None or info.node.name == "__init__":
        return None
    a = info.node.args
    names = [p.arg for p in [*a.posonlyargs, *a.args]]
    kwnames = names + [p.arg for p in a.kwonlyargs]
    out: dict[int, Source] = {}
    for i in range(n_args):
        if i < len(names):
            out[i] = ("arg", i)
        elif a.vararg is not None:
            return None
    for k in kwargs:
        if k in kwnames:
            out[kwnames.index(k)] = ("kw", k)
        elif a.kwarg is not None:
            return None
    return out
