"""Environment variables: literal secrets, secret references and settings that turn
authentication off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.credentials import is_secret_assignment, name_words
from shieldwall.analyzers.config.k8s_workload.common import (
    _FALSE,
    _NO_AUTH_VALUES,
    _SECRETS,
    _SECRETS_GOOD,
    _TRUE,
    _W,
    _hit,
    _word,
)
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.workloads import Container, Workload
from shieldwall.system.values import env_secrets, env_values

K8S_ENV_LITERAL_SECRET = config_rule(
    id="K8S-ENV-LITERAL-SECRET",
    control=Control.SECRETS,
    severity=Severity.HIGH,
    title="Credential written in an environment variable",
    description=(
        "An env var named like a password, token or key carries a literal value: it is "
        "stored in the repository, in the object (readable by anyone who can get the "
        "workload) and in every copy of the manifest."
    ),
    remediation=(
        "Move the value to a Secret (ideally from an external secret manager) and mount it "
        "as a file; rotate the exposed credential."
    ),
    applies_to=_W,
    cwe=("CWE-798",),
    references=(_SECRETS_GOOD,),
)
K8S_ENV_SECRET_REF = config_rule(
    id="K8S-ENV-SECRET-REF",
    control=Control.SECRETS,
    severity=Severity.LOW,
    title="Secret exposed as environment variables",
    description=(
        "Secrets in env vars are inherited by child processes, shown in crash dumps and "
        "debug endpoints, and cannot be rotated without a restart."
    ),
    remediation="Mount the Secret as a volume (read-only files) and read it from there.",
    applies_to=_W,
    cwe=("CWE-526",),
    references=(_SECRETS, _SECRETS_GOOD),
)
K8S_ENV_AUTH_DISABLED = config_rule(
    id="K8S-ENV-AUTH-DISABLED",
    control=Control.ACCESS_CONTROL,
    severity=Severity.HIGH,
    title="Environment variable disables authentication",
    description=(
        "An env var turns authentication off or allows anonymous or empty-password access "
        "(AUTH_DISABLED=true, *_AUTH_ENABLED=false, ALLOW_EMPTY_PASSWORD=yes, "
        "*_AUTH_METHOD=trust...): anyone who reaches the service is let in."
    ),
    remediation=(
        "Keep authentication on and give clients credentials, ideally from a central "
        "identity provider."
    ),
    applies_to=_W,
    cwe=("CWE-306",),
    references=(_SECRETS_GOOD,),
)
_AUTH_WORD = r"(AUTH|AUTHENTICATION|AUTHORIZATION|AUTHN|AUTHZ|SECURITY|RBAC|ACL|BASICAUTH)"
_DISABLED_WHEN_TRUE = re.compile(
    rf"((^|_)(DISABLE|DISABLED|SKIP|NO|BYPASS)_?({_AUTH_WORD}|LOGIN)(_CHECKS?|_PLUGIN)?$"
    rf"|(^|_){_AUTH_WORD}_(DISABLED|DISABLE|SKIP|BYPASS|OFF)$"
    r"|(^|_)(ALLOW_)?ANONYMOUS(_ACCESS|_AUTH|_LOGIN|_USERS?|_READ)?(_ENABLED|_ALLOWED)?$"
    r"|(^|_)ALLOW_EMPTY(_ROOT)?_PASSWORD$"
    r"|(^|_)ALLOW_NONE_AUTHENTICATION$)"
)
_DISABLED_WHEN_FALSE = re.compile(
    rf"(^|_)(REQUIRE_?)?{_AUTH_WORD}(_REQUIRED|_ENABLED|_ENABLE|_ON)?$"
)
_AUTH_MODE = re.compile(rf"(^|_){_AUTH_WORD}(_METHOD|_TYPE|_MODE|_STRATEGY)$")
_TRANSPORT_WORDS = re.compile(r"(TLS|SSL|VERIFY|CERT|HTTPS)")


def _disables_auth(name: str, value: Any) -> bool:
    norm = "_".join(name_words(name)).upper()
    word = _word(value)
    if not norm or not word or _TRANSPORT_WORDS.search(norm):
        return False
    if _DISABLED_WHEN_TRUE.search(norm):
        return word in _TRUE
    if _AUTH_MODE.search(norm):
        return word in _NO_AUTH_VALUES or word in _FALSE
    if _DISABLED_WHEN_FALSE.search(norm):
        return word in _FALSE
    return False


def _env(w: Workload, c: Container) -> Iterator[Hit]:
    who = f"container {c.name!r} of {w.id}"
    for v in env_values(w, c):
        if _disables_auth(v.name, v.written):
            yield _hit(
                K8S_ENV_AUTH_DISABLED,
                w,
                v.line,
                f"{who} sets {v.name}={_word(v.written)}, which turns authentication off",
                v.key,
            )
        elif is_secret_assignment(v.name, v.written):
            yield _hit(
                K8S_ENV_LITERAL_SECRET,
                w,
                v.line,
                f"{who} sets the credential {v.name} as a literal env value",
                v.key,
            )
    for use in env_secrets(c):
        yield _hit(
            K8S_ENV_SECRET_REF,
            w,
            use.line,
            f"{who} reads a Secret into the env var {use.env}"
            if use.env
            else f"{who} loads the whole Secret {use.secret!r} into its environment",
            use.key,
        )


RULES: tuple[Rule, ...] = (
    K8S_ENV_LITERAL_SECRET,
    K8S_ENV_SECRET_REF,
    K8S_ENV_AUTH_DISABLED,
)
