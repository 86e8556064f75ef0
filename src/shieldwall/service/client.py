"""The findings service seen from CI: upload a report, pull triage as exceptions.

Pulled decisions are cached on disk per server and project. When the server
cannot be reached, the last cached decisions apply (acceptances past their expiry
excluded) and a warning says so; with no cache, none apply. Either way the
server's unavailability only ever leaves findings unsuppressed: it can make a
gate fail, never pass."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shieldwall.service.errors import ServerUnavailable

TIMEOUT = 30.0
SCHEMA = "shieldwall/exceptions/v1"


@dataclass(frozen=True)
class Pulled:
    decisions: dict[str, str]  # fingerprint -> reason shown on the suppressed finding
    warning: str = ""
    # "RULE|kind/namespace/name" -> reason: what an admission review can match.
    by_resource: dict[str, str] = field(default_factory=dict)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "shieldwall" / "server"


def _api(server: str, project: str, tail: str) -> str:
    return f"{server.rstrip('/')}/api/v1/projects/{project}/{tail}"


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def upload(
    server: str, project: str, token: str, report: bytes, branch: str, commit: str
) -> dict[str, Any]:
    """POST the report; the scan record the server answers with. ServerUnavailable
    when it cannot be reached or refuses (the message says which)."""
    import httpx

    params = {"branch": branch, **({"commit": commit} if commit else {})}
    try:
        response = httpx.post(
            _api(server, project, "scans"),
            content=report,
            params=params,
            headers={**_headers(token), "Content-Type": "application/json"},
            timeout=TIMEOUT,
        )
    except httpx.HTTPError as exc:
        raise ServerUnavailable(
            f"cannot upload to {server}: {exc}", "check the URL and that the service runs"
        ) from None
    _check(response.status_code, response.text, server)
    scan: dict[str, Any] = response.json()["scan"]
    return scan


def _check(status: int, text: str, server: str) -> None:
    if status in (200, 201, 202):
        return
    if status == 401:
        raise ServerUnavailable(
            f"{server} refused the token (401)",
            "set SHIELDWALL_TOKEN to a live token (`shieldwall serve token create`)",
        )
    if status in (403, 404):
        raise ServerUnavailable(
            f"{server} answered {status}: the token holds no such role on this project",
            "check --project and the token's role (uploading needs triager)",
        )
    raise ServerUnavailable(f"{server} answered {status}: {text[:300]}")


def _cache_file(server: str, project: str, directory: Path) -> Path:
    key = hashlib.sha256(f"{server.rstrip('/')}\n{project}".encode()).hexdigest()[:32]
    return directory / f"{key}.json"


def pull_decisions(
    server: str,
    project: str,
    token: str,
    today: dt.date | None = None,
    directory: Path | None = None,
) -> Pulled:
    """The live decisions from the server (cached), else from the cache with a warning."""
    import httpx

    today = today or dt.date.today()
    cache = _cache_file(server, project, directory or cache_dir())
    try:
        response = httpx.get(
            _api(server, project, "exceptions"), headers=_headers(token), timeout=TIMEOUT
        )
        _check(response.status_code, response.text, server)
        doc = response.json()
        if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
            raise ServerUnavailable(f"{server} did not answer with {SCHEMA}")
    except (httpx.HTTPError, ValueError, ServerUnavailable) as exc:
        reason = exc.message if isinstance(exc, ServerUnavailable) else str(exc)
        return _from_cache(cache, server, reason, today)
    _store(cache, doc)
    return Pulled(_decisions(doc, today), by_resource=_by_resource(doc, today))


def _by_resource(doc: dict[str, Any], today: dt.date) -> dict[str, str]:
    live = _decisions(doc, today)
    out = {}
    for entry in doc.get("exceptions") or []:
        if not isinstance(entry, dict) or entry.get("fingerprint") not in live:
            continue
        rule, resource = entry.get("rule"), entry.get("resource")
        if isinstance(rule, str) and isinstance(resource, str) and rule and resource:
            out[f"{rule}|{resource}"] = live[entry["fingerprint"]]
    return out


def _decisions(doc: dict[str, Any], today: dt.date) -> dict[str, str]:
    out = {}
    for entry in doc.get("exceptions") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            continue
        expires = entry.get("expires")
        if isinstance(expires, str):
            try:
                if dt.date.fromisoformat(expires) < today:
                    continue
            except ValueError:
                continue
        decision = str(entry.get("decision", ""))
        reason = str(entry.get("reason", ""))
        owner = str(entry.get("owner") or "")
        detail = f"{decision} on the findings service: {reason}"
        if owner:
            detail += f" (owner {owner}, until {expires})"
        out[entry["fingerprint"]] = detail
    return out


def _store(cache: Path, doc: dict[str, Any]) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        stamped = {**doc, "fetched_at": dt.datetime.now(dt.UTC).isoformat()}
        tmp.write_text(json.dumps(stamped), encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        pass  # no cache: the next outage applies no decision, which is the safe side


def _from_cache(cache: Path, server: str, reason: str, today: dt.date) -> Pulled:
    try:
        doc = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Pulled(
            {},
            f"findings service {server} unavailable ({reason}) and no decision cached: "
            "no triage applied, every finding counts",
        )
    if not isinstance(doc, dict):
        doc = {}
    when = doc.get("fetched_at", "an unknown time")
    return Pulled(
        _decisions(doc, today),
        f"findings service {server} unavailable ({reason}): applying the triage decisions "
        f"cached at {when}",
        _by_resource(doc, today),
    )


class DecisionFeed:
    """Triage for a gate that runs for days (`admission serve`): pulled at start and
    every `every` seconds in a background thread, through the same cache as `scan
    --server`. While the service is unreachable the cached decisions hold (expired
    acceptances left out), or none: an outage can deny more, never allow more."""

    def __init__(
        self,
        server: str,
        project: str,
        token: str,
        every: float = 60.0,
        warn: Callable[[str], None] | None = None,
        directory: Path | None = None,
    ) -> None:
        self._args = (server, project, token)
        self._every, self._warn, self._directory = every, warn, directory
        self._held: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="shieldwall-triage", daemon=True)

    def refresh(self) -> None:
        pulled = pull_decisions(*self._args, directory=self._directory)
        if pulled.warning and self._warn is not None:
            self._warn(pulled.warning)
        self._held = pulled.by_resource  # one assignment: readers see old or new, whole

    def current(self) -> dict[str, str]:
        return self._held

    def start(self) -> None:
        self.refresh()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self.refresh()
            except Exception as exc:  # keep what is held; say why
                if self._warn is not None:
                    self._warn(f"triage not refreshed: {exc}")
