"""Enforcement for real: Debian's crowdsec-firewall-bouncer (nftables) pulls
shieldwall's decisions API in a gateway namespace; `watch` bans an attacker from
the web server's log; the attacker's packets are dropped while an innocent
client still gets answers; deleted or expired, the ban lets the attacker back.

Runs as root with nftables and crowdsec-firewall-bouncer installed (CI installs
them); skips with the reason otherwise."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.runtime.netlab import ATTACKER, INNOCENT, Lab, missing

pytestmark = pytest.mark.skipif(missing() is not None, reason=str(missing()))


def _shieldwall(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "shieldwall", *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _lab_folder() -> Path:
    # the namespaces' processes write here; not under pytest's tmp (kept short and private)
    return Path(tempfile.mkdtemp(prefix="shieldwall-lab-"))


def test_the_firewall_bouncer_drops_the_attacker_watch_bans_until_the_ban_goes() -> None:
    folder = _lab_folder()
    db = str(folder / "decisions.db")
    bouncer_key = _shieldwall("bouncers", "add", "fw-gateway", "--database", db).strip()
    admin_key = _shieldwall("bouncers", "add", "ops", "--role", "admin", "--database", db).strip()
    try:
        with Lab(folder) as lab:
            lab.start(lab.gateway, sys.executable, "-m", "shieldwall", "decisions", "serve",
                      "--database", db, "--listen", "127.0.0.1:8081")  # fmt: skip
            lab.wait_for("the decisions API", lambda: lab.api("GET", "/healthz", "")[0] == 204, 20)
            bouncer = lab.start_bouncer(bouncer_key)
            # From the start of the log: watch may still be importing when the attack's lines
            # are written, and a follower that starts at the end would never see them.
            watch = lab.start(
                lab.gateway, sys.executable, "-m", "shieldwall", "watch", "--log",
                f"{lab.access_log}:nginx", "--from-start", "--database", db, "--format", "jsonl",
            )  # fmt: skip
            assert lab.web_status(lab.attacker) == 200
            assert lab.web_status(lab.innocent) == 200

            # The attack: probes for secrets that are not there (http-sensitive-files).
            for n in range(8):
                lab.web_status(lab.attacker, f"/.env.{n}")
            lab.wait_for("attacker dropped", lambda: lab.web_status(lab.attacker) == 0, 30)
            assert ATTACKER in lab.set_elements()
            assert lab.web_status(lab.innocent) == 200
            assert INNOCENT not in lab.set_elements()
            made = json.loads(_shieldwall("decisions", "list", "--database", db, "--format",
                                          "json"))["decisions"]  # fmt: skip
            assert [d["value"] for d in made] == [ATTACKER]  # by a scenario of watch's
            assert made[0]["scenario"].startswith("http-")

            # Deleted through the admin API: the bouncer hears it on its next pull.
            status, body = lab.api("DELETE", f"/v1/admin/decisions?ip={ATTACKER}", admin_key)
            assert (status, json.loads(body)) == (200, {"deleted": 1})
            lab.wait_for("attacker back", lambda: lab.web_status(lab.attacker) == 200, 15)

            # A short ban through the admin API: dropped, then back when it expires.
            ban = json.dumps({"value": ATTACKER, "duration": "4s", "reason": "lab"})
            assert lab.api("POST", "/v1/admin/decisions", admin_key, ban)[0] == 201
            lab.wait_for("attacker dropped again", lambda: lab.web_status(lab.attacker) == 0, 15)
            lab.wait_for("ban expired", lambda: lab.web_status(lab.attacker) == 200, 20)
            assert lab.web_status(lab.innocent) == 200

            # A bouncer key cannot ban anyone.
            other = json.dumps({"value": INNOCENT})
            assert lab.api("POST", "/v1/admin/decisions", bouncer_key, other)[0] == 403
            assert bouncer.poll() is None and watch.poll() is None
        logs = b"".join(p.read_bytes() for p in folder.glob("*.log"))
        assert bouncer_key.encode() not in logs and admin_key.encode() not in logs
    except BaseException:
        print(f"the lab's logs are kept in {folder}")  # what each namespace's process said
        raise
    shutil.rmtree(folder, ignore_errors=True)
