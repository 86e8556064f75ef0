"""Hostile content cannot erase results: a file nested too deeply, or with one huge
line, costs that file only (a skipped record saying why), never an analyzer's
findings for the rest of the repository."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.secrets import analyzer as secrets_analyzer
from shieldwall.model import Settings
from shieldwall.sources import manifests
from shieldwall.sources.tree import walk
from tests.analyzers.secrets.samples import github_token
from tests.engine.test_scanner import PRIVILEGED_POD

DEEP = 100_000

VULNERABLE_PY = (
    "import os\nfrom flask import request\ndef run():\n    os.system(request.args['cmd'])\n"
)


def _normal_files() -> dict[str, str]:
    """One file per analyzer with a finding that must survive its hostile neighbours."""
    return {
        "k8s/pod.yaml": PRIVILEGED_POD,
        "app/views.py": VULNERABLE_PY,
        "app/requirements.txt": "django>=2\n",
        "app/settings.txt": f"token = {github_token()}\n",
        "web/Dockerfile": "FROM nginx:1.25\nUSER root\n",
    }


def _alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\nservices:\n  w: {image: nginx, privileged: true}\n"


# name -> (content, what the skipped record says, or None when the file is read as far
# as it can be without being skipped)
HOSTILE: dict[str, tuple[str, str | None]] = {
    "hostile/deep.py": ("x = " + "-" * DEEP + "1\n", "nested too deeply (MemoryError)"),
    "hostile/calls.py": ("x = f" + "()" * 900 + "\n", "nested too deeply (RecursionError)"),
    "hostile/npm/package-lock.json": ('{"a":' * DEEP + "1" + "}" * DEEP, "nested too deeply"),
    "hostile/py/poetry.lock": ("a = " + "[" * DEEP + "]" * DEEP + "\n", "RecursionError"),
    "hostile/rs/Cargo.lock": ("a = " + "{b=" * 5000 + "1" + "}" * 5000 + "\n", "RecursionError"),
    "hostile/php/composer.lock": ("[" * DEEP + "]" * DEEP, "nested too deeply"),
    "hostile/js/pnpm-lock.yaml": ("a: " + "{b: " * 20000 + "1" + "}" * 20000 + "\n", "nesting"),
    "hostile/deep.yaml": ("a: " + "[" * DEEP + "]" * DEEP + "\n", "nesting depth"),
    "hostile/docker-compose.yml": (_alias_bomb(), "alias bomb"),
    "hostile/cmd/Dockerfile": ("FROM nginx:1.25\nCMD " + "[" * DEEP + "]" * DEEP + "\n", None),
    "hostile/run/Dockerfile": ("FROM nginx:1.25\nRUN a \\\n" + "  b \\\n" * DEEP + "  c\n", None),
    "hostile/.env": ("A=" + "x" * 4_000_000 + "\n", None),
    "hostile/requirements.txt": ("x" * 4_000_000 + "==1\n", None),
}


def test_every_analyzer_keeps_its_findings_next_to_hostile_files(tmp_path: Path) -> None:
    for rel, text in {**_normal_files(), **{k: v[0] for k, v in HOSTILE.items()}}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "shieldwall",
            "scan",
            str(tmp_path),
            "--offline",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert out.returncode == 1, out.stderr  # findings, not "the tool failed"
    assert "failed" not in out.stderr
    report = json.loads(out.stdout)
    found = {(f["location"]["path"], f["rule"]) for f in report["findings"]}
    assert {
        ("k8s/pod.yaml", "K8S-PRIVILEGED"),
        ("app/views.py", "PY-COMMAND-INJECTION"),
        ("app/requirements.txt", "DEPS-UNPINNED"),
        ("app/settings.txt", "SECRET-GITHUB-PAT"),
        ("web/Dockerfile", "DOCKERFILE-ROOT-USER"),
    } <= found
    skipped: dict[str, list[str]] = {}
    for s in report["skipped"]:
        skipped.setdefault(s["path"], []).append(s["reason"])
    for rel, (_, reason) in HOSTILE.items():
        if reason is None:
            continue
        assert any(reason in r for r in skipped.get(rel, [])), (rel, skipped.get(rel))


def test_a_file_that_breaks_the_inventory_is_skipped_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx\n")
    (tmp_path / "pod.yaml").write_text(PRIVILEGED_POD)

    def too_deep(text: str, path: str) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(manifests, "parse_dockerfile", too_deep)
    inventory = manifests.load_inventory(walk(tmp_path), 1 << 20)
    assert [(s.path, s.reason) for s in inventory.skipped] == [
        ("Dockerfile", "nested too deeply (RecursionError)")
    ]
    assert [o.kind for o in inventory.kubernetes] == ["Pod"]


def test_a_file_the_secrets_detector_fails_on_is_skipped_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bad.txt").write_text(f"token = {github_token()}\n")
    (tmp_path / "good.txt").write_text(f"token = {github_token()}\n")
    real = secrets_analyzer.default_detector

    class Failing:
        def __init__(self) -> None:
            self.inner = real()

        def scan(self, data: bytes, path: str = "") -> list[object]:
            if path == "bad.txt":
                raise RecursionError("maximum recursion depth exceeded")
            return list(self.inner.scan(data, path))

    monkeypatch.setattr(secrets_analyzer, "default_detector", Failing)
    out = secrets_analyzer.SecretsAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    assert [f.location.path for f in out.findings] == ["good.txt"]
    assert [(s.path, s.reason) for s in out.skipped] == [
        ("bad.txt", "cannot scan for secrets: RecursionError: maximum recursion depth exceeded")
    ]


_real_scan_file = secrets_analyzer.scan_file


def _dies_on_bad_txt(job: tuple[str, str, int, int]) -> object:
    if job[0] == "bad.txt":
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    return _real_scan_file(job)


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs fork to inject the crash"
)
def test_a_secrets_worker_that_dies_loses_only_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [f"f{i:02}.txt" for i in range(10)]
    for i, name in enumerate([*names, "bad.txt"]):
        (tmp_path / name).write_text(f"token = {github_token(seed=50 + i)}\n" + "#\n" * 500)
    monkeypatch.setattr(secrets_analyzer, "_PARALLEL_BYTES", 1)
    monkeypatch.setattr(secrets_analyzer, "_CHUNK_BYTES", 3000)
    monkeypatch.setenv("SHIELDWALL_JOBS", "2")
    monkeypatch.setattr(secrets_analyzer, "scan_file", _dies_on_bad_txt)
    out = secrets_analyzer.SecretsAnalyzer().analyze(ScanTarget(walk(tmp_path), Settings()))
    assert sorted(f.location.path for f in out.findings) == names
    assert [(s.path, s.reason) for s in out.skipped] == [
        (
            "bad.txt",
            "the process scanning this file died (killed by SIGKILL, perhaps out of memory)",
        )
    ]
