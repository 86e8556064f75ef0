"""Speed and peak memory of the config analyzer next to checkov, same files.

The tree: the KICS dockerfile, dockerCompose and k8s query folders plus
examples/shop, copied into one temporary folder. On it, each tool runs --runs
times (default 5), each run in a fresh process:

  shieldwall scan TREE --analyzers config --format json --fail-on none
  checkov -d TREE --framework kubernetes dockerfile --quiet --compact -o json
          --skip-download --skip-results-upload

For each we print the median wall time, the peak memory and the number of
findings, then checkov/shieldwall ratios. Peak memory is given two ways: the
largest resident set of any process of the run (ru_maxrss, read by a small
launcher process that starts the command) and the largest sum over the whole
process tree, sampled from /proc every 10 ms (checkov starts worker processes;
shieldwall does not). A run on an empty folder gives shieldwall's start-up
cost. Finally it times `shieldwall scan examples/shop` end to end with every
analyzer.

checkov is not a project dependency: it is installed into its own virtualenv at
bench/.peers/checkov on first use (skipped when present; --no-checkov skips it
altogether).

Run:  .venv/bin/python bench/config_speed.py [--runs 5] [--no-checkov]
Prints figures only; the exit code is 0 whatever they are.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from peers import ensure_peer

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "kics"
PLATFORMS = ("dockerfile", "dockerCompose", "k8s")
SHOP = REPO / "examples" / "shop"
CHECKOV_VERSION = "3.3.30"
SHOP_TARGET_SECONDS = 1.0
SPEED_TARGET = 20.0
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Run:
    wall: float
    max_rss_kib: int  # largest single process of the run (ru_maxrss)
    tree_rss_kib: int  # largest sampled sum over the run's process tree
    returncode: int
    cpu: float = 0.0  # user + system seconds of the whole run (other load does not count)


@dataclass
class Measure:
    name: str
    runs: list[Run] = field(default_factory=list)
    findings: int | None = None
    note: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.runs)

    @property
    def median_wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def peak_rss_mib(self) -> float:
        return max(r.max_rss_kib for r in self.runs) / 1024

    @property
    def peak_tree_mib(self) -> float:
        return max(r.tree_rss_kib for r in self.runs) / 1024


# -- process measurement ------------------------------------------------------


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, for every process visible in /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ")".
        fields = stat[stat.rfind(b")") + 2 :].split()
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _tree_rss_kib(root: int) -> int:
    """Resident memory of root's descendants (root itself, the launcher, excluded)."""
    children = _children()
    total = 0
    stack = list(children.get(root, ()))
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * PAGE // 1024
        except (OSError, IndexError, ValueError):
            pass
        stack.extend(children.get(pid, ()))
    return total


# A minimal interpreter that starts the measured command and reports its
# children's rusage. ru_maxrss counts the memory of the process that forked
# the command (the child starts as its copy), so the command must not be
# started from this script, whose memory grows as it reads reports.
LAUNCHER = """
import os, resource, sys, time
report, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, os.environ)
_, status = os.waitpid(pid, 0)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(report, "w") as fh:
    cpu = usage.ru_utime + usage.ru_stime
    fh.write(f"{wall} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} {cpu}")
"""


