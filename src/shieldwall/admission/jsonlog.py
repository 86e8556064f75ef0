"""Structured logs: one JSON object per line. Callers pass identifiers, verdicts
and rule ids, never an object's content, so no Secret data can reach a log."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from typing import Any, TextIO

import orjson


class JsonLog:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._lock = threading.Lock()

    def __call__(self, event: str, **fields: Any) -> None:
        record = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "event": event,
        }
        record.update(fields)
        line = orjson.dumps(record, default=str).decode("utf-8")
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()
