"""The kinds of payload the detector finds in one request, for the tests."""

from __future__ import annotations

from shieldwall.runtime.detect.payload import PayloadDetector
from shieldwall.runtime.events import HttpEvent

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"


def payload_kinds(**kw: object) -> set[str]:
    """Kinds found in a GET of `/` from a browser, with the fields given changed."""
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
    return {hit.kind for hit in PayloadDetector().scan(HttpEvent(**fields))}  # type: ignore[arg-type]
