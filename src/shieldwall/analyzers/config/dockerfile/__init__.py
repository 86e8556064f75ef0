"""Dockerfile rules, aware of build stages: what ships is the final stage (and the
stages it is built FROM); earlier stages matter for what they download and run.

One module per group of instructions, each with its rules beside its checks:
`stages` (FROM, USER, what the final stage ships), `instructions` (COPY, ADD,
EXPOSE, ENV, WORKDIR), `run` (RUN commands, over the `shell` model) and
`packages` (package managers in RUN); this one lists the rules and walks the
instructions.
"""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.dockerfile import instructions, packages, stages
from shieldwall.analyzers.config.dockerfile import run as run_commands
from shieldwall.analyzers.config.dockerfile.document import _Doc
from shieldwall.analyzers.config.dockerfile.shell import _SHELLS, _Run, _run_of
from shieldwall.model import Rule

RULES: tuple[Rule, ...] = (
    stages.DOCKERFILE_ROOT_USER,
    stages.DOCKERFILE_ROOT_USER_UNKNOWN,
    instructions.DOCKERFILE_ADD_ARCHIVE,
    stages.DOCKERFILE_IMAGE_UNPINNED,
    stages.DOCKERFILE_IMAGE_NO_DIGEST,
    run_commands.DOCKERFILE_CURL_PIPE_SHELL,
    instructions.DOCKERFILE_ADD_REMOTE,
    instructions.DOCKERFILE_ADD_INSTEAD_OF_COPY,
    instructions.DOCKERFILE_SECRET_IN_ENV,
    run_commands.DOCKERFILE_SUDO,
    instructions.DOCKERFILE_EXPOSE_SSH,
    run_commands.DOCKERFILE_TLS_VERIFY_OFF,
    run_commands.DOCKERFILE_HTTP_DOWNLOAD,
    run_commands.DOCKERFILE_WORLD_WRITABLE,
    packages.DOCKERFILE_UNPINNED_PACKAGES,
    packages.DOCKERFILE_APT_RECOMMENDS,
    packages.DOCKERFILE_PKG_NOT_NONINTERACTIVE,
    packages.DOCKERFILE_PKG_CACHE,
    packages.DOCKERFILE_UPDATE_ALONE,
    run_commands.DOCKERFILE_RUN_APT,
    stages.DOCKERFILE_HEALTHCHECK_MISSING,
    instructions.DOCKERFILE_MAINTAINER,
    stages.DOCKERFILE_MULTIPLE_CMD,
    stages.DOCKERFILE_SHELL_FORM_CMD,
    instructions.DOCKERFILE_WORKDIR_RELATIVE,
    run_commands.DOCKERFILE_RUN_CD,
    run_commands.DOCKERFILE_PIPE_NO_PIPEFAIL,
    stages.DOCKERFILE_FROM_PLATFORM,
    instructions.DOCKERFILE_COPY_FROM_UNKNOWN,
    stages.DOCKERFILE_DUPLICATE_STAGE,
    instructions.DOCKERFILE_COPY_FROM_INDEX,
    instructions.DOCKERFILE_EXPOSE_INVALID,
    stages.DOCKERFILE_COPY_CHOWN_RUNTIME_USER,
    instructions.DOCKERFILE_COPY_MULTI_DEST,
    run_commands.DOCKERFILE_SHELL_VIA_RUN,
)


def check(ctx: ConfigContext) -> Iterator[Hit]:
    for src in ctx.inventory.dockerfiles:
        doc = _Doc(src)
        df = src.dockerfile
        if not df.stages:
            continue
        yield from stages._stage_hits(doc)
        yield from stages._final_stage_hits(doc)
        for stage in df.stages:
            pipefail = False
            runs: list[_Run] = []
            for ins in stage.instructions:
                if ins.keyword == "SHELL":
                    form = ins.exec_form or []
                    pipefail = "pipefail" in form or not (
                        form and form[0].rsplit("/", 1)[-1] in _SHELLS
                    )
                elif ins.keyword == "RUN":
                    run = _run_of(ins)
                    runs.append(run)
                    yield from run_commands._run_hits(doc, stage, run, pipefail)
                elif ins.keyword in ("ENV", "ARG"):
                    yield from instructions._env_hits(doc, stage, ins)
                else:
                    yield from instructions._instruction_hits(doc, stage, ins)
            yield from packages._update_alone_hits(doc, stage, runs)
        for ins in df.global_args:
            yield from instructions._env_hits(doc, None, ins)
