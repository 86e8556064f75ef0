from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shieldwall.analyzers.base import ScanTarget
from shieldwall.model import Finding, Settings
from shieldwall.sources.tree import walk

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def config_findings(root: Path, settings: Settings | None = None) -> list[Finding]:
    from shieldwall.analyzers.config import ConfigAnalyzer

    target = ScanTarget(walk(root), settings or Settings())
    return list(ConfigAnalyzer().analyze(target).findings)


@pytest.fixture(scope="session")
def _empty_vulnerability_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid vulnerability database with no advisory, updated now."""
    from shieldwall.analyzers.deps.osv.store import Writer

    path = tmp_path_factory.mktemp("emptydb") / "osv.sqlite3"
    Writer(path).finish(datetime.now(UTC), "tests: no advisory")
    return path


@pytest.fixture(autouse=True)
def _no_user_vulnerability_db(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch, _empty_vulnerability_db: Path
) -> None:
    """Hermetic: never read the developer's own vulnerability database. Each test
    gets its own copy of a fresh one with no advisory, so that scans check their
    dependencies (and find nothing) instead of stopping for want of a database;
    tests of a missing or old database point SHIELDWALL_DB elsewhere."""
    db = tmp_path_factory.mktemp("osvdb") / "osv.sqlite3"
    shutil.copyfile(_empty_vulnerability_db, db)
    monkeypatch.setenv("SHIELDWALL_DB", str(db))


@pytest.fixture(autouse=True)
def _json_reports_match_their_schema(monkeypatch) -> None:
    """Every JSON report rendered in this process (formatter, CliRunner) is checked
    against the shipped schema; reports from subprocesses go through load_report."""
    from shieldwall.formats import json_report, service_map_json
    from tests.reports import load_map, load_report

    render, render_map = json_report.render, service_map_json.render_map

    def checked(*args, **kwargs) -> str:
        text = render(*args, **kwargs)
        load_report(text)
        return text

    def checked_map(*args, **kwargs) -> str:
        text = render_map(*args, **kwargs)
        load_map(text)
        return text

    monkeypatch.setattr(json_report, "render", checked)
    monkeypatch.setattr(service_map_json, "render_map", checked_map)


@pytest.fixture(autouse=True)
def _no_user_fingerprint_key(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Hermetic: never read or create the developer's own key of secret fingerprints,
    nor use one from their environment."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    monkeypatch.delenv("SHIELDWALL_FINGERPRINT_KEY", raising=False)


@pytest.fixture
def write(tmp_path: Path):
    """Write files under tmp_path: write({"k8s/a.yaml": "..."}) -> tmp_path."""

    def _write(files: dict[str, str]) -> Path:
        for rel, text in files.items():
            p = tmp_path / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
        return tmp_path

    return _write
