"""Fit the secrets analyzer's scorer: gradient-boosted trees (scikit-learn) over
the candidates' features, exported as the plain-data model the package reads
(`src/shieldwall/analyzers/secrets/scorer.json`).

Runs in the bench's own virtualenv (`bench/.peers/scorer-fit`, numpy and
scikit-learn: never project dependencies); `secrets_real.py` calls it once per
fold of its cross-validation and once on every repository for the shipped model.

Input (`--data`): JSON {"features": [...], "rows": [[repo, label, x...], ...]}.
`--train-repos FILE` (one repository a line) fits on those only. The threshold
is the highest one within 0.01 of the best F1 on out-of-fold predictions within
the training repositories (3 folds by repository), so no held-out row sets it.

Run: bench/.peers/scorer-fit/bin/python bench/secrets_fit.py --data D --out M.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

TREES, DEPTH, RATE, LEAF = 250, 4, 0.1, 10
# A candidate the rules accept is dropped only when the model is this sure it is
# not a credential: a policy, not fitted.
VETO = 0.005
# How much out-of-fold F1 the threshold may give up for a higher (safer) one.
TOLERANCE = 0.01


def _fit(x: Any, y: Any) -> Any:
    from sklearn.ensemble import GradientBoostingClassifier

    model = GradientBoostingClassifier(
        n_estimators=TREES,
        max_depth=DEPTH,
        learning_rate=RATE,
        min_samples_leaf=LEAF,
        random_state=0,
    )
    return model.fit(x, y)


def _threshold(x: Any, y: Any, groups: Any) -> float:
    import numpy as np
    from sklearn.model_selection import GroupKFold

    oof = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=3).split(x, y, groups):
        oof[test] = _fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    scores = []
    for t in np.arange(0.2, 0.9, 0.02):
        kept = oof >= t
        tp = float((kept & (y == 1)).sum())
        fp = float((kept & (y == 0)).sum())
        fn = float((~kept & (y == 1)).sum())
        scores.append((float(t), 2 * tp / (2 * tp + fp + fn) if tp else 0.0))
    # The labels cover credential-like lines only: every other line a scan reads can
    # only add false alarms. So among thresholds within TOLERANCE of the best F1
    # (the curve is flat near its top), the highest.
    best_f1 = max(f1 for _, f1 in scores)
    return round(max(t for t, f1 in scores if f1 >= best_f1 - TOLERANCE), 3)


def export(model: Any, names: list[str], threshold: float) -> dict[str, Any]:
    """The trees as arrays; leaf values carry the learning rate, `base` the prior."""
    import numpy as np

    base = float(model._raw_predict_init(np.zeros((1, len(names))))[0, 0])
    trees = []
    for est in model.estimators_[:, 0]:
        t = est.tree_
        trees.append(
            {
                "feature": [int(f) if f >= 0 else 0 for f in t.feature],
                "threshold": [float(v) for v in t.threshold],
                "left": [int(v) for v in t.children_left],
                "right": [int(v) for v in t.children_right],
                "value": [round(float(v) * model.learning_rate, 6) for v in t.value[:, 0, 0]],
            }
        )
    return {
        "model": f"gradient-boosted trees: {TREES} trees of depth {DEPTH}",
        "features": names,
        "base": round(base, 6),
        "threshold": threshold,
        "veto": VETO,
        "trees": trees,
    }


def main() -> int:
    import numpy as np

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--train-repos", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--trees", type=int, default=TREES)
    ap.add_argument("--depth", type=int, default=DEPTH)
    a = ap.parse_args()
    globals().update(TREES=a.trees, DEPTH=a.depth)
    doc = json.loads(a.data.read_text())
    keep = set(a.train_repos.read_text().split()) if a.train_repos else None
    rows = [r for r in doc["rows"] if keep is None or r[0] in keep]
    x = np.array([r[2:] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows], dtype=int)
    groups = np.array([r[0] for r in rows])
    threshold = _threshold(x, y, groups)
    model = _fit(x, y)
    out = export(model, doc["features"], threshold)
    raw = model.decision_function(x[:200])
    mine = [out["base"] + sum(_leaf(t, row) for t in out["trees"]) for row in x[:200]]
    if max(abs(a_ - b_) for a_, b_ in zip(raw, mine, strict=True)) > 1e-3:
        print("exported trees disagree with the model", file=sys.stderr)
        return 1
    a.out.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    return 0


def _leaf(t: dict[str, Any], x: Any) -> float:
    i = 0
    while t["left"][i] != -1:
        i = t["left"][i] if x[t["feature"][i]] <= t["threshold"][i] else t["right"][i]
    return float(t["value"][i])


if __name__ == "__main__":
    sys.exit(main())
