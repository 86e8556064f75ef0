"""A cheap first look before the detectors' costly expressions.

Python's `re` tries a long alternation at every position of a value: on 8 KB of
punctuation the detectors spent about 0.4 s a request. Each costly expression is
wrapped in a `Gated` one. At import, all of them are rewritten into expressions that
accept MORE than the original (lookarounds dropped, a back-reference replaced by
its group, a long bounded repeat left unbounded, possessive and atomic forms made
plain) and compiled together into one hyperscan automaton, which reads a value in
one pass. A value the automaton finds no trace of in an expression cannot match it:
the expression is not run. Otherwise (or with no hyperscan, or for an expression
hyperscan refuses) the expression runs as written: the verdicts
are the expression's own (`tests/runtime/test_detect_gate.py` compares them on
generated text).

Character classes are spelt out over ASCII from Python's own definitions (`\\s`
takes `\\x1c`-`\\x1f` in Python, not in PCRE); a character outside ASCII reaches the
automaton as a stand-in that every class able to take it takes.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

_hs: Any
try:  # pragma: no cover - which branch runs depends on the platform
    import hyperscan as _hs
except ImportError:  # pragma: no cover
    _hs = None

_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

_ASCII = [chr(i) for i in range(128)]
# A character outside ASCII reaches the automaton as one of two stand-ins: a word
# character (Python's `\w`: `é`, `٣`) as `z`, any other (`\xa0`, U+00B4) as DEL; a class
# that takes any such character takes its stand-in too (`[^a]` takes both).
_WORD_STAND_IN, _OTHER_STAND_IN = "z", "\x7f"
_BOTH = frozenset({_WORD_STAND_IN, _OTHER_STAND_IN})
_NON_ASCII_WORD = re.compile(r"(?![\x00-\x7f])\w")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_STAND_INS = {  # which stand-ins each of Python's classes takes
    "CATEGORY_DIGIT": frozenset(_WORD_STAND_IN),
    "CATEGORY_NOT_DIGIT": _BOTH,
    "CATEGORY_SPACE": frozenset(_OTHER_STAND_IN),
    "CATEGORY_NOT_SPACE": _BOTH,
    "CATEGORY_WORD": frozenset(_WORD_STAND_IN),
    "CATEGORY_NOT_WORD": frozenset(_OTHER_STAND_IN),
}
_CATEGORIES = {
    name: frozenset(c for c in _ASCII if re.fullmatch(source, c)) | _STAND_INS[name]
    for name, source in (
        ("CATEGORY_DIGIT", r"\d"),
        ("CATEGORY_NOT_DIGIT", r"\D"),
        ("CATEGORY_SPACE", r"\s"),
        ("CATEGORY_NOT_SPACE", r"\S"),
        ("CATEGORY_WORD", r"\w"),
        ("CATEGORY_NOT_WORD", r"\W"),
    )
}
_LONG_REPEAT = 16  # a bounded repeat longer than this is left unbounded (cheaper to build)
_SINGLE = ("LITERAL", "NOT_LITERAL", "IN", "ANY")
_PREFIX = 6  # characters of each word kept when a word list is spelt as its letters
_HEAD = 24  # characters of a branch kept as written when its alternation is wide
_WIDE = 600  # characters of an alternation, past which it is spelt as its letters


class Unsupported(ValueError):
    """A construct the rewriting does not know: the pattern is not gated."""


class _Never(ValueError):
    """A part that no ASCII text matches (a character outside ASCII it must hold)."""


def _escape(c: str) -> str:
    return c if c.isalnum() else f"\\x{ord(c):02x}"


def _class(chars: frozenset[str]) -> str:
    if not chars:
        raise _Never
    codes = sorted(ord(c) for c in chars)
    if len(codes) == 1:
        return _escape(chr(codes[0]))
    runs: list[str] = []
    start = prev = codes[0]
    for code in [*codes[1:], -2]:
        if code == prev + 1:
            prev = code
            continue
        low, high = _escape(chr(start)), _escape(chr(prev))
        runs.append(low if start == prev else low + ("" if prev == start + 1 else "-") + high)
        start = prev = code
    return "[" + "".join(runs) + "]"


def _in_set(items: Sequence[tuple[Any, Any]]) -> frozenset[str]:
    """The ASCII characters a class (`[^a-z\\s]`) takes."""
    negate = bool(items) and str(items[0][0]) == "NEGATE"
    chars = frozenset().union(*(_item(str(op), av) for op, av in items[int(negate) :]))
    return (frozenset(_ASCII) - chars) | _BOTH if negate else chars


def _item(name: str, av: Any) -> frozenset[str]:
    if name == "LITERAL":
        return frozenset({_stand_in(chr(av))})
    if name == "RANGE":
        ascii_part = frozenset(chr(i) for i in range(av[0], min(av[1], 127) + 1))
        return ascii_part | _BOTH if av[1] > 127 else ascii_part
    if name == "CATEGORY" and str(av) in _CATEGORIES:
        return _CATEGORIES[str(av)]
    raise Unsupported(f"class item {name}")


def _stand_in(c: str) -> str:
    """A character as the automaton reads it."""
    if c.isascii():
        return c
    return _WORD_STAND_IN if _NON_ASCII_WORD.match(c) else _OTHER_STAND_IN


def _automaton_text(text: str) -> bytes:
    if not text.isascii():
        text = _NON_ASCII.sub(_OTHER_STAND_IN, _NON_ASCII_WORD.sub(_WORD_STAND_IN, text))
    return text.encode("ascii")


def _char_set(op: str, av: Any) -> frozenset[str]:
    if op == "LITERAL":
        return frozenset({_stand_in(chr(av))})
    if op == "NOT_LITERAL":
        return (frozenset(_ASCII) - {chr(av)}) | _BOTH
    if op == "ANY":
        return (frozenset(_ASCII) - {"\n"}) | _BOTH
    return _in_set(av)


_ANCHORS = {
    "AT_BEGINNING": "^",
    "AT_BEGINNING_STRING": "^",
    "AT_BOUNDARY": "\\b",
    "AT_NON_BOUNDARY": "\\B",
}


class _Writer:
    """One pattern's parse tree written as a PCRE expression that matches more."""

    def __init__(self, groups: dict[int, Any]) -> None:
        self.groups = groups

    def seq(self, sub: Any) -> str:
        return "".join(self.node(str(op), av) for op, av in sub)

    def part(self, sub: Any) -> str:
        """A whole expression: a `$` is spelt only at its end (hyperscan takes no other)."""
        if len(sub) and str(sub[-1][0]) == "AT" and str(sub[-1][1]) == "AT_END":
            return self.seq(sub[:-1]) + "\\n?$"
        return self.seq(sub)

    def branch(self, branches: Any) -> str:
        text = self.alternation(branches, self.seq)
        if len(text) <= _WIDE:
            return text
        text = self.alternation(branches, self.head)  # each branch's start, then its letters
        if len(text) <= _WIDE:
            return text
        return self.prefixes(branches)  # a word list: the words' starts, then their letters

    def prefixes(self, branches: Any) -> str:
        starts: set[str] = set()
        rest: set[str] = set()
        for branch in branches:
            at = letters = 0  # the first nodes, up to a few letters they must hold
            while at < min(len(branch), 2 * _PREFIX) and letters < _PREFIX:
                letters += str(branch[at][0]) in _SINGLE
                at += 1
            try:
                starts.add(self.seq(branch[:at]))
            except _Never:
                continue
            rest |= _seq_extent(branch[at:], self.groups)[1]
        if not starts:
            raise _Never
        tail = _class(frozenset(rest)) + "*" if rest else ""
        return "(?:" + "|".join(sorted(starts)) + ")" + tail

    def alternation(self, branches: Any, write: Callable[[Any], str]) -> str:
        spelt = []
        for branch in branches:
            try:
                spelt.append(write(branch))
            except _Never:
                continue
        if not spelt:
            raise _Never
        return "(?:" + "|".join(spelt) + ")"

    def head(self, sub: Any) -> str:
        """A branch's first nodes as written, the rest as the characters it may hold."""
        text = ""
        for at in range(len(sub)):
            if len(text) >= _HEAD:
                _, chars = _seq_extent(sub[at:], self.groups)
                return text + (_class(frozenset(chars)) + "*" if chars else "")
            text += self.node(str(sub[at][0]), sub[at][1])
        return text

    def node(self, op: str, av: Any) -> str:
        if op in ("LITERAL", "NOT_LITERAL", "IN", "ANY"):
            return _class(_char_set(op, av))
        if op == "BRANCH":
            return self.branch(av[1])
        if op == "SUBPATTERN":
            return "(?:" + self.seq(av[3]) + ")"
        if op == "ATOMIC_GROUP":
            return "(?:" + self.seq(av) + ")"
        if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            return self.repeat(*av)
        if op == "AT":
            name = str(av)
            if name in _ANCHORS:
                return _ANCHORS[name]
            if name in ("AT_END", "AT_END_STRING"):
                return ""  # a `$` inside: dropped (more matches, never fewer)
            raise Unsupported(name)
        if op in ("ASSERT", "ASSERT_NOT"):
            return ""  # a lookaround dropped: more matches, never fewer
        if op == "GROUPREF":
            return "(?:" + self.seq(self.groups[av]) + ")"  # what the group itself matches
        raise Unsupported(op)

    def repeat(self, low: int, high: Any, sub: Any) -> str:
        try:
            inner = self.seq(sub)
        except _Never:
            if low == 0:
                return ""
            raise
        if len(sub) != 1 or str(sub[0][0]) not in ("LITERAL", "NOT_LITERAL", "IN", "ANY"):
            inner = "(?:" + inner + ")"
        if high is _c.MAXREPEAT or high > _LONG_REPEAT:
            return inner + {0: "*", 1: "+"}.get(low, f"{{{low},}}")
        if (low, high) == (1, 1):
            return inner
        return inner + ("?" if (low, high) == (0, 1) else f"{{{low},{high}}}")


