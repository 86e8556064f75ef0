"""Summaries of the module's own functions: what a call passes on and reaches."""

from __future__ import annotations

import textwrap
from pathlib import Path

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.code import CodeAnalyzer
from shieldwall.analyzers.code.analyzer import analyze_text
from shieldwall.model import Settings
from shieldwall.sources.tree import walk

HEAD = "import os\nfrom flask import Flask, request\napp = Flask(__name__)\n"

RECURSIVE = """
def constant_at_the_end(x):
    if len(x) < 20:
        return constant_at_the_end(x + "!")
    return "done"

def value_at_the_end(x):
    if len(x) < 20:
        return value_at_the_end(x + "!")
    return x

def value_only_first(x):
    if len(x) > 3:
        return x
    return value_only_first(x + "a").strip()

def runs_what_it_returns(x):
    if len(x) > 3:
        return x
    os.system(runs_what_it_returns(x + "a"))
    return "k"

@app.route("/r")
def view(db):
    p = request.args.get("p")
    db.execute(constant_at_the_end(p))
    db.execute(value_at_the_end(p))
    db.execute(value_only_first(p))
    runs_what_it_returns(p)
    return "ok"
"""


def lines_of(rule: str, text: str) -> list[int]:
    return sorted(
        f.line for f in analyze_text("m.py", HEAD + textwrap.dedent(text)) if f.rule.id == rule
    )


def line_of(code: str) -> int:
    """The line of `code` in the analysed text (HEAD, then RECURSIVE dedented)."""
    lines = (HEAD + textwrap.dedent(RECURSIVE)).splitlines()
    return next(i for i, line in enumerate(lines, 1) if code in line)


def test_a_recursive_function_returning_a_constant_passes_no_input_on() -> None:
    sql = lines_of("PY-SQL-INJECTION", RECURSIVE)
    assert line_of("db.execute(constant_at_the_end(p))") not in sql


def test_a_recursive_function_returning_its_parameter_passes_input_on() -> None:
    assert lines_of("PY-SQL-INJECTION", RECURSIVE) == [
        line_of("db.execute(value_at_the_end(p))"),
        line_of("db.execute(value_only_first(p))"),
    ]


def test_a_sink_fed_by_the_recursive_call_itself_is_reached() -> None:
    assert lines_of("PY-COMMAND-INJECTION", RECURSIVE) == [
        line_of("os.system(runs_what_it_returns")
    ]


def code_injections(code: str) -> list[int]:
    return lines_of("PY-CODE-INJECTION", code)


def line_in(text: str, code: str) -> int:
    """The line of `code` in the analysed text (HEAD, then `text` dedented)."""
    lines = (HEAD + textwrap.dedent(text)).splitlines()
    return next(i for i, line in enumerate(lines, 1) if code in line)


WRAPPED = """
def with_logging(f):
    def inner(x):
        eval(x)
        f(x)
    return inner

def plain(f):
    return f

@with_logging
def logged(x):
    print(x)

@plain
def unwrapped(x):
    print(x)
"""


def view_calling(call: str) -> str:
    return (
        WRAPPED
        + f"""
@app.route("/d")
def view():
    {call}
    return "ok"
"""
    )


def test_a_call_of_a_decorated_function_runs_the_wrapper_its_decorator_returns() -> None:
    code = view_calling('logged(request.args["x"])')
    assert code_injections(code) == [line_in(code, "eval(x)")]  # in the wrapper


def test_a_decorator_returning_the_function_itself_adds_no_sink() -> None:
    assert code_injections(view_calling('unwrapped(request.args["x"])')) == []


def test_a_decorated_function_called_with_a_constant_reaches_nothing() -> None:
    assert code_injections(view_calling('logged("1 + 1")')) == []


SINKS = """
class Runner:
    def run(self, command):
        eval(command)
        return ""
"""


def sinks_view(*body: str) -> str:
    lines = "".join(f"    {b}\n" for b in body)
    return SINKS + f'\n@app.route("/l")\ndef view():\n{lines}    return "ok"\n'


