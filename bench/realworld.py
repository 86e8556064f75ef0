"""What shieldwall reports on real, public systems, per rule and severity.

Each system is fetched at bench time at a pinned commit (never committed to
this repository), the files a new user would point the scanner at are
extracted into ``bench/.work/realworld/<name>``, and ``shieldwall scan
--analyzers config,topology`` runs over them in a fresh process. The output is
one table per system (findings per rule and severity) and a total, so a change
that adds or removes findings on real manifests shows as drift.

Sources, in order of preference:

* ``--from DIR``: a directory holding git repositories, either as
  ``DIR/<owner>+<name>/repo`` (a bare mirror) or ``DIR/<owner>/<name>``;
* otherwise ``git clone`` from ``--remote`` (default https://github.com) into
  ``bench/.work/realworld-git/``.

Run:  .venv/bin/python bench/realworld.py [--from DIR] [--only NAME] [--high]
      (``--high`` also lists every high and critical finding, one a line; the
      judgement of each on the hardened systems is in bench/README.md).
Exit code 0 whatever the figures; 2 when a system cannot be fetched.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work"
SEVERITIES = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True)
class System:
    name: str
    slug: str  # owner/name on GitHub
    commit: str
    paths: tuple[str, ...]  # what a new user would scan
    hardened: bool  # maintained by people who care; a high finding there is suspect
    batch: str = "tuned"  # "held-out": judged by hand before any change made for it


SYSTEMS: tuple[System, ...] = (
    System(
        "kube-prometheus",
        "prometheus-operator/kube-prometheus",
        "4d719f1dea8853540b3823ab1fbe6be74a9953b3",
        ("manifests",),
        True,
    ),
    System(
        "argo-cd",
        "argoproj/argo-cd",
        "37ee0097cf851bc2dd7665fc081bbce61a7e836e",
        ("manifests/install.yaml", "Dockerfile"),
        True,
    ),
    System(
        "ingress-nginx",
        "kubernetes/ingress-nginx",
        "dbb11b92ddb77bee9c35e462479129354c84f939",
        ("deploy/static/provider/cloud/deploy.yaml",),
        True,
    ),
    System(
        "gatekeeper",
        "open-policy-agent/gatekeeper",
        "dd8507eb97f5ca24dbee34c95d8e6ffa053cb8a0",
        ("deploy/gatekeeper.yaml", "Dockerfile"),
        True,
    ),
    System(
        "self-hosted",
        "getsentry/self-hosted",
        "89a143f8e4d396a858cf6f462a832ae7da9fd2db",
        (
            "docker-compose.yml",
            ".env",
            "nginx.conf",
            "cron",
            "sentry",
            "relay",
            "snuba",
            "symbolicator",
            "clickhouse",
            "taskbroker",
        ),
        True,
    ),
    System(
        "microservices-demo",
        "GoogleCloudPlatform/microservices-demo",
        "34ffea9175946982c3088ed84994fe6019ad6e92",
        ("kubernetes-manifests",),
        False,
    ),
    System(
        "wrongsecrets",
        "OWASP/wrongsecrets",
        "81da75d7835a36216437b1c894f91b3b37b5e43d",
        ("k8s", "Dockerfile"),
        False,
    ),
    System(
        "kubernetes-goat",
        "madhuakula/kubernetes-goat",
        "56e60a29ed66fda476fa4794b41749e953cbd60f",
        ("scenarios",),
        False,
    ),
    # The held-out batch: scanned and judged by hand before any change made for it.
    System(
        "metallb",
        "metallb/metallb",
        "7938d3f89b8bd808dae2e42d97d6ae7e18e9ed54",
        ("config/manifests/metallb-native.yaml",),
        True,
        "held-out",
    ),
    System(
        "external-dns",
        "kubernetes-sigs/external-dns",
        "2bf1bf8af2b70f23579f9147c1f7e9394f7f83d5",
        ("kustomize",),
        True,
        "held-out",
    ),
    System(
        "metrics-server",
        "kubernetes-sigs/metrics-server",
        "5ed5d3a2cf940a8c7541cfbac19af822f4c97844",
        ("manifests/base",),
        True,
        "held-out",
    ),
    System(
        "netbox-docker",
        "netbox-community/netbox-docker",
        "27bf52cf3ea882324273fbabbf23f0af6a194f12",
        ("docker-compose.yml", "Dockerfile", "env"),
        True,
        "held-out",
    ),
    System(
        "paperless-ngx",
        "paperless-ngx/paperless-ngx",
        "b0e0e8a35373a5d9d588a507cb63c79e50a23403",
        (
            "docker/compose/docker-compose.postgres-tika.yml",
            "docker/compose/docker-compose.env",
            "Dockerfile",
        ),
        True,
        "held-out",
    ),
    # The second held-out batch (round 13), likewise judged before any change made for it.
    System(
        "argo-workflows",
        "argoproj/argo-workflows",
        "f016ad89eb269d282aec06dc491c29f396a38df4",
        ("manifests/base", "manifests/cluster-install", "manifests/cluster-install-no-crds"),
        True,
        "held-out-2",
    ),
    System(
        "tekton-pipeline",
        "tektoncd/pipeline",
        "3ee1745ae5b2d9175b11917d7c1935eaad44910c",
        ("config",),
        True,
        "held-out-2",
    ),
    System(
        "descheduler",
        "kubernetes-sigs/descheduler",
        "7d2b28bf2b6a12810317936d909af0270ff38fa3",
        ("kubernetes",),
        True,
        "held-out-2",
    ),
    System(
        "nextcloud-docker",
        "nextcloud/docker",
        "4de1eed65a44c61ecce601ef1d27abd2059b52e6",
        (".examples/docker-compose/with-nginx-proxy/postgres/fpm",),
        True,
        "held-out-2",
    ),
    System(
        "harbor",
        "goharbor/harbor",
        "c50c7ddd6ea4e335a480b49c618281882ab7eec9",
        ("make/photon",),
        True,
        "held-out-2",
    ),
    System(
        "loki",
        "grafana/loki",
        "65e30f8488e8a5ea2013c6881675f8103a8f6bc7",
        ("production/docker",),
        True,
        "held-out-2",
    ),
    # The third held-out batch (round 15), likewise judged before any change made for it.
    System(
        "dex",
        "dexidp/dex",
        "ab64ed778070e983cbb10cfc07ea4bb397d14312",
        ("examples/k8s/dex.yaml", "docker-compose.yaml", "Dockerfile"),
        True,
        "held-out-3",
    ),
    System(
        "podinfo",
        "stefanprodan/podinfo",
        "eec06d1ea459af4cb4e10e806f8be7c7bd58b361",
        ("deploy", "Dockerfile"),
        True,
        "held-out-3",
    ),
    System(
        "cloudnative-pg",
        "cloudnative-pg/cloudnative-pg",
        "a95a534dbe0854495b863bbc1b7651f74d310916",
        ("releases/cnpg-1.30.0.yaml", "Dockerfile"),
        True,
        "held-out-3",
    ),
    System(
        "kube-state-metrics",
        "kubernetes/kube-state-metrics",
        "c92fe0c5ce02d3b52abf54490e00db6c706f2ba5",
        ("examples/standard", "Dockerfile"),
        True,
        "held-out-3",
    ),
    System(
        "plausible-ce",
        "plausible/community-edition",
        "4ebc0f66316d9256b9a7d59fb664e8b820814017",
        ("docker-compose.yml", "plausible-conf.env", "reverse-proxy"),
        True,
        "held-out-3",
    ),
    System(
        "opentelemetry-demo",
        "open-telemetry/opentelemetry-demo",
        "054282e318317f2be09f67dd9b0d7d1278566cfa",
        ("compose.yaml", ".env", "src"),
        False,
        "held-out-3",
    ),
)


class FetchError(Exception):
    pass


def _git(*args: str) -> bytes:
    done = subprocess.run(["git", *args], capture_output=True, check=False)
    if done.returncode != 0:
        raise FetchError(done.stderr.decode(errors="replace").strip() or f"git {args[0]} failed")
    return done.stdout


def _git_dir(system: System, source: Path | None, remote: str) -> Path:
    owner, name = system.slug.split("/")
    if source is not None:
        for candidate in (source / f"{owner}+{name}" / "repo", source / owner / name):
            if candidate.is_dir():
                return candidate
        raise FetchError(f"{system.slug} is not under {source}")
    clone = WORK / "realworld-git" / f"{owner}+{name}"
    if not clone.is_dir():
        clone.parent.mkdir(parents=True, exist_ok=True)
        _git("clone", "--quiet", "--bare", f"{remote}/{system.slug}.git", str(clone))
    return clone


def extract(system: System, source: Path | None, remote: str) -> Path:
    """The system's chosen paths at its pinned commit, in a fresh folder."""
    git_dir = _git_dir(system, source, remote)
    try:
        _git("--git-dir", str(git_dir), "cat-file", "-e", f"{system.commit}^{{commit}}")
    except FetchError as exc:
        raise FetchError(f"{system.slug}: commit {system.commit} not in {git_dir}") from exc
    dest = WORK / "realworld" / system.name
    if dest.exists():
        subprocess.run(["rm", "-rf", "--", str(dest)], check=True)
    dest.mkdir(parents=True)
    tar = _git("--git-dir", str(git_dir), "archive", system.commit, "--", *system.paths)
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(dest, filter="data")
    return dest


