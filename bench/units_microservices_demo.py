"""Deployment units on GoogleCloudPlatform/microservices-demo: the same application
is written three times (kustomize/, kubernetes-manifests/, release/). Scanned as
one cluster (every file in one unit, as before units existed) and by unit (the
default), the findings by rule side by side, and the checks the units must pass.

Run:  .venv/bin/python bench/units_microservices_demo.py PATH
PATH is a checkout of the repository, or its bare git directory (then its text
files are exported to a temporary directory first). Nothing is committed or
fetched by this script.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from shieldwall.analyzers.base import ScanTarget  # noqa: E402
from shieldwall.analyzers.config.analyzer import ConfigAnalyzer  # noqa: E402
from shieldwall.analyzers.topology import TopologyAnalyzer  # noqa: E402
from shieldwall.model import Finding, Settings  # noqa: E402
from shieldwall.sources.tree import walk  # noqa: E402

_SKIP = (".png", ".jpg", ".gif", ".svg", ".ico", ".webp", ".jar")


def export(git_dir: Path, out: Path) -> None:
    """The text files of HEAD of a bare repository (large blobs may be absent)."""
    names = subprocess.run(
        ["git", f"--git-dir={git_dir}", "ls-tree", "-r", "--name-only", "-z", "HEAD"],
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in names:
        name = raw.decode("utf-8", "surrogateescape")
        if not name or name.endswith(_SKIP):
            continue
        blob = subprocess.run(
            ["git", f"--git-dir={git_dir}", "show", f"HEAD:{name}"], capture_output=True
        )
        if blob.returncode == 0:
            dest = out / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(blob.stdout)


def scan(root: Path, settings: Settings) -> tuple[list[Finding], ScanTarget]:
    target = ScanTarget(walk(root), settings)
    findings: list[Finding] = []
    for analyzer in (ConfigAnalyzer(), TopologyAnalyzer()):
        findings += analyzer.analyze(target).findings
    return findings, target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="checkout or bare git directory")
    args = parser.parse_args()
    if not args.path.exists():
        print(f"no such path: {args.path}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        root = args.path
        if (root / "HEAD").is_file() and (root / "objects").is_dir():
            export(root, Path(tmp))
            root = Path(tmp)
        one, _ = scan(root, Settings(units=(("everything", ("*",)),)))
        by_unit, target = scan(root, Settings())
        print("units:")
        for unit in target.units.units:
            inv = unit.inventory
            if not inv.kubernetes and not inv.compose:
                continue  # Dockerfiles only
            print(f"  {unit.id:60} {len(inv.kubernetes):4} objects {len(inv.compose)} compose")
        for s in target.units.skipped:
            print(f"  skipped {s.path}: {s.reason}")
        before, after = Counter(f.rule.id for f in one), Counter(f.rule.id for f in by_unit)
        print(f"\n{'rule':40} {'one cluster':>11} {'by unit':>8}")
        for rule in sorted(before | after):
            print(f"{rule:40} {before[rule]:11} {after[rule]:8}")
        print(f"{'total':40} {sum(before.values()):11} {sum(after.values()):8}")
        layouts = (
            "kustomization:kustomize",
            "kustomization:kubernetes-manifests",
            "directory:release",
        )
        units = {u.id for u in target.units.units}
        open_redis = [
            f
            for f in by_unit
            if f.rule.id == "TOPO-DATASTORE-FROM-ANY-POD"
            and f.unit == "directory:release"
            and "redis-cart" in f.resource
        ]
        checks = {
            "three layouts, each its own unit": all(u in units for u in layouts),
            "no K8S-SA-SHARED finding": after["K8S-SA-SHARED"] == 0,
            "release unit reports redis-cart open to every pod": bool(open_redis),
        }
        print()
        for what, ok in checks.items():
            print(f"{'PASS' if ok else 'FAIL'}  {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
