"""Datastores started without authentication: a Redis in protected-mode "no"
with no password, a mongod with --noauth, Elasticsearch with security off.
Read from the command line of Kubernetes containers and compose services."""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.yaml_tree import YSeq
from shieldwall.system.values import ConfigValue, compose_env, env_values

DATASTORE_NO_AUTH = config_rule(
    id="DATASTORE-NO-AUTH",
    control=Control.ACCESS_CONTROL,
    severity=Severity.HIGH,
    title="Datastore accepts clients without authentication",
    description=(
        "The datastore is started with its authentication turned off (Redis `--protected-mode "
        "no` without `--requirepass`, `mongod --noauth`, Elasticsearch "
        "`xpack.security.enabled=false`): any pod or host that reaches its port reads and "
        "writes all of its data."
    ),
    remediation=(
        "Turn authentication on (Redis `--requirepass` from a Secret or ACL users, mongod "
        "`--auth`, Elasticsearch security enabled) and restrict who reaches the port with a "
        "NetworkPolicy."
    ),
    applies_to=("workload", "compose-service"),
    cwe=("CWE-306",),
    references=("https://redis.io/docs/latest/operate/oss_and_stack/management/security/",),
)
RULES: tuple[Rule, ...] = (DATASTORE_NO_AUTH,)


@dataclass(frozen=True, slots=True)
class _Process:
    """A container's command line with the line of each argument."""

    path: str
    resource: str
    key: str
    args: tuple[tuple[str, int], ...]  # (argument, line)
    env: dict[str, tuple[str, int]]  # name -> (value, line)


def check(ctx: ConfigContext) -> Iterator[Hit]:
    for proc in _processes(ctx):
        hit = _redis(proc) or _mongo(proc) or _elastic(proc)
        if hit is not None:
            yield hit


def _processes(ctx: ConfigContext) -> Iterator[_Process]:
    for w in ctx.workloads:
        for c in w.containers():
            args: list[tuple[str, int]] = []
            for field in ("command", "args"):
                seq = c.body.get(field)
                if isinstance(seq, YSeq):
                    for i, arg in enumerate(seq):
                        args.extend(_split(arg, seq.line_of(i)))
            yield _Process(w.path, w.id, c.key, tuple(args), _env(env_values(w, c)))
    for cf in ctx.inventory.compose:
        for name, svc in cf.services.items():
            cmd = svc.get("command")
            args = []
            if isinstance(cmd, str):
                args.extend(_split(cmd, svc.line_of("command")))
            elif isinstance(cmd, YSeq):
                for i, arg in enumerate(cmd):
                    args.extend(_split(arg, cmd.line_of(i)))
            yield _Process(
                cf.path, cf.service_id(name), name, tuple(args), _env(compose_env(cf, name, svc))
            )


def _split(value: object, line: int) -> tuple[tuple[str, int], ...]:
    text = str(value)
    try:
        parts = shlex.split(text) if " " in text.strip() else [text]
    except ValueError:
        parts = text.split()
    return tuple((p, line) for p in parts)


def _env(values: Iterable[ConfigValue]) -> dict[str, tuple[str, int]]:
    return {v.name: (v.text, v.line) for v in values}


def _flag(args: tuple[tuple[str, int], ...], name: str) -> tuple[str, int] | None:
    """Value and line of ``--name value`` or ``--name=value`` (the last one wins)."""
    found = None
    for i, (arg, line) in enumerate(args):
        if arg == name and i + 1 < len(args):
            found = (args[i + 1][0], line)
        elif arg.startswith(name + "="):
            found = (arg.split("=", 1)[1], line)
    return found


def _redis(p: _Process) -> Hit | None:
    mode = _flag(p.args, "--protected-mode")
    if mode is None or mode[0].lower() != "no":
        return None
    if _flag(p.args, "--requirepass") or any("REDIS_PASSWORD" in k for k in p.env):
        return None
    return Hit(
        DATASTORE_NO_AUTH,
        p.path,
        mode[1],
        p.resource,
        f"{p.resource} runs Redis with --protected-mode no and no --requirepass: "
        "any client that reaches port 6379 has full access",
        f"{p.key}|redis",
    )


def _mongo(p: _Process) -> Hit | None:
    for arg, line in p.args:
        if arg == "--noauth":
            return Hit(
                DATASTORE_NO_AUTH,
                p.path,
                line,
                p.resource,
                f"{p.resource} starts mongod with --noauth",
                f"{p.key}|mongo",
            )
    return None


def _elastic(p: _Process) -> Hit | None:
    for arg, line in p.args:
        if arg.replace(" ", "") == "-Expack.security.enabled=false":
            return Hit(
                DATASTORE_NO_AUTH,
                p.path,
                line,
                p.resource,
                f"{p.resource} starts Elasticsearch with security disabled",
                f"{p.key}|elastic",
            )
    value, line = p.env.get("xpack.security.enabled", ("", 0))
    if value.lower() == "false":
        return Hit(
            DATASTORE_NO_AUTH,
            p.path,
            line,
            p.resource,
            f"{p.resource} sets xpack.security.enabled=false",
            f"{p.key}|elastic",
        )
    return None