def scan(tree: Path) -> list[dict[str, object]]:
    out = WORK / "realworld" / f"{tree.name}.json"
    cmd = [
        sys.executable,
        "-m",
        "shieldwall",
        "scan",
        str(tree),
        "--analyzers",
        "config,topology",
        "--format",
        f"json:{out}",
        "--fail-on",
        "none",
        "--no-repo-config",
        "--no-progress",
        "-q",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise FetchError(f"scan of {tree} failed: {done.stderr.strip()}")
    report = json.loads(out.read_text(encoding="utf-8"))
    findings: list[dict[str, object]] = report["findings"]
    return findings


def _severity_rank(sev: object) -> int:
    return SEVERITIES.index(str(sev)) if sev in SEVERITIES else len(SEVERITIES)


def print_table(title: str, findings: list[dict[str, object]]) -> None:
    by_rule: Counter[tuple[str, str]] = Counter(
        (str(f["severity"]), str(f["rule"])) for f in findings
    )
    by_sev = Counter(str(f["severity"]) for f in findings)
    summary = ", ".join(f"{by_sev[s]} {s}" for s in SEVERITIES if by_sev[s])
    print(f"\n{title}: {len(findings)} findings ({summary or 'none'})")
    for (sev, rule), n in sorted(
        by_rule.items(), key=lambda kv: (_severity_rank(kv[0][0]), kv[0][1])
    ):
        print(f"  {sev:<9}{n:>5}  {rule}")


def print_high(system: System, findings: list[dict[str, object]]) -> None:
    for f in findings:
        if f["severity"] not in ("critical", "high"):
            continue
        loc = f["location"]
        assert isinstance(loc, dict)
        print(
            f"  {system.name}  {f['severity']:<8} {f['rule']}  {loc['path']}:{loc['start_line']}"
            f"  {f['resource']}  {f['message']}"
        )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", type=Path, help="directory of git repositories")
    parser.add_argument("--remote", default="https://github.com", help="where to clone from")
    parser.add_argument("--only", action="append", help="only this system (repeatable)")
    parser.add_argument("--high", action="store_true", help="list every high/critical finding")
    parser.add_argument(
        "--batch",
        choices=("tuned", "held-out", "held-out-2", "held-out-3"),
        help="only this batch of systems",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    chosen = [
        s
        for s in SYSTEMS
        if (not args.only or s.name in args.only) and (not args.batch or s.batch == args.batch)
    ]
    if not chosen:
        print(f"no system named {args.only}; known: {', '.join(s.name for s in SYSTEMS)}")
        return 2
    total: list[dict[str, object]] = []
    hardened: list[dict[str, object]] = []
    high: list[tuple[System, list[dict[str, object]]]] = []
    failed = 0
    for system in chosen:
        try:
            tree = extract(system, args.source, args.remote)
            findings = scan(tree)
        except FetchError as exc:
            print(f"{system.name}: {exc}", file=sys.stderr)
            failed += 1
            continue
        print_table(f"{system.name} @ {system.commit[:12]} ({', '.join(system.paths)})", findings)
        total.extend(findings)
        if system.hardened:
            hardened.extend(findings)
        high.append((system, findings))
    print_table("all systems", total)
    print_table("hardened systems", hardened)
    hard_high = sum(1 for f in hardened if f["severity"] in ("critical", "high"))
    print(f"\nhigh/critical findings on the hardened systems: {hard_high}")
    if args.high:
        print("\nhigh and critical findings:")
        for system, findings in high:
            print_high(system, findings)
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