def test_a_method_called_on_each_instance_of_a_list_in_a_loop_is_ours() -> None:
    code = sinks_view("for r in [Runner(), Runner()]:", '    r.run(request.args["c"])')
    assert code_injections(code) == [line_in(code, "eval(command)")]


def test_a_method_called_on_each_instance_in_a_comprehension_is_ours() -> None:
    code = sinks_view("runners = [Runner()]", 'str([r.run(request.args["c"]) for r in runners])')
    assert code_injections(code) == [line_in(code, "eval(command)")]


HANDING = """
def api_wrapper(func):
    def inner(request):
        func(request, **request.GET)
    return inner

def fixed_wrapper(func):
    def inner(request):
        func(request, operator="+")
    return inner

@api_wrapper
def from_query(request, operator):
    exec(f"result = 3 {operator} 3")

@fixed_wrapper
def from_constant(request, operator):
    exec(f"result = 3 {operator} 3")
"""


def test_a_decorated_function_takes_what_its_decorators_wrapper_hands_it() -> None:
    found = [f for f in analyze_text("views.py", HANDING) if f.rule.id == "PY-CODE-INJECTION"]
    assert [f.line for f in found] == [
        HANDING.splitlines().index('    exec(f"result = 3 {operator} 3")') + 1
    ]


def imported_decorator_findings(
    tmp_path: Path, imports: str, decorator: str
) -> list[tuple[str, int]]:
    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "logs.py").write_text(WRAPPED)  # eval(x) on line 4
    (pkg / "views.py").write_text(
        HEAD
        + imports
        + f"\n@{decorator}\ndef logged(x):\n    print(x)\n\n"
        + '@app.route("/d")\ndef view():\n    logged(request.args["x"])\n    return "ok"\n'
    )
    out = CodeAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    return [
        (f.location.path, f.location.start_line)
        for f in out.findings
        if f.rule.id == "PY-CODE-INJECTION"
    ]


def test_a_decorator_imported_by_name_from_a_module_of_the_project_runs_its_wrapper(
    tmp_path: Path,
) -> None:
    found = imported_decorator_findings(
        tmp_path, "from .logs import with_logging\n", "with_logging"
    )
    assert found == [("app/logs.py", 4)]


def test_a_decorator_named_through_its_imported_module_runs_its_wrapper(tmp_path: Path) -> None:
    found = imported_decorator_findings(tmp_path, "from . import logs\n", "logs.with_logging")
    assert found == [("app/logs.py", 4)]


def test_an_imported_decorator_of_another_package_is_not_the_projects(tmp_path: Path) -> None:
    found = imported_decorator_findings(tmp_path, "from functools import cache\n", "cache")
    assert found == []


AUDITED = """
def audited(tag):
    def deco(f):
        def wrapper(x):
            eval(x)
            return f(x)
        return wrapper
    return deco

@audited("calls")
def logged(x):
    print(x)
"""

HANDING_FACTORY = """
def handing(tag):
    def deco(func):
        def inner(request):
            func(request, **request.GET)
        return inner
    return deco

@handing("api")
def from_query(request, operator):
    exec(f"result = 3 {operator} 3")
"""


def test_a_call_of_a_function_decorated_by_a_factorys_decorator_runs_its_wrapper() -> None:
    view = '\n@app.route("/d")\ndef view():\n    logged(request.args["x"])\n    return "ok"\n'
    code = AUDITED + view
    assert code_injections(code) == [line_in(code, "eval(x)")]
    assert code_injections(AUDITED + view.replace('request.args["x"]', '"1 + 1"')) == []


def test_a_factorys_wrapper_hands_the_decorated_function_what_it_is_given() -> None:
    found = analyze_text("views.py", HANDING_FACTORY)
    assert [f.line for f in found if f.rule.id == "PY-CODE-INJECTION"] == [
        HANDING_FACTORY.splitlines().index('    exec(f"result = 3 {operator} 3")') + 1
    ]
