"""Control-plane components and their flags, wherever they come from: static pod
manifests (``command``/``args``, also behind ``hyperkube`` or ``sh -c``), kubeadm
extraArgs, ``KubeletConfiguration`` and ``KubeSchedulerConfiguration``; and the checks
several components share (profiling, bind address)."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.model import Rule
from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.workloads import Container, Workload, get_map
from shieldwall.sources.yaml_tree import YMap, YSeq

_APISERVER, _CONTROLLER, _SCHEDULER, _ETCD, _KUBELET = (
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "etcd",
    "kubelet",
)
_EXECUTABLES = frozenset({_APISERVER, _CONTROLLER, _SCHEDULER, _ETCD, _KUBELET})
_HYPERKUBE = {
    "apiserver": _APISERVER,
    "controller-manager": _CONTROLLER,
    "scheduler": _SCHEDULER,
    "kubelet": _KUBELET,
}
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
_ARCH_SUFFIXES = ("-amd64", "-arm64", "-arm", "-ppc64le", "-s390x")
_ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - a default we report on, not a bind
# Compiled-in defaults of the versions still in use (1.2x), as flag strings.
_DEFAULTS: dict[str, dict[str, str]] = {
    _APISERVER: {
        "anonymous-auth": "true",
        "authorization-mode": "AlwaysAllow",
        "profiling": "true",
        "insecure-port": "0",
        "secure-port": "6443",
        "kubelet-https": "true",
        "service-account-lookup": "true",
    },
    _CONTROLLER: {
        "profiling": "true",
        "use-service-account-credentials": "false",
        "bind-address": _ALL_INTERFACES,
    },
    _SCHEDULER: {"profiling": "true", "bind-address": _ALL_INTERFACES},
    _ETCD: {"client-cert-auth": "false", "peer-client-cert-auth": "false", "auto-tls": "false"},
    _KUBELET: {
        "anonymous-auth": "true",
        "authorization-mode": "AlwaysAllow",
        "read-only-port": "10255",
        "protect-kernel-defaults": "false",
        "make-iptables-util-chains": "true",
        "streaming-connection-idle-timeout": "4h0m0s",
        "rotate-certificates": "false",
    },
}
# KubeletConfiguration (kubelet.config.k8s.io/v1beta1) defaults.
_KUBELET_CONFIG_DEFAULTS = {
    "anonymous-auth": "false",
    "authorization-mode": "Webhook",
    "read-only-port": "0",
    "protect-kernel-defaults": "false",
    "make-iptables-util-chains": "true",
    "rotate-certificates": "false",
    "rotate-server-certificates": "false",
    "tls-cert-file": "",
}
# Boolean flags: a bare ``--flag`` means true and never takes the next word.
_BOOL_FLAGS = frozenset(
    {
        "anonymous-auth",
        "profiling",
        "client-cert-auth",
        "peer-client-cert-auth",
        "auto-tls",
        "peer-auto-tls",
        "kubelet-https",
        "service-account-lookup",
        "use-service-account-credentials",
        "protect-kernel-defaults",
        "make-iptables-util-chains",
        "rotate-certificates",
        "rotate-server-certificates",
        "enable-skip-login",
        "enable-insecure-login",
        "allow-privileged",
    }
)
_TRUE = frozenset({"1", "t", "true"})
_FALSE = frozenset({"0", "f", "false"})


@dataclass(frozen=True, slots=True)
class Flag:
    name: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class Component:
    """One configured control-plane component and how its unset flags are judged."""

    name: str  # kube-apiserver | kube-controller-manager | kube-scheduler | etcd | kubelet
    path: str
    resource: str
    where: str  # human description of the place, for messages
    key: str  # stable locator of the place (container key, config kind)
    anchor: int  # line to point at when a flag is missing
    flags: Mapping[str, Flag]
    defaults: Mapping[str, str]
    complete: bool  # True: every unset flag has its compiled-in default
    spelling: Mapping[str, str] = field(default_factory=dict)  # flag -> config field name

    def spell(self, name: str) -> str:
        return self.spelling.get(name, f"--{name}")

    def flag(self, name: str) -> Flag | None:
        return self.flags.get(name)

    def value(self, name: str) -> str | None:
        """Effective value; "" when unset with no default; None when unknowable."""
        flag = self.flags.get(name)
        if flag is not None:
            return flag.value
        if self.complete or name in self.defaults:
            return self.defaults.get(name, "")
        return None

    def unset(self, name: str) -> bool:
        return self.value(name) == ""

    def hit(self, rule: Rule, name: str, message: str, suffix: str = "") -> Hit:
        """A finding on flag ``name``: its item when present, else the anchor."""
        flag = self.flags.get(name)
        line = flag.line if flag is not None else self.anchor
        return Hit(
            rule,
            self.path,
            line,
            self.resource,
            f"{self.where}: {message}",
            f"{self.key}.{name}{suffix}",
        )

    def hit_missing(self, rule: Rule, topic: str, missing: list[str]) -> Hit:
        """A finding about flags that are absent: always at the anchor."""
        return Hit(
            rule,
            self.path,
            self.anchor,
            self.resource,
            f"{self.where}: {', '.join(missing)} unset",
            f"{self.key}.{topic}",
        )


def _is_true(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _TRUE


def _is_false(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _FALSE


def _items(value: str | None) -> list[str]:
    if not value:
        return []
    return [v.strip() for v in value.split(",") if v.strip()]


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=False)
    except ValueError:
        return text.split()


def _tokens(body: YMap) -> list[tuple[str, int]]:
    """The words of command + args with the line of each."""
    out: list[tuple[str, int]] = []
    for key in ("command", "args"):
        value = body.get(key)
        if isinstance(value, YSeq):
            for index, item in enumerate(value):
                text = _scalar(item)
                if text is not None:
                    out.append((text, value.line_of(index)))
        elif isinstance(value, str):
            out.extend((word, body.line_of(key)) for word in _split(value))
    return out


def _unwrap(tokens: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Look through ``sh -c "exec kube-apiserver ..."``."""
    if len(tokens) >= 3 and _basename(tokens[0][0]) in _SHELLS and tokens[1][0] == "-c":
        line = tokens[2][1]
        words = _split(tokens[2][0])
        if words and words[0] == "exec":
            words = words[1:]
        return [(w, line) for w in words]
    return tokens


