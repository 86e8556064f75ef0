"""Every value a deployed system is configured with, read once: Kubernetes env
and container command/args, ConfigMap data (on their own, and as the workloads
that use them see them), compose `environment:`, `command:` and `entrypoint:`.
Each value comes with its file and line, and a stable key for fingerprints."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from shieldwall.sources.interpolation import as_written
from shieldwall.sources.manifests import ComposeFile, K8sObject
from shieldwall.sources.workloads import Container, Workload, get_map, get_seq
from shieldwall.sources.yaml_tree import YMap, YSeq

_KEY = re.compile(r"\s*[A-Za-z_][A-Za-z0-9_.-]*\s*")


@dataclass(frozen=True, slots=True)
class ConfigValue:
    """A configuration string and where it is written."""

    owner: str  # the resource configured: a workload, compose service or ConfigMap id
    what: str  # "env PAYMENTS_URL", "ConfigMap orders key CATALOG_URL", "args[2]"
    name: str  # the variable or flag name ("" for a positional argument)
    text: str  # the value (for a `--flag=value` argument: the value)
    path: str
    line: int
    key: str  # stable locator inside the owner (never a line number)
    # The value as written (a str, or an int or bool YAML read unquoted: a number or
    # a boolean is a setting, never a credential; a compose `${VAR}` as the reference,
    # not its value); None for a command-line argument.
    written: object = None


def text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _flag(arg: str) -> tuple[str, str]:
    """(`FLAG_NAME`, value) of a `--flag-name=value` argument, ("", arg) otherwise."""
    if arg.startswith("-") and "=" in arg:
        flag, _, value = arg.partition("=")
        return flag.lstrip("-").replace("-", "_").upper(), value
    return "", arg


def env_values(w: Workload, c: Container) -> Iterator[ConfigValue]:
    """A container's literal env values (`value:`; not those read from elsewhere)."""
    for item in get_seq(c.body, "env"):
        if isinstance(item, YMap) and isinstance(item.get("value"), (str, int, bool)):
            name = str(item.get("name", ""))
            yield ConfigValue(
                w.id,
                f"env {name}",
                name,
                text_of(item["value"]),
                w.path,
                item.line_of("value"),
                f"{c.key}.env[{name}]",
                item["value"],
            )


def container_values(w: Workload) -> Iterator[ConfigValue]:
    """Literal env values and command/args of every container of a workload."""
    for c in w.containers():
        yield from env_values(w, c)
        for field in ("command", "args"):
            seq = c.body.get(field)
            if isinstance(seq, YSeq):
                for i, arg in enumerate(seq):
                    if isinstance(arg, str):
                        name, text = _flag(arg)
                        yield ConfigValue(
                            w.id,
                            f"{field}[{i}]",
                            name,
                            text,
                            w.path,
                            seq.line_of(i),
                            f"{c.key}.{field}[{i}]",
                        )


def configmap_values(cm: K8sObject, only_key: str | None = None) -> Iterator[ConfigValue]:
    """A ConfigMap's data, a multi-line value line by line (`NAME=value`, `name: value`)."""
    data = cm.body.get("data")
    if not isinstance(data, YMap):
        return
    for key, value in data.items():
        if not isinstance(value, (str, int, bool)) or (only_key and str(key) != only_key):
            continue
        key_line = data.line_of(key)
        what = f"ConfigMap {cm.name} key {key}"
        lines = value.splitlines() if isinstance(value, str) else [text_of(value)]
        if len(lines) <= 1:
            text = text_of(value).strip()
            yield ConfigValue(cm.id, what, str(key), text, cm.path, key_line, f"data[{key}]", value)
            continue
        for i, text in enumerate(lines, start=1):
            var, val = str(key), text
            for sep in ("=", ":"):
                name, found, rest = text.partition(sep)
                if found and _KEY.fullmatch(name) and not rest.startswith("//"):
                    var, val = name.strip(), rest
                    break
            yield ConfigValue(
                cm.id, what, var, val.strip(), cm.path, key_line + i, f"data[{key}]:{var}", val
            )


