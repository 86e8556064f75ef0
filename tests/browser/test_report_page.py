"""The HTML report in a real browser: it loads without console errors, the map
renders, clicking a node shows its findings, the filters filter."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.formats.base import ReportContext
from shieldwall.formats.html import render
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scan = run_scan(REPO / "examples" / "shop", ScanOptions(analyzers="config,topology"), "shop")
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render(scan.result, ReportContext()), encoding="utf-8")
    return path


@pytest.fixture
def page(browser: Any, report: Path) -> Any:
    page = browser.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    page.wait_for_selector("body[data-ready=true]", timeout=10_000)
    page.errors = errors
    page.requests = requests
    yield page
    page.close()


def test_loads_without_console_errors_or_network(page: Any, report: Path) -> None:
    assert page.errors == []
    assert [u for u in page.requests if u != report.as_uri()] == []


def test_graph_renders(page: Any) -> None:
    nodes = page.locator("#map svg g.node")
    assert nodes.count() == 14
    box = page.locator("#map svg").bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    assert page.locator("#map svg g.edge").count() >= 20


def test_clicking_a_node_shows_its_findings(page: Any) -> None:
    page.locator("#map g.node", has_text="catalog").filter(has_text="Deployment").first.click()
    panel = page.locator("#panel")
    assert panel.get_attribute("data-selected") == "Deployment/shop/catalog"
    rules = panel.locator(".finding").evaluate_all("els => els.map(e => e.dataset.rule)")
    assert "TOPO-EXPOSED-PAST-GATEWAY" in rules and "K8S-NETPOL-MISSING" in rules
    page.locator("#map g.node", has_text="payments").filter(has_text="Deployment").first.click()
    assert panel.get_attribute("data-selected") == "Deployment/shop/payments"
    assert "TOPO-EXPOSED-PAST-GATEWAY" not in panel.inner_text()


def test_clicking_an_edge_shows_its_evidence(page: Any) -> None:
    page.locator("#map g.edge text", has_text="6379").first.click()
    text = page.locator("#panel").inner_text()
    assert "REDIS_URL" in text


def test_filters(page: Any) -> None:
    rows = page.locator("#findings tbody tr:not([hidden])")
    everything = rows.count()
    page.select_option("#filter-control", "encryption")
    filtered = rows.count()
    assert 0 < filtered < everything
    controls = rows.evaluate_all("rs => rs.map(r => r.dataset.control)")
    assert set(controls) == {"encryption"}
    page.fill("#filter-text", "TOPO-PLAINTEXT-EDGE")
    assert 0 < rows.count() < filtered
