"""pip requirements files: ``requirements*.txt`` with ``-r``/``-c`` includes,
hashes, markers, extras, URL, path, VCS and editable entries.

Only ``name==version`` (or ``===``) pins one version; every other entry is
reported as unpinned, with the reason. A ``-c`` constraints file pins what the
requirements leave open; its own entries install nothing, so they are not
components. Includes are read relative to the including file."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers.base import (
    LockFile,
    Parsed,
    Unpinned,
    component,
    prefixed_hash,
)
from shieldwall.errors import SourceError
from shieldwall.model import Component, Hash, Skipped

MAX_INCLUDE_DEPTH = 20

_COMMENT = re.compile(r"(^|\s+)#.*$")
_PER_REQ_OPTIONS = re.compile(r"\s+--?[A-Za-z][\w-]*(?:[=\s].*)?$")
_INCLUDE = re.compile(r"^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s*)(\S.*)$")
_EDITABLE = re.compile(r"^(?:-e|--editable)(?:\s*=\s*|\s+)(\S.*)$")
_NAME = re.compile(
    r"^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$", re.DOTALL
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://|^file:")
_VCS = ("git+", "hg+", "svn+", "bzr+")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_ARCHIVE = re.compile(
    r"([A-Za-z0-9][A-Za-z0-9._]*?)-(\d[^-/]*?)(?:-[^/]*)?\.(?:whl|tar\.gz|zip|tar\.bz2|tgz)$"
)
_HASH = re.compile(r"--hash(?:\s*=\s*|\s+)(\S+)")
_SPEC = re.compile(r"^\s*(===|==|~=|!=|<=|>=|<|>)\s*([^\s,;]+)\s*$")


@dataclass(slots=True)
class _State:
    components: list[Component] = field(default_factory=list)
    unpinned: list[Unpinned] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # normalised name -> (version, path, line) pinned by a constraints file
    constraints: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    open_entries: list[tuple[Unpinned, Component]] = field(default_factory=list)
    seen: set[tuple[str, bool]] = field(default_factory=set)


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first physical line, text) with comments removed and ``\\`` continuations joined."""
    out: list[tuple[int, str]] = []
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not buffer:
            start = number
        line = raw
        if line.endswith("\\") and not _COMMENT.search(line):
            buffer.append(line[:-1])
            continue
        buffer.append(line)
        joined = _COMMENT.sub("", " ".join(buffer)).strip()
        buffer = []
        if joined:
            out.append((start, joined))
    if buffer:
        joined = _COMMENT.sub("", " ".join(buffer)).strip()
        if joined:
            out.append((start, joined))
    return out


def parse(lock: LockFile) -> Parsed:
    state = _State()
    _parse_file(lock, lock.path, lock.text, state, constraint=False, depth=0)
    # Constraints pin what the requirements left open.
    for entry, comp in state.open_entries:
        pin = state.constraints.get(comp.name)
        if pin is not None and entry.reason in ("range", "unpinned"):
            version, path, line = pin
            state.components.append(
                component(
                    eco.PYPI,
                    comp.name,
                    version,
                    path,
                    line,
                    scope=comp.scope,
                    marker=comp.marker,
                )
            )
        else:
            state.unpinned.append(entry)
            state.components.append(comp)
    return Parsed(tuple(state.components), tuple(state.unpinned), tuple(state.skipped))


def _parse_file(
    lock: LockFile, path: str, text: str, state: _State, *, constraint: bool, depth: int
) -> None:
    if (path, constraint) in state.seen:
        return  # included twice, or a cycle
    state.seen.add((path, constraint))
    for line, entry in logical_lines(text):
        if entry.startswith("-"):
            _option(lock, path, line, entry, state, constraint=constraint, depth=depth)
            continue
        _requirement(path, line, entry, state, constraint=constraint)


def _option(
    lock: LockFile, path: str, line: int, entry: str, state: _State, *, constraint: bool, depth: int
) -> None:
    include = _INCLUDE.match(entry)
    if include is not None:
        flag, target = include.group(1), include.group(2).strip()
        is_constraint = constraint or flag in ("-c", "--constraint")
        if _SCHEME.match(target):
            state.skipped.append(
                Skipped(path, f"line {line}: include {target} is a URL; not fetched")
            )
            return
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if depth >= MAX_INCLUDE_DEPTH:
            state.skipped.append(
                Skipped(path, f"line {line}: includes nested over {MAX_INCLUDE_DEPTH} levels")
            )
            return
        try:
            if rel.startswith("../") or rel == ".." or posixpath.isabs(rel):
                raise SourceError("outside the scanned tree")
            included = lock.read_related(rel)
        except SourceError as exc:
            state.skipped.append(
                Skipped(path, f"line {line}: cannot read included {target}: {exc}")
            )
            return
        _parse_file(lock, rel, included, state, constraint=is_constraint, depth=depth + 1)
        return
    editable = _EDITABLE.match(entry)
    if editable is not None:
        target = _strip_options(editable.group(1))
        if constraint:
            return
        remote = _is_vcs(target) or _SCHEME.match(target) is not None
        # A local project in editable mode is named by its path, and is code, not a dependency.
        name = eco.pep503(_url_name(target)) if remote or _EGG.search(target) else target
        state.unpinned.append(Unpinned(eco.PYPI, name, entry, "editable", path, line))
        if remote:
            state.components.append(component(eco.PYPI, name, "", path, line))
    # Every other option (--index-url, --hash alone, --pre, ...) installs nothing.