def run_once(cmd: list[str], cwd: Path | None = None) -> tuple[Run, str, str]:
    """Run a command in a fresh process: its wall time, peak memory, stdout, stderr."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report"
        out_path, err_path = Path(tmp) / "out", Path(tmp) / "err"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            launcher = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", LAUNCHER, str(report), *cmd],
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                cwd=cwd,
            )
            tree_peak = 0
            while launcher.poll() is None:
                tree_peak = max(tree_peak, _tree_rss_kib(launcher.pid))
                time.sleep(0.01)
        stdout = out_path.read_text("utf-8", "replace")
        stderr = err_path.read_text("utf-8", "replace")
        try:
            wall_s, rss_s, code_s, cpu_s = report.read_text().split()
        except (OSError, ValueError):
            return Run(0.0, 0, 0, launcher.returncode or 127), stdout, stderr
    max_rss = int(rss_s)
    run = Run(float(wall_s), max_rss, max(tree_peak, max_rss), int(code_s), float(cpu_s))
    return run, stdout, stderr


# -- the tools ------------------------------------------------------------------


def shieldwall_bin() -> Path:
    return Path(sys.executable).parent / "shieldwall"


def shieldwall_findings(stdout: str) -> int | None:
    try:
        report = json.loads(stdout)
    except ValueError:
        return None
    findings = report.get("findings") if isinstance(report, dict) else None
    return len(findings) if isinstance(findings, list) else None


def checkov_findings(stdout: str) -> int | None:
    """Failed checks over all framework reports (one dict, or a list of them)."""
    try:
        data = json.loads(stdout)
    except ValueError:
        return None
    reports = data if isinstance(data, list) else [data]
    total = 0
    for report in reports:
        if not isinstance(report, dict):
            return None
        summary = report.get("summary")
        if isinstance(summary, dict) and isinstance(summary.get("failed"), int):
            total += summary["failed"]
        elif "failed" in report and isinstance(report["failed"], int):  # empty-result form
            total += report["failed"]
    return total


def ensure_checkov() -> Path | None:
    """checkov in its own virtualenv under bench/.peers; None if it cannot be had."""
    return ensure_peer("checkov", CHECKOV_VERSION)


def checkov_version(exe: Path) -> str:
    try:
        done = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return done.stdout.strip() or "?"


def build_tree(corpus: Path, dest: Path) -> dict[str, int]:
    """Copy the corpus platforms and the example shop into dest; file counts."""
    counts: dict[str, int] = {}
    for platform in PLATFORMS:
        shutil.copytree(corpus / platform, dest / "kics" / platform)
        counts[platform] = sum(1 for p in (dest / "kics" / platform).rglob("*") if p.is_file())
    shutil.copytree(SHOP, dest / "shop", ignore=shutil.ignore_patterns("node_modules"))
    counts["examples/shop"] = sum(1 for p in (dest / "shop").rglob("*") if p.is_file())
    return counts


def measure(
    name: str,
    cmd: list[str],
    runs: int,
    count: Callable[[str], int | None],
    cwd: Path | None = None,
    ok_codes: tuple[int, ...] = (0,),
) -> Measure:
    m = Measure(name)
    print(f"  {name}: ", end="", flush=True)
    for i in range(runs):
        run, stdout, stderr = run_once(cmd, cwd)
        if run.returncode not in ok_codes:
            tail = (stderr.strip() or stdout.strip()).splitlines()[-3:]
            m.note = f"exit code {run.returncode}: " + " | ".join(tail)
            print("failed")
            return m
        m.runs.append(run)
        if i == runs - 1:
            m.findings = count(stdout)
        print(f"{run.wall:.2f}s ", end="", flush=True)
    print()
    return m


def shieldwall_supports(flag: str) -> bool:
    try:
        done = subprocess.run(
            [str(shieldwall_bin()), "scan", "--help"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return flag in done.stdout


# -- report ---------------------------------------------------------------------


def print_table(measures: list[Measure]) -> None:
    header = (
        f"{'tool':<28} {'runs':>4} {'median wall s':>13} {'peak RSS MiB':>12} "
        f"{'peak tree MiB':>13} {'findings':>8}"
    )
    print(header)
    print("-" * len(header))
    for m in measures:
        if not m.ok:
            print(f"{m.name:<28} {'-':>4}  not measured: {m.note}")
            continue
        findings = "?" if m.findings is None else str(m.findings)
        print(
            f"{m.name:<28} {len(m.runs):>4} {m.median_wall:>13.3f} {m.peak_rss_mib:>12.1f} "
            f"{m.peak_tree_mib:>13.1f} {findings:>8}"
        )


def print_ratios(shieldwall: Measure, checkov: Measure) -> None:
    if not (shieldwall.ok and checkov.ok):
        return
    speed = checkov.median_wall / shieldwall.median_wall
    mem = checkov.peak_tree_mib / shieldwall.peak_tree_mib
    verdict = "meets" if speed >= SPEED_TARGET else "below"
    print(
        f"\ncheckov/shieldwall: wall time x{speed:.1f} "
        f"({verdict} the x{SPEED_TARGET:.0f} target), "
        f"peak tree memory x{mem:.1f}, peak single-process memory "
        f"x{checkov.peak_rss_mib / shieldwall.peak_rss_mib:.1f}"
    )
    print(
        "(checkov has no compose support: it reads the Kubernetes and Dockerfile files only; "
        "shieldwall reads the compose files too.)"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per tool (default 5)")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="KICS corpus folder holding dockerfile/, dockerCompose/, k8s/",
    )
    parser.add_argument("--no-checkov", action="store_true", help="measure shieldwall only")
    args = parser.parse_args(argv)
    runs = max(1, args.runs)

    if not shieldwall_bin().exists():
        print(
            f"shieldwall is not installed next to {sys.executable}: run `make` first",
            file=sys.stderr,
        )
        return 2
    corpus_ok = all((args.corpus / p).is_dir() for p in PLATFORMS)
    if not corpus_ok:
        print(
            f"KICS corpus not found at {args.corpus}: only examples/shop is timed. "
            "Put the corpus in ../shared/corpus/kics beside the repository or pass --corpus.",
            file=sys.stderr,
        )

    # Time the tool as installed, not Python compiling its sources on every start.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "src")],
        check=False,
        stdout=subprocess.DEVNULL,
    )
    checkov = None if args.no_checkov or not corpus_ok else ensure_checkov()
    measures: list[Measure] = []
    sw = ck = Measure("none")
    with tempfile.TemporaryDirectory(prefix="shieldwall-bench-") as tmp:
        tree = Path(tmp)
        if corpus_ok:
            counts = build_tree(args.corpus, tree)
            print("tree: " + ", ".join(f"{k} {v} files" for k, v in counts.items()))
            print(f"runs per tool: {runs}")
            empty = tree / "empty"
            empty.mkdir()
            measures.append(
                measure(
                    "shieldwall start-up (empty)",
                    [
                        str(shieldwall_bin()),
                        "scan",
                        str(empty),
                        "--analyzers",
                        "config",
                        "--format",
                        "json",
                        "--fail-on",
                        "none",
                    ],
                    runs,
                    shieldwall_findings,
                )
            )
            sw = measure(
                "shieldwall (config)",
                [
                    str(shieldwall_bin()),
                    "scan",
                    str(tree),
                    "--analyzers",
                    "config",
                    "--format",
                    "json",
                    "--fail-on",
                    "none",
                ],
                runs,
                shieldwall_findings,
            )
            measures.append(sw)
            if checkov is not None:
                ck = measure(
                    f"checkov {checkov_version(checkov)}",
                    [
                        str(checkov),
                        "-d",
                        str(tree),
                        "--framework",
                        "kubernetes",
                        "dockerfile",
                        "--quiet",
                        "--compact",
                        "-o",
                        "json",
                        "--skip-download",
                        "--skip-results-upload",
                    ],
                    runs,
                    checkov_findings,
                    ok_codes=(0, 1),
                )
                measures.append(ck)

        shop_cmd = [
            str(shieldwall_bin()),
            "scan",
            "examples/shop",
            "--format",
            "json",
            "--fail-on",
            "none",
        ]
        if shieldwall_supports("--offline"):
            shop_cmd.append("--offline")
        shop = measure("shieldwall examples/shop", shop_cmd, runs, shieldwall_findings, cwd=REPO)
        measures.append(shop)

    print()
    print_table(measures)
    print_ratios(sw, ck)
    if shop.ok:
        verdict = "meets" if shop.median_wall < SHOP_TARGET_SECONDS else "misses"
        print(
            f"\n`{' '.join(shop_cmd[1:])}` (all analyzers): median {shop.median_wall:.3f}s, "
            f"{verdict} the < {SHOP_TARGET_SECONDS:.0f}s target"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
