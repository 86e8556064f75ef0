"""Many distinct secrets in one file: time and peak memory of the secrets
analyzer on one `.env` of 30,000 and 100,000 secrets, before and after a change.

The file is generated at run time in a temporary folder: a mix of provider
tokens (GitHub with its CRC32 checksum, GitLab, Stripe, Slack, npm) and generic
assignments (`PASSWORD_n=...`, `API_TOKEN_n=...`), every value distinct, plus one
value repeated on --repeat lines (the same secret pasted everywhere) in a file
of its own. Each file is scanned in a fresh process:

  shieldwall scan DIR --analyzers secrets --format json --fail-on none

with the code under test (`--after`, default: this checkout's src/) and, for
comparison, other code (`--before DIR`, a src/ folder of another checkout,
e.g. the main branch), each under `--timeout` seconds (a run that does not
finish prints "> timeout"). Wall time and peak memory are measured by the
launcher of `config_speed.py`: wall time, CPU time (user + system, which
other load on the machine does not inflate), peak memory of the largest
process and of the whole process tree.

Run:  .venv/bin/python bench/secrets_scale.py [--before ../main/src] [--sizes 30000,100000]
      [--timeout 400] [--repeat 100000]
Prints figures only; the exit code is 0 whatever they are.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from config_speed import Run, run_once

REPO = Path(__file__).resolve().parent.parent
TARGETS_S = {30_000: 10.0, 100_000: 60.0, 0: 60.0}
TARGET_MIB = 500.0
ALNUM = string.ascii_letters + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def _chars(rnd: random.Random, n: int, pool: str = ALNUM) -> str:
    return "".join(rnd.choice(pool) for _ in range(n))


def github(rnd: random.Random) -> str:
    body = _chars(rnd, 30)
    n = zlib.crc32(body.encode())
    digits = ""
    while n:
        n, r = divmod(n, 62)
        digits = BASE62[r] + digits
    return "ghp_" + body + digits.rjust(6, "0")


# One line per secret, by kind: provider tokens, then generic assignments
# (passwords twice: a quarter of the lines).
KINDS: tuple[Callable[[int, random.Random], str], ...] = (
    lambda i, rnd: f"GITHUB_TOKEN_{i}={github(rnd)}",
    lambda i, rnd: f"GITLAB_TOKEN_{i}=glpat-{_chars(rnd, 20)}",
    lambda i, rnd: f"STRIPE_KEY_{i}=sk_live_{_chars(rnd, 24)}",
    lambda i, rnd: f"SLACK_TOKEN_{i}=xoxb-{rnd.randrange(10**9, 10**10)}-{_chars(rnd, 24)}",
    lambda i, rnd: f"NPM_TOKEN_{i}=npm_{_chars(rnd, 36)}",
    lambda i, rnd: f"API_TOKEN_{i}={_chars(rnd, 32)}",
    lambda i, rnd: f"PASSWORD_{i}={_chars(rnd, 3, string.ascii_uppercase)}{_chars(rnd, 9)}-{i}",
    lambda i, rnd: f"PASSWORD_{i}={_chars(rnd, 3, string.ascii_uppercase)}{_chars(rnd, 9)}-{i}",
)


def line(i: int, rnd: random.Random) -> str:
    return KINDS[i % len(KINDS)](i, rnd)


def env_file(dest: Path, secrets: int, repeat: int) -> int:
    """Write DIR/.env; returns its size in bytes."""
    rnd = random.Random(secrets)
    lines = [line(i, rnd) for i in range(secrets)]
    same = "Rq7" + _chars(rnd, 13)
    lines.extend(f"SHARED_PASSWORD_{i}={same}" for i in range(repeat))
    data = ("\n".join(lines) + "\n").encode()
    dest.mkdir(parents=True, exist_ok=True)
    (dest / ".env").write_bytes(data)
    return len(data)


def scan(src: Path, tree: Path, timeout: int, home: Path) -> tuple[Run, int | None, str]:
    env = {
        "PYTHONPATH": str(src),
        # A fingerprint key of the run's own, never the user's.
        "XDG_CONFIG_HOME": str(home),
        "SHIELDWALL_FINGERPRINT_KEY": "bench-" + "k" * 32,
    }
    cmd = [
        "env",
        *(f"{k}={v}" for k, v in env.items()),
        "timeout",
        str(timeout),
        sys.executable,
        "-m",
        "shieldwall",
        "scan",
        str(tree),
        *("--analyzers", "secrets", "--format", "json", "--fail-on", "none"),
    ]
    run, out, err = run_once(cmd)
    findings = len(json.loads(out)["findings"]) if out.strip().startswith("{") else None
    return run, findings, err


def show(label: str, run: Run, findings: int | None, timeout: int, err: str) -> str:
    if run.returncode == 124:
        return f"{label:<8} > {timeout} s wall (timeout), {run.cpu:7.2f} s CPU used by then"
    text = (
        f"{label:<8} {run.wall:8.2f} s wall, {run.cpu:7.2f} s CPU  "
        f"peak {run.max_rss_kib / 1024:6.0f} MiB/process, "
        f"{run.tree_rss_kib / 1024:6.0f} MiB all processes  findings {findings}"
    )
    if run.returncode not in (0, 1):
        text += f"  exit {run.returncode}: {err.strip()[-300:]}"
    return text


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="30000,100000", help="distinct secrets per file")
    parser.add_argument(
        "--repeat", type=int, default=100_000, help="lines of one shared value (0: skip)"
    )
    parser.add_argument("--before", type=Path, help="src/ folder of the code to compare with")
    parser.add_argument(
        "--after", default=str(REPO / "src"), help="src/ folder of the code under test (none: skip)"
    )
    parser.add_argument("--timeout", type=int, default=400)
    args = parser.parse_args(argv)
    cases = [(int(s), 0) for s in args.sizes.split(",") if s.strip()]
    if args.repeat:
        cases.append((0, args.repeat))
    with tempfile.TemporaryDirectory(prefix="sw-secrets-scale-") as tmp:
        home = Path(tmp) / "config"
        for n, repeat in cases:
            tree = Path(tmp) / f"env{n}-{repeat}"
            size = env_file(tree, n, repeat)
            what = f"{n} distinct secrets" if n else f"1 secret on {repeat} lines"
            print(f"\n{what}: .env of {size / 1e6:.1f} MB", flush=True)
            runs: dict[str, Run] = {}
            after_src = None if args.after == "none" else Path(args.after)
            for label, src in (("before", args.before), ("after", after_src)):
                if src is None:
                    continue
                run, findings, err = scan(src.resolve(), tree, args.timeout, home)
                print(show(label, run, findings, args.timeout, err), flush=True)
                runs[label] = run
            if "before" in runs and "after" in runs:
                before, after = runs["before"], runs["after"]
                more = "> " if before.returncode == 124 else ""
                print(
                    f"ratio before / after: {more}{before.wall / after.wall:.1f}x wall, "
                    f"{more}{before.cpu / max(after.cpu, 0.01):.1f}x CPU"
                )
            target = TARGETS_S.get(n)
            if target is not None:
                print(f"target: < {target:.0f} s, peak < {TARGET_MIB:.0f} MiB")
    print(f"\n({os.cpu_count()} CPUs; other load on the machine moves the figures)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