def _groups(sub: Any, found: dict[int, Any]) -> dict[int, Any]:
    for op, av in sub:
        name = str(op)
        if name == "SUBPATTERN":
            if av[0] is not None:
                found[av[0]] = av[3]
            _groups(av[3], found)
        elif name == "BRANCH":
            for branch in av[1]:
                _groups(branch, found)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _groups(av[2], found)
        elif name in ("ASSERT", "ASSERT_NOT"):
            _groups(av[1], found)
        elif name == "ATOMIC_GROUP":
            _groups(av, found)
    return found


def _spread(sub: list[tuple[Any, Any]]) -> list[list[tuple[Any, Any]]]:
    """A sequence as the sequences its first alternation makes (`a(?:b|c)d` is `abd`,
    `acd`): each is one expression, whose own alternations may be spelt as letters."""
    for at, (op, av) in enumerate(sub):
        inner = av[3] if str(op) == "SUBPATTERN" else None
        if inner is not None and len(inner) == 1 and str(inner[0][0]) == "BRANCH":
            op, av = inner[0]
        if str(op) == "BRANCH":
            return [[*sub[:at], *branch, *sub[at + 1 :]] for branch in av[1]]
    return [sub]


def _extent(branches: Any, groups: dict[int, Any]) -> tuple[int, frozenset[str]]:
    """The fewest characters any branch matches, and every character one may hold."""
    lows, chars = [], set()
    for branch in branches:
        low, held = _seq_extent(branch, groups)
        lows.append(low)
        chars |= held
    return min(lows, default=0), frozenset(chars)


