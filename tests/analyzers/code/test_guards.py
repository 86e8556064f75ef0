"""Guards: checks made by assert statements and by the helpers a view calls
first hold of the values they check."""

from __future__ import annotations

import textwrap

from shieldwall.analyzers.code.analyzer import analyze_text

HEAD = """
from flask import Flask, request
app = Flask(__name__)
"""


def code_injections(code: str) -> int:
    found = analyze_text("m.py", HEAD + textwrap.dedent(code))
    return sum(1 for f in found if f.rule.id == "PY-CODE-INJECTION")


def test_an_assert_of_membership_in_constants_clears_the_value() -> None:
    code = """
        @app.route("/a")
        def view():
            op = request.args["op"]
            assert op in {"+", "-", "*", "/"}
            return str(eval(f"2 {op} 2"))
    """
    assert code_injections(code) == 0


def test_an_assert_that_checks_nothing_of_the_value_keeps_it_tainted() -> None:
    code = """
        @app.route("/a")
        def view():
            op = request.args["op"]
            assert op
            return str(eval(f"2 {op} 2"))
    """
    assert code_injections(code) == 1


def test_a_helper_returning_a_value_it_asserted_on_returns_it_clean() -> None:
    code = """
        def checked_operator():
            op = request.args["op"]
            assert op in {"+", "-"}
            return op

        @app.route("/a")
        def view():
            return str(eval(f"2 {checked_operator()} 2"))
    """
    assert code_injections(code) == 0


def test_a_helper_asserting_on_its_parameter_clears_the_argument_after_the_call() -> None:
    code = """
        def assert_numeric(operand):
            assert operand.isnumeric()

        @app.route("/a")
        def view():
            left = request.args["left"]
            assert_numeric(left)
            return str(eval(left + " + 1"))
    """
    assert code_injections(code) == 0


def test_a_helper_raising_unless_its_parameter_is_valid_clears_the_argument() -> None:
    code = """
        def require_digits(value, name="value"):
            if not value.isdigit():
                raise ValueError(name)

        @app.route("/a")
        def view():
            n = request.args["n"]
            require_digits(name="n", value=n)
            return str(eval(n))
    """
    assert code_injections(code) == 0


def test_a_helper_checking_another_parameter_leaves_the_argument_tainted() -> None:
    code = """
        def check(a, b):
            assert b.isnumeric()

        @app.route("/a")
        def view():
            left = request.args["left"]
            check(left, "1")
            return str(eval(left))
    """
    assert code_injections(code) == 1


def test_a_check_after_a_possible_return_does_not_hold_after_the_call() -> None:
    code = """
        def maybe_check(operand, strict):
            if not strict:
                return
            assert operand.isnumeric()

        @app.route("/a")
        def view():
            left = request.args["left"]
            maybe_check(left, False)
            return str(eval(left))
    """
    assert code_injections(code) == 1


def test_a_check_of_a_reassigned_parameter_does_not_hold_of_the_argument() -> None:
    code = """
        def check(operand):
            operand = operand.strip()[:1]
            assert operand.isnumeric()

        @app.route("/a")
        def view():
            left = request.args["left"]
            check(left)
            return str(eval(left))
    """
    assert code_injections(code) == 1
