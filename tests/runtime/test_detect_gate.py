"""The automaton before the costly expressions only skips an expression where it
cannot match: every gated expression gives, gated, the verdict it gives as written,
on generated text made of its own words and punctuation (near misses included)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import shieldwall.runtime.detect.payload  # noqa: F401  (registers and builds every gate)
from shieldwall.runtime.detect import gate
from tests.runtime.payloads import payload_rules

_GATED = tuple(gate.GATED)
_WORD = re.compile(r"[a-z_]{2,}|[^\w\s\\()|?*+\[\]{}^$]")
_BLANKS = (" ", "\t", "\n", "\r", "\x0b", "\x1c", "\x1f", "\x1a", "\x00", "\x7f", "z")
_OUTSIDE_ASCII = ("é", "ß", "\u0663", "\xa0", "\u2028", "\u00b4", "\u02bc", "\u2019", "\uff07")
_PIECES = tuple(
    sorted(
        {w for g in _GATED for w in _WORD.findall(g.pattern)}
        | set(_BLANKS)
        | set(_OUTSIDE_ASCII)
        | {"1", "42", "a", "x", "'", '"', "`", "(", ")", "{", "}", "/", "\\", "..", "$", "="}
    )
)


def test_hyperscan_gates_every_costly_expression() -> None:
    pytest.importorskip("hyperscan")
    gate.build()
    assert len(_GATED) >= 20
    assert gate._AUTOMATON.gated == frozenset(range(len(_GATED)))


@settings(max_examples=3000, deadline=None)
@given(text=st.lists(st.sampled_from(_PIECES), max_size=24).map("".join))
def test_a_gated_expression_finds_what_it_finds_as_written(text: str) -> None:
    for gated in _GATED:
        assert (gated.search(text) is None) == (gated.regex.search(text) is None), gated.pattern
        assert (gated.match(text) is None) == (gated.regex.match(text) is None), gated.pattern


@pytest.mark.parametrize(
    ("source", "found", "missed"),
    [
        (r"(?P<q>['\"])(\w*)(?P=q)=(?P=q)", "'a'='", "'a'=x"),  # a back-reference
        (r"(?<![\w@])@@version", "x @@version", "x @@verso"),  # a lookbehind
        (r"(?:^|\s)end(?:$|;)", "the end", "the ending"),  # `$` inside a group
        (r"x\s+y", "x\x1cy", "xy"),  # Python's blanks, with the separators
        (r"\u00b4\s*or|'\s*or", "' or", "or"),  # a character outside ASCII
        (r"a{0,300}?b", "a" * 400 + "b", "a" * 400),  # a long repeat
    ],
)
def test_the_rewriting_matches_more_never_less(source: str, found: str, missed: str) -> None:
    pytest.importorskip("hyperscan")
    regex = re.compile(source)
    assert regex.search(found) is not None
    assert regex.search(missed) is None
    written = gate.superset(regex)
    assert gate._database([[part.encode() for part in written]]) is not None
    assert any(re.search(part, found) for part in written)  # (the same syntax in Python)


def test_without_the_automaton_every_expression_runs_as_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gate._AUTOMATON, "db", None)
    assert payload_rules(1, query="q=1' union select 1--") == {"RT-SQLI-UNION"}
    assert payload_rules(1, query="q=;cat /etc/passwd") >= {"RT-CMDI"}
    assert payload_rules(1, query="q=" + "'" * 3000) == set()


def test_a_value_that_is_not_ascii_is_judged_through_stand_ins() -> None:
    assert payload_rules(1, query="q=é' union select 1--") == {"RT-SQLI-UNION"}
    assert payload_rules(1, query="q=é" + "{{" * 2000 + "7*7}}") == {"RT-SSTI"}
    assert payload_rules(1, query="q=1%CA%BC or 1=1") >= {"RT-SQLI"}  # U+02BC as a quote
    assert payload_rules(1, query="q=é" + "'" * 3000) == set()


def test_each_thread_scans_with_its_own_scratch() -> None:
    pytest.importorskip("hyperscan")
    values = [f"q=1' union select {n}--" for n in range(200)] + ["q=" + "'" * 2000] * 50
    with ThreadPoolExecutor(max_workers=4) as pool:
        verdicts = list(pool.map(lambda v: payload_rules(1, query=v), values))
    assert verdicts[:200] == [{"RT-SQLI-UNION"}] * 200
    assert verdicts[200:] == [set()] * 50


def test_the_database_is_kept_in_the_cache_and_replaces_an_earlier_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("hyperscan")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "shieldwall").mkdir()
    (tmp_path / "shieldwall" / "watch-gate-earlier.hsdb").write_bytes(b"x")
    written = [[b"union\\s+select"], [b"a{2,}"]]
    assert gate._stored_database(written) is not None
    kept = sorted(p.name for p in (tmp_path / "shieldwall").iterdir())
    assert len(kept) == 1 and kept[0] != "watch-gate-earlier.hsdb"
    assert gate._stored_database(written) is not None  # loaded, not built
    (tmp_path / "a-file").write_bytes(b"")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))  # no folder can be made
    assert gate._stored_database(written) is not None  # no cache: built all the same
