"""Speed and peak memory of the secrets analyzer next to detect-secrets, same
tree; and the time to scan the history of a 10,000-commit repository.

The tree: the sources of big pure-Python packages downloaded from PyPI with
`pip download --no-deps` (cached in bench/.peers/secrets-wheels), unpacked into
a temporary folder and copied until it holds at least --mb megabytes. On it:

  shieldwall scan TREE --analyzers secrets --format json --fail-on none
  detect-secrets scan --all-files TREE

each in a fresh process (wall time, largest single process and largest sum over
the process tree - shieldwall scans with a process per core on big trees).
MB/s is tree size / wall time (start-up included). Per core: MB/s divided by
the processes shieldwall used.

History: a repository of --commits commits (default 10,000) is generated with
`git fast-import` (each commit adds a few lines to one of 200 files, one in 50
adds a credential-shaped line built at run time), then
`shieldwall scan REPO --analyzers secrets --history` is timed.

detect-secrets is installed into bench/.peers/detect-secrets on first use.
The detector's own speed is also printed as MB/s per core of CPU time in a
child process (`--before ../main/src` times another source tree the same way):
the figure other load on the machine moves least.

Run:  .venv/bin/python bench/secrets_speed.py [--mb 200] [--peer-mb N] [--commits 10000]
      [--no-peer] [--no-history] [--before SRC]
Prints figures only; the exit code is 0 whatever they are.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from peers import ensure_peer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from config_speed import run_once

REPO = Path(__file__).resolve().parent.parent
WHEELS = REPO / "bench" / ".peers" / "secrets-wheels"
PACKAGES = ("botocore==1.44.8", "Django==5.2.19", "sympy==1.14.0")
DETECT_SECRETS_VERSION = "1.5.0"
TARGET_RATIO, TARGET_PER_CORE, TARGET_MIB, TARGET_HISTORY_S = 30.0, 50.0, 300.0, 60.0


def wheels() -> list[Path]:
    WHEELS.mkdir(parents=True, exist_ok=True)
    have = sorted(WHEELS.glob("*.whl"))
    if len(have) < len(PACKAGES):
        print("downloading the corpus packages from PyPI (once) ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--disable-pip-version-check",
                "-d",
                str(WHEELS),
                *PACKAGES,
            ],
            check=True,
        )
        have = sorted(WHEELS.glob("*.whl"))
    return have


def build_tree(dest: Path, megabytes: float) -> int:
    base = dest / "copy0"
    for wheel in wheels():
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(base / wheel.name.split("-")[0])
    one = sum(p.stat().st_size for p in base.rglob("*") if p.is_file())
    copies = 1
    while one * copies < megabytes * 1e6:
        shutil.copytree(base, dest / f"copy{copies}")
        copies += 1
    return one * copies


def ensure_detect_secrets() -> Path | None:
    return ensure_peer("detect-secrets", DETECT_SECRETS_VERSION)


def jobs() -> int:
    sys.path.insert(0, str(REPO / "src"))
    from shieldwall.analyzers.base import worker_count

    return worker_count()


def history_repo(dest: Path, commits: int) -> None:
    rnd = random.Random(1)
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True)
    lines: list[bytes] = []
    contents: dict[int, list[str]] = {}
    alnum = string.ascii_letters + string.digits
    for n in range(1, commits + 1):
        f = rnd.randrange(200)
        body = contents.setdefault(f, [])
        body.extend(f"value_{n}_{i} = compute({i}, '{rnd.random():.6f}')" for i in range(3))
        if n % 50 == 0:
            body.append('API_TOKEN = "' + "".join(rnd.choice(alnum) for _ in range(32)) + '"')
        data = ("\n".join(body[-400:]) + "\n").encode()
        lines += [
            b"commit refs/heads/main",
            f"mark :{n}".encode(),
            f"author Bench <bench@example.test> {1700000000 + n} +0000".encode(),
            f"committer Bench <bench@example.test> {1700000000 + n} +0000".encode(),
            b"data 7",
            b"commit\n" + (f"from :{n - 1}".encode() if n > 1 else b""),
            f"M 100644 inline src/mod{f}.py".encode(),
            f"data {len(data)}".encode(),
            data,
        ]
    stream = b"\n".join(x for x in lines if x != b"") + b"\n"
    subprocess.run(["git", "-C", str(dest), "fast-import", "--quiet"], input=stream, check=True)
    subprocess.run(["git", "-C", str(dest), "checkout", "-q", "main"], check=True)


_CPU_PROBE = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from shieldwall.analyzers.secrets.engine import Detector
detector = Detector()
files = [p for p in sorted(Path(sys.argv[2]).rglob("*")) if p.is_file()]
blobs = [(p.as_posix(), p.read_bytes()) for p in files]
blobs = [(n, b) for n, b in blobs if b"\\x00" not in b[:8192]]
start = time.process_time()
for name, data in blobs:
    detector.scan(data, name)
print(sum(len(b) for _, b in blobs) / 1e6 / (time.process_time() - start))
"""


