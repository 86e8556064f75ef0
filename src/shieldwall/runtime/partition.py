"""Which worker reads a log line: a hash of the client address picks one of N
partitions, so each client's buckets live on one worker. Lines that can feed a
per-route scenario (failed logins from many clients) also go to the `routes`
partition, whose worker keeps only those buckets. And the wire format: a batch
of numbered lines from one log, in one JetStream message."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from shieldwall.errors import UsageError
from shieldwall.runtime.clients import ClientResolver
from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.reader import MAX_LINE
from shieldwall.runtime.scenarios import Scenario
from shieldwall.runtime.sources.base import Parser
from shieldwall.runtime.sources.prefix import recover

ROUTES = "routes"
DEFAULT_SUBJECT = "shieldwall.lines"
DEFAULT_STREAM = "SHIELDWALL_LINES"
_DAMAGED = (ValueError, KeyError, TypeError, IndexError, OverflowError, AttributeError)


@dataclass(frozen=True, slots=True)
class Subjects:
    """`<prefix>.<n>` per client partition, `<prefix>.routes` for per-route scenarios."""

    prefix: str = DEFAULT_SUBJECT

    def of(self, partition: str) -> str:
        return f"{self.prefix}.{partition}"

    @property
    def all(self) -> str:
        return f"{self.prefix}.>"


def parse_partitions(values: Iterable[str], count: int) -> tuple[str, ...]:
    """`--partition` values (numbers below `count`, or `routes`); all when none."""
    chosen: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part != ROUTES and not (part.isdigit() and int(part) < count):
                raise UsageError(
                    f"--partition {part!r}: not a partition of {count}",
                    f"give numbers from 0 to {count - 1}, or {ROUTES}",
                )
            if part not in chosen:
                chosen.append(part)
    return tuple(chosen) or (*(str(i) for i in range(count)), ROUTES)


def scenarios_for(partition: str, config: WatchConfig) -> tuple[Scenario, ...]:
    """A client partition runs the per-client scenarios, `routes` the per-route ones."""
    return tuple(s for s in config.scenarios if per_route(s) == (partition == ROUTES))


def per_route(scenario: Scenario) -> bool:
    """Buckets per route or account, not per client (a detection-triggered scenario
    always pours per client)."""
    return scenario.group_by != "client" and scenario.on == "request"


class Router:
    """Parses a line as the engine will (same format, same trusted proxies) to
    find its client and whether a per-route scenario could count it."""

    def __init__(self, config: WatchConfig, partitions: int) -> None:
        self.config = config
        self.partitions = partitions
        self._clients = ClientResolver(config.trusted_proxies)
        self._routes = [s for s in config.scenarios if per_route(s)]

    def route(self, parser: Parser | None, raw: bytes) -> tuple[int, bool]:
        """(client partition, also for `routes`)."""
        if parser is None:
            return 0, False
        if len(raw) >= MAX_LINE:  # the first part of a longer line
            event: object = recover(parser.name, raw[:MAX_LINE].decode("utf-8", "replace"))
        else:
            text = raw.decode("utf-8", "replace").rstrip("\r")
            try:
                event = parser.parse(text) if text.strip() else None
            except _DAMAGED:
                event = None
        if type(event) is not HttpEvent:
            return 0, False  # unparsed lines and audit events: partition 0
        if event.xff and self.config.trusted_proxies:
            client = self._clients.client(event.remote, event.xff)
        else:
            client = self._clients.key(event.remote)
        partition = zlib.crc32(client.encode()) % self.partitions if client else 0
        return partition, any(self._counts(s, event) for s in self._routes)

    def _counts(self, scenario: Scenario, event: HttpEvent) -> bool:
        if scenario.status and event.status not in scenario.status:
            return False
        if event.status in scenario.status_not:
            return False
        if scenario.login is not None and (
            self.config.is_login(event.method, event.path) != scenario.login
        ):
            return False
        return scenario.path is None or scenario.path.search(event.path) is not None


def encode(source: str, format_name: str, lines: Iterable[tuple[int, bytes]]) -> bytes:
    """`SOURCE<TAB>FORMAT` then one `LINENO<SPACE>LINE` per line."""
    head = f"{source}\t{format_name}".encode()
    return b"\n".join([head, *(b"%d %s" % (n, raw) for n, raw in lines)])


def decode(payload: bytes) -> tuple[str, str, Iterator[tuple[int, bytes]]]:
    head, _, body = payload.partition(b"\n")
    source, _, format_name = head.decode("utf-8", "replace").partition("\t")

    def lines() -> Iterator[tuple[int, bytes]]:
        if not body:
            return
        for entry in body.split(b"\n"):
            number, _, raw = entry.partition(b" ")
            yield int(number), raw

    return source, format_name, lines()
