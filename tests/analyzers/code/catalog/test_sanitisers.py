"""The database drivers' SQL quoting functions: a value they quote is safe inside
a quoted SQL literal, not in a page."""

from __future__ import annotations

import textwrap

import pytest

from shieldwall.analyzers.code.analyzer import analyze_text

VIEW = """
import pymysql, psycopg2.extensions
from mysql.connector.conversion import MySQLConverter
from flask import Flask, request
app = Flask(__name__)
@app.route("/x")
def view():
    conn = pymysql.connect()
    x = request.args["x"]
"""


def rules_of(body: str) -> list[str]:
    code = VIEW + textwrap.indent(textwrap.dedent(body), "    ")
    return [r.rule.id for r in analyze_text("m.py", code)]


@pytest.mark.parametrize(
    "quoted",
    [
        "conn.escape_string(x)",
        "pymysql.converters.escape_string(x)",
        "MySQLConverter(conn).escape(x)",
        "MySQLConverter.escape(x)",
        "psycopg2.extensions.adapt(x).getquoted()",
        "psycopg2.extensions.QuotedString(x).getquoted()",
    ],
)
def test_sql_quoting_of_drivers_makes_input_safe_for_sql(quoted: str) -> None:
    body = f"conn.cursor().execute(\"SELECT a FROM t WHERE b = '%s'\" % {quoted})"
    assert rules_of(body) == []


def test_unquoted_input_in_sql_is_still_reported() -> None:
    assert rules_of("conn.cursor().execute(\"SELECT a FROM t WHERE b = '%s'\" % x)") == [
        "PY-SQL-INJECTION"
    ]


def test_sql_quoting_does_not_make_markup_safe() -> None:
    assert rules_of('return "<p>%s</p>" % conn.escape_string(x)') == ["PY-XSS"]
