"""The code analyzer on real deliberately-vulnerable Python web applications, next
to bandit and semgrep.

`code_apps.json` lists, per application (owner/name at a pinned commit), the lines
its authors document as vulnerable (README, walkthroughs, the fixed twin of the
code) with their CWE, as judged from that documentation and from reading the code,
and a few lines that look dangerous but are safe. The applications are not part of
this project: bring each one yourself at the listed commit into
`--apps DIR/<owner>+<name>/`.

A positive is found when the tool reports a finding of its CWE (folded as in
code_suites.py) on the line or within the statement that starts there. Precision
is strict: every finding of a scored CWE (one the labels use) that matches no
positive counts as a false alarm, on a labelled negative line or not.

Run:  .venv/bin/python bench/code_apps.py --apps DIR [--no-peers | --no-semgrep]
      [--semgrep-rules DIR] [--details]
Prints figures only; exit code 0 whatever they are (2 without the applications).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from code_peers import ensure_bandit  # noqa: E402
from code_suites import (  # noqa: E402
    SEMGREP_VERSION,
    Case,
    Hits,
    bandit_hits,
    flagged,
    fold,
    semgrep_hits,
    shieldwall_hits,
    statement_ends,
)
from peers import ensure_peer  # noqa: E402

LABELS = HERE / "code_apps.json"


def cases_of(entry: dict[str, list[list[object]]]) -> list[Case]:
    out = []
    for kind in ("positive", "negative"):
        for rel, line, cwe, *_ in entry[kind]:
            out.append(Case(str(rel), int(str(line)), fold(str(cwe)), kind == "positive"))
    return out


def false_alarms(
    cases: list[Case], hits: Hits, ends: dict[str, dict[int, int]]
) -> list[tuple[str, int, str]]:
    """Findings of a scored CWE that match no positive case."""
    scored = {c.category for c in cases}
    out = []
    for rel, found in hits.items():
        for first, last, cwes in found:
            for cwe in sorted(cwes & scored):
                probe = Case(rel, first, cwe, True)
                hit = any(
                    c.vulnerable
                    and c.rel == rel
                    and c.category == cwe
                    and flagged(c, {rel: [(first, last, frozenset({cwe}))]}, ends)
                    for c in cases
                )
                if not hit:
                    out.append((probe.rel, probe.line, cwe))
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--apps", type=Path, required=True, help="DIR/<owner>+<name>/ checkouts")
    ap.add_argument("--no-peers", action="store_true", help="measure shieldwall only")
    ap.add_argument("--no-semgrep", action="store_true", help="bandit as the only peer")
    ap.add_argument("--semgrep-rules", type=Path, help="semgrep-rules checkout, for semgrep")
    ap.add_argument("--details", action="store_true", help="list shieldwall's errors")
    a = ap.parse_args(argv)
    labels = json.loads(LABELS.read_text())
    bandit = None if a.no_peers else ensure_bandit()
    semgrep = None
    if not (a.no_peers or a.no_semgrep) and a.semgrep_rules is not None:
        semgrep = ensure_peer("semgrep", SEMGREP_VERSION)
    names = ["shieldwall"] + (["bandit"] if bandit else []) + (["semgrep"] if semgrep else [])
    tally: dict[str, Counter[tuple[str, str]]] = {n: Counter() for n in names}
    positives: Counter[str] = Counter()
    errors: list[str] = []
    for app, entry in labels.items():
        root = a.apps / app.replace("/", "+")
        if not root.is_dir():
            print(f"{app} not found in {root} (bring it at {entry['commit']}); nothing measured")
            return 2
        cases = cases_of(entry)
        for c in cases:
            positives[c.category] += c.vulnerable
        tools = {"shieldwall": shieldwall_hits(root)}
        if bandit is not None:
            tools["bandit"] = bandit_hits(bandit, root)
        if semgrep is not None and a.semgrep_rules is not None:
            tools["semgrep"] = semgrep_hits(semgrep, a.semgrep_rules / "python", root)
        ends = statement_ends(root, {c.rel for c in cases} | set(tools["shieldwall"]))
        for name, hits in tools.items():
            for c in cases:
                if c.vulnerable and flagged(c, hits, ends):
                    tally[name][(c.category, "tp")] += 1
                elif c.vulnerable and name == "shieldwall":
                    errors.append(f"  missed      {c.category:<9} {app} {c.rel}:{c.line}")
            for rel, line, cwe in false_alarms(cases, hits, ends):
                tally[name][(cwe, "fp")] += 1
                if name == "shieldwall":
                    errors.append(f"  false alarm {cwe:<9} {app} {rel}:{line}")
    print(f"{len(labels)} applications, {sum(positives.values())} labelled vulnerable lines\n")
    header = f"{'CWE':<10} {'vuln':>4}" + "".join(
        f" | {n[:10] + ' rec':>14} {'prec':>5}" for n in names
    )
    print(header)
    print("-" * len(header))
    for cwe in sorted(positives, key=lambda c: int(c[4:])):
        print(
            f"{cwe:<10} {positives[cwe]:>4}"
            + "".join(cell(tally[n], positives, [cwe]) for n in names)
        )
    print("-" * len(header))
    every = sorted(positives)
    print(
        f"{'pooled':<10} {sum(positives.values()):>4}"
        + "".join(cell(tally[n], positives, every) for n in names)
    )
    if a.details:
        print("\n".join(errors))
    return 0


def cell(t: Counter[tuple[str, str]], positives: Counter[str], cwes: list[str]) -> str:
    tp = sum(t[(c, "tp")] for c in cwes)
    fp = sum(t[(c, "fp")] for c in cwes)
    pos = sum(positives[c] for c in cwes)
    rec = f"{tp / pos:.2f}" if pos else "-"
    prec = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
    return f" | {rec:>14} {prec:>5}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
