"""Stages and FROM, and what the final stage ships: its base image, its user, its
healthcheck and its command."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.dockerfile.document import _Doc, _ins_key, _stage_label
from shieldwall.analyzers.config.dockerfile.shorthand import _PRACTICES, _REF, _rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.dockerfile import Instruction, Stage, runs_unprivileged

DOCKERFILE_ROOT_USER = _rule(
    id="DOCKERFILE-ROOT-USER",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    title="Image runs as root",
    description=(
        "The final stage sets no USER (or sets root), so the container's process runs as UID 0; "
        "any code execution in it is root in the container and one step from the host."
    ),
    remediation=(
        "Create an unprivileged user and end the final stage with `USER 10001:10001` "
        "(or `USER app`)."
    ),
    cwe=("CWE-250",),
    references=(_REF + "#user", _PRACTICES + "#user"),
)
DOCKERFILE_ROOT_USER_UNKNOWN = _rule(
    id="DOCKERFILE-ROOT-USER-UNKNOWN",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    title="Image may run as root: its base image is chosen at build time",
    description=(
        "The final stage sets no USER and is built FROM a build argument with no default "
        "(`FROM ${BASE_IMAGE}`): whether the container runs as root depends on the image "
        "given at build time, which the Dockerfile does not show. Also raised for a base "
        "image's Dockerfile (`Dockerfile.base`, `base.Dockerfile`, with no CMD or "
        "ENTRYPOINT): no container runs from it, the images built FROM it set the user."
    ),
    remediation=(
        "End the final stage with `USER 10001:10001` (or `USER app`), so the image runs "
        "unprivileged whatever base it is built on."
    ),
    cwe=("CWE-250",),
    references=(_REF + "#user", _PRACTICES + "#user"),
)
DOCKERFILE_IMAGE_UNPINNED = _rule(
    id="DOCKERFILE-IMAGE-UNPINNED",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.LOW,
    title="Base image is `latest` or untagged",
    description=(
        "A moving base tag changes under the build: builds are not reproducible and a "
        "compromised upstream push is picked up silently."
    ),
    remediation=(
        "Pin the base image to a version tag and a digest: `FROM python:3.12-slim@sha256:...`."
    ),
    cwe=("CWE-1357",),
    references=(_REF + "#from",),
)
DOCKERFILE_IMAGE_NO_DIGEST = _rule(
    id="DOCKERFILE-IMAGE-NO-DIGEST",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="Base image is not pinned by digest",
    description=(
        "A tag can be moved to other content at any time; only a digest names fixed content."
    ),
    remediation=(
        "Append the digest to the base image: `FROM name:tag@sha256:...` (let a bot update it)."
    ),
    cwe=("CWE-1357",),
    references=(_REF + "#from",),
)
DOCKERFILE_HEALTHCHECK_MISSING = _rule(
    id="DOCKERFILE-HEALTHCHECK-MISSING",
    control=Control.ISOLATION,
    severity=Severity.INFO,
    title="Image has no HEALTHCHECK",
    description=(
        "Without a health check the runtime cannot tell a hung or hijacked container from a "
        "healthy one, and keeps routing traffic to it."
    ),
    remediation=(
        "Add `HEALTHCHECK CMD <probe>` to the final stage (or define probes in the orchestrator)."
    ),
    references=(_REF + "#healthcheck",),
)
DOCKERFILE_MULTIPLE_CMD = _rule(
    id="DOCKERFILE-MULTIPLE-CMD",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="CMD or ENTRYPOINT overridden in the same stage",
    description=(
        "Only the last CMD and the last ENTRYPOINT of the final stage take effect; earlier ones "
        "are dead code that misleads reviewers about what the image runs."
    ),
    remediation="Keep a single CMD and a single ENTRYPOINT in the final stage.",
    references=(_REF + "#cmd",),
)
DOCKERFILE_SHELL_FORM_CMD = _rule(
    id="DOCKERFILE-SHELL-FORM-CMD",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.LOW,
    title="CMD or ENTRYPOINT in shell form",
    description=(
        "Shell form runs the process under `/bin/sh -c`: it does not receive SIGTERM (no graceful "
        "shutdown) and needs a shell in the image."
    ),
    remediation='Use the exec (JSON) form: `CMD ["python", "app.py"]`.',
    references=(_REF + "#shell-and-exec-form",),
)
DOCKERFILE_FROM_PLATFORM = _rule(
    id="DOCKERFILE-FROM-PLATFORM",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="FROM hard-codes --platform",
    description=(
        "A fixed platform builds an image for one architecture, emulated on others; it is rarely "
        "what a multi-platform build wants."
    ),
    remediation="Drop `--platform`, or use `--platform=$BUILDPLATFORM` for cross-compiling stages.",
    references=(_REF + "#from",),
)
DOCKERFILE_DUPLICATE_STAGE = _rule(
    id="DOCKERFILE-DUPLICATE-STAGE",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="Stage alias used twice",
    description="Two stages with the same name make `COPY --from` and `FROM` references ambiguous.",
    remediation="Give each stage a unique `AS` name.",
    references=(_REF + "#from",),
)
DOCKERFILE_COPY_CHOWN_RUNTIME_USER = _rule(
    id="DOCKERFILE-COPY-CHOWN-RUNTIME-USER",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.LOW,
    title="Files copied as owned by the runtime user",
    description=(
        "COPY --chown to the user the container runs as lets a compromised process rewrite its "
        "own code and configuration."
    ),
    remediation=(
        "Leave application files owned by root and readable by the runtime user; chown only the "
        "directories it must write."
    ),
    cwe=("CWE-732",),
    references=(_REF + "#copy---chown---chmod",),
)


def _stage_hits(doc: _Doc) -> Iterator[Hit]:
    stages = doc.src.dockerfile.stages
    names = Counter(s.name for s in stages if s.name)
    for stage in stages:
        ins = stage.from_instruction
        earlier = {s.name for s in stages[: stage.index] if s.name}
        base = stage.base.lower()
        label = _stage_label(stage)
        if stage.name and names[stage.name] > 1:
            yield doc.hit(
                DOCKERFILE_DUPLICATE_STAGE,
                ins.start_line,
                f"stage alias {stage.name!r} is used by more than one FROM",
                f"{label}.alias",
            )
        platform = ins.flags.get("platform")
        if platform is not None and "$" not in platform:
            yield doc.hit(
                DOCKERFILE_FROM_PLATFORM,
                ins.start_line,
                f"FROM fixes --platform={platform}",
                f"{label}.platform",
            )
        if not base or base == "scratch" or base in earlier or "$" in base:
            continue
        problem = _image_problem(stage.base)
        if problem:
            yield doc.hit(
                DOCKERFILE_IMAGE_UNPINNED,
                ins.start_line,
                f"base image {stage.base!r} {problem}",
                f"{label}.from",
            )
        elif "@" not in stage.base:
            yield doc.hit(
                DOCKERFILE_IMAGE_NO_DIGEST,
                ins.start_line,
                f"base image {stage.base!r} is not pinned by digest",
                f"{label}.from",
            )


def _image_problem(image: str) -> str:
    last = image.rsplit("/", 1)[-1]
    if "@" in image:
        return ""
    if ":" not in last:
        return "has no tag (means latest)"
    return "uses the latest tag" if last.rsplit(":", 1)[1].lower() == "latest" else ""


def _chain(doc: _Doc, stage: Stage) -> list[Stage]:
    """The stage and the earlier stages it is built FROM, nearest first."""
    stages = doc.src.dockerfile.stages
    chain = [stage]
    while True:
        base = chain[-1].base.lower()
        parent = next((s for s in reversed(stages[: chain[-1].index]) if s.name == base), None)
        if parent is None or parent in chain:
            return chain
        chain.append(parent)


def _last(chain: list[Stage], keyword: str) -> Instruction | None:
    for stage in chain:
        found = [i for i in stage.instructions if i.keyword == keyword]
        if found:
            return found[-1]
    return None


def _final_stage_hits(doc: _Doc) -> Iterator[Hit]:
    final = doc.src.dockerfile.stages[-1]
    chain = _chain(doc, final)
    root = chain[-1]
    label = _stage_label(final)
    user = _last(chain, "USER")
    base = _resolve_args(root.base, doc.src.dockerfile.global_args)
    if user is None and _builds_a_base_image(doc, chain):
        yield doc.hit(
            DOCKERFILE_ROOT_USER_UNKNOWN,
            final.from_instruction.start_line,
            "the final stage sets no USER, but this file builds a base image (named so, "
            "with no CMD or ENTRYPOINT): the images built FROM it decide the user",
            f"{label}.user",
        )
    elif user is None:
        yield from _base_user_hits(doc, final, base, root.base, f"{label}.user")
    elif re.match(r"^(root|0)(:.*)?$", user.arguments.strip()):
        yield doc.hit(
            DOCKERFILE_ROOT_USER,
            user.start_line,
            f"the final stage ends with USER {user.arguments.strip()}",
            f"{label}.user",
        )
    if _last(chain, "HEALTHCHECK") is None:
        yield doc.hit(
            DOCKERFILE_HEALTHCHECK_MISSING,
            final.from_instruction.start_line,
            "the final stage defines no HEALTHCHECK",
            f"{label}.healthcheck",
        )
    runtime_user = user.arguments.strip().split(":")[0] if user else ""
    for keyword in ("CMD", "ENTRYPOINT"):
        found = [i for i in final.instructions if i.keyword == keyword]
        for ins in found[:-1]:
            yield doc.hit(
                DOCKERFILE_MULTIPLE_CMD,
                ins.start_line,
                f"{keyword} is overridden by a later {keyword} in the final stage",
                _ins_key(final, ins),
            )
        if found and found[-1].exec_form is None and found[-1].arguments:
            yield doc.hit(
                DOCKERFILE_SHELL_FORM_CMD,
                found[-1].start_line,
                f"{keyword} uses shell form",
                f"{label}.{keyword.lower()}",
            )
    for ins in final.instructions:
        chown = ins.flags.get("chown", "").split(":")[0]
        if ins.keyword in ("COPY", "ADD") and chown and runtime_user and chown == runtime_user:
            yield doc.hit(
                DOCKERFILE_COPY_CHOWN_RUNTIME_USER,
                ins.start_line,
                f"{ins.keyword} --chown gives the runtime user {chown!r} ownership "
                "of the copied files",
                _ins_key(final, ins),
            )


_BASE_IMAGE_FILE = re.compile(r"^(dockerfile\.base(\..+)?|(.+[.-])?base\.dockerfile)$")


def _builds_a_base_image(doc: _Doc, chain: list[Stage]) -> bool:
    """A base image's Dockerfile: named so, and nothing in it says what to run."""
    name = doc.src.path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if not _BASE_IMAGE_FILE.match(name):
        return False
    return _last(chain, "CMD") is None and _last(chain, "ENTRYPOINT") is None


