"""RUN: downloads piped into a shell, TLS checks turned off, sudo, cd, pipefail, and
the commands each RUN line holds."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.dockerfile.document import _Doc, _ins_key
from shieldwall.analyzers.config.dockerfile.packages import _package_hits, _short_has
from shieldwall.analyzers.config.dockerfile.shell import _PIPE_TARGETS, _SHELLS, _Cmd, _Run
from shieldwall.analyzers.config.dockerfile.shorthand import _PRACTICES, _REF, _rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.dockerfile import Stage

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
DOCKERFILE_RUN_APT = _rule(
    id="DOCKERFILE-RUN-APT",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="`apt` used in a build script",
    description="`apt` is meant for interactive use and its interface is not stable for scripts.",
    remediation="Use `apt-get` (or `apt-cache`) in Dockerfiles.",
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
_TLS_ENV = re.compile(
    r"^(GIT_SSL_NO_VERIFY=(1|true|yes)|NODE_TLS_REJECT_UNAUTHORIZED=0|PYTHONHTTPSVERIFY=0|"
    r"NPM_CONFIG_STRICT_SSL=false|CURL_INSECURE=1)$",
    re.IGNORECASE,
)
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


RULES: tuple[Rule, ...] = (
    DOCKERFILE_CURL_PIPE_SHELL,
    DOCKERFILE_SUDO,
    DOCKERFILE_TLS_VERIFY_OFF,
    DOCKERFILE_HTTP_DOWNLOAD,
    DOCKERFILE_WORLD_WRITABLE,
    DOCKERFILE_RUN_APT,
    DOCKERFILE_RUN_CD,
    DOCKERFILE_PIPE_NO_PIPEFAIL,
    DOCKERFILE_SHELL_VIA_RUN,
)
