"""Secrets on real code none of the three tools was tuned on, every finding judged
by hand: shieldwall, CredSweeper and detect-secrets on the same repositories.

`secrets_judged.json` lists, per repository (owner/name at a commit), every line
any of the three tools reported when it was made, with a verdict: T (a literal
credential, key or secret value a reviewer wants out of the repository, weak
demo passwords included; a Dockerfile ENV that persists a credential build
argument) or F (identifiers, hashes, placeholders, examples, references,
ciphertexts meant to be public such as sealed secrets). Credential lines none of
the tools reported that a keyword search found are listed too (T lines count in
the recall denominator). `false_files` names whole files (globs) judged F: every
line reported in them is false (lockfile integrity hashes, translation tables).
Each repository belongs to a `group`: `tuned` (judged first, fixes took cases
from them), `tuned-later` (held out at first, tuned on since) and `held-out`
(judged before the change that followed, never read while fixing). The
repositories are not part of this project: bring each one yourself at the listed
commit into `--repos DIR/<owner>+<name>/`. A finding on a line not in the list
is counted as unjudged (a new finding since the list was made: judge it and add
it).

Run:  .venv/bin/python bench/secrets_judged.py --repos DIR [--no-peer] [--group held-out]
Prints figures only (all repositories, each group, then each repository); exit code 0 whatever
they are (2 without the repositories).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from secrets_real import credsweeper_hits, detect_secrets_hits

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))


def shieldwall_hits(root: Path) -> dict[str, set[int]]:
    from shieldwall.analyzers.secrets.engine import Detector

    detector = Detector()
    hits: dict[str, set[int]] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or ".git" in path.relative_to(root).parts:
            continue
        data = path.read_bytes()
        if b"\x00" in data[:8192] or len(data) > 2_000_000:
            continue
        rel = path.relative_to(root).as_posix()
        for m in detector.scan(data, rel):
            hits.setdefault(rel, set()).add(m.line)
    return hits


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repos", type=Path, required=True)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--group", help="measure only the repositories of this group (e.g. held-out)")
    a = ap.parse_args()
    judged = json.loads((HERE / "secrets_judged.json").read_text())
    if a.group:
        judged = {n: e for n, e in judged.items() if e["group"] == a.group}
    tally: Counter[tuple[str, str]] = Counter()
    per_repo: dict[str, Counter[tuple[str, str]]] = {}
    per_group: dict[str, Counter[tuple[str, str]]] = {}
    group_positives: Counter[str] = Counter()
    repo_positives: dict[str, int] = {}
    positives = 0
    for name, entry in judged.items():
        root = a.repos / name.replace("/", "+")
        if not root.is_dir():
            print(f"{name} not found in {root} (bring it at {entry['commit']}); nothing measured")
            return 2
        verdict = {(p, n): v for p, n, v in entry["lines"]}
        false_files = entry.get("false_files", [])
        repo_positives[name] = sum(1 for v in verdict.values() if v == "T")
        positives += repo_positives[name]
        group_positives[entry["group"]] += repo_positives[name]
        here = per_repo.setdefault(name, Counter())
        in_group = per_group.setdefault(entry["group"], Counter())
        tools = {"shieldwall": shieldwall_hits(root)}
        if not a.no_peer:
            for tool, run in (
                ("credsweeper", credsweeper_hits),
                ("detect-secrets", detect_secrets_hits),
            ):
                found = run(root, ".")
                if found is not None:
                    tools[tool] = found
        for tool, hits in tools.items():
            for path, lines in hits.items():
                rel = path.removeprefix("./")
                judged_false = any(fnmatch.fnmatch(rel, glob) for glob in false_files)
                for n in lines:
                    key = (tool, "F" if judged_false else verdict.get((rel, n), "unjudged"))
                    tally[key] += 1
                    here[key] += 1
                    in_group[key] += 1
    print(f"{len(judged)} repositories, {positives} judged credentials (T lines)\n")
    print_table(tally, positives)
    for group, counts in per_group.items():
        members = " + ".join(n for n, e in judged.items() if e["group"] == group)
        print(f"\ngroup {group}: {members} ({group_positives[group]} T lines)")
        print_table(counts, group_positives[group])
    for name, counts in per_repo.items():
        print(f"\n{name} ({repo_positives[name]} T lines)")
        print_table(counts, repo_positives[name])
    return 0


def print_table(tally: Counter[tuple[str, str]], positives: int) -> None:
    print(
        f"{'tool':16s} {'findings':>8s} {'TP':>5s} {'FP':>5s} {'unjudged':>8s} {'P':>6s} {'R':>6s}"
    )
    for tool in ("shieldwall", "credsweeper", "detect-secrets"):
        tp, fp, new = tally[(tool, "T")], tally[(tool, "F")], tally[(tool, "unjudged")]
        if tp + fp + new == 0:
            continue
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / positives if positives else 0.0
        print(f"{tool:16s} {tp + fp + new:8d} {tp:5d} {fp:5d} {new:8d} {p:6.3f} {r:6.3f}")


if __name__ == "__main__":
    sys.exit(main())