def _strip_options(entry: str) -> str:
    return _PER_REQ_OPTIONS.sub("", entry).strip()


def _is_vcs(target: str) -> bool:
    return target.lower().startswith(_VCS)


def _url_name(target: str) -> str:
    egg = _EGG.search(target)
    if egg is not None:
        return egg.group(1)
    base = target.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    archive = _ARCHIVE.search(base)
    if archive is not None:
        return archive.group(1)
    last = base.rsplit("/", 1)[-1]
    if last.endswith(".git"):
        last = last[:-4]
    last = last.split("@", 1)[0]
    return last or target


def _url_reason(target: str) -> str:
    if _is_vcs(target):
        return "vcs"
    if _SCHEME.match(target) and not target.lower().startswith("file:"):
        return "url"
    return "path"


def _marker(requirement: str) -> str:
    """The environment marker after ``;`` (for a URL, ``;`` after white space)."""
    url = _SCHEME.match(requirement) or _is_vcs(requirement) or " @ " in requirement
    parts = re.split(r"\s+;", requirement, maxsplit=1) if url else requirement.split(";", 1)
    return parts[1].strip() if len(parts) == 2 else ""


def _requirement(path: str, line: int, entry: str, state: _State, *, constraint: bool) -> None:
    requirement = _strip_options(entry)
    if not requirement:
        return
    extra = _Extra(_marker(requirement), [prefixed_hash(h) for h in _HASH.findall(entry)])
    looks_local = requirement.startswith((".", "/", "~")) or (
        "/" in requirement.split(";", 1)[0] and "@" not in requirement.split("/", 1)[0]
    )
    if _SCHEME.match(requirement) or _is_vcs(requirement) or looks_local:
        target = re.split(r"\s+;", requirement, maxsplit=1)[0].strip()
        name = _url_name(target)
        _add(state, path, line, name, "", requirement, _url_reason(target), constraint, extra)
        return
    match = _NAME.match(requirement)
    if match is None:
        state.skipped.append(Skipped(path, f"line {line}: not a requirement: {requirement[:80]}"))
        return
    name, rest = match.group(1), match.group(3).strip()
    if rest.startswith("@"):
        target = re.split(r"\s+;", rest[1:].strip(), maxsplit=1)[0].strip()
        _add(state, path, line, name, "", requirement, _url_reason(target), constraint, extra)
        return
    specs = rest.split(";", 1)[0].strip()
    if specs.startswith("(") and specs.endswith(")"):
        specs = specs[1:-1].strip()
    version, reason = _pinned(specs)
    _add(state, path, line, name, version, requirement, reason, constraint, extra)


@dataclass(frozen=True, slots=True)
class _Extra:
    """What a requirement line says besides its name and version."""

    marker: str = ""
    hashes: list[Hash | None] = field(default_factory=list)


def _pinned(specs: str) -> tuple[str, str]:
    """(version, "") when ``specs`` pins exactly one version, else ("", reason)."""
    if not specs:
        return "", "unpinned"
    clauses = [c for c in specs.split(",") if c.strip()]
    if len(clauses) == 1:
        match = _SPEC.match(clauses[0])
        if match is not None:
            op, version = match.groups()
            if op == "===" or (op == "==" and "*" not in version and "$" not in version):
                return version, ""
    return "", "range"


def _add(
    state: _State,
    path: str,
    line: int,
    name: str,
    version: str,
    requirement: str,
    reason: str,
    constraint: bool,
    extra: _Extra,
) -> None:
    norm = eco.pep503(name)
    if constraint:
        if version:
            state.constraints.setdefault(norm, (version, path, line))
        return
    comp = component(eco.PYPI, norm, version, path, line, hashes=extra.hashes, marker=extra.marker)
    if reason:
        entry = Unpinned(eco.PYPI, norm, requirement, reason, path, line)
        if reason in ("range", "unpinned"):
            state.open_entries.append((entry, comp))
        else:
            state.unpinned.append(entry)
            state.components.append(comp)
    else:
        state.components.append(comp)
