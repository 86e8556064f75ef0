"""The CrowdSec Local API's bouncer side over shieldwall's decisions: what
`GET /v1/decisions` and `GET /v1/decisions/stream` answer, in the JSON the
existing bouncers parse, and the admin operations (add, delete).

Field names and forms follow the LAPI's decision model: `scope` is `Ip` or
`Range`, `duration` the time left in Go's form (`3h59m58.5s`, negative for a
decision that is gone), `until` RFC 3339. A lookup with no match answers JSON
`null`, as the LAPI does (the nginx/Lua bouncers test for it).

The stream remembers, per key, the store's change sequence number it has seen
and when it last pulled: `new` holds the active decisions added after that
number (whatever their `created_at`: watch stamps a decision with its log
line's time, which may trail the clock by any amount), `deleted` those deleted
after it or expired since the pull. Simulated decisions are never served:
there is nothing to enforce."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shieldwall.errors import UsageError
from shieldwall.runtime.bouncer_keys import Bouncer, BouncerKeys
from shieldwall.runtime.change_feed import ChangeFeed, Network, network_of
from shieldwall.runtime.decisions import Decision
from shieldwall.runtime.durations import parse_duration
from shieldwall.runtime.sources.timefmt import iso_z
from shieldwall.runtime.store import DecisionStore

TYPES = ("ban", "captcha", "throttle")
_SCOPES = {"ip": "Ip", "range": "Range"}


class BadQuery(ValueError):
    """A query parameter or body the API cannot use (HTTP 400)."""


def go_duration(seconds: float) -> str:
    """A duration as Go's time.Duration prints it (what bouncers parse), to the
    millisecond: 14400 -> `4h0m0s`, 14398.5 -> `3h59m58.5s`, -2 -> `-2s`."""
    sign = "-" if seconds < 0 else ""
    millis = round(abs(seconds) * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs = f"{millis / 1000:.3f}".rstrip("0").rstrip(".")
    if hours:
        return f"{sign}{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{sign}{minutes}m{secs}s"
    return f"{sign}{secs}s"


def decision_json(decision: Decision, now: float) -> dict[str, Any]:
    end = decision.until
    if decision.deleted_at is not None:
        end = min(end, decision.deleted_at)
    return {
        "id": decision.id,
        "origin": decision.origin,
        "type": decision.type,
        "scope": _SCOPES.get(decision.scope, decision.scope),
        "value": decision.value,
        "duration": go_duration(end - now),
        "until": iso_z(end),
        "scenario": decision.scenario,
        "simulated": decision.simulated,
    }


def _split(text: str | None) -> list[str]:
    return [part.strip().lower() for part in (text or "").split(",") if part.strip()]


def _flag(text: str | None, default: bool) -> bool:
    if text is None or text == "":
        return default
    if text.lower() in ("true", "1", "yes"):
        return True
    if text.lower() in ("false", "0", "no"):
        return False
    raise BadQuery(f"{text!r} is not true or false")


@dataclass(frozen=True, slots=True)
class _Filter:
    scopes: tuple[str, ...]
    types: tuple[str, ...]
    origins: tuple[str, ...]
    containing: tuple[str, ...]
    not_containing: tuple[str, ...]

    @classmethod
    def of(cls, query: Mapping[str, str], scopes_key: str, default_scopes: str) -> _Filter:
        return cls(
            scopes=tuple(_split(query.get(scopes_key, default_scopes))),
            types=tuple(_split(query.get("type"))),
            origins=tuple(_split(query.get("origins"))),
            containing=tuple(_split(query.get("scenarios_containing"))),
            not_containing=tuple(_split(query.get("scenarios_not_containing"))),
        )

    def keeps(self, d: Decision) -> bool:
        scenario = d.scenario.lower()
        return (
            not d.simulated
            and (not self.scopes or d.scope.lower() in self.scopes)
            and (not self.types or d.type in self.types)
            and (not self.origins or d.origin.lower() in self.origins)
            and (not self.containing or any(w in scenario for w in self.containing))
            and not any(w in scenario for w in self.not_containing)
        )


_network = network_of


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        raise BadQuery(f"{text[:64]!r} is not an IP address") from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


class DecisionsAPI:
    """Answers over one store and its keys; safe to call from many threads (the
    store's SQLite connection is serialized).

    A single address is looked up in the store (an indexed read); the decisions
    on networks, the recent changes and expiries are kept in memory by a
    `ChangeFeed` refreshed from the store's change sequence at most once a
    `refresh` (on a second connection, `reader`), and each key's stream pull
    takes its part from it. Where each key stands (its last change seq and pull
    time) is kept in memory and written to the keys table at most once a second."""

    def __init__(
        self,
        store: DecisionStore,
        keys: BouncerKeys,
        clock: Callable[[], float] = time.time,
        refresh: float = 0.25,
        reader: DecisionStore | None = None,
    ) -> None:
        self.store = store
        self.keys = keys
        self.clock = clock
        self.feed = ChangeFeed(reader or store, max_age=refresh)
        self._positions: dict[int, tuple[float, int]] = {}  # key id: (last pull, seq)

    def warm(self) -> None:
        """Read what lookups and streams share now, before the first request waits for it."""
        self.feed.state(self.clock())

    def _ranges(self, now: float) -> list[tuple[Network, Decision]]:
        return self.feed.networks(now)

    def banned(self, address: str) -> bool:
        """The gateway's question: is this address under an active ban that is not
        simulated (on itself or a network holding it)? No usable address: yes."""
        try:
            ip = _address(address)
        except BadQuery:
            return True
        now = self.clock()
        found = self.store.active(now, value=str(ip))
        found += [d for net, d in self._ranges(now) if ip in net]
        return any(d.type == "ban" and not d.simulated for d in found)

    def _matching(self, query: Mapping[str, str], now: float) -> Iterable[Decision]:
        contains = _flag(query.get("contains"), True)
        if query.get("ip"):
            ip = _address(query["ip"])
            found = self.store.active(now, value=str(ip))
            if contains:
                found += [d for net, d in self._ranges(now) if ip in net and d.value != str(ip)]
            return found
        if query.get("range"):
            wanted = _network(query["range"])
            if wanted is None:
                raise BadQuery(f"{query['range'][:64]!r} is not a CIDR range")
            if contains:
                return [
                    d
                    for net, d in self._ranges(now)
                    if net.version == wanted.version and wanted.subnet_of(net)  # type: ignore[arg-type]
                ]
            inside = []
            for d in self.store.active(now):
                net = _network(d.value)
                same = net is not None and net.version == wanted.version
                if same and net.subnet_of(wanted):  # type: ignore[arg-type,union-attr]
                    inside.append(d)
            return inside
        if query.get("value"):
            return self.store.active(now, value=query["value"].strip())
        return self.store.active(now)

    def lookup(self, query: Mapping[str, str]) -> list[dict[str, Any]] | None:
        """`GET /v1/decisions`: the active decisions matching the filters, or None."""
        wanted = _Filter.of(query, "scope", "")
        now = self.clock()
        found = [d for d in self._matching(query, now) if wanted.keeps(d)]
        return [decision_json(d, now) for d in found] or None

    def _position(self, bouncer: Bouncer) -> tuple[float, int] | None:
        """(last pull, last change seq) of a key: this process's own record when
        it is newer than the keys table's (written at most once a second)."""
        mine = self._positions.get(bouncer.id)
        if bouncer.last_pull is None and mine is None:
            return None
        stored = (bouncer.last_pull or 0.0, bouncer.last_id)
        return mine if mine is not None and mine[0] >= stored[0] else stored

    def stream(
        self,
        bouncer: Bouncer,
        query: Mapping[str, str],
        address: str = "",
        user_agent: str = "",
    ) -> dict[str, list[dict[str, Any]] | None]:
        """`GET /v1/decisions/stream`: what is new and gone since this key's last
        pull, by the store's change sequence (so a decision stored long after its
        log line's time is new all the same)."""
        startup = _flag(query.get("startup"), False)
        wanted = _Filter.of(query, "scopes", "ip,range")
        now = self.clock()
        position = None if startup else self._position(bouncer)
        gone: list[Decision] = []
        if position is None:
            seq = self.feed.state(now).seq  # before reading: what changes after comes next
            fresh, at = self.store.active(now), now
        else:
            self.feed.state(now)
            changes = self.feed.since(position[1], position[0], now)
            fresh, gone, seq, at = changes.new, changes.gone, changes.seq, changes.at
        self._positions[bouncer.id] = (at, seq)
        self.keys.pulled(bouncer, at, seq, address, user_agent)
        new = [decision_json(d, now) for d in fresh if wanted.keeps(d)]
        deleted = [decision_json(d, now) for d in gone if wanted.keeps(d)]
        return {"new": new or None, "deleted": deleted or None}

    def add(self, body: object, origin: str = "api") -> Decision:
        """An admin's decision from a JSON object: value, type, duration, reason."""
        if not isinstance(body, dict):
            raise BadQuery('give a JSON object: {"value": "203.0.113.7", "duration": "4h"}')
        value = str(body.get("value", ""))
        network = _network(value)
        if network is None or not value:
            raise BadQuery(f"value {value[:64]!r} is not an IP address or CIDR range")
        kind = str(body.get("type", "ban"))
        if kind not in TYPES:
            raise BadQuery(f"type {kind[:32]!r}: one of {', '.join(TYPES)}")
        try:
            seconds = parse_duration(body.get("duration", "4h"))
        except ValueError as exc:
            raise BadQuery(f"duration: {exc}") from None
        single = network.num_addresses == 1
        decision = Decision(
            value=str(network.network_address) if single else str(network),
            scope="ip" if single else "range",
            type=kind,
            duration=seconds,
            scenario=str(body.get("scenario", "manual"))[:128],
            reason=str(body.get("reason", "added through the admin API"))[:512],
            created_at=self.clock(),
            events=0,
            evidence=(),
            origin=origin,
        )
        return self.store.add(decision)

    def delete(self, *, id: int | None = None, value: str | None = None) -> int:
        if id is None and not value:
            raise UsageError("nothing to delete", "give a decision id or ?ip=ADDRESS")
        return self.store.delete(self.clock(), id=id, value=value)
