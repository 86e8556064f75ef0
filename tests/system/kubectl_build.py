"""Helpers for the tests that compare shieldwall's kustomize build with
`kubectl kustomize` on the same generated fixture."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.sources.yaml_tree import Document, parse_documents

needs_kubectl = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH")


def write_files(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def plain(node: Any) -> Any:
    """A parsed YAML node as plain dicts and lists."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def kubectl_build(directory: Path) -> list[dict[str, Any]]:
    """The objects `kubectl kustomize DIRECTORY` renders, as plain dicts."""
    exe = shutil.which("kubectl")
    assert exe is not None
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(directory)}
    done = subprocess.run(
        [exe, "kustomize", str(directory)], capture_output=True, env=env, check=True, timeout=60
    )
    docs = parse_documents(done.stdout.decode())
    return [plain(d.content) for d in docs if isinstance(d, Document)]


def reported_at(files: dict[str, str], root: Path, rule: str) -> tuple[str, int]:
    """Write the files, scan them with the config analyzer: the file and line of the
    one finding of `rule`."""
    scan = run_scan(write_files(root, files), ScanOptions(analyzers="config", offline=True))
    [found] = [f for f in scan.result.findings if f.rule.id == rule]
    return found.location.path, found.location.start_line
