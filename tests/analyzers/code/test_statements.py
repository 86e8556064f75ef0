"""Statements: what an import binds."""

from __future__ import annotations

import textwrap

from shieldwall.analyzers.code.analyzer import analyze_text


def rules_of(code: str) -> list[str]:
    return [r.rule.id for r in analyze_text("m.py", textwrap.dedent(code))]


def test_stdin_imported_from_sys_is_input() -> None:
    code = """
        from sys import stdin
        def run():
            eval(stdin.readline())
    """
    assert rules_of(code) == ["PY-CODE-INJECTION"]


def test_argv_imported_from_sys_is_input() -> None:
    code = """
        from sys import argv
        import os
        def run():
            os.system("ls " + argv[1])
    """
    assert rules_of(code) == ["PY-COMMAND-INJECTION"]


def test_other_names_imported_from_sys_are_not_input() -> None:
    code = """
        from sys import executable
        import os
        def run():
            os.system(executable + " -V")
    """
    assert rules_of(code) == []


def test_a_name_declared_as_a_request_and_set_elsewhere_is_input() -> None:
    code = """
        from django.http import HttpRequest
        request: HttpRequest = ...
        eval(request.GET["q"])
    """
    assert rules_of(code) == ["PY-CODE-INJECTION"]


def test_a_request_built_in_place_is_not_declared_input() -> None:
    code = """
        from django.http import HttpRequest
        request: HttpRequest = HttpRequest()
        eval(request.GET["q"])
    """
    assert rules_of(code) == []


def test_a_name_declared_as_another_type_is_not_input() -> None:
    code = """
        from django.http import HttpRequest
        query: str = ...
        eval(query)
    """
    assert rules_of(code) == []
