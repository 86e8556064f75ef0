from __future__ import annotations

from dataclasses import replace

from shieldwall.engine.inline import apply_inline, directives, yaml_block
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


COMPOSE = [
    "services:",  # 1
    "  web:  # shieldwall: ignore[K8S-X] the whole service",  # 2
    "    image: nginx",  # 3
    "    # shieldwall: ignore[K8S-Y] demo ports",  # 4
    "    ports:",  # 5
    '    - "80:80"',  # 6: a sequence at the key's own indentation
    "",  # 7
    '    - "443:443"  # shieldwall: ignore[K8S-X] also here',  # 8
    "    environment:",  # 9
    "      A: 1",  # 10
    "  db:",  # 11
    "    image: redis",  # 12
]


def test_a_yaml_key_s_block_is_the_lines_below_it_and_its_own_sequence() -> None:
    assert list(yaml_block(COMPOSE, 2)) == list(range(3, 11))
    assert list(yaml_block(COMPOSE, 5)) == [6, 7, 8]
    assert list(yaml_block(COMPOSE, 9)) == [10]
    assert list(yaml_block(COMPOSE, 3)) == []  # a key with a value on its line


def test_an_ignore_on_a_yaml_key_covers_its_block_in_yaml_files_only() -> None:
    def at(path: str, rule: Rule, line: int) -> Finding:
        return Finding(rule, "m", Location.at(path, line), "svc", key=f"{rule.id}{line}")

    findings = [at("c.yaml", OTHER, 8), at("c.yaml", RULE, 8), at("c.yaml", RULE, 10)]
    findings += [at("c.yaml", OTHER, 9), at("c.yaml", RULE, 12), at("c.yaml", OTHER, 3)]
    out = apply_inline(findings, lambda _: COMPOSE)
    assert [f.suppressed for f in out] == [True, True, True, False, False, False]
    assert out[0].suppression is not None and out[0].suppression.reason == "demo ports"
    assert out[2].suppression is not None and out[2].suppression.reason == "the whole service"
    code = [at("c.py", RULE, 10)]
    assert not apply_inline(code, lambda _: COMPOSE)[0].suppressed


def test_an_ignore_where_a_finding_s_cause_is_written_covers_it() -> None:
    lines = ["db:", "  ports:  # shieldwall: ignore[K8S-X] local only", '    - "5432:5432"']
    finding = Finding(
        RULE, "m", Location.at("c.yaml", 1), "db", ignorable_at=(Location.at("c.yaml", 3),)
    )
    [out] = apply_inline([finding], lambda _: lines)
    assert out.suppressed
    [alone] = apply_inline([replace(finding, ignorable_at=())], lambda _: lines)
    assert not alone.suppressed
