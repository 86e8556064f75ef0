"""Literal secrets in a service's environment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shieldwall.analyzers.config.compose.service import _SVC, _Service
from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.credentials import is_secret_assignment
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.yaml_tree import YMap, YSeq

COMPOSE_ENV_SECRET = config_rule(
    id="COMPOSE-ENV-SECRET",
    control=Control.SECRETS,
    severity=Severity.HIGH,
    title="Compose service has a literal secret in its environment",
    description=(
        "A password, token or key written in the compose file is readable by everyone with the "
        "repository and by anyone who can inspect the container."
    ),
    remediation=(
        "Use `${VAR}` interpolation from an untracked .env file, or compose `secrets:` mounted "
        "as files (`*_FILE` variables); rotate the exposed value."
    ),
    applies_to=_SVC,
    cwe=("CWE-798",),
    references=("https://docs.docker.com/compose/how-tos/use-secrets/",),
)


def _env_pairs(env: Any) -> Iterator[tuple[str, Any, int]]:
    if isinstance(env, YMap):
        for key, value in env.items():
            yield str(key), value, env.line_of(key)
    elif isinstance(env, YSeq):
        for index, item in enumerate(env):
            if isinstance(item, str) and "=" in item:
                key, _, value = item.partition("=")
                yield key.strip(), value, env.line_of(index)


def _env_hits(svc: _Service) -> Iterator[Hit]:
    for name, value, line in _env_pairs(svc.body.get("environment")):
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (str, int, float)) and is_secret_assignment(name, str(value)):
            yield svc.hit(
                COMPOSE_ENV_SECRET,
                line,
                f"environment variable {name} holds a literal secret",
                f"environment[{name}]",
            )


RULES: tuple[Rule, ...] = (COMPOSE_ENV_SECRET,)
