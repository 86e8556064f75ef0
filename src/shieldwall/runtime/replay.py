"""`shieldwall watch replay`: read whole logs with log time as the clock."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from shieldwall.errors import SourceError
from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.decisions import SCHEMA, Decision, Detection
from shieldwall.runtime.engine import Engine, Output, Stats
from shieldwall.runtime.reader import LogSource, blocks
from shieldwall.runtime.sources.base import Parser
from shieldwall.runtime.store import DecisionStore


@dataclass(frozen=True, slots=True)
class ReplayResult:
    decisions: tuple[Decision, ...]
    detections: tuple[Detection, ...]
    stats: Stats
    seconds: float
    buckets: int

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "decisions": [d.to_json() for d in self.decisions],
            "detections": [d.to_json() for d in self.detections],
            "stats": {
                "lines": self.stats.lines,
                "unparsed": self.stats.unparsed,
                "seconds": round(self.seconds, 3),
                "unparsed_samples": list(self.stats.samples),
            },
        }


def _collect(
    outputs: Sequence[Output], decisions: list[Decision], detections: list[Detection]
) -> None:
    for item in outputs:
        if isinstance(item, Decision):
            decisions.append(item)
        else:
            detections.append(item)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a replay runs, as it was after. The
    engine's state makes no reference cycles, and the collector's full passes over
    a million buckets, each a few objects, cost a quarter of a replay's time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def replay_streams(
    streams: Sequence[tuple[str, BinaryIO, Parser | None]],
    config: WatchConfig,
    store: DecisionStore | None = None,
    keep_detections: int = 100_000,
) -> ReplayResult:
    """Each stream read to its end in turn (name for evidence, format or None)."""
    started = time.perf_counter()
    engine = Engine(config, store or DecisionStore(":memory:"))
    decisions: list[Decision] = []
    detections: list[Detection] = []
    with collector_paused():
        for name, stream, parser in streams:
            source = LogSource(name, engine, parser)
            for part in blocks(stream):
                out = source.feed_many(part)
                if out:
                    _collect(out, decisions, detections)
                    if len(detections) > keep_detections:
                        del detections[keep_detections:]
            _collect(source.flush(), decisions, detections)
    return ReplayResult(
        tuple(decisions),
        tuple(detections[:keep_detections]),
        engine.stats,
        time.perf_counter() - started,
        engine.buckets(),
    )


def replay_files(
    logs: Sequence[tuple[str, Parser | None]],
    config: WatchConfig,
    store: DecisionStore | None = None,
) -> ReplayResult:
    opened: list[tuple[str, BinaryIO, Parser | None]] = []
    try:
        for path, parser in logs:
            try:
                opened.append((path, Path(path).open("rb"), parser))  # noqa: SIM115
            except OSError as exc:
                raise SourceError(
                    f"{path}: cannot open: {exc.strerror or exc}",
                    "check the log path and that you may read it",
                ) from None
        return replay_streams(opened, config, store)
    finally:
        for _, stream, _ in opened:
            stream.close()
