"""Latency of `shieldwall admission serve` at a steady rate on loopback.

Starts the webhook in its own process (the standard library's threading HTTPS
server, as shipped) and, as the peer stack the choice was measured against, the
same Webhook behind uvicorn + Starlette with the same TLS certificate (if those
are installed). Each is sent AdmissionReviews over HTTPS at --rate reviews/s
(open loop: each request is due at start + i/rate, sent by a pool of
keep-alive connections like the API server's) for --seconds, first with a
typical Deployment, then with the largest workload object among the rule
fixtures. Prints p50/p99/max per review (from the moment it was due, so
queueing counts), the verdicts, the server's peak memory (VmHWM) and the
in-process judging time alone. Target: p99 < 20 ms at 200 reviews/s.

Run:  .venv/bin/python bench/admission_latency.py [--rate 200] [--seconds 10]
Prints figures only; the exit code is 0 whatever they are.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from shieldwall.admission.certs import make_ca, make_serving_cert  # noqa: E402
from shieldwall.engine.object_check import ObjectCheck  # noqa: E402

SERVE_STDLIB = """
import sys
from pathlib import Path
from shieldwall.admission.jsonlog import JsonLog
from shieldwall.admission.run import build_server
cert, key, port = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
log = JsonLog(open(sys.argv[4], "w"))
server = build_server(cert=cert, key=key, host="127.0.0.1", port=port, log=log)
server.serve_forever()
"""

SERVE_UVICORN = """
import sys
import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.concurrency import run_in_threadpool
from shieldwall.admission.jsonlog import JsonLog
from shieldwall.admission.webhook import Webhook
from shieldwall.engine.object_check import ObjectCheck
webhook = Webhook(ObjectCheck(), log=JsonLog(open(sys.argv[4], "w")))

async def validate(request):
    body = await request.body()
    return JSONResponse(webhook.validate(body))

async def metrics(request):
    return Response(webhook.metrics.render())

app = Starlette(routes=[Route("/validate", validate, methods=["POST"]), Route("/metrics", metrics)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), ssl_certfile=sys.argv[1],
            ssl_keyfile=sys.argv[2], log_level="warning")
