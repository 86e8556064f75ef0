"""The only way in with no gateway found: nothing is bypassed, so it is its own
medium finding; with two ways in each is still exposed past the gateway."""

from __future__ import annotations

from shieldwall.model import Severity
from tests.analyzers.topology.test_topology import build

_EXPOSURE = ("TOPO-EXPOSED-PAST-GATEWAY", "TOPO-ENTRY-NO-GATEWAY")

# A self-hosted web application published on its own, with a database, a broker
# and a document converter behind it (no reverse proxy in front of it).
_WEB_APP = (
    "services:\n"
    "  db:\n"
    "    image: postgres:17\n"
    "  broker:\n"
    "    image: redis:8\n"
    "  converter:\n"
    "    image: converter:8\n"
    "  web:\n"
    "    image: docs-app:2.1\n"
    "    ports: ['8000:8000']\n"
    "    environment:\n"
    "      APP_REDIS: redis://broker:6379\n"
    "      APP_DBHOST: db\n"
    "      APP_CONVERTER: http://converter:3000\n"
)


def _exposure(findings) -> list[tuple[str, str, Severity]]:
    return sorted(
        (f.rule.id, f.resource.rsplit("/", 1)[-1], f.rule.severity)
        for f in findings
        if f.rule.id in _EXPOSURE
    )


def test_a_web_application_that_is_the_only_way_in_is_not_exposed_past_a_gateway(write) -> None:
    _, findings = build(write({"docker-compose.yaml": _WEB_APP}))
    assert _exposure(findings) == [("TOPO-ENTRY-NO-GATEWAY", "web", Severity.MEDIUM)]
    [entry] = [f for f in findings if f.rule.id == "TOPO-ENTRY-NO-GATEWAY"]
    assert "only way in" in entry.message and "gateway: {workloads: [web]}" in entry.message
    assert entry.location.start_line == 10  # the published item


def test_two_ways_in_without_a_gateway_are_each_exposed_past_it(write) -> None:
    second = _WEB_APP.replace(
        "    image: converter:8\n", "    image: converter:8\n    ports: ['3000:3000']\n"
    )
    _, findings = build(write({"docker-compose.yaml": second}))
    assert _exposure(findings) == [
        ("TOPO-EXPOSED-PAST-GATEWAY", "converter", Severity.HIGH),
        ("TOPO-EXPOSED-PAST-GATEWAY", "web", Severity.HIGH),
    ]


def test_exceptions_and_baselines_of_the_old_rule_still_hold_for_the_only_way_in(
    write,
) -> None:
    _, findings = build(write({"docker-compose.yaml": _WEB_APP}))
    [entry] = [f for f in findings if f.rule.id == "TOPO-ENTRY-NO-GATEWAY"]
    # What matched the exposure before (an exception's rule, a baseline entry) matches it.
    assert entry.rule.named_by("TOPO-EXPOSED-PAST-GATEWAY")
    assert entry.rule.named_by("COMPOSE-PUBLISHED-PORT")
    assert not entry.rule.named_by("TOPO-ROUTE-NO-AUTH")