def used_configmaps(w: Workload) -> list[tuple[str, str | None]]:
    """(ConfigMap name, key or None for all keys) that a workload reads into env or
    mounts, in order."""
    used: list[tuple[str, str | None]] = []
    for c in w.containers():
        for item in get_seq(c.body, "env"):
            ref = get_map(item, "valueFrom", "configMapKeyRef")
            if ref is not None and ref.get("name"):
                used.append((str(ref["name"]), str(ref.get("key", "")) or None))
        for item in get_seq(c.body, "envFrom"):
            ref = get_map(item, "configMapRef")
            if ref is not None and ref.get("name"):
                used.append((str(ref["name"]), None))
    for vol in w.volumes():
        ref = get_map(vol, "configMap")
        if ref is not None and ref.get("name"):
            used.append((str(ref["name"]), None))
    return list(dict.fromkeys(used))


@dataclass(frozen=True, slots=True)
class SecretUse:
    """A container reading a Secret into its environment."""

    env: str  # the variable (`env` with `secretKeyRef`), "" for a whole Secret (`envFrom`)
    secret: str  # the Secret's name as written ("" when it is not)
    line: int
    key: str  # stable locator inside the workload (never a line number)


def env_secrets(c: Container) -> Iterator[SecretUse]:
    """The Secrets a container reads into its environment: one variable each
    (`valueFrom.secretKeyRef`), then whole (`envFrom[].secretRef`), in order."""
    for item in get_seq(c.body, "env"):
        if not isinstance(item, YMap) or not isinstance(item.get("name"), str):
            continue
        value_from = get_map(item, "valueFrom")
        ref = value_from.get("secretKeyRef") if value_from is not None else None
        if value_from is not None and isinstance(ref, YMap):
            name = item["name"]
            secret = str(ref.get("name") or "")
            line = value_from.line_of("secretKeyRef")
            yield SecretUse(name, secret, line, f"{c.key}.env[{name}]")
    for item in get_seq(c.body, "envFrom"):
        whole = get_map(item, "secretRef")
        if whole is not None:
            secret = str(whole.get("name", ""))
            yield SecretUse("", secret, c.body.line_of("envFrom"), f"{c.key}.envFrom[{secret}]")


def workload_values(
    w: Workload, configmaps: dict[tuple[str, str], K8sObject]
) -> Iterator[ConfigValue]:
    """What a workload is configured with: its containers' values, then the values
    of the ConfigMaps (in its namespace) it reads."""
    yield from container_values(w)
    for name, key in used_configmaps(w):
        cm = configmaps.get((w.namespace, name))
        if cm is not None:
            yield from configmap_values(cm, key)


def compose_env(cf: ComposeFile, name: str, svc: YMap) -> Iterator[ConfigValue]:
    """A compose service's `environment:`, as a mapping or as `NAME=value` items: `text`
    interpolated from the project's `.env`, `written` as the compose file writes it."""
    sid = cf.service_id(name)
    env = svc.get("environment")
    if isinstance(env, YMap):
        for k, val in env.items():
            if val is not None and not isinstance(val, (YMap, YSeq)):
                yield ConfigValue(
                    sid,
                    f"environment {k}",
                    str(k),
                    text_of(val),
                    cf.path,
                    env.line_of(k),
                    f"environment[{k}]",
                    as_written(val),
                )
    elif isinstance(env, YSeq):
        for i, item in enumerate(env):
            if isinstance(item, str) and "=" in item:
                k, _, val = item.partition("=")
                written = str(as_written(item)).partition("=")[2]
                yield ConfigValue(
                    sid,
                    f"environment {k.strip()}",
                    k.strip(),
                    val,
                    cf.path,
                    env.line_of(i),
                    f"environment[{k.strip()}]",
                    written,
                )


def compose_values(cf: ComposeFile, name: str, svc: YMap) -> Iterator[ConfigValue]:
    """A compose service's environment, command and entrypoint."""
    sid = cf.service_id(name)
    yield from compose_env(cf, name, svc)
    for field in ("command", "entrypoint"):
        cmd = svc.get(field)
        if isinstance(cmd, str):
            yield ConfigValue(sid, field, "", cmd, cf.path, svc.line_of(field), field)
        elif isinstance(cmd, YSeq):
            for i, arg in enumerate(cmd):
                if isinstance(arg, str):
                    flag, text = _flag(arg)
                    yield ConfigValue(
                        sid, f"{field}[{i}]", flag, text, cf.path, cmd.line_of(i), f"{field}[{i}]"
                    )
