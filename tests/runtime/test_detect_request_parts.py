"""Parts of a request that were not judged, or judged out of shape: headers
that are quiet only in their ordinary shape, header names, XML character data
and declarations, a referer's path; and Chromium's client hints, whose brand
punctuation is not a payload."""

from __future__ import annotations

import pytest

from tests.runtime.payloads import payload_kinds

_XML = (("content-type", "application/xml"),)


def test_a_quiet_header_out_of_its_ordinary_shape_is_judged() -> None:
    assert "path-traversal" in payload_kinds(headers=(("accept", "../" * 8 + "etc/passwd{{"),))
    assert "sqli" in payload_kinds(headers=(("accept-language", "en' or 1=1--"),))


def test_quiet_headers_in_their_ordinary_shape_stay_quiet() -> None:
    headers = (
        ("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        ("accept-language", "en-GB,en;q=0.7,fr-CH"),
        ("accept-encoding", "gzip, deflate, br, zstd"),
        ("if-none-match", 'W/"5e-1a2b"'),
        ("if-modified-since", "Wed, 21 Oct 2015 07:28:00 GMT"),
        ("content-type", "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"),
    )
    assert payload_kinds(headers=headers) == set()


def test_a_header_name_that_is_not_a_token_is_judged() -> None:
    assert "xss" in payload_kinds(headers=(("x-<script>alert(1)</script>", "1"),))


def test_xml_character_data_is_judged() -> None:
    body = "<?xml version='1.0'?><a><![CDATA[' union select password from users--]]></a>"
    assert "sqli" in payload_kinds(body=body, headers=_XML)


def test_an_external_entitys_system_literal_is_judged() -> None:
    body = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    assert "path-traversal" in payload_kinds(body=body, headers=_XML)


def test_ordinary_xml_with_character_data_and_a_dtd_stays_quiet() -> None:
    body = (
        '<?xml version="1.0"?><!DOCTYPE note SYSTEM "note.dtd">'
        "<note><![CDATA[Tom & Jerry's party, 3rd floor]]></note>"
    )
    assert payload_kinds(body=body, headers=_XML) == set()


def test_a_referers_path_is_judged_when_it_has_a_query() -> None:
    assert "path-traversal" in payload_kinds(referer="http://shop.example/../../../etc/passwd?x=1")
    assert payload_kinds(referer="https://shop.example/products/12?q=red+dress&page=2") == set()


GREASED = ["Not?A_Brand", "Not A(Brand", "Not)A;Brand", "Not/A)Brand", "Not.A/Brand", "Not=A?Brand"]


@pytest.mark.parametrize("brand", GREASED)
def test_chromium_client_hints_stay_quiet(brand: str) -> None:
    headers = (
        ("sec-ch-ua", f'"{brand}";v="99", "Chromium";v="121", "Google Chrome";v="121"'),
        ("sec-ch-ua-full-version-list", f'"Chromium";v="121.0.6167.85", "{brand}";v="99.0.0.0"'),
        ("sec-ch-ua-mobile", "?0"),
        ("sec-ch-ua-platform", '"Windows"'),
        ("sec-fetch-site", "same-origin"),
    )
    assert payload_kinds(headers=headers) == set()


def test_a_payload_in_a_client_hint_is_still_judged() -> None:
    assert "sqli" in payload_kinds(
        headers=(("sec-ch-ua", '"x" union select password from users--'),)
    )
    assert "xss" in payload_kinds(
        headers=(("sec-ch-ua", '"a";v="1", "<script>alert(1)</script>";v="2"'),)
    )
