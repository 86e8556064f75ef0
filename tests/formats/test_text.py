from __future__ import annotations

import re
from dataclasses import replace

import pytest

from shieldwall.formats import text
from shieldwall.formats.base import ReportContext
from shieldwall.model import Control, Finding, Gate, Location, ScanResult, Scorecard, Severity
from tests.formats.conftest import (
    ERROR,
    FRONT_TLS,
    GATEWAY,
    ODD_RESOURCE,
    PAYMENTS_ROOT,
    PRIVILEGED,
    RUN_AS_ROOT,
    SKIPPED,
    UNICODE_MESSAGE,
    WEB_ROOT,
    make_result,
)

PLAIN = ReportContext(color=False, width=100)


def render(result: ScanResult, ctx: ReportContext = PLAIN) -> str:
    return text.render(result, ctx)


def flat(output: str) -> str:
    """The output with every run of whitespace made one space, so wrapping does not matter."""
    return " ".join(output.split())


def test_header_names_target_files_analyzers_and_gateway(result: ScanResult) -> None:
    out = flat(render(result))
    assert "Target: examples/shop" in out
    assert "Files scanned: 42" in out
    assert "Analyzers: config, secrets, deps" in out
    assert "Gateway: Deployment/edge/gateway (detected: image envoyproxy/envoy:v1.30)" in out


def test_configured_gateway_is_not_said_twice() -> None:
    source = "configured in .shieldwall.yaml"
    result = make_result(gateways=(f"Deployment/edge/gw ({source})",), gateway_source=source)
    assert "Gateway: Deployment/edge/gw (configured in .shieldwall.yaml)" in flat(render(result))


def test_no_gateway_is_said_plainly_with_how_to_declare_one() -> None:
    out = flat(render(make_result(gateways=(), gateway_source="detected")))
    assert "Gateway: none found" in out
    assert "every exposed workload as bypassing the gateway" in out
    assert ".shieldwall.yaml" in out and "gateway: workloads: [" in out
    assert GATEWAY not in out


def test_gateway_line_left_out_when_no_analyzer_uses_it() -> None:
    result = make_result(analyzers=("secrets",), gateways=(), gateway_source="")
    assert "Gateway" not in render(result)


def test_critical_and_high_open_the_report_most_severe_first(result: ScanResult) -> None:
    out = render(result)
    first = out.index(" Fix first: 2 critical or high findings ")
    assert first < out.index("(least-privilege): ")  # before every group by control
    section = out[first : out.index("(least-privilege): ")]
    badges = re.findall(r"^ (CRITICAL|HIGH|MEDIUM|LOW|INFO) ", section, flags=re.MULTILINE)
    assert badges == ["CRITICAL", "HIGH"]
    # Outside the groups, each names its control.
    assert "k8s/pay.yaml:19  Deployment/shop/payments  [least-privilege]" in section
    assert "Pod/odd/a<&>b  [isolation]" in section


def test_the_rest_grouped_by_control_in_enum_order(result: ScanResult) -> None:
    out = render(result)
    headings = re.findall(r"^ .+ \(([a-z-]+)\): \d+ findings? ", out, flags=re.MULTILINE)
    # isolation's only active finding is high: listed under "Fix first" alone.
    assert headings == ["least-privilege", "encryption"]
    order = [c.value for c in Control]
    assert headings == sorted(headings, key=order.index)
    assert out.count("K8S-PRIVILEGED") == 1 and out.count("K8S-HOST-NETWORK  ") == 1


def test_within_a_control_worst_first_then_path_and_line() -> None:
    low_rule = replace(RUN_AS_ROOT, severity=Severity.LOW)
    low = Finding(low_rule, "x", Location.at("k8s/a.yaml", 1), "Deployment/shop/a")
    out = render(make_result(findings=(low, FRONT_TLS, WEB_ROOT, PAYMENTS_ROOT)))
    places = re.findall(r"(k8s/\S+\.yaml:[\d-]+)", out)
    # least-privilege: the two medium ones by path, then the low one; then encryption.
    assert places == ["k8s/pay.yaml:12", "k8s/web.yaml:5-7", "k8s/a.yaml:1", "k8s/ingress.yaml:3"]


def test_each_finding_shows_rule_title_place_resource_message_and_fix(result: ScanResult) -> None:
    out = render(result)
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if "K8S-PRIVILEGED" in line)
    block = "\n".join(lines[i : i + 4])
    assert "CRITICAL" in block and "Container runs privileged" in block
    assert "k8s/pay.yaml:19  Deployment/shop/payments" in block
    assert "container web is privileged" in block
    assert "fix: Set securityContext.privileged: false." in block


def test_unicode_and_markup_like_characters_survive(result: ScanResult) -> None:
    out = render(result)
    assert UNICODE_MESSAGE in out
    assert ODD_RESOURCE in out  # '<&>' and no Rich markup interpretation
    tricky = Finding(PRIVILEGED, "image [bold]x[/bold] :smile:", Location.at("a.yaml", 1), "P/a")
    assert "image [bold]x[/bold] :smile:" in render(make_result(findings=(tricky,)))


def test_suppressed_findings_are_counted_not_listed(result: ScanResult) -> None:
    out = flat(render(result))
    assert "3 suppressed findings not listed (1 inline, 1 exception, 1 baseline)." in out
    for hidden in ("Deployment/shop/admin", "app/settings.py", "Pod/shop/legacy", "ghp_"):
        assert hidden not in out


def scorecard(out: str) -> dict[str, tuple[int, int, int]]:
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^\s*.+\(([a-z-]+)\)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", line)
        if m:
            rows[m.group(1)] = (int(m.group(2)), int(m.group(3)), int(m.group(4)))
    return rows


