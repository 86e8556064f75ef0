"""Dockerfile rules, aware of build stages: what ships is the final stage (and the
stages it is built FROM); earlier stages matter for what they download and run.

RUN commands are split into simple commands with a shell tokenizer, so that
package installs, pipes and flags are judged per command, in shell form, exec
(JSON) form and heredocs alike.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.credentials import is_secret_assignment
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.dockerfile import Instruction, Stage
from shieldwall.sources.manifests import DockerfileSource

_REF = "https://docs.docker.com/reference/dockerfile/"
_PRACTICES = "https://docs.docker.com/build/building/best-practices/"
_DF = ("dockerfile",)


def _rule(
    *,
    id: str,
    control: Control,
    severity: Severity,
    title: str,
    description: str,
    remediation: str,
    cwe: tuple[str, ...] = (),
    references: tuple[str, ...] = (_PRACTICES,),
) -> Rule:
    return config_rule(
        id=id,
        control=control,
        severity=severity,
        title=title,
        description=description,
        remediation=remediation,
        applies_to=_DF,
        cwe=cwe,
        references=references,
    )


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
        "given at build time, which the Dockerfile does not show."
    ),
    remediation=(
        "End the final stage with `USER 10001:10001` (or `USER app`), so the image runs "
        "unprivileged whatever base it is built on."
    ),
    cwe=("CWE-250",),
    references=(_REF + "#user", _PRACTICES + "#user"),
)
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
DOCKERFILE_CURL_PIPE_SHELL = _rule(
    id="DOCKERFILE-CURL-PIPE-SHELL",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.HIGH,
    title="Remote script piped into a shell",
    description=(
        "`curl ... | sh` runs whatever the server returns at build time, unverified: a compromised "
        "or spoofed server owns the image."
    ),
    remediation=(
        "Download the script to a file, verify its checksum or signature, then run it; or "
        "install the tool from a package with a pinned version."
    ),
    cwe=("CWE-494",),
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
DOCKERFILE_SUDO = _rule(
    id="DOCKERFILE-SUDO",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    title="sudo used in RUN",
    description=(
        "Build steps already run as the current USER; sudo in an image means sudo is installed "
        "and configured, a ready-made privilege escalation at run time."
    ),
    remediation=(
        "Switch with `USER root` for the privileged steps and back to the unprivileged user; do "
        "not install sudo."
    ),
    cwe=("CWE-250",),
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
DOCKERFILE_TLS_VERIFY_OFF = _rule(
    id="DOCKERFILE-TLS-VERIFY-OFF",
    control=Control.ENCRYPTION,
    severity=Severity.HIGH,
    title="TLS certificate verification turned off",
    description=(
        "`curl -k`, `wget --no-check-certificate`, `pip --trusted-host`, `strict-ssl false` or "
        "`http.sslVerify=false` accept any certificate: a network attacker can substitute what is "
        "downloaded."
    ),
    remediation=(
        "Remove the flag; install the CA certificate the server needs (`ca-certificates`, "
        "`--cacert`, `PIP_CERT`) instead."
    ),
    cwe=("CWE-295",),
)
DOCKERFILE_HTTP_DOWNLOAD = _rule(
    id="DOCKERFILE-HTTP-DOWNLOAD",
    control=Control.ENCRYPTION,
    severity=Severity.MEDIUM,
    title="Build downloads over plain HTTP",
    description=(
        "Content fetched over http:// can be read and replaced by anyone on the network path."
    ),
    remediation="Use the https:// URL, and verify a checksum of what is downloaded.",
    cwe=("CWE-319", "CWE-494"),
)
DOCKERFILE_WORLD_WRITABLE = _rule(
    id="DOCKERFILE-WORLD-WRITABLE",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    title="Files made world-writable",
    description=(
        "chmod 777 / o+w lets any user in the container, including a compromised low-privilege "
        "process, modify the files (often code or configuration)."
    ),
    remediation=(
        "Give write access only to the owning user (`chmod 755` / `chmod 644`, or `chown` to the "
        "runtime user for data directories only)."
    ),
    cwe=("CWE-732",),
)
DOCKERFILE_UNPINNED_PACKAGES = _rule(
    id="DOCKERFILE-UNPINNED-PACKAGES",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.LOW,
    title="Packages installed without a version",
    description=(
        "Unpinned installs take whatever version the repository serves on the day of the build: "
        "builds are not reproducible and a malicious release is picked up silently."
    ),
    remediation=(
        "Pin versions (`apt-get install curl=7.88.1-10`, `apk add curl=8.5.0-r0`, "
        "`pip install requests==2.32.3`, `npm install left-pad@1.3.0`, `gem install rake:13.2.1`) "
        "or install from a lock file."
    ),
    cwe=("CWE-1357",),
)
DOCKERFILE_APT_RECOMMENDS = _rule(
    id="DOCKERFILE-APT-RECOMMENDS",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="apt-get installs recommended packages",
    description=(
        "Without `--no-install-recommends` apt installs extra packages the image does not need, "
        "each one more attack surface and more CVEs to patch."
    ),
    remediation="Add `--no-install-recommends` to `apt-get install`.",
    cwe=("CWE-1104",),
)
DOCKERFILE_PKG_NOT_NONINTERACTIVE = _rule(
    id="DOCKERFILE-PKG-NOT-NONINTERACTIVE",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="Package install may prompt for input",
    description=(
        "Without `-y` (apt-get, yum, dnf) or `-n` (zypper) the install waits for a confirmation "
        "that never comes in a build, or behaves differently across versions."
    ),
    remediation="Add `-y` (`zypper -n install`) to the install command.",
)
DOCKERFILE_PKG_CACHE = _rule(
    id="DOCKERFILE-PKG-CACHE",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="Package manager cache left in the image",
    description=(
        "Package indexes and caches left in a layer bloat the final image and ship stale "
        "metadata that scanners and attackers can read."
    ),
    remediation=(
        "Clean up in the same RUN: `rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, "
        "`dnf clean all`, `zypper clean`, `pip install --no-cache-dir`; or use a cache mount."
    ),
)
DOCKERFILE_UPDATE_ALONE = _rule(
    id="DOCKERFILE-UPDATE-ALONE",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.LOW,
    title="Packages installed after an update in a separate layer",
    description=(
        "Docker caches a lone `RUN apt-get update`: later installs reuse the stale index, miss "
        "security fixes and can fail on versions that left the mirror."
    ),
    remediation=(
        "Update and install in the same RUN: `RUN apt-get update && apt-get install -y ...`."
    ),
    cwe=("CWE-1104",),
)
DOCKERFILE_RUN_APT = _rule(
    id="DOCKERFILE-RUN-APT",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="`apt` used in a build script",
    description="`apt` is meant for interactive use and its interface is not stable for scripts.",
    remediation="Use `apt-get` (or `apt-cache`) in Dockerfiles.",
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
DOCKERFILE_RUN_CD = _rule(
    id="DOCKERFILE-RUN-CD",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="`cd` in RUN instead of WORKDIR",
    description="A `cd` lasts only for its RUN; later instructions silently run elsewhere.",
    remediation="Use `WORKDIR /path` before the commands that need it.",
    references=(_PRACTICES + "#workdir",),
)
DOCKERFILE_PIPE_NO_PIPEFAIL = _rule(
    id="DOCKERFILE-PIPE-NO-PIPEFAIL",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.LOW,
    title="Pipe in RUN without pipefail",
    description=(
        "A RUN succeeds if the last command of a pipe succeeds: a failed download piped into tar "
        "or a shell goes unnoticed and the build ships a broken or partial image."
    ),
    remediation=(
        'Set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN, or start it '
        "with `set -o pipefail &&`."
    ),
    references=(_PRACTICES + "#using-pipes",),
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
DOCKERFILE_DUPLICATE_STAGE = _rule(
    id="DOCKERFILE-DUPLICATE-STAGE",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="Stage alias used twice",
    description="Two stages with the same name make `COPY --from` and `FROM` references ambiguous.",
    remediation="Give each stage a unique `AS` name.",
    references=(_REF + "#from",),
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
DOCKERFILE_SHELL_VIA_RUN = _rule(
    id="DOCKERFILE-SHELL-VIA-RUN",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="Default shell replaced with a RUN command",
    description=(
        "Relinking /bin/sh changes the shell of every later RUN, and of the image's users, "
        "without it being visible in the Dockerfile's SHELL."
    ),
    remediation='Use the SHELL instruction: `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`.',
    references=(_REF + "#shell",),
)
RULES: tuple[Rule, ...] = (
    DOCKERFILE_ROOT_USER,
    DOCKERFILE_ROOT_USER_UNKNOWN,
    DOCKERFILE_ADD_ARCHIVE,
    DOCKERFILE_IMAGE_UNPINNED,
    DOCKERFILE_IMAGE_NO_DIGEST,
    DOCKERFILE_CURL_PIPE_SHELL,
    DOCKERFILE_ADD_REMOTE,
    DOCKERFILE_ADD_INSTEAD_OF_COPY,
    DOCKERFILE_SECRET_IN_ENV,
    DOCKERFILE_SUDO,
    DOCKERFILE_EXPOSE_SSH,
    DOCKERFILE_TLS_VERIFY_OFF,
    DOCKERFILE_HTTP_DOWNLOAD,
    DOCKERFILE_WORLD_WRITABLE,
    DOCKERFILE_UNPINNED_PACKAGES,
    DOCKERFILE_APT_RECOMMENDS,
    DOCKERFILE_PKG_NOT_NONINTERACTIVE,
    DOCKERFILE_PKG_CACHE,
    DOCKERFILE_UPDATE_ALONE,
    DOCKERFILE_RUN_APT,
    DOCKERFILE_HEALTHCHECK_MISSING,
    DOCKERFILE_MAINTAINER,
    DOCKERFILE_MULTIPLE_CMD,
    DOCKERFILE_SHELL_FORM_CMD,
    DOCKERFILE_WORKDIR_RELATIVE,
    DOCKERFILE_RUN_CD,
    DOCKERFILE_PIPE_NO_PIPEFAIL,
    DOCKERFILE_FROM_PLATFORM,
    DOCKERFILE_COPY_FROM_UNKNOWN,
    DOCKERFILE_DUPLICATE_STAGE,
    DOCKERFILE_COPY_FROM_INDEX,
    DOCKERFILE_EXPOSE_INVALID,
    DOCKERFILE_COPY_CHOWN_RUNTIME_USER,
    DOCKERFILE_COPY_MULTI_DEST,
    DOCKERFILE_SHELL_VIA_RUN,
)


# ---------------------------------------------------------------- shell model

_OPERATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", "|&", ";;", "{", "}", "!"})
_REDIRECTS = re.compile(r"^\d*(>|>>|<|<<<|>&|<&|&>|&>>)$")
_WRAPPERS = frozenset({"sudo", "env", "time", "nohup", "exec", "command", "nice", "doas", "xargs"})
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ash", "ksh", "mksh", "busybox"})
_PIPE_TARGETS = _SHELLS | {"python", "python3", "perl", "ruby", "node", "php", "pwsh"}


@dataclass
class _Cmd:
    argv: list[str]
    sudo: bool = False
    piped_to: _Cmd | None = None
    assigns: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.argv[0].rsplit("/", 1)[-1] if self.argv else ""


def _tokens(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:  # unbalanced quotes: fall back to a rough split
        return re.findall(r"&&|\|\||[;|&()]|[^\s;|&()]+", text)


def _commands(text: str) -> list[_Cmd]:
    out: list[_Cmd] = []
    current: list[str] = []
    skip_next = False
    pending_pipe: _Cmd | None = None

    def close(op: str) -> None:
        nonlocal current, pending_pipe
        cmd = _make_cmd(current) if current else None
        if cmd is not None:
            if pending_pipe is not None:
                pending_pipe.piped_to = cmd
            out.append(cmd)
        pending_pipe = cmd if op in ("|", "|&") else None
        current = []

    for token in _tokens(text):
        if skip_next:
            skip_next = False
            continue
        if token in _OPERATORS:
            close(token)
        elif _REDIRECTS.match(token):
            skip_next = True
        else:
            current.append(token)
    close("")
    return out


def _make_cmd(argv: list[str]) -> _Cmd | None:
    assigns: list[str] = []
    sudo = False
    i = 0
    while i < len(argv):
        word = argv[i]
        base = word.rsplit("/", 1)[-1]
        if _ASSIGN.match(word):
            assigns.append(word)
        elif base in _WRAPPERS:
            sudo = sudo or base in ("sudo", "doas")
            i += 1
            # options of the wrapper (sudo -u user, env -i ...)
            while i < len(argv) and argv[i].startswith("-"):
                i += 2 if argv[i] in ("-u", "-g", "-n", "-C") else 1
            continue
        else:
            break
        i += 1
    if i >= len(argv):
        return _Cmd([], sudo, assigns=assigns) if sudo or assigns else None
    return _Cmd(argv[i:], sudo, assigns=assigns)


@dataclass
class _Run:
    """One RUN instruction, with the shell text to analyse."""

    ins: Instruction
    text: str
    shell_form: bool
    commands: list[_Cmd]

    @property
    def line(self) -> int:
        return self.ins.start_line


def _run_of(ins: Instruction) -> _Run:
    exec_form = ins.exec_form
    if exec_form is not None:
        # JSON form: argv as written (`["sudo yum", "install", ...]` is joined and re-split).
        text = " ".join(exec_form)
        if (
            len(exec_form) >= 3
            and exec_form[0].rsplit("/", 1)[-1] in _SHELLS
            and (exec_form[1] == "-c")
        ):
            return _Run(ins, exec_form[2], True, _commands(exec_form[2]))
        return _Run(ins, text, False, _commands(text))
    text = ins.arguments
    if ins.heredoc:
        head = re.sub(r"<<-?\s*[\"']?[A-Za-z_][A-Za-z0-9_]*[\"']?", " ", text).strip()
        if not head or head.split()[0].rsplit("/", 1)[-1] in _SHELLS:
            body = re.sub(r"\\\n", " ", ins.heredoc)
            text = body.replace("\n", " ;\n")
    return _Run(ins, text, True, _commands(text))


# ---------------------------------------------------------------- package managers

_APT = frozenset({"apt-get", "apt", "aptitude"})
_RPM = frozenset({"yum", "dnf", "microdnf", "tdnf"})
_PIP = re.compile(r"^pip(\d(\.\d+)?)?$")
_APT_ARG_OPTS = frozenset({"-o", "-t", "-c", "--target-release", "--option", "--config-file"})
_APK_ARG_OPTS = frozenset(
    {
        "-t",
        "--virtual",
        "-X",
        "--repository",
        "-p",
        "--root",
        "--arch",
        "--keys-dir",
        "--cache-dir",
        "--repositories-file",
    }
)
_RPM_ARG_OPTS = frozenset(
    {
        "-c",
        "--config",
        "--installroot",
        "--releasever",
        "-d",
        "--debuglevel",
        "-e",
        "--errorlevel",
        "--enablerepo",
        "--disablerepo",
        "--repo",
        "--repoid",
        "-x",
        "--exclude",
    }
)
_PIP_ARG_OPTS = frozenset(
    {
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--trusted-host",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--src",
        "--upgrade-strategy",
        "--progress-bar",
        "--log",
        "--proxy",
        "--retries",
        "--timeout",
        "--cache-dir",
        "--global-option",
        "--install-option",
        "-C",
        "--config-settings",
        "--only-binary",
        "--no-binary",
        "--python",
        "--report",
    }
)
_NPM_ARG_OPTS = frozenset(
    {
        "--prefix",
        "--registry",
        "--cache",
        "--tag",
        "-w",
        "--workspace",
        "--userconfig",
        "--loglevel",
    }
)
_GEM_ARG_OPTS = frozenset(
    {
        "-v",
        "--version",
        "-i",
        "--install-dir",
        "-n",
        "--bindir",
        "--source",
        "-s",
        "-P",
        "--trust-policy",
        "--platform",
        "-g",
        "--file",
    }
)


@dataclass(frozen=True, slots=True)
class _Pkg:
    """One package-manager command: which tool, what it does, with which options."""

    tool: str  # apt-get | apt | apk | yum | dnf | zypper | pip | npm | gem | pacman
    family: str  # apt | apk | rpm | zypper | pip | npm | gem | pacman
    action: str  # install | update | clean | other
    packages: tuple[str, ...]
    options: tuple[str, ...]
    updates_index: bool = False  # install that refreshes the index itself (apk --update)


def _split_args(args: list[str], arg_opts: frozenset[str]) -> tuple[list[str], list[str]]:
    """Positional words and options; options in `arg_opts` take the next word along."""
    positional: list[str] = []
    options: list[str] = []
    skip = False
    for word in args:
        if skip:
            skip = False
            options.append(word)
            continue
        if word.startswith("-"):
            options.append(word)
            skip = word in arg_opts
        else:
            positional.append(word)
    return positional, options


def _package_command(cmd: _Cmd) -> _Pkg | None:
    name, argv = cmd.name, cmd.argv
    if name in ("python", "python3") or re.match(r"^python\d(\.\d+)?$", name):
        if len(argv) > 2 and argv[1] == "-m" and argv[2] == "pip":
            return _pip(argv[3:])
        return None
    if name in _APT:
        return _apt(name, argv[1:])
    if name == "apk":
        return _apk(argv[1:])
    if name in _RPM:
        return _rpm(name, argv[1:])
    if name == "zypper":
        return _zypper(argv[1:])
    if _PIP.match(name):
        return _pip(argv[1:])
    if name in ("npm", "yarn", "pnpm"):
        return _npm(name, argv[1:])
    if name == "gem":
        return _gem(argv[1:])
    if name == "pacman":
        return _pacman(argv[1:])
    return None


def _action(word: str, install: set[str], update: set[str], clean: set[str]) -> str:
    if word in install:
        return "install"
    if word in update:
        return "update"
    return "clean" if word in clean else "other"


def _apt(tool: str, args: list[str]) -> _Pkg:
    positional, options = _split_args(args, _APT_ARG_OPTS)
    sub = next((w for w in positional if "::" not in w and "=" not in w), "")
    packages = positional[positional.index(sub) + 1 :] if sub else []
    action = _action(sub, {"install", "reinstall"}, {"update"}, {"clean", "autoclean"})
    return _Pkg(
        tool, "apt", action, tuple(packages), tuple(options + [w for w in positional if "::" in w])
    )


def _apk(args: list[str]) -> _Pkg:
    positional, options = _split_args(args, _APK_ARG_OPTS)
    sub = positional[0] if positional else ""
    action = _action(sub, {"add"}, {"update"}, {"cache"})
    updates = any(o in ("-U", "--update", "--update-cache") for o in options)
    return _Pkg("apk", "apk", action, tuple(positional[1:]), tuple(options), updates)


def _rpm(tool: str, args: list[str]) -> _Pkg:
    positional, options = _split_args(args, _RPM_ARG_OPTS)
    sub = positional[0] if positional else ""
    action = _action(
        sub,
        {"install", "in", "groupinstall", "localinstall", "reinstall"},
        {"update", "upgrade", "makecache", "check-update", "up"},
        {"clean"},
    )
    return _Pkg(tool, "rpm", action, tuple(positional[1:]), tuple(options))


def _zypper(args: list[str]) -> _Pkg:
    positional, options = _split_args(args, frozenset({"--root", "-R", "--repo", "-r"}))
    sub = positional[0] if positional else ""
    action = _action(sub, {"install", "in"}, {"refresh", "ref", "update", "up"}, {"clean", "cc"})
    return _Pkg("zypper", "zypper", action, tuple(positional[1:]), tuple(options))


def _pip(args: list[str]) -> _Pkg:
    positional, _ = _split_args(args, _PIP_ARG_OPTS)
    sub = positional[0] if positional else ""
    action = "install" if sub == "install" else "other"
    return _Pkg("pip", "pip", action, tuple(positional[1:]), tuple(args))


def _npm(tool: str, args: list[str]) -> _Pkg:
    positional, options = _split_args(args, _NPM_ARG_OPTS)
    sub = positional[0] if positional else ""
    installs = {"install", "i", "add", "isntall", "in", "ins", "inst", "insta", "instal"}
    action = "install" if sub in installs else "other"
    if tool == "yarn" and sub == "global" and len(positional) > 1 and positional[1] == "add":
        return _Pkg(tool, "npm", "install", tuple(positional[2:]), tuple(options))
    return _Pkg(tool, "npm", action, tuple(positional[1:]), tuple(options))


def _gem(args: list[str]) -> _Pkg:
    if not args or args[0] != "install":
        return _Pkg("gem", "gem", "other", (), ())
    packages: list[str] = []
    pinned: set[int] = set()
    options: list[str] = []
    i = 1
    while i < len(args):
        word = args[i]
        if word in ("-v", "--version"):
            # the version applies to the gem named just before (or just after) it
            pinned.add(len(packages) - 1 if packages else len(packages))
            i += 2
            continue
        if word.startswith("-"):
            options.append(word)
            i += 2 if word in _GEM_ARG_OPTS else 1
            continue
        packages.append(word)
        i += 1
    marked = tuple(p + (":pinned" if n in pinned else "") for n, p in enumerate(packages))
    return _Pkg("gem", "gem", "install", marked, tuple(options))


def _pacman(args: list[str]) -> _Pkg:
    flags = "".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--"))
    positional = [a for a in args if not a.startswith("-")]
    if "S" in flags and ("y" in flags or "u" in flags) and not positional:
        return _Pkg("pacman", "pacman", "update", (), tuple(args))
    if "S" in flags:
        return _Pkg("pacman", "pacman", "install", tuple(positional), tuple(args), "y" in flags)
    return _Pkg("pacman", "pacman", "other", (), tuple(args))


def _is_local_or_url(pkg: str) -> bool:
    return (
        pkg.startswith((".", "/", "~", "git+", "git:", "http:", "https:", "file:", "github:"))
        or "://" in pkg
        or pkg.endswith((".deb", ".rpm", ".whl", ".tar.gz", ".tgz", ".zip", ".apk", ".gem"))
        or "$" in pkg
        or (pkg.startswith("@") and "/" not in pkg)  # rpm groups (@development)
    )


def _pinned(pkg: _Pkg, name: str) -> bool:
    if _is_local_or_url(name):
        return True
    if pkg.family in ("apt", "apk", "zypper"):
        if re.search(r"[=<>~]", name):
            return True
        return pkg.family == "zypper" and bool(re.search(r"-\d", name))
    if pkg.family == "rpm":
        return bool(re.search(r"-\d|[=<>]", name))
    if pkg.family == "pip":
        return bool(re.search(r"[=<>~!@]", name))
    if pkg.family == "npm":
        version = name[1:].partition("@")[2] if name.startswith("@") else name.partition("@")[2]
        return bool(version) and version.lower() not in ("latest", "next", "*", "x")
    if pkg.family == "gem":
        return name.endswith(":pinned") or ":" in name
    return True  # pacman and others: no version syntax worth demanding


def _unpinned(pkg: _Pkg) -> list[str]:
    if pkg.action != "install":
        return []
    return [p.removesuffix(":pinned") for p in pkg.packages if not _pinned(pkg, p)]


def _assumes_yes(pkg: _Pkg) -> bool:
    opts = pkg.options
    if pkg.family == "zypper":
        return any(o in ("-n", "--non-interactive", "-y", "--no-confirm") for o in opts)
    if pkg.family == "rpm":
        if pkg.tool == "microdnf":
            return True  # microdnf never prompts
        return any(o in ("--assumeyes", "--yes") or _short_has(o, "y") for o in opts)
    # apt: -y, --yes, --assume-yes, -qq, -q=2, -q -q, or the APT::Get::Assume-Yes option
    quiet = sum(o.count("q") for o in opts if re.match(r"^-[a-z]+$", o))
    quiet += sum(1 for o in opts if o == "--quiet")
    return (
        any(
            o in ("--yes", "--assume-yes", "--force-yes", "-q=2", "--quiet=2") or _short_has(o, "y")
            for o in opts
        )
        or quiet >= 2
        or any("assume-yes=true" in o.lower() for o in opts)
    )


def _short_has(option: str, letter: str) -> bool:
    return bool(re.match(r"^-[A-Za-z]+$", option)) and letter in option[1:]


# ---------------------------------------------------------------- document view


@dataclass
class _Doc:
    src: DockerfileSource
    key_counts: Counter[str] = field(default_factory=Counter)

    @property
    def id(self) -> str:
        return self.src.id

    def hit(self, rule: Rule, line: int, message: str, key: str) -> Hit:
        # identical instructions in one file get distinct, edit-stable keys
        self.key_counts[rule.id + key] += 1
        n = self.key_counts[rule.id + key]
        return Hit(rule, self.src.path, line, self.id, message, key if n == 1 else f"{key}#{n}")


def _ins_key(stage: Stage, ins: Instruction) -> str:
    digest = hashlib.sha256(ins.value.encode("utf-8")).hexdigest()[:10]
    return f"{_stage_label(stage)}.{ins.keyword.lower()}:{digest}"


def _stage_label(stage: Stage) -> str:
    return f"stage[{stage.name or stage.index}]"


def check(ctx: ConfigContext) -> Iterator[Hit]:
    for src in ctx.inventory.dockerfiles:
        doc = _Doc(src)
        df = src.dockerfile
        if not df.stages:
            continue
        yield from _stage_hits(doc)
        yield from _final_stage_hits(doc)
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
                    yield from _run_hits(doc, stage, run, pipefail)
                elif ins.keyword in ("ENV", "ARG"):
                    yield from _env_hits(doc, stage, ins)
                else:
                    yield from _instruction_hits(doc, stage, ins)
            yield from _update_alone_hits(doc, stage, runs)
        for ins in df.global_args:
            yield from _env_hits(doc, None, ins)


# ---------------------------------------------------------------- stages and FROM


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
    if user is None:
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


def _runs_unprivileged(image: str) -> bool:
    """Bases whose tag says they run as a non-root user (distroless `:nonroot`,
    `:debug-nonroot`, `:nonroot-amd64` ...)."""
    tag = image.split("@", 1)[0].rsplit("/", 1)[-1].partition(":")[2].lower()
    return "nonroot" in tag.split("-")


def _base_user_hits(doc: _Doc, final: Stage, base: str, written: str, key: str) -> Iterator[Hit]:
    """The final stage sets no USER: the base image decides."""
    line = final.from_instruction.start_line
    if base.lower() == "scratch" or _runs_unprivileged(base):
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


# ---------------------------------------------------------------- other instructions


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


def _env_pairs(ins: Instruction) -> list[tuple[str, str]]:
    text = ins.arguments
    if ins.keyword == "ARG":
        words = text.split()
        return [(w.partition("=")[0], w.partition("=")[2]) for w in words if "=" in w]
    try:
        words = shlex.split(text, posix=True)
    except ValueError:
        words = text.split()
    if words and "=" not in words[0]:  # legacy `ENV key value with spaces`
        return [(words[0], " ".join(words[1:]))]
    return [(w.partition("=")[0], w.partition("=")[2]) for w in words if "=" in w]


def _line_of(doc: _Doc, ins: Instruction, name: str) -> int:
    """The physical line of a continued ENV/ARG that assigns `name`."""
    pattern = re.compile(rf"(^|\s){re.escape(name)}(=|\s|$)")
    lines = doc.src.lines
    for n in range(ins.start_line, min(ins.end_line, len(lines)) + 1):
        if pattern.search(lines[n - 1]):
            return n
    return ins.start_line


_TLS_ENV = re.compile(
    r"^(GIT_SSL_NO_VERIFY=(1|true|yes)|NODE_TLS_REJECT_UNAUTHORIZED=0|PYTHONHTTPSVERIFY=0|"
    r"NPM_CONFIG_STRICT_SSL=false|CURL_INSECURE=1)$",
    re.IGNORECASE,
)


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


# ---------------------------------------------------------------- RUN

_SUBST_DOWNLOAD = re.compile(r"(\$\(|`)\s*(curl|wget)\b")
_PROCESS_SUBST_DOWNLOAD = re.compile(r"<\(\s*(curl|wget)\b")
_PIPEFAIL = re.compile(r"\bset\s+(-[a-z]*o\s+pipefail|[^;&|\n]{0,200}?-o\s+pipefail)")
_LOCAL_URL = re.compile(r"^https?://(localhost|127\.|0\.0\.0\.0|\[::1\])", re.IGNORECASE)
_RELINK_SH = re.compile(r"\bln\s+(-\S+\s+)*\S*\b(bash|zsh|dash|ash|ksh)\s+/bin/sh\b")


def _run_hits(doc: _Doc, stage: Stage, run: _Run, pipefail: bool) -> Iterator[Hit]:
    key = _ins_key(stage, run.ins)
    line = run.line
    if _runs_download(run):
        yield doc.hit(
            DOCKERFILE_CURL_PIPE_SHELL,
            line,
            "a downloaded script is piped into an interpreter",
            key,
        )
    piped = any(c.piped_to for c in run.commands)
    if run.shell_form and piped and not pipefail and not _PIPEFAIL.search(run.text):
        yield doc.hit(
            DOCKERFILE_PIPE_NO_PIPEFAIL, line, "RUN uses a pipe without `set -o pipefail`", key
        )
    if _RELINK_SH.search(run.text):
        yield doc.hit(DOCKERFILE_SHELL_VIA_RUN, line, "RUN relinks /bin/sh to another shell", key)
    names = {c.name for c in run.commands}
    if any(c.sudo for c in run.commands):
        yield doc.hit(DOCKERFILE_SUDO, line, "RUN uses sudo", key)
    if "cd" in names:
        yield doc.hit(DOCKERFILE_RUN_CD, line, "RUN changes directory with cd", key)
    if "apt" in names:
        yield doc.hit(DOCKERFILE_RUN_APT, line, "RUN uses apt instead of apt-get", key)
    yield from _command_hits(doc, run, key)
    yield from _package_hits(doc, stage, run, key)


def _runs_download(run: _Run) -> bool:
    """A download piped into an interpreter, or expanded into a shell's arguments."""
    for cmd in run.commands:
        target = cmd.piped_to
        if cmd.name in ("curl", "wget") and target is not None and target.name in _PIPE_TARGETS:
            return True
        if cmd.name in _SHELLS and any(_SUBST_DOWNLOAD.search(a) for a in cmd.argv[1:]):
            return True
    return bool(_PROCESS_SUBST_DOWNLOAD.search(run.text))


