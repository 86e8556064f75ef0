"""The admin interfaces of gateway products, and the ports they listen on: Envoy's
admin listener, the Traefik dashboard and API in insecure mode, Kong's Admin API
and Kong Manager. Read from the gateway's images, environment and command line;
what the scanned files do not say (an nginx `stub_status` location, an Envoy
admin port set in a config file only) is not guessed."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_ENVOY = re.compile(r"(^|/)(envoy|envoyproxy/[\w-]+|proxyv2|contour|emissary|ambassador)(:|@|$)")
_KONG = re.compile(r"(^|/)(kong|kong-gateway|kong/[\w-]+)(:|@|$)")
_TRAEFIK = re.compile(r"(^|/)traefik(:|@|$)")
# A variable that names the admin port (`ENVOY_ADMIN_PORT=10000`).
_ADMIN_PORT_VAR = re.compile(r"(^|_)ADMIN(_[A-Z0-9]+)*_PORT$")
_LISTEN_PORT = re.compile(r":(\d{1,5})\b")

ENVOY_ADMIN = "Envoy's admin interface (config dump, /quitquitquit, runtime changes)"
KONG_ADMIN = "Kong's Admin API (routes, plugins and credentials, unauthenticated by default)"
KONG_MANAGER = "Kong Manager (the Admin API's web UI)"
TRAEFIK_API = "the Traefik dashboard and API in insecure mode (--api.insecure)"


def admin_ports(
    images: Sequence[str], env: Mapping[str, str], args: Sequence[str]
) -> dict[int, str]:
    """Container port -> the admin interface that listens on it, for a gateway that
    runs `images` with this environment and command line."""
    lower = [i.lower() for i in images]
    found: dict[int, str] = {}
    if any(_ENVOY.search(i) for i in lower):
        found[9901] = ENVOY_ADMIN
        for name, value in env.items():
            if _ADMIN_PORT_VAR.search(name.upper()) and value.strip().isdigit():
                found[int(value.strip())] = ENVOY_ADMIN
    if any(_KONG.search(i) for i in lower):
        found.update(_kong(env))
    if any(_TRAEFIK.search(i) for i in lower) and _traefik_insecure(env, args):
        found[8080] = TRAEFIK_API
    return found


def _kong(env: Mapping[str, str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for var, default, what in (
        ("KONG_ADMIN_LISTEN", (8001, 8444), KONG_ADMIN),
        ("KONG_ADMIN_GUI_LISTEN", (8002, 8445), KONG_MANAGER),
    ):
        listen = env.get(var)
        if listen is None:
            found.update(dict.fromkeys(default, what))
        elif listen.strip().lower() != "off":
            for m in _LISTEN_PORT.finditer(listen):
                if not listen[: m.start()].rstrip().endswith(("127.0.0.1", "localhost", "[::1]")):
                    found[int(m.group(1))] = what
    return found


def _traefik_insecure(env: Mapping[str, str], args: Sequence[str]) -> bool:
    if env.get("TRAEFIK_API_INSECURE", "").strip().lower() == "true":
        return True
    return any(a.strip() in ("--api.insecure", "--api.insecure=true") for a in args)
