"""Accuracy of the code analyzer next to bandit: per category, TPR and FPR.

Corpora (each scanned whole, once per tool):

- own: tests/fixtures/code_rules/<CWE>/bad_*.py (vulnerable) and good_*.py (safe
  look-alikes); the category is the folder's CWE.
- any labelled corpus (--corpus DIR, instead of the own fixtures): every *.py
  whose first line is `# label: vulnerable CWE-89` or `# label: safe CWE-89`
  (files without a label fall back to the bad_/good_ naming above), e.g.
  tests/fixtures/code_flows, written without looking at the analyzer.
- owasp (optional, --owasp DIR): an OWASP Benchmark for Python checkout
  (testcode/*.py, helpers/, expectedresults-*.csv naming each test's category,
  truth and CWE). It is only measured against, never copied into the project.

A test case counts as flagged by a tool when the tool reports a finding with the
category's CWE in that file. Score per category: TPR - FPR; the table ends with
the mean over categories, as the OWASP Benchmark scores tools.

Run:  .venv/bin/python bench/code_accuracy.py [--corpus DIR] [--owasp DIR] [--no-bandit] [--details]
Prints figures only; exit 0 (2 when no corpus could be read).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from code_peers import bandit_cwes, bandit_version, ensure_bandit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from shieldwall.analyzers.base import ScanTarget  # noqa: E402
from shieldwall.analyzers.code import CodeAnalyzer  # noqa: E402
from shieldwall.model import Settings  # noqa: E402
from shieldwall.sources.tree import walk  # noqa: E402

OWN = REPO / "tests" / "fixtures" / "code_rules"
LABEL = re.compile(r"#\s*label:\s*(vulnerable|safe)\s+(CWE-\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class Case:
    rel: str  # path relative to the corpus root
    category: str
    cwe: str
    vulnerable: bool


def own_cases(root: Path) -> list[Case]:
    cases = []
    for p in sorted(root.rglob("*.py")):
        cwe = p.parent.name
        if p.name.startswith(("bad_", "good_")):
            cases.append(Case(p.relative_to(root).as_posix(), cwe, cwe, p.name.startswith("bad_")))
    return cases


def labelled_cases(root: Path) -> list[Case]:
    """Cases labelled by their first line (`# label: vulnerable|safe CWE-n`)."""
    cases = []
    for p in sorted(root.rglob("*.py")):
        lines = p.read_text(encoding="utf-8", errors="replace").splitlines()
        m = LABEL.match(lines[0].strip()) if lines else None
        rel = p.relative_to(root).as_posix()
        if m:
            cwe = m.group(2).upper()
            cases.append(Case(rel, cwe, cwe, m.group(1).lower() == "vulnerable"))
        elif p.name.startswith(("bad_", "good_")):
            cwe = p.parent.name
            cases.append(Case(rel, cwe, cwe, p.name.startswith("bad_")))
    return cases


def owasp_cases(root: Path) -> list[Case]:
    csvs = sorted(root.glob("expectedresults*.csv"))
    if not csvs:
        return []
    cases = []
    for line in csvs[-1].read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, category, truth, cwe = [x.strip() for x in line.split(",")[:4]]
        rel = f"testcode/{name}.py"
        if (root / rel).is_file():
            cases.append(Case(rel, category, f"CWE-{cwe}", truth.lower() == "true"))
    return cases


def shieldwall_cwes(root: Path) -> tuple[dict[str, set[str]], int, float]:
    start = time.perf_counter()
    out = CodeAnalyzer().analyze(ScanTarget(walk(root), Settings()))
    elapsed = time.perf_counter() - start
    per_file: dict[str, set[str]] = defaultdict(set)
    for f in out.findings:
        per_file[f.location.path].update(f.rule.cwe)
    return per_file, len(out.skipped), elapsed


def score(cases: list[Case], flagged: dict[str, set[str]]) -> dict[str, tuple[int, int, int, int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp fn fp tn
    for c in cases:
        hit = c.cwe in flagged.get(c.rel, set())
        counts[c.category][(0 if c.vulnerable else 2) + (0 if hit else 1)] += 1
    return {k: (v[0], v[1], v[2], v[3]) for k, v in counts.items()}


def rates(c: tuple[int, int, int, int]) -> tuple[float, float]:
    tp, fn, fp, tn = c
    return (tp / (tp + fn) if tp + fn else 0.0), (fp / (fp + tn) if fp + tn else 0.0)


def report(
    title: str, cases: list[Case], tools: dict[str, dict[str, set[str]]], details: bool
) -> None:
    print(f"\n== {title}: {len(cases)} cases, {sum(c.vulnerable for c in cases)} vulnerable ==")
    scores = {name: score(cases, flagged) for name, flagged in tools.items()}
    names = list(tools)
    header = f"{'category':<16} {'cases':>5}" + "".join(
        f" | {n[:10] + ' TPR':>14} {'FPR':>5} {'score':>6}" for n in names
    )
    print(header)
    print("-" * len(header))
    categories = sorted({c.category for c in cases})
    means = dict.fromkeys(names, 0.0)
    above = 0
    for cat in categories:
        row = f"{cat:<16} {sum(1 for c in cases if c.category == cat):>5}"
        cat_scores = []
        for n in names:
            tpr, fpr = rates(scores[n].get(cat, (0, 0, 0, 0)))
            means[n] += (tpr - fpr) / len(categories)
            cat_scores.append(tpr - fpr)
            row += f" | {tpr:>14.2f} {fpr:>5.2f} {tpr - fpr:>+6.2f}"
        if len(cat_scores) > 1 and cat_scores[0] > max(cat_scores[1:]):
            above += 1
        print(row)
    print("-" * len(header))
    print(
        f"{'mean (TPR-FPR)':<22}" + "".join(f" | {'':>14} {'':>5} {means[n]:>+6.2f}" for n in names)
    )
    if len(names) > 1:
        print(f"{names[0]} above {names[1]} in {above} of {len(categories)} categories")
    if details:
        flagged = tools[names[0]]
        for c in cases:
            hit = c.cwe in flagged.get(c.rel, set())
            if hit != c.vulnerable:
                print(f"  {'missed' if c.vulnerable else 'false positive':<14} {c.rel}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        help="labelled corpus to measure instead of tests/fixtures/code_rules",
    )
    parser.add_argument("--owasp", type=Path, help="OWASP Benchmark for Python checkout")
    parser.add_argument("--no-bandit", action="store_true", help="measure shieldwall only")
    parser.add_argument("--details", action="store_true", help="list shieldwall's misses")
    args = parser.parse_args(argv)
    bandit = None if args.no_bandit else ensure_bandit()
    if bandit is not None:
        print(f"peer: {bandit_version(bandit)}")
    corpora: list[tuple[str, Path, list[Case]]]
    if args.corpus is not None:
        corpora = [(f"labelled corpus {args.corpus}", args.corpus, labelled_cases(args.corpus))]
    else:
        corpora = [("own fixtures", OWN, own_cases(OWN))]
    if args.owasp is not None:
        found = owasp_cases(args.owasp)
        if not found:
            print(f"no expectedresults*.csv with testcode/ under {args.owasp}", file=sys.stderr)
        else:
            corpora.append(("OWASP Benchmark for Python", args.owasp, found))
    measured = 0
    for title, root, cases in corpora:
        if not cases:
            continue
        measured += 1
        sw, sw_skipped, elapsed = shieldwall_cwes(root)
        tools = {"shieldwall": sw}
        note = f"shieldwall: {elapsed:.2f}s, {sw_skipped} files skipped"
        if bandit is not None:
            start = time.perf_counter()
            bd, bd_errors = bandit_cwes(bandit, root)
            note += f"; bandit: {time.perf_counter() - start:.2f}s, {bd_errors} files not parsed"
            tools["bandit"] = bd
        report(title, cases, tools, args.details)
        print(note)
    return 0 if measured else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