def _tls_off(cmd: _Cmd) -> str:
    args = cmd.argv[1:]
    text = " ".join(cmd.argv).lower()
    if cmd.name == "curl" and any(a == "--insecure" or (_short_has(a, "k")) for a in args):
        return "curl -k"
    if cmd.name == "wget" and "--no-check-certificate" in args:
        return "wget --no-check-certificate"
    if (cmd.name in ("pip", "pip3") or "pip" in cmd.argv[:3]) and any(
        a.startswith("--trusted-host") for a in args
    ):
        return "pip --trusted-host"
    if cmd.name in ("npm", "yarn", "pnpm") and (
        re.search(r"config set strict-ssl (false|0)", text) or "--strict-ssl=false" in text
    ):
        return "strict-ssl false"
    if cmd.name == "git" and re.search(r"http\.sslverify[= ](false|0)", text):
        return "git http.sslVerify=false"
    if any(_TLS_ENV.match(a) for a in cmd.assigns):
        return "an environment variable that disables TLS verification"
    return ""


def _world_writable(cmd: _Cmd) -> bool:
    if cmd.name != "chmod":
        return False
    for arg in cmd.argv[1:]:
        if re.fullmatch(r"0?[0-7]?[0-7]{2}[2367]", arg) and not re.fullmatch(r"0?1[0-7]{3}", arg):
            return True
        if re.fullmatch(r"([ugoa]*[+=][rwxXst]*,?)+", arg) and re.search(
            r"[oa][ugo]*[+=]\w*w", arg
        ):
            return True
    return False


