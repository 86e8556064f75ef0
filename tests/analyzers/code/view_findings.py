"""A helper of the code analyzer's tests: the findings of a Flask view's body."""

from __future__ import annotations

import textwrap

from shieldwall.analyzers.code.analyzer import analyze_text

VIEW_HEAD = """
import importlib, os, pickle, pg8000.native
from flask import Flask, request
app = Flask(__name__)
@app.route("/x")
def view():
"""


def view_findings(body: str) -> list[tuple[str, int]]:
    """(rule, line within `body`) of each finding in a Flask view running `body`."""
    code = VIEW_HEAD + textwrap.indent(textwrap.dedent(body), "    ")
    first = VIEW_HEAD.count("\n") + 1
    return [(r.rule.id, r.line - first + 1) for r in analyze_text("m.py", code)]
