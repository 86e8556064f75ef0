"""Cost of a system a pull request can add: N Deployments and one NetworkPolicy
that lets a tier talk to itself ("tier allows tier").

The tree: one YAML file of N Deployments (default 1,000 and 5,000), every one
with its own `app` label, the shared label `tier: backend` and a container port,
plus one NetworkPolicy selecting `tier: backend` and admitting ingress from
`tier: backend` on that port. Read naively, every pair of Deployments is a
policy edge: N * N of them.

For each N, each command runs in a fresh process, started by the launcher of
config_speed.py, with limits on CPU time (--cpu-limit), wall time (--timeout)
and address space (--max-mem-mb) so that a quadratic build stops instead of
swapping:

  map    shieldwall map TREE --format json -o OUT      (the topology analyzer)
  scan   shieldwall scan TREE --analyzers config,topology --format json --fail-on none

and prints wall and CPU seconds (the machine's other load moves the first, less
the second), peak memory (the largest sum of resident sets over the
process tree, sampled every 10 ms), map nodes and edges and scan findings.
`--src DIR` runs another checkout's code (PYTHONPATH=DIR): compare before and
after a change on the same machine, back to back.

`--variant bits` labels every Deployment differently (a pattern of 13 labels)
under 13 policies "bK allows bK": no two pods are alike for the policies, the
worst case for grouping them.

`--variant registry` is Python instead, for the code analyzer (scan only, with
`--analyzers code`): one Flask module of N functions, each registered by a
decorator of the module (`HANDLERS[f.__name__] = f`) and each looping over the
registry calling every handler, and a route doing the same with request data.
Followed naively, every function's summary runs every function: N * N calls.

`--variant routes` is the same module's other shape: N registered handlers, each
running a command from its argument, and N routes, each looping over the registry
with request data: every route's dispatch runs every handler, N * N calls.

Run:  .venv/bin/python bench/hostile_scale.py [--sizes 1000,5000] [--src DIR]
Targets: 5,000 Deployments under 10 s and 500 MB for each command.
Prints figures only; the exit code is 0 whatever they are.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from config_speed import LAUNCHER, _tree_rss_kib

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 10.0
TARGET_MIB = 500.0

POLICY = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: tier-allows-tier, namespace: shop}
spec:
  podSelector: {matchLabels: {tier: backend}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {tier: backend}}}]
      ports: [{port: 8080}]
"""


def deployment(i: int) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: d{i}, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: d{i}}}}}
  template:
    metadata: {{labels: {{app: d{i}, tier: backend}}}}
    spec:
      containers: [{{name: c, image: "r.example/d:1", ports: [{{containerPort: 8080}}]}}]
"""


BITS = 13  # labels b0..b12: 8,192 distinct patterns


def bit_policy(k: int) -> str:
    return f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: b{k}-allows-b{k}, namespace: shop}}
spec:
  podSelector: {{matchLabels: {{b{k}: "1"}}}}
  ingress:
    - from: [{{podSelector: {{matchLabels: {{b{k}: "1"}}}}}}]
"""


def bit_deployment(i: int) -> str:
    bits = ", ".join(f'b{k}: "{(i >> k) & 1}"' for k in range(BITS))
    return deployment(i).replace("tier: backend", bits)


REGISTRY_HEAD = (
    "from flask import Flask, request",
    "import os",
    "app = Flask(__name__)",
    "HANDLERS = {}",
    "def reg(f):",
    "    HANDLERS[f.__name__] = f",
    "    return f",
)


def registry_module(n: int) -> str:
    src = list(REGISTRY_HEAD)
    for i in range(n):
        src += ["@reg", f"def h{i}(x):", "    for h in HANDLERS.values():"]
        src += [f"        h(x + '{i}')", "    return os.system(x)"]
    src += ["@app.route('/')", "def index():", "    for h in HANDLERS.values():"]
    src += ["        h(request.args['q'])"]
    return "\n".join(src) + "\n"


def routes_module(n: int) -> str:
    src = list(REGISTRY_HEAD)
    for i in range(n):
        src += ["@reg", f"def h{i}(x):", f"    return os.system(x + '{i}')"]
    for i in range(n):
        src += [f"@app.route('/r{i}')", f"def r{i}():", "    for h in HANDLERS.values():"]
        src += ["        h(request.args['q'])"]
    return "\n".join(src) + "\n"


def generate(root: Path, n: int, variant: str = "tier") -> int:
    if variant in ("registry", "routes"):
        text = registry_module(n) if variant == "registry" else routes_module(n)
        (root / "app.py").write_text(text)
        return len(text.encode())
    if variant == "bits":
        parts = [*(bit_policy(k) for k in range(BITS)), *(bit_deployment(i) for i in range(n))]
    else:
        parts = [POLICY, *(deployment(i) for i in range(n))]
    text = "---\n".join(parts)
    (root / "system.yaml").write_text(text)
    return len(text.encode())