def test_scorecard_counts_checked_passing_failing(result: ScanResult) -> None:
    assert scorecard(render(result)) == {
        # admin's only finding is suppressed: it passes.
        "least-privilege": (4, 2, 2),
        # the odd pod fails without being listed as checked: counted in the union.
        "isolation": (3, 2, 1),
        "encryption": (1, 0, 1),
        "api-exposure": (1, 1, 0),
    }


def test_scorecard_rows_helper_matches_table(result: ScanResult) -> None:
    rows = {c.value: (n, p, f) for c, n, p, f in text.scorecard_rows(result)}
    assert rows == scorecard(render(result))
    assert all(n == p + f for n, p, f in rows.values())


def test_skipped_inputs_errors_and_summary(result: ScanResult) -> None:
    out = flat(render(result))
    assert f"Skipped inputs (1): {SKIPPED.path}: {SKIPPED.reason}" in out
    assert f"Analyzer errors (1): {ERROR}" in out
    assert out.endswith(
        "5 findings: 1 critical, 1 high, 2 medium, 1 low "
        "(3 suppressed, 1 skipped, 1 analyzer error). Gate passed at high."
    )


def test_severity_filter_hides_from_the_listing_and_the_summary_still_counts_all(
    result: ScanResult,
) -> None:
    ctx = replace(PLAIN, severities=frozenset({Severity.CRITICAL, Severity.MEDIUM}))
    out = render(result, ctx)
    assert "K8S-PRIVILEGED" in out and out.count("K8S-RUN-AS-ROOT  ") == 2
    assert "K8S-HOST-NETWORK  " not in out and "K8S-INGRESS-NO-TLS  " not in out
    assert " Fix first: 1 critical or high finding " in out
    assert "(encryption)" not in out.split("Scorecard")[0]  # no empty group
    assert flat(out).endswith(
        "5 findings: 1 critical, 1 high, 2 medium, 1 low (3 suppressed, "
        "2 hidden by --severity critical,medium, 1 skipped, 1 analyzer error). Gate passed at high."
    )
    # The scorecard is the state of the resources: the filter does not change it.
    assert scorecard(out) == scorecard(render(result))


@pytest.mark.parametrize(
    ("fail_on", "failed", "verdict"),
    [
        (Severity.HIGH, True, "Gate failed at high."),
        (Severity.CRITICAL, False, "Gate passed at critical."),
        (None, False, "Gate off."),
    ],
)
def test_quiet_is_the_summary_line_with_the_gate_verdict(
    fail_on: Severity | None, failed: bool, verdict: str
) -> None:
    result = make_result(gate=Gate(fail_on, failed))
    out = render(result, replace(PLAIN, quiet=True))
    assert out.strip().splitlines() == [
        "5 findings: 1 critical, 1 high, 2 medium, 1 low (3 suppressed, 1 skipped, "
        f"1 analyzer error). {verdict}"
    ]


def test_the_gate_verdict_ends_the_full_report(result: ScanResult) -> None:
    out = render(make_result(gate=Gate(Severity.HIGH, True)))
    assert flat(out).endswith("1 analyzer error). Gate failed at high.")
    assert "K8S-PRIVILEGED" in out


def test_no_findings() -> None:
    empty = make_result(findings=(), skipped=(), errors=(), scorecard=Scorecard())
    out = render(empty)
    assert out.rstrip().endswith("No findings. Gate passed at high.")
    assert "Scorecard" not in out and "Skipped inputs" not in out and "suppressed" not in out


def test_no_colour_codes_and_fits_the_width(result: ScanResult) -> None:
    out = render(result)
    assert "\x1b" not in out
    assert max(len(line) for line in out.splitlines()) <= 100
    assert all(line == line.rstrip() for line in out.splitlines())
    narrow = render(result, ReportContext(color=False, width=60))
    assert max(len(line) for line in narrow.splitlines()) <= 60


def test_colour_when_asked(result: ScanResult, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = render(result, ReportContext(color=True, width=100))
    assert "\x1b[" in out
    assert re.sub(r"\x1b\[[0-9;]*m", "", out).split() == render(result).split()


def test_terminal_control_characters_from_input_are_neutralised() -> None:
    hostile = "name \x1b[2J\x1b]0;owned\x07 and \u202eevil"
    finding = Finding(RUN_AS_ROOT, hostile, Location.at("x.yaml", 2), "Pod/a/\x1bb")
    out = render(make_result(findings=(finding,)))
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out and "\\u202eevil" in out


def test_registered() -> None:
    from shieldwall.formats.registry import formatter

    assert formatter("text") is text.render


def _compose(service: str, line: int) -> Finding:
    return Finding(
        RUN_AS_ROOT,
        f"service {service!r}: runs as root",
        Location.at("docker-compose.yml", line),
        f"compose/shop/{service}",
        key="user",
    )


def test_one_rule_over_many_services_of_a_compose_project_is_shown_once() -> None:
    many = tuple(_compose(name, line) for name, line in (("web", 3), ("api", 9), ("db", 20)))
    out = flat(render(make_result(findings=(*many, WEB_ROOT))))
    assert out.count("K8S-RUN-AS-ROOT") == 2  # the group, and the Kubernetes finding
    assert "compose/shop: 3 services" in out
    assert "web:3, api:9, db:20" in out


def test_two_services_are_still_shown_one_by_one() -> None:
    two = (_compose("web", 3), _compose("api", 9))
    out = flat(render(make_result(findings=two)))
    assert out.count("K8S-RUN-AS-ROOT") == 2
    assert "services (line)" not in out
