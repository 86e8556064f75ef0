"""Render a kustomization with `kubectl kustomize` (when kubectl is on PATH) to
learn which objects it deploys: components that delete a resource, overlays of
a base. Only the kinds and names of the rendered objects are read; the analyzers
keep reading the source files, with their lines.

The scanned repository is untrusted: kustomizations that name a remote resource
are never rendered (the caller checks), kubectl runs with a clean environment,
no plugins and no Helm, within a deadline, and within limits of memory and of
output: a patch that copies what it copied (forty `copy` operations ask for 2**40
values) made kubectl grow to 9 GB in 30 seconds; with the limits it stops at
once and the kustomization is read without rendering."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from shieldwall.sources.yaml_tree import Document, YMap, parse_documents

RENDER_TIMEOUT_S = 30.0
RENDER_MEMORY_KIB = 2 * 1024 * 1024  # kubectl's address space (ulimit -v)
_MAX_OUTPUT = 64 * 1024 * 1024  # what it may write (ulimit -f, in 512-byte blocks)


def _limited() -> str:
    """The shell line that sets the limits and starts kubectl (thread-safe, unlike a
    Python preexec function); `$0` is kubectl and `$1` the directory, never parsed."""
    limits = f"ulimit -v {RENDER_MEMORY_KIB}; ulimit -f {_MAX_OUTPUT // 512}"
    return limits + '; exec "$0" kustomize "$1"'


Identities = frozenset[tuple[str, str]]  # (kind, name) of each rendered object


def kubectl_available() -> bool:
    return shutil.which("kubectl") is not None


def render_identities(directory: Path) -> Identities | str:
    """(kind, name) of what `kubectl kustomize DIRECTORY` renders, or why it could not."""
    exe = shutil.which("kubectl")
    if exe is None:
        return "kubectl is not on PATH"
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(directory), "KUBECONFIG": os.devnull}
    with tempfile.TemporaryFile() as out:
        try:
            done = subprocess.run(
                ["/bin/sh", "-c", _limited(), exe, str(directory)],
                stdout=out,
                stderr=subprocess.PIPE,
                env=env,
                cwd=directory,
                timeout=RENDER_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return f"kubectl kustomize failed: {type(exc).__name__}"
        if done.returncode != 0:
            first = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
            why = first[0][:200] if first else f"exit status {done.returncode}"
            return f"kubectl kustomize failed (within its memory and output limits): {why}"
        out.seek(0)
        rendered = out.read()
    found: set[tuple[str, str]] = set()
    for doc in parse_documents(rendered.decode("utf-8", "replace")):
        body = doc.content if isinstance(doc, Document) else None
        meta = body.get("metadata") if isinstance(body, YMap) else None
        if isinstance(body, YMap) and isinstance(meta, YMap):
            found.add((str(body.get("kind", "")), str(meta.get("name", ""))))
    return frozenset(found)
