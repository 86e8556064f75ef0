from __future__ import annotations

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


@pytest.fixture(autouse=True)
def _no_user_vulnerability_db(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Hermetic: never read the developer's own vulnerability database."""
    monkeypatch.setenv("SHIELDWALL_DB", str(tmp_path_factory.mktemp("nodb") / "osv.sqlite3"))


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
