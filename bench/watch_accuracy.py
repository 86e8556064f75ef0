"""Accuracy of `shieldwall watch` next to CrowdSec, on the same logs in the same run.

Inputs:
- our labelled traffic (bench/watch_traffic.py, --seed): every benign and attack
  pattern of the watch issue, written in every log format shieldwall reads;
- the OWASP Core Rule Set regression tests (--crs DIR: a coreruleset checkout
  or git directory, fetched at bench time, never copied into the project):
  each test request expected to match a rule (or not), turned into ModSecurity
  JSON audit lines and replayed; tuned on: no (held out), PL = the rule's
  paranoia level.

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
import json
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

import yaml

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


def shieldwall_run(log: Path, fmt: str) -> tuple[list[Decision], list[Detection], float]:
    started = time.perf_counter()
    result = replay_files([(str(log), PARSERS[fmt])], WatchConfig())
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


# ---- OWASP CRS regression tests ---------------------------------------------------

CRS_KINDS = {
    "930": "path-traversal",
    "932": "cmdi",
    "941": "xss",
    "942": "sqli",
    "913": "scanner",
    "934110": "ssrf",
    "934120": "ssrf",
    "944150": "jndi",
    "944151": "jndi",
    "944152": "jndi",
}


def _crs_kind(rule: str) -> str:
    return CRS_KINDS.get(rule) or CRS_KINDS.get(rule[:3], "")


class CrsTree:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.git = (root / "HEAD").exists() and not (root / "tests").exists()

    def files(self, prefix: str) -> list[str]:
        if self.git:
            out = subprocess.run(
                [
                    "git",
                    "--git-dir",
                    str(self.root),
                    "ls-tree",
                    "-r",
                    "--name-only",
                    "HEAD",
                    prefix,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            return out.split()
        return [
            str(p.relative_to(self.root)) for p in (self.root / prefix).rglob("*") if p.is_file()
        ]

    def read(self, path: str) -> str:
        if self.git:
            return subprocess.run(
                ["git", "--git-dir", str(self.root), "show", f"HEAD:{path}"],
                capture_output=True,
                text=True,
                check=True,
                errors="replace",
            ).stdout
        return (self.root / path).read_text(errors="replace")


def crs_paranoia(tree: CrsTree) -> dict[str, int]:
    levels: dict[str, int] = {}
    for path in tree.files("rules"):
        if not path.endswith(".conf"):
            continue
        for block in re.split(r"\n(?=SecRule|SecAction)", tree.read(path)):
            ident = re.search(r"id:(\d+)", block)
            level = re.search(r"paranoia-level/(\d)", block)
            if ident:
                levels[ident.group(1)] = int(level.group(1)) if level else 1
    return levels


def crs_cases(tree: CrsTree) -> list[tuple[str, str, bool, dict[str, object]]]:
    """(rule, kind, expected to match, input) for the rules of our kinds."""
    cases = []
    for path in tree.files("tests/regression/tests"):
        if not path.endswith(".yaml"):
            continue
        rule = Path(path).stem
        kind = _crs_kind(rule)
        if not kind:
            continue
        try:
            doc = yaml.safe_load(tree.read(path))
        except yaml.YAMLError:
            continue
        for test in (doc or {}).get("tests", []) or []:
            for stage in test.get("stages", []) or []:
                stage = stage.get("stage", stage)
                inp, out = stage.get("input") or {}, (stage.get("output") or {}).get("log") or {}
                if "expect_ids" in out and int(rule) in out["expect_ids"]:
                    cases.append((rule, kind, True, inp))
                elif "no_expect_ids" in out and int(rule) in out["no_expect_ids"]:
                    cases.append((rule, kind, False, inp))
    return cases


def _modsec_line(n: int, inp: dict[str, object]) -> str:
    headers = inp.get("headers") or {}
    headers = {str(k): str(v) for k, v in headers.items()} if isinstance(headers, dict) else {}
    uri = str(inp.get("uri", "/"))
    uri = "".join(c if 32 < ord(c) < 127 else quote(c) for c in uri)
    data = inp.get("data", "")
    if isinstance(data, list):
        data = "\n".join(map(str, data))
    return json.dumps(
        {
            "transaction": {
                "client_ip": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
                "time_stamp": "Thu Dec  3 10:15:02 2026",
                "request": {
                    "method": str(inp.get("method", "GET")),
                    "uri": uri,
                    "headers": headers,
                    "body": str(data or ""),
                },
                "response": {"http_code": 200},
            }
        }
    )


def crs_scores(root: Path) -> None:
    tree = CrsTree(root)
    levels = crs_paranoia(tree)
    cases = crs_cases(tree)
    WORK.mkdir(parents=True, exist_ok=True)
    log = WORK / "crs.modsec.json"
    log.write_text("\n".join(_modsec_line(i, c[3]) for i, c in enumerate(cases)) + "\n")
    result = replay_files([(str(log), PARSERS["modsecurity-json"])], WatchConfig())
    found: dict[int, set[str]] = defaultdict(set)
    for d in result.detections:
        found[int(d.line.rsplit(":", 1)[1]) - 1].add(d.kind)
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for i, (rule, kind, expected, _) in enumerate(cases):
        level = "PL1" if levels.get(rule, 1) == 1 else "PL2-4"
        hit = kind in found.get(i, set())
        row = table[(kind, level)]
        if expected:
            row[0 if hit else 1] += 1
        else:
            row[2 if hit else 3] += 1
    print(
        f"\nOWASP CRS regression tests ({len(cases)} requests of our kinds, "
        f"{result.stats.unparsed} unparsed; held out, never tuned on)"
    )
    print(f"  {'kind':<16}{'level':<7}{'recall':>14}{'negatives flagged':>20}")
    for (kind, level), (tp, fn, fp, tn) in sorted(table.items()):
        rec = f"{tp}/{tp + fn} {tp / (tp + fn):.2f}" if tp + fn else "-"
        neg = f"{fp}/{fp + tn}" if fp + tn else "-"
        print(f"  {kind:<16}{level:<7}{rec:>14}{neg:>20}")


# ---- report --------------------------------------------------------------------------


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} s" if values else "-"


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
    for fmt in FORMATS:
        decisions, detections, seconds = shieldwall_run(logs[fmt], fmt)
        decided = [(d.value, d.created_at) for d in decisions]
        sw[fmt] = (client_scores(reqs, decided), request_scores(reqs, detections), seconds)
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

    print("\nsame events, each log format (shieldwall): attackers caught / false bans / seconds")
    for fmt in FORMATS:
        cl, _, seconds = sw[fmt]
        caught = sum(v[0] for v in cl["per_kind"].values())  # type: ignore[union-attr]
        print(f"  {fmt:<14}{caught:>5}/{tot[1]}{len(cl['false_bans']):>6}{seconds:>8.2f}")  # type: ignore[arg-type]

    if args.crs:
        crs_scores(args.crs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
