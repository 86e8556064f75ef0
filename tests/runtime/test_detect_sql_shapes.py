"""SQL injection in the shapes libinjection leaves, and the ordinary values with
quotes, apostrophes and SQL words that must stay quiet. Payloads are generated
here from their parts, never taken from an attack corpus."""

from __future__ import annotations

import itertools
import json
from urllib.parse import quote

import pytest

from shieldwall.runtime.detect.body import body_values
from shieldwall.runtime.detect.sql import sql_shape
from tests.runtime.payloads import payload_kinds

_kinds = payload_kinds


QUOTES = ["'", '"', "`", "\u00b4"]
JOINS = [" and(", "and (", " or(", " && (1=1", " || (2<3"]


@pytest.mark.parametrize(("quote", "join"), list(itertools.product(QUOTES, JOINS)))
def test_a_quote_closed_before_a_condition_in_parentheses_is_sqli(quote: str, join: str) -> None:
    assert sql_shape(f"x{quote}{join} ascii(substr(user(),1,1))>64".lower())


@pytest.mark.parametrize(("quote", "word"), list(itertools.product(QUOTES[:3], ["or", "and"])))
def test_a_quote_escaped_with_a_backslash_before_a_condition_is_sqli(quote: str, word: str) -> None:
    assert sql_shape(f"\\{quote}{word}{quote}1")


@pytest.mark.parametrize(
    "value",
    [
        "7=7",
        "a,12 = 12",
        "33 like 33",
        "5<=>5",
        "in (0,1)",
        "not in (3, -1, 2147483647)",
        "IS NOT NULL",
        "x LIKE '",
        ") like (",
        "if(9>",
        "` AS `uid` FROM",
        '42 As" from',
        "FROM `t` WHERE `t`.`id` = 4 LIMIT",
        "from orders order by 1",
        "except select 1",
        "VALUES ('10.0.0.1', 'x')",
        "select 0x414243",
        "ascii(substring((select name from t),1,1))",
        "cast(version() as signed)",
        "convert(name using latin1)",
        "match(title) against ('x' in boolean mode)",
        "procedure analyse(extractvalue(1,1),1)",
        "execute immediate 'select 1'",
        "exec(@q)",
        "dbms_lock.sleep(3)",
        "'{\"a\":1}'::jsonb @> '{}'",
        "json_extract(data, '$.a')",
        "data->>'role' = 'admin'",
        "4294967296",
        "1e309",
        "1.e(ascii(1))",
        "overlay(pass placing 'x' from 1)::int",
        "'alter a",
        "x' div 1 #",
        "1; drop table users",
        "1;drop/*x*/table users",
        "1;select * from t",
        "1; select name, pass from users",
        "x; shutdown --",
        "1; exec xp_cmdshell 'dir'",
        "1; update users set role=1",
        "1 /*!50000union*/ 2",
        "iif((select 1)=1,1,0)",
        "sleep(@t)",
        "merge into t using s on 1=1",
        "1; declare @x int",
        "1 in (select id from t)",
        "group by id having count(*)>1",
        "load data infile 'f' into table t",
        "openrowset('x','y','z')",
    ],
)
def test_sql_fragments_libinjection_leaves_are_sqli_in_a_query_and_a_body(value: str) -> None:
    assert "sqli" in _kinds(query="v=" + quote(value))
    assert "sqli" in _kinds(method="POST", body="v=" + quote(value))


@pytest.mark.parametrize(("key", "value"), [("user[$ne]", "x"), ("q[$where]", "1"), ("$gt", "")])
def test_mongodb_operators_in_names_and_json_keys_are_sqli(key: str, value: str) -> None:
    if value:
        assert "sqli" in _kinds(query=f"{key}={value}")
    operator = key.split("[")[-1].rstrip("]")
    assert "sqli" in _kinds(method="POST", body=json.dumps({operator: "a"}))


def test_a_body_that_is_not_a_form_is_also_judged_whole() -> None:
    assert "'admin', '1'='1'" in body_values("'admin', '1'='1'")
    assert body_values("user=ann&note=hi%21") == ["ann", "hi!"]
    assert "sqli" in _kinds(method="POST", body="'admin', '1'='1'")


@pytest.mark.parametrize(
    "value",
    [
        "O'Neil and sons",
        "Zoë O\u2019Brien",
        "rock 'n' roll",
        "it's 1=2 or so",
        "the cast (all of us) as heroes",
        "a match (friendly) against Spain",
        "lower(case) letters",
        "length (cm)",
        'known as "Bob" from Texas',
        "things like 2 of them",
        "version 2 as from today",
        "from London where to go",
        "sizes in (S, M, L)",
        "in (2)",
        "1.1=1.1",
        "pages 1-2, 3=4",
        "order by price",
        "select your size",
        "union jack t-shirt",
        "update your profile",
        "Please 'update' the address",
        "exec summary 2024",
        "$5 off",
        "price->cheap",
        "Die Union von Europa",
        "42949672",
        "null island",
        "drop-off at the back door",
        "I like 'em",
        "Please 'update' the address; drop-off at the back door",
        "Pick a colour; select your size",
        "Notes; truncate the long ones",
        "done; update the wiki later",
        "merge into one file",
        "if (it rains) stay in",
        "in (select) cities",
        "group by size, having fun",
        "/* note */ see below",
    ],
)
def test_ordinary_values_with_quotes_and_sql_words_are_not_sqli(value: str) -> None:
    assert "sqli" not in _kinds(path="/search", query="q=" + quote(value))
    assert "sqli" not in _kinds(method="POST", path="/notes", body="note=" + quote(value))


