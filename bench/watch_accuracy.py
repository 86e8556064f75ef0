"""Accuracy of `shieldwall watch` next to CrowdSec, on the same logs in the same run.

Inputs:
- our labelled traffic (bench/watch_traffic.py, --seed): every benign and attack
  pattern of the watch issue, written in every log format shieldwall reads;
- the OWASP Core Rule Set regression tests (--crs DIR: a coreruleset checkout
  or git directory, fetched at bench time, never copied into the project),
  split by rule into a tuning and a held-out half: see bench/watch_crs.py.

Figures: attacker recall per kind (a client with a decision on its address or
range), benign clients wrongly banned, request-level precision/recall per
payload kind, median time from an attacker's first malicious request to its
decision (log time), each for shieldwall and CrowdSec (nginx log; `crowdsec
-dsn file://... -type nginx`, Debian package, offline hub).

Run:  .venv/bin/python bench/watch_accuracy.py [--seed N] [--crs DIR] [--no-crowdsec]
"""

from __future__ import annotations

import argparse
import ipaddress
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from watch_crs import crs_scores
from watch_peers import crowdsec_missing, crowdsec_version, run_crowdsec
from watch_traffic import FORMATS, Req, generate, render

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from shieldwall.runtime.config import WatchConfig  # noqa: E402
from shieldwall.runtime.decisions import Decision, Detection  # noqa: E402
from shieldwall.runtime.replay import replay_files  # noqa: E402
from shieldwall.runtime.sources.registry import PARSERS  # noqa: E402

WORK = REPO / "bench" / ".work" / "watch"
PAYLOAD_KINDS = ("sqli", "xss", "path-traversal", "cmdi", "ssrf", "jndi", "ssti", "scanner")


# The scenarios that read the user name, and the attacker kinds they are for.
USER_SCENARIOS = ("http-credential-stuffing", "http-distributed-account")
USER_KINDS = ("credential-stuffing", "distributed-account")


def _covered(
    decisions: list[tuple[str, float]],
) -> tuple[dict[str, float], list[tuple[object, float]]]:
    ips: dict[str, float] = {}
    nets: list[tuple[object, float]] = []
    for value, t in decisions:
        if "/" in value:
            nets.append((ipaddress.ip_network(value), t))
        elif value not in ips or t < ips[value]:
            ips[value] = t
    return ips, nets


def _decided_at(ip: str, ips: dict[str, float], nets: list[tuple[object, float]]) -> float | None:
    times = [ips[ip]] if ip in ips else []
    addr = ipaddress.ip_address(ip)
    times += [t for net, t in nets if addr in net]  # type: ignore[operator]
    return min(times) if times else None


def client_scores(reqs: list[Req], decided: list[tuple[str, float]]) -> dict[str, object]:
    label: dict[str, str] = {}
    first_bad: dict[str, float] = {}
    for r in reqs:
        label.setdefault(r.ip, r.client)
        if r.client != "benign" and r.ip not in first_bad:
            first_bad[r.ip] = r.t
    ips, nets = _covered(decided)
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    delays: dict[str, list[float]] = defaultdict(list)
    false_bans = []
    for ip, kind in label.items():
        at = _decided_at(ip, ips, nets)
        if kind == "benign":
            if at is not None:
                false_bans.append(ip)
            continue
        per_kind[kind][1] += 1
        if at is not None:
            per_kind[kind][0] += 1
            delays[kind].append(max(at - first_bad[ip], 0.0))
    return {"per_kind": dict(per_kind), "delays": dict(delays), "false_bans": false_bans}


def shieldwall_run(
    log: Path, fmt: str, paranoia: int = 1
) -> tuple[list[Decision], list[Detection], float]:
    started = time.perf_counter()
    result = replay_files([(str(log), PARSERS[fmt])], WatchConfig(paranoia=paranoia))
    return list(result.decisions), list(result.detections), time.perf_counter() - started


def request_scores(reqs: list[Req], detections: list[Detection]) -> dict[str, tuple[int, int, int]]:
    """Per payload kind: true positives, false negatives, false positives (on benign clients)."""
    found: dict[int, set[str]] = defaultdict(set)
    for d in detections:
        found[int(d.line.rsplit(":", 1)[1]) - 1].add(d.kind)
    scores: dict[str, list[int]] = {k: [0, 0, 0] for k in PAYLOAD_KINDS}
    for i, r in enumerate(reqs):
        kinds = found.get(i, set())
        if r.kind:
            scores[r.kind][0 if r.kind in kinds else 1] += 1
        elif r.client == "benign":
            for k in kinds & set(PAYLOAD_KINDS):
                scores[k][2] += 1
    return {k: (v[0], v[1], v[2]) for k, v in scores.items()}


# ---- report --------------------------------------------------------------------------


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} s" if values else "-"


