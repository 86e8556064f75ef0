"""Files written with Python 3.12+ syntax are rewritten on the same lines and
analysed; a file that still fails to parse is skipped at its first error."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.code import CodeAnalyzer
from shieldwall.analyzers.code.fstrings import requote
from shieldwall.analyzers.code.project import newer_syntax
from shieldwall.analyzers.code.typeparams import drop_type_parameters
from shieldwall.model import Settings
from shieldwall.sources.tree import walk


def names(source: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)}


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        ("x = f'{a['k']}'\n", {"a"}),
        ("x = f'{a.decode('utf-8')}' + f'{b.replace('\\'', 'q')}'\n", {"a", "b"}),
        ("x = f'{'\\n'.join(rows)}'\n", {"rows"}),
        ("x = f'{a  # a comment\n  + b}'\n", {"a", "b"}),
        ("x = f'{\n  a,\n  b\n}'\n", {"a", "b"}),
        ('x = f"{f"{f"{f"{deep}"}"}"}"\n', {"deep"}),
        ("x = f'{f'{v:{width}}'}'\n", {"v", "width"}),
        ("x = f'{v!r:>{w}} {y=} {a!=b} {(c:=1)} {d['k']}'\n", {"v", "w", "y", "a", "b", "c", "d"}),
        ("x = f'{\"it's\"}' + 'don\\'t'  # f'{'\n", set()),
    ],
)
def test_fstring_fields_keep_their_expressions_and_lines(source: str, kept: set[str]) -> None:
    with pytest.raises(SyntaxError):
        ast.parse(source)
    fixed = requote(source)
    assert fixed.count("\n") == source.count("\n")
    assert kept <= names(fixed)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f[T](x: T) -> T:\n    return x\n", "def f(x: T) -> T:\n    return x\n"),
        ("async def f[T: int, *Ts, **P](x): ...\n", "async def f(x): ...\n"),
        ("class C[T]:\n    pass\n", "class C():\n    pass\n"),
        ("class C[\n    T,\n](Base):\n    pass\n", "class C(\n\nBase):\n    pass\n"),
        ("type X = int\n", "X = int\n"),
        ("type Pair[\n  T\n] = tuple[T, T]\n", "Pair \\\n \\\n = tuple[T, T]\n"),
        ("type = 5\ntype(x)\n", "type = 5\ntype(x)\n"),
    ],
)
def test_type_parameters_are_dropped_on_the_same_lines(source: str, expected: str) -> None:
    assert drop_type_parameters(source) == expected
    ast.parse(expected)


def test_file_of_newer_syntax_is_analysed_and_one_still_broken_is_skipped(
    tmp_path: Path,
) -> None:
    (tmp_path / "modern.py").write_text(
        "import os\nfrom flask import request\n\n"
        "def run[T](x: T) -> T:\n"
        "    os.system(f'{request.args['c']}')\n"
        "    return x\n"
    )
    (tmp_path / "broken.py").write_text("type X = int\ndef f(:\n    pass\n")
    out = CodeAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    assert [(f.location.path, f.location.start_line) for f in out.findings] == [("modern.py", 5)]
    assert [(s.path, s.reason) for s in out.skipped] == [
        ("broken.py", "Python syntax error at line 1: invalid syntax")
    ]


def test_rewrite_leaves_files_of_older_syntax_alone() -> None:
    source = "x = f'{a}' + f\"{b['k']}\"\ntype(x)\nitems[0]\n"
    assert newer_syntax(source) == source


@pytest.mark.parametrize(
    "source",
    [
        "x = fr'\\{{{a['k']}'\n",
        "x = f'{v!s  :10}{a['k']}'\n",
        "x = f'{v:{w:{d}}}{a['k']}'\n",
        "x = f'{v:=10}{a['k']}'\n",
        "x = f'{'p' '''it's''' + a['k']}'\n",
    ],
)
def test_fstring_corners_parse_after_rewrite(source: str) -> None:
    fixed = requote(source)
    assert {"a"} <= names(fixed)


def test_hostile_nesting_is_skipped_at_the_files_own_error(tmp_path: Path) -> None:
    (tmp_path / "deep.py").write_text("x = " + "f'{" * 3000 + "a" + "}'" * 3000 + "\n")
    (tmp_path / "brackets.py").write_text("def f[\n" * 5000)
    out = CodeAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    reasons = {s.path: s.reason for s in out.skipped}
    assert set(reasons) == {"deep.py", "brackets.py"}
    assert all(r.startswith("Python syntax error at line ") for r in reasons.values())


def test_fstring_line_that_looks_like_python2_is_still_rewritten(tmp_path: Path) -> None:
    (tmp_path / "modern.py").write_text(
        "import os\nfrom flask import request\n\n"
        "def run():\n"
        "    os.system(f'echo `{request.args['c']}`')\n"
    )
    out = CodeAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    assert [(f.location.path, f.location.start_line) for f in out.findings] == [("modern.py", 5)]
    assert not out.skipped
