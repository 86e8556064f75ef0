"""Expressions: constants folded, containers kept element by element, attributes
and subscripts of request objects, f-strings with their constant start."""

from __future__ import annotations

import ast
import operator
from typing import Any

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code.calls import PATH_SAFETY, Calls, dotdot_only
from shieldwall.analyzers.code.module import (
    PARAM_SOURCE,
    FunctionInfo,
)
from shieldwall.analyzers.code.state import (
    CALLABLE,
    HOST_ENDED,
    HOST_FIXED,
    HTML_BODY,
    MAX_STR,
    RESPONSE,
    const_ok,
    ends_host,
)
from shieldwall.analyzers.code.syntax import (
    dotted,
    self_param,
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
    unsafe_again,
)

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


def base_url_flag(parts: list[Val]) -> str | None:
    """For a string built of `parts` in order: HOST_FIXED when input comes after
    a value the code holds (a base URL) and a literal ending its host, HOST_ENDED
    when no input came yet and the host is ended (see state.HOST_ENDED)."""
    base = ended = False
    for p in parts:
        if p.taint is not None:
            return HOST_FIXED if ended or (base and ends_host(p.str_prefix)) else None
        if HOST_ENDED in p.flags:
            base = ended = True
        elif p.known:
            ended = ended or (base and isinstance(p.const, str) and ends_host(p.const))
        else:
            base = True
    return HOST_ENDED if ended else None


def upload(base: ast.expr, v: Val) -> Val:
    """`v`, read from `base` by key: an uploaded file object when `base` is a
    request's files (`request.files["f"]`, `request.FILES.get("f")`)."""
    if v.taint is not None and isinstance(base, ast.Attribute) and base.attr in cat.UPLOAD_ATTRS:
        return v.with_flags(cat.UPLOAD)
    return v


def literal_text(node: ast.expr) -> str:
    """The string literals of an expression in source order, a space for each
    other part (`"SELECT * FROM " + t + " WHERE id = " + x`: the statement's shape)."""
    return "".join(
        p.value if isinstance(p, ast.Constant) and isinstance(p.value, str) else " "
        for p in _parts(node)
    )


