"""A small network in namespaces for the enforcement tests and bench: an attacker
and an innocent client, each on its own link to a gateway that routes them to a
web server. Nothing else is connected: traffic stays between these namespaces.

    attacker 10.213.1.2 ─┐
    innocent 10.213.2.2 ─┼─ gateway (.1 on each link, forwards) ── web 10.213.3.2:8080
                          (the bouncer and `shieldwall decisions serve` run here)

The gateway filters forwarded packets with its own nftables table `shieldwall`:
a `forward` chain dropping sources in the set `crowdsec-blacklists`, which
crowdsec-firewall-bouncer fills in its `set-only` mode (its own chain would hook
`input` only, the gateway's own traffic, not what it routes).

Needs root, `ip` (iproute2), `nft` (nftables) and crowdsec-firewall-bouncer."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

SUBNET = "10.213"
ATTACKER = f"{SUBNET}.1.2"
INNOCENT = f"{SUBNET}.2.2"
WEB = f"{SUBNET}.3.2"
WEB_PORT = 8080
API_PORT = 8081  # inside the gateway namespace, on its loopback
BOUNCER = "/usr/bin/crowdsec-firewall-bouncer"
SET = "crowdsec-blacklists"

_RULESET = f"""
table ip shieldwall {{
  set {SET} {{ type ipv4_addr; flags timeout; }}
  chain forward {{
    type filter hook forward priority 0; policy accept;
    ip saddr @{SET} counter drop
  }}
}}
"""

_BOUNCER_CONFIG = """mode: nftables
pid_dir: {run}/
update_frequency: 1s
daemonize: false
log_mode: stdout
log_level: info
api_url: http://127.0.0.1:{port}/
api_key: {key}
disable_ipv6: true
deny_action: DROP
deny_log: false
supported_decisions_types:
  - ban
blacklists_ipv4: {set}
blacklists_ipv6: crowdsec6-blacklists
nftables:
  ipv4:
    enabled: true
    set-only: true
    table: shieldwall
    chain: forward
  ipv6:
    enabled: false
    set-only: true
    table: shieldwall6
    chain: forward
prometheus:
  enabled: false
  listen_addr: 127.0.0.1
  listen_port: 60601
"""

# The web server: 200 on /, 404 elsewhere, an nginx "combined" line per request.
_WEB = r"""
import sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
log = open(sys.argv[1], "a", buffering=1)
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def do_GET(self):
        status = 200 if self.path == "/" else 404
        body = b"hello\n" if status == 200 else b"not found\n"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        stamp = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime())
        agent = self.headers.get("User-Agent", "-")
        log.write(f'{self.client_address[0]} - - [{stamp}] "GET {self.path} HTTP/1.1" '
                  f'{status} {len(body)} "-" "{agent}"\n')
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("0.0.0.0", int(sys.argv[2])), H).serve_forever()
"""

# One HTTP request (or a stream of TCP connects): what a namespace's client does.
_CLIENT = r"""
import http.client, json, os, socket, sys, time
mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if mode == "watch-drop":  # connect again and again; print when they start going unanswered
    first = None  # start of the first unanswered one in a row of three
    misses = 0
    while misses < 3:
        start = time.time()
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            first, misses = None, 0  # answered: an earlier miss was a slow machine
        except socket.timeout:
            first = first if first is not None else start
            misses += 1
        except OSError:
            time.sleep(0.005)
        time.sleep(0.002)
    print(json.dumps({"first_drop": first}), flush=True)
    sys.exit(0)
method, path = sys.argv[4], sys.argv[5]
body = sys.argv[6].encode() if len(sys.argv) > 6 else None
headers = {"User-Agent": "lab-client"}
if os.environ.get("LAB_KEY"):
    headers["X-Api-Key"] = os.environ["LAB_KEY"]
if body:
    headers["Content-Type"] = "application/json"
try:
    conn = http.client.HTTPConnection(host, port, timeout=float(mode))
    conn.request(method, path, body=body, headers=headers)
    answer = conn.getresponse()
    print(json.dumps({"status": answer.status, "body": answer.read().decode()}))
except OSError as exc:
    print(json.dumps({"status": 0, "error": type(exc).__name__}))
