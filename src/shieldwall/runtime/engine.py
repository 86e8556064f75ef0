"""The detection engine: events in, detections and decisions out. Log time is
the clock, so a replay is deterministic and a follow is as fresh as its log."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from shieldwall.runtime import audit_buckets
from shieldwall.runtime.buckets import BucketTable, Overflow
from shieldwall.runtime.clients import ClientResolver, range_of
from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.decisions import Decision, Detection, escalated
from shieldwall.runtime.detect.payload import Hit, PayloadDetector
from shieldwall.runtime.events import AuditEvent, HttpEvent
from shieldwall.runtime.k8s import AuditWatcher
from shieldwall.runtime.login_body import Ranks, account_from_body, ranks
from shieldwall.runtime.scenarios import Scenario
from shieldwall.runtime.store import DecisionStore

Output = Detection | Decision
_NONE: tuple[Output, ...] = ()
SWEEP_EVERY = 65536
MAX_SAMPLES = 5
PATH_CACHE = 65536
_CUT = Hit("oversized", "RT-OVERSIZED", "line")  # a log line longer than the reader's bound


@dataclass(slots=True)
class Stats:
    lines: int = 0
    unparsed: int = 0
    samples: list[str] = field(default_factory=list)
    detections: Counter[str] = field(default_factory=Counter)
    decisions: Counter[str] = field(default_factory=Counter)
    suppressed: int = 0  # overflows that found an active decision on the value
    last_time: float = 0.0  # log time of the newest event

    def unparsed_line(self, ref: str, text: str) -> None:
        self.unparsed += 1
        if len(self.samples) < MAX_SAMPLES:
            shown = text[:200].encode("ascii", "backslashreplace").decode("ascii")
            self.samples.append(f"{ref}: {shown}")


@dataclass(slots=True)
class _Attack:
    """A route or account whose bucket of a range scenario overflowed: until `until`,
    the clients failing on it are gathered by range (each with the time of its last
    failure), and a range is decided on as soon as `range_min` of its clients failed
    within `range_within` (default `range_min` leaks) of each other, not only the
    ranges of the first overflow.
    A range's few people mistyping a password minutes apart do not add up."""

    until: float
    since: float
    clusters: dict[str, dict[str, float]]
    decided: set[str]


MAX_ATTACK_RANGES = 65536  # ranges gathered on one route or account under attack, at most


def _simple(scenario: Scenario) -> bool:
    """Every request of a client counts: no login, path or distinct test."""
    return (
        scenario.login is None
        and scenario.path is None
        and not scenario.distinct
        and scenario.group_by == "client"
    )


def _within(scenario: Scenario) -> float:
    """How close together `range_min` clients of a range must fail."""
    return scenario.range_within or scenario.range_min * scenario.leak


def _group(scenario: Scenario, client: str, event: HttpEvent) -> str:
    """The bucket key: the client, the route, or the account (the user name the log
    gives, folded to lower case; "" when it gives none, and the event is not counted)."""
    if scenario.group_by == "client":
        return client
    if scenario.group_by == "route":
        return f"{event.method} {event.path}"
    return event.user.strip().lower()[:200]


def _reason(scenario: Scenario, overflow: Overflow, route: str) -> str:
    return scenario.reason.format_map(
        {
            "events": overflow.events,
            "seconds": int(overflow.last - overflow.first),
            "route": route,
            "distinct": len(overflow.distinct) if overflow.distinct else overflow.events,
            "account": overflow.key if scenario.group_by == "account" else "",
        }
    )


def _with_body_account(event: HttpEvent, fields: Ranks) -> HttpEvent:
    """A login request whose log gives no user name but its body (ModSecurity): the
    account its body names, as `user`, for every scenario after."""
    content_type = next((v for k, v in event.headers if k == "content-type"), "")
    account = account_from_body(event.body, content_type, fields)
    return event._replace(user=account) if account else event


