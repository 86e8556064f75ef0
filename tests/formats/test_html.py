"""The HTML report: one self-contained file with the map, the scorecard and the
findings; nothing fetched from the network."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace

import pytest

from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.formats.base import ReportContext
from shieldwall.formats.html import render
from shieldwall.formats.registry import FORMATS
from shieldwall.model import Skipped
from tests.conftest import REPO
from tests.formats.conftest import (
    PAYMENTS_PRIVILEGED,
    PRIVILEGED,
    TOKEN,
    UNUSED,
    make_result,
)

SHOP = REPO / "examples" / "shop"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


@pytest.fixture(scope="module")
def page() -> str:
    scan = run_scan(SHOP, ScanOptions(analyzers="config,topology"), "examples/shop")
    return render(scan.result, ReportContext())


def test_registered() -> None:
    assert FORMATS["html"] == "html"


def test_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    # nothing loaded from elsewhere: no src/href to a URL outside a link (the references
    # of the rules are links, followed only on a click), no @import, a strict CSP
    links = re.findall(r"<a [^>]*>", page)
    assert links and all('rel="noopener noreferrer"' in a for a in links if "//" in a)
    loaded = re.sub(r"<a [^>]*>", "", page)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", loaded)
    assert "@import" not in page
    assert "default-src 'none'" in page


@needs_dot
def test_embeds_map_scorecard_and_findings(page: str) -> None:
    assert "<svg" in page and 'id="n0"' in page
    assert 'id="scorecard"' in page and "api-exposure" in page
    data = json.loads(re.search(r'id="shieldwall-data">(.*?)</script>', page, re.S).group(1))
    assert len(data["findings"]) > 20
    assert {data["rules"][row[1]]["analyzer"] for row in data["findings"]} == {"config", "topology"}
    ids = {n["id"] for n in data["nodes"]}
    assert "Deployment/shop/catalog" in ids
    fps = {row[0] for row in data["findings"]}
    for n in data["nodes"]:
        assert set(n["findings"]) <= fps


def test_script_data_cannot_close_the_script(tmp_path) -> None:
    from shieldwall.model import ScanResult, ServiceMap

    result = ScanResult(
        target="</script><script>alert(1)</script>", findings=(), service_map=ServiceMap()
    )
    text = render(result, ReportContext())
    body = text.split('id="shieldwall-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in body
    assert "&lt;/script&gt;" in text  # the title and header are escaped


def test_no_map_without_topology() -> None:
    scan = run_scan(SHOP, ScanOptions(analyzers="config"), "examples/shop")
    text = render(scan.result, ReportContext())
    assert "No service map" in text and "<svg" not in text


def _embedded(text: str) -> dict:  # type: ignore[type-arg]
    return json.loads(text.split('id="shieldwall-data">', 1)[1].split("</script>", 1)[0])


def test_each_rule_used_has_its_detail(result) -> None:
    text = render(result, ReportContext())
    rules = re.findall(r'<article class="rule" id="rule-([A-Z0-9-]+)">', text)
    # every rule with a finding (suppressed ones too), most severe first; none without
    assert rules == [
        "K8S-PRIVILEGED",
        "K8S-HOST-NETWORK",
        "SECRET-GITHUB-TOKEN",
        "K8S-RUN-AS-ROOT",
        "K8S-INGRESS-NO-TLS",
    ]
    assert UNUSED.id not in text
    detail = text.split('id="rule-K8S-PRIVILEGED">', 1)[1].split("</article>", 1)[0]
    assert PRIVILEGED.title in detail and PRIVILEGED.description in detail
    assert "Set securityContext.privileged: false." in detail
    for url in PRIVILEGED.references:
        assert f'<a href="{url}" rel="noopener noreferrer">' in detail
    assert 'href="https://cwe.mitre.org/data/definitions/250.html"' in detail
    assert TOKEN.remediation in text


def test_findings_carry_remediation_references_and_cwe(result) -> None:
    data = _embedded(render(result, ReportContext()))
    privileged = data["rules"]["K8S-PRIVILEGED"]
    assert privileged["severity"] == "critical" and privileged["rank"] > 0
    assert privileged["remediation"] == "Set securityContext.privileged: false."
    assert privileged["cwe"] == ["CWE-250"]
    assert len(privileged["references"]) == 2
    assert data["rules"]["K8S-RUN-AS-ROOT"]["cwe"] == []
    rule_at = data["finding_fields"].index("rule")
    assert {row[rule_at] for row in data["findings"]} == set(data["rules"])


def test_sortable_columns_and_rule_links(result) -> None:
    text = render(result, ReportContext())
    head = text.split('<table id="findings">', 1)[1].split("</thead>", 1)[0]
    assert re.findall(r'data-sort="(\w+)"', head) == ["severity", "rule", "path", "control"]
    assert '"#rule-" + f.rule' in text  # each row's rule id links to its detail


def test_skipped_inputs_listed_with_reason(result) -> None:
    odd = Skipped("k8s/<b>evil</b>\x1b[2J.yaml", "invalid YAML: <script>x</script>")
    text = render(make_result(skipped=(odd,)), ReportContext())
    table = text.split('<table id="skipped">', 1)[1].split("</table>", 1)[0]
    assert "<code>k8s/&lt;b&gt;evil&lt;/b&gt;\\x1b[2J.yaml</code>" in table
    assert "invalid YAML: &lt;script&gt;x&lt;/script&gt;" in table
    assert "No input was skipped." in render(make_result(skipped=()), ReportContext())


def test_rule_text_is_escaped(result) -> None:
    hostile = replace(
        PRIVILEGED,
        title="<img src=x onerror=alert(1)>",
        remediation="</script><script>alert(2)</script>",
        references=("javascript:alert(3)", 'https://example.org/"><script>'),
    )
    finding = replace(PAYMENTS_PRIVILEGED, rule=hostile)
    text = render(make_result(findings=(finding,)), ReportContext())
    assert "<img" not in text and "<script>alert" not in text
    assert 'href="javascript:' not in text
    assert 'href="https://example.org/&quot;&gt;&lt;script&gt;"' in text
    body = text.split('id="shieldwall-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in body


def test_header_names_the_analyzers_run(result) -> None:
    text = render(result, ReportContext())
    assert '<p id="analyzers">analyzers run: config, secrets, deps</p>' in text
    assert "<h1>shieldwall report</h1>" in text


@needs_dot
def test_map_page_says_which_analyzers_drew_it(tmp_path) -> None:
    out = tmp_path / "map.html"
    subprocess.run(
        [sys.executable, "-m", "shieldwall", "map", str(SHOP), "-o", str(out)],
        check=True,
        capture_output=True,
    )
    text = out.read_text(encoding="utf-8")
    assert "<h1>shieldwall service map</h1>" in text
    analyzers = text.split('<p id="analyzers">', 1)[1].split("</p>", 1)[0]
    assert analyzers.startswith("analyzers run: config, topology (topology draws the map")


@needs_dot
def test_map_tools_and_namespaces(page: str) -> None:
    for tool in ("zoom-in", "zoom-out", "zoom-reset", "map-search", "collapse-all"):
        assert f'id="{tool}"' in page
    data = _embedded(page)
    assert [g[:2] for g in data["groups"]] == [
        ["cluster_compose_shop", "compose project shop"],
        ["cluster_ns_shop", "namespace shop"],
    ]
    # each cluster box carries the id the page collapses it by; the internet is in none
    for group, _, count in data["groups"]:
        assert f'<g id="{group}" class="cluster">' in page
        assert count == sum(1 for n in data["nodes"] if n["group"] == group)
    assert [n["group"] for n in data["nodes"] if n["id"] == "internet"] == [""]
    assert 'data-group="cluster_ns_shop"' in page