"""


@functools.cache
def missing() -> str | None:
    """Why the lab cannot run here, or None."""
    if not sys.platform.startswith("linux"):
        return "network namespaces need Linux"
    if os.geteuid() != 0:
        return "network namespaces and nftables need root"
    for tool, package in (("ip", "iproute2"), ("nft", "nftables")):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install {package})"
    if not Path(BOUNCER).exists():
        return "crowdsec-firewall-bouncer is not installed (apt-get install it, Debian 12)"
    return _namespaces_work()


def _namespaces_work() -> str | None:
    """None when a network namespace with nftables can be made here (a container
    without CAP_SYS_ADMIN/CAP_NET_ADMIN cannot)."""
    probe = f"swprobe-{os.getpid()}"
    try:
        _run("ip", "netns", "add", probe)
        _run("ip", "netns", "exec", probe, "nft", "list", "tables")
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        return f"cannot make a network namespace with nftables here: {exc}"
    finally:
        subprocess.run(["ip", "netns", "del", probe], capture_output=True, timeout=30)
    return None


def _run(*args: str, input: str | None = None) -> str:
    done = subprocess.run(args, input=input, capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


class Lab:
    """The four namespaces, made on entry and removed (with what ran in them) on exit."""

    def __init__(self, folder: Path) -> None:
        tag = f"sw{os.getpid() % 100000}"
        self.folder = folder
        self.attacker, self.innocent = f"{tag}-att", f"{tag}-inn"
        self.gateway, self.web = f"{tag}-gw", f"{tag}-web"
        self.names = (self.attacker, self.innocent, self.gateway, self.web)
        self.procs: list[subprocess.Popen[bytes]] = []
        (folder / "web.py").write_text(_WEB)
        (folder / "client.py").write_text(_CLIENT)
        self.access_log = folder / "access.log"
        self.access_log.touch()

    def __enter__(self) -> Lab:
        try:
            self._build()
        except Exception:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _build(self) -> None:
        for name in self.names:
            _run("ip", "netns", "add", name)
            _run("ip", "-n", name, "link", "set", "lo", "up")
        for index, peer in ((1, self.attacker), (2, self.innocent), (3, self.web)):
            link = f"g{index}"
            _run("ip", "-n", self.gateway, "link", "add", link, "type", "veth",
                 "peer", "name", "eth0", "netns", peer)  # fmt: skip
            _run("ip", "-n", self.gateway, "addr", "add", f"{SUBNET}.{index}.1/24", "dev", link)
            _run("ip", "-n", self.gateway, "link", "set", link, "up")
            _run("ip", "-n", peer, "addr", "add", f"{SUBNET}.{index}.2/24", "dev", "eth0")
            _run("ip", "-n", peer, "link", "set", "eth0", "up")
            _run("ip", "-n", peer, "route", "add", "default", "via", f"{SUBNET}.{index}.1")
        _run("ip", "netns", "exec", self.gateway, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        _run("ip", "netns", "exec", self.gateway, "nft", "-f", "-", input=_RULESET)
        self.start(self.web, sys.executable, str(self.folder / "web.py"),
                   str(self.access_log), str(WEB_PORT))  # fmt: skip

    def start(
        self, namespace: str, *command: str, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        """A process in `namespace`, output to a file named after it; stopped on exit."""
        out = open(self.folder / f"{namespace}-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            ["ip", "netns", "exec", namespace, *command],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        out.close()
        self.procs.append(proc)
        return proc

    def start_bouncer(self, key: str) -> subprocess.Popen[bytes]:
        """crowdsec-firewall-bouncer in the gateway, against the API on its loopback
        (the key in its configuration file, readable by root only, as the package has it)."""
        config = self.folder / "crowdsec-firewall-bouncer.yaml"
        config.touch(mode=0o600)
        config.write_text(
            _BOUNCER_CONFIG.format(run=self.folder, port=API_PORT, set=SET, key=key),
            encoding="utf-8",
        )
        return self.start(self.gateway, BOUNCER, "-c", str(config))

    def client(
        self,
        namespace: str,
        host: str,
        port: int,
        method: str = "GET",
        path: str = "/",
        body: str | None = None,
        key: str | None = None,
        timeout: float = 1.0,
    ) -> tuple[int, str]:
        """One HTTP request from `namespace`: (status, body), status 0 when no answer."""
        import json

        args: Sequence[str] = [str(timeout), host, str(port), method, path]
        if body is not None:
            args = [*args, body]
        env = {**os.environ, "LAB_KEY": key or ""}
        done = subprocess.run(
            ["ip", "netns", "exec", namespace, sys.executable, str(self.folder / "client.py"),
             *args],
            capture_output=True, text=True, timeout=timeout + 30, env=env,
        )  # fmt: skip
        answer = json.loads(done.stdout or '{"status": 0}')
        return int(answer["status"]), str(answer.get("body", ""))

    def web_status(self, namespace: str, path: str = "/") -> int:
        return self.client(namespace, WEB, WEB_PORT, path=path, timeout=1.0)[0]

    def api(self, method: str, path: str, key: str, body: str | None = None) -> tuple[int, str]:
        return self.client(self.gateway, "127.0.0.1", API_PORT, method, path, body, key)

    def set_elements(self) -> str:
        return _run("ip", "netns", "exec", self.gateway, "nft", "list", "set", "ip",
                    "shieldwall", SET)  # fmt: skip

    def wait_for(self, what: str, check: object, timeout: float) -> float:
        """Poll `check()` until true; the seconds it took. AssertionError on timeout."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if check():  # type: ignore[operator]
                return time.monotonic() - start
            time.sleep(0.1)
        raise AssertionError(f"{what}: not within {timeout} s; logs in {self.folder}")

    def close(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.procs.clear()
        for name in self.names:
            subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=30)
