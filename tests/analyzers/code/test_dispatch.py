"""A registry's dispatch with request data, planned once per container and shape of
arguments: N routes each looping over N registered handlers give the findings of
N * N calls for the work of N."""

from __future__ import annotations

import random

import pytest

from shieldwall.analyzers.code.analyzer import analyze_text
from shieldwall.analyzers.code.interproc import Interprocedural
from shieldwall.analyzers.code.module import RawFinding

HEAD = """import os, shlex, sqlite3
from flask import Flask, request
app = Flask(__name__)
db = sqlite3.connect("x.db")
HANDLERS = {}
def reg(f):
    HANDLERS[f.__name__] = f
    return f
"""
# What a registered handler may do with its argument.
BODIES = (
    "os.system(x)",
    "os.system(shlex.quote(x))",
    "db.execute('select * from t where a = ' + x)",
    "return x",
    "return shlex.quote(x)",
    "return {'a': x}",
    "eval(x)",
    "return 1",
    "return os.path.normpath(x)",
    "db.execute(x)",
)
# What a route may hand to every handler.
ARGUMENTS = (
    "request.args['q']",
    "shlex.quote(request.args['q'])",
    "'constant'",
    "request.args['q'], 'b'",
    "x=request.args['q']",
    "'select * from t where a = ' + request.args['q']",
)
# What a route may do with what the dispatch returns.
AFTER = ("", "os.system(v)", "db.execute('select ' + v)", "return v", "open(v)")


def _module(rng: random.Random, handlers: int, routes: int) -> str:
    lines = [HEAD]
    for i in range(handlers):
        lines += ["@reg", f"def h{i}(x, y=None):", f"    {rng.choice(BODIES)}"]
    for i in range(routes):
        lines += [f"@app.route('/r{i}')", f"def r{i}():", "    v = ''"]
        lines += ["    for h in HANDLERS.values():", f"        v = h({rng.choice(ARGUMENTS)})"]
        lines += [f"    {rng.choice(AFTER) or 'pass'}"]
    return "\n".join(lines) + "\n"


def _findings(text: str) -> list[str]:
    return [repr(f) for f in analyze_text("m.py", text)]


def _commands(found: list[RawFinding]) -> list[RawFinding]:
    return [f for f in found if f.rule.id == "PY-COMMAND-INJECTION"]


def test_each_handler_sink_is_reported_once_from_the_first_route_reaching_it() -> None:
    text = (
        HEAD
        + "".join(f"@reg\ndef h{i}(x):\n    os.system(x)\n" for i in range(3))
        + "".join(
            f"@app.route('/r{i}')\ndef r{i}():\n    for h in HANDLERS.values():\n"
            f"        h(request.args['q'])\n"
            for i in range(3)
        )
    )
    found = _commands(analyze_text("m.py", text))
    assert len(found) == 3
    assert [f.resource for f in found] == ["r0", "r0", "r0"]
    assert len({f.line for f in found}) == 3  # each in its handler


def test_a_route_with_safe_data_does_not_hide_a_later_route_with_raw_data() -> None:
    text = (
        HEAD
        + "@reg\ndef h(x):\n    os.system(x)\n"
        + "@app.route('/a')\ndef a():\n    for h in HANDLERS.values():\n"
        + "        h(shlex.quote(request.args['q']))\n"
        + "@app.route('/b')\ndef b():\n    for h in HANDLERS.values():\n"
        + "        h(request.args['q'])\n"
    )
    [found] = _commands(analyze_text("m.py", text))
    assert found.resource == "b"


def test_what_any_handler_returns_of_the_data_reaches_the_route_after_the_dispatch() -> None:
    text = (
        HEAD
        + "@reg\ndef safe(x):\n    return shlex.quote(x)\n"
        + "@reg\ndef raw(x):\n    return x\n"
        + "@app.route('/a')\ndef a():\n    for h in HANDLERS.values():\n"
        + "        v = h(request.args['q'])\n        os.system(v)\n"
    )
    [found] = _commands(analyze_text("m.py", text))
    assert found.line == text.splitlines().index("        os.system(v)") + 1


@pytest.mark.parametrize("seed", range(60))
def test_a_planned_dispatch_finds_what_running_each_handler_finds(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    text = _module(rng, handlers=rng.randint(1, 6), routes=rng.randint(1, 6))
    planned = _findings(text)
    monkeypatch.setattr(Interprocedural, "_planned", lambda *_: None)
    assert planned == _findings(text)
