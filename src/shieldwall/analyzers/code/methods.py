"""Methods of values the interpreter follows: str methods on constants, lists,
dicts, parsers and config objects."""

from __future__ import annotations

import ast

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code.interproc import Interprocedural
from shieldwall.analyzers.code.state import (
    const_ok,
)
from shieldwall.analyzers.code.syntax import (
    dotted,
)
from shieldwall.analyzers.code.values import (
    CLEAN,
    Val,
    const,
    join_taint,
    union_taint,
)


class ContainerMethods(Interprocedural):
    """Methods of values the interpreter follows: str methods on constants, lists,
    dicts, parsers and config objects."""

    def method_call(
        self, node: ast.Call, method: str, receiver: Val, args: list[Val], kwargs: dict[str, Val]
    ) -> Val | None:
        path = dotted(node.func.value) if isinstance(node.func, ast.Attribute) else None
        got = self.str_method(node, method, receiver, args, kwargs)
        if got is not None:
            return got
        if receiver.qual == "<parser>" and method in ("setFeature", "set_feature"):
            feature = args[0].qual or "" if args else ""
            on = len(args) > 1 and args[1].known and bool(args[1].const)
            if feature.endswith(("feature_external_ges", "feature_external_pes")) and on and path:
                self.env[path] = Val(qual="<parser>", flags=receiver.flags | {"xxe"})
            return CLEAN
        if receiver.qual == "<config>":
            return self.config_method(path, method, receiver, args, kwargs)
        if receiver.qual == cat.GUARDED_SESSION and method == "mount" and path:
            # another transport adapter mounted: the session's filter no longer applies
            self.env[path] = Val(qual="requests.Session")
            return CLEAN
        if receiver.items is not None and path:
            return self.list_method(path, method, receiver, args)
        if receiver.keys is not None and path and receiver.qual is None:
            return self.dict_method(path, method, receiver, args)
        if method in cat.MUTATORS and path and (args or kwargs):
            t = join_taint(receiver.deep_taint(), union_taint([*args, *kwargs.values()]))
            self.env[path] = Val(t, None, None, None, receiver.qual, receiver.flags)
            return CLEAN
        return None

    def str_method(
        self, node: ast.Call, method: str, receiver: Val, args: list[Val], kwargs: dict[str, Val]
    ) -> Val | None:
        """str methods: folded on constants, their constant start kept, escaping replaced."""
        if (
            receiver.known
            and method in cat.STR_METHODS
            and all(a.known for a in args)
            and not kwargs
        ):
            try:
                result = getattr(receiver.const, method)(*(a.const for a in args))
            except Exception:  # a str method on odd constants
                return CLEAN
            if isinstance(result, list):
                return Val(items=tuple(const(x) for x in result))
            return const(result) if const_ok(result) else CLEAN
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
        return None

    def config_method(
        self, path: str | None, method: str, receiver: Val, args: list[Val], kwargs: dict[str, Val]
    ) -> Val:
        """A ConfigParser followed (section, option) by (section, option)."""
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
        elif method in cat.MUTATORS or method in ("sort", "pop", "remove"):
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
        if method in cat.MUTATORS or method in ("pop", "popitem"):
            return self._collapse_into(path, receiver, args)
        return None

    def _collapse_into(self, path: str, receiver: Val, args: list[Val]) -> Val:
        t = join_taint(receiver.deep_taint(), union_taint(args))
        self.env[path] = Val(t, None, None, None, receiver.qual)
        return Val(t)
