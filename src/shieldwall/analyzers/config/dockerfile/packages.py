"""Package managers (apt, apk, yum/dnf, zypper, pip, npm, gem, pacman) in RUN commands:
the rules about what they install and what they leave behind."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.dockerfile.document import _Doc, _env_pairs, _ins_key, _stage_label
from shieldwall.analyzers.config.dockerfile.shell import _Cmd, _Run
from shieldwall.analyzers.config.dockerfile.shorthand import _rule
from shieldwall.analyzers.config.dockerfile.stages import _chain
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.dockerfile import Stage

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


RULES: tuple[Rule, ...] = (
    DOCKERFILE_UNPINNED_PACKAGES,
    DOCKERFILE_APT_RECOMMENDS,
    DOCKERFILE_PKG_NOT_NONINTERACTIVE,
    DOCKERFILE_PKG_CACHE,
    DOCKERFILE_UPDATE_ALONE,
)