"""


def typical_deployment() -> dict[str, Any]:
    docs = yaml.safe_load_all((ROOT / "examples/shop/k8s/shop.yaml").read_text())
    return next(d for d in docs if d and d.get("kind") == "Deployment")


def largest_fixture() -> dict[str, Any]:
    kinds = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}
    best: dict[str, Any] = {}
    for path in (ROOT / "tests/fixtures/rules").glob("*/*.yaml"):
        try:
            docs = list(yaml.safe_load_all(path.read_text()))
        except yaml.YAMLError:
            continue
        for doc in docs:
            big = isinstance(doc, dict) and len(json.dumps(doc)) > len(json.dumps(best))
            if big and doc.get("kind") in kinds:
                best = doc
    return best


def review(obj: dict[str, Any]) -> bytes:
    meta = obj.get("metadata") or {}
    return json.dumps(
        {
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "request": {
                "uid": str(uuid.uuid4()),
                "kind": {"group": "apps", "version": "v1", "kind": obj["kind"]},
                "namespace": meta.get("namespace", "default"),
                "name": meta.get("name", ""),
                "operation": "CREATE",
                "userInfo": {"username": "bench"},
                "object": obj,
            },
        }
    ).encode()


def peak_memory_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_up(port: int, ctx: ssl.SSLContext, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=2)
            conn.request("POST", "/validate", review({"kind": "Pod", "metadata": {}}))
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def load(
    port: int, ctx: ssl.SSLContext, body: bytes, rate: float, seconds: float, workers: int
) -> tuple[list[float], dict[str, int]]:
    total = int(rate * seconds)
    start = time.monotonic() + 0.2
    latencies: list[float] = []
    verdicts: dict[str, int] = {}
    lock = threading.Lock()
    next_index = [0]

    def worker() -> None:
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= total:
                break
            due = start + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            try:
                conn.request("POST", "/validate", body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                verdict = (
                    "allowed"
                    if json.loads(data).get("response", {}).get("allowed")
                    else f"denied/{resp.status}"
                )
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
                verdict = "error"
            done = time.monotonic()
            with lock:
                latencies.append((done - due) * 1000)
                verdicts[verdict] = verdicts.get(verdict, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, verdicts


def server_time(port: int, ctx: ssl.SSLContext) -> tuple[float, float]:
    """(sum of seconds, reviews) of the server's own latency histogram."""
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    values = {}
    for line in text.splitlines():
        for key in ("_sum", "_count"):
            if line.startswith(f"shieldwall_admission_review_seconds{key}"):
                values[key] = float(line.rsplit(" ", 1)[1])
    return values.get("_sum", 0.0), values.get("_count", 0.0)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="50,100,200", help="reviews/s, comma-separated")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    inputs = {
        "typical Deployment": typical_deployment(),
        "largest fixture object": largest_fixture(),
    }
    check = ObjectCheck()
    print(f"{args.seconds:g} s per rate, {args.workers} keep-alive connections, loopback HTTPS")
    for name, obj in inputs.items():
        runs = [check.judge(obj, source="admission") for _ in range(5)]
        t = time.perf_counter()
        for _ in range(200):
            check.judge(obj, source="admission")
        judge_ms = (time.perf_counter() - t) / 200 * 1000
        print(
            f"  {name}: {len(json.dumps(obj))} bytes of JSON, {len(runs[0].findings)} findings, "
            f"judging alone {judge_ms:.2f} ms"
        )
    servers = {"stdlib ThreadingHTTPServer+ssl (shipped)": SERVE_STDLIB}
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401

        servers["uvicorn+Starlette (peer stack)"] = SERVE_UVICORN
    except ImportError:
        print("uvicorn/starlette not installed: peer stack not measured")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ca = make_ca()
        pair = make_serving_cert(ca, ["localhost", "127.0.0.1"])
        (folder / "ca.crt").write_bytes(ca.cert_pem)
        (folder / "tls.crt").write_bytes(pair.cert_pem)
        (folder / "tls.key").write_bytes(pair.key_pem)
        ctx = ssl.create_default_context(cafile=str(folder / "ca.crt"))
        results: dict[tuple[str, str], float] = {}
        for label, script in servers.items():
            port = 18443 + len(results)
            env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    script,
                    str(folder / "tls.crt"),
                    str(folder / "tls.key"),
                    str(port),
                    str(folder / "log"),
                ],
                env=env,
                stderr=subprocess.PIPE,
            )
            try:
                wait_up(port, ctx, proc)
                print(f"\n{label}")
                for rate in [float(r) for r in args.rates.split(",")]:
                    for name, obj in inputs.items():
                        before = server_time(port, ctx)
                        lat, verdicts = load(
                            port, ctx, review(obj), rate, args.seconds, args.workers
                        )
                        after = server_time(port, ctx)
                        inside = (after[0] - before[0]) / max(1.0, after[1] - before[1]) * 1000
                        p99 = pct(lat, 0.99)
                        results[(label, f"{name} at {rate:g}/s")] = p99
                        met = "met" if p99 < 20 else "MISSED"
                        p50 = statistics.median(lat)
                        print(
                            f"  {rate:5g}/s {name:24} n={len(lat)} p50 {p50:7.2f} ms"
                            f"  p99 {p99:7.2f} ms  max {max(lat):7.2f} ms  server mean "
                            f"{inside:5.2f} ms  {verdicts}  p99<20ms: {met}"
                        )
                print(f"  peak memory (VmHWM) {peak_memory_mib(proc.pid):.1f} MiB")
            finally:
                proc.terminate()
                proc.wait(10)
        labels = list(servers)
        if len(labels) == 2:
            for key in sorted({k for _, k in results}):
                a, b = results[(labels[0], key)], results[(labels[1], key)]
                print(f"p99 ratio shipped/peer, {key}: {a / b:.2f}")


if __name__ == "__main__":
    main()
