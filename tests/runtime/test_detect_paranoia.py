"""Paranoia levels 2-4: each level's fragments are reported from that level up,
never at level 1, and the values level 1 leaves alone stay alone there."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shieldwall.errors import ConfigError
from shieldwall.runtime.config import from_mapping
from shieldwall.runtime.detect.fragments import FRAGMENTS, fragments_at
from tests.runtime.payloads import payload_rules

# (a parameter value, the rule that reports it, its level)
FRAGMENT_CASES = [
    ("ABS(", "RT-SQLI-PL2-FUNCTION", 2),
    ("length||(", "RT-SQLI-PL2-FUNCTION", 2),
    ("year]=(", "RT-SQLI-PL2-FUNCTION", 2),
    ("ORDER BY", "RT-SQLI-PL2-KEYWORD", 2),
    ("execute system", "RT-SQLI-PL2-KEYWORD", 2),
    ("rlike", "RT-SQLI-PL2-KEYWORD", 2),
    (">>", "RT-SQLI-PL2-OPERATOR", 2),
    ("<=>", "RT-SQLI-PL2-OPERATOR", 2),
    ("' = #", "RT-SQLI-PL2-QUOTE", 2),
    ("\\0xf00dcafe", "RT-SQLI-PL2-LITERAL", 2),
    ("((((((()))))))", "RT-SQLI-PL2-CHARS", 2),
    ("${cmd}", "RT-CMDI-PL2-EXPANSION", 2),
    ("/h[o]me/shop/", "RT-CMDI-PL2-GLOB", 2),
    ("usr/bin/env", "RT-CMDI-PL2-GLOB", 2),
    ("python3.11 run", "RT-CMDI-PL2-INTERPRETER", 2),
    ("../ (dot dot slash) explained", "RT-TRAVERSAL-PL2", 2),
    ("x1onmouse=go", "RT-XSS-PL2-HANDLER", 2),
    ("round (", "RT-SQLI-PL3-FUNCTION", 3),
    ("!@#$%^", "RT-SQLI-PL3-CHARS", 3),
    ("wait....", "RT-SQLI-PL3-REPEAT", 3),
    ("a; b", "RT-CMDI-PL3-SEQUENCE", 3),
    ("~0", "RT-CMDI-PL3-SEQUENCE", 3),
    ("v1..;b", "RT-TRAVERSAL-PL3", 3),
    ("a < b", "RT-XSS-PL3-ANGLE", 3),
    ("it's (new)", "RT-SQLI-PL4-CHARS", 4),
    ("first\nsecond", "RT-CMDI-PL4-NEWLINE", 4),
]


def _rules(paranoia: int, value: str) -> set[str]:
    return payload_rules(paranoia, path="/search", query="q=" + quote(value))


@pytest.mark.parametrize(("value", "rule", "level"), FRAGMENT_CASES)
def test_a_fragment_is_reported_from_its_level_up(value: str, rule: str, level: int) -> None:
    assert rule in _rules(level, value)
    assert rule in _rules(4, value)
    assert rule not in _rules(level - 1, value)


@pytest.mark.parametrize(("value", "rule", "level"), FRAGMENT_CASES)
def test_level_one_reports_no_fragment(value: str, rule: str, level: int) -> None:
    assert not any("-PL" in found for found in _rules(1, value))


@pytest.mark.parametrize(
    "value",
    [
        "Length (cm)",
        "order by price",
        "size 42 (EU) or 8.5 (US)",
        "rock 'n' roll",
        "wait... what?",
        "a-b-c",
        "python 3 tutorial",
    ],
)
def test_ordinary_values_stay_quiet_at_level_two(value: str) -> None:
    assert _rules(2, value) == set()


def test_the_browser_user_agent_is_not_judged_for_fragments() -> None:
    agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
    assert payload_rules(4, user_agent=agent) == set()


def test_a_kind_found_at_level_one_keeps_its_level_one_rule() -> None:
    assert _rules(4, "1 UNION SELECT password FROM users") == {"RT-SQLI-UNION"}


def test_each_fragment_knows_its_level_and_levels_only_add() -> None:
    assert fragments_at(1) == ()
    assert {f.level for f in FRAGMENTS} == {2, 3, 4}
    for level in (2, 3, 4):
        assert all(f.rule.split("-PL")[1].startswith(str(f.level)) for f in fragments_at(level))
        assert set(fragments_at(level - 1)) < set(fragments_at(level))


def test_paranoia_is_read_from_the_config_and_checked() -> None:
    assert from_mapping({}).paranoia == 1
    assert from_mapping({"paranoia": 3}).paranoia == 3
    for bad in (0, 5, "2", True):
        with pytest.raises(ConfigError, match="paranoia"):
            from_mapping({"paranoia": bad})


_PUNCTUATION = set("~!@#$%^&*()-+={}[]|:;\"'`<>")
_COUNTED = {"RT-SQLI-PL2-CHARS": 12, "RT-SQLI-PL3-CHARS": 6, "RT-SQLI-PL4-CHARS": 2}


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="ab1 ,./?_" + "".join(sorted(_PUNCTUATION)), max_size=60))
def test_a_punctuation_fragment_counts_its_characters_anywhere_in_the_value(text: str) -> None:
    for fragment in FRAGMENTS:
        if fragment.rule in _COUNTED:
            counted = sum(c in _PUNCTUATION for c in text) >= _COUNTED[fragment.rule]
            assert fragment.test(text) == counted, fragment.rule


def test_punctuation_far_into_a_long_value_is_still_counted() -> None:
    [fragment] = [f for f in FRAGMENTS if f.rule == "RT-SQLI-PL2-CHARS"]
    filler = "x" * 50_000
    assert not fragment.test(filler + "()" * 5 + "x")
    assert fragment.test(filler + "()" * 6 + "x")
