"""Parse time of large generated lock files, one format at a time.

The same generated files as tests/analyzers/deps/test_large_lock_files.py (which
checks that every package is found at its line): 10,000 packages for
package-lock.json, 5,000 for every other format. Prints seconds per format,
best of --runs.

    .venv/bin/python bench/deps_lockfiles.py [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.analyzers.deps import test_large_lock_files as gen  # noqa: E402
from tests.analyzers.deps.helpers import scan_dir  # noqa: E402


def _cases() -> list[tuple[str, str, int]]:
    name, text, expected = gen.package_lock(10_000)
    cases = [(name, text, len(expected))]
    for _, make in sorted(gen.JSON_FORMATS.items()):
        fname, text, expected = make(5_000)
        cases.append((fname, text, len(expected)))
    for name, make_toml in sorted(gen.TOML_FORMATS.items()):
        text, expected = make_toml(5_000)
        cases.append((name, text, len(expected)))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'lock file':<22} {'packages':>8} {'best s':>8}")
    for name, text, count in _cases():
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / name).write_text(text)
            best = float("inf")
            for _ in range(args.runs):
                start = time.perf_counter()
                deps = scan_dir(Path(tmp))
                best = min(best, time.perf_counter() - start)
            assert len(deps.components) >= count, name
        print(f"{name:<22} {count:>8} {best:>8.3f}")


if __name__ == "__main__":
    main()