def _inner(name: str, av: Any, groups: dict[int, Any]) -> Any:
    if name == "BRANCH":
        return av[1]
    if name == "SUBPATTERN":
        return [av[3]]
    return [av if name == "ATOMIC_GROUP" else groups[av]]


def _seq_extent(sub: Any, groups: dict[int, Any]) -> tuple[int, set[str]]:
    total, chars = 0, set[str]()
    for op, av in sub:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL", "IN", "ANY"):
            total += 1
            chars |= _char_set(name, av)
        elif name in ("BRANCH", "SUBPATTERN", "ATOMIC_GROUP", "GROUPREF"):
            low, held = _extent(_inner(name, av, groups), groups)
            total += low
            chars |= held
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, inner = _seq_extent(av[2], groups)
            total += low * av[0]
            chars |= inner
        elif name not in ("AT", "ASSERT", "ASSERT_NOT"):
            raise Unsupported(name)
    return total, chars


def superset(pattern: re.Pattern[str]) -> list[str]:
    """PCRE expressions that together match, in an ASCII text, wherever `pattern`
    does (and maybe elsewhere); `Unsupported` if the pattern has what they cannot say."""
    if pattern.flags & (re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE):
        raise Unsupported("flags")
    sub = _parser.parse(pattern.pattern, pattern.flags)
    writer = _Writer(_groups(sub, {}))
    parts = []
    for part in _spread(list(sub)):
        try:
            parts.append(writer.part(part))
        except _Never:
            continue
    return parts


