"""Registries a module fills through its own decorators, and calls of what they hold."""

from __future__ import annotations

import ast
import textwrap

from shieldwall.analyzers.code.analyzer import analyze_text
from shieldwall.analyzers.code.registries import registered

HEAD = "import os\nfrom flask import Flask, request\napp = Flask(__name__)\n"

REGISTRY = """
HANDLERS = {}
HOOKS = []

def handler(name):
    def add(f):
        HANDLERS[name] = f
        return f
    return add

def hook(f):
    HOOKS.append(f)
    return f

def noted(f):
    print(f.__name__)
    return f

@handler("ping")
def ping(host):
    os.system("ping " + host)

@hook
def run_hook(cmd):
    os.system(cmd)

@noted
def not_registered(cmd):
    os.system(cmd)
"""


def commands(*body: str, before: str = "") -> list[int]:
    """The command-injection lines when a view runs `body` (after `before`)."""
    lines = "".join(f"    {b}\n" for b in body)
    view = f'{before}\n@app.route("/run")\ndef run():\n{lines}    return "ok"\n'
    text = HEAD + textwrap.dedent(REGISTRY) + view
    return sorted(f.line for f in analyze_text("m.py", text) if f.rule.id == "PY-COMMAND-INJECTION")


def line_of(code: str) -> int:
    lines = (HEAD + textwrap.dedent(REGISTRY)).splitlines()
    return next(i for i, line in enumerate(lines, 1) if code in line)


def test_a_decorator_storing_the_function_it_returns_registers_it_in_that_container() -> None:
    found = registered(ast.parse(textwrap.dedent(REGISTRY)))
    assert found.members == {"HANDLERS": ("ping",), "HOOKS": ("run_hook",)}


def test_a_call_of_what_a_registry_holds_runs_the_functions_registered_there() -> None:
    found = commands('HANDLERS[request.args["name"]](request.args["arg"])')
    assert found == [line_of('os.system("ping " + host)')]


def test_a_function_looked_up_with_get_and_kept_in_a_name_is_a_registered_one() -> None:
    found = commands('fn = HANDLERS.get(request.args["name"])', 'fn(request.args["arg"])')
    assert found == [line_of('os.system("ping " + host)')]


def test_a_loop_over_a_registry_calls_each_function_registered_there() -> None:
    found = commands("for h in HOOKS:", '    h(request.args["arg"])')
    assert found == [line_of("os.system(cmd)")]


def test_a_registered_function_called_with_a_constant_reaches_nothing() -> None:
    assert commands('HANDLERS[request.args["name"]]("127.0.0.1")') == []


def test_a_container_no_decorator_fills_runs_nothing_when_called_through() -> None:
    found = commands(
        'OTHERS[request.args["name"]](request.args["arg"])', before='OTHERS = {"x": print}'
    )
    assert found == []


ROUTER = """
class Router:
    def __init__(self):
        self.routes = {}
        self.hooks = []

    def route(self, path):
        def deco(f):
            self.routes[path] = f
            return f
        return deco

    def on_request(self, f):
        self.hooks.append(f)
        return f

    def dispatch(self, path, params):
        for hook in self.hooks:
            hook(params)
        handler = self.routes.get(path)
        return handler(params)

router = Router()

@router.route("/ping")
def ping(params):
    os.system("ping " + params["host"])
    return "ok"

@router.on_request
def audit(params):
    os.popen("logger " + params["who"])
"""


def test_a_router_class_of_the_module_registers_what_its_instances_decorate() -> None:
    found = registered(ast.parse(textwrap.dedent(ROUTER)))
    assert found.members == {"Router.routes": ("ping",), "Router.hooks": ("audit",)}


def test_a_method_calling_what_its_own_registry_holds_runs_the_registered_functions() -> None:
    text = HEAD + textwrap.dedent(ROUTER)
    text += (
        '\n@app.route("/x")\ndef view():\n    return router.dispatch(request.path, request.args)\n'
    )
    found = sorted(
        f.line for f in analyze_text("m.py", text) if f.rule.id == "PY-COMMAND-INJECTION"
    )
    lines = text.splitlines()
    assert found == [
        next(i for i, line in enumerate(lines, 1) if "os.system(" in line),
        next(i for i, line in enumerate(lines, 1) if "os.popen(" in line),
    ]


def handlers_module(n: int) -> str:
    """N registered handlers, each looping over the registry with what it is given,
    and a view doing the same with request data."""
    src = ["HANDLERS = {}", "def reg(f):", "    HANDLERS[f.__name__] = f", "    return f"]
    for i in range(n):
        src += ["@reg", f"def h{i}(x):", "    for h in HANDLERS.values():"]
        src += [f"        h(x + '{i}')", "    return os.system(x)"]
    src += ["@app.route('/')", "def index():", "    for h in HANDLERS.values():"]
    src += ["        h(request.args['q'])"]
    return HEAD + "\n".join(src) + "\n"


def test_handlers_dispatching_through_their_own_registry_report_each_sink_once() -> None:
    text = handlers_module(6)
    found = [f for f in analyze_text("m.py", text) if f.rule.id == "PY-COMMAND-INJECTION"]
    sinks = [i for i, line in enumerate(text.splitlines(), 1) if "os.system" in line]
    assert sorted(f.line for f in found) == sinks
    assert all("request.args" in f.message for f in found)


def test_a_dispatch_with_constants_does_not_hide_a_later_one_with_input() -> None:
    before = "def warm():\n    for h in HOOKS:\n        h('ls')\n"
    lines = commands("for h in HOOKS:", "    h(request.args['c'])", before=before)
    assert lines == [line_of("os.system(cmd)")]


def test_what_a_registered_function_reads_itself_reaches_a_sink_at_every_dispatch() -> None:
    source = (
        "SOURCES = {}\n"
        "def source(f):\n    SOURCES[f.__name__] = f\n    return f\n"
        "@source\ndef query(name):\n    return request.args[name]\n"
    )
    views = "".join(
        f"@app.route('/{v}')\ndef {v}():\n    for s in SOURCES.values():\n"
        f"        os.system(s('q'))  # {v}\n"
        for v in ("first", "second")
    )
    text = HEAD + source + views
    lines = text.splitlines()
    expected = [i for i, line in enumerate(lines, 1) if "os.system(s(" in line]
    found = analyze_text("m.py", text)
    assert sorted(f.line for f in found if f.rule.id == "PY-COMMAND-INJECTION") == expected
