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


def _severities(page: Any) -> list[str]:
    return page.locator("#findings tbody tr").evaluate_all("rs => rs.map(r => r.dataset.severity)")


def test_sorting_by_severity_puts_critical_first(page: Any) -> None:
    ranks = ["info", "low", "medium", "high", "critical"]
    page.click("#findings th[data-sort=rule]")
    by_rule = page.locator("#findings tbody tr").evaluate_all("rs => rs.map(r => r.dataset.rule)")
    assert by_rule == sorted(by_rule)
    assert _severities(page) != sorted(_severities(page), key=ranks.index, reverse=True)
    page.click("#findings th[data-sort=severity]")
    assert page.get_attribute("#findings th[data-sort=severity]", "aria-sort") == "ascending"
    shown = _severities(page)
    # by rank, not alphabetically: critical, high, medium, low, info
    assert shown[0] == "critical"
    assert shown == sorted(shown, key=ranks.index, reverse=True)
    page.click("#findings th[data-sort=severity]")
    assert _severities(page) == sorted(shown, key=ranks.index)
    page.click("#findings th[data-sort=control]")
    controls = page.locator("#findings tbody tr").evaluate_all(
        "rs => rs.map(r => r.dataset.control)"
    )
    assert controls == sorted(controls)


def test_rows_show_remediation_and_cwe(page: Any) -> None:
    row = page.locator("#findings tbody tr[data-rule=K8S-PRIVILEGED]").first
    assert "Fix: " in row.inner_text()
    assert row.locator(".cwe a").count() >= 1


def test_clicking_a_rule_id_scrolls_to_its_detail(page: Any) -> None:
    rule = page.locator("#findings tbody tr").first.get_attribute("data-rule")
    detail = page.locator(f"#rule-{rule}")
    assert not _in_view(page, detail)
    page.locator("#findings tbody tr").first.locator("a.rule-link").click()
    page.wait_for_function(f"location.hash === '#rule-{rule}'")
    assert _in_view(page, detail)
    assert "Fix:" in detail.inner_text()


def _in_view(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    return bool(box) and 0 <= box["y"] < page.viewport_size["height"]


def _transform(page: Any) -> str:
    return page.get_attribute("#map svg #viewport", "transform")


def test_zoom_pan_and_reset(page: Any) -> None:
    initial = _transform(page)
    assert initial == "translate(0 0) scale(1)"
    svg = page.locator("#map svg").bounding_box()
    box = page.locator("#map").bounding_box()
    # the drawing fits its frame
    assert svg["width"] <= box["width"] and svg["height"] <= box["height"]
    page.click("#zoom-in")
    zoomed = _transform(page)
    assert zoomed != initial and "scale(1.4)" in zoomed
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)
    assert _transform(page) != zoomed
    before_drag = _transform(page)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 80, box["y"] + box["height"] / 2 + 40, steps=4)
    page.mouse.up()
    assert _transform(page) != before_drag
    assert page.locator("#panel").get_attribute("data-selected") is None  # a drag is no click
    page.click("#zoom-reset")
    assert _transform(page) == initial
    page.click("#zoom-out")
    page.click("#zoom-fit")  # the whole map, which for this small system is the first view
    assert _transform(page) == "translate(0 0) scale(1)"


def test_search_highlights_and_centres_the_node(page: Any) -> None:
    page.fill("#map-search", "payments")
    matches = page.locator("#map g.node.match")
    assert matches.count() == 2
    assert all("payments" in t for t in matches.all_text_contents())
    assert page.locator("#search-count").inner_text() == "2 match(es)"
    frame = page.locator("#map").bounding_box()
    middle = (frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2)

    def centred() -> list[str]:
        out = []
        for i in range(matches.count()):
            box = matches.nth(i).bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            if abs(x - middle[0]) < 5 and abs(y - middle[1]) < 5:
                out.append(matches.nth(i).get_attribute("id"))
        return out

    first = centred()
    assert len(first) == 1
    assert "payments" in page.locator(f"#{first[0]}").text_content()
    page.press("#map-search", "Enter")  # the next match
    second = centred()
    assert len(second) == 1 and second != first
    page.fill("#map-search", "")
    assert page.locator("#map g.node.match").count() == 0


def test_collapsing_a_namespace_hides_its_nodes(page: Any) -> None:
    catalog = page.locator("#map g.node", has_text="catalog").filter(has_text="Deployment")
    compose = page.locator("#map g.node", has_text="catalog").filter(has_text="compose")
    assert catalog.is_visible()
    page.uncheck('#groups input[data-group="cluster_ns_shop"]')
    assert catalog.is_hidden()
    assert compose.is_visible()
    assert page.locator("#cluster_ns_shop.collapsed").count() == 1
    # links inside the namespace are hidden; the ones from the internet into it faded
    hidden = page.locator("#map g.edge.collapsed-member").count()
    assert hidden > 0 and page.locator("#map g.edge.faded").count() > 0
    assert page.locator("#map g.node:visible").count() == 14 - 7
    # a click on the collapsed box opens it again
    page.locator("#cluster_ns_shop path").click()
    assert catalog.is_visible()
    assert page.is_checked('#groups input[data-group="cluster_ns_shop"]')


def test_no_console_errors_after_using_the_page(page: Any) -> None:
    page.click("#findings th[data-sort=path]")
    page.click("#zoom-in")
    page.fill("#map-search", "redis")
    page.click("#collapse-all")
    page.click("#collapse-all")
    page.locator("#findings a.rule-link").first.click()
    assert page.errors == []
