"""Behaviour scenarios as data: the shipped `scenarios.yaml`, overridden or
extended by `watch.scenarios` in `.shieldwall.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from shieldwall.errors import ConfigError
from shieldwall.runtime.durations import parse_duration

DECISION_TYPES = ("ban", "captcha", "throttle")
_KEYS = {
    "description", "trigger", "match", "group_by", "distinct", "capacity", "leak", "blackhole",
    "decision", "reason", "evidence", "enabled",
}  # fmt: skip
_MATCH_KEYS = {
    "login", "status", "status_not", "path", "kinds", "not_kinds", "rules", "status_anonymous",
    "anonymous",
}  # fmt: skip
_DECISIONS = (*DECISION_TYPES, "alert")  # alert: a detection, no decision stored
_HINT = "see the scenarios shipped in shieldwall/runtime/scenarios.yaml for the keys"


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    description: str
    on: str  # "request" | "detection" | "audit" (Kubernetes audit events)
    group_by: str  # "client" | "route" | "account" (the user name the log gives)
    capacity: int
    leak: float  # seconds for one event to leak out
    blackhole: float
    decision_type: str
    duration: float
    reason: str
    login: bool | None = None
    status: frozenset[int] = frozenset()
    status_not: frozenset[int] = frozenset()
    path: re.Pattern[str] | None = None
    kinds: frozenset[str] = frozenset()
    not_kinds: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()  # detection rules (RT-JNDI, ...); empty: any
    distinct: str = ""  # "" | "path" | "user" | "client" | "request" (audit: verb resource)
    scope: str = "ip"  # "ip" | "range"
    range_min: int = 3
    range_within: float = 0.0  # range_min clients of a range fail this close; 0: range_min leaks
    evidence: int = 5
    # audit: status codes that count only from an anonymous identity (system:anonymous,
    # system:unauthenticated); anonymous: only (true) or never (false) such identities
    status_anonymous: frozenset[int] = frozenset()
    anonymous: bool | None = None
    # audit, per client: the decision type instead for a private, loopback or link-local
    # client (a pod or node address, reused by the next pod); "" keeps decision_type
    private_type: str = ""


def _fail(name: str, message: str) -> ConfigError:
    return ConfigError(f"watch scenario {name!r}: {message}", _HINT)


def _ints(name: str, value: Any, what: str) -> frozenset[int]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise _fail(name, f"{what} must be a list of status codes")
    return frozenset(value)


def _strs(name: str, value: Any, what: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(name, f"{what} must be a list of names")
    return frozenset(value)


# What each trigger's events can be counted by: a detection counts against its client;
# an audit event has no route a bucket could follow.
_GROUPS: dict[str, tuple[str, ...]] = {
    "request": ("client", "route", "account"),
    "detection": ("client",),
    "audit": ("client", "account"),
}


def _choice(name: str, body: dict[str, Any], key: str, choices: tuple[str, ...]) -> str:
    value = body.get(key, choices[0])
    if value not in choices:
        raise _fail(name, f"{key} must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def _number(name: str, body: dict[str, Any], key: str, low: int) -> int:
    value = body.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise _fail(name, f"{key} must be a whole number of at least {low}")
    return value


def _duration(name: str, value: Any, key: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise _fail(name, f"{key}: {exc}") from None


def build(name: str, body: dict[str, Any]) -> Scenario:
    """One scenario from its mapping; ConfigError naming the scenario when wrong."""
    unknown = set(body) - _KEYS
    if unknown:
        raise _fail(name, f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    match = body.get("match") or {}
    decision = body.get("decision")
    if not isinstance(match, dict) or set(match) - _MATCH_KEYS:
        raise _fail(name, f"match takes only {', '.join(sorted(_MATCH_KEYS))}")
    if not isinstance(decision, dict):
        raise _fail(name, "decision must be a mapping with type and duration")
    path = match.get("path")
    try:
        pattern = re.compile(path, re.VERBOSE | re.IGNORECASE) if path else None
    except (re.error, TypeError) as exc:
        raise _fail(name, f"match.path is not a regular expression: {exc}") from None
    login, anonymous = match.get("login"), match.get("anonymous")
    for key, flag in (("login", login), ("anonymous", anonymous)):
        if flag is not None and not isinstance(flag, bool):
            raise _fail(name, f"match.{key} must be true or false")
    reason = body.get("reason", "{events} events in {seconds} s")
    if not isinstance(reason, str):
        raise _fail(name, "reason must be text")
    on = _choice(name, body, "trigger", tuple(_GROUPS))
    group_by = body.get("group_by", "client")
    if group_by not in _GROUPS[on]:
        raise _fail(
            name,
            f"group_by for trigger {on} must be one of {', '.join(_GROUPS[on])}, not {group_by!r}",
        )
    return Scenario(
        name=name,
        description=str(body.get("description", "")),
        on=on,
        group_by=str(group_by),
        capacity=_number(name, body, "capacity", 0),
        leak=_duration(name, body.get("leak"), "leak"),
        blackhole=_duration(name, body.get("blackhole", "1m"), "blackhole"),
        decision_type=_choice(name, decision, "type", _DECISIONS),
        duration=0.0
        if decision.get("type") == "alert"
        else _duration(name, decision.get("duration"), "decision.duration"),
        scope=_choice(name, decision, "scope", ("ip", "range")),
        range_min=int(decision.get("range_min", 3)),
        range_within=_duration(name, decision["range_within"], "decision.range_within")
        if "range_within" in decision
        else 0.0,
        reason=reason,
        login=login,
        status=_ints(name, match.get("status", []), "match.status"),
        status_not=_ints(name, match.get("status_not", []), "match.status_not"),
        path=pattern,
        kinds=_strs(name, match.get("kinds", []), "match.kinds"),
        not_kinds=_strs(name, match.get("not_kinds", []), "match.not_kinds"),
        rules=_strs(name, match.get("rules", []), "match.rules"),
        distinct=_choice(name, body, "distinct", ("", "path", "user", "client", "request"))
        if "distinct" in body
        else "",
        evidence=_number(name, {"evidence": body.get("evidence", 5)}, "evidence", 1),
        status_anonymous=_ints(name, match.get("status_anonymous", []), "match.status_anonymous"),
        anonymous=anonymous,
        private_type=_choice(name, decision, "private", ("", *_DECISIONS))
        if "private" in decision
        else "",
    )


def shipped() -> dict[str, dict[str, Any]]:
    text = resources.files("shieldwall.runtime").joinpath("scenarios.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return dict(data["scenarios"])


def load(overrides: dict[str, Any] | None = None) -> tuple[Scenario, ...]:
    """The shipped scenarios with the user's overrides merged key by key."""
    bodies = shipped()
    for name, body in (overrides or {}).items():
        if not isinstance(body, dict):
            raise _fail(str(name), "must be a mapping of keys to override")
        merged = {**bodies.get(str(name), {}), **body}
        if "match" in body and str(name) in bodies:
            merged["match"] = body["match"]
        bodies[str(name)] = merged
    return tuple(
        build(name, {k: v for k, v in body.items() if k != "enabled"})
        for name, body in bodies.items()
        if body.get("enabled", True) is not False
    )
