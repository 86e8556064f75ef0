"""The analyzer end to end: findings, redaction, fingerprints, skips, and that no
output format ever carries a secret value."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.secrets import SecretsAnalyzer
from shieldwall.analyzers.secrets import analyzer as analyzer_module
from shieldwall.analyzers.secrets.catalog import SPECS
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.formats.base import ReportContext
from shieldwall.formats.registry import formatter
from shieldwall.model import Settings
from shieldwall.sources.tree import walk
from tests.analyzers.secrets.samples import (
    github_token,
    jwt,
    openssh_block,
    pem_block,
    pypi_token,
    sample_for,
)

PW = "Vq7" + "-r2Lm" + "9xTz"


def spec(rule_id: str):
    return next(s for s in SPECS if s.rule_id == rule_id)


def secrets_in(root: Path, settings: Settings | None = None):
    return SecretsAnalyzer().analyze(ScanTarget(walk(root), settings or Settings()))


def leaky_tree(root: Path) -> list[str]:
    """Files with many kinds of secrets; returns the secret values."""
    values = {
        "gh": github_token(),
        "slack": sample_for(spec("SECRET-SLACK-BOT-TOKEN")),
        "stripe": sample_for(spec("SECRET-STRIPE-SECRET-KEY")),
        "aws_id": sample_for(spec("SECRET-AWS-ACCESS-KEY-ID")),
        "gcp": sample_for(spec("SECRET-GCP-API-KEY")),
        "npm": sample_for(spec("SECRET-NPM-ACCESS-TOKEN")),
        "openai": sample_for(spec("SECRET-OPENAI-API-KEY")),
        "pypi": pypi_token(),
        "jwt": jwt(),
        "pw": PW,
        "url_pw": "Zk9" + "qp2Lx",
    }
    (root / "app").mkdir()
    (root / "app" / "settings.py").write_text(
        f'GITHUB_TOKEN = "{values["gh"]}"\nSLACK = "{values["slack"]}"\n'
        f'STRIPE_KEY = "{values["stripe"]}"\n'
        f'OPENAI = "{values["openai"]}"\n'
    )
    (root / ".env").write_text(
        f"AWS_ACCESS_KEY_ID={values['aws_id']}\nGOOGLE_KEY={values['gcp']}\nDB_PASSWORD={values['pw']}\n"
        f"DATABASE_URL=postgres://shop:{values['url_pw']}@db:5432/shop\nSESSION={values['jwt']}\n"
    )
    (root / ".npmrc").write_text(f"//registry.npmjs.org/:_authToken={values['npm']}\n")
    (root / ".pypirc").write_text(f"[pypi]\npassword = {values['pypi']}\n")
    key = pem_block()
    (root / "deploy.pem").write_text(key + "\n")
    ssh = openssh_block()
    (root / "id_ed25519").write_text(ssh + "\n")
    body_lines = [ln for ln in (key + "\n" + ssh).splitlines() if not ln.startswith("-----")]
    return [*values.values(), *body_lines]


def test_finds_each_kind_once_with_redacted_message(tmp_path: Path) -> None:
    leaky_tree(tmp_path)
    out = secrets_in(tmp_path)
    rules = sorted(f.rule.id for f in out.findings)
    for expected in (
        "SECRET-GITHUB-PAT",
        "SECRET-SLACK-BOT-TOKEN",
        "SECRET-STRIPE-SECRET-KEY",
        "SECRET-AWS-ACCESS-KEY-ID",
        "SECRET-GCP-API-KEY",
        "SECRET-NPM-ACCESS-TOKEN",
        "SECRET-OPENAI-API-KEY",
        "SECRET-PYPI-UPLOAD-TOKEN",
        "SECRET-JWT",
        "SECRET-GENERIC-PASSWORD",
        "SECRET-URL-PASSWORD",
        "SECRET-PRIVATE-KEY",
        "SECRET-PRIVATE-KEY-OPENSSH",
    ):
        assert expected in rules
    gh = next(f for f in out.findings if f.rule.id == "SECRET-GITHUB-PAT")
    assert "ghp_****..." in gh.message
    assert gh.key.startswith("hmac-sha256:") and gh.location.path == "app/settings.py"


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "text"])
def test_no_output_format_carries_a_secret(tmp_path: Path, fmt: str) -> None:
    secrets = leaky_tree(tmp_path)
    scan = run_scan(tmp_path, ScanOptions(analyzers="secrets"))
    assert len(scan.result.findings) >= 13
    report = formatter(fmt)(scan.result, ReportContext(width=400))
    leaked = [s for s in secrets if len(s) >= 8 and s in report]
    assert leaked == []
    # Short passwords too: not even in their own line.
    assert PW not in report


def test_fingerprint_survives_moves_and_rescans(tmp_path: Path) -> None:
    token = github_token(seed=5)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "conf.py").write_text(f'TOKEN = "{token}"\n')
    first = {f.fingerprint for f in secrets_in(tmp_path).findings}
    assert first == {f.fingerprint for f in secrets_in(tmp_path).findings}
    (tmp_path / "b").mkdir()
    shutil.move(tmp_path / "a" / "conf.py", tmp_path / "b" / "moved.py")
    (tmp_path / "b" / "moved.py").write_text(f'# moved\n\nTOKEN = "{token}"\n')
    assert first == {f.fingerprint for f in secrets_in(tmp_path).findings}


def test_same_secret_in_two_files_is_one_finding(tmp_path: Path) -> None:
    token = github_token(seed=9)
    (tmp_path / "one.py").write_text(f'T = "{token}"\n')
    (tmp_path / "two.env").write_text(f"T={token}\n")
    findings = secrets_in(tmp_path).findings
    assert len(findings) == 1
    assert "also at two.env:1" in findings[0].message


def test_binary_and_oversized_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "img.png").write_bytes(b"\x89PNG\x00\x00" + github_token().encode())
    (tmp_path / "big.txt").write_text("x" * 2000)
    out = secrets_in(tmp_path, Settings(max_file_bytes=1000))
    reasons = {s.path: s.reason for s in out.skipped}
    assert "binary" in reasons["img.png"]
    assert "over the 1000-byte limit" in reasons["big.txt"]
    assert out.findings == ()


def test_minified_file_is_scanned_to_its_end(tmp_path: Path) -> None:
    token = github_token(seed=3)
    chunk = 'var a="password",b=function(t){return t.token};'
    (tmp_path / "app.min.js").write_text(chunk * 60000 + f'k="{token}";' + chunk * 100)
    out = secrets_in(tmp_path)
    assert [f.rule.id for f in out.findings] == ["SECRET-GITHUB-PAT"]


def test_parallel_scan_matches_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(12):
        (tmp_path / f"f{i}.py").write_text(
            f'TOKEN = "{github_token(seed=100 + i)}"\n' + "# pad\n" * 200
        )
    serial = {f.fingerprint for f in secrets_in(tmp_path).findings}
    monkeypatch.setattr(analyzer_module, "_PARALLEL_BYTES", 1)
    monkeypatch.setattr(analyzer_module, "_CHUNK_BYTES", 2000)
    monkeypatch.setenv("SHIELDWALL_JOBS", "2")
    assert {f.fingerprint for f in secrets_in(tmp_path).findings} == serial
    assert len(serial) == 12


def test_registered_and_listed() -> None:
    from shieldwall.engine.analyzers import select

    analyzers = select("secrets")
    assert analyzers[0].name == "secrets"
    assert len(analyzers[0].rules()) >= 122


def test_one_secret_on_many_lines_is_one_finding_that_counts_them(tmp_path: Path) -> None:
    lines = [f"DB_PASSWORD_{i}={PW}" for i in range(3000)]
    (tmp_path / ".env").write_text("\n".join(lines) + "\n")
    (tmp_path / "b.env").write_text(f"DB_PASSWORD={PW}\n")
    (finding,) = secrets_in(tmp_path).findings
    assert finding.location.path == ".env" and finding.location.start_line == 1
    assert "also at .env:2, .env:3, .env:4, .env:5, .env:6 (+2995 more)" in finding.message
