"""The map of a large system in a real browser: it opens readable, Fit shows it
whole, search finds one service among hundreds, a namespace collapses."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from shieldwall.formats.base import ReportContext
from shieldwall.formats.html import render
from shieldwall.model import ScanResult
from shieldwall.model.service_map import MapEdge, MapNode, ServiceMap

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")

SERVICES = 240
TEAMS = 4


def _system() -> ServiceMap:
    nodes = [MapNode("internet", "Internet", "internet", "", "internet", role="internet")]
    edges = []
    for i in range(SERVICES):
        team = f"team{i % TEAMS}"
        nodes.append(
            MapNode(f"Deployment/{team}/svc{i}", "Deployment", f"svc{i}", team, "internal")
        )
        if i >= TEAMS:
            caller = f"Deployment/team{(i - TEAMS) % TEAMS}/svc{i - TEAMS}"
            edges.append(MapEdge(caller, nodes[-1].id, 8080, False, f"env URL{i}"))
    edges.append(MapEdge("internet", "Deployment/team0/svc0", 443, True, "Ingress", via="route"))
    return ServiceMap(tuple(nodes), tuple(edges))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = ScanResult(target="large", findings=(), service_map=_system())
    path = tmp_path_factory.mktemp("large") / "map.html"
    path.write_text(render(result, ReportContext(), page="map"), encoding="utf-8")
    return path


@pytest.fixture
def page(browser: Any, report: Path) -> Any:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(report.as_uri())
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.errors = errors
    yield page
    page.close()


def _node_height(page: Any, dom: str) -> float:
    return float(page.locator(f"#{dom}").bounding_box()["height"])


def test_opens_readable_and_fit_shows_it_whole(page: Any) -> None:
    frame = page.locator("#map").bounding_box()
    assert _node_height(page, "n1") >= 20  # a service box reads at the first view
    page.click("#zoom-fit")
    assert page.get_attribute("#viewport", "transform") == "translate(0 0) scale(1)"
    assert _node_height(page, "n1") < 10  # whole, the system is too large to read
    drawing = page.locator("#viewport").bounding_box()
    assert drawing["height"] <= frame["height"] + 1 and drawing["width"] <= frame["width"] + 1
    assert page.errors == []


def test_search_finds_one_service_among_hundreds(page: Any) -> None:
    page.click("#zoom-fit")
    page.fill("#map-search", "svc117")
    assert page.locator("#search-count").inner_text() == "1 match(es)"
    node = page.locator("#map g.node.match")
    assert "svc117" in node.text_content()
    box, frame = node.bounding_box(), page.locator("#map").bounding_box()
    assert box["height"] >= 40  # zoomed until it reads
    assert abs(box["x"] + box["width"] / 2 - (frame["x"] + frame["width"] / 2)) < 5
    assert abs(box["y"] + box["height"] / 2 - (frame["y"] + frame["height"] / 2)) < 5


def test_collapsing_a_namespace_hides_its_services(page: Any) -> None:
    per_team = SERVICES // TEAMS
    visible = "#map g.node:not(.collapsed-member)"
    assert page.locator(visible).count() == SERVICES + 1
    page.uncheck('#groups input[data-group="cluster_ns_team1"]')
    assert page.locator(visible).count() == SERVICES + 1 - per_team
    page.click("#collapse-all")
    assert page.locator(visible).count() == 1  # the internet
    page.click("#collapse-all")
    assert page.locator(visible).count() == SERVICES + 1
    assert page.errors == []
