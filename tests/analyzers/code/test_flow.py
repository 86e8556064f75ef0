"""The data-flow engine: propagation, precision cases, summaries, parsing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.code import CodeAnalyzer
from shieldwall.analyzers.code.analyzer import PARALLEL_MIN_FILES, analyze_text
from shieldwall.analyzers.code.fstrings import requote
from shieldwall.model import Control, Settings
from shieldwall.sources.tree import walk

HEAD = "from flask import Flask, request\napp = Flask(__name__)\n"
REPO = Path(__file__).resolve().parents[3]


def rules_of(body: str, head: str = HEAD) -> list[str]:
    return [r.rule.id for r in analyze_text("m.py", head + textwrap.dedent(body))]


def view(body: str) -> str:
    return "@app.post('/x')\ndef view(db):\n" + textwrap.indent(textwrap.dedent(body), "    ")


@pytest.mark.parametrize(
    ("body", "vulnerable"),
    [
        ("p = request.args['a']\ndb.execute('SELECT ' + p)\nreturn 'ok'", True),
        ("p = request.args['a']\ndb.execute('SELECT %s' % p)\nreturn 'ok'", True),
        ("p = request.args['a']\ndb.execute('SELECT {}'.format(p))\nreturn 'ok'", True),
        ("p = request.args['a']\nq = [p]\ndb.execute(q[0])\nreturn 'ok'", True),
        ("p = request.args['a']\nq = ['x', p]\ndb.execute(q[0])\nreturn 'ok'", False),
        ("p = request.args['a']\np = 'x'\ndb.execute(p)\nreturn 'ok'", False),
        ("p = float(request.args['a'])\ndb.execute(f'{p}')\nreturn 'ok'", False),
        ("p = bool(request.args['a'])\ndb.execute(f'{p}')\nreturn 'ok'", False),
        ("p = request.args['a']\nx = 'safe' if 3 > 2 else p\ndb.execute(x)\nreturn 'ok'", False),
        ("p = request.args['a']\nx = 'safe' if 3 < 2 else p\ndb.execute(x)\nreturn 'ok'", True),
        ("p = request.args['a']\nif 'a' in 'abc':\n    p = 'k'\ndb.execute(p)\nreturn 'ok'", False),
        ("p = request.args['a']\ns = 'x'\ns += p\nt = s\ns = ''\ndb.execute(t)\nreturn 'ok'", True),
        ("p = request.args['a']\ns = ''\nc = s\ns += p\ndb.execute(c)\nreturn 'ok'", False),
        ("p = request.args['a']\nfor ch in p:\n    db.execute(ch)\nreturn 'ok'", True),
        ("p = request.args['a']\nif p in ('x', 'y'):\n    db.execute(p)\nreturn 'ok'", False),
    ],
)
def test_sql_propagation(body: str, vulnerable: bool) -> None:
    found = "PY-SQL-INJECTION" in rules_of(view(body))
    assert found is vulnerable


def test_same_module_summary_parameter_to_sink() -> None:
    code = HEAD + textwrap.dedent("""
        def run(cmd):
            import os
            os.system(cmd)

        def harmless(cmd):
            return 'constant'

        @app.post('/x')
        def view():
            run(request.form['c'])
            import os
            os.system(harmless(request.form['c']))
            return 'ok'
    """)
    raws = analyze_text("m.py", code)
    cmd = [r for r in raws if r.rule.id == "PY-COMMAND-INJECTION"]
    assert len(cmd) == 1 and "run" in cmd[0].message


def test_sink_inside_a_helper_is_reported_at_the_sink_with_the_calls_leading_there(
    tmp_path: Path,
) -> None:
    (tmp_path / "shell.py").write_text(
        "import os\n\ndef run(cmd):\n    os.system(cmd)\n\ndef twice(cmd):\n    run(cmd)\n"
    )
    (tmp_path / "app.py").write_text(
        HEAD
        + textwrap.dedent("""
        import shell

        @app.post('/x')
        def view():
            c = request.form['c']
            shell.twice(c)
            return 'ok'
    """)
    )
    out = CodeAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    (finding,) = [f for f in out.findings if f.rule.id == "PY-COMMAND-INJECTION"]
    assert (finding.location.path, finding.location.start_line) == ("shell.py", 4)
    steps = [(loc.path, loc.start_line) for loc in finding.flow]
    assert steps == [("app.py", 8), ("app.py", 9), ("shell.py", 7), ("shell.py", 4)]


def test_a_helper_sink_reached_by_several_views_is_one_finding(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        HEAD
        + textwrap.dedent("""
        import os

        def run(cmd):
            os.system(cmd)

        @app.post('/a')
        def a():
            run(request.form['a'])
            run(request.form['b'])
            return 'ok'

        @app.post('/b')
        def b():
            run(request.args['c'])
            return 'ok'
    """)
    )
    out = CodeAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    assert [(f.rule.id, f.location.start_line) for f in out.findings] == [
        ("PY-COMMAND-INJECTION", 7)
    ]


def test_imported_project_module_summary(tmp_path: Path) -> None:
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "__init__.py").write_text("")
    (tmp_path / "helpers" / "wrap.py").write_text(
        textwrap.dedent("""
        import flask
        class Wrapper:
            def __init__(self, request):
                self.request = request
            def get(self, name):
                return self.request.args.get(name)
            def safe(self, name):
                return 'bar'
    """)
    )
    (tmp_path / "app.py").write_text(
        HEAD
        + textwrap.dedent("""
        import helpers.wrap
        @app.get('/a')
        def a():
            w = helpers.wrap.Wrapper(request)
            eval(w.get('x'))
            return 'ok'
        @app.get('/b')
        def b():
            w = helpers.wrap.Wrapper(request)
            eval(w.safe('x'))
            return 'ok'
    """)
    )
    out = CodeAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    hits = [(f.rule.id, f.location.start_line) for f in out.findings]
    assert hits == [("PY-CODE-INJECTION", 8)]


def test_syntax_error_is_skipped_with_line(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    (tmp_path / "ok.py").write_text("import os\nos.system(input())\n")
    out = CodeAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    assert [s.path for s in out.skipped] == ["broken.py"]
    assert "line 1" in out.skipped[0].reason
    assert [f.rule.id for f in out.findings] == ["PY-COMMAND-INJECTION"]
    assert out.checked[Control.CODE] == frozenset({"ok.py"})


def test_python2_file_is_analysed_and_one_still_broken_is_skipped_at_its_first_error(
    tmp_path: Path,
) -> None:
    (tmp_path / "legacy.py").write_text("import os\nprint 'run'\nos.system(raw_input())\n")
    (tmp_path / "broken.py").write_text("print 'a'\ndef f(:\n    pass\n")
    out = CodeAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    assert [(f.location.path, f.location.start_line) for f in out.findings] == [("legacy.py", 3)]
    assert [s.path for s in out.skipped] == ["broken.py"]
    assert "line 1" in out.skipped[0].reason


def test_non_utf8_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'\n")
    out = CodeAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    assert out.skipped and "UTF-8" in out.skipped[0].reason


def test_python_312_fstrings_parse_on_older_interpreters() -> None:
    src = "x = f'{a.decode('utf-8')}' + f\"{\"k\"}\" + f'{b.replace('\\'', 'q')}'\n"
    fixed = requote(src)
    assert fixed.count("\n") == src.count("\n")
    compile(fixed, "x.py", "exec")
    code = HEAD + view("p = request.args['a']\neval(f'{p.strip('x')}')\nreturn 'ok'")
    assert "PY-CODE-INJECTION" in [r.rule.id for r in analyze_text("m.py", code)]


def test_fingerprint_survives_lines_added_above(tmp_path: Path) -> None:
    body = HEAD + view("eval(request.args['a'])\nreturn 'ok'")
    (tmp_path / "m.py").write_text(body)
    first = CodeAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings())).findings
    (tmp_path / "m.py").write_text("# a comment\n\n" + body)
    second = CodeAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings())).findings
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
    assert first[0].location.start_line + 2 == second[0].location.start_line


def test_parallel_matches_serial(tmp_path: Path) -> None:
    for i in range(PARALLEL_MIN_FILES + 4):
        (tmp_path / f"m{i}.py").write_text(HEAD + view(f"eval(request.args['a{i}'])\nreturn 1"))
    (tmp_path / "bad.py").write_text("def (:\n")
    tree = walk(tmp_path)
    serial = CodeAnalyzer(processes=1).analyze(ScanTarget(tree, Settings()))
    parallel = CodeAnalyzer(processes=2).analyze(ScanTarget(tree, Settings()))
    assert len(serial.findings) == PARALLEL_MIN_FILES + 4
    assert [f.fingerprint for f in parallel.findings] == [f.fingerprint for f in serial.findings]
    assert parallel.skipped == serial.skipped


def test_example_shop_weaknesses_found_and_hardened_service_quiet() -> None:
    shop = REPO / "examples" / "shop"
    out = CodeAnalyzer().analyze(ScanTarget(walk(shop), Settings()))
    by_file: dict[str, set[str]] = {}
    for f in out.findings:
        by_file.setdefault(f.location.path, set()).add(f.rule.id)
    orders = by_file.get("orders/app.py", set())
    assert {"PY-SQL-INJECTION", "PY-UNSAFE-DESERIALIZATION", "PY-DEBUG-ENABLED"} <= orders
    assert "payments/app/main.py" not in by_file


def test_tls_rule_is_encryption_and_others_code() -> None:
    for rule in CodeAnalyzer().rules():
        expected = Control.ENCRYPTION if rule.id == "PY-TLS-VERIFY-DISABLED" else Control.CODE
        assert rule.control is expected
        assert rule.cwe and rule.remediation


def test_sink_in_loop_reported_once() -> None:
    raws = analyze_text(
        "m.py", HEAD + view("for x in request.args.getlist('a'):\n    eval(x)\nreturn 'ok'")
    )
    assert [r.rule.id for r in raws] == ["PY-CODE-INJECTION"]


def test_two_views_of_the_same_name_each_keep_their_finding(tmp_path: Path) -> None:
    case = Path(__file__).parents[2] / "fixtures/code_cases/redefined_functions"
    (tmp_path / "views.py").write_text((case / "views_sharing_a_name.py").read_text())
    out = CodeAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    hits = sorted((f.rule.id, f.location.start_line) for f in out.findings)
    assert hits == [("PY-PATH-TRAVERSAL", 11), ("PY-PATH-TRAVERSAL", 17)]
    assert len({f.fingerprint for f in out.findings}) == 2


DJANGO = "import os\nfrom django import forms\nfrom django.views.generic.edit import FormView\n"


@pytest.mark.parametrize(
    ("base", "signature"),
    [
        ("FormView", "form_valid(self, form)"),
        ("admin.ModelAdmin", "save_model(self, request, obj, form, change)"),
    ],
)
def test_form_a_django_hook_is_handed_holds_the_submitted_data(base: str, signature: str) -> None:
    body = f"""
        class Hooked({base}):
            def {signature}:
                os.system("mail " + form.cleaned_data["to"])
                os.system("mail " + self.success_url)
    """
    assert rules_of(body, DJANGO) == ["PY-COMMAND-INJECTION"]


def test_django_form_methods_read_the_submitted_data_from_self() -> None:
    body = """
        class Upload(forms.Form):
            def clean_name(self):
                os.system("touch " + self.cleaned_data["name"])
                return self.cleaned_data["name"]
        class Plain:
            def clean_name(self):
                os.system("touch " + self.cleaned_data["name"])
    """
    assert rules_of(body, DJANGO) == ["PY-COMMAND-INJECTION"]


def test_form_hooks_outside_django_are_not_sources() -> None:
    body = """
        class Contact:
            def form_valid(self, form):
                os.system("mail " + form.cleaned_data["to"])
    """
    assert rules_of(body, "import os\n") == []
