"""Find the places worth a closer look: every occurrence of any rule's hint
(a literal or a small regular expression), in one pass over the bytes.

Hyperscan compiles all hints into one automaton and scans a file in a single
pass at memory speed. Without it (a platform with no wheel) a pure-Python
fallback does the same job more slowly: one combined alternation finds the
candidate lines, then each hint is tried on those lines only."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

_hs: Any
try:  # pragma: no cover - which branch runs depends on the platform
    import hyperscan as _hs

    HAVE_HYPERSCAN = True
except ImportError:  # pragma: no cover
    _hs = None
    HAVE_HYPERSCAN = False


class Prefilter(Protocol):
    name: str

    def scan(self, data: bytes) -> list[tuple[int, int]]:
        """(hint index, end offset) of every hint occurrence, in any order."""
        ...

    def scan_gated(self, data: bytes) -> tuple[list[tuple[int, int]], set[int]]:
        """`scan`'s hits, and the indices of the gates (case-sensitive expressions
        over the whole file, given to `build`) that occur in `data`."""
        ...


class HyperscanPrefilter:
    """Hints (any case) and gates (exact) in one automaton, one pass a file."""

    name = "hyperscan"

    def __init__(self, hints: Sequence[str], gates: Sequence[bytes] = ()) -> None:
        assert _hs is not None
        self._hints = len(hints)
        self._db: Any = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        self._db.compile(
            expressions=[h.encode("utf-8") for h in hints] + list(gates),
            ids=list(range(len(hints) + len(gates))),
            elements=len(hints) + len(gates),
            flags=[_hs.HS_FLAG_CASELESS] * len(hints) + [0] * len(gates),
        )
        self._scratch: Any = _hs.Scratch(self._db)

    def scan(self, data: bytes) -> list[tuple[int, int]]:
        return self.scan_gated(data)[0]

    def scan_gated(self, data: bytes) -> tuple[list[tuple[int, int]], set[int]]:
        hits: list[tuple[int, int]] = []
        gates: set[int] = set()
        append, hints = hits.append, self._hints

        def on_match(hint: int, start: int, end: int, flags: int, context: object) -> None:
            if hint < hints:
                append((hint, end))
            else:
                gates.add(hint - hints)

        if data:
            self._db.scan(data, match_event_handler=on_match, scratch=self._scratch)
        return hits, gates


class RegexPrefilter:
    """Pure-Python fallback: the `re` module, one alternation for candidate lines."""

    name = "re"

    def __init__(self, hints: Sequence[str], gates: Sequence[bytes] = ()) -> None:
        self._any = re.compile("|".join(f"(?:{h})" for h in hints).encode("utf-8"), re.IGNORECASE)
        self._each = [re.compile(h.encode("utf-8"), re.IGNORECASE) for h in hints]
        self._gates = [re.compile(g) for g in gates]

    def scan_gated(self, data: bytes) -> tuple[list[tuple[int, int]], set[int]]:
        gates = {i for i, gate in enumerate(self._gates) if gate.search(data)}
        return self.scan(data), gates

    def scan(self, data: bytes) -> list[tuple[int, int]]:
        hits: list[tuple[int, int]] = []
        done_lines: set[int] = set()
        for m in self._any.finditer(data):
            start = data.rfind(b"\n", 0, m.start()) + 1
            if start in done_lines:
                continue
            done_lines.add(start)
            end = data.find(b"\n", m.start())
            end = len(data) if end < 0 else end
            for index, pattern in enumerate(self._each):
                for hm in pattern.finditer(data, start, end):
                    hits.append((index, hm.end()))
        return hits


def notice() -> tuple[str, ...]:
    """What the user is told once per scan when the fast prefilter is missing."""
    if HAVE_HYPERSCAN:
        return ()
    return (
        "Hyperscan is not installed on this platform, so the secrets analyzer uses its "
        "slower pure-Python prefilter; install `shieldwall[fast]` where Hyperscan builds",
    )


def build(hints: Sequence[str], backend: str = "auto", gates: Sequence[bytes] = ()) -> Prefilter:
    """The prefilter of `hints`; `gates`: expressions `scan_gated` says are present
    (a file's whole-text searches run only when theirs is)."""
    if backend == "hyperscan" or (backend == "auto" and HAVE_HYPERSCAN):
        return HyperscanPrefilter(hints, gates)
    return RegexPrefilter(hints, gates)
