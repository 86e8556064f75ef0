"""bandit, the peer of the code analyzer, in its own virtualenv under bench/.peers.

Shared by code_accuracy.py and code_speed.py; not a project dependency."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from peers import ensure_peer

REPO = Path(__file__).resolve().parent.parent
BANDIT_VERSION = "1.9.4"
# bandit files some checks under a broader CWE than the benchmarks use; credit it
# with the narrower one too, so that the comparison is about findings, not labels.
BANDIT_ALIASES: dict[str, tuple[str, ...]] = {
    "B303": ("CWE-328",),
    "B324": ("CWE-328",),  # md5/sha1
    "B307": ("CWE-94",),
    "B102": ("CWE-94",),  # eval, exec
    "B506": ("CWE-502",),  # yaml.load
    "B310": ("CWE-918",),  # urlopen with any scheme
    "B313": ("CWE-611",),
    "B314": ("CWE-611",),
    "B315": ("CWE-611",),
    "B316": ("CWE-611",),
    "B317": ("CWE-611",),
    "B318": ("CWE-611",),
    "B319": ("CWE-611",),
    "B320": ("CWE-611",),
    "B201": ("CWE-489",),  # flask debug
    "B104": ("CWE-1327",),  # bind all interfaces
    "B502": ("CWE-327",),
    "B503": ("CWE-327",),
    "B504": ("CWE-327",),  # old TLS
    "B608": ("CWE-89",),
    "B610": ("CWE-89",),
    "B611": ("CWE-89",),
    "B701": ("CWE-1336",),
    "B702": ("CWE-1336",),  # jinja2/mako autoescape
}


def ensure_bandit() -> Path | None:
    """bandit's executable, installed on first use; None if it cannot be had."""
    return ensure_peer("bandit", BANDIT_VERSION)


def bandit_version(exe: Path) -> str:
    done = subprocess.run([str(exe), "--version"], capture_output=True, text=True)
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0] if first else "bandit"


def bandit_cwes(exe: Path, root: Path) -> tuple[dict[str, set[str]], int]:
    """Per file (relative to root): the CWEs bandit reports; and the files it could not parse."""
    done = subprocess.run(
        [str(exe), "-r", str(root), "-f", "json", "-q"], capture_output=True, text=True
    )
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return {}, -1
    out: dict[str, set[str]] = {}
    for issue in report.get("results", []):
        cwe = (issue.get("issue_cwe") or {}).get("id")
        rel = Path(issue["filename"]).resolve().relative_to(root.resolve()).as_posix()
        found = out.setdefault(rel, set())
        if cwe:
            found.add(f"CWE-{cwe}")
        found.update(BANDIT_ALIASES.get(issue.get("test_id", ""), ()))
    return out, len(report.get("errors", []))
