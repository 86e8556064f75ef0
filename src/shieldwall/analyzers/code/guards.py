"""Guards: which names a condition validates when it holds (membership, equality,
regex matches, validating predicates, containment checks)."""

from __future__ import annotations

import ast
import copy

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code.expressions import Expressions
from shieldwall.analyzers.code.state import (
    Env,
    pins_destination,
)
from shieldwall.analyzers.code.syntax import (
    containment_check,
    root_name,
)
from shieldwall.analyzers.code.values import (
    Val,
)


class Guards(Expressions):
    """Guards: which names a condition validates when it holds (membership, equality,
    regex matches, validating predicates, containment checks)."""

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

    def refine_by_callee(self, call: ast.Call, env: Env) -> Env:
        """`assert_numeric(x)` returned: the checks its callee makes of its parameters
        before anything else (`assert p.isnumeric()`, `if not ok(p): raise`) hold of
        the arguments given for them."""
        qual = self.qual_of(call.func) or ""
        if qual.startswith("<func>"):
            info = self.m.by_qualname.get(qual[len("<func>") :])
        else:
            info = self._project(qual) if "." in qual else None
        if info is None:
            return env
        params = [p.arg for p in [*info.node.args.posonlyargs, *info.node.args.args]]
        stored = {
            n.id
            for n in ast.walk(info.node)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        given = {
            params[i]: a
            for i, a in enumerate(call.args)
            if i < len(params) and not isinstance(a, ast.Starred) and params[i] not in stored
        }
        given.update(
            (k.arg, k.value) for k in call.keywords if k.arg in params and k.arg not in stored
        )
        if not given:
            return env
        for test, truth in leading_checks(info.node.body):
            env = self.refine(_substituted(test, given), truth, env)
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
        if isinstance(test, ast.Name):
            # `not x` holds: x is empty (None, "", 0), nothing to inject
            empty = set() if truth else {test.id}
            if test.id in self.conditions:
                return self.validated(self.conditions[test.id][0], truth) | empty  # `if ok:`
            return empty
        if isinstance(test, ast.BoolOp):
            local = self._local_url_check(test, truth)
            if local is not None:
                self.partial[local] = frozenset({"redirect", "ssrf"})
                return {local}
            literal = self._quoted_literal_check(test, truth)
            if literal is not None:
                self.partial[literal] = cat.QUOTED_LITERAL_SAFE
                return {literal}
            return self._validated_boolop(test, truth)
        if (
            isinstance(test, ast.Call)
            and not truth
            and isinstance(test.func, ast.Attribute)
            and test.func.attr in cat.ABSOLUTE_URL_CHECKS
        ):
            # `if URL(u).is_absolute(): raise`: past it u is a path on this site
            name = root_name(test.func.value)
            if name:
                self.partial[name] = frozenset({"redirect", "ssrf"})
                return {name}
            return set()
        if isinstance(test, ast.Attribute) and not truth and test.attr in cat.HOST_PARTS:
            # `if parts.netloc: abort()` after `parts = urlparse(url)`: past it the
            # URL names no host (a local path), whatever else it holds
            # a URL with no host may still carry a scheme (`javascript:...`): a
            # redirect needs the scheme checked too (see _local_url_check)
            name = root_name(test.value)
            if name:
                self.partial[name] = frozenset({"ssrf"})
                return {name}
            return set()
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            return self._validated_compare(test, truth)
        if isinstance(test, ast.Call) and truth:
            return self._validated_call(test)
        return set()

    def _validated_boolop(self, test: ast.BoolOp, truth: bool) -> set[str]:
        """`a and b` true (or `a or b` false): what every operand validates."""
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
            for n in self._slash_path_checks(test.values) & outer.keys():
                outer[n] = outer[n] | {"redirect"}  # "/x" and not "//x": a path here
            self.partial = outer
            for n in full:
                self.partial.pop(n, None)
            return out
        # `a or b` true (`a and b` false): what each operand validates in full
        # (`x == "foo" or x == "bar"`: x is one of two constants)
        outer = self.partial
        common: set[str] | None = None
        for v in test.values:
            self.partial = {}
            got = {n for n in self.validated(v, truth) if n not in self.partial}
            common = got if common is None else common & got
        self.partial = outer
        return common or set()

    def _validated_compare(self, test: ast.Compare, truth: bool) -> set[str]:
        """Membership in a collection, equality with a constant, containment of a path."""
        op, left, right = test.ops[0], test.left, test.comparators[0]
        if isinstance(op, ast.In | ast.NotIn):
            positive = isinstance(op, ast.In) == truth
            lname = root_name(left)
            if positive and lname and self._is_collection(right):
                return {lname}
            rname = root_name(right)
            absent = self.expr(left)
            if not positive and rname and absent.known:
                # `"'" not in x` holds: x lacks that character, which protects the
                # sinks where it is the dangerous one (never `'../'`: absolute paths,
                # encodings and backslashes still get out)
                classes = cat.ABSENT_SUBSTRINGS.get(str(absent.const), frozenset())
                if cat.JOINED in self.expr(right).flags:
                    # join(base, name) lacking `../`: name may have been absolute
                    classes = classes - {"path", cat.DOTDOT}
                if classes:
                    self.partial[rname] = classes
                    return {rname}
            return set()
        if isinstance(op, ast.Eq | ast.NotEq | ast.Is):
            positive = isinstance(op, ast.Eq | ast.Is) == truth
            if positive:
                contained = containment_check(left) or containment_check(right)
                if contained:
                    return contained  # commonpath([p, base]) == base: p is inside
                for part, other in ((left, right), (right, left)):
                    host = self._host_pinned(part, other)
                    if host:
                        self.partial[host] = frozenset({"redirect", "ssrf"})
                        return {host}
                for a, b in ((left, right), (right, left)):
                    name = root_name(a)
                    if name and self.expr(b).known:
                        return {name}
        return set()

    def _host_pinned(self, part: ast.expr, other: ast.expr) -> str | None:
        """`urlparse(u).netloc == expected` holds, `expected` not a constant: u
        names that host (a URL without a host fails the test). Equality with a
        constant is the check of a constant below."""
        if not (isinstance(part, ast.Attribute) and part.attr in cat.HOST_PARTS):
            return None
        if self.expr(other).consts is not None:
            return None
        return root_name(part.value)

    def _validated_call(self, test: ast.Call) -> set[str]:
        """A regex match, a validating predicate or function that returned true."""
        func = test.func
        qual = self.qual_of(func)
        if isinstance(func, ast.Attribute) and func.attr in ("fullmatch", "match"):
            # a regex: re.fullmatch(pattern, x) or compiled.fullmatch(x) checks x
            subject = (
                test.args[1 if qual in ("re.fullmatch", "re.match") else 0]
                if len(test.args) > (1 if qual in ("re.fullmatch", "re.match") else 0)
                else None
            )
            name = root_name(subject) if subject is not None else None
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
            name = root_name(func.value)
            inner = func.value
            if (
                name is None
                and isinstance(inner, ast.Call)
                and inner.args
                and self.qual_of(inner.func) in cat.NORMALISERS
            ):
                # abspath(p).startswith(base): p itself resolves inside base
                name = root_name(inner.args[0])
            if name and func.attr in cat.AFFIX_CHECKS:
                classes = cat.AFFIX_CHECKS[func.attr]
                if "path" in classes and not self._normalised(func.value):
                    # "/srv/files/../../etc/passwd".startswith("/srv/files"): only a
                    # normalised path is inside the folder it starts with
                    classes = classes - {"path"}
                if func.attr == "startswith" and test.args:
                    classes = classes - self._open_url_prefix(test.args[0])
                self.partial[name] = classes
            return {name} if name else set()
        last = (qual or "").rsplit(".", 1)[-1]
        if qual in cat.VALIDATING_FUNCS or last in cat.VALIDATING_FUNCS:
            out = set()
            checked = [*test.args[:2], *(k.value for k in test.keywords if k.arg in ("url",))]
            for a in checked:
                name = root_name(a)
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

    def _normalised(self, node: ast.expr) -> bool:
        """A path with `..` resolved (through `str()` / `os.fspath()` of one)."""
        if (
            isinstance(node, ast.Call)
            and len(node.args) == 1
            and self.qual_of(node.func) in ("str", "os.fspath")
        ):
            node = node.args[0]
        return cat.NORMALISED in self.expr(node).flags

    def _slash_path_checks(self, values: list[ast.expr]) -> set[str]:
        """Names `u.startswith("/") and not u.startswith("//")` holds for."""
        starts: set[str] = set()
        not_double: set[str] = set()
        for v in values:
            negated = isinstance(v, ast.UnaryOp) and isinstance(v.op, ast.Not)
            call = v.operand if isinstance(v, ast.UnaryOp) and negated else v
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "startswith"
                and isinstance(call.func.value, ast.Name)
                and len(call.args) == 1
            ):
                continue
            name = call.func.value.id
            if negated and self._mentions_slashes(call.args[0]):
                not_double.add(name)
            elif not negated:
                prefix = self.expr(call.args[0])
                if prefix.known and isinstance(prefix.const, str) and prefix.const[:1] == "/":
                    starts.add(name)
        return starts & not_double

    def _open_url_prefix(self, arg: ast.expr) -> frozenset[str]:
        """The URL sinks a prefix known statically leaves open: "http", "https://",
        "https://site.com" (site.com.evil.com) and "/" (//evil.com) let the URL
        go anywhere; only a host ended by "/" pins the destination, or for a
        redirect a path on this site ("/app/")."""
        value = self.expr(arg)
        if value.consts is None:
            return frozenset()  # a prefix from elsewhere: taken as a check
        prefixes: list[object] = []
        for c in value.consts:
            prefixes.extend(c if isinstance(c, tuple) else (c,))
        return frozenset(
            cls
            for cls in ("ssrf", "redirect")
            if not all(isinstance(p, str) and pins_destination(cls, p) for p in prefixes)
        )

    def _mentions_slashes(self, arg: ast.expr) -> bool:
        """A prefix argument known to hold `//` (a prefix not known statically: no)."""
        value = self.expr(arg)
        return value.known and "//" in repr(value.const)

    def _local_url_check(self, test: ast.BoolOp, truth: bool) -> str | None:
        """`if p.netloc or p.scheme or u.startswith(("//", "\\")): abort()`: past it
        (every operand false) `u` is a path on this site. The name checked, or None."""
        if not isinstance(test.op, ast.Or) or truth:
            return None
        seen: dict[str, set[str]] = {}
        for v in test.values:
            if isinstance(v, ast.Attribute) and v.attr in (*cat.HOST_PARTS, "scheme"):
                aspect = "scheme" if v.attr == "scheme" else "host"
                name = root_name(v.value)
            elif (
                isinstance(v, ast.Call)
                and isinstance(v.func, ast.Attribute)
                and v.func.attr == "startswith"
                and v.args
                and self._mentions_slashes(v.args[0])
            ):
                aspect, name = "slashes", root_name(v.func.value)
            else:
                continue
            if name:
                for n in self._with_origins(name):
                    seen.setdefault(n, set()).add(aspect)
        for name, aspects in seen.items():
            # host and scheme both empty: taken as a local path (`///x` and `/\\x`,
            # which browsers read as `//x`, are left to the slashes check when there)
            if aspects >= {"host", "scheme"}:
                return name
        return None

    def _quoted_literal_check(self, test: ast.BoolOp, truth: bool) -> str | None:
        """`x.startswith(q) and x.endswith(q) and q not in x[1:-1]` true (or its
        negation with `or` false): x is one quoted string literal, inert to eval."""
        if isinstance(test.op, ast.Or) == truth:
            return None
        seen: dict[tuple[str, str], set[str]] = {}
        for v in test.values:
            want = truth  # `or` false: every operand false; `and` true: every one true
            if isinstance(v, ast.UnaryOp) and isinstance(v.op, ast.Not):
                v, want = v.operand, not want
            got = self._literal_aspect(v, want)
            if got is not None:
                name, quote, aspect = got
                seen.setdefault((name, quote), set()).add(aspect)
        for (name, _), aspects in seen.items():
            if aspects >= {"starts", "ends", "inner"}:
                return name
        return None

    def _literal_aspect(self, v: ast.expr, holds: bool) -> tuple[str, str, str] | None:
        """(name, quote, aspect) when `v` having truth `holds` pins one side of a
        quoted literal: it starts or ends with the quote, or has none inside."""
        if (
            holds
            and isinstance(v, ast.Call)
            and isinstance(v.func, ast.Attribute)
            and v.func.attr in ("startswith", "endswith")
            and isinstance(v.func.value, ast.Name)
            and len(v.args) == 1
        ):
            q = self.expr(v.args[0])
            if q.known and q.const in ("'", '"'):
                aspect = "starts" if v.func.attr == "startswith" else "ends"
                return v.func.value.id, str(q.const), aspect
        if (
            isinstance(v, ast.Compare)
            and len(v.ops) == 1
            and isinstance(v.ops[0], ast.In | ast.NotIn)
            and isinstance(v.ops[0], ast.NotIn) == holds
            and isinstance(v.comparators[0], ast.Subscript)
            and isinstance(v.comparators[0].value, ast.Name)
        ):
            q = self.expr(v.left)
            if q.known and q.const in ("'", '"'):
                return v.comparators[0].value.id, str(q.const), "inner"
        return None


def leading_checks(body: list[ast.stmt]) -> list[tuple[ast.expr, bool]]:
    """The checks a function makes first, each with the truth it must have for the
    function to go on: `assert t` (t true), `if t: raise` (t false); up to the first
    statement that may return."""
    out: list[tuple[ast.expr, bool]] = []
    for stmt in body:
        if any(isinstance(n, ast.Return) for n in ast.walk(stmt)):
            break
        if isinstance(stmt, ast.Assert):
            out.append((stmt.test, True))
        elif (
            isinstance(stmt, ast.If)
            and not stmt.orelse
            and len(stmt.body) == 1
            and isinstance(stmt.body[0], ast.Raise)
        ):
            out.append((stmt.test, False))
    return out


class _Substitute(ast.NodeTransformer):
    def __init__(self, given: dict[str, ast.expr]) -> None:
        self.given = given

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.given.get(node.id, node)


def _substituted(test: ast.expr, given: dict[str, ast.expr]) -> ast.expr:
    """The callee's check with its parameters replaced by the caller's arguments."""
    out = _Substitute(given).visit(copy.deepcopy(test))
    assert isinstance(out, ast.expr)
    return out
