"""SQL injection shapes libinjection leaves that public payload lists show: a quoted
word compared with itself, an empty string equal to a condition, a condition or a
number ended by a comment, MongoDB operators as bare keys, a NULL test after `||`, a
whole CASE expression, look-alike quotes; and PHP's and YAML's code that the server
runs. Payloads are built here from their parts; each shape has near misses that
stay quiet."""

from __future__ import annotations

import itertools
from urllib.parse import quote

import pytest

from tests.runtime.payloads import payload_kinds


def _query(kind: str, value: str) -> bool:
    return kind in payload_kinds(query="q=" + quote(value, safe=""))


WORDS = ["a", "x", "text", "1"]
QUOTES = ["'", '"']


@pytest.mark.parametrize(("quote_", "word"), list(itertools.product(QUOTES, WORDS)))
def test_a_quoted_word_compared_with_itself_is_sqli(quote_: str, word: str) -> None:
    q = quote_
    assert _query("sqli", f" or {q}{word}{q} = n{q}{word}{q}")
    assert _query("sqli", f"{q}{word}{q}={q}{word}")


@pytest.mark.parametrize("join", ["or", "||"])
def test_an_empty_string_equal_to_a_condition_is_sqli(join: str) -> None:
    assert _query("sqli", f"'='{join}'")


@pytest.mark.parametrize(
    ("word", "value", "end"),
    list(itertools.product(["or", "and"], ["1", "7", "true", "false"], ["--", " --", " --'"])),
)
def test_a_condition_on_a_constant_then_a_comment_is_sqli(word: str, value: str, end: str) -> None:
    assert _query("sqli", f" {word} {value}{end}")


@pytest.mark.parametrize("value", ["1--", "417652--", "42 --", "limit 0,1--", "LIMIT 5, 10 --"])
def test_a_number_or_a_row_limit_then_a_comment_is_sqli(value: str) -> None:
    assert _query("sqli", value)


@pytest.mark.parametrize(
    ("operator", "operand"),
    list(itertools.product(["ne", "gt", "regex", "where", "nin", "or"], ["1", "''", "[ {} ]"])),
)
def test_mongodb_operators_as_bare_keys_are_sqli(operator: str, operand: str) -> None:
    assert _query("sqli", "{ $" + operator + ": " + operand + " }")
    assert _query("sqli", "', $" + operator + ": " + operand)


@pytest.mark.parametrize(("join", "test"), list(itertools.product(["||", "&&"], ["", "not "])))
def test_a_null_test_after_a_logical_join_is_sqli(join: str, test: str) -> None:
    assert _query("sqli", f"1 {join} user_id is {test}null")


@pytest.mark.parametrize("subject", ["1 ", "", "id "])
def test_a_whole_case_expression_is_sqli(subject: str) -> None:
    assert _query("sqli", f"case {subject}when 2 then 2 end")
    assert _query("sqli", f"case {subject}when (1=1) then 'a' else 'b' end")


LOOK_ALIKES = ["\u02bc", "\uff07"]  # the modifier letter apostrophe, the full-width one


@pytest.mark.parametrize(("word", "quote_"), list(itertools.product(["or", "and"], LOOK_ALIKES)))
def test_look_alike_quotes_before_a_condition_are_sqli(word: str, quote_: str) -> None:
    assert _query("sqli", f"1{quote_} {word} {quote_}1{quote_}={quote_}1")
    assert _query("sqli", f"1\u2032) {word} '1\u2032='1")


@pytest.mark.parametrize(
    ("function", "argument"),
    list(
        itertools.product(
            ["dblink", "dblink_connect", "has_dbaccess", "json_depth", "query_to_xml"],
            ["1", "'a'", "(select 1)"],
        )
    ),
)
def test_a_call_of_a_function_only_sql_has_is_sqli(function: str, argument: str) -> None:
    assert _query("sqli", f"{function}({argument})")


@pytest.mark.parametrize("shape", ["polygon", "linestring", "multipoint", "geometrycollection"])
def test_a_geometry_constructor_given_a_query_is_sqli(shape: str) -> None:
    assert _query("sqli", f"{shape}((select * from (select version())a))")
    assert not payload_kinds(query="wkt=" + quote(f"{shape.upper()}((30 10, 40 40, 20 40))"))


@pytest.mark.parametrize(
    "value",
    [
        "json_length of array",
        "dblink tutorial",
        "pick 1 or 2 -- either works",
        "rock or roll --",
        "score 3-- 4",
        "{$price}",
        "price: $5, {$total}",
        "$schema: draft-07",
        "in case it rains then we stay home",
        "case study when to use then end",
        "just in case when needed",
        "it\u2019s 5\u2032 or 6\u2032 tall",
        "K\u02bciche\u02bc language",
        "tea || coffee is null today",
        "1 or 2",
        "a 'b' = c",
    ],
)
def test_near_misses_of_these_shapes_stay_quiet(value: str) -> None:
    assert not payload_kinds(query="q=" + quote(value, safe=""))


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system ['id']",
        "!!python/object/new:exec [import os]",
        "!!python/name:os.system",
        "{${phpinfo()}}",
        " {${sleep(hexdec(dechex(20)))}} ",
        "${@print(md5(1))}",
        ";phpinfo();",
        "| phpinfo()",
    ],
)
def test_code_the_server_runs_from_yaml_or_php_is_cmdi(value: str) -> None:
    assert _query("cmdi", value)


@pytest.mark.parametrize(
    "value",
    [
        "python object new apply",
        "!!python tips",
        "{$total}",
        "${price}",
        "what is phpinfo",
        "phpinfo page",
        "const s = `${name}`",
    ],
)
def test_near_misses_of_server_code_stay_quiet(value: str) -> None:
    assert "cmdi" not in payload_kinds(query="q=" + quote(value, safe=""))
