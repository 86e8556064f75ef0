"""`shieldwall watch ship`: follow a log and publish its lines to a JetStream
stream, in batches per partition (a hash of the client address), for
`shieldwall watch worker` to read on any machine."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from shieldwall.errors import SourceError, UsageError
from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.follow import FileFollower
from shieldwall.runtime.partition import (
    DEFAULT_STREAM,
    ROUTES,
    Router,
    Subjects,
    encode,
)
from shieldwall.runtime.reader import lines
from shieldwall.runtime.sources.base import Parser
from shieldwall.runtime.sources.registry import sniff

BATCH_LINES = 1000
BATCH_BYTES = 256 * 1024
STREAM_MAX_AGE = 86400.0  # seconds a line stays in the stream
_SNIFF_LINES = 10


@dataclass(frozen=True, slots=True)
class Bus:
    """Where lines travel: a NATS server, a stream, its subject prefix."""

    url: str
    stream: str = DEFAULT_STREAM
    subjects: Subjects = field(default_factory=Subjects)


async def _quiet(_error: Exception) -> None:
    return None


async def connect(url: str) -> Any:
    import nats
    from nats.errors import Error as NatsError

    try:
        return await nats.connect(
            url,
            connect_timeout=3,
            max_reconnect_attempts=3,
            allow_reconnect=True,
            error_cb=_quiet,  # the failure is raised, and said once, by the caller
        )
    except (TimeoutError, OSError, NatsError) as exc:
        raise SourceError(
            f"NATS at {url}: cannot connect ({exc or type(exc).__name__})",
            "check --nats (nats://HOST:4222) and that the server runs with JetStream (-js)",
        ) from None


async def ensure_stream(js: Any, bus: Bus) -> None:
    from nats.js.errors import NotFoundError

    try:
        await js.stream_info(bus.stream)
    except NotFoundError:
        await js.add_stream(name=bus.stream, subjects=[bus.subjects.all], max_age=STREAM_MAX_AGE)


@dataclass(slots=True)
class ShipStats:
    lines: int = 0
    messages: int = 0


class Batcher:
    """Numbers a log's lines, sniffs its format, and groups lines per partition
    into messages (at most BATCH_LINES lines or BATCH_BYTES bytes each)."""

    def __init__(self, name: str, parser: Parser | None, router: Router) -> None:
        if "\n" in name or "\t" in name:
            raise UsageError(f"--log {name!r}: a path with a tab or newline", "rename the log")
        self.name = name
        self.parser = parser
        self.router = router
        self.lineno = 0
        self._sniffing: list[tuple[int, bytes]] = []
        self._batches: dict[str, list[tuple[int, bytes]]] = {}
        self._sizes: dict[str, int] = {}

    def feed(self, raws: Iterable[bytes]) -> list[tuple[str, bytes]]:
        """Messages (partition, payload) that are full."""
        ready: list[tuple[str, bytes]] = []
        for raw in raws:
            self.lineno += 1
            if self.parser is None and not self._sniffed():
                self._sniffing.append((self.lineno, raw))
                if sum(1 for _, r in self._sniffing if r.strip()) >= _SNIFF_LINES:
                    ready += self._resolve()
                continue
            ready += self._add(self.lineno, raw)
        return ready

    def _sniffed(self) -> bool:
        return self.parser is not None

    def _resolve(self) -> list[tuple[str, bytes]]:
        held, self._sniffing = self._sniffing, []
        texts = (raw.decode("utf-8", "replace") for _, raw in held)
        self.parser = sniff(texts)
        ready: list[tuple[str, bytes]] = []
        for number, raw in held:
            ready += self._add(number, raw)
        return ready

    def _add(self, number: int, raw: bytes) -> list[tuple[str, bytes]]:
        partition, routes = self.router.route(self.parser, raw)
        ready = self._put(str(partition), number, raw)
        if routes:
            ready += self._put(ROUTES, number, raw)
        return ready

    def _put(self, partition: str, number: int, raw: bytes) -> list[tuple[str, bytes]]:
        batch = self._batches.setdefault(partition, [])
        batch.append((number, raw))
        size = self._sizes[partition] = self._sizes.get(partition, 0) + len(raw) + 12
        if len(batch) >= BATCH_LINES or size >= BATCH_BYTES:
            return [self._take(partition)]
        return []

    def _take(self, partition: str) -> tuple[str, bytes]:
        batch = self._batches.pop(partition)
        self._sizes.pop(partition, None)
        fmt = self.parser.name if self.parser is not None else ""
        return partition, encode(self.name, fmt, batch)

    def flush(self, sniff: bool = True) -> list[tuple[str, bytes]]:
        """The lines held, as messages; with `sniff` (a quiet log), also those
        held to sniff the format, which is then sniffed from what there is."""
        ready = self._resolve() if sniff and self._sniffing else []
        ready += [self._take(p) for p in sorted(self._batches)]
        return ready


async def ship(
    path: str,
    parser: Parser | None,
    config: WatchConfig,
    bus: Bus,
    partitions: int,
    *,
    once: bool = False,
    from_start: bool = False,
    poll: float = 0.25,
    stopped: Callable[[], bool] = lambda: False,
) -> ShipStats:
    """Follow `path` (or, with `once`, read what it holds and stop) and publish it."""
    if path == "-":
        raise UsageError("ship follows files, not standard input", "give --log PATH")
    batcher = Batcher(path, parser, Router(config, partitions))
    stats = ShipStats()
    nc = await connect(bus.url)
    try:
        js = nc.jetstream()
        await ensure_stream(js, bus)

        async def publish(messages: list[tuple[str, bytes]]) -> None:
            for partition, payload in messages:
                await js.publish(bus.subjects.of(partition), payload, stream=bus.stream)
                stats.messages += 1

        if once:
            for chunk in _chunks(path):
                stats.lines += len(chunk)
                await publish(batcher.feed(chunk))
        else:
            await _follow(path, from_start, poll, stopped, batcher, stats, publish)
        await publish(batcher.flush())
    finally:
        await nc.close()
    return stats


def _chunks(path: str, size: int = 10_000) -> Iterator[list[bytes]]:
    try:
        stream = open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise SourceError(
            f"{path}: cannot open: {exc.strerror or exc}",
            "check the log path and that you may read it",
        ) from None
    with stream:
        chunk: list[bytes] = []
        for raw in lines(stream):
            chunk.append(raw)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


async def _follow(
    path: str,
    from_start: bool,
    poll: float,
    stopped: Callable[[], bool],
    batcher: Batcher,
    stats: ShipStats,
    publish: Callable[[list[tuple[str, bytes]]], Awaitable[None]],
) -> None:
    """What the log gains, published after each read (lines wait at most `poll`)."""
    follower = FileFollower(path, from_start=from_start)
    try:
        while not stopped():
            raws = follower.read()
            stats.lines += len(raws)
            await publish(batcher.feed(raws))
            await publish(batcher.flush(sniff=not raws))
            if not raws:
                await asyncio.sleep(poll)
    finally:
        follower.close()
