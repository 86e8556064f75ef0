"""`shieldwall watch`: follow logs (or standard input) and hand each detection
and decision to a callback as it happens."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import BinaryIO

from shieldwall.errors import UsageError
from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.engine import Engine, Output
from shieldwall.runtime.follow import FileFollower
from shieldwall.runtime.inotify import DirectoryWaiter
from shieldwall.runtime.reader import LogSource, lines
from shieldwall.runtime.sources.base import Parser
from shieldwall.runtime.store import DecisionStore

Emit = Callable[[Output], None]


class Watcher:
    def __init__(
        self,
        logs: Sequence[tuple[str, Parser | None]],
        config: WatchConfig,
        store: DecisionStore,
        *,
        from_start: bool = False,
        poll: float = 0.25,
    ) -> None:
        if any(path == "-" for path, _ in logs) and len(logs) > 1:
            raise UsageError(
                "standard input (-) cannot be watched together with files",
                "run one `shieldwall watch --log -` per stream",
            )
        self.engine = Engine(config, store)
        self.lock = threading.Lock()  # held while the engine changes (metrics read it)
        self.poll = poll
        self.stopped = threading.Event()
        self._stdin = [LogSource("stdin", self.engine, p) for path, p in logs if path == "-"]
        self._files = [
            (FileFollower(path, from_start), LogSource(path, self.engine, parser))
            for path, parser in logs
            if path != "-"
        ]

    def stop(self) -> None:
        self.stopped.set()

    def _emit_all(self, outputs: Sequence[Output], emit: Emit) -> None:
        for item in outputs:
            emit(item)

    def run_stream(self, stream: BinaryIO, emit: Emit) -> None:
        source = self._stdin[0]
        for raw in lines(stream):
            with self.lock:
                out = source.feed(raw)
            self._emit_all(out, emit)
            if self.stopped.is_set():
                break
        with self.lock:
            self._emit_all(source.flush(), emit)

    def step(self, emit: Emit) -> int:
        """Read what the files gained since the last step; how many lines."""
        count = 0
        for follower, source in self._files:
            batch = follower.read()
            count += len(batch)
            with self.lock:
                self._emit_all(source.feed_many(batch), emit)
                if not batch:
                    self._emit_all(source.flush(), emit)  # a quiet log: sniff what it has
        return count

    def run(self, emit: Emit, stdin: BinaryIO | None = None) -> None:
        if self._stdin:
            assert stdin is not None
            self.run_stream(stdin, emit)
            return
        waiter = DirectoryWaiter.for_paths(f.path for f, _ in self._files)
        try:
            while not self.stopped.is_set():
                if self.step(emit) == 0:
                    if waiter is None:
                        self.stopped.wait(self.poll)
                    else:  # woken by a change; a poll now and then all the same
                        waiter.wait(self.poll * 4)
        finally:
            if waiter is not None:
                waiter.close()

    def close(self) -> None:
        for follower, _ in self._files:
            follower.close()
        time.sleep(0)