def _command_hits(doc: _Doc, run: _Run, key: str) -> Iterator[Hit]:
    tls = next((t for c in run.commands if (t := _tls_off(c))), "")
    if tls:
        yield doc.hit(
            DOCKERFILE_TLS_VERIFY_OFF, run.line, f"RUN turns TLS verification off ({tls})", key
        )
    if any(_world_writable(c) for c in run.commands):
        yield doc.hit(
            DOCKERFILE_WORLD_WRITABLE, run.line, "RUN makes files world-writable (chmod)", key
        )
    for cmd in run.commands:
        if cmd.name in ("curl", "wget") or (cmd.name.startswith("pip") and "install" in cmd.argv):
            plain = [
                a
                for a in cmd.argv[1:]
                if a.lower().startswith("http://") and not _LOCAL_URL.match(a)
            ]
            if plain:
                yield doc.hit(
                    DOCKERFILE_HTTP_DOWNLOAD,
                    run.line,
                    f"RUN downloads {plain[0]} over plain HTTP",
                    key,
                )
                return


def _cache_mounted(run: _Run) -> bool:
    return any("type=cache" in m for m in re.findall(r"--mount=(\S+)", run.ins.value))


def _package_hits(doc: _Doc, stage: Stage, run: _Run, key: str) -> Iterator[Hit]:
    pkgs = [(i, p) for i, c in enumerate(run.commands) if (p := _package_command(c))]
    unpinned = sorted({f"{p.tool}:{name}" for _, p in pkgs for name in _unpinned(p)})
    if unpinned:
        yield doc.hit(
            DOCKERFILE_UNPINNED_PACKAGES,
            run.line,
            f"installs without a version: {', '.join(unpinned)}",
            f"{_stage_label(stage)}.packages[{','.join(unpinned)}]",
        )
    installs = [p for _, p in pkgs if p.action == "install"]
    if any(p.family == "apt" and not _no_recommends(p) for p in installs):
        yield doc.hit(
            DOCKERFILE_APT_RECOMMENDS,
            run.line,
            "apt-get install without --no-install-recommends",
            key,
        )
    prompting = sorted(
        {p.tool for p in installs if p.family in ("apt", "rpm", "zypper") and not _assumes_yes(p)}
    )
    if prompting:
        yield doc.hit(
            DOCKERFILE_PKG_NOT_NONINTERACTIVE,
            run.line,
            f"{', '.join(prompting)} install without -y / -n",
            key,
        )
    if stage is doc.src.dockerfile.stages[-1] and not _cache_mounted(run):
        left = _cache_left(doc, stage, run, pkgs)
        if left:
            yield doc.hit(
                DOCKERFILE_PKG_CACHE,
                run.line,
                f"{', '.join(left)} cache is left in the final image",
                key,
            )


