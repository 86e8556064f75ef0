from __future__ import annotations

from shieldwall.engine.inline import apply_inline, directives
from shieldwall.model import Control, Finding, Location, Rule, Severity

RULE = Rule("K8S-X", "config", Control.ISOLATION, Severity.HIGH, "t", "d", "r")
OTHER = Rule("K8S-Y", "config", Control.ISOLATION, Severity.HIGH, "t", "d", "r")


def _f(rule: Rule, line: int) -> Finding:
    return Finding(rule, "m", Location.at("a.yaml", line), "Pod/default/p", key=str(line))


def test_trailing_and_preceding_comments() -> None:
    lines = [
        "a: 1  # shieldwall: ignore[K8S-X] accepted for the demo",
        "# shieldwall: ignore[K8S-X, K8S-Y] legacy pod, removed in Q3",
        "# another comment in between",
        "b: 2",
        "c: 3",
    ]
    table = directives(lines)
    assert set(table) == {1, 4}
    assert table[4].rules == frozenset({"K8S-X", "K8S-Y"})
    assert table[4].reason == "legacy pod, removed in Q3"


def test_apply_inline_only_named_rules_and_lines() -> None:
    lines = ["x: 1 # shieldwall: ignore[K8S-X] ok", "y: 2", "# shieldwall: ignore[K8S-X]", "z: 3"]
    out = apply_inline([_f(RULE, 1), _f(OTHER, 1), _f(RULE, 2), _f(RULE, 4)], lambda _: lines)
    assert [f.suppressed for f in out] == [True, False, False, True]
    assert out[0].suppression is not None and out[0].suppression.kind == "inline"
    assert out[3].suppression is not None and out[3].suppression.reason == "no reason given"


def test_directive_in_dockerfile_comment_line() -> None:
    lines = ["FROM python:3.12", "# shieldwall: ignore[K8S-X] build stage only", "", "USER root"]
    assert 4 in directives(lines)


def test_other_comment_styles() -> None:
    lines = [
        "const key = f(); // shieldwall: ignore[K8S-X] test fixture",
        "/* shieldwall: ignore[K8S-Y] generated */",
        "x = 1",
        "<!-- shieldwall: ignore[K8S-X] docs sample -->",
        "<p>",
    ]
    table = directives(lines)
    assert table[1].reason == "test fixture"
    assert table[3].rules == frozenset({"K8S-Y"}) and table[3].reason == "generated"
    assert table[5].reason == "docs sample"
