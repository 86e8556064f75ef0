"""Without Hyperscan (no wheel for the platform) the pure-Python prefilter finds
the same secrets, and the user is told once that the slower one is in use."""

from __future__ import annotations

from pathlib import Path

import pytest

from shieldwall.analyzers.secrets import engine, prefilter
from shieldwall.engine.scanner import ScanOptions, run_scan
from tests.analyzers.secrets.test_analyzer import leaky_tree


def _scan(root: Path) -> tuple[set[str], tuple[str, ...]]:
    result = run_scan(root, ScanOptions(analyzers="secrets")).result
    return {f.fingerprint for f in result.findings}, result.warnings


@pytest.mark.skipif(not prefilter.HAVE_HYPERSCAN, reason="compares against Hyperscan")
def test_fallback_finds_what_hyperscan_finds_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    leaky_tree(tmp_path)
    fast, fast_warnings = _scan(tmp_path)
    assert fast and not [w for w in fast_warnings if "Hyperscan" in w]

    monkeypatch.setattr(prefilter, "HAVE_HYPERSCAN", False)
    monkeypatch.setattr(engine, "_DEFAULT", None)
    monkeypatch.setenv("SHIELDWALL_JOBS", "1")
    slow, slow_warnings = _scan(tmp_path)
    assert engine.default_detector().prefilter.name == "re"
    assert slow == fast
    notices = [w for w in slow_warnings if "Hyperscan is not installed" in w]
    assert len(notices) == 1 and "shieldwall[fast]" in notices[0]
