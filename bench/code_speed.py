"""Speed and peak memory of the code analyzer next to bandit, on Django's source.

Django (the newest wheel on PyPI, or --django-version) is downloaded with
`pip download --no-deps` into a temporary folder and its wheel unpacked. On
that tree each tool runs --runs times (default 3), each run a fresh process:

  shieldwall scan TREE --analyzers code --format json --fail-on none
  bandit -r TREE -f json -q

For each: median wall time, peak memory (largest single process, and the sum
over the process tree: shieldwall runs one worker per core) and the number of
findings; then bandit/shieldwall ratios. bandit is installed into
bench/.peers/bandit on first use (see code_peers.py), never as a project
dependency. Nothing downloaded is kept.

Run:  .venv/bin/python bench/code_speed.py [--runs 3] [--django-version 5.2.8] [--no-bandit]
Prints figures only; exit 0 (2 when Django cannot be downloaded).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from code_peers import bandit_version, ensure_bandit
from config_speed import Measure, measure, print_table, shieldwall_bin, shieldwall_findings

MEMORY_TARGET_MIB = 500


def download_django(dest: Path, version: str | None) -> Path | None:
    spec = f"django=={version}" if version else "django"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--quiet",
            "-d",
            str(dest / "dl"),
            spec,
        ],
        capture_output=True,
        text=True,
    )
    wheels = sorted((dest / "dl").glob("*.whl")) if (dest / "dl").is_dir() else []
    if done.returncode != 0 or not wheels:
        print(
            f"could not download {spec}: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr
        )
        return None
    tree = dest / "src"
    with zipfile.ZipFile(wheels[0]) as zf:
        zf.extractall(tree)
    print(
        f"tree: {wheels[0].name}, {sum(1 for _ in tree.rglob('*.py'))} .py files, "
        f"{sum(p.stat().st_size for p in tree.rglob('*.py')) // 1024} KiB of Python"
    )
    return tree


def bandit_findings(stdout: str) -> int | None:
    try:
        return len(json.loads(stdout).get("results", []))
    except (ValueError, AttributeError):
        return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per tool (default 3)")
    parser.add_argument("--django-version", help="Django release to scan (default: newest)")
    parser.add_argument("--no-bandit", action="store_true", help="measure shieldwall only")
    args = parser.parse_args(argv)
    runs = max(1, args.runs)
    bandit = None if args.no_bandit else ensure_bandit()
    with tempfile.TemporaryDirectory(prefix="shieldwall-code-bench-") as tmp:
        tree = download_django(Path(tmp), args.django_version)
        if tree is None:
            return 2
        print(f"runs per tool: {runs}")
        sw = measure(
            "shieldwall (code)",
            [
                str(shieldwall_bin()),
                "scan",
                str(tree),
                "--analyzers",
                "code",
                "--format",
                "json",
                "--fail-on",
                "none",
            ],
            runs,
            shieldwall_findings,
        )
        measures = [sw]
        bd = Measure("none")
        if bandit is not None:
            bd = measure(
                bandit_version(bandit),
                [str(bandit), "-r", str(tree), "-f", "json", "-q"],
                runs,
                bandit_findings,
                ok_codes=(0, 1),
            )
            measures.append(bd)
    print()
    print_table(measures)
    if sw.ok:
        verdict = "meets" if sw.peak_tree_mib < MEMORY_TARGET_MIB else "misses"
        print(
            f"\nshieldwall peak tree memory {sw.peak_tree_mib:.0f} MiB: {verdict} the "
            f"< {MEMORY_TARGET_MIB} MiB target"
        )
    if sw.ok and bd.ok:
        ratio = bd.median_wall / sw.median_wall
        verdict = "meets" if ratio >= 1.0 else "misses"
        print(
            f"bandit/shieldwall: wall time x{ratio:.2f} ({verdict} the 'at least as fast' "
            f"target), peak tree memory x{bd.peak_tree_mib / sw.peak_tree_mib:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
