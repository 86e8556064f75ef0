"""Every config rule has pass and fail fixtures, and behaves on them.

Layout: tests/fixtures/rules/<RULE-ID>/ holds files whose names start with
``fail`` or ``pass`` (``fail.yaml``, ``fail.Dockerfile``,
``docker-compose.fail.yaml``, ``pass-2.yaml`` ...). A fail file starts with a
comment ``# expect: 12, 20``: the exact lines where the rule must fire in it.
A pass file must not raise the rule at all. Each file is scanned on its own,
with the strict profile (opt-in rules included).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from shieldwall.analyzers.config import ConfigAnalyzer
from shieldwall.analyzers.config.profiles import OPT_IN
from shieldwall.model import Settings
from tests.conftest import FIXTURES, config_findings

RULES_DIR = FIXTURES / "rules"
RULE_IDS = [r.id for r in ConfigAnalyzer().rules()]
_EXPECT = re.compile(r"^#\s*expect:\s*([\d,\s]+)$", re.MULTILINE)


def _kind(name: str) -> str:
    base = name.lower()
    if "compose" in base:
        base = base.replace("docker-compose.", "")
    return "fail" if base.startswith("fail") else "pass" if base.startswith("pass") else ""


def _files(rule_id: str, kind: str) -> list[Path]:
    folder = RULES_DIR / rule_id
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and _kind(p.name) == kind)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_has_pass_and_fail_fixtures(rule_id: str) -> None:
    assert _files(rule_id, "fail"), f"{rule_id} has no fail fixture in {RULES_DIR / rule_id}"
    assert _files(rule_id, "pass"), f"{rule_id} has no pass fixture in {RULES_DIR / rule_id}"


def _scan_alone(path: Path, tmp_path: Path) -> list[tuple[str, int]]:
    shutil.copy(path, tmp_path / path.name)
    strict = Settings(config_profile="strict")
    return [(f.rule.id, f.location.start_line) for f in config_findings(tmp_path, strict)]


@pytest.mark.parametrize("rule_id", sorted(OPT_IN))
def test_opt_in_rule_is_silent_without_the_strict_profile(rule_id: str, tmp_path: Path) -> None:
    for path in _files(rule_id, "fail"):
        shutil.copy(path, tmp_path / path.name)
    assert _files(rule_id, "fail")
    assert not [f for f in config_findings(tmp_path) if f.rule.id == rule_id]


@pytest.mark.parametrize(
    ("rule_id", "path"),
    [(r, p) for r in RULE_IDS for p in _files(r, "fail")],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_fail_fixture_raises_rule_on_expected_lines(
    rule_id: str, path: Path, tmp_path: Path
) -> None:
    match = _EXPECT.search(path.read_text())
    assert match, f"{path} lacks an '# expect: <lines>' comment"
    expected = {int(x) for x in match.group(1).replace(",", " ").split()}
    got = {line for rid, line in _scan_alone(path, tmp_path) if rid == rule_id}
    assert got == expected


@pytest.mark.parametrize(
    ("rule_id", "path"),
    [(r, p) for r in RULE_IDS for p in _files(r, "pass")],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_pass_fixture_is_silent_for_rule(rule_id: str, path: Path, tmp_path: Path) -> None:
    got = [line for rid, line in _scan_alone(path, tmp_path) if rid == rule_id]
    assert got == []
