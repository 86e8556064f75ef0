"""Spellings that hide a payload until decoded: a plus encoded twice, full
stops of other scripts in an address, hosts spelled as one number or with a
backslash before each letter, Python's `local_file:` scheme, and log4j lookups
whose default value ends in a dollar sign."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from shieldwall.runtime.detect.decode import decode
from tests.runtime.payloads import payload_kinds


def test_a_plus_encoded_twice_is_a_space() -> None:
    assert decode("a%2Bb%2520c") == "a b c"  # decoded twice: the plus, then the space
    assert decode("C%2B%2B") == "C++"  # decoded once: a plus


def test_sql_with_spaces_encoded_twice_as_plus_is_found() -> None:
    # the parentheses encoded twice, the spaces as `+` encoded once more
    assert "sqli" in payload_kinds(query="id=CONVERT%2528a%2BUSING%2Butf8%2529")
    assert "sqli" not in payload_kinds(query="id=convert%2528a%2Bunit%2529")


@pytest.mark.parametrize(
    "url",
    [
        "http://10\u300211\u300212\u300213/",  # ideographic full stops
        "http://127\uff610\uff610\uff611/",
        "http:2130706431",  # a public address as one number: obfuscation all the same
        "https://0x0a0b0c0d/x",
        "http://\\\\x\\\\y\\\\z.example/",
        "local_file:///etc/hostname",
    ],
)
def test_addresses_spelled_to_slip_past_matching_are_ssrf(url: str) -> None:
    assert "ssrf" in payload_kinds(query="u=" + quote(url))


@pytest.mark.parametrize(
    "text",
    ["order 2130706431", "http://example.com/12345678", "version 10\u300211", "local file"],
)
def test_numbers_and_words_near_those_spellings_are_not_ssrf(text: str) -> None:
    assert "ssrf" not in payload_kinds(query="u=" + quote(text))


def test_a_lookup_whose_default_ends_in_a_dollar_sign_spells_jndi() -> None:
    value = "$${env:A:-${env:B:-$}{jndi:dns://a.example/x}}}"
    assert "jndi" in payload_kinds(query="x=" + quote(value))
    assert "jndi" not in payload_kinds(query="x=" + quote("${env:B:-$}{price}"))
