"""Expressions: names the module never binds."""

from __future__ import annotations

import textwrap

from shieldwall.analyzers.code.analyzer import analyze_text


def rules_of(code: str) -> list[str]:
    return [r.rule.id for r in analyze_text("m.py", textwrap.dedent(code))]


def test_unbound_request_global_is_the_request() -> None:
    # web2py's controllers read the request from a global nobody imports
    code = """
        def index():
            return eval(request.vars.expr)
    """
    assert rules_of(code) == ["PY-CODE-INJECTION"]


def test_request_bound_in_the_module_is_not_the_request() -> None:
    code = """
        request = {"vars": "1 + 1"}
        def index():
            return eval(request["vars"])
    """
    assert rules_of(code) == []


def test_request_parameter_elsewhere_binds_the_name() -> None:
    code = """
        def helper(request):
            return request
        def index():
            return eval(request.vars.expr)
    """
    assert rules_of(code) == []