class Engine:
    def __init__(self, config: WatchConfig, store: DecisionStore) -> None:
        self.config = config
        self.store = store
        self.stats = Stats()
        self._clients = ClientResolver(config.trusted_proxies)
        self._payloads = PayloadDetector(config.paranoia)
        self._audit = AuditWatcher()
        self._login_fields = ranks(config.login_fields)
        self._tables = {
            s.name: BucketTable(s.capacity, s.leak, s.blackhole, s.evidence)
            for s in config.scenarios
        }
        self._on_request = [
            (s, self._tables[s.name]) for s in config.scenarios if s.on == "request"
        ]
        self._on_detection = [
            (s, self._tables[s.name]) for s in config.scenarios if s.on == "detection"
        ]
        self._on_audit = [(s, self._tables[s.name]) for s in config.scenarios if s.on == "audit"]
        self._allowed: dict[str, bool] = {}
        self._allow_networks = bool(config.allow_networks)
        self._proxies = bool(config.trusted_proxies)
        self._keys = self._clients.cache
        self._allow_agents = config.allow_agents
        # per status: the request scenarios it may count for, whether every request
        # counts, and the scenario's verdicts on paths (when it has a path expression)
        self._by_status: dict[
            int, list[tuple[Scenario, BucketTable, bool, dict[str, bool] | None]]
        ] = {}
        self._active: dict[str, float] = {}  # value -> until, for dedup
        self._earlier: dict[str, int] = {}  # value -> decisions made before (escalation)
        self._since_sweep = 0
        self._paths: dict[str, dict[str, bool]] = {s.name: {} for s in config.scenarios}
        self._attacks: dict[tuple[str, str], _Attack] = {}  # (scenario, route) under attack

    # --- HTTP -----------------------------------------------------------------

    def http(
        self, event: HttpEvent, ref: str, cut: bool = False
    ) -> tuple[Output, ...] | list[Output]:
        """One request's detections and decisions; `cut`: read from the first part of a
        line longer than the reader's bound, flagged as oversized."""
        now = event.time
        stats = self.stats
        if now > stats.last_time:
            stats.last_time = now
        self._since_sweep += 1
        if self._since_sweep >= SWEEP_EVERY:
            self.sweep(now)
        if event.xff and self._proxies:
            client = self._clients.client(event.remote, event.xff)
        else:
            client = self._keys.get(event.remote) or self._clients.key(event.remote)
        out: list[Output] | None = None
        hits = self._payloads.scan(event)
        if cut and not any(h.kind == "oversized" for h in hits):
            hits = [*hits, _CUT]
        allowed = self._allowed_client(client) if self._allow_networks else False
        if hits:
            out = []
            request = event.request
            for hit in hits:
                stats.detections[hit.kind] += 1
                out.append(Detection(ref, client, hit.kind, hit.rule, request, now))
            if client and not allowed:
                for scenario, table in self._on_detection:
                    if any(self._hit_matches(scenario, h.kind, h.rule) for h in hits):
                        overflow = table.pour(client, now, ref)
                        if overflow is not None:
                            out.extend(self._decide(scenario, overflow, event, now))
        if not client or allowed:
            return out or _NONE
        agents = self._allow_agents
        if agents is not None and event.user_agent and agents.search(event.user_agent):
            return out or _NONE
        status = event.status
        candidates = self._by_status.get(status)
        if candidates is None:
            candidates = self._by_status[status] = [
                (s, t, _simple(s), self._paths[s.name] if s.path is not None else None)
                for s, t in self._on_request
                if (not s.status or status in s.status) and status not in s.status_not
            ]
        login: bool | None = None
        if event.body and not event.user:  # the account a login form or object names
            login = self.config.is_login(event.method, event.path)
            if login:
                event = _with_body_account(event, self._login_fields)
        for scenario, table, simple, paths in candidates:
            if simple:  # every request of the client counts
                overflow = table.pour(client, now, ref)
            else:
                if scenario.login is not None:
                    if login is None:
                        login = self.config.is_login(event.method, event.path)
                    if login != scenario.login:
                        continue
                if paths is not None:
                    known = paths.get(event.path)
                    if known is None:
                        known = self._path_matches(scenario, event.path)
                    if not known:
                        continue
                if self._attacks and scenario.group_by != "client":
                    followed = self._follow(scenario, client, event, ref)
                    if followed is not None:
                        if followed:
                            out = [*(out or ()), *followed]
                        continue
                if scenario.distinct or scenario.group_by != "client":
                    overflow = self._pour(scenario, table, client, event, ref)
                else:
                    overflow = table.pour(client, now, ref)
            if overflow is not None:
                if out is None:
                    out = []
                out.extend(self._decide(scenario, overflow, event, now))
        return out or _NONE

    def names_client(self, event: HttpEvent) -> bool:
        """Whether the event names its client: not a trusted proxy's address alone (a
        line cut before its X-Forwarded-For would blame the proxy)."""
        return bool(event.xff) or not self._proxies or not self._clients.is_proxy(event.remote)

    def _path_matches(self, scenario: Scenario, path: str) -> bool:
        """A scenario's path expression on a path; paths repeat, so verdicts are kept."""
        cache = self._paths[scenario.name]
        known = cache.get(path)
        if known is None:
            assert scenario.path is not None
            known = scenario.path.search(path) is not None
            if len(cache) >= PATH_CACHE:
                cache.clear()
            cache[path] = known
        return known

    @staticmethod
    def _hit_matches(scenario: Scenario, kind: str, rule: str) -> bool:
        if scenario.kinds and kind not in scenario.kinds:
            return False
        if scenario.rules and rule not in scenario.rules:
            return False
        return kind not in scenario.not_kinds

    def _pour(
        self, scenario: Scenario, table: BucketTable, client: str, event: HttpEvent, ref: str
    ) -> Overflow | None:
        key = _group(scenario, client, event)
        if not key:
            return None
        distinct = scenario.distinct
        if not distinct:
            return table.pour(key, event.time, ref)
        value = {"path": event.path, "user": event.user, "client": client}[distinct]
        if not value:
            return None
        return table.pour(key, event.time, ref, value)

    def _allowed_client(self, client: str) -> bool:
        networks = self.config.allow_networks
        if not networks or not client:
            return False
        known = self._allowed.get(client)
        if known is None:
            import ipaddress

            try:
                net = ipaddress.ip_network(client, strict=False)
                known = any(net.subnet_of(a) for a in networks if a.version == net.version)  # type: ignore[arg-type]
            except ValueError:
                known = False
            if len(self._allowed) > 65536:
                self._allowed.clear()
            self._allowed[client] = known
        return known

    # --- decisions ------------------------------------------------------------

    def _decide(
        self, scenario: Scenario, overflow: Overflow, event: HttpEvent, now: float
    ) -> list[Output]:
        route = f"{event.method} {event.path}"[:300]
        reason = _reason(scenario, overflow, route)
        if scenario.decision_type == "alert":
            return [self._alert(scenario, overflow, reason, now)]
        if scenario.group_by != "client":
            return self._group_alert(scenario, overflow, route, reason, now)
        out: list[Output] = []
        scope = "range" if "/" in overflow.key else "ip"
        made = self._make(scenario, overflow.key, scope, reason, overflow, now)
        if made is not None:
            out.append(made)
        return out

    def _group_alert(
        self, scenario: Scenario, overflow: Overflow, route: str, reason: str, now: float
    ) -> list[Output]:
        """The alert on a route or an account, then, with scope range, the ranges
        holding `range_min` of its failing clients. The bucket keeps no time per
        client, so each is taken as failing at the bucket's start: a range is decided
        on now only when the whole bucket fits in the window."""
        self.stats.detections[scenario.name] += 1
        if scenario.group_by == "account":
            source = f"account:{overflow.key}"
            request = (
                f"{route} as {overflow.key!r}: {len(overflow.distinct)} clients "
                f"({', '.join(overflow.distinct[:20])}); lines {', '.join(overflow.refs)}"
            )
        else:
            source = request = route
        out: list[Output] = [
            Detection(overflow.refs[-1], source, scenario.name, scenario.name, request, now)
        ]
        if scenario.scope != "range":
            return out
        clusters: dict[str, dict[str, float]] = {}
        for client in overflow.distinct:
            clusters.setdefault(range_of(client), {})[client] = overflow.first
        attack = _Attack(now + scenario.blackhole, overflow.first, clusters, set())
        self._attacks[(scenario.name, overflow.key)] = attack
        if overflow.last - overflow.first > _within(scenario):
            return out
        for value, clients in sorted(clusters.items()):
            if len(clients) >= scenario.range_min:
                attack.decided.add(value)
                made = self._make(scenario, value, "range", reason, overflow, now)
                if made is not None:
                    out.append(made)
        return out

    def _follow(
        self, scenario: Scenario, client: str, event: HttpEvent, ref: str
    ) -> list[Output] | None:
        """On a route or account under attack, the client's range decided on once it
        holds `range_min` of the failing clients within the window; None when the
        route or account is not under attack."""
        group = _group(scenario, client, event)
        if not group:
            return None
        key = (scenario.name, group)
        attack = self._attacks.get(key)
        if attack is None:
            return None
        now = event.time
        if now >= attack.until:
            del self._attacks[key]
            return None
        value = range_of(client)
        clients = attack.clusters.get(value)
        if clients is None:
            if len(attack.clusters) >= MAX_ATTACK_RANGES:
                return []
            clients = attack.clusters[value] = {}
        if value in attack.decided:
            return []
        clients[client] = now
        if len(clients) < scenario.range_min:
            return []
        since = now - _within(scenario)
        for old in [c for c, t in clients.items() if t < since]:
            del clients[old]
        if len(clients) < scenario.range_min:
            return []
        attack.decided.add(value)
        overflow = Overflow(key[1], len(clients), attack.since, now, (ref,), tuple(sorted(clients)))
        reason = scenario.reason.format_map(
            {
                "events": len(clients),
                "seconds": int(now - attack.since),
                "route": f"{event.method} {event.path}"[:300],
                "distinct": len(clients),
                "account": group if scenario.group_by == "account" else "",
            }
        )
        made = self._make(scenario, value, "range", reason, overflow, now)
        return [made] if made is not None else []

    def _make(
        self,
        scenario: Scenario,
        value: str,
        scope: str,
        reason: str,
        overflow: Overflow,
        now: float,
    ) -> Decision | None:
        until = self._active.get(value)
        if until is not None and now < until:
            self.stats.suppressed += 1
            return None
        earlier = self._earlier.get(value)
        if earlier is None:
            earlier = self.store.count_for(value)
        duration = escalated(scenario.duration, earlier)
        if earlier:
            reason += f"; decision {earlier + 1} on {value}, duration escalated"
        decision = Decision(
            value=value,
            scope=scope,
            type=scenario.decision_type,
            duration=duration,
            scenario=scenario.name,
            reason=reason,
            created_at=now,
            events=overflow.events,
            evidence=overflow.refs,
            simulated=self.config.simulate,
        )
        decision = self.store.add(decision)
        self._earlier[value] = earlier + 1
        self._active[value] = decision.until
        self.stats.decisions[scenario.decision_type] += 1
        return decision

    def remember(self, decision: Decision) -> None:
        """A decision made earlier (a worker before its restart): none again while it lasts."""
        if decision.until > self._active.get(decision.value, 0.0):
            self._active[decision.value] = decision.until

    def _alert(self, scenario: Scenario, overflow: Overflow, reason: str, now: float) -> Detection:
        """A scenario whose decision is `alert`: a detection naming the bucket's key
        (the client, or `account:NAME`), the distinct values and the evidence lines."""
        self.stats.detections[scenario.name] += 1
        source = f"account:{overflow.key}" if scenario.group_by == "account" else overflow.key
        seen = f" ({', '.join(overflow.distinct[:20])})" if overflow.distinct else ""
        request = f"{reason}{seen}; lines {', '.join(overflow.refs)}"
        return Detection(overflow.refs[-1], source, scenario.name, scenario.name, request, now)

    # --- Kubernetes audit -----------------------------------------------------

    def audit(self, event: AuditEvent, ref: str) -> list[Output]:
        now = event.time
        if now > self.stats.last_time:
            self.stats.last_time = now
        checked = self._audit.check(event, ref)
        for detection in checked:
            self.stats.detections[detection.kind] += 1
        found: list[Output] = list(checked)
        if not self._on_audit or 200 <= event.code < 400:
            return found
        client = audit_buckets.client_of(event, self._clients)
        if client and self._allow_networks and self._allowed_client(client):
            return found
        for scenario, table in self._on_audit:
            if not audit_buckets.counts(scenario, event):
                continue
            key = audit_buckets.key_of(scenario, event, client)
            value = audit_buckets.value_of(scenario, event, client)
            if not key or value == "":
                continue
            overflow = table.pour(key, now, ref, value)
            if overflow is None:
                continue
            reason = _reason(scenario, overflow, audit_buckets.request_of(event))
            chosen = audit_buckets.decision_type(scenario, overflow.key)
            if chosen == "alert":
                found.append(self._alert(scenario, overflow, reason, now))
            else:
                if chosen != scenario.decision_type:
                    scenario = replace(scenario, decision_type=chosen)
                scope = "range" if "/" in overflow.key else "ip"
                made = self._make(scenario, overflow.key, scope, reason, overflow, now)
                if made is not None:
                    found.append(made)
        return found

    # --- bounds ---------------------------------------------------------------

    def sweep(self, now: float) -> None:
        """Forget what leaked away; keep at most max_buckets buckets in all."""
        self._since_sweep = 0
        for table in self._tables.values():
            table.sweep(now)
        total = self.buckets()
        limit = self.config.max_buckets
        if total > limit:  # the oldest go, from each scenario in proportion to its share
            for table in self._tables.values():
                table.sweep(now, len(table) - -(-len(table) * (total - limit) // total))
        for key in [k for k, a in self._attacks.items() if a.until <= now]:
            del self._attacks[key]
        if len(self._active) > 100_000:
            self._active = {v: u for v, u in self._active.items() if u > now}

    def buckets(self) -> int:
        return sum(len(t) for t in self._tables.values())
