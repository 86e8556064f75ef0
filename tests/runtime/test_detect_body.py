"""A multipart field's value is read whole: dashes that end it (an SQL comment)
are the value's, not the boundary's."""

from __future__ import annotations

from shieldwall.runtime.detect.body import body_values
from tests.runtime.payloads import payload_kinds

_TYPE = "multipart/form-data; boundary=b"


def _multipart(value: str) -> str:
    return f'--b\r\nContent-Disposition: form-data; name="user"\r\n\r\n{value}\r\n--b--\r\n'


def test_a_multipart_value_keeps_the_dashes_that_end_it() -> None:
    value = "admin'" + "--"
    assert body_values(_multipart(value), _TYPE) == [value]


def test_a_comment_ending_a_multipart_value_is_sqli() -> None:
    value = "admin'" + "--"
    kinds = payload_kinds(method="POST", body=_multipart(value), headers=(("content-type", _TYPE),))
    assert "sqli" in kinds


def test_dashes_in_an_ordinary_multipart_value_stay_quiet() -> None:
    for value in ("see you --", "Ann -- or Bob --", "----"):
        kinds = payload_kinds(
            method="POST", body=_multipart(value), headers=(("content-type", _TYPE),)
        )
        assert kinds == set()


def _upload(file_name: str) -> str:
    return (
        f'--b\r\nContent-Disposition: form-data; name="f"; filename="{file_name}"\r\n'
        "Content-Type: text/plain\r\n\r\nhello\r\n--b--\r\n"
    )


def test_a_file_name_with_quotes_of_its_own_is_judged_whole() -> None:
    file_name = '"><' + "svg onload=alert(1)>"
    kinds = payload_kinds(
        method="POST", body=_upload(file_name), headers=(("content-type", _TYPE),)
    )
    assert "xss" in kinds


def test_a_file_name_with_a_quote_in_words_stays_quiet() -> None:
    kinds = payload_kinds(
        method="POST", body=_upload('the "best" photo.jpg'), headers=(("content-type", _TYPE),)
    )
    assert kinds == set()
