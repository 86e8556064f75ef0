"""Verdicts remembered per line give what a fresh pass gives: on repeated lines,
across file types and test paths, and where a value stands on the line below."""

from __future__ import annotations

import random
import string
from collections.abc import Sequence

from shieldwall.analyzers.secrets.engine import Detector, Match
from shieldwall.analyzers.secrets.syntax import syntax_for
from shieldwall.analyzers.secrets.verdicts import LineVerdicts, Verdict


def _token(seed: int, n: int = 24) -> str:
    rnd = random.Random(seed)
    return "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(n))


def _seen(found: list[Match]) -> list[tuple[str, str, int, object]]:
    return [(m.rule_id, m.secret, m.line, m.severity) for m in found]


def test_a_repeated_line_is_reported_on_every_line_it_stands() -> None:
    line = f'api_token = "{_token(1)}"\n'
    found = Detector().scan((line * 5).encode(), "settings.py")
    assert [m.line for m in found] == [1, 2, 3, 4, 5]


def test_remembered_verdicts_equal_fresh_ones_over_many_files() -> None:
    rnd = random.Random(5)
    lines = [f'    "client_secret": "{_token(i)}",' for i in range(6)]
    lines += ['    "output_token": "NextToken",', '    "password": "changeme",']
    lines += [f"password = {_token(10 + i, 12)}" for i in range(3)]
    paths = ("app/config.json", "tests/config.json", "app/settings.py", "deploy/app.yaml")
    files = [
        ("\n".join(rnd.choice(lines) for _ in range(40)) + "\n", rnd.choice(paths))
        for _ in range(30)
    ]
    remembering = Detector()
    fresh = Detector(remember=False)
    for text, path in files:
        assert _seen(remembering.scan(text.encode(), path)) == _seen(
            fresh.scan(text.encode(), path)
        )


def test_the_same_line_in_a_test_path_keeps_its_own_severity() -> None:
    line = f'api_token = "{_token(2)}"\n'.encode()
    detector = Detector()
    real = detector.scan(line, "app/settings.py")
    test = detector.scan(line, "tests/settings.py")
    assert real and test
    assert real[0].severity != test[0].severity


def test_a_key_whose_value_stands_below_is_decided_with_that_value() -> None:
    detector = Detector()
    first = detector.scan(f"- name: DB_PASSWORD\n  value: {_token(3, 14)}\n".encode(), "k8s.yaml")
    second = detector.scan(b"- name: DB_PASSWORD\n  value: changeme\n", "k8s.yaml")
    assert [m.line for m in first] == [2]
    assert second == []


class _Fixed:
    """A decider giving every candidate the same probability."""

    threshold = veto = 0.5

    def __init__(self, p: float) -> None:
        self.p = p
        self.asked = 0

    def probability(self, x: Sequence[float]) -> float:
        self.asked += 1
        return self.p


def _verdicts(decider: _Fixed | None, line: str, name: str) -> tuple[Verdict, ...]:
    where = (syntax_for(name), name, False)
    return LineVerdicts(decider, remember=False).of(line, where, lambda n: None, set())


def test_a_verdict_carries_the_probability_the_decider_gave() -> None:
    decider = _Fixed(0.75)
    found = _verdicts(decider, f'api_token = "{_token(4)}"', "app/settings.py")
    assert [(v.keep, v.probability) for v in found] == [(True, 0.75)]
    assert decider.asked == 1


def test_a_verdict_the_rules_gave_alone_carries_no_probability() -> None:
    word = "pass" + "word"
    decider = _Fixed(0.0)
    own_word = _verdicts(decider, f"MONGODB_{word.upper()}={word}", ".env")
    assert [(v.keep, v.probability) for v in own_word] == [(True, None)]
    assert decider.asked == 0
    rules_alone = _verdicts(None, f'api_token = "{_token(5)}"', "app/settings.py")
    assert [(v.keep, v.probability) for v in rules_alone] == [(True, None)]
