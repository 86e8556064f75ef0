"""COPY, ADD, EXPOSE, ENV, WORKDIR and MAINTAINER."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.credentials import is_secret_assignment
from shieldwall.analyzers.config.dockerfile.document import _Doc, _env_pairs, _ins_key, _stage_label
from shieldwall.analyzers.config.dockerfile.run import (
    _TLS_ENV,
    DOCKERFILE_HTTP_DOWNLOAD,
    DOCKERFILE_TLS_VERIFY_OFF,
)
from shieldwall.analyzers.config.dockerfile.shorthand import _PRACTICES, _REF, _rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.dockerfile import Instruction, Stage

DOCKERFILE_ADD_ARCHIVE = _rule(
    id="DOCKERFILE-ADD-ARCHIVE",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="ADD unpacks a local archive",
    description=(
        "ADD extracts a local tar archive implicitly: whatever it holds (paths, symlinks, "
        "setuid files) lands in the image, and renaming the file to a non-archive turns "
        "the extraction into a plain copy without a word."
    ),
    remediation=(
        "To copy the archive as a file, use COPY. To unpack it, keep ADD deliberately (or "
        "COPY it and run `tar` with explicit options), and verify where the archive comes from."
    ),
    cwe=("CWE-706",),
    references=(_REF + "#add", _PRACTICES + "#add-or-copy"),
)
DOCKERFILE_ADD_REMOTE = _rule(
    id="DOCKERFILE-ADD-REMOTE",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.MEDIUM,
    title="ADD fetches a remote URL without a checksum",
    description=(
        "ADD of a URL or git repository downloads content at build time with no integrity check."
    ),
    remediation=(
        "Use `ADD --checksum=sha256:... <url>`, or download with curl and verify the checksum "
        "in the same RUN."
    ),
    cwe=("CWE-494",),
    references=(_REF + "#add",),
)
DOCKERFILE_ADD_INSTEAD_OF_COPY = _rule(
    id="DOCKERFILE-ADD-INSTEAD-OF-COPY",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.LOW,
    title="ADD used where COPY suffices",
    description=(
        "ADD also fetches URLs and unpacks archives; using it for plain files invites those "
        "implicit behaviours when a source changes."
    ),
    remediation="Use COPY for local files; keep ADD for local tar archives that must be extracted.",
    cwe=("CWE-706",),
    references=(_REF + "#add", _PRACTICES + "#add-or-copy"),
)
DOCKERFILE_SECRET_IN_ENV = _rule(
    id="DOCKERFILE-SECRET-IN-ENV",
    control=Control.SECRETS,
    severity=Severity.HIGH,
    title="Secret written in ENV or ARG",
    description=(
        "ENV and ARG values are stored in the image configuration and history: anyone who can "
        "pull the image can read them."
    ),
    remediation=(
        "Pass secrets at build time with `RUN --mount=type=secret` and at run time through the "
        "orchestrator's secrets; rotate the exposed value."
    ),
    cwe=("CWE-798",),
    references=("https://docs.docker.com/build/building/secrets/",),
)
DOCKERFILE_EXPOSE_SSH = _rule(
    id="DOCKERFILE-EXPOSE-SSH",
    control=Control.ACCESS_CONTROL,
    severity=Severity.MEDIUM,
    title="SSH port exposed",
    description=(
        "An SSH server in a container is a second way in, with its own local accounts and keys "
        "outside the platform's identity and access control."
    ),
    remediation=(
        "Remove the SSH server and `EXPOSE 22`; use `docker exec` / `kubectl exec` with audited "
        "access instead."
    ),
    cwe=("CWE-284",),
    references=(_REF + "#expose",),
)
DOCKERFILE_MAINTAINER = _rule(
    id="DOCKERFILE-MAINTAINER",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="Deprecated MAINTAINER instruction",
    description=(
        "MAINTAINER is deprecated; ownership metadata belongs in standard labels that tools read."
    ),
    remediation='Replace it with `LABEL org.opencontainers.image.authors="..."`.',
    references=(_REF + "#maintainer-deprecated",),
)
DOCKERFILE_WORKDIR_RELATIVE = _rule(
    id="DOCKERFILE-WORKDIR-RELATIVE",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="WORKDIR is a relative path",
    description=(
        "A relative WORKDIR depends on every earlier WORKDIR, including the base image's; files "
        "end up in unexpected places."
    ),
    remediation="Use an absolute path: `WORKDIR /app`.",
    references=(_REF + "#workdir",),
)
DOCKERFILE_COPY_FROM_UNKNOWN = _rule(
    id="DOCKERFILE-COPY-FROM-UNKNOWN",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.LOW,
    title="COPY --from names no earlier stage",
    description=(
        "`--from` that names the current or a later stage fails; a name that is not a stage is "
        "pulled as an image from the registry, so a typo copies files from a stranger's image."
    ),
    remediation=(
        "Point `--from` at an earlier stage alias, or at a fully qualified image with a tag."
    ),
    cwe=("CWE-829",),
    references=(_REF + "#copy---from",),
)
DOCKERFILE_COPY_FROM_INDEX = _rule(
    id="DOCKERFILE-COPY-FROM-INDEX",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="COPY --from refers to a stage by number",
    description=(
        "A numeric stage reference silently points at another stage when stages are added or "
        "reordered."
    ),
    remediation="Name the stage (`FROM golang:1.22 AS build`) and use `COPY --from=build`.",
    references=(_REF + "#copy---from",),
)
DOCKERFILE_EXPOSE_INVALID = _rule(
    id="DOCKERFILE-EXPOSE-INVALID",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="EXPOSE port out of range",
    description=(
        "A port outside 1-65535 cannot be used; the instruction documents a port that does not "
        "exist."
    ),
    remediation="Expose the port the service really listens on (1-65535).",
    references=(_REF + "#expose",),
)
DOCKERFILE_COPY_MULTI_DEST = _rule(
    id="DOCKERFILE-COPY-MULTI-DEST",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="COPY of several sources to a destination without a trailing slash",
    description=(
        "With more than one source the destination must be a directory ending in `/`; the build "
        "fails otherwise."
    ),
    remediation="End the destination with `/`: `COPY a b dir/`.",
    references=(_REF + "#copy",),
)


def _copy_sources(ins: Instruction) -> list[str]:
    exec_form = ins.exec_form
    words = exec_form if exec_form is not None else ins.arguments.split()
    return words


def _instruction_hits(doc: _Doc, stage: Stage, ins: Instruction) -> Iterator[Hit]:
    key = _ins_key(stage, ins)
    if ins.keyword == "MAINTAINER":
        yield doc.hit(DOCKERFILE_MAINTAINER, ins.start_line, "MAINTAINER is deprecated", key)
    elif ins.keyword == "WORKDIR":
        path = ins.arguments.strip().strip("\"'")
        if path and not path.startswith(("/", "$", "\\")) and not re.match(r"^[A-Za-z]:", path):
            yield doc.hit(
                DOCKERFILE_WORKDIR_RELATIVE, ins.start_line, f"WORKDIR {path} is relative", key
            )
    elif ins.keyword == "EXPOSE":
        yield from _expose_hits(doc, ins, key)
    elif ins.keyword in ("COPY", "ADD"):
        yield from _copy_hits(doc, stage, ins, key)


def _expose_hits(doc: _Doc, ins: Instruction, key: str) -> Iterator[Hit]:
    for word in ins.arguments.split():
        port_text = word.split("/", 1)[0]
        bounds = port_text.split("-", 1)
        if not all(b.isdigit() for b in bounds):
            continue
        numbers = [int(b) for b in bounds]
        if any(n < 1 or n > 65535 for n in numbers):
            yield doc.hit(
                DOCKERFILE_EXPOSE_INVALID,
                ins.start_line,
                f"EXPOSE {word} is not a valid port",
                f"{key}[{word}]",
            )
        elif numbers[0] <= 22 <= numbers[-1]:
            yield doc.hit(DOCKERFILE_EXPOSE_SSH, ins.start_line, "EXPOSE 22 (SSH)", f"{key}[22]")


_ARCHIVE = re.compile(
    r"\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|gz|bz2|xz)$", re.IGNORECASE
)
_REMOTE = re.compile(r"^(https?://|git@|git://|ssh://)", re.IGNORECASE)


def _copy_hits(doc: _Doc, stage: Stage, ins: Instruction, key: str) -> Iterator[Hit]:
    words = _copy_sources(ins)
    if ins.heredoc or len(words) < 2:
        sources: list[str] = []
    else:
        sources, dest = words[:-1], words[-1]
        if len(sources) > 1 and not dest.endswith(("/", "\\")) and "$" not in dest:
            yield doc.hit(
                DOCKERFILE_COPY_MULTI_DEST,
                ins.start_line,
                f"{ins.keyword} of {len(sources)} sources to {dest} (no trailing /)",
                key,
            )
    if ins.keyword == "ADD" and sources:
        remote = [s for s in sources if _REMOTE.match(s)]
        checksum = "checksum" in ins.flags
        for url in remote:
            if url.lower().startswith("http://"):
                yield doc.hit(
                    DOCKERFILE_HTTP_DOWNLOAD,
                    ins.start_line,
                    f"ADD downloads {url} over plain HTTP",
                    key,
                )
            if not checksum:
                yield doc.hit(
                    DOCKERFILE_ADD_REMOTE,
                    ins.start_line,
                    f"ADD fetches {url} without --checksum",
                    key,
                )
        archives = [s for s in sources if not _REMOTE.match(s) and _ARCHIVE.search(s)]
        if not remote and not archives:
            yield doc.hit(
                DOCKERFILE_ADD_INSTEAD_OF_COPY,
                ins.start_line,
                "ADD copies local files: COPY suffices",
                key,
            )
        for archive in archives:
            yield doc.hit(
                DOCKERFILE_ADD_ARCHIVE,
                ins.start_line,
                f"ADD unpacks the local archive {archive} into the image",
                f"{key}[{archive}]",
            )
    source_stage = ins.flags.get("from")
    if ins.keyword == "COPY" and source_stage:
        yield from _copy_from_hits(doc, stage, ins, source_stage, key)


def _copy_from_hits(doc: _Doc, stage: Stage, ins: Instruction, ref: str, key: str) -> Iterator[Hit]:
    stages = doc.src.dockerfile.stages
    earlier = {s.name for s in stages[: stage.index] if s.name}
    ref_l = ref.lower()
    if ref.isdigit():
        if int(ref) >= stage.index:
            yield doc.hit(
                DOCKERFILE_COPY_FROM_UNKNOWN,
                ins.start_line,
                f"COPY --from={ref} does not refer to an earlier stage",
                key,
            )
        else:
            yield doc.hit(
                DOCKERFILE_COPY_FROM_INDEX,
                ins.start_line,
                f"COPY --from={ref} refers to a stage by number",
                key,
            )
        return
    if ref_l in earlier or "$" in ref:
        return
    if ref_l == stage.name or ref_l in {s.name for s in stages}:
        yield doc.hit(
            DOCKERFILE_COPY_FROM_UNKNOWN,
            ins.start_line,
            f"COPY --from={ref} refers to the current or a later stage",
            key,
        )
    elif not re.search(r"[:/@.]", ref):
        yield doc.hit(
            DOCKERFILE_COPY_FROM_UNKNOWN,
            ins.start_line,
            f"COPY --from={ref} names no stage: it would be pulled as an image",
            key,
        )


def _line_of(doc: _Doc, ins: Instruction, name: str) -> int:
    """The physical line of a continued ENV/ARG that assigns `name`."""
    pattern = re.compile(rf"(^|\s){re.escape(name)}(=|\s|$)")
    lines = doc.src.lines
    for n in range(ins.start_line, min(ins.end_line, len(lines)) + 1):
        if pattern.search(lines[n - 1]):
            return n
    return ins.start_line


def _env_hits(doc: _Doc, stage: Stage | None, ins: Instruction) -> Iterator[Hit]:
    prefix = _stage_label(stage) if stage else "global"
    for name, value in _env_pairs(ins):
        line = _line_of(doc, ins, name)
        if is_secret_assignment(name, value):
            yield doc.hit(
                DOCKERFILE_SECRET_IN_ENV,
                line,
                f"{ins.keyword} {name} holds a literal secret",
                f"{prefix}.{ins.keyword.lower()}[{name}]",
            )
        if _TLS_ENV.match(f"{name}={value.strip()}"):
            yield doc.hit(
                DOCKERFILE_TLS_VERIFY_OFF,
                line,
                f"{ins.keyword} {name}={value} turns TLS verification off",
                f"{prefix}.{ins.keyword.lower()}[{name}]",
            )


RULES: tuple[Rule, ...] = (
    DOCKERFILE_ADD_ARCHIVE,
    DOCKERFILE_ADD_REMOTE,
    DOCKERFILE_ADD_INSTEAD_OF_COPY,
    DOCKERFILE_SECRET_IN_ENV,
    DOCKERFILE_EXPOSE_SSH,
    DOCKERFILE_MAINTAINER,
    DOCKERFILE_WORKDIR_RELATIVE,
    DOCKERFILE_COPY_FROM_UNKNOWN,
    DOCKERFILE_COPY_FROM_INDEX,
    DOCKERFILE_EXPOSE_INVALID,
    DOCKERFILE_COPY_MULTI_DEST,
)
