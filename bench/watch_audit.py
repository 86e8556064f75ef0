"""Audit scenarios of `shieldwall watch` on a generated Kubernetes audit log.

The log (`audit.k8s.io/v1` events, seeded) holds benign traffic that must stay
quiet: kubelets and controllers, a few of them retrying after a token rotation,
controllers refused the same request again and again, load balancers probing
/readyz without credentials, people whose kubectl token expired, CI jobs asking
`kubectl auth can-i` and refused a few times, an anonymous metrics scraper. And
attackers: clients guessing tokens (401) or probing anonymously (403),
campaigns failing as one user name from many clients, stolen service account
tokens tried on many verbs and resources (403).

Figures: per attacker kind, those caught (a ban on the client, or the alert of
the kind's scenario naming the client or user); benign clients and users with a
decision or an audit-scenario alert.

Run:  .venv/bin/python bench/watch_audit.py [--seed N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from shieldwall.runtime.config import WatchConfig  # noqa: E402
from shieldwall.runtime.decisions import Decision, Detection  # noqa: E402
from shieldwall.runtime.engine import Engine  # noqa: E402
from shieldwall.runtime.reader import LogSource  # noqa: E402
from shieldwall.runtime.sources.registry import PARSERS  # noqa: E402
from shieldwall.runtime.sources.timefmt import iso_z  # noqa: E402
from shieldwall.runtime.store import DecisionStore  # noqa: E402

T0 = 1_796_266_800.0
HOURS = 2 * 3600
RESOURCES = (
    "pods", "secrets", "configmaps", "nodes", "deployments", "daemonsets", "services",
    "roles", "rolebindings", "clusterroles", "clusterrolebindings", "serviceaccounts",
    "namespaces", "persistentvolumes", "events", "ingresses", "jobs", "cronjobs",
)  # fmt: skip
VERBS = ("get", "list", "watch", "create", "delete", "patch")
SCENARIO_OF = {
    "bruteforce": "k8s-auth-bruteforce",
    "anonymous-probing": "k8s-auth-bruteforce",
    "distributed-account": "k8s-auth-distributed-account",
    "rbac-probing": "k8s-rbac-probing",
}


@dataclass(frozen=True, slots=True)
class Line:
    time: float
    ip: str
    user: str
    code: int
    verb: str = "list"
    resource: str = "pods"
    uri: str = ""


@dataclass(frozen=True, slots=True)
class Actor:
    kind: str  # "benign:..." or an attacker kind
    key: str  # the client address, or `account:USER` for the alert kinds


def _event(line: Line) -> str:
    user = {"username": line.user, "groups": ["system:authenticated"]} if line.user else {}
    if line.user == "system:anonymous":
        user["groups"] = ["system:unauthenticated"]
    return json.dumps(
        {
            "kind": "Event",
            "apiVersion": "audit.k8s.io/v1",
            "stage": "ResponseComplete",
            "verb": line.verb,
            "requestURI": line.uri or f"/api/v1/{line.resource}",
            "user": user,
            "sourceIPs": [line.ip],
            "objectRef": {"resource": line.resource} if line.resource else {},
            "responseStatus": {"code": line.code},
            "stageTimestamp": iso_z(line.time),
        }
    )


def _steady(ip: str, user: str, every: float, rng: random.Random) -> list[Line]:
    t, out = T0 + rng.uniform(0, every), []
    while t < T0 + HOURS:
        out.append(Line(t, ip, user, 200, rng.choice(("get", "list", "watch"))))
        t += every * rng.uniform(0.5, 1.5)
    return out


def _benign(rng: random.Random, actors: list[Actor]) -> list[Line]:
    lines: list[Line] = []
    for n in range(30):  # kubelets; every sixth retries after its token rotated
        ip, user = f"10.0.0.{n + 10}", f"system:node:worker-{n}"
        lines += _steady(ip, user, 10, rng)
        if n % 6 == 0:
            at = T0 + rng.uniform(600, HOURS - 600)
            lines += [Line(at + 0.8 * (2**k - 1), ip, "", 401) for k in range(6)]
        actors.append(Actor("benign:kubelet", ip))
    for n in range(10):  # controllers; three refused the same list every few seconds
        ip, user = f"10.244.{n}.5", f"system:serviceaccount:ops:controller-{n}"
        lines += _steady(ip, user, 5, rng)
        if n < 3:
            t = T0
            while t < T0 + HOURS:
                lines.append(Line(t, ip, user, 403, "list", "secrets"))
                t += rng.uniform(1, 5)
        actors += [Actor("benign:controller", ip), Actor("benign:controller", f"account:{user}")]
    for n in range(3):  # load balancers probing /readyz with no credentials
        ip = f"35.191.0.{n + 1}"
        lines += [
            Line(T0 + k * 2 + n * 0.3, ip, "", 401, "get", "", "/readyz") for k in range(HOURS // 2)
        ]
        actors.append(Actor("benign:health-check", ip))
    for n in range(20):  # people: a kubectl token expires, a few refusals
        ip, user = f"198.51.100.{n + 1}", f"dev{n}@example.com"
        lines += _steady(ip, user, 30, rng)
        for _ in range(3):
            at = T0 + rng.uniform(0, HOURS)
            lines += [Line(at + k * 2, ip, user, 401) for k in range(rng.randint(1, 3))]
            pairs = [(rng.choice(VERBS), rng.choice(RESOURCES)) for _ in range(3)]
            lines += [Line(at + 60 + k, ip, user, 403, v, r) for k, (v, r) in enumerate(pairs)]
        actors += [Actor("benign:person", ip), Actor("benign:person", f"account:{user}")]
    for n in range(5):  # CI jobs: `kubectl auth can-i` (201), then a few refusals
        ip, user = f"10.1.0.{n + 4}", f"system:serviceaccount:ci:deployer-{n}"
        at = T0 + rng.uniform(0, HOURS - 60)
        lines += [
            Line(at + k, ip, user, 201, "create", "selfsubjectaccessreviews") for k in range(6)
        ]
        pairs = rng.sample([(v, r) for v in VERBS for r in RESOURCES], 4)
        lines += [Line(at + 10 + k, ip, user, 403, v, r) for k, (v, r) in enumerate(pairs)]
        actors += [Actor("benign:ci", ip), Actor("benign:ci", f"account:{user}")]
    scraper = "10.244.9.9"  # an anonymous metrics scraper, refused every 15 s
    lines += [
        Line(T0 + k * 15, scraper, "system:anonymous", 403, "get", "", "/metrics")
        for k in range(HOURS // 15)
    ]
    actors.append(Actor("benign:scraper", scraper))
    return lines


def _attackers(rng: random.Random, actors: list[Actor]) -> list[Line]:
    lines: list[Line] = []
    for n in range(8):  # token guessing from outside, 1-5 a second
        ip, t = f"203.0.113.{n + 1}", T0 + rng.uniform(0, HOURS - 600)
        for _ in range(rng.randint(30, 120)):
            lines.append(Line(t, ip, "", 401, rng.choice(VERBS), rng.choice(RESOURCES)))
            t += rng.uniform(0.2, 1.0)
        actors.append(Actor("bruteforce", ip))
    for n in range(4):  # anonymous probing of the API from outside
        ip, t = f"192.0.2.{n + 1}", T0 + rng.uniform(0, HOURS - 600)
        for _ in range(rng.randint(20, 60)):
            lines.append(Line(t, ip, "system:anonymous", 403, "get", rng.choice(RESOURCES)))
            t += rng.uniform(0.1, 0.8)
        actors.append(Actor("anonymous-probing", ip))
    for user in ("admin", "ops@example.com"):  # one user name from many clients
        start = T0 + rng.uniform(0, HOURS - 900)
        for n in range(12):
            ip = f"{rng.randint(11, 99)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{n + 1}"
            t = start + rng.uniform(0, 600)
            lines += [Line(t + k * 20, ip, user, 401) for k in range(rng.randint(1, 3))]
        actors.append(Actor("distributed-account", f"account:{user}"))
    for n in range(4):  # stolen service account tokens tried on what they may do
        ip, user = f"10.244.{20 + n}.7", f"system:serviceaccount:shop:web-{n}"
        t = T0 + rng.uniform(0, HOURS - 600)
        pairs = rng.sample([(v, r) for v in VERBS for r in RESOURCES], rng.randint(20, 40))
        for verb, resource in pairs:
            code = 200 if rng.random() < 0.15 else 403
            lines.append(Line(t, ip, user, code, verb, resource))
            t += rng.uniform(0.2, 0.5)
        actors.append(Actor("rbac-probing", f"account:{user}"))
    return lines


def run(seed: int) -> int:
    rng = random.Random(seed)
    actors: list[Actor] = []
    lines = sorted(_benign(rng, actors) + _attackers(rng, actors), key=lambda line: line.time)
    source = LogSource("audit.log", Engine(WatchConfig(), DecisionStore()), PARSERS["k8s-audit"])
    hit: dict[str, set[str]] = defaultdict(set)  # key -> scenarios that named it
    banned: set[str] = set()
    for line in lines:
        for out in source.feed(_event(line).encode()):
            if isinstance(out, Decision):
                banned.add(out.value)
                hit[out.value].add(out.scenario)
            elif isinstance(out, Detection) and out.kind in SCENARIO_OF.values():
                hit[out.source].add(out.kind)
    print(f"audit log: seed {seed}, {len(lines)} events, {len(actors)} actors (own generator)")
    print(f"  {'attacker kind':22} {'caught':>8}  {'banned':>6}")
    for kind, scenario in SCENARIO_OF.items():
        keys = [a.key for a in actors if a.kind == kind]
        caught = sum(scenario in hit[k] for k in keys)
        bans = sum(k in banned for k in keys)
        print(f"  {kind:22} {caught:>4}/{len(keys):<3}  {bans:>6}")
    benign = [a for a in actors if a.kind.startswith("benign:")]
    noisy = sorted({a.key for a in benign if hit[a.key]})
    wrong = sorted({a.key for a in benign if a.key in banned})
    print(f"benign clients and users: {len(benign)}; alerted {len(noisy)} {noisy}")
    print(f"benign banned: {len(wrong)} {wrong}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    return run(parser.parse_args().seed)


if __name__ == "__main__":
    raise SystemExit(main())
