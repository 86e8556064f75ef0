"""The abstract values the data-flow walk computes: taint, known constants and
the shape of containers (per-element taint for literals with constant keys)."""

from __future__ import annotations

from dataclasses import dataclass

# Sink classes a value can be sanitised for (a taint may be safe for some only).
ALL_CLASSES = frozenset(
    {
        "sql",
        "cmd",
        "code",
        "deser",
        "path",
        "ssrf",
        "redirect",
        "template",
        "xss",
        "xxe",
        "ldap",
        "xpath",
        "header",
        "log",
        "trust",
        "import",
    }
)
MAX_CONSTS = 4


@dataclass(frozen=True, slots=True)
class Taint:
    """Where untrusted data came from, and what it was made safe for on the way."""

    source: str
    line: int
    kind: str = "input"  # "input" (requests, sockets), "cli", "env", "file", "weakrand"
    safe_for: frozenset[str] = frozenset()
    # The file `line` is in when it is not the one analysed (data that a function of
    # another module returned); "" for the file being analysed.
    path: str = ""

    def sanitised(self, classes: frozenset[str]) -> Taint | None:
        merged = self.safe_for | classes
        if merged >= ALL_CLASSES:
            return None
        return Taint(self.source, self.line, self.kind, merged, self.path)

    def placed(self, path: str) -> Taint:
        """The same taint, said to come from `path` unless its file is already known."""
        return self if self.path else Taint(self.source, self.line, self.kind, self.safe_for, path)

    def dangerous_for(self, sink_class: str) -> bool:
        return sink_class not in self.safe_for


class Val:
    """One abstract value. Treated as immutable: operations build new values.

    - ``taint``: None when clean.
    - ``consts``: the possible constant values (None: unknown).
    - ``items``: for a list/tuple whose elements are known one by one.
    - ``keys``: for a dict (or config parser) whose entries are known by constant key.
    - ``qual``: a dotted name when the value is a module, function, class or a
      well-known object (``flask.request``, ``pathlib.Path``).
    - ``flags``: facts about objects (``xxe`` for a parser resolving entities).
    - ``prefix``: for a string whose start is a known constant (``"https://host/" + x``).
    """

    __slots__ = ("consts", "flags", "items", "keys", "prefix", "qual", "taint")

    def __init__(
        self,
        taint: Taint | None = None,
        consts: frozenset[object] | None = None,
        items: tuple[Val, ...] | None = None,
        keys: dict[object, Val] | None = None,
        qual: str | None = None,
        flags: frozenset[str] = frozenset(),
        prefix: str | None = None,
    ) -> None:
        self.taint = taint
        self.consts = consts
        self.items = items
        self.keys = keys
        self.qual = qual
        self.flags = flags
        self.prefix = prefix

    # -- constants -------------------------------------------------------------

    @property
    def known(self) -> bool:
        return self.consts is not None and len(self.consts) == 1

    @property
    def const(self) -> object:
        assert self.consts is not None and len(self.consts) == 1
        return next(iter(self.consts))

    def with_taint(self, taint: Taint | None) -> Val:
        return Val(taint, self.consts, self.items, self.keys, self.qual, self.flags, self.prefix)

    def with_flags(self, *flags: str) -> Val:
        """The same value with these facts added to its flags."""
        return Val(
            self.taint,
            self.consts,
            self.items,
            self.keys,
            self.qual,
            self.flags | frozenset(flags),
            self.prefix,
        )

    @property
    def str_prefix(self) -> str:
        """The known start of the string this value is ("" when none is known)."""
        if self.consts is not None and len(self.consts) == 1:
            c = next(iter(self.consts))
            return c if isinstance(c, str) else ""
        return self.prefix or ""

    def deep_taint(self) -> Taint | None:
        """The value's taint, or that of any element it holds."""
        if self.taint is not None:
            return self.taint
        for v in self.items or ():
            t = v.deep_taint()
            if t is not None:
                return t
        for v in (self.keys or {}).values():
            t = v.deep_taint()
            if t is not None:
                return t
        return None

    def __repr__(self) -> str:  # for debugging and test failure messages
        parts = []
        if self.taint:
            parts.append(f"taint={self.taint.source}@{self.taint.line}")
        if self.consts is not None:
            parts.append(f"consts={set(self.consts)!r}")
        if self.items is not None:
            parts.append(f"items={list(self.items)!r}")
        if self.keys is not None:
            parts.append(f"keys={self.keys!r}")
        if self.qual:
            parts.append(f"qual={self.qual}")
        if self.prefix:
            parts.append(f"prefix={self.prefix!r}")
        return "Val(" + ", ".join(parts) + ")"


