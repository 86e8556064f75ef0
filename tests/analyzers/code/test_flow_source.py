"""A data-flow finding knows where its data came from (source) as well as where it
is used (sink): SARIF shows the path between them."""

from __future__ import annotations

from pathlib import Path

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.code import CodeAnalyzer
from shieldwall.model import Finding, Location, Settings
from shieldwall.sources.tree import walk

DIRECT = """import os
from flask import Flask, request

app = Flask(__name__)


@app.route("/run")
def run():
    cmd = request.args.get("c")
    note = "unrelated"
    os.system(cmd)
    return note
"""

THROUGH_A_HELPER = """import os
from flask import Flask, request

app = Flask(__name__)


def user_command():
    return request.args["c"]


@app.route("/run")
def run():
    os.system(user_command())
    return "ok"
"""

PATTERN_ONLY = """import hashlib


def digest(data):
    return hashlib.md5(data).hexdigest()
"""


def code_findings(root: Path) -> list[Finding]:
    return list(CodeAnalyzer(processes=1).analyze(ScanTarget(walk(root), Settings())).findings)


def test_taint_finding_flows_from_the_source_line_to_the_sink(write) -> None:
    (finding,) = code_findings(write({"app/views.py": DIRECT}))
    assert finding.rule.id == "PY-COMMAND-INJECTION"
    assert finding.location == Location.at("app/views.py", 11)
    assert finding.flow == (Location.at("app/views.py", 9), finding.location)


def test_source_inside_a_called_function_is_where_the_data_is_read(write) -> None:
    (finding,) = code_findings(write({"app/views.py": THROUGH_A_HELPER}))
    assert finding.location == Location.at("app/views.py", 13)
    assert finding.flow[0] == Location.at("app/views.py", 8)


def test_pattern_findings_have_no_flow(write) -> None:
    findings = code_findings(write({"app/crypto.py": PATTERN_ONLY}))
    assert findings
    assert all(f.flow == () for f in findings)


def test_data_a_function_of_another_module_returns_keeps_that_module_as_its_source() -> None:
    from shieldwall.analyzers.code.values import CLEAN, Taint, Val, placed

    here = Taint("request.args", 8)
    there = Taint("request.form", 3, path="app/other.py")
    value = Val(items=(Val(here), CLEAN), keys={"k": Val(there)})
    moved = placed(value, "app/helpers.py")
    assert moved.items is not None and moved.keys is not None
    assert moved.items[0].taint == Taint("request.args", 8, path="app/helpers.py")
    assert moved.keys["k"].taint == there  # already placed: unchanged
    assert placed(CLEAN, "app/helpers.py") is CLEAN
    assert here.sanitised(frozenset({"sql"})) is not None
    assert there.sanitised(frozenset({"sql"})).path == "app/other.py"  # type: ignore[union-attr]
