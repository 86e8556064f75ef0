"""Literal secrets in a service's environment."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.compose.service import _SVC, _Service
from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.credentials import is_secret_assignment
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.system.values import compose_env

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


def _env_hits(svc: _Service) -> Iterator[Hit]:
    for v in compose_env(svc.cf, svc.name, svc.body):
        # an unquoted number counts (PASSWORD: 12345678), a boolean does not; a value
        # read from .env is the secrets analyzer's, at its line there: the compose file
        # holds only the reference (`written`)
        written = v.written if isinstance(v.written, str) else v.text
        if not isinstance(v.written, bool) and is_secret_assignment(v.name, written):
            yield svc.hit(
                COMPOSE_ENV_SECRET,
                v.line,
                f"environment variable {v.name} holds a literal secret",
                v.key,
            )


RULES: tuple[Rule, ...] = (COMPOSE_ENV_SECRET,)