def _paranoia_cost(reqs: list[Req], log: Path, benign_lines: int) -> None:
    """What each stricter `watch.paranoia` level costs on this traffic."""
    print("\nby `watch.paranoia` level (nginx log): payload recall, benign requests flagged, bans")
    for level in (2, 3, 4):
        decisions, detections, _ = shieldwall_run(log, "nginx", level)
        scores = request_scores(reqs, detections)
        tp = sum(v[0] for v in scores.values())
        fn = sum(v[1] for v in scores.values())
        flagged = {
            int(d.line.rsplit(":", 1)[1]) - 1
            for d in detections
            if reqs[int(d.line.rsplit(":", 1)[1]) - 1].client == "benign"
        }
        bans = client_scores(reqs, [(d.value, d.created_at) for d in decisions])["false_bans"]
        print(
            f"  level {level}: recall {tp}/{tp + fn}, benign requests flagged "
            f"{len(flagged)}/{benign_lines}, benign clients banned {len(bans)}"  # type: ignore[arg-type]
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--crs", type=Path, help="coreruleset checkout or git directory")
    parser.add_argument("--no-crowdsec", action="store_true")
    args = parser.parse_args()

    reqs = generate(args.seed)
    WORK.mkdir(parents=True, exist_ok=True)
    logs = {}
    for fmt in FORMATS:
        logs[fmt] = WORK / f"traffic.{fmt}.log"
        logs[fmt].write_text("\n".join(render(r, fmt) for r in reqs) + "\n")
    clients = Counter(r.client for r in {r.ip: r for r in reqs}.values())
    print(
        f"traffic: seed {args.seed}, {len(reqs)} requests, {len(set(r.ip for r in reqs))} clients "
        f"({clients['benign']} benign); tuned on: yes (our own generator)"
    )

    sw = {}
    users: dict[str, dict[str, list[int]]] = {}
    for fmt in FORMATS:
        decisions, detections, seconds = shieldwall_run(logs[fmt], fmt)
        decided = [(d.value, d.created_at) for d in decisions]
        sw[fmt] = (client_scores(reqs, decided), request_scores(reqs, detections), seconds)
        by_user = [(d.value, d.created_at) for d in decisions if d.scenario in USER_SCENARIOS]
        users[fmt] = client_scores(reqs, by_user)["per_kind"]  # type: ignore[assignment]
    cs = None
    why = "--no-crowdsec" if args.no_crowdsec else crowdsec_missing()
    if not why:
        run = run_crowdsec(logs["nginx"], WORK / "crowdsec")
        cs = client_scores(reqs, [(a.ip, a.stopped_at) for a in run.alerts])
        print(f"crowdsec {crowdsec_version()}: {len(run.alerts)} alerts in {run.seconds:.1f} s")
    else:
        print(f"crowdsec: not run ({why})")

    base = sw["nginx"][0]
    kinds = sorted(base["per_kind"])  # type: ignore[call-overload]
    print("\nattacker recall per kind (nginx log; a decision on the address or its range)")
    print(
        f"  {'kind':<24}{'clients':>8}{'shieldwall':>12}{'crowdsec':>10}"
        f"{'median delay sw':>17}{'cs':>8}"
    )
    tot = [0, 0, 0]
    for kind in kinds:
        hit, n = base["per_kind"][kind]  # type: ignore[index]
        c_hit = cs["per_kind"].get(kind, [0, n])[0] if cs else None  # type: ignore[index, union-attr]
        tot[0] += hit
        tot[1] += n
        tot[2] += c_hit or 0
        print(
            f"  {kind:<24}{n:>8}{hit / n:>12.2f}{(c_hit / n) if cs else float('nan'):>10.2f}"
            f"{_median(base['delays'].get(kind, [])):>17}"  # type: ignore[union-attr]
            f"{_median(cs['delays'].get(kind, [])) if cs else '-':>8}"
        )  # type: ignore[union-attr]
    all_delays = [d for v in base["delays"].values() for d in v]  # type: ignore[union-attr]
    cs_delays = [d for v in cs["delays"].values() for d in v] if cs else []  # type: ignore[union-attr]
    print(
        f"  {'overall':<24}{tot[1]:>8}{tot[0] / tot[1]:>12.2f}"
        f"{(tot[2] / tot[1]) if cs else float('nan'):>10.2f}"
        f"{_median(all_delays):>17}{_median(cs_delays):>8}"
    )
    print(
        f"benign clients banned: shieldwall {len(base['false_bans'])} {base['false_bans'][:5]}; "  # type: ignore[arg-type, index]
        f"crowdsec {len(cs['false_bans']) if cs else '-'} {cs['false_bans'][:5] if cs else ''}"
    )  # type: ignore[index]

    print(
        "\nrequest-level payload detection (shieldwall, nginx log; "
        "FP = on benign clients' requests)"
    )
    print(f"  {'kind':<16}{'recall':>14}{'precision':>12}{'FP':>6}")
    scores = sw["nginx"][1]
    for kind, (tp, fn, fp) in scores.items():
        rec = f"{tp}/{tp + fn} {tp / (tp + fn):.2f}" if tp + fn else "-"
        prec = f"{tp / (tp + fp):.3f}" if tp + fp else "-"
        print(f"  {kind:<16}{rec:>14}{prec:>12}{fp:>6}")
    tp = sum(v[0] for v in scores.values())
    fp = sum(v[2] for v in scores.values())
    benign_lines = sum(1 for r in reqs if r.client == "benign")
    print(f"  overall precision {tp / (tp + fp):.4f}; benign requests flagged {fp}/{benign_lines}")
    _paranoia_cost(reqs, logs["nginx"], benign_lines)

    print(
        "\nsame events, each log format (shieldwall): attackers caught / false bans / seconds"
        " / account attackers caught by the user-name scenarios"
    )
    for fmt in FORMATS:
        cl, _, seconds = sw[fmt]
        caught = sum(v[0] for v in cl["per_kind"].values())  # type: ignore[union-attr]
        named = [users[fmt].get(k, [0, 0]) for k in USER_KINDS]
        print(
            f"  {fmt:<18}{caught:>5}/{tot[1]}{len(cl['false_bans']):>6}{seconds:>8.2f}"  # type: ignore[arg-type]
            f"{sum(n[0] for n in named):>6}/{sum(n[1] for n in named)}"
        )

    if args.crs:
        crs_scores(args.crs, crowdsec=not args.no_crowdsec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
