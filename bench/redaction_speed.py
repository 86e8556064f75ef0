"""What the one redaction pass costs a scan.

Scans the KICS dockerfile, dockerCompose and k8s folders (../shared/corpus/kics)
and examples/shop with the config analyzer, in-process, with the redaction pass
left out, then times `redact_result` on that result, best of --runs, in CPU
time (a loaded machine moves wall time more):

  first   a fresh pass: the redaction rules loaded and no text seen yet
  again   the same result once more (every text already in the cache)

and the same on --quoting N synthetic findings that each quote a URL with a
password, a provider token and a `password=` value (every text goes through
every check: the worst case per text). Figures are also shown per finding and
as a share of the scan's own CPU time. Target: the pass under 10 % of a config
scan's time.

Run:  .venv/bin/python bench/redaction_speed.py [--runs 3] [--quoting 10000]
Prints figures only; exits 2 when examples/shop is missing.
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import time
from pathlib import Path

import shieldwall.engine.scanner as scanner
from shieldwall.analyzers.secrets.scrub import redact_text
from shieldwall.engine.redaction import redact_result
from shieldwall.model import Finding, Location, ScanResult

REPO = Path(__file__).resolve().parent.parent
KICS = REPO.parent / "shared" / "corpus" / "kics"


def cpu(fn: object, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        redact_text.cache_clear()
        start = time.process_time()
        fn()  # type: ignore[operator]
        best = min(best, time.process_time() - start)
    return best


def scan(roots: list[Path]) -> tuple[ScanResult, float]:
    """Config findings of every root, without the redaction pass."""
    keep = scanner.redact_result
    scanner.redact_result = lambda result: result  # type: ignore[assignment]
    try:
        findings: list[Finding] = []
        start = time.process_time()
        for root in roots:
            options = scanner.ScanOptions(analyzers="config", offline=True)
            findings.extend(scanner.run_scan(root, options).result.findings)
        return ScanResult("bench", tuple(findings)), time.process_time() - start
    finally:
        scanner.redact_result = keep


def quoting(n: int, template: Finding) -> ScanResult:
    rnd = random.Random(5)
    pool = string.ascii_letters + string.digits

    def word(k: int) -> str:
        return "".join(rnd.choice(pool) for _ in range(k))

    findings = tuple(
        Finding(
            template.rule,
            f"fetches https://ci:{word(14)}@mirror.example/{i}.tgz with "
            f"token sk_live_{word(28)} and `password={word(12)}`",
            Location.at(f"f{i}.yaml", 1),
            f"Deployment/shop/svc{i}",
        )
        for i in range(n)
    )
    return ScanResult("bench", findings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="best of RUNS (default 3)")
    parser.add_argument("--quoting", type=int, default=10_000, help="synthetic findings")
    args = parser.parse_args(argv)
    shop = REPO / "examples" / "shop"
    if not shop.is_dir():
        print(f"{shop} not found", file=sys.stderr)
        return 2
    roots = [KICS / p for p in ("dockerfile", "dockerCompose", "k8s") if (KICS / p).is_dir()]
    if not roots:
        print(f"KICS corpus not found at {KICS}: examples/shop only", file=sys.stderr)
    result, scan_cpu = scan([*roots, shop])
    synthetic = quoting(max(1, args.quoting), result.findings[0])
    head = ("input", "findings", "first s", "again s", "us/finding", "of scan")
    print(f"{head[0]:<28}" + "".join(f"{h:>11}" for h in head[1:]))
    for name, data in (("config scan", result), ("quoting secrets", synthetic)):
        first = cpu(lambda data=data: redact_result(data), args.runs)
        warm = redact_result(data)
        start = time.process_time()
        redact_result(data)
        again = time.process_time() - start
        share = f"{100 * first / scan_cpu:.1f} %" if data is result else "-"
        per = 1e6 * first / max(1, len(data.findings))
        cells = (len(data.findings), f"{first:.3f}", f"{again:.3f}", f"{per:.1f}", share)
        print(f"{name:<28}" + "".join(f"{c:>11}" for c in cells))
        assert warm.findings
    print(f"config scan CPU time without the pass: {scan_cpu:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
