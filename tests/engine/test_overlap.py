"""One finding per secret value: a config rule and the secrets analyzer reporting
the same variable's literal on the same line make one finding. Credential-shaped
values are assembled at test time."""

from __future__ import annotations

import random
import string

from shieldwall.engine.overlap import merge_overlaps
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.model import Control, Finding, Location, Rule, Severity


def _value(seed: int) -> str:
    rnd = random.Random(seed)
    return "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(22))


def _rule(rule_id: str, severity: Severity) -> Rule:
    return Rule(rule_id, "x", Control.SECRETS, severity, "t", "d", "r")


CONFIG = _rule("DOCKERFILE-SECRET-IN-ENV", Severity.HIGH)
SECRET = _rule("SECRET-GENERIC-PASSWORD", Severity.MEDIUM)


def _config(line: int, name: str) -> Finding:
    return Finding(
        CONFIG,
        f"ENV {name} holds a literal secret",
        Location.at("Dockerfile", line),
        f"stage.env[{name}]",
    )


def _secret(line: int, name: str, key: str = "k1") -> Finding:
    return Finding(
        SECRET,
        f"value **** (key {name})",
        Location.at("Dockerfile", line),
        f"secret/generic/{key}",
        key=key,
        path_in_fingerprint=False,
    )


def test_same_line_and_variable_is_one_finding_at_the_higher_severity() -> None:
    secret = _secret(2, "DB_PASSWORD")
    out = merge_overlaps([_config(2, "DB_PASSWORD"), secret])
    assert len(out) == 1
    kept = out[0]
    assert kept.rule.id == "SECRET-GENERIC-PASSWORD"
    assert kept.rule.severity is Severity.HIGH
    assert kept.fingerprint == secret.fingerprint
    assert "DOCKERFILE-SECRET-IN-ENV" in kept.message


def test_other_lines_and_other_variables_stay_apart() -> None:
    findings = [_config(2, "DB_PASSWORD"), _secret(3, "DB_PASSWORD")]
    assert merge_overlaps(findings) == findings
    two = [_config(2, "A_TOKEN"), _secret(2, "A_TOKEN", "k1"), _secret(2, "B_TOKEN", "k2")]
    out = merge_overlaps(two)
    assert [f.rule.id for f in out] == ["SECRET-GENERIC-PASSWORD", "SECRET-GENERIC-PASSWORD"]
    assert "DOCKERFILE" in out[0].message and "DOCKERFILE" not in out[1].message


def test_a_suppressed_config_finding_is_left_alone() -> None:
    config = _config(2, "DB_PASSWORD").suppress("inline", "lab")
    findings = [config, _secret(2, "DB_PASSWORD")]
    assert merge_overlaps(findings) == findings


def test_a_baselined_secret_absorbs_the_config_finding_and_stays_suppressed() -> None:
    secret = _secret(2, "DB_PASSWORD").suppress("baseline", "in the baseline")
    out = merge_overlaps([_config(2, "DB_PASSWORD"), secret])
    assert len(out) == 1 and out[0].suppressed


def test_a_scan_reports_a_dockerfile_env_secret_once(write) -> None:
    value = _value(1)
    root = write(
        {
            "Dockerfile": f"FROM alpine:3.19\nENV DB_PASSWORD={value}\nUSER app\n",
            "compose.yaml": (
                "services:\n  db:\n    image: postgres:16\n    environment:\n"
                f"      POSTGRES_PASSWORD: {value}\n"
            ),
        }
    )
    result = run_scan(root, ScanOptions(analyzers="config,secrets")).result
    on_value = [
        f
        for f in result.findings
        if (f.location.path, f.location.start_line) in {("Dockerfile", 2), ("compose.yaml", 5)}
    ]
    assert len(on_value) == 1, [f.rule.id for f in on_value]
    assert on_value[0].rule.id.startswith("SECRET-")
    assert "DOCKERFILE-SECRET-IN-ENV" in on_value[0].message
    assert "COMPOSE-ENV-SECRET" in on_value[0].message
    assert value not in on_value[0].message
