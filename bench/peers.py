"""Peer tools (checkov, bandit, detect-secrets...) for the benchmarks, each in a
virtualenv of its own under bench/.peers: never a project dependency."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PEERS = REPO / "bench" / ".peers"


def ensure_peer(package: str, version: str, executable: str | None = None) -> Path | None:
    """The peer's executable, installed on first use (the pinned version, else the
    newest); None when it cannot be had, with the reason on stderr."""
    venv = PEERS / package
    exe = venv / "bin" / (executable or package)
    if exe.exists():
        return exe
    print(f"installing {package} into {venv.relative_to(REPO)} (once) ...", flush=True)
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, text=True
        )
        pip = [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ]
        pinned = subprocess.run([*pip, f"{package}=={version}"], capture_output=True, text=True)
        if pinned.returncode != 0:
            print(f"{package}=={version} not available, trying the newest", flush=True)
            subprocess.run([*pip, package], check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = (getattr(exc, "stderr", "") or str(exc)).strip()
        print(
            f"could not install {package}: {detail.splitlines()[-1] if detail else exc}",
            file=sys.stderr,
        )
        shutil.rmtree(venv, ignore_errors=True)
        return None
    return exe if exe.exists() else None
