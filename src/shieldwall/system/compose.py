"""What the graph needs from compose files: services, the networks they share,
published ports, depends_on, and which networks reach the internet."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shieldwall.sources.dockerfile import Dockerfile, parse_dockerfile
from shieldwall.sources.manifests import ComposeFile
from shieldwall.sources.yaml_tree import YMap, YSeq

_LOOPBACK = ("127.", "localhost", "::1", "[::1]")


@dataclass(frozen=True, slots=True)
class Published:
    raw: str
    host_ip: str
    container_port: int | None
    line: int
    end_line: int = 0  # the last line of a long-syntax item (`target:`, `published:` ...)

    @property
    def loopback(self) -> bool:
        return self.host_ip.lower().startswith(_LOOPBACK)


@dataclass
class ComposeService:
    cf: ComposeFile
    name: str
    body: YMap
    line: int
    networks: set[str] = field(default_factory=set)
    host_network: bool = False

    @property
    def id(self) -> str:
        return self.cf.service_id(self.name)

    @property
    def image(self) -> str:
        image = self.body.get("image")
        return str(image) if image else ""

    @property
    def aliases(self) -> set[str]:
        names = {self.name.lower()}
        if self.body.get("container_name"):
            names.add(str(self.body["container_name"]).lower())
        if self.body.get("hostname"):
            names.add(str(self.body["hostname"]).lower())
        nets = self.body.get("networks")
        if isinstance(nets, YMap):
            for cfg in nets.values():
                if isinstance(cfg, YMap) and isinstance(cfg.get("aliases"), list):
                    names |= {str(a).lower() for a in cfg["aliases"]}
        return names

    def published(self) -> list[Published]:
        ports = self.body.get("ports")
        if not isinstance(ports, YSeq):
            return []
        out = []
        for i, item in enumerate(ports):
            parsed = _parse_port(item, ports.line_of(i))
            if parsed is not None:
                out.append(parsed)
        return out

    def exposed_ports(self) -> list[int]:
        """Ports the service listens on for its network peers (expose + ports targets)."""
        found: list[int] = []
        expose = self.body.get("expose")
        if isinstance(expose, list):
            for item in expose:
                head = str(item).split("/", 1)[0].split("-", 1)[0]
                if head.isdigit():
                    found.append(int(head))
        found += [p.container_port for p in self.published() if p.container_port]
        return sorted(set(found))

    def depends_on(self) -> list[tuple[str, int]]:
        deps = self.body.get("depends_on")
        if isinstance(deps, YSeq):
            return [(str(d), deps.line_of(i)) for i, d in enumerate(deps)]
        if isinstance(deps, YMap):
            return [(str(d), deps.line_of(d)) for d in deps]
        return []

    def uses_secrets(self) -> bool:
        return bool(self.body.get("secrets"))


def _parse_port(item: Any, line: int) -> Published | None:
    if isinstance(item, int) and not isinstance(item, bool):
        return Published(str(item), "", item, line)
    if isinstance(item, str):
        text = item.split("/", 1)[0]
        host_ip = ""
        if text.startswith("["):  # [::1]:8080:80
            end = text.find("]")
            host_ip, text = text[1:end], text[end + 2 :]
        parts = text.rsplit(":", 2)
        if len(parts) == 3:
            host_ip = host_ip or parts[0]
        inside = parts[-1].split("-", 1)[0]
        return Published(item, host_ip, int(inside) if inside.isdigit() else None, line)
    if isinstance(item, YMap):
        target = item.get("target")
        if item.get("published") is None and item.get("mode") == "host" and not target:
            return None
        host_ip = str(item.get("host_ip") or "")
        port = int(str(target)) if str(target).isdigit() else None
        last = max([line, *item.key_lines.values()])
        return Published(f"{item.get('published', '')}:{target}", host_ip, port, line, last)
    return None


def compose_services(cf: ComposeFile) -> list[ComposeService]:
    services = cf.body.get("services")
    out: list[ComposeService] = []
    if not isinstance(services, YMap):
        return out
    for name, body in cf.services.items():
        svc = ComposeService(cf, name, body, services.line_of(name))
        mode = str(body.get("network_mode") or "")
        if mode == "host":
            svc.host_network = True
        elif mode.startswith("service:"):
            svc.networks.add(f"service:{mode[8:]}")
        nets = body.get("networks")
        if isinstance(nets, (list, YMap)):
            svc.networks |= {str(n) for n in nets}
        if not svc.networks and not svc.host_network:
            svc.networks.add("default")
        out.append(svc)
    return out


def internal_networks(cf: ComposeFile) -> set[str]:
    """Networks declared `internal: true` (no route to the outside)."""
    nets = cf.body.get("networks")
    if not isinstance(nets, YMap):
        return set()
    return {str(k) for k, v in nets.items() if isinstance(v, YMap) and v.get("internal") is True}


def built_from(
    cf: ComposeFile,
    body: YMap,
    lines: Mapping[str, Sequence[str]],
) -> str:
    """The base image of the final stage of the Dockerfile a service's `build:` names,
    when that file was scanned; else "". What a built service runs is its
    Dockerfile's base plus its own layers."""
    dockerfile = built_dockerfile(cf, body, lines)
    return _final_base(dockerfile) if dockerfile else ""


def built_dockerfile(
    cf: ComposeFile,
    body: YMap,
    lines: Mapping[str, Sequence[str]],
) -> Dockerfile | None:
    """The Dockerfile a service's `build:` names (`build: ./proxy`, or `context:` and
    `dockerfile:`), when that file was scanned (`lines`: every scanned file's, a
    unit's Dockerfiles being in their own unit); else None. `${NAME}` in the path
    was read from the `.env` file beside the compose file with the rest of it."""
    build = body.get("build")
    if isinstance(build, str):
        context, name = build, "Dockerfile"
    elif isinstance(build, YMap):
        context, name = (
            str(build.get("context") or "."),
            str(build.get("dockerfile") or "Dockerfile"),
        )
    else:
        return None
    if "://" in context:
        return None
    wanted = posixpath.normpath(posixpath.join(posixpath.dirname(cf.path), context, name))
    written = lines.get(wanted)
    return parse_dockerfile("\n".join(written), wanted) if written else None


def _final_base(dockerfile: Dockerfile) -> str:
    """The image the final stage is built on, through the stages it names."""
    stages = dockerfile.stages
    base = stages[-1].base if stages else ""
    for stage in reversed(stages[:-1]):
        if stage.name and stage.name == base.lower():
            base = stage.base
    return "" if "$" in base else base
