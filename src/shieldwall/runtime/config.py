"""`watch:` in `.shieldwall.yaml`: trusted proxies, login routes, allowlists,
simulation, the decisions database, bucket bounds and scenario overrides."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from shieldwall.errors import ConfigError, SourceError
from shieldwall.runtime import scenarios as scenario_data
from shieldwall.runtime.clients import Network, parse_networks
from shieldwall.runtime.scenarios import Scenario
from shieldwall.sources.safe_files import CONTROL_FILE_MAX_BYTES, read_bounded

DEFAULT_LOGIN = (
    r"(?:^|/)(?:login|log-in|signin|sign-in|sign_in|logon|auth|authenticate|session|sessions"
    r"|token|oauth/token|oauth2/token|wp-login\.php|j_security_check|users/sign_in)(?:$|[/.])"
)
_KEYS = {
    "trusted_proxies", "login_paths", "login_methods", "login_fields", "allowlist", "simulate",
    "database", "max_buckets", "scenarios", "paranoia",
}  # fmt: skip
# A login body's field that holds a secret: never an account field (`watch.login_fields`).
_SECRET_FIELD = re.compile(r"pass|pwd|secret|token|otp|pin\b", re.IGNORECASE)
PARANOIA_LEVELS = (1, 2, 3, 4)
_HINT = "see the `watch:` keys in docs/DESIGN.md (runtime section)"


@dataclass(frozen=True, slots=True)
class WatchConfig:
    trusted_proxies: tuple[Network, ...] = ()
    login_path: re.Pattern[str] = field(default_factory=lambda: re.compile(DEFAULT_LOGIN, re.I))
    login_methods: frozenset[str] = frozenset({"POST"})
    login_fields: tuple[str, ...] = ()  # a site's own user-name fields, before the usual ones
    allow_networks: tuple[Network, ...] = ()
    allow_agents: re.Pattern[str] | None = None
    simulate: bool = False
    database: str = ".shieldwall/decisions.db"
    max_buckets: int = 2_000_000
    paranoia: int = 1  # 1-4: level 2+ adds the stricter fragment detections
    scenarios: tuple[Scenario, ...] = field(default_factory=scenario_data.load)

    def is_login(self, method: str, path: str) -> bool:
        """A login request: a login method on a login route."""
        return method in self.login_methods and self.login_path.search(path) is not None


def _list(body: dict[str, Any], key: str, where: str) -> list[str]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: watch.{key} must be a list of strings", _HINT)
    return value


def _regex(values: list[str], what: str, where: str) -> re.Pattern[str] | None:
    if not values:
        return None
    try:
        return re.compile("|".join(f"(?:{v})" for v in values), re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(
            f"{where}: watch.{what}: not a regular expression: {exc}", _HINT
        ) from None


def from_mapping(body: Any, where: str = ".shieldwall.yaml") -> WatchConfig:
    if body is None:
        return WatchConfig()
    if not isinstance(body, dict):
        raise ConfigError(f"{where}: watch must be a mapping", _HINT)
    unknown = set(body) - _KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown watch key(s) {', '.join(sorted(unknown))}", _HINT)
    allow = body.get("allowlist") or {}
    if not isinstance(allow, dict) or set(allow) - {"cidrs", "user_agents"}:
        raise ConfigError(f"{where}: watch.allowlist takes cidrs and user_agents", _HINT)
    login = _list(body, "login_paths", where)
    fields = _list(body, "login_fields", where)
    for name in fields:
        if not name.strip() or _SECRET_FIELD.search(name):
            raise ConfigError(
                f"{where}: watch.login_fields: {name!r} is not a user-name field "
                "(a password, token or empty name is never read)",
                _HINT,
            )
    max_buckets = body.get("max_buckets", 2_000_000)
    if not isinstance(max_buckets, int) or isinstance(max_buckets, bool) or max_buckets < 1000:
        raise ConfigError(f"{where}: watch.max_buckets must be a number of at least 1000", _HINT)
    paranoia = body.get("paranoia", 1)
    if paranoia not in PARANOIA_LEVELS or isinstance(paranoia, bool):
        raise ConfigError(f"{where}: watch.paranoia must be 1, 2, 3 or 4", _HINT)
    database = body.get("database", ".shieldwall/decisions.db")
    if not isinstance(database, str) or not database:
        raise ConfigError(f"{where}: watch.database must be a path or a postgresql:// URL", _HINT)
    overrides = body.get("scenarios") or {}
    if not isinstance(overrides, dict):
        raise ConfigError(f"{where}: watch.scenarios must map scenario names to keys", _HINT)
    return WatchConfig(
        trusted_proxies=parse_networks(
            _list(body, "trusted_proxies", where), "watch.trusted_proxies"
        ),
        login_path=_regex(login, "login_paths", where) or re.compile(DEFAULT_LOGIN, re.I),
        login_methods=frozenset(m.upper() for m in _list(body, "login_methods", where))
        or frozenset({"POST"}),
        login_fields=tuple(fields),
        allow_networks=parse_networks(_list(allow, "cidrs", where), "watch.allowlist.cidrs"),
        allow_agents=_regex(_list(allow, "user_agents", where), "allowlist.user_agents", where),
        simulate=bool(body.get("simulate", False)),
        database=database,
        max_buckets=max_buckets,
        paranoia=paranoia,
        scenarios=scenario_data.load(overrides),
    )


def load_file(path: Path) -> WatchConfig:
    """The `watch:` mapping of a `.shieldwall.yaml` (defaults when it has none)."""
    try:
        data = yaml.safe_load(read_bounded(path, CONTROL_FILE_MAX_BYTES).decode("utf-8"))
    except SourceError as exc:
        raise ConfigError(exc.message, _HINT) from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read it: {exc}", _HINT) from None
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping", _HINT)
    return from_mapping((data or {}).get("watch"), str(path))