def _basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _image_binary(image: str) -> str | None:
    """The component an image ships as its entrypoint (``registry.k8s.io/kube-apiserver``)."""
    name = _image_repo(image).rsplit("/", 1)[-1]
    for suffix in _ARCH_SUFFIXES:
        name = name.removesuffix(suffix)
    return name if name in _EXECUTABLES else None


def _identify(
    tokens: list[tuple[str, int]], image: str = ""
) -> tuple[str, list[tuple[str, int]]] | None:
    """The component a container runs, by its binary: never by a flag's value.

    With a ``command`` the binary is its first word. Without one the image's
    entrypoint runs, so the image names the binary and every word is an argument.
    """
    tokens = _unwrap(tokens)
    if not tokens:
        return None
    first = tokens[0][0]
    if first.startswith("-"):
        binary = _image_binary(image)
        return (binary, tokens) if binary is not None else None
    exe = _basename(first)
    if exe in _EXECUTABLES:
        return exe, tokens[1:]
    if exe == "hyperkube" and len(tokens) > 1:
        sub = _basename(tokens[1][0])
        sub = _HYPERKUBE.get(sub, sub)
        if sub in _EXECUTABLES and sub != _ETCD:
            return sub, tokens[2:]
    return None


def _parse_flags(tokens: list[tuple[str, int]]) -> dict[str, Flag]:
    flags: dict[str, Flag] = {}
    i = 0
    while i < len(tokens):
        text, line = tokens[i]
        i += 1
        if not text.startswith("-") or text.strip("-") == "":
            continue
        name = text.lstrip("-")
        if "=" in name:
            name, value = name.split("=", 1)
        elif name not in _BOOL_FLAGS and i < len(tokens) and not tokens[i][0].startswith("-"):
            value = tokens[i][0]
            i += 1
        else:
            value = "true"
        flags[name] = Flag(name, value.strip(), line)
    return flags