def _parts(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return [*_parts(node.left), *_parts(node.right)]
    if isinstance(node, ast.JoinedStr):
        return [p for v in node.values for p in _parts(v)]
    return [node]


class Expressions(Calls):
    """Expressions: constants folded, containers kept element by element, attributes
    and subscripts of request objects, f-strings with their constant start."""

    def expr(self, node: ast.expr) -> Val:
        if isinstance(node, ast.Constant):
            return const(node.value) if const_ok(node.value) else CLEAN
        if isinstance(node, ast.Name):
            return self.name_value(node)
        if isinstance(node, ast.Attribute):
            v = self.attribute(node)
            if (
                v.taint is not None
                and node.attr in cat.UPLOAD_FILE_ATTRS
                and isinstance(node.value, ast.Name)
                and cat.UPLOAD in self.expr(node.value).flags
            ):
                return v.with_flags(cat.UPLOAD)  # upload.stream: the file object
            return v
        if isinstance(node, ast.Subscript):
            return upload(node.value, self.subscript(node))
        if isinstance(node, ast.Call):
            v = self.call(node)
            if isinstance(node.func, ast.Attribute) and node.func.attr == "get":
                v = upload(node.func.value, v)
            func = node.func
            if (
                v.taint is not None
                and isinstance(func, ast.Attribute)
                and func.attr in ("format", "format_map")
                and isinstance(func.value, ast.Constant | ast.Name)
            ):
                template = self.expr(func.value)
                if template.known and isinstance(template.const, str):
                    self.sql_text(v, template.const, node)
            return v
        if isinstance(node, ast.BinOp):
            v = self.binop(node.op, self.expr(node.left), self.expr(node.right))
            if v.taint is not None:
                self.sql_text(v, v.prefix or literal_text(node), node)
            return v
        if isinstance(node, ast.JoinedStr | ast.FormattedValue):
            v = self.fstring(node)
            if v.taint is not None and isinstance(node, ast.JoinedStr):
                self.sql_text(v, literal_text(node), node)
            return v
        if isinstance(node, ast.BoolOp):
            return self.boolop(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.UnaryOp | ast.IfExp):
            return self.unary_or_conditional(node)
        if isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict):
            return self.container(node)
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

    def name_value(self, node: ast.Name) -> Val:
        """A name: its value in this function or module, else what it stands for."""
        found = self.env.get(node.id) or self.globals.get(node.id)
        if found is not None:
            return found
        if node.id == "request" and self.m.request_unbound():
            return Val(qual="<request>")  # a request the framework makes a global
        return Val(qual=node.id)  # a builtin or a global we did not see bound

    def fstring(self, node: ast.JoinedStr | ast.FormattedValue) -> Val:
        """An f-string: known when every part is, else its constant start."""
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
            flag = base_url_flag(parts)
            return Val(t, prefix=head or None, flags=frozenset({flag} if flag else ()))
        if isinstance(node, ast.FormattedValue):
            v = self.expr(node.value)
            if node.format_spec is not None:
                self.expr(node.format_spec)
                return Val(v.deep_taint())
            if v.known and node.conversion in (-1, 115):
                return Val(v.taint, frozenset((str(v.const),)))
            return Val(v.deep_taint())
        return CLEAN

    def unary_or_conditional(self, node: ast.UnaryOp | ast.IfExp) -> Val:
        """`not x`, `-x`, `a if test else b` (a constant test decides)."""
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
        return CLEAN

    def container(self, node: ast.List | ast.Tuple | ast.Set | ast.Dict) -> Val:
        """Lists and tuples element by element, dicts key by key."""
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
        return Val(body.deep_taint(), flags=frozenset({CALLABLE}))

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
                element = Val(it.deep_taint(), qual=instance_kind(it))
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
        getter = self._property_getter(node, base)
        if getter is not None:
            # reading a property runs its getter on the object
            call = ast.copy_location(ast.Call(func=node, args=[], keywords=[]), node)
            return self.call_summary(getter, call, [], {}, base)
        if base.qual == "<request>" or base.qual in cat.REQUEST_OBJECTS:
            if attr in cat.REQUEST_SAFE_ATTRS:
                return CLEAN
            if attr == "response":
                # Pyramid: the response the view returns, text/html unless set otherwise
                return Val(qual=RESPONSE, flags=frozenset({HTML_BODY}))
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
        if (
            isinstance(node.value, ast.Name)
            and attr in cat.HTTP_HANDLER_ATTRS
            and path not in self.env
            and self._http_handler_method(node.value.id)
        ):
            return Val(Taint(f"request `self.{attr}`", node.lineno))
        if (base.qual or "").startswith("<instance>") and base.deep_taint() is not None:
            fields = self.m.class_fields.get((base.qual or "")[len("<instance>") :], {})
            if fields.get(attr) in cat.SAFE_ANNOTATIONS:
                return CLEAN  # a field declared `n: int` on a validated model
            if fields.get(attr) in self.m.class_fields:
                # a nested model (`main_foo: Foo`): its own fields are typed too
                return Val(base.deep_taint(), qual=f"<instance>{fields[attr]}")
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

    def _property_getter(self, node: ast.Attribute, base: Val) -> FunctionInfo | None:
        """The getter of a property of this module's classes `node` reads, if any."""
        if not self.m.properties:
            return None
        qual = base.qual or ""
        if qual.startswith("<instance>") and "|" not in qual:
            cls: str | None = qual[len("<instance>") :]
        elif (
            isinstance(node.value, ast.Name)
            and self.info is not None
            and node.value.id == self_param(self.info)
        ):
            cls = self.info.class_name
        else:
            return None
        getter = self.m.property_getter(cls, node.attr) if cls else None
        return None if getter is self.info else getter

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
            return const(got) if const_ok(got) else CLEAN
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
                return const(result) if const_ok(result) else CLEAN
        if isinstance(op, ast.Add) and left.items is not None and right.items is not None:
            return Val(None, None, left.items + right.items)
        if isinstance(op, ast.Div) and left.qual == "pathlib.Path":
            if dotdot_only(right):  # BASE / "/etc/passwd" is /etc/passwd
                t = unsafe_again(t, PATH_SAFETY)
            return Val(t, qual="pathlib.Path")
        if (
            isinstance(op, ast.Mod)
            and left.known
            and isinstance(left.const, str)
            and right.known
            and t is None
        ):
            return CLEAN
        if isinstance(op, ast.Add):
            flag = base_url_flag([left, right])
            if flag is not None:
                return Val(t, flags=frozenset({flag}))
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
            return const(result) if const_ok(result) else CLEAN
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
