"""`shieldwall watch worker`: read partitions of a JetStream stream of log lines,
detect as `watch` does, and write decisions to the shared store.

Each partition has its own durable consumer and engine. A message is
acknowledged only once every line in it is older than the longest a bucket
remembers (the window: capacity and leak, then the blackhole, of the slowest
scenario), and acknowledging one acknowledges all before it. So when a worker
dies, what it had not acknowledged is exactly what its buckets still depended
on: the worker that takes its place starts again after the last acknowledged
message and rebuilds the same buckets. Decisions it had already stored are
remembered from the store (no second one while they last), and the store keeps
a decision once by its value, scenario and time."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from shieldwall.errors import SourceError
from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.decisions import Decision
from shieldwall.runtime.engine import Engine, Output
from shieldwall.runtime.partition import ROUTES, decode, scenarios_for
from shieldwall.runtime.reader import MAX_LINE, LogSource
from shieldwall.runtime.ship import Bus, connect, ensure_stream
from shieldwall.runtime.sources.registry import PARSERS
from shieldwall.runtime.store import DecisionStore

Emit = Callable[[Output], None]
_DAMAGED = (ValueError, KeyError, TypeError, IndexError, OverflowError, AttributeError)
MIN_WINDOW = 60.0


def window_of(config: WatchConfig) -> float:
    """Seconds of log a bucket can still depend on: a full bucket leaking empty,
    then its blackhole."""
    spans = [(s.capacity + 1) * s.leak + s.blackhole for s in config.scenarios]
    return max([MIN_WINDOW, *spans])


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    bus: Bus
    partitions: tuple[str, ...]
    durable: str = "shieldwall-watch"
    window: float | None = None  # seconds of log kept unacknowledged; None: window_of(config)
    idle_exit: float | None = None  # stop after this long without a message (a backlog)
    fetch: int = 8


class Partition:
    """One partition: its engine, its logs (by name), the messages not yet acknowledged."""

    def __init__(self, name: str, config: WatchConfig, store: DecisionStore, window: float):
        self.name = name
        self.store = store
        self.window = window
        self.engine = Engine(replace(config, scenarios=scenarios_for(name, config)), store)
        self.sources: dict[str, LogSource] = {}
        self.pending: deque[tuple[float, Any]] = deque()
        self.last_seq = 0
        self.delivered = 0  # the consumer's delivery number of the last message
        self.messages = 0
        self._seeded = False

    def process(self, payload: bytes) -> list[Output]:
        name, format_name, numbered = decode(payload)
        source = self.sources.get(name)
        if source is None:
            source = self.sources[name] = LogSource(name, self.engine, PARSERS.get(format_name))
        elif source.parser is None:
            source.parser = PARSERS.get(format_name)
        self.messages += 1
        out: list[Output] = []
        for number, raw in numbered:
            if not self._seeded:
                self._seed(source, raw)
            source.lineno = number - 1
            out.extend(source.feed(raw))
        if self.name == ROUTES:  # the client partitions report the lines' detections
            return [item for item in out if isinstance(item, Decision)]
        return out

    def flush(self) -> list[Output]:
        """A quiet stream: lines held to sniff a format are read now."""
        out: list[Output] = []
        for source in self.sources.values():
            out.extend(source.flush())
        return out

    def _seed(self, source: LogSource, raw: bytes) -> None:
        """Remember the stored decisions still active at the first line's time."""
        if source.parser is None or len(raw) >= MAX_LINE:
            return
        try:
            event = source.parser.parse(raw.decode("utf-8", "replace").rstrip("\r"))
        except _DAMAGED:
            return
        if event is None:
            return
        for decision in self.store.active(event.time):
            self.engine.remember(decision)
        self._seeded = True

    def settle(self, message: Any) -> Any | None:
        """The newest message all of whose lines left every bucket's memory (to
        acknowledge, with all before it), or None."""
        now = self.engine.stats.last_time
        self.pending.append((now, message))
        newest = None
        while self.pending and self.pending[0][0] < now - self.window:
            newest = self.pending.popleft()[1]
        return newest


async def _subscribe(js: Any, options: WorkerOptions, partition: str, window: float) -> Any:
    """The partition's durable consumer, started again after its acknowledged messages."""
    from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
    from nats.js.errors import NotFoundError

    bus = options.bus
    name = f"{options.durable}-{partition}"
    floor = 0
    try:
        info = await js.consumer_info(bus.stream, name)
        floor = info.ack_floor.stream_seq if info.ack_floor is not None else 0
        await js.delete_consumer(bus.stream, name)
    except NotFoundError:
        pass
    config = ConsumerConfig(
        durable_name=name,
        ack_policy=AckPolicy.ALL,
        ack_wait=window + 600.0,
        max_ack_pending=1_000_000,
        max_deliver=-1,
        filter_subject=bus.subjects.of(partition),
        deliver_policy=DeliverPolicy.BY_START_SEQUENCE if floor else DeliverPolicy.ALL,
        opt_start_seq=floor + 1 if floor else None,
    )
    await js.add_consumer(bus.stream, config)
    return await js.pull_subscribe_bind(durable=name, stream=bus.stream)


def _in_order(part: Partition, delivery: int) -> None:
    """Deliveries come numbered; one missing would be acknowledged with the next."""
    if part.delivered and delivery != part.delivered + 1:
        raise SourceError(
            f"partition {part.name}: delivery {part.delivered + 1} never arrived",
            "start the worker again: it resumes after its last acknowledged line",
        )
    part.delivered = delivery


async def _consume(
    sub: Any, part: Partition, options: WorkerOptions, emit: Emit, stop: asyncio.Event
) -> None:
    from nats.errors import TimeoutError as NatsTimeout

    idle_since = time.monotonic()
    while not stop.is_set():
        try:
            messages = await sub.fetch(options.fetch, timeout=1.0)
        except (TimeoutError, NatsTimeout):
            for item in part.flush():
                emit(item)
            idle = time.monotonic() - idle_since
            if options.idle_exit is not None and idle >= options.idle_exit:
                try:
                    info = await sub.consumer_info()
                except (TimeoutError, NatsTimeout):
                    continue
                if not info.num_pending:  # the stream has nothing more for it
                    return
            continue
        idle_since = time.monotonic()
        newest = None
        for message in messages:
            _in_order(part, message.metadata.sequence.consumer)
            seq = message.metadata.sequence.stream
            if seq <= part.last_seq:
                continue  # delivered again while this worker still had it
            part.last_seq = seq
            for item in part.process(message.data):
                emit(item)
            newest = part.settle(message) or newest
            await asyncio.sleep(0)  # the other partitions' requests and the server's pings
        if newest is not None:
            await newest.ack()


async def run_worker(
    options: WorkerOptions,
    config: WatchConfig,
    store: DecisionStore,
    emit: Emit,
    stop: asyncio.Event | None = None,
) -> dict[str, Partition]:
    """Consume the partitions until `stop` (or idle_exit); each partition's state."""
    stop = stop or asyncio.Event()
    window = options.window if options.window is not None else window_of(config)
    parts = {name: Partition(name, config, store, window) for name in options.partitions}
    nc = await connect(options.bus.url)
    try:
        js = nc.jetstream()
        await ensure_stream(js, options.bus)
        subs = [await _subscribe(js, options, name, window) for name in parts]
        pairs = zip(subs, parts.values(), strict=True)
        tasks = [asyncio.create_task(_consume(s, p, options, emit, stop)) for s, p in pairs]
        try:
            await asyncio.gather(*tasks)
        finally:  # one partition failed: stop the others before saying why
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        await nc.close()
    return parts
