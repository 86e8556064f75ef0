"""How well our version orderings agree with OSV's version-ordering vectors.

Reads ../shared/corpus/osv/version-vectors (or --corpus DIR): one comparison
``a <op> b`` a line, ``<``, ``=`` or ``>``, with ``#`` and ``//`` comments.
Prints, per ecosystem, the share of pairs ordered correctly and lists every
failure (a wrong order, or a version we refuse to parse).

    .venv/bin/python bench/deps_versions.py [--corpus DIR] [--max-failures N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from shieldwall.analyzers.deps.osv.versions import parse_version

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "osv" / "version-vectors"

# vector file prefix -> (label, OSV ecosystem whose ordering is checked)
FILES = {
    "pypi": ("PyPI", "PyPI"),
    "semver": ("SemVer (npm, crates.io, Go)", "npm"),
    "maven": ("Maven", "Maven"),
    "debian": ("Debian", "Debian"),
    "rubygems": ("RubyGems", "RubyGems"),
    "nuget": ("NuGet", "NuGet"),
    "packagist": ("Packagist", "Packagist"),
    "alpine": ("Alpine", "Alpine"),
}
OPS = {"<": -1, "=": 0, ">": 1}


def vectors(path: Path) -> Iterator[tuple[int, str, str, str]]:
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", "//")):
            continue
        parts = line.split(" ")
        if len(parts) != 3 or parts[1] not in OPS:
            continue
        yield number, parts[0], parts[1], parts[2]


def check(ecosystem: str, a: str, op: str, b: str) -> str | None:
    """None when ordered as expected, else what went wrong."""
    try:
        va, vb = parse_version(ecosystem, a), parse_version(ecosystem, b)
    except ValueError as exc:
        return f"cannot parse: {exc}"
    got = "<" if va < vb else "=" if va == vb else ">"
    return None if got == op else f"got {a} {got} {b}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--max-failures", type=int, default=50, help="per ecosystem")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no version vectors at {args.corpus}: nothing to measure")
        return 0
    started = time.perf_counter()
    rows = []
    failures: dict[str, list[str]] = {}
    for prefix, (label, ecosystem) in FILES.items():
        total = good = 0
        for path in sorted(args.corpus.glob(f"{prefix}-versions*.txt")):
            for number, a, op, b in vectors(path):
                total += 1
                problem = check(ecosystem, a, op, b)
                if problem is None:
                    good += 1
                else:
                    failures.setdefault(label, []).append(
                        f"{path.name}:{number}: expected {a} {op} {b}; {problem}"
                    )
        rows.append((label, total, good))
    elapsed = time.perf_counter() - started
    print(f"{'ecosystem':<28} {'pairs':>7} {'correct':>8} {'share':>9}")
    for label, total, good in rows:
        share = 100.0 * good / total if total else 0.0
        print(f"{label:<28} {total:>7} {good:>8} {share:>8.3f}%")
    all_total = sum(r[1] for r in rows)
    all_good = sum(r[2] for r in rows)
    print(f"{'all':<28} {all_total:>7} {all_good:>8} {100.0 * all_good / all_total:>8.3f}%")
    print(f"({elapsed:.2f} s)")
    skipped = sorted(p.name for p in args.corpus.glob("*.txt") if p.name.split("-")[0] not in FILES)
    if skipped:
        print(f"not measured (ecosystems without an ordering here): {', '.join(skipped)}")
    for label, items in failures.items():
        print(f"\nfailures, {label} ({len(items)}):")
        for item in items[: args.max_failures]:
            print(f"  {item}")
        if len(items) > args.max_failures:
            print(f"  ... and {len(items) - args.max_failures} more (--max-failures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
