"""CPU seconds `shieldwall watch` spends judging ONE JSON body: a piece made distinct
(a hex counter) in 65,536 tiny values, next to the same piece repeated to one value of
65,000 characters. A body is read up to body.MAX_BODY_CHARS characters of values, each
value charged body._VALUE_COST more, so the tiny values should cost about what the
long value costs; the values left past the bound make the request `oversized`.

Run:  PYTHONPATH=src .venv/bin/python bench/watch_body_values.py [piece ...]
Prints one line per piece: values judged, cut or not, seconds, kinds found. Stops
itself after 50 seconds.
"""

from __future__ import annotations

import json
import sys
import time

from shieldwall.runtime.detect.body import read_body
from shieldwall.runtime.detect.payload import PayloadDetector
from shieldwall.runtime.events import HttpEvent

PIECES = ("a", "%3c", 'x"><', "+ADw-", "&lt;", "select(", "a=b&c=", "'or 1-- ", "<a b=")
_JSON = (("content-type", "application/json"),)


def _judge(detector: PayloadDetector, name: str, body: str) -> None:
    event = HttpEvent(
        0.0, "203.0.113.9", "POST", "/api", "", 200, "Mozilla/5.0", body=body, headers=_JSON
    )
    start = time.process_time()
    kinds = sorted(hit.kind for hit in detector.scan(event))
    seconds = time.process_time() - start
    read = read_body(body, "application/json")
    print(f"{name:28s} {len(read.values):6d} values  cut={read.cut!s:5s}  {seconds:.3f} s  {kinds}")


def main() -> None:
    detector = PayloadDetector()
    started = time.monotonic()
    for piece in sys.argv[1:] or PIECES:
        _judge(detector, f"one value of {piece!r}", json.dumps([(piece * 65000)[:65000]]))
        tiny = json.dumps([f"{piece}{n:x}" for n in range(65536)])
        _judge(detector, f"65,536 values of {piece!r}", tiny)
        if time.monotonic() - started > 50:
            print("stopped at 50 seconds")
            break


if __name__ == "__main__":
    main()
