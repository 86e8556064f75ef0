"""Accuracy of the secrets analyzer next to detect-secrets, on the same cases.

The cases: ../shared/corpus/secrets/secrets-cases.tar.gz (detect-secrets' plugin
test cases and KICS' "passwords and secrets" query tests), unpacked into a
temporary folder at run time. Every case becomes one file; both tools scan the
same files:

- provider-format cases (detect-secrets' per-provider plugin tests that say
  whether a string must be flagged): recall on must-flag cases, false alarms
  on must-not-flag ones;
- keyword cases (detect-secrets' keyword plugin tests: a credential-named key
  assigned a value, in several file types): recall and false alarms;
- KICS: share of the expected (file, line) pairs of the positive files on which
  a finding stands, and findings on the negative files.

Left out, with the reason: IP-address cases (an address is not a credential),
high-entropy-plugin unit cases (they test a plugin's internal limits, not a
file), verification and username-finder unit cases (no string to flag).

detect-secrets is not a project dependency: it is installed into its own
virtualenv at bench/.peers/detect-secrets on first use (--no-peer skips it).

Run:  .venv/bin/python bench/secrets_accuracy.py [--details]
Prints figures only; exit 0 when it measured, 2 when the corpus is missing.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from peers import ensure_peer

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "secrets" / "secrets-cases.tar.gz"
DETECT_SECRETS_VERSION = "1.5.0"
_OUT_OF_SCOPE = ("ip_public_test", "high_entropy_strings_test", "base_test")
_NOT_A_SECRET = ("find_account", "find_username", "find_access_key_id", "verify_")
# Must-flag cases that are placeholders or documented example values: the issue
# asks the analyzer to filter exactly these (`xxxx` fills, AWS's `...EXAMPLE`
# keys, `user:password@`), so recall is shown with and without them.
_BY_DESIGN = re.compile(r"x{5,}|X{5,}|EXAMPLE|:password@")


@dataclass
class Case:
    group: str  # "provider" | "keyword"
    plugin: str
    text: str
    must_flag: bool
    ext: str = "txt"
    file: str = ""


@dataclass
class Tally:
    flagged: dict[str, set[str]] = field(default_factory=dict)  # tool -> files with a finding
    lines: dict[str, dict[str, set[int]]] = field(default_factory=dict)  # tool -> file -> lines


def load_cases(root: Path) -> list[Case]:
    cases: list[Case] = []
    for raw in (root / "detect-secrets-cases.jsonl").read_text().splitlines():
        record = json.loads(raw)
        test, params = record["test"], record["params"]
        plugin = test.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
        if plugin.startswith(_OUT_OF_SCOPE) or any(n in test for n in _NOT_A_SECRET):
            continue
        if plugin == "keyword_test":
            ext = params.get("file_extension") or ""
            cases.append(
                Case("keyword", plugin, params["line"], params["expected_secret"] is not None, ext)
            )
            continue
        text = params.get(
            "payload", params.get("line", params.get("file_content", params.get("content")))
        )
        if text is None:
            continue
        if "should_flag" in params:
            must = bool(params["should_flag"])
        elif "expected_output" in params:
            must = bool(params["expected_output"])
        else:
            must = True  # slack, square, private-key cases: all must be flagged
        cases.append(Case("provider", plugin, text, must))
    return cases


def write_cases(cases: list[Case], dest: Path) -> None:
    dest.mkdir(parents=True)
    for i, case in enumerate(cases):
        name = f"case{i:04d}" + (f".{case.ext}" if case.ext else "")
        case.file = name
        (dest / name).write_text(case.text + "\n", encoding="utf-8")


def shieldwall_scan(folder: Path) -> dict[str, set[int]]:
    """file -> lines covered by a finding (in-process, the analyzer's own engine)."""
    sys.path.insert(0, str(REPO / "src"))
    from shieldwall.analyzers.secrets.engine import default_detector

    detector = default_detector()
    out: dict[str, set[int]] = defaultdict(set)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            rel = path.relative_to(folder).as_posix()
            for m in detector.scan(path.read_bytes(), rel):
                out[rel].update(range(m.line, m.end_line + 1))
    return out


def ensure_detect_secrets() -> Path | None:
    return ensure_peer("detect-secrets", DETECT_SECRETS_VERSION)


def detect_secrets_scan(exe: Path, folder: Path) -> dict[str, set[int]]:
    done = subprocess.run(
        [str(exe), "scan", "--all-files", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stdout or "{}")
    out: dict[str, set[int]] = defaultdict(set)
    for name, results in report.get("results", {}).items():
        for r in results:
            out[name].add(int(r["line_number"]))
    return out


def kics_expected(kics: Path) -> dict[str, set[int]]:
    expected: dict[str, set[int]] = defaultdict(set)
    for e in json.loads((kics / "positive_expected_result.json").read_text()):
        expected[e["fileName"]].add(int(e["line"]))
    return expected


def pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f} %)" if whole else "-"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the secrets-cases tarball")
    parser.add_argument("--no-peer", action="store_true", help="do not run detect-secrets")
    parser.add_argument("--details", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(f"corpus not found: {args.corpus} (see bench/README.md)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="sw-secrets-acc-") as tmp:
        work = Path(tmp)
        with tarfile.open(args.corpus) as tar:
            tar.extractall(work, filter="data")
        root = work / "secrets-cases"
        cases = load_cases(root)
        cases_dir = work / "cases"
        write_cases(cases, cases_dir)
        kics = root / "kics-passwords_and_secrets" / "test"
        expected = kics_expected(kics)
        tools: dict[str, tuple[dict[str, set[int]], dict[str, set[int]]]] = {
            "shieldwall": (shieldwall_scan(cases_dir), shieldwall_scan(kics)),
        }
        if not args.no_peer:
            exe = ensure_detect_secrets()
            if exe is not None:
                tools[f"detect-secrets {DETECT_SECRETS_VERSION}"] = (
                    detect_secrets_scan(exe, cases_dir),
                    detect_secrets_scan(exe, kics),
                )
        rows: dict[str, list[str]] = defaultdict(list)
        details: dict[str, list[str]] = defaultdict(list)
        for tool, (on_cases, on_kics) in tools.items():
            for group in ("provider", "keyword"):
                pos = [c for c in cases if c.group == group and c.must_flag]
                neg = [c for c in cases if c.group == group and not c.must_flag]
                hit = [c for c in pos if on_cases.get(c.file)]
                fa = [c for c in neg if on_cases.get(c.file)]
                rows[f"{group}: recall on must-flag"].append(pct(len(hit), len(pos)))
                real = [c for c in pos if not _BY_DESIGN.search(c.text)]
                rows[f"{group}: recall without placeholders/examples"].append(
                    pct(sum(1 for c in real if c in hit), len(real))
                )
                rows[f"{group}: false alarms on must-not-flag"].append(pct(len(fa), len(neg)))
                details[tool] += [
                    f"  miss  {c.plugin}: {c.text[:90]!r}" for c in pos if c not in hit
                ]
                details[tool] += [f"  alarm {c.plugin}: {c.text[:90]!r}" for c in fa]
            pairs = [(f, ln) for f, lines in expected.items() for ln in lines]
            hits = [(f, ln) for f, ln in pairs if ln in on_kics.get(f, set())]
            rows["KICS: expected lines hit"].append(pct(len(hits), len(pairs)))
            negatives = sorted(p.name for p in kics.iterdir() if p.name.startswith("negative"))
            neg_files = [n for n in negatives if on_kics.get(n)]
            neg_findings = sum(len(on_kics.get(n, ())) for n in negatives)
            rows["KICS: negative files with a finding"].append(pct(len(neg_files), len(negatives)))
            rows["KICS: lines flagged in negative files"].append(str(neg_findings))
            all_neg = [c for c in cases if not c.must_flag]
            total_fa = sum(1 for c in all_neg if on_cases.get(c.file)) + neg_findings
            rows["false alarms, all must-not-flag cases + KICS negatives"].append(str(total_fa))
            details[tool] += [f"  miss  KICS {f}:{ln}" for f, ln in pairs if (f, ln) not in hits]
            details[tool] += [f"  alarm KICS {n}: lines {sorted(on_kics[n])}" for n in neg_files]
        names = list(tools)
        width = max(len(k) for k in rows) + 2
        print(f"{'':<{width}}" + "".join(f"{n:>26}" for n in names))
        for label, cells in rows.items():
            print(f"{label:<{width}}" + "".join(f"{c:>26}" for c in cells))
        print(
            "\ntargets: provider recall >= 95 %, KICS lines >= 85 %, keyword recall >= 95 %, "
            "fewer false alarms than detect-secrets (overall; keyword: no more)"
        )
        if args.details:
            for tool, lines in details.items():
                print(f"\n{tool}:")
                print("\n".join(lines) or "  (none)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
