"""shieldwall's own kustomize build against `kubectl kustomize`, on the
ConfigMaps and Secrets a real repository's generators make: for each top-level
kustomization (a unit), the generated objects kubectl renders (a name ending in
kustomize's hash) and whether shieldwall's build gives the same name and the
same data.

Run:  .venv/bin/python bench/kustomize_generated.py GIT_DIR [--commit REV]
GIT_DIR is a git directory (a bare mirror will do); its files at REV are
exported to a temporary directory. Needs kubectl on PATH; nothing is fetched.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from shieldwall.analyzers.base import ScanTarget  # noqa: E402
from shieldwall.sources.tree import walk  # noqa: E402
from shieldwall.sources.yaml_tree import Document, parse_documents  # noqa: E402

_HASHED = re.compile(r".+-[245-9bcdfghkmt]{10}")
_KINDS = ("ConfigMap", "Secret")


def _plain(node: Any) -> Any:
    """Parsed YAML as plain JSON values (dict and list subclasses dropped)."""
    return json.loads(json.dumps(node, default=str))


def _summary(body: dict[str, Any]) -> tuple[str, str, str]:
    data = {**(body.get("data") or {}), **(body.get("binaryData") or {})}
    return str(body.get("kind")), str(body["metadata"]["name"]), repr(sorted(data.items()))


def _kubectl(directory: Path) -> list[dict[str, Any]] | None:
    exe = shutil.which("kubectl")
    assert exe is not None
    done = subprocess.run(
        [exe, "kustomize", str(directory)],
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(directory)},
        timeout=30,
        check=False,
    )
    if done.returncode != 0:
        return None
    docs = parse_documents(done.stdout.decode("utf-8", "replace"))
    return [_plain(d.content) for d in docs if isinstance(d, Document) and d.content]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("--commit", default="HEAD")
    args = parser.parse_args()
    if shutil.which("kubectl") is None:
        print("kubectl is not on PATH")
        return 2
    tar = subprocess.run(
        ["git", "--git-dir", str(args.git_dir), "archive", args.commit],
        capture_output=True,
        check=True,
    ).stdout
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
            archive.extractall(root, filter="data")
        target = ScanTarget(walk(root))
        units = [u for u in target.units.units if u.kind == "kustomization"]
        totals = {"units": 0, "failed": 0, "generated": 0, "same": 0, "name": 0}
        for unit in units:
            theirs = _kubectl(root / unit.path)
            if theirs is None:
                totals["failed"] += 1
                continue
            totals["units"] += 1
            ours = {_summary(_plain(o.body)) for o in unit.inventory.kubernetes if o.kind in _KINDS}
            our_names = {s[:2] for s in ours}
            for body in theirs:
                if body.get("kind") not in _KINDS or not _HASHED.fullmatch(
                    str(body["metadata"]["name"])
                ):
                    continue
                totals["generated"] += 1
                summary = _summary(body)
                totals["same"] += summary in ours
                totals["name"] += summary[:2] in our_names
                if summary[:2] not in our_names:
                    print(f"  {unit.path}: {summary[0]} {summary[1]} not given")
        print(
            f"{totals['units']} kustomizations rendered ({totals['failed']} kubectl refused); "
            f"{totals['generated']} generated objects: {totals['name']} with kubectl's name, "
            f"{totals['same']} with its name and data"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
