"""The service on a real socket on 127.0.0.1, in a thread of the test."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from shieldwall.service.access import create_token
from shieldwall.service.api import ServiceConfig, create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Live:
    def __init__(self, app: Any, url: str) -> None:
        self.app = app
        self.url = url

    def token(self, grants: dict[str, str]) -> str:
        with self.app.state.factory() as session:
            text, _row = create_token(session, grants, "test")
            session.commit()
        return text


@contextmanager
def live_service(database: str, port: int | None = None, **config: Any) -> Iterator[Live]:
    app = create_app(ServiceConfig(database=database, worker=True, **config))
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.05)
    try:
        yield Live(app, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=20)
