"""The kinds of payload the detector finds in one request, for the tests."""

from __future__ import annotations

from shieldwall.runtime.detect.payload import Hit, PayloadDetector
from shieldwall.runtime.events import HttpEvent

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"


def payload_kinds(**kw: object) -> set[str]:
    """Kinds found in a GET of `/` from a browser, with the fields given changed."""
    return {hit.kind for hit in _hits(1, kw)}


def payload_rules(paranoia: int, **kw: object) -> set[str]:
    """Rules reported at a paranoia level for such a request."""
    return {hit.rule for hit in _hits(paranoia, kw)}


def _hits(paranoia: int, kw: dict[str, object]) -> list[Hit]:
    fields: dict[str, object] = {
        "time": 0.0,
        "remote": "203.0.113.7",
        "method": "GET",
        "path": "/",
        "query": "",
        "status": 200,
        "user_agent": UA,
    }
    fields.update(kw)
    return PayloadDetector(paranoia).scan(HttpEvent(**fields))  # type: ignore[arg-type]