class _Automaton:
    """Every gated pattern's superset in one hyperscan database."""

    def __init__(self) -> None:
        self.patterns: list[re.Pattern[str]] = []
        self.db: Any = None
        self.local = threading.local()  # a hyperscan scratch serves one thread at a time
        self.gated: frozenset[int] = frozenset()
        self.ungated: frozenset[int] = frozenset()  # patterns hyperscan refused: always run
        self.last: tuple[str, frozenset[int]] = ("\x00never", frozenset())
        self.built = 0

    def build(self) -> None:
        self.built = len(self.patterns)
        self.last = ("\x00never", frozenset())
        if _hs is None or not self.patterns:
            return
        written = [_written(p) for p in self.patterns]
        try:
            self.db = _stored_database(written)
        except _hs.error:  # one pattern hyperscan refuses: the others without it
            written = [parts if _database_or_none([parts]) else [] for parts in written]
            self.db = _stored_database(written)
        self.gated = frozenset(i for i, parts in enumerate(written) if parts)
        self.ungated = frozenset(range(len(written))) - self.gated

    def possible(self, text: str) -> frozenset[int] | None:
        """Indices of the gated patterns that may match `text`; None: any may."""
        if self.built != len(self.patterns):
            self.build()
        if self.db is None:
            return None
        last, found = self.last
        if text is last or text == last:
            return found
        hits: set[int] = set()

        def on_match(index: int, start: int, end: int, flags: int, context: object) -> None:
            hits.add(index)

        db = self.db
        scratch = getattr(self.local, "scratch", None)
        if scratch is None or scratch[0] is not db:
            scratch = self.local.scratch = (db, _hs.Scratch(db))
        db.scan(_automaton_text(text), match_event_handler=on_match, scratch=scratch[1])
        found = frozenset(hits) | self.ungated
        self.last = (text, found)
        return found


def _written(pattern: re.Pattern[str]) -> list[bytes]:
    try:
        return [p.encode("ascii") for p in superset(pattern)]
    except Unsupported:
        return []


def _database(written: list[list[bytes]]) -> Any:
    """One database of every pattern's expressions (by the pattern's index); None if
    there are none."""
    ids = [index for index, parts in enumerate(written) for _ in parts]
    if not ids:
        return None
    db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
    db.compile(
        expressions=[part for parts in written for part in parts],
        ids=ids,
        elements=len(ids),
        flags=[_hs.HS_FLAG_SINGLEMATCH | _hs.HS_FLAG_ALLOWEMPTY] * len(ids),
    )
    return db


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "shieldwall"


def _stored_database(written: list[list[bytes]]) -> Any:
    """`_database`, kept compiled in the user's cache (building takes a few seconds,
    loading milliseconds); built anew when the cache cannot be read or written."""
    key = hashlib.sha256(repr((_hs.__version__, written)).encode()).hexdigest()[:32]
    path = _cache_dir() / f"watch-gate-{key}.hsdb"
    try:
        return _hs.loadb(path.read_bytes(), _hs.HS_MODE_BLOCK)
    except (OSError, _hs.error):
        pass
    db = _database(written)
    if db is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(_hs.dumpb(db))
            temporary.replace(path)
            for stale in path.parent.glob("watch-gate-*.hsdb"):  # earlier versions' databases
                if stale != path:
                    stale.unlink(missing_ok=True)
        except OSError:
            pass
    return db


def _database_or_none(written: list[list[bytes]]) -> Any:
    try:
        return _database(written)
    except _hs.error:
        return None


_AUTOMATON = _Automaton()
GATED: list[Gated] = []  # every gated pattern, in the automaton's order


class Gated:
    """A compiled pattern run only on text where the automaton finds a trace of it;
    `pattern` is its source, as a compiled pattern's."""

    __slots__ = ("_index", "regex")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self._index = len(_AUTOMATON.patterns)
        _AUTOMATON.patterns.append(regex)
        GATED.append(self)

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def _may(self, text: str) -> bool:
        possible = _AUTOMATON.possible(text)
        return possible is None or self._index in possible

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if self._may(text) else None

    def match(self, text: str) -> re.Match[str] | None:
        return self.regex.match(text) if self._may(text) else None

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.regex.fullmatch(text) if self._may(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text) if self._may(text) else iter(())

    def findall(self, text: str) -> list[Any]:
        return self.regex.findall(text) if self._may(text) else []

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str) -> str:
        return self.regex.sub(repl, text) if self._may(text) else text


def gated(source: str) -> Gated:
    """`re.compile(source)`, gated."""
    return Gated(re.compile(source))


def build() -> None:
    """Compile the automaton of every pattern gated so far (done at the first scan
    otherwise; the payload detector does it at import)."""
    _AUTOMATON.build()