_ARG_REF = re.compile(r"\$(?:\{(\w+)(?::?[-+][^}]*)?\}|(\w+))")


def _arg_defaults(args: list[Instruction]) -> dict[str, str]:
    defaults: dict[str, str] = {}
    for ins in args:
        for word in ins.arguments.split():
            name, sep, value = word.partition("=")
            if sep:
                defaults[name] = value.strip("\"'")
    return defaults


def _resolve_args(base: str, args: list[Instruction]) -> str:
    """The base image with global ARG defaults filled in; `$` stays where none is given."""
    if "$" not in base:
        return base
    defaults = _arg_defaults(args)

    def fill(match: re.Match[str]) -> str:
        return defaults.get(match.group(1) or match.group(2), match.group(0))

    return _ARG_REF.sub(fill, base)


def _base_user_hits(doc: _Doc, final: Stage, base: str, written: str, key: str) -> Iterator[Hit]:
    """The final stage sets no USER: the base image decides."""
    line = final.from_instruction.start_line
    if base.lower() == "scratch" or runs_unprivileged(base):
        return
    if "$" in base:
        yield doc.hit(
            DOCKERFILE_ROOT_USER_UNKNOWN,
            line,
            f"the final stage sets no USER and its base {written!r} is chosen at build "
            "time: it runs as root unless that image sets a user",
            key,
        )
        return
    yield doc.hit(
        DOCKERFILE_ROOT_USER,
        line,
        "the final stage sets no USER: the container runs as root",
        key,
    )


RULES: tuple[Rule, ...] = (
    DOCKERFILE_ROOT_USER,
    DOCKERFILE_ROOT_USER_UNKNOWN,
    DOCKERFILE_IMAGE_UNPINNED,
    DOCKERFILE_IMAGE_NO_DIGEST,
    DOCKERFILE_HEALTHCHECK_MISSING,
    DOCKERFILE_MULTIPLE_CMD,
    DOCKERFILE_SHELL_FORM_CMD,
    DOCKERFILE_FROM_PLATFORM,
    DOCKERFILE_DUPLICATE_STAGE,
    DOCKERFILE_COPY_CHOWN_RUNTIME_USER,
)