def _anchor(body: YMap) -> int:
    for key in ("command", "args"):
        if key in body:
            return body.line_of(key)
    return body.line_of("name")


def _container_component(w: Workload, c: Container) -> Component | None:
    found = _identify(_tokens(c.body), c.image)
    if found is None:
        return None
    name, rest = found
    flags = _parse_flags(rest)
    complete = not (name == _KUBELET and "config" in flags)
    return Component(
        name,
        w.path,
        w.id,
        f"{name} in container {c.name!r} of {w.id}",
        c.key,
        _anchor(c.body),
        flags,
        _DEFAULTS[name] if complete else {},
        complete,
    )


def _resource(obj: K8sObject) -> str:
    """Config files often have no metadata: name them by file (and document)."""
    if "name" in obj.metadata:
        return obj.id
    return f"{obj.kind}/{obj.path}" + (f"#{obj.doc_index + 1}" if obj.doc_index else "")


_Convert = Callable[[Any], "str | None"]


def _kubelet_config(obj: K8sObject) -> Component:
    body = obj.body
    flags: dict[str, Flag] = {}

    def put(flag: str, node: Any, key: str, convert: _Convert = _scalar) -> None:
        if isinstance(node, YMap) and key in node:
            raw = node[key]
            text = convert(raw)
            if text is not None:
                flags[flag] = Flag(flag, text, node.line_of(key))

    put("anonymous-auth", get_map(body, "authentication", "anonymous"), "enabled")
    put("authorization-mode", get_map(body, "authorization"), "mode")
    for flag, key in _KUBELET_FIELDS.items():
        if "." not in key:
            put(flag, body, key)
    put("tls-cipher-suites", body, "tlsCipherSuites", _join_list)
    put("feature-gates", body, "featureGates", _join_gates)
    return Component(
        _KUBELET,
        obj.path,
        _resource(obj),
        f"KubeletConfiguration in {obj.path}",
        "KubeletConfiguration",
        body.line_of("kind"),
        flags,
        _KUBELET_CONFIG_DEFAULTS,
        False,
        _KUBELET_FIELDS,
    )


_KUBELET_FIELDS = {
    "anonymous-auth": "authentication.anonymous.enabled",
    "authorization-mode": "authorization.mode",
    "read-only-port": "readOnlyPort",
    "protect-kernel-defaults": "protectKernelDefaults",
    "make-iptables-util-chains": "makeIPTablesUtilChains",
    "streaming-connection-idle-timeout": "streamingConnectionIdleTimeout",
    "rotate-certificates": "rotateCertificates",
    "rotate-server-certificates": "serverTLSBootstrap",
    "tls-cert-file": "tlsCertFile",
    "tls-min-version": "tlsMinVersion",
}


def _join_list(value: Any) -> str | None:
    if isinstance(value, list):
        return ",".join(t for t in (_scalar(v) for v in value) if t is not None)
    return _scalar(value)


def _join_gates(value: Any) -> str | None:
    if isinstance(value, dict):
        return ",".join(f"{k}={_scalar(v)}" for k, v in value.items())
    return None


