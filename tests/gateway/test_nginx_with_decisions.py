"""The generated gateway in front of `shieldwall decisions serve`: a client banned
with `shieldwall decisions add` is refused by nginx, others pass, and the ban
lifted lets it through again."""

from __future__ import annotations

import shutil
import subprocess
import sys

from click.testing import CliRunner

from shieldwall.cli.main import cli
from shieldwall.gateway.plan import GatewayOptions
from shieldwall.runtime.auth_endpoint import AUTH_PATH
from tests.gateway.servers import (
    echo_handler,
    free_port,
    needs_nginx,
    running_nginx,
    self_signed,
    serving,
    wait_listening,
)
from tests.gateway.test_nginx_gateway import Gateway, _prefix, generate

pytestmark = needs_nginx
CLIENT = "203.0.113.9"
OTHER = "198.51.100.70"


def test_the_gateway_asks_shieldwall_by_default() -> None:
    assert (GatewayOptions().decisions_url or "").endswith(f":8081{AUTH_PATH}")


def _decisions(*args: str) -> None:
    result = CliRunner().invoke(cli, ["decisions", *args])
    assert result.exit_code == 0, result.output


def test_a_client_banned_in_shieldwall_is_refused_until_the_ban_goes() -> None:
    prefix = _prefix()
    database = str(prefix / "run" / "decisions.db")
    decisions_port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "shieldwall", "decisions", "serve", "--database", database,
         "--listen", f"127.0.0.1:{decisions_port}"],
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_listening(decisions_port, serve)
        self_signed(prefix / "conf")
        port = free_port()
        with serving(echo_handler("orders")) as orders:
            conf = generate(
                prefix, port,
                "--upstream", f"orders=http://127.0.0.1:{orders}",
                "--upstream", f"catalog=http://127.0.0.1:{free_port()}",
                "--upstream", f"payments=http://127.0.0.1:{free_port()}",
                "--decisions-url", f"http://127.0.0.1:{decisions_port}{AUTH_PATH}",
                "--decisions-unreachable", "deny",
            )  # fmt: skip
            with running_nginx(prefix, conf, port):
                gw = Gateway(port, prefix, prefix / "conf" / "cert.pem")
                assert gw.get("/api/orders/a", client=CLIENT)[0] == 200
                _decisions("add", CLIENT, "--database", database, "--duration", "1h")
                assert gw.get("/api/orders/a", client=CLIENT)[0] == 403
                assert gw.get("/api/orders/a", client=OTHER)[0] == 200
                _decisions("delete", CLIENT, "--database", database)
                assert gw.get("/api/orders/a", client=CLIENT)[0] == 200
    finally:
        serve.terminate()
        serve.wait(timeout=10)
        shutil.rmtree(prefix, ignore_errors=True)