def run(cmd: list[str], env: dict[str, str], args: argparse.Namespace) -> dict[str, float]:
    """Wall and CPU seconds, peak tree MiB and exit code of cmd in a fresh process."""
    timeout, limit = args.timeout, args.max_mem_mb * 1024 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (args.cpu_limit, args.cpu_limit + 5))

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report"
        launcher = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", LAUNCHER, str(report), *cmd],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            env=env,
            preexec_fn=cap,
        )
        start, peak = time.perf_counter(), 0
        while launcher.poll() is None:
            peak = max(peak, _tree_rss_kib(launcher.pid))
            if time.perf_counter() - start > timeout:
                _kill_tree(launcher.pid)
                launcher.wait()
                return {"wall": timeout, "cpu": 0.0, "mib": peak / 1024, "code": -1}
            time.sleep(0.01)
        try:
            wall, rss, code, cpu = report.read_text().split()
        except (OSError, ValueError):
            return {
                "wall": time.perf_counter() - start,
                "cpu": 0.0,
                "mib": peak / 1024,
                "code": 127,
            }
    return {
        "wall": float(wall),
        "cpu": float(cpu),
        "mib": max(peak, int(rss)) / 1024,
        "code": int(code),
    }


def _kill_tree(pid: int) -> None:
    from config_speed import _children

    children = _children()
    stack, found = [pid], []
    while stack:
        p = stack.pop()
        found.append(p)
        stack.extend(children.get(p, ()))
    for p in reversed(found):
        with contextlib.suppress(OSError):
            os.kill(p, 9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000", help="comma-separated N")
    parser.add_argument("--src", type=Path, default=REPO / "src", help="code to run")
    parser.add_argument("--commands", default=None, help="map, scan or both (registry: scan only)")
    parser.add_argument(
        "--variant",
        default="tier",
        choices=("tier", "bits", "registry", "routes"),
        help="tier: one tier-allows-tier policy; bits: every pod labelled differently "
        f"(b0..b{BITS - 1}) and {BITS} policies 'bK allows bK'; registry: a Python "
        "module of N registered handlers each calling every handler; routes: N registered "
        "handlers and N routes each calling every handler with request data",
    )
    parser.add_argument("--cpu-limit", type=int, default=300, help="CPU seconds per command")
    parser.add_argument("--timeout", type=float, default=3600.0, help="wall seconds per command")
    parser.add_argument("--max-mem-mb", type=int, default=4096, help="address-space limit")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(args.src.resolve()))
    code = args.variant in ("registry", "routes")
    wanted = args.commands or ("scan" if code else "map,scan")
    print(f"code: {args.src}, system: {args.variant}")
    unit = "PY KB" if code else "YAML KB"
    print(f"{'N':>6} {unit:>8} {'command':<6} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} result")
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "tree"
            root.mkdir()
            size = generate(root, n, args.variant)
            out = Path(tmp) / "out.json"
            commands = {
                "map": ["map", str(root), "--format", "json", "-o", str(out)],
                "scan": [
                    "scan",
                    str(root),
                    "--analyzers",
                    "code" if code else "config,topology",
                    "--format",
                    f"json:{out}",
                    "--fail-on",
                    "none",
                ],
            }
            for name in wanted.split(","):
                out.unlink(missing_ok=True)
                cmd = [sys.executable, "-m", "shieldwall", *commands[name]]
                m = run(cmd, env, args)
                print(
                    f"{n:>6} {size / 1024:>8.0f} {name:<6} {m['wall']:>8.2f} {m['cpu']:>8.2f} "
                    f"{m['mib']:>9.1f} {_result(m, out, args)}",
                    flush=True,
                )
    print(f"targets: N=5000 under {TARGET_SECONDS:.0f} s and {TARGET_MIB:.0f} MB per command")


def _result(m: dict[str, float], out: Path, args: argparse.Namespace) -> str:
    if m["code"] == -1:
        return f"stopped after {args.timeout:.0f} s"
    if m["code"] == -signal.SIGXCPU or (
        m["code"] == -signal.SIGKILL and m["cpu"] >= args.cpu_limit
    ):
        return f"stopped at the CPU limit ({args.cpu_limit} s)"
    if m["code"] != 0:
        return f"exit {m['code']:.0f} (memory limit {args.max_mem_mb} MB?)"
    try:
        data = json.loads(out.read_text())
    except (OSError, ValueError):
        return "no output"
    if "edges" in data:
        return f"{len(data['nodes'])} nodes, {len(data['edges'])} edges"
    return f"{len(data['findings'])} findings"


if __name__ == "__main__":
    main()
