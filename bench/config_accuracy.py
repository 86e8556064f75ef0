"""How many of the KICS query test expectations the config analyzer reports on.

For every query of the dockerfile, dockerCompose and k8s platforms, each test
file is scanned alone with shieldwall's config analyzer (in-process, through
the library). A query's ``positive_expected_result.json`` lists the lines where
a finding is expected; an expected (file, line) pair is *hit* when any
shieldwall finding (config or topology), whatever its rule, stands on that line
or inside the value of the key written there. Findings on the
negative files are counted too: each is either a false positive for that query
or a real weakness the KICS query does not look for.

Run:  .venv/bin/python bench/config_accuracy.py [--details] [--platform k8s]
      [--profile default]   (default here: strict, every rule including opt-in ones)
Prints figures only; the exit code is 0 whatever they are (2 when the corpus is
missing or an argument is wrong).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "kics"
PLATFORMS = ("dockerfile", "dockerCompose", "k8s")
TARGETS = {"dockerfile": 85.0, "dockerCompose": 85.0, "k8s": 70.0}

# Queries judged out of scope, with the reason. A query is out of scope when
# what it asks for has no security bearing and no shieldwall rule chose to cover
# it anyway, or when only the live cluster knows the answer. Everything else is
# in scope, missed or not. They are still measured; the summary shows the share
# over all queries and over the rest.
_AVAILABILITY = "availability or scheduling, no security bearing"
_HYGIENE = "manifest hygiene or correctness, no security bearing"
_LIVE = "only the live cluster knows whether it exists, not the scanned files"

OUT_OF_SCOPE: dict[str, dict[str, str]] = {
    "k8s": {
        "cni_plugin_does_not_support_network_policies": (
            "the cluster's CNI plugin is platform state, not a workload manifest"
        ),
        "pod_or_container_without_limit_range": "LimitRange: " + _LIVE,
        "pod_or_container_without_resource_quota": "ResourceQuota: " + _LIVE,
        "using_kubernetes_native_secret_management": (
            "advice to use an external secret store, no misconfiguration to point at"
        ),
        "ensure_administrative_boundaries_between_resources": (
            "organisational advice about namespaces, no checkable misconfiguration"
        ),
        "deployment_without_pod_disruption_budget": _AVAILABILITY,
        "statefulset_without_pod_disruption_budget": _AVAILABILITY,
        "deployment_has_no_pod_anti_affinity": _AVAILABILITY,
        "statefulset_has_no_pod_anti_affinity": _AVAILABILITY,
        "hpa_targeted_deployments_with_configured_replica_count": _AVAILABILITY,
        "hpa_targets_invalid_object": _AVAILABILITY,
        "liveness_probe_is_not_defined": _AVAILABILITY,
        "readiness_probe_is_not_configured": _AVAILABILITY,
        "cronjob_deadline_not_configured": _AVAILABILITY,
        "terminated_pod_garbage_collector_threshold_not_properly_set": _AVAILABILITY,
        "kubelet_event_qps_not_properly_set": "event rate tuning, no security bearing",
        "metadata_label_is_invalid": _HYGIENE,
        "object_is_using_a_deprecated_api_version": _HYGIENE + " (fails at apply time)",
        "incorrect_volume_claim_access_mode_read_write_once": _HYGIENE,
        "statefulset_requests_storage": _HYGIENE,
        "statefulset_without_service_name": _HYGIENE,
        "service_does_not_target_pod": _HYGIENE,
    },
    "dockerfile": {
        "multiple_run_add_copy_instructions_listed": "layer count, no security bearing",
        "run_utilities_and_posix_commands": (
            "running ps/top/ssh-style tools at build time is style, no security bearing"
        ),
        "run_using_wget_and_curl": "using both download tools is style, no security bearing",
        "curl_or_wget_instead_of_add": (
            "asks for ADD <url> over curl; we advise the opposite (download and verify)"
        ),
    },
    "dockerCompose": {
        "healthcheck_not_set": _AVAILABILITY,
        "restart_policy_on_failure_not_set_to_5": _AVAILABILITY,
    },
}


@dataclass
class QueryResult:
    platform: str
    query: str
    expected: int = 0
    hit: int = 0
    # Expected pairs in files the config analyzer does not read (e.g. JSON manifests).
    unreadable: int = 0
    negative_files: int = 0
    negative_findings: int = 0
    negative_rules: Counter[str] = field(default_factory=Counter)
    missed: list[tuple[str, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def in_scope(self) -> bool:
        return self.query not in OUT_OF_SCOPE.get(self.platform, {})


@dataclass
class Totals:
    queries: int = 0
    expected: int = 0
    hit: int = 0
    unreadable: int = 0
    negative_files: int = 0
    negative_findings: int = 0

    def add(self, r: QueryResult) -> None:
        self.queries += 1
        self.expected += r.expected
        self.hit += r.hit
        self.unreadable += r.unreadable
        self.negative_files += r.negative_files
        self.negative_findings += r.negative_findings

    @property
    def share(self) -> float:
        return 100.0 * self.hit / self.expected if self.expected else 0.0


class Scanner:
    """Scans one file alone and returns the lines each finding stands on."""

    def __init__(self, profile: str = "strict") -> None:
        from shieldwall.analyzers.config import ConfigAnalyzer
        from shieldwall.analyzers.topology import TopologyAnalyzer
        from shieldwall.model import Settings

        self.analyzer = ConfigAnalyzer()
        # The service map owns exposure (a compose service's published port, a hostPort):
        # its findings count like the config analyzer's.
        self.topology = TopologyAnalyzer()
        self.settings = Settings(config_profile=profile)

    def scan(self, path: Path) -> tuple[dict[int, list[str]], int]:
        """Lines with findings (line -> rule ids) and the number of findings."""
        from shieldwall.analyzers.base import ScanTarget
        from shieldwall.sources.tree import walk

        target = ScanTarget(walk(path), self.settings)
        findings = [
            *self.analyzer.analyze(target).findings,
            *self.topology.analyze(target).findings,
        ]
        lines: dict[int, list[str]] = {}
        for finding in findings:
            loc = finding.location
            for line in range(loc.start_line, max(loc.end_line, loc.start_line) + 1):
                lines.setdefault(line, []).append(finding.rule.id)
        return lines, len(findings)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def block(lines: list[str], line: int) -> range:
    """The lines of the key (or sequence item, or instruction) on 1-based `line`: from
    it to the end of its value. A YAML block is the deeper-indented lines after it (and
    the sequence items at its own indent when the key's value starts on the next line);
    a Dockerfile instruction runs on while its lines end with a backslash."""
    if not 1 <= line <= len(lines):
        return range(line, line + 1)
    head = lines[line - 1]
    own = _indent(head)
    items_too = head.rstrip().endswith(":") and not head.lstrip().startswith("-")
    end = line
    for number in range(line + 1, len(lines) + 1):
        text = lines[number - 1]
        stripped = text.strip()
        if lines[number - 2].rstrip().endswith("\\"):
            end = number
            continue
        if not stripped or stripped.startswith("#"):
            continue
        deeper = _indent(text) > own or (
            items_too and _indent(text) == own and stripped.startswith("- ")
        )
        if not deeper:
            break
        end = number
    return range(line, end + 1)


def is_readable(name: str) -> bool:
    """Whether the config analyzer reads a file of this name at all."""
    from shieldwall.sources.manifests import YAML_SUFFIXES, is_dockerfile

    return is_dockerfile(name) or name.lower().endswith(YAML_SUFFIXES)


def measure_query(scanner: Scanner, platform: str, query_dir: Path) -> QueryResult:
    result = QueryResult(platform, query_dir.name)
    test = query_dir / "test"
    expected_file = test / "positive_expected_result.json"
    files = sorted(p for p in test.iterdir() if p.is_file() and p != expected_file)
    positives = [p for p in files if p.name.startswith("positive")]
    negatives = [p for p in files if p.name.startswith("negative")]

    lines_by_file: dict[str, dict[int, list[str]]] = {}
    texts: dict[str, list[str]] = {}
    for path in files:
        try:
            lines, count = scanner.scan(path)
        except Exception as exc:  # a crash is a figure too; keep measuring
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(frame.filename).name}:{frame.lineno}"
            result.errors.append(f"{path.name}: {type(exc).__name__}: {exc} (at {where})")
            lines, count = {}, 0
        lines_by_file[path.name] = lines
        texts[path.name] = _read_lines(path)
        if path in negatives:
            result.negative_files += 1
            result.negative_findings += count
            for rules in lines.values():
                result.negative_rules.update(rules)

    try:
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        result.errors.append(f"{expected_file.name}: {exc}")
        return result
    _match(result, expected, positives, lines_by_file, texts)
    return result


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _match(
    result: QueryResult,
    expected: list[dict[str, object]],
    positives: list[Path],
    lines_by_file: dict[str, dict[int, list[str]]],
    texts: dict[str, list[str]],
) -> None:
    """Count expected pairs and hits.

    An entry with a ``fileName`` (or in a query with a single positive file) is
    one (file, line) pair; duplicates count once. An entry without ``fileName``
    when there are several positive files could stand in any of them: for each
    line L, the n such entries are min(n, positive files) pairs, of which as
    many are hit as there are positive files with a finding on L.

    A finding is *on* an expected line when it stands anywhere in the block of the
    key written there (the key's line to the end of its value, see `block`): the
    expectation names a key, the finding may name the item of it that is wrong.
    """

    def found(name: str, line: int) -> bool:
        on = lines_by_file.get(name, {})
        return any(n in on for n in block(texts.get(name, []), line))

    known: set[tuple[str, int]] = set()
    unknown: Counter[int] = Counter()
    for entry in expected:
        line = entry.get("line")
        if not isinstance(line, int):
            continue
        name = entry.get("fileName")
        if isinstance(name, str) and name:
            known.add((Path(name).name, line))
        elif len(positives) == 1:
            known.add((positives[0].name, line))
        else:
            unknown[line] += 1
    for name, line in sorted(known):
        result.expected += 1
        if not is_readable(name):
            result.unreadable += 1
        if found(name, line):
            result.hit += 1
        else:
            result.missed.append((name, line))
    for line, n in sorted(unknown.items()):
        pairs = min(n, len(positives))
        with_hit = [p.name for p in positives if found(p.name, line)]
        hits = min(pairs, len(with_hit))
        result.expected += pairs
        result.hit += hits
        result.missed.extend(("positive*", line) for _ in range(pairs - hits))


def pct(hit: int, expected: int) -> str:
    return f"{100.0 * hit / expected:5.1f}" if expected else "    -"


def print_details(results: list[QueryResult]) -> None:
    print(f"  {'query':<62} {'exp':>4} {'hit':>4} {'%':>6} {'neg':>4}  note")
    for r in results:
        note = "" if r.in_scope else "out of scope: " + OUT_OF_SCOPE[r.platform][r.query]
        if r.unreadable:
            note = f"{r.unreadable} in unread files; " + note
        if r.errors:
            note = f"{len(r.errors)} ERRORS; " + note
        print(
            f"  {r.query:<62} {r.expected:>4} {r.hit:>4} {pct(r.hit, r.expected):>6} "
            f"{r.negative_findings:>4}  {note}".rstrip()
        )
        if r.missed and r.in_scope:
            shown = ", ".join(f"{f}:{ln}" for f, ln in r.missed[:6])
            more = f" (+{len(r.missed) - 6})" if len(r.missed) > 6 else ""
            print(f"  {'':<4}missed {shown}{more}")
        if r.negative_rules and r.in_scope:
            top = ", ".join(f"{rule} x{n}" for rule, n in r.negative_rules.most_common(4))
            print(f"  {'':<4}on negatives: {top}")
        for err in r.errors[:3]:
            print(f"  {'':<4}error: {err}")


def print_summary(by_platform: dict[str, list[QueryResult]], seconds: dict[str, float]) -> None:
    header = (
        f"{'platform':<14} {'scope':<9} {'queries':>7} {'expected':>8} {'hit':>5} "
        f"{'share %':>7} {'target':>6} {'neg files':>9} {'neg findings':>12} {'time s':>6}"
    )
    print(header)
    print("-" * len(header))
    for platform, results in by_platform.items():
        for scope in ("all", "in-scope"):
            t = Totals()
            for r in results:
                if scope == "all" or r.in_scope:
                    t.add(r)
            secs = f"{seconds[platform]:6.2f}" if scope == "all" else ""
            print(
                f"{platform:<14} {scope:<9} {t.queries:>7} {t.expected:>8} {t.hit:>5} "
                f"{pct(t.hit, t.expected):>7} {TARGETS[platform]:>6.0f} {t.negative_files:>9} "
                f"{t.negative_findings:>12} {secs:>6}"
            )
    unread = sum(r.unreadable for rs in by_platform.values() for r in rs)
    if unread:
        print(
            f"\n{unread} expected pairs are in files the config analyzer does not read "
            "(JSON manifests); they count as missed."
        )
    errors = [(r, e) for rs in by_platform.values() for r in rs for e in r.errors]
    if errors:
        print(f"\n{len(errors)} files made the analyzer fail (counted as no finding):")
        for r, err in errors[:20]:
            print(f"  {r.platform}/{r.query}: {err}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="KICS corpus folder holding dockerfile/, dockerCompose/, k8s/",
    )
    parser.add_argument(
        "--platform",
        choices=PLATFORMS,
        action="append",
        help="measure only this platform (repeatable)",
    )
    parser.add_argument("--details", action="store_true", help="print one row per query")
    parser.add_argument("--query", help="measure only queries whose name contains this")
    parser.add_argument(
        "--profile",
        choices=("strict", "default"),
        default="strict",
        help="rules profile: strict (default here: every rule, opt-in "
        "ones included) or default (what a scan without configuration reports)",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    corpus: Path = args.corpus
    if not all((corpus / p).is_dir() for p in PLATFORMS):
        print(
            f"KICS corpus not found at {corpus}: expected the folders {', '.join(PLATFORMS)} "
            "there. Put the corpus in ../shared/corpus/kics beside the repository or pass "
            "--corpus DIR.",
            file=sys.stderr,
        )
        return 2
    scanner = Scanner(args.profile)
    print(
        f"shieldwall config analyzer: {len(scanner.analyzer.rules())} rules, "
        f"profile {args.profile}\n"
    )
    by_platform: dict[str, list[QueryResult]] = {}
    seconds: dict[str, float] = {}
    for platform in args.platform or PLATFORMS:
        start = time.perf_counter()
        results = []
        for query_dir in sorted((corpus / platform).iterdir()):
            if not (query_dir / "test").is_dir():
                continue
            if args.query and args.query not in query_dir.name:
                continue
            results.append(measure_query(scanner, platform, query_dir))
        seconds[platform] = time.perf_counter() - start
        by_platform[platform] = results
        if args.details:
            print(f"== {platform}")
            print_details(results)
            print()
    print_summary(by_platform, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
