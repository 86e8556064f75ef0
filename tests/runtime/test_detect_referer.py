"""A referer's query is split into values before it is decoded as well as after:
a value with an encoded `&` (`?q=1%27%20%26%26%201%3D1--`) is judged whole."""

from __future__ import annotations

from urllib.parse import quote

from tests.runtime.payloads import payload_kinds


def test_a_referer_value_with_an_encoded_ampersand_is_judged_whole() -> None:
    value = "1' " + "&& 1=1--"
    assert "sqli" in payload_kinds(referer="https://shop.example/find?q=" + quote(value, safe=""))


def test_a_referer_value_with_an_encoded_ampersand_in_words_stays_quiet() -> None:
    value = "salt & pepper; 2 for 1"
    assert payload_kinds(referer="https://shop.example/find?q=" + quote(value, safe="")) == set()
