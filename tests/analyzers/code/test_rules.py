"""How the code analyzer declares its rules: each once, as a constant beside what
reports it, every sink class with its rule, and the rules travel whole between
the worker processes."""

from __future__ import annotations

import pickle
from typing import get_args

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code.analyzer import ALL_RULES, analyze_text
from shieldwall.analyzers.code.patterns import WEAK_HASH
from shieldwall.analyzers.code.values import ALL_CLASSES


def test_every_rule_is_declared_once() -> None:
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids))
    assert all(r.analyzer == "code" and r.applies_to == ("python",) for r in ALL_RULES)


def test_every_sink_class_has_its_rule() -> None:
    assert set(get_args(cat.SinkClass)) == set(cat.TAINT_RULES)
    used = {s.cls for s in (*cat.SINK_CALLS.values(), *cat.SINK_METHODS.values())}
    reached = set().union(*cat.KIND_REACHES.values())
    missing = (used | reached | ALL_CLASSES) - set(cat.TAINT_RULES)
    assert not missing, f"sink classes without a rule: {sorted(missing)}"


def test_a_rule_links_its_cwe_pages_first() -> None:
    sql = cat.TAINT_RULES["sql"]
    assert sql.references[0] == "https://cwe.mitre.org/data/definitions/89.html"
    assert sql.references[1:] == ("https://owasp.org/www-community/attacks/SQL_Injection",)


def test_a_reported_finding_carries_its_rule_and_survives_pickling() -> None:
    raws = analyze_text("m.py", "import hashlib\nhashlib.md5(b'x').hexdigest()\n")
    assert [r.rule for r in raws] == [WEAK_HASH]
    back = pickle.loads(pickle.dumps(raws))
    assert back == raws
    assert back[0].rule.remediation == WEAK_HASH.remediation
