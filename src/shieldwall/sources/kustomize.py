"""Render a kustomization with `kubectl kustomize` (when kubectl is on PATH) to
learn which objects it deploys: components that delete a resource, overlays of
a base. Only the kinds and names of the rendered objects are read; the analyzers
keep reading the source files, with their lines.

The scanned repository is untrusted: kustomizations that name a remote resource
are never rendered (the caller checks), kubectl runs with a clean environment,
no plugins and no Helm, and within a deadline."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from shieldwall.sources.yaml_tree import Document, YMap, parse_documents

RENDER_TIMEOUT_S = 30.0
_MAX_OUTPUT = 64 * 1024 * 1024

Identities = frozenset[tuple[str, str]]  # (kind, name) of each rendered object


def kubectl_available() -> bool:
    return shutil.which("kubectl") is not None


def render_identities(directory: Path) -> Identities | str:
    """(kind, name) of what `kubectl kustomize DIRECTORY` renders, or why it could not."""
    exe = shutil.which("kubectl")
    if exe is None:
        return "kubectl is not on PATH"
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(directory), "KUBECONFIG": os.devnull}
    try:
        done = subprocess.run(
            [exe, "kustomize", str(directory)],
            capture_output=True,
            env=env,
            cwd=directory,
            timeout=RENDER_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"kubectl kustomize failed: {type(exc).__name__}"
    if done.returncode != 0:
        first = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        return f"kubectl kustomize failed: {first[0][:200] if first else done.returncode}"
    if len(done.stdout) > _MAX_OUTPUT:
        return "kubectl kustomize rendered more than 64 MiB"
    found: set[tuple[str, str]] = set()
    for doc in parse_documents(done.stdout.decode("utf-8", "replace")):
        body = doc.content if isinstance(doc, Document) else None
        meta = body.get("metadata") if isinstance(body, YMap) else None
        if isinstance(body, YMap) and isinstance(meta, YMap):
            found.add((str(body.get("kind", "")), str(meta.get("name", ""))))
    return frozenset(found)
