"""CPU seconds `shieldwall watch` spends judging ONE hostile request: a piece repeated
to fill every field the payload detector reads (path, query, User-Agent, Referer,
X-Forwarded-For, Host, Content-Type, Cookie, another header, a form body), at one or
more sizes and paranoia levels. A shape whose time grows faster than its size is a
denial of service: each probe runs in a child process killed after --timeout seconds.

Run:  PYTHONPATH=src .venv/bin/python bench/watch_hostile.py [--size 8192] [--paranoia 1,4]
      [--shape '{{' --shape '${' ...] [--budget 55] [--no-gate]
Prints one line per shape: CPU seconds at each size and level ("killed" past the timeout).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Pieces a pattern's prefix accepts, repeated: template and expression openers, encodings,
# steps up, quotes, comment and tag openers, command separators, SQL and script words.
SHAPES = (
    "{{",
    "{%",
    "${",
    "#{",
    "*{",
    "@(",
    "<%",
    "<%=",
    "%25",
    "%0a",
    "%%",
    "../",
    "..\\",
    "a../",
    "..",
    "//",
    "'",
    '"',
    "`",
    "&#",
    "&#x",
    "\\u",
    "\\x",
    "%u",
    "+A",
    "/*",
    "*/",
    "<",
    "<a ",
    " on",
    "=",
    "(",
    ";",
    "|",
    "$(",
    "0x",
    "a=eval;",
    "echo ",
    " or ",
    "union ",
    "select ",
    "cast(",
    "etc/",
    "base64,",
    "http://",
    "a",
    # raw line breaks (a header or a body that is not URL-encoded)
    "\n",
    "\r\n",
    "a\n",
)

_PROBE = """
import sys, time
sys.path.insert(0, {src!r})
from urllib.parse import quote
from shieldwall.runtime.detect import gate
from shieldwall.runtime.detect.payload import PayloadDetector
from shieldwall.runtime.events import HttpEvent
piece, size, paranoia = {piece!r}, {size}, {paranoia}
if {no_gate}:  # as without hyperscan: every expression runs as written
    gate._AUTOMATON.db = None
value = (piece * (size // len(piece) + 1))[:size]
url = quote(value, safe="")
event = HttpEvent(
    time=0.0, remote="203.0.113.7", method="POST", path="/" + url, query="q=" + url,
    status=200, user_agent=value, referer="https://shop.example/?a=" + url, xff=value,
    body="a=" + url, host=value,
    headers=(("content-type", value), ("cookie", "s=" + url), ("x-other", value)),
)
cpu = time.process_time()
hits = PayloadDetector(paranoia).scan(event)
print(time.process_time() - cpu, ",".join(sorted(h.rule for h in hits)) or "-")
"""


def probe(
    piece: str, size: int, paranoia: int, timeout: float, no_gate: bool = False
) -> tuple[str, str]:
    code = _PROBE.format(
        src=str(REPO / "src"), piece=piece, size=size, paranoia=paranoia, no_gate=no_gate
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return "killed", "?"
    if out.returncode:
        return "error", out.stderr.strip().splitlines()[-1]
    seconds, rules = out.stdout.split()
    return f"{float(seconds):.3f}", rules


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, action="append", help="bytes (default 8192)")
    parser.add_argument("--paranoia", default="1,4", help="levels, comma-separated")
    parser.add_argument("--shape", action="append", help="a piece to repeat (default: all)")
    parser.add_argument("--timeout", type=float, default=9.0, help="seconds a probe may take")
    parser.add_argument("--budget", type=float, default=55.0, help="seconds for the whole run")
    parser.add_argument("--no-gate", action="store_true", help="as without hyperscan")
    args = parser.parse_args()
    sizes = args.size or [8192]
    levels = [int(p) for p in args.paranoia.split(",")]
    shapes = args.shape or list(SHAPES)
    # the detectors' automaton is built once and cached: not inside a timed probe
    src = str(REPO / "src")
    warm = f"import sys; sys.path.insert(0, {src!r}); import shieldwall.runtime.detect.payload"
    subprocess.run([sys.executable, "-c", warm], check=True, timeout=120)
    print("shape", *(f"{s}B/p{p}" for s in sizes for p in levels), "rules", sep="\t")
    stop = time.monotonic() + args.budget
    for n, piece in enumerate(shapes):
        if time.monotonic() > stop:
            print(f"budget spent: {len(shapes) - n} shapes not run ({', '.join(shapes[n:])})")
            return 1
        cells, rules = [], set()
        for size in sizes:
            for level in levels:
                seconds, found = probe(piece, size, level, args.timeout, args.no_gate)
                cells.append(seconds)
                rules.add(found)
        print(repr(piece), *cells, "|".join(sorted(rules)), sep="\t")
    return 0


if __name__ == "__main__":
    sys.exit(main())