CLEAN = Val()


def const(value: object) -> Val:
    return Val(consts=frozenset((value,)))


def tainted(source: str, line: int, kind: str = "input") -> Val:
    return Val(Taint(source, line, kind))


def join_taint(a: Taint | None, b: Taint | None) -> Taint | None:
    if a is None:
        return b
    if b is None:
        return a
    if a.kind != b.kind:
        # "input" beats the others: it reaches every sink.
        return a if a.kind == "input" else b
    if a.safe_for == b.safe_for:
        return a
    return Taint(a.source, a.line, a.kind, a.safe_for & b.safe_for, a.path)


def unsafe_again(t: Taint | None, classes: frozenset[str]) -> Taint | None:
    """`t` no longer safe for `classes` (a check that stops holding)."""
    if t is None or not t.safe_for & classes:
        return t
    return Taint(t.source, t.line, t.kind, t.safe_for - classes, t.path)


def join(a: Val, b: Val) -> Val:
    """The value that may be either (at the end of an if/else, a loop...)."""
    if a is b:
        return a
    taint = join_taint(a.taint, b.taint)
    consts: frozenset[object] | None = None
    if a.consts is not None and b.consts is not None:
        merged = a.consts | b.consts
        consts = merged if len(merged) <= MAX_CONSTS else None
    items: tuple[Val, ...] | None = None
    if a.items is not None and b.items is not None and len(a.items) == len(b.items):
        items = tuple(join(x, y) for x, y in zip(a.items, b.items, strict=True))
    elif a.items is not None or b.items is not None:
        taint = join_taint(taint, join_taint(a.deep_taint(), b.deep_taint()))
    keys: dict[object, Val] | None = None
    if a.keys is not None and b.keys is not None:
        keys = {}
        for k in a.keys.keys() | b.keys.keys():
            x, y = a.keys.get(k), b.keys.get(k)
            keys[k] = join(x, y) if x is not None and y is not None else (x or y or CLEAN)
    elif a.keys is not None or b.keys is not None:
        taint = join_taint(taint, join_taint(a.deep_taint(), b.deep_taint()))
    qual = a.qual if a.qual == b.qual else None
    prefix = None
    if consts is None and taint is not None:
        pa, pb = a.str_prefix, b.str_prefix
        n = 0
        while n < min(len(pa), len(pb)) and pa[n] == pb[n]:
            n += 1
        prefix = pa[:n] or None
    return Val(taint, consts, items, keys, qual, a.flags | b.flags, prefix)


def placed(v: Val, path: str) -> Val:
    """The value with every taint it holds said to come from `path` (see Taint.placed)."""
    if v.deep_taint() is None:
        return v
    items = None if v.items is None else tuple(placed(x, path) for x in v.items)
    keys = None if v.keys is None else {k: placed(x, path) for k, x in v.keys.items()}
    taint = v.taint.placed(path) if v.taint is not None else None
    return Val(taint, v.consts, items, keys, v.qual, v.flags, v.prefix)


def collapse(v: Val) -> Val:
    """The value with its shape forgotten: one taint for the whole."""
    return Val(v.deep_taint(), None, None, None, v.qual, v.flags)


def union_taint(vals: list[Val]) -> Taint | None:
    t: Taint | None = None
    for v in vals:
        t = join_taint(t, v.deep_taint())
    return t


def instance_kind(v: Val) -> str | None:
    """The class every known element of a list or tuple is an instance of
    (`[Sink(), Sink()]`), so that what iterates over it calls that class's methods."""
    if not v.items:
        return None
    quals = {x.qual for x in v.items}
    (qual,) = quals if len(quals) == 1 else (None,)
    return qual if qual is not None and qual.startswith("<instance>") else None