def _no_recommends(pkg: _Pkg) -> bool:
    return any(
        "no-install-recommends" in o.lower() or "install-recommends=false" in o.lower()
        for o in pkg.options
    )


_CACHE_DIRS = {
    "apt": r"/var/lib/apt/lists|/var/cache/apt",
    "apk": r"/var/cache/apk",
    "rpm": r"/var/cache/(yum|dnf)",
    "zypper": r"/var/cache/zypp",
}


def _cache_left(doc: _Doc, stage: Stage, run: _Run, pkgs: list[tuple[int, _Pkg]]) -> list[str]:
    left: list[str] = []
    for family in ("apt", "apk", "rpm", "zypper"):
        installs = [
            i for i, p in pkgs if p.family == family and p.action == "install" and p.packages
        ]
        if not installs:
            continue
        if family == "apk" and all(
            "--no-cache" in p.options
            for _, p in pkgs
            if p.family == "apk" and p.action == "install"
        ):
            continue
        last = max(installs)
        cleaned = any(
            i > last and p.family == family and p.action == "clean" for i, p in pkgs
        ) or any(
            i > last and c.name == "rm" and re.search(_CACHE_DIRS[family], " ".join(c.argv))
            for i, c in enumerate(run.commands)
        )
        if not cleaned:
            left.append(family)
    pip_env = any(
        name.upper() == "PIP_NO_CACHE_DIR" and value.strip().lower() not in ("0", "false", "no")
        for s in _chain(doc, stage)
        for i in s.instructions
        if i.keyword in ("ENV", "ARG")
        for name, value in _env_pairs(i)
    )
    if not pip_env and any(
        p.family == "pip" and p.action == "install" and "--no-cache-dir" not in p.options
        for _, p in pkgs
    ):
        left.append("pip")
    return left


def _update_alone_hits(doc: _Doc, stage: Stage, runs: list[_Run]) -> Iterator[Hit]:
    """A RUN that installs with an index refreshed by an earlier, separately cached RUN."""
    stale: dict[str, int] = {}
    for run in runs:
        pkgs = [p for c in run.commands if (p := _package_command(c))]
        families = {p.family for p in pkgs}
        for family in families:
            updates = any(
                p.family == family and (p.action == "update" or p.updates_index) for p in pkgs
            )
            installs = any(p.family == family and p.action == "install" for p in pkgs)
            if installs and not updates and family in stale:
                yield doc.hit(
                    DOCKERFILE_UPDATE_ALONE,
                    run.line,
                    f"installs with the {family} index updated by the separate RUN "
                    f"at line {stale[family]}",
                    _ins_key(stage, run.ins),
                )
            if updates and not installs:
                stale[family] = run.line
            elif updates:
                stale.pop(family, None)
