"""The learned scorer shipped with the package: it reads, its compiled trees give
what walking them gives, and a model that does not fit this version is refused."""

from __future__ import annotations

import random

import pytest

from shieldwall.analyzers.secrets import scorer
from shieldwall.analyzers.secrets.engine import GENERIC_PASSWORD, Detector


def test_the_compiled_trees_agree_with_walking_them() -> None:
    model = scorer.shipped()
    rng = random.Random(7)
    for _ in range(500):
        x = [rng.random() * rng.choice((1, 10, 300)) for _ in scorer.FEATURES]
        assert model._raw(x) == pytest.approx(model.walked(x))  # type: ignore[attr-defined]


def test_a_model_with_features_this_version_lacks_is_refused() -> None:
    doc = {"features": ["no-such-feature"], "base": 0.0, "threshold": 0.5, "veto": 0.0}
    with pytest.raises(ValueError, match="refit it"):
        scorer.Scorer.from_json({**doc, "trees": []})


def test_without_a_scorer_the_rules_alone_decide() -> None:
    value = "".join(random.Random(3).choice("abcdefghijklmnopqrstuvwxyz") for _ in range(11))
    text = f"secret: '{value}',\n"  # lower-case letters: the rules call it not random
    rules = Detector(decider=None).scan(text.encode(), "spec/app.ts")
    assert rules == []


def test_the_scorer_keeps_a_password_the_rules_keep() -> None:
    password = "Vq7" + "-r2Lm" + "9xTz"
    found = Detector().scan(f'DB_PASSWORD = "{password}"\n'.encode(), "settings.py")
    assert [m.rule for m in found] == [GENERIC_PASSWORD]