def test_a_condition_joined_to_mongodb_javascript_is_sqli() -> None:
    assert "sqli" in _kinds(path="/items/7||this.price/reviews")
    assert "sqli" in _kinds(query="id=" + quote("1&&this.owner=='a'"))
    assert "sqli" not in _kinds(query="q=" + quote("this.and that || more"))


def test_a_statement_after_a_slash_or_a_semicolon_at_the_start_is_sqli() -> None:
    assert "sqli" in _kinds(query="a=" + quote("/DROP TABLE orders"))
    assert "sqli" in _kinds(query="a=" + quote(");insert into t values (1)"))
    assert "sqli" not in _kinds(query="a=" + quote("/drop the table by the door"))


@pytest.mark.parametrize(
    "value",
    [
        " OR col=col",
        "x' or tbl_1 = tbl_1",
        " OR a=b-- ",
        "or true#",
        "select session_user;",
        "'create user " + "sw identified by " + "pw1 temporary tablespace temp",
        "' grant connect to " + "sw; grant resource to sw; --",
        "BACKUP database master " + "to disk='x.bak'",
        "'),NULL) /*",
    ],
)
def test_tautologies_accounts_backups_and_null_lists_are_sqli(value: str) -> None:
    assert "sqli" in _kinds(query="q=" + quote(value))


@pytest.mark.parametrize(
    "value",
    [
        "this or that=this",
        "color=red or blue=blue-ish",
        "either or true love",
        "select current user settings",
        "how to create user accounts identified by email",
        "identified by name, default tablespace",
        "we grant access to everyone",
        "backup database weekly to tape",
        "'a', nullable)",
        "or x.x=x",
    ],
)
def test_sentences_near_those_sql_shapes_are_not_sqli(value: str) -> None:
    assert "sqli" not in _kinds(query="q=" + quote(value))


# Shapes of SQL libinjection leaves: server variables, UDF calls, grouping by
# position, xor, a no-break space, line comments before a newline, error-printing
# and SQL-only functions, catalogues, punctuated unions, a quote closing a value.
SQL_FRAGMENTS = [
    "@@version",
    "1 and @@servername like 'x%'",
    "sys_eval('id')",
    "1 group by 1,2--",
    "1 xor 1",
    "1\xa0union\xa0select\xa01",
    "1 union#x\nselect 1,2",
    "1' or--\n1=1",
    "1 and polygon((select * from (select user())a))",
    "select banner from v$version",
    "1 and current_setting('is_superuser')='on'",
    "x' and 1=dbms_lock.sleep(5)--",
    "1 and char_length(user())>1",
    "1 and ifnull(1,2)=1",
    "select name from master..sysobjects",
    "select * from msdb..backupset",
    "substr(1) union(!select 1",
    "x having a=1",
    "user[$size]=1",
    "declare #t table",
    "1 limit 1,1",
    "-1 between 0 and 2",
    "' union/",
    "'UNION A",
    '" UNION A',
    "1'select",
    "x' union all",
]
NEAR_SQL = [
    "group by colour",
    "xor gate kit",
    "@@ in email?",
    "team@@home",
    "#1 seller\nfree shipping",
    "-- notes --\nbring 2 bags",
    "polygon shapes for kids",
    'Die "Union von Europa"',
    'the "union jack" flag',
    '"union station"',
    '"select" plan',
    "team building having fun = great",
    "limit 2 per order",
    "I like it, between you and me",
    "rpad and lpad",
]


@pytest.mark.parametrize("value", SQL_FRAGMENTS)
def test_sql_fragments_libinjection_leaves_are_sqli(value: str) -> None:
    encoded = quote(value, safe="", encoding="latin-1")  # `\xa0` as the single byte %A0
    assert "sqli" in _kinds(query="v=" + encoded)


@pytest.mark.parametrize("text", NEAR_SQL)
def test_words_phrases_and_notes_near_those_fragments_are_not_sqli(text: str) -> None:
    assert "sqli" not in _kinds(query="q=" + quote(text, safe=""))


@pytest.mark.parametrize(
    "value",
    [
        "1or1=1",
        "2and2=2",
        ") or (a=a",
        "') or ('x'='x",
        "PRINT @@version",
        "uni/**/on sel/**/ect 1,2",
    ],
)
def test_tautologies_without_spaces_print_and_split_keywords_are_sqli(value: str) -> None:
    assert sql_shape(value.lower())
    assert "sqli" in payload_kinds(query="q=" + quote(value, safe=""))


@pytest.mark.parametrize(
    "value",
    [
        "1or2=3",
        "room 1or2 = floor 1",
        "pick (one) or (the other)",
        "tea (green) or (black)=fine",
        "print @home",
        "a/**/b union of sets",
        "--sp-password-reset",
    ],
)
def test_notes_near_those_tautologies_are_not_sqli(value: str) -> None:
    assert "sqli" not in payload_kinds(query="q=" + quote(value, safe=""))


@pytest.mark.parametrize(
    "value",
    [
        "1 and json_objectagg(a,b)",
        "select current_database()",
        "1 and getpgusername()",
        "1 and lo_from_bytea(0,'a')",
        "1 or inet_server_addr() is not null",
    ],
)
def test_postgresql_and_mysql_functions_that_read_the_server_are_sqli(value: str) -> None:
    assert "sqli" in payload_kinds(query="id=" + quote(value, safe=""))


@pytest.mark.parametrize(
    "value",
    ["current database size", "the current_database setting", "json objectagg docs"],
)
def test_words_naming_those_functions_without_a_call_stay_quiet(value: str) -> None:
    assert "sqli" not in payload_kinds(query="q=" + quote(value))