def detector_cpu_rate(src: Path, tree: Path, runs: int = 2) -> float:
    """MB/s per core of CPU time: the detector of `src` over the text files of `tree`,
    one pass per fresh process (a second pass in the same process would find every
    line's verdict remembered), the best of `runs`."""
    rates = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", _CPU_PROBE, str(src.resolve()), str(tree)],
            capture_output=True,
            text=True,
            check=True,
        )
        rates.append(float(done.stdout.strip()))
    return max(rates)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=200.0, help="tree size in MB (default 200)")
    parser.add_argument(
        "--peer-mb",
        type=float,
        default=0.0,
        help="scan only a first part of this size with detect-secrets (0: the whole tree)",
    )
    parser.add_argument("--commits", type=int, default=10000)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-history", action="store_true")
    parser.add_argument(
        "--before",
        type=Path,
        help="also time the detector of another source tree (e.g. ../main/src) in process",
    )
    args = parser.parse_args(argv)
    shieldwall = Path(sys.executable).parent / "shieldwall"
    with tempfile.TemporaryDirectory(prefix="sw-secrets-speed-") as tmp:
        tree = Path(tmp) / "tree"
        size = build_tree(tree, args.mb)
        mb = size / 1e6
        print(f"tree: {mb:.1f} MB, {sum(1 for p in tree.rglob('*') if p.is_file())} files")
        cmd = [
            str(shieldwall),
            "scan",
            str(tree),
            "--analyzers",
            "secrets",
            "--format",
            "json",
            "--fail-on",
            "none",
        ]
        # CPU time of the detector alone, in a child process per source tree: the
        # figure other load on the machine moves least.
        for label, src in (("this tree", REPO / "src"), ("--before", args.before)):
            if src is not None:
                rate = detector_cpu_rate(Path(src), tree)
                print(f"detector ({label}): {rate:7.1f} MB/s per core of CPU time")
        sw_rate = 0.0
        for label, procs in (("shieldwall", jobs()), ("shieldwall, 1 process", 1)):
            run, out, err = run_once(["env", f"SHIELDWALL_JOBS={procs}", *cmd])
            findings = len(json.loads(out)["findings"]) if out.strip().startswith("{") else None
            rate = mb / run.wall
            sw_rate = max(sw_rate, rate)
            print(
                f"{label:<22} {run.wall:7.2f} s  {rate:7.1f} MB/s  {rate / procs:6.1f} MB/s/core "
                f"({procs} process{'es' if procs > 1 else ''})  "
                f"peak {run.max_rss_kib / 1024:.0f} MiB/process, "
                f"{run.tree_rss_kib / 1024:.0f} MiB all processes  findings {findings}"
            )
            if run.returncode not in (0, 1):
                print(err[-2000:])
        if not args.no_peer and (exe := ensure_detect_secrets()) is not None:
            target, peer_mb = tree, mb
            if args.peer_mb and args.peer_mb < mb:
                target = tree / "copy0"
                peer_mb = sum(p.stat().st_size for p in target.rglob("*") if p.is_file()) / 1e6
            print(f"detect-secrets on {peer_mb:.1f} MB (slow: minutes) ...", flush=True)
            prun, pout, _ = run_once([str(exe), "scan", "--all-files", "."], cwd=target)
            pfind = (
                sum(len(v) for v in json.loads(pout or "{}").get("results", {}).values())
                if pout
                else None
            )
            ds_rate = peer_mb / prun.wall
            print(
                f"detect-secrets {prun.wall:8.2f} s  {ds_rate:8.2f} MB/s  peak "
                f"{prun.tree_rss_kib / 1024:.0f} MiB  findings {pfind}"
            )
            print(f"ratio (MB/s shieldwall / detect-secrets): {sw_rate / ds_rate:.1f}x")
        print(
            f"targets: >= {TARGET_RATIO:.0f}x detect-secrets, "
            f">= {TARGET_PER_CORE:.0f} MB/s per core, "
            f"peak < {TARGET_MIB:.0f} MiB"
        )
    if not args.no_history:
        with tempfile.TemporaryDirectory(prefix="sw-secrets-history-") as tmp:
            repo = Path(tmp) / "repo"
            start = time.perf_counter()
            history_repo(repo, args.commits)
            print(
                f"\nhistory: generated {args.commits} commits "
                f"in {time.perf_counter() - start:.1f} s"
            )
            hrun, hout, herr = run_once(
                [
                    str(shieldwall),
                    "scan",
                    str(repo),
                    "--analyzers",
                    "secrets",
                    "--history",
                    "--format",
                    "json",
                    "--fail-on",
                    "none",
                ]
            )
            hfind = (
                len(json.loads(hout)["findings"]) if hout.strip().startswith("{") else herr[-500:]
            )
            print(
                f"history scan: {hrun.wall:.2f} s, peak {hrun.tree_rss_kib / 1024:.0f} MiB, "
                f"findings {hfind} (target < {TARGET_HISTORY_S:.0f} s)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