def _scheduler_config(obj: K8sObject) -> Component:
    body = obj.body
    flags: dict[str, Flag] = {}
    text = _scalar(body.get("enableProfiling"))
    if text is not None:
        flags["profiling"] = Flag("profiling", text, body.line_of("enableProfiling"))
    return Component(
        _SCHEDULER,
        obj.path,
        _resource(obj),
        f"KubeSchedulerConfiguration in {obj.path}",
        "KubeSchedulerConfiguration",
        body.line_of("kind"),
        flags,
        {"profiling": "true"},
        False,
        {"profiling": "enableProfiling"},
    )


_KUBEADM_SECTIONS = (
    (("apiServer",), _APISERVER),
    (("controllerManager",), _CONTROLLER),
    (("scheduler",), _SCHEDULER),
    (("etcd", "local"), _ETCD),
)


def _kubeadm_components(obj: K8sObject) -> Iterator[Component]:
    """kubeadm ClusterConfiguration extraArgs; kubeadm sets secure values for the rest."""
    for path, name in _KUBEADM_SECTIONS:
        section = get_map(obj.body, *path)
        if section is None or "extraArgs" not in section:
            continue
        flags: dict[str, Flag] = {}
        extra = section.get("extraArgs")
        if isinstance(extra, YMap):  # v1beta3: a map
            for key, raw in extra.items():
                text = _scalar(raw)
                if text is not None:
                    flags[str(key)] = Flag(str(key), text, extra.line_of(key))
        elif isinstance(extra, YSeq):  # v1beta4: a list of {name, value}
            for item in extra:
                if isinstance(item, YMap) and isinstance(item.get("name"), str):
                    text = _scalar(item.get("value")) or ""
                    flags[item["name"]] = Flag(item["name"], text, item.line_of("value"))
        where = f"{name} extraArgs of {obj.kind} in {obj.path}"
        yield Component(
            name,
            obj.path,
            _resource(obj),
            where,
            f"{'.'.join(path)}.extraArgs",
            section.line_of("extraArgs"),
            flags,
            {},
            False,
        )


def _components(ctx: ConfigContext, views: list[Workload]) -> list[Component]:
    out: list[Component] = []
    for w in views:
        for c in w.containers():
            comp = _container_component(w, c)
            if comp is not None:
                out.append(comp)
    for obj in ctx.inventory.kubernetes:
        group = obj.api_version.split("/", 1)[0]
        if obj.kind == "KubeletConfiguration" and group == "kubelet.config.k8s.io":
            out.append(_kubelet_config(obj))
        elif obj.kind == "KubeSchedulerConfiguration" and group == "kubescheduler.config.k8s.io":
            out.append(_scheduler_config(obj))
        elif obj.kind == "ClusterConfiguration" and group == "kubeadm.k8s.io":
            out.extend(_kubeadm_components(obj))
    return out


def _explicit_or_default(c: Component, name: str, what: str) -> str:
    if c.flag(name) is not None:
        return what
    return f"{what} ({c.spell(name)} unset, default {c.defaults.get(name, 'unset')})"


def _missing(c: Component, names: Iterable[str]) -> list[str]:
    return [f"--{n}" for n in names if c.unset(n)]


def _profiling(c: Component, rule: Rule) -> Iterator[Hit]:
    value = c.value("profiling")
    if value is not None and not _is_false(value):
        yield c.hit(
            rule, "profiling", _explicit_or_default(c, "profiling", "profiling endpoints are on")
        )


def _bind_address(c: Component, rule: Rule) -> Iterator[Hit]:
    value = c.value("bind-address")
    if value and not _is_loopback(value):
        yield c.hit(
            rule, "bind-address", _explicit_or_default(c, "bind-address", f"listens on {value}")
        )


def _is_loopback(address: str) -> bool:
    host = address.strip().strip("[]").lower()
    return host.startswith("127.") or host in ("::1", "localhost")


def _image_repo(image: str) -> str:
    repo = image.split("@", 1)[0]
    last = repo.rsplit("/", 1)[-1]
    if ":" in last:
        repo = repo[: len(repo) - len(last)] + last.split(":", 1)[0]
    return repo.lower()
