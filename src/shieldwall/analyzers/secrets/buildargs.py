"""Build arguments persisted into an image: `ARG DB_PASSWORD` then
`ENV DB_PASSWORD=$DB_PASSWORD` writes whatever value the build was given into
the image's configuration, where `docker inspect` and every container's
environment show it. The value is not in the repository; the Dockerfile is what
leaks it, so the finding stands on the ENV line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from shieldwall.analyzers.hits import rule
from shieldwall.analyzers.secrets.names import credential_kind
from shieldwall.analyzers.secrets.spec import ANALYZER
from shieldwall.model import Control, Severity

BUILD_ARG_IN_ENV = rule(
    id="SECRET-BUILD-ARG-IN-ENV",
    analyzer=ANALYZER,
    control=Control.SECRETS,
    severity=Severity.HIGH,
    title="Credential build argument persisted into the image",
    description=(
        "A Dockerfile ENV copies a build argument that names a credential "
        "(`ARG NPM_TOKEN` then `ENV NPM_TOKEN=$NPM_TOKEN`): the value given with "
        "--build-arg is written into the image configuration, where `docker inspect`, "
        "every container's environment and anyone who pulls the image can read it."
    ),
    remediation=(
        "Revoke any credential already built into a pushed image. Pass it as a build "
        "secret instead (`RUN --mount=type=secret,id=...` with `docker build --secret`) "
        "and, if the running container needs it, inject it at run time."
    ),
    applies_to=("file", "git-history"),
    cwe=("CWE-538", "CWE-798"),
    references=("https://docs.docker.com/build/building/secrets/",),
)
_ARG = re.compile(r"(?im)^[ \t]*ARG[ \t]+(.+)$")
_ENV = re.compile(r"(?im)^[ \t]*ENV[ \t]+((?:[^\n]*\\\n)*[^\n]*)$")
_PAIR = re.compile(
    r"""([A-Za-z_][\w.-]*)(?:=|[ \t]+)["']?\$\{?([A-Za-z_]\w*)(?::-[^}]*)?\}?["']?"""
)
_NAME = re.compile(r"[A-Za-z_]\w*")


def is_dockerfile(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(("dockerfile", "containerfile")) or lowered.endswith(".dockerfile")


@dataclass(frozen=True, slots=True)
class Persisted:
    env: str  # the ENV variable
    arg: str  # the build argument it copies
    line: int


def persisted(text: str) -> Iterator[Persisted]:
    """ENV variables that copy a build argument whose name (or its own) names a credential."""
    args = set()
    for m in _ARG.finditer(text):
        for word in m.group(1).split():
            name = _NAME.match(word)
            if name:
                args.add(name.group(0))
    if not args:
        return
    for m in _ENV.finditer(text):
        body = m.group(1)
        for pair in _PAIR.finditer(body):
            env, arg = pair.group(1), pair.group(2)
            if arg not in args:
                continue
            if credential_kind(env) is None and credential_kind(arg) is None:
                continue
            offset = m.start(1) + pair.start()
            yield Persisted(env, arg, text.count("\n", 0, offset) + 1)
