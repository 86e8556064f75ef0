"""A compose service as the rules see it: its hits, its mounts, and the documentation
the rules cite."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from shieldwall.analyzers.config.context import Hit
from shieldwall.model import Rule
from shieldwall.sources.manifests import ComposeFile
from shieldwall.sources.yaml_tree import YMap, YSeq

_SPEC = "https://docs.docker.com/reference/compose-file/services/"
_DOCKER_SECURITY = "https://docs.docker.com/engine/security/"
_RUN_REF = "https://docs.docker.com/reference/cli/docker/container/run/"
_SVC = ("compose-service",)
_DEPLOY = "https://docs.docker.com/reference/compose-file/deploy/"
_SOCKETS = (
    "docker.sock",
    "containerd.sock",
    "podman.sock",
    "crio.sock",
    "dockershim.sock",
    "cri-dockerd.sock",
)
_PROPAGATING = frozenset({"shared", "rshared", "slave", "rslave"})


@dataclass
class _Service:
    cf: ComposeFile
    name: str
    body: YMap
    line: int

    @property
    def id(self) -> str:
        return self.cf.service_id(self.name)

    def hit(self, rule: Rule, line: int, message: str, key: str) -> Hit:
        return Hit(rule, self.cf.path, line, self.id, f"service {self.name!r}: {message}", key)

    def key_line(self, key: str) -> int:
        return self.body.line_of(key, self.line)

    def mounts(self) -> list[_Mount]:
        volumes = self.body.get("volumes")
        if not isinstance(volumes, YSeq):
            return []
        out = []
        for index, item in enumerate(volumes):
            mount = _parse_mount(item, volumes.line_of(index))
            if mount is not None:
                out.append(mount)
        return out


@dataclass(frozen=True, slots=True)
class _Mount:
    kind: str  # "bind" | "volume" | "anonymous" | "tmpfs" | other long-syntax type
    source: str
    target: str
    line: int  # the short-syntax item, or the long syntax's `source:` key
    propagation: str = ""
    propagation_line: int = 0
    read_only: bool = False

    @property
    def host_path(self) -> str | None:
        """The absolute host path of a bind mount, normalised; None if not known."""
        if self.kind != "bind":
            return None
        return _absolute_host_path(self.source)

    @property
    def shareable_source(self) -> str:
        if self.kind == "volume" and self.source:
            return f"volume:{self.source}"
        if self.kind == "bind" and self.source and not _is_socket(self.source):
            return f"bind:{posixpath.normpath(self.source)}"
        return ""


def _strings(node: Any) -> list[tuple[int, str]]:
    """(line, text) of each scalar item of a YAML list."""
    if not isinstance(node, YSeq):
        return []
    return [
        (node.line_of(i), str(item))
        for i, item in enumerate(node)
        if isinstance(item, (str, int, float)) and not isinstance(item, bool)
    ]


def _parse_mount(item: Any, item_line: int) -> _Mount | None:
    if isinstance(item, str):
        return _parse_short_mount(item.strip(), item_line)
    if not isinstance(item, YMap):
        return None
    kind = item.get("type")
    source = item.get("source")
    target = item.get("target")
    source_text = str(source) if isinstance(source, (str, int)) else ""
    kind_text = kind.lower() if isinstance(kind, str) else ("volume" if source_text else "")
    if kind_text == "volume" and not source_text:
        kind_text = "anonymous"
    bind = item.get("bind")
    propagation = bind.get("propagation") if isinstance(bind, YMap) else None
    return _Mount(
        kind=kind_text,
        source=source_text,
        target=str(target) if isinstance(target, (str, int)) else "",
        line=item.line_of("source", item_line),
        propagation=str(propagation).lower() if isinstance(propagation, str) else "",
        propagation_line=bind.line_of("propagation") if isinstance(bind, YMap) else 0,
        read_only=item.get("read_only") is True,
    )


def _parse_short_mount(text: str, line: int) -> _Mount | None:
    if not text:
        return None
    parts = text.split(":")
    # A Windows drive letter (C:\data:/data) is part of the source.
    drive = len(parts[0]) == 1 and parts[0].isalpha()
    if len(parts) >= 3 and drive and parts[1][:1] in ("\\", "/"):
        parts = [parts[0] + ":" + parts[1], *parts[2:]]
    if len(parts) == 1:
        return _Mount("anonymous", "", parts[0], line)
    source, target = parts[0], parts[1]
    mode = parts[2] if len(parts) > 2 else ""
    is_path = (
        source.startswith(("/", ".", "~", "$"))
        or "\\" in source
        or (len(source) > 1 and source[1] == ":")
    )
    read_only = "ro" in mode.split(",")
    propagation = next((m for m in mode.split(",") if m in _PROPAGATING), "")
    return _Mount(
        "bind" if is_path else "volume",
        source,
        target,
        line,
        propagation,
        line if propagation else 0,
        read_only,
    )


def _absolute_host_path(source: str) -> str | None:
    if source.startswith("~"):
        return "~" + posixpath.normpath("/" + source[1:].lstrip("/")).rstrip("/")
    if not source.startswith("/"):
        return None  # relative to the project, a variable, or a Windows path
    return posixpath.normpath("/" + source.lstrip("/"))


def _is_socket(source: str) -> bool:
    return source.rstrip("/").rsplit("/", 1)[-1] in _SOCKETS
