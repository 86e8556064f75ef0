"""From a ban to the first dropped packet, with Debian's crowdsec-firewall-bouncer.

Builds the namespaces of the enforcement test (tests/runtime/netlab.py: an
attacker routed through a gateway to a web server; the bouncer in nftables
`set-only` mode and `shieldwall decisions serve` in the gateway, the bouncer's
update_frequency 1 s), then, --rounds times:

  1. the attacker opens TCP connections to the web server back to back
     (0.2 s connect timeout) and notes when the first one goes unanswered;
  2. a ban on the attacker is posted to the admin API (time taken just before);
  3. the delay is (first unanswered connection's start) - (ban posted);
  4. the ban is deleted and the attacker waits until it gets through again.

Prints each delay, their median and max. The target is under 2 s: a bouncer
pulling once a second hears of a ban within a second, plus its own work.
Needs root, nftables and crowdsec-firewall-bouncer; says so and stops without.

    sudo .venv/bin/python bench/bouncer_enforcement.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.runtime.netlab

from tests.runtime.netlab import ATTACKER, WEB, WEB_PORT, Lab, missing


def _shieldwall(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "shieldwall", *args], capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return done.stdout.strip()


def _round(lab: Lab, admin: str) -> float:
    prober = subprocess.Popen(
        ["ip", "netns", "exec", lab.attacker, sys.executable, str(lab.folder / "client.py"),
         "watch-drop", WEB, str(WEB_PORT)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(1.0)  # connections flowing
    ban = json.dumps({"value": ATTACKER, "duration": "10m", "reason": "bench"})
    posted = time.time()
    status, _ = lab.api("POST", "/v1/admin/decisions", admin, ban)
    if status != 201:
        prober.kill()
        raise SystemExit(f"the admin API answered {status}")
    out, _ = prober.communicate(timeout=60)
    delay = float(json.loads(out)["first_drop"]) - posted
    lab.api("DELETE", f"/v1/admin/decisions?ip={ATTACKER}", admin)
    lab.wait_for("attacker back", lambda: lab.web_status(lab.attacker) == 200, 30)
    return delay


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    why = missing()
    if why is not None:
        raise SystemExit(f"cannot run: {why}")
    folder = Path(tempfile.mkdtemp(prefix="shieldwall-lab-"))
    db = str(folder / "decisions.db")
    bouncer_key = _shieldwall("bouncers", "add", "fw", "--database", db)
    admin = _shieldwall("bouncers", "add", "ops", "--role", "admin", "--database", db)
    delays = []
    try:
        with Lab(folder) as lab:
            lab.start(lab.gateway, sys.executable, "-m", "shieldwall", "decisions", "serve",
                      "--database", db, "--listen", "127.0.0.1:8081")  # fmt: skip
            lab.wait_for("the decisions API", lambda: lab.api("GET", "/healthz", "")[0] == 204, 30)
            lab.start_bouncer(bouncer_key)
            lab.wait_for("the web server", lambda: lab.web_status(lab.attacker) == 200, 30)
            time.sleep(2)  # the bouncer's startup pull is done
            for n in range(args.rounds):
                delays.append(_round(lab, admin))
                print(f"round {n + 1}: first dropped packet {delays[-1]:.3f} s after the ban")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"ban -> first dropped packet: median {statistics.median(delays):.3f} s, "
        f"max {max(delays):.3f} s over {len(delays)} rounds (update_frequency 1 s; target < 2 s)"
    )
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
