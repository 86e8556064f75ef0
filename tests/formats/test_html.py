"""The HTML report: one self-contained file with the map, the scorecard and the
findings; nothing fetched from the network."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.formats.base import ReportContext
from shieldwall.formats.html import render
from shieldwall.formats.registry import FORMATS
from tests.conftest import REPO

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
    # nothing loaded from elsewhere: no src/href to a URL, no @import, a strict CSP
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
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

    result = ScanResult(target="</script><script>alert(1)</script>", findings=(),
                        service_map=ServiceMap())
    text = render(result, ReportContext())
    body = text.split('id="shieldwall-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in body
    assert "&lt;/script&gt;" in text  # the title and header are escaped


def test_no_map_without_topology() -> None:
    scan = run_scan(SHOP, ScanOptions(analyzers="config"), "examples/shop")
    text = render(scan.result, ReportContext())
    assert "No service map" in text and "<svg" not in text
