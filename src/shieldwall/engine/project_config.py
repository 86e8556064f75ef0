"""`.shieldwall.yaml`: the gateway, exceptions with expiry, excludes, the gate."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from shieldwall.errors import ConfigError, SourceError
from shieldwall.model import GatewaySettings, Settings, Severity
from shieldwall.model.settings import parse_age
from shieldwall.sources.safe_files import CONTROL_FILE_MAX_BYTES, read_bounded
from shieldwall.sources.yaml_tree import Document, YMap, YSeq, parse_documents

CONFIG_NAMES = (".shieldwall.yaml", ".shieldwall.yml")
_KNOWN_KEYS = {"gateway", "exceptions", "exclude", "fail_on", "max_file_size", "deps", "watch"}
_DEPS_KEYS = ("require_db", "max_db_age")


@dataclass(frozen=True, slots=True)
class ExceptionEntry:
    """An accepted risk: a rule (glob) on a path/resource (globs), with a reason."""

    rule: str
    reason: str
    path: str = "*"
    resource: str = "*"
    expires: dt.date | None = None
    line: int = 0  # where it is written in the config file


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    path: str = ""  # relative to the scanned root, "" when there is none
    settings: Settings = field(default_factory=Settings)
    exceptions: tuple[ExceptionEntry, ...] = ()
    excludes: tuple[str, ...] = ()
    fail_on: Severity | None = None  # None: not set, or `none` when fail_on_set
    fail_on_set: bool = False
    # "repository": found in the scanned tree; "cli": named by --config (the CI's own).
    origin: str = "repository"


def find_config(root: Path) -> Path | None:
    base = root if root.is_dir() else root.parent
    for name in CONFIG_NAMES:
        candidate = base / name
        if os.path.lexists(candidate):  # a FIFO or a link out is found, then refused
            return candidate
    return None


def _fail(path: str, line: int, message: str, hint: str = "") -> ConfigError:
    return ConfigError(
        f"{path}:{line}: {message}", hint or "see `shieldwall scan --help` and the README"
    )


def _str_list(value: Any, path: str, line: int, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise _fail(path, line, f"{what} must be a string or a list of strings")


def _shown(text: str, limit: int = 120) -> str:
    """At most one line of `limit` characters of what a config file says."""
    first = text.splitlines()[0] if text else ""
    return first if len(first) <= limit else first[: limit - 3] + "..."


def _read(file: Path, display: str, trusted: bool) -> str:
    """The config's text: a regular file under the size cap, never a FIFO or a
    device; unless `trusted` (given on the command line), inside the directory it
    was found in, so that a repository cannot point the scan at the runner's files.
    Errors name the file, never what is in it."""
    try:
        data = read_bounded(
            file, CONTROL_FILE_MAX_BYTES, root=None if trusted else file.parent, what=display
        )
    except SourceError as exc:
        hint = (
            f"give --config a regular file of at most {CONTROL_FILE_MAX_BYTES} bytes"
            if trusted
            else f"the configuration must be a regular file of at most {CONTROL_FILE_MAX_BYTES}"
            " bytes inside the scanned directory; give one kept elsewhere with --config"
        )
        raise ConfigError(exc.message, hint) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{display}: not valid UTF-8 at byte {exc.start}", "save the file as UTF-8"
        ) from None


def load_config(file: Path, display: str, trusted: bool = False) -> ProjectConfig:
    """`file`, found in the scanned directory or, `trusted`, named by --config."""
    text = _read(file, display, trusted)
    docs = list(parse_documents(text))
    if not docs:
        return ProjectConfig(path=display)
    doc = docs[0]
    if not isinstance(doc, Document):
        err: SourceError = doc.error
        raise ConfigError(
            f"{display}: {_shown(err.message)}", "fix the YAML syntax of the config file"
        )
    body = doc.content
    if not isinstance(body, YMap):
        raise _fail(display, doc.start_line, "the config must be a mapping")
    _known_keys(body, sorted(_KNOWN_KEYS), display)
    settings = Settings(gateway=_gateway(body, display))
    if "max_file_size" in body:
        size = body["max_file_size"]
        if not isinstance(size, int) or size <= 0:
            raise _fail(display, body.line_of("max_file_size"), "max_file_size must be bytes > 0")
        settings = Settings(gateway=settings.gateway, max_file_bytes=size)
    settings = _deps(body, display, settings)
    fail_on = None
    if "fail_on" in body:
        try:
            text = str(body["fail_on"])
            fail_on = None if text.strip().lower() == "none" else Severity.parse(text)
        except ValueError as exc:
            raise _fail(display, body.line_of("fail_on"), str(exc)) from exc
    return ProjectConfig(
        path=display,
        settings=settings,
        exceptions=_exceptions(body, display),
        excludes=_str_list(body.get("exclude"), display, body.line_of("exclude"), "exclude"),
        fail_on=fail_on,
        fail_on_set="fail_on" in body,
    )


def _known_keys(mapping: YMap, known: Sequence[str], display: str, prefix: str = "") -> None:
    unknown = sorted(str(k) for k in mapping if k not in known)
    if unknown:
        raise _fail(
            display,
            mapping.line_of(unknown[0]),
            f"unknown key {_shown(repr(prefix + unknown[0]), 60)}",
            f"known keys: {', '.join(known)}",
        )


def _gateway(body: YMap, display: str) -> GatewaySettings:
    gw = body.get("gateway")
    if gw is None:
        return GatewaySettings()
    if not isinstance(gw, YMap):
        raise _fail(
            display,
            body.line_of("gateway"),
            "gateway must be a mapping",
            "write `gateway: {workloads: [Deployment/<ns>/<name>]}`",
        )
    return GatewaySettings(
        workloads=_str_list(gw.get("workloads"), display, gw.line_of("workloads"), "workloads"),
        services=_str_list(gw.get("services"), display, gw.line_of("services"), "services"),
    )


def _deps(body: YMap, display: str, settings: Settings) -> Settings:
    """`deps: {require_db: false, max_db_age: 7d}`: when the vulnerability database may
    be missing, and how old it may be."""
    deps = body.get("deps")
    if deps is None:
        return settings
    if not isinstance(deps, YMap):
        hint = "write `deps: {max_db_age: 7d}`"
        raise _fail(display, body.line_of("deps"), "deps must be a mapping", hint)
    _known_keys(deps, _DEPS_KEYS, display, "deps.")
    if "require_db" in deps:
        if not isinstance(deps["require_db"], bool):
            raise _fail(display, deps.line_of("require_db"), "require_db must be true or false")
        settings = replace(settings, require_db=deps["require_db"])
    if "max_db_age" in deps:
        value = deps["max_db_age"]
        try:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise ValueError(f"{value!r} is not an age: give days such as 7d")
            days = parse_age(str(value))
        except ValueError as exc:
            raise _fail(display, deps.line_of("max_db_age"), f"max_db_age: {exc}") from None
        settings = replace(settings, max_db_age_days=days)
    return settings


def _exceptions(body: YMap, display: str) -> tuple[ExceptionEntry, ...]:
    raw = body.get("exceptions")
    if raw is None:
        return ()
    if not isinstance(raw, YSeq):
        raise _fail(display, body.line_of("exceptions"), "exceptions must be a list")
    out = []
    for i, item in enumerate(raw):
        line = raw.line_of(i)
        if not isinstance(item, YMap):
            raise _fail(display, line, "each exception must be a mapping with rule and reason")
        rule = item.get("rule")
        reason = item.get("reason")
        if not isinstance(rule, str) or not rule:
            raise _fail(display, line, "exception without a `rule`")
        if not isinstance(reason, str) or not reason.strip():
            raise _fail(
                display,
                line,
                f"exception for {rule} has no `reason`",
                "say why the risk is accepted; reviewers read it",
            )
        expires = item.get("expires")
        if expires is not None and not isinstance(expires, dt.date):
            try:
                expires = dt.date.fromisoformat(str(expires))
            except ValueError:
                raise _fail(
                    display,
                    item.line_of("expires"),
                    f"expires {_shown(repr(expires), 60)} is not a date",
                    "use YYYY-MM-DD",
                ) from None
        if isinstance(expires, dt.datetime):
            expires = expires.date()
        out.append(
            ExceptionEntry(
                rule=rule,
                reason=reason.strip(),
                path=str(item.get("path", "*")),
                resource=str(item.get("resource", "*")),
                expires=expires,
                line=line,
            )
        )
    return tuple(out)
