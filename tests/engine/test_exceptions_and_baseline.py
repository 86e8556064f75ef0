from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from shieldwall.engine.baseline import apply_baseline, baseline_text, load_baseline
from shieldwall.engine.exceptions import EXPIRED_RULE_ID, apply_exceptions
from shieldwall.engine.project_config import ExceptionEntry, load_config
from shieldwall.errors import ConfigError
from shieldwall.model import Control, Finding, Location, Rule, Severity

RULE = Rule("K8S-X", "config", Control.ISOLATION, Severity.HIGH, "t", "d", "r")


def _f(path: str, resource: str, line: int = 3) -> Finding:
    return Finding(RULE, "m", Location.at(path, line), resource, key="c[web]")


def test_live_exception_suppresses_and_expired_one_is_reported() -> None:
    entries = [
        ExceptionEntry("K8S-X", "legacy", path="k8s/legacy/*", expires=dt.date(2030, 1, 1)),
        ExceptionEntry("K8S-*", "old", resource="Pod/ops/*", expires=dt.date(2020, 1, 1), line=7),
    ]
    findings = [_f("k8s/legacy/a.yaml", "Pod/shop/a"), _f("k8s/b.yaml", "Pod/ops/b")]
    out = apply_exceptions(findings, entries, ".shieldwall.yaml", dt.date(2026, 6, 1))
    assert [f.suppressed for f in out[:2]] == [True, False]
    expired = out[2]
    assert expired.rule.id == EXPIRED_RULE_ID
    assert expired.location.path == ".shieldwall.yaml" and expired.location.start_line == 7
    assert "expired on 2020-01-01" in expired.message and "1 finding(s)" in expired.message
    assert expired.rule.control is Control.ISOLATION


def test_baseline_survives_line_moves(tmp_path: Path) -> None:
    before = [_f("k8s/a.yaml", "Pod/shop/a", line=3)]
    path = tmp_path / "baseline.json"
    path.write_text(baseline_text(before))
    accepted = load_baseline(path)
    after = [_f("k8s/a.yaml", "Pod/shop/a", line=40), _f("k8s/a.yaml", "Pod/shop/new")]
    out = apply_baseline(after, accepted)
    assert [f.suppressed for f in out] == [True, False]
    assert "3" not in json.loads(path.read_text())["findings"][0].values()


def test_bad_baseline_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text("{}")
    with pytest.raises(ConfigError, match="not a shieldwall baseline"):
        load_baseline(path)
    path.write_text("{nope")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_baseline(path)


def test_config_errors_name_file_and_line(tmp_path: Path) -> None:
    cfg = tmp_path / ".shieldwall.yaml"
    cfg.write_text("exceptions:\n  - rule: K8S-X\n    reason: ok\n  - rule: K8S-Y\n")
    with pytest.raises(ConfigError, match=r"\.shieldwall\.yaml:4: exception for K8S-Y has no"):
        load_config(cfg, ".shieldwall.yaml")
    cfg.write_text("gatway: {}\n")
    with pytest.raises(ConfigError, match=r":1: unknown key 'gatway'"):
        load_config(cfg, ".shieldwall.yaml")
    cfg.write_text("exceptions:\n  - rule: K8S-X\n    reason: ok\n    expires: next week\n")
    with pytest.raises(ConfigError, match=r":4: expires 'next week' is not a date"):
        load_config(cfg, ".shieldwall.yaml")


def test_config_loads_gateway_exceptions_and_gate(tmp_path: Path) -> None:
    cfg = tmp_path / ".shieldwall.yaml"
    cfg.write_text(
        "gateway:\n  workloads: [Deployment/edge/gw]\nfail_on: medium\nexclude: [docs/]\n"
        "exceptions:\n  - rule: K8S-X\n    reason: ok\n    expires: 2027-01-31\n"
    )
    config = load_config(cfg, ".shieldwall.yaml")
    assert config.settings.gateway.workloads == ("Deployment/edge/gw",)
    assert config.fail_on is Severity.MEDIUM
    assert config.excludes == ("docs/",)
    assert config.exceptions[0].expires == dt.date(2027, 1, 31)
    assert config.exceptions[0].line == 6
