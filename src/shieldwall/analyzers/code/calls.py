"""Calls: what a call returns (sources, sanitisers, modelled objects, summaries) and
the functions it runs (callbacks, closures, functions handed to executors)."""

from __future__ import annotations

import ast

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code import charsets, patterns
from shieldwall.analyzers.code.methods import ContainerMethods
from shieldwall.analyzers.code.module import (
    FunctionInfo,
)
from shieldwall.analyzers.code.state import (
    CALLABLE,
    ESCAPING_TEMPLATE,
    HTML_BODY,
    LOGGER,
    MARKUP,
    MAX_DEPTH,
    RESPONSE,
    as_argument,
    not_html,
)
from shieldwall.analyzers.code.syntax import (
    dotted,
    on_self,
)
from shieldwall.analyzers.code.values import (
    CLEAN,
    Taint,
    Val,
    collapse,
    const,
    join_taint,
    union_taint,
    unsafe_again,
)


def _all_taint(args: list[Val], kwargs: dict[str, Val], receiver: Val | None) -> Taint | None:
    """The taint of everything a call is given: arguments, keywords and receiver."""
    return union_taint([*args, *kwargs.values(), *([receiver] if receiver else [])])


class Calls(ContainerMethods):
    """Calls: what a call returns (sources, sanitisers, modelled objects, summaries)
    and the functions it runs (callbacks, closures, functions handed to executors)."""

    def call(self, node: ast.Call) -> Val:
        lam = self._lambda_called(node.func)
        if lam is not None:
            return self.call_lambda(lam, node)
        receiver, method, fval, qual = self._callee(node.func)
        args, kwargs = self._arguments(node)
        self.run_callbacks(node, args, kwargs)
        ours = self._call_nested_or_own(qual, node, args, kwargs)
        if ours is None and isinstance(node.func, ast.Name):
            ours = self.call_decorated(node.func.id, node, args, kwargs)
        if ours is None:
            ours = self.call_registered(node, args, kwargs)
        if ours is not None:
            return ours
        if (
            fval is not None
            and fval.qual is None
            and fval.deep_taint() is not None
            and (isinstance(node.func, ast.Call) or CALLABLE in fval.flags)
        ):
            # calling a lambda over tainted data, or what a factory returned (make(x)())
            return Val(join_taint(fval.deep_taint(), union_taint([*args, *kwargs.values()])))
        if self.summary is None:
            patterns.check_call(self, node, qual, method, receiver, args, kwargs)
        self.check_sinks(node, qual, method, receiver, args, kwargs)
        result = self.call_result(node, qual, method, receiver, args, kwargs)
        return path_facts(result, qual, method, receiver, args)

    def _lambda_called(self, func: ast.expr) -> ast.Lambda | None:
        """A lambda kept in a name and called through it (not from its own body)."""
        if isinstance(func, ast.Name) and func.id in self.lambdas:
            lam = self.lambdas[func.id]
            if id(lam) not in self.lambdas_running:
                return lam
        return None

    def _callee(self, func: ast.expr) -> tuple[Val | None, str | None, Val | None, str | None]:
        """What is called: (receiver, method name) for `x.m(...)`, the function's
        value otherwise, and its dotted name when known."""
        if isinstance(func, ast.Name) and func.id in self.bound_methods:
            func = self.bound_methods[func.id]  # search = conn.search_s; search(...)
        if isinstance(func, ast.Attribute):
            receiver = self.expr(func.value)
            qual = (
                f"{receiver.qual}.{func.attr}"
                if receiver.qual and not receiver.qual.startswith("<")
                else None
            )
            return receiver, func.attr, None, qual
        fval = self.expr(func)
        return None, None, fval, fval.qual

    def _arguments(self, node: ast.Call) -> tuple[list[Val], dict[str, Val]]:
        """The positional and keyword arguments' values; `**d` gives its keywords
        one by one when its keys are known, one collapsed argument otherwise."""
        args = [as_argument(self.expr(a), a) for a in node.args]
        kwargs: dict[str, Val] = {}
        for kw in node.keywords:
            v = as_argument(self.expr(kw.value), kw.value)
            if kw.arg is None:
                if v.keys is not None and all(isinstance(k, str) for k in v.keys):
                    # f(**{"secure": True}): the keywords are known one by one
                    kwargs.update((str(k), kv) for k, kv in v.keys.items())
                else:
                    args.append(collapse(v))
            else:
                kwargs[kw.arg] = v
        return args, kwargs

    def _call_nested_or_own(
        self, qual: str | None, node: ast.Call, args: list[Val], kwargs: dict[str, Val]
    ) -> Val | None:
        """A call of a function of this module: a function nested in this one runs
        in place (it reads the variables it closes over), another one by its
        summary. None when the function called is not one of this module's."""
        if not qual or not qual.startswith("<func>"):
            return None
        qual_name = qual[len("<func>") :]
        info = self.m.by_qualname.get(qual_name)
        if info is None:
            return None
        if (
            ".<locals>." in qual_name
            and self.info is not None
            and qual_name.startswith(self.scope + ".<locals>.")
        ):
            ran = self.run_closure(info, args)
            if ran is not None:
                return ran
        return self.call_summary(info, node, args, kwargs, None)

    def call_lambda(self, fn: ast.Lambda, call: ast.Call) -> Val:
        """A lambda called here: its body on the arguments passed (positional and by
        keyword; what is not passed is clean)."""
        values = [self.expr(a) for a in call.args if not isinstance(a, ast.Starred)]
        named = {kw.arg: self.expr(kw.value) for kw in call.keywords if kw.arg}
        saved = self.env
        self.env = dict(saved)
        a = fn.args
        for i, arg in enumerate([*a.posonlyargs, *a.args]):
            self.env[arg.arg] = values[i] if i < len(values) else named.get(arg.arg, CLEAN)
        for extra in [*a.kwonlyargs, a.vararg, a.kwarg]:
            if extra is not None:
                self.env[extra.arg] = named.get(extra.arg, CLEAN)
        self.lambdas_running.add(id(fn))
        try:
            return self.expr(fn.body)
        finally:
            self.lambdas_running.discard(id(fn))
            self.env = saved

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
        last = (method or name).rsplit(".", 1)[-1]
        if last not in cat.HANDING_CALLS or not args:
            return None
        at = 1 if last == "run_in_executor" else 0
        handed = (args[at].qual or "") if at < len(args) else ""
        if handed in cat.SINK_CALLS and last not in ("map", "imap", "imap_unordered", "starmap"):
            # loop.run_in_executor(None, exec, code): the sink runs on what follows
            rest = list(args[at + 1 :])
            if last in ("apply", "apply_async") and rest and rest[0].items is not None:
                rest = list(rest[0].items)
            self.check_sinks(node, handed, None, None, rest, {})
            return None
        if not handed.startswith("<func>"):
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

    def call_result(
        self,
        node: ast.Call,
        qual: str | None,
        method: str | None,
        receiver: Val | None,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> Val:
        """What a call returns: the first stage that knows the callee decides."""
        for stage in (
            self._own_method_result,
            self._source_result,
            self._sanitised_result,
            self._response_result,
            self._object_result,
            self._builtin_result,
            self._project_result,
        ):
            got = stage(node, qual, method, receiver, args, kwargs)
            if got is not None:
                return got
        # A whole request object handed to a function we cannot see into: the result
        # is not request data itself (reverse(), render(request, ...)) but may wrap the
        # request, so what is read from it later is (a wrapper's get_param()).
        inputs = [*args, *kwargs.values(), *([receiver] if receiver else [])]
        data = union_taint([v for v in inputs if v.qual != "<request>"])
        if data is None and any(v.qual == "<request>" for v in inputs):
            return Val(qual="<request>")
        return Val(data)

    def _own_method_result(
        self,
        node: ast.Call,
        qual: str | None,
        method: str | None,
        receiver: Val | None,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> Val | None:
        """A method of the project's own classes (they win over models keyed on a
        method name: `repo.find(x)` is not str.find), or a function handed to an executor."""
        name = qual or ""
        all_taint = _all_taint(args, kwargs, receiver)
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
                    and on_self(node, self.info)
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
        if name in cat.TARGET_RUNNERS and "target" in kwargs:
            self._run_target(node, kwargs)
        return None

    def _run_target(self, node: ast.Call, kwargs: dict[str, Val]) -> None:
        """`Thread(target=f, args=(x,))`: f runs on x (reported here, where it is
        handed over); a nested function's effects are applied by run_callbacks."""
        target = kwargs["target"]
        info = self.m.by_qualname.get((target.qual or "")[len("<func>") :])
        if info is None or not (target.qual or "").startswith("<func>"):
            return
        if info.qualname.startswith(self.scope + ".<locals>."):
            return
        extra = kwargs.get("args")
        rest = list(extra.items) if extra is not None and extra.items is not None else []
        if extra is not None and extra.items is None:
            rest = [Val(extra.deep_taint())]
        more = kwargs.get("kwargs")
        named = (
            {str(k): v for k, v in more.keys.items()}
            if more is not None and more.keys is not None
            else {}
        )
        if rest or named:
            self.call_summary(info, node, rest, named, None)

    def _source_result(
        self,
        node: ast.Call,
        qual: str | None,
        method: str | None,
        receiver: Val | None,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> Val | None:
        """A source: request data, data read from outside, a weak random value."""
        name = qual or ""
        last = name.rsplit(".", 1)[-1] if name else (method or "")
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
        if receiver is not None and (receiver.qual, method) in cat.SOURCE_MODEL_METHODS:
            label, kind = cat.SOURCE_MODEL_METHODS[(receiver.qual or "", method or "")]
            return Val(Taint(label, node.lineno, kind))
        needs = cat.FRAMEWORK_SOURCE_METHODS.get(method or "")
        if needs is not None and receiver is not None and needs & self.m.imported:
            return Val(Taint(f"request `{method}()`", node.lineno))
        if method in cat.SOURCE_METHODS and receiver is not None and not receiver.known:
            label, kind = cat.SOURCE_METHODS[method]
            return Val(Taint(label, node.lineno, kind))
        if receiver is not None and (
            receiver.qual == "<request>" or receiver.qual in cat.REQUEST_OBJECTS
        ):
            if method == "build_absolute_uri" and args:
                # Django: this site's scheme and host (checked against ALLOWED_HOSTS)
                # before the location given, which carries what the URL holds
                return Val(union_taint(args))
            t = receiver.taint or Taint(f"request.{method}()", node.lineno)
            return Val(t)
        return None

    def _sql_escape(self, last: str, qual: str | None, method: str | None) -> frozenset[str] | None:
        """The classes a database driver's quoting function makes its argument safe for."""
        if last in cat.SQL_ESCAPE_NAMES and (qual is not None or method is not None):
            return cat.SQL_ESCAPED
        needs = cat.SQL_ESCAPE_METHODS.get(method or "")
        if qual is None and needs is not None and needs & self.m.imported:
            return cat.SQL_ESCAPED
        return None

    def _sanitised_result(
        self,
        node: ast.Call,
        qual: str | None,
        method: str | None,
        receiver: Val | None,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> Val | None:
        """A sanitiser, decoder or killer: what of the argument's taint survives."""
        name = qual or ""
        last = name.rsplit(".", 1)[-1] if name else (method or "")
        if receiver is not None and MARKUP in receiver.flags and method in ("format", "join"):
            return Val(qual=RESPONSE, flags=receiver.flags)  # Markup escapes what it inserts
        # sanitisers and killers
        classes = cat.SANITISERS.get(name) or self._sql_escape(last, qual, method)
        if (
            classes is None
            and last
            and "escape" in last.lower()
            and (qual is not None or method is not None)
        ):
            classes = cat.XSS_ESCAPES
        if classes is not None:
            if "xss" in classes:
                self.markup_handled(node, args[:1], anywhere=True)
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
        return None

    def _response_result(
        self,
        node: ast.Call,
        qual: str | None,
        method: str | None,
        receiver: Val | None,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> Val | None:
        """Loggers, bound SQL, templates that escape, response builders."""
        name = qual or ""
        if name in ("logging.getLogger", "logging.Logger"):
            return Val(qual=LOGGER)
        if method == "bindparams" and receiver is not None:
            return receiver  # text(...).bindparams(x=v): v is bound, not spliced in
        if name in cat.SQL_STATEMENT_BUILDERS or (
            receiver is not None and receiver.qual == cat.SQL_STATEMENT
        ):
            # a statement object, not SQL text: executing it binds what it holds
            built = _all_taint(args, kwargs, receiver)
            safe = built.sanitised(frozenset({"sql"})) if built else None
            return Val(safe, qual=cat.SQL_STATEMENT)
        if (
            name in cat.AUTOESCAPED_TEMPLATES
            and args
            and args[0].known
            and isinstance(args[0].const, str)
            and not cat.AUTOESCAPE_OFF.search(args[0].const)
        ):
            return Val(qual=ESCAPING_TEMPLATE)
        if receiver is not None and receiver.qual == ESCAPING_TEMPLATE and method == "render":
            return Val(qual=RESPONSE)  # its variables are escaped when rendered
        if (
            name in cat.TEMPLATE_RENDERERS
            and args
            and args[0].known
            and isinstance(args[0].const, str)
            and not cat.AUTOESCAPE_OFF.search(args[0].const)
        ):
            return Val(qual=RESPONSE)  # a fixed template: its variables are escaped
        if name in cat.RESPONSE_BUILDERS or (
            name in cat.SINK_CALLS and cat.SINK_CALLS[name].cls in ("xss", "redirect")
        ):
            spec = cat.SINK_CALLS.get(name)
            html = spec is not None and spec.cls == "xss" and not not_html(kwargs)
            if name in cat.MARKUP_CLASSES:
                return Val(qual=RESPONSE, flags=frozenset({MARKUP}))
            return Val(qual=RESPONSE, flags=frozenset({HTML_BODY}) if html else frozenset())
        return None

    def _object_result(
        self,
        node: ast.Call,
        qual: str | None,
        method: str | None,
        receiver: Val | None,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> Val | None:
        """An object the interpreter models (parsers, HTTP clients, files, buffers)."""
        name = qual or ""
        all_taint = _all_taint(args, kwargs, receiver)
        model = cat.MODELLED_OBJECTS.get(name)
        if model is not None:
            return self._modelled_object(model, node, args, kwargs, all_taint)
        if name in cat.HTTP_CLIENTS:
            return Val(qual=cat.HTTP_CLIENTS[name])
        if name in cat.XPATH_EVALUATORS:
            return Val(qual="<xpatheval>")
        if method in cat.GUARDED_SESSION_FACTORIES:
            return Val(qual=cat.GUARDED_SESSION)
        return None

    def _modelled_object(
        self,
        model: str,
        node: ast.Call,
        args: list[Val],
        kwargs: dict[str, Val],
        all_taint: Taint | None,
    ) -> Val:
        """A new object of a model in `catalog.MODELLED_OBJECTS`."""
        if model == "<config>":
            return Val(keys={}, qual=model)
        if model == "<lxml-parser>":
            resolve = kwargs.get("resolve_entities")
            if resolve is not None and isinstance(resolve.const, bool):
                flag = "xxe" if resolve.const else "safe"
                return Val(qual="<parser>", flags=frozenset({flag}))
            return Val(qual="<parser>")
        if model == "pathlib.Path":
            return Val(all_taint, qual=model)
        if model == "<file>":
            if args and args[0].known:  # the application's own file, by a fixed name
                return Val(qual=model)
            return Val(Taint("file contents", node.lineno, "file"), qual=model)
        if model == "<buffer>":
            return Val(union_taint(args), qual=model)
        if model == cat.UNPICKLER:  # Unpickler(file): what its load() will read
            source = args[:1] or [v for k, v in kwargs.items() if k == "file"]
            return Val(union_taint(source), qual=model)
        if model == "<tar-archive>":
            return Val(all_taint, qual=model)  # tarfile.open(fileobj=upload)
        if model == "<http-connection>":
            host = args[0] if args else kwargs.get("host")
            return Val(host.deep_taint() if host else None, qual=model)
        return Val(qual=model)

    def _builtin_result(
        self,
        node: ast.Call,
        qual: str | None,
        method: str | None,
        receiver: Val | None,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> Val | None:
        """Builtins and containers whose result is known from their arguments."""
        name = qual or ""
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
        if name in cat.MODULE_IMPORTS and args and args[0].known:
            module = str(args[0].const)
            if module and not module.startswith("."):
                # __import__("os.path") gives the package `os`; import_module the module
                return Val(qual=module.split(".")[0] if name.endswith("__import__") else module)
        return None

    def _project_result(
        self,
        node: ast.Call,
        qual: str | None,
        method: str | None,
        receiver: Val | None,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> Val | None:
        """A modelled method, a function or class of this module or of the project."""
        name = qual or ""
        all_taint = _all_taint(args, kwargs, receiver)
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
            if not args and self._request_form(cname):
                return Val(Taint("a submitted form", node.lineno), qual=f"<instance>{cname}")
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
            if method in cat.PATH_BUILDING_METHODS:
                # Path(base).joinpath(name), .with_name(name): the name is part of it
                return Val(union_taint([receiver, *args]), qual="pathlib.Path")
            return Val(receiver.taint, qual="pathlib.Path")
        return None

    def _request_form(self, cname: str) -> bool:
        """A form class of this module that fills itself from the request (see
        catalog.REQUEST_FORM_BASES)."""
        bases = self.m.class_bases.get(cname, ())
        return bool(cat.REQUEST_FORM_BASES & set(bases)) or (
            "Form" in bases and bool(cat.REQUEST_FORM_PACKAGES & self.m.imported)
        )

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


PATH_SAFETY = frozenset({"path", cat.DOTDOT})


def dotdot_only(v: Val) -> bool:
    """`v` is a path component checked for `../` only (see catalog.DOTDOT)."""
    t = v.deep_taint()
    return t is not None and cat.DOTDOT in t.safe_for


def path_facts(
    result: Val, qual: str | None, method: str | None, receiver: Val | None, args: list[Val]
) -> Val:
    """What a path call's result is known to be: a join with a `..` component is
    no longer safe as a path, one with a tainted later component may not start with
    the base (it may be absolute), and realpath(x) or Path(x).resolve() is
    normalised (`..` and links resolved: a prefix check on it holds)."""
    if qual in cat.PATH_JOINS and any(dotdot_only(a) for a in args[1:]):
        result = Val(unsafe_again(result.taint, PATH_SAFETY), qual=result.qual)
    if qual in cat.PATH_JOINS and any(a.deep_taint() is not None for a in args[1:]):
        result = result.with_flags(cat.JOINED)
    if qual in cat.NORMALISERS or (
        method in cat.NORMALISING_METHODS
        and receiver is not None
        and receiver.qual == "pathlib.Path"
    ):
        return result.with_flags(cat.NORMALISED)
    return result
