"""yarn.lock, classic (v1, its own syntax) and berry (v2+, YAML).

Both are read line by line: an unindented key lists the descriptors
(``name@range``) resolved to one package; indented lines give its ``version``
and ``dependencies``. Dependencies are resolved through the descriptors."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.deps import ecosystems as eco
from shieldwall.analyzers.deps.parsers.base import (
    Entry,
    LockFile,
    Parsed,
    broken,
    build,
    sri_hashes,
)

KIND = "yarn.lock"
_DEP_BLOCKS = ("dependencies", "optionalDependencies")


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def split_descriptor(descriptor: str) -> tuple[str, str]:
    """``@scope/name@^1.0`` -> (``@scope/name``, ``^1.0``)."""
    at = descriptor.find("@", 1)
    if at < 0:
        return descriptor, ""
    return descriptor[:at], descriptor[at + 1 :]


def _real_name(name: str, range_: str) -> str:
    """The package behind an alias (``alias@npm:real@^1``), else ``name``."""
    if range_.startswith("npm:"):
        target = range_[4:]
        real, spec = split_descriptor(target)
        if spec:
            return real
    return name


def _key_value(line: str, berry: bool) -> tuple[str, str]:
    if berry:
        # `key: value`, where a key may be quoted and contain ':' inside quotes
        if line.startswith('"'):
            end = line.find('"', 1)
            return line[1:end], line[end + 1 :].lstrip(":").strip()
        key, _, value = line.partition(":")
        return key.strip(), value.strip()
    if line.startswith('"'):
        end = line.find('"', 1)
        return line[1:end], line[end + 1 :].strip()
    key, _, value = line.partition(" ")
    return key.rstrip(":"), value.strip()


def parse(lock: LockFile) -> Parsed:
    berry = "\n__metadata:" in "\n" + lock.text
    entries: list[Entry] = []
    by_descriptor: dict[str, tuple[str, str]] = {}
    current: Entry | None = None
    descriptors: list[str] = []
    block = ""
    skip = False

    def close() -> None:
        if current is not None and not skip:
            if not current.version:
                raise broken(KIND, f"entry {descriptors[0]!r} has no version", current.line)
            entries.append(current)
            for d in descriptors:
                by_descriptor[d] = (current.name, current.version)

    for number, raw in enumerate(lock.text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if indent == 0:
            close()
            if not stripped.endswith(":"):
                raise broken(KIND, f"expected `descriptor:` but found {stripped[:60]!r}", number)
            descriptors = [d.strip().strip('"') for d in stripped[:-1].split(",") if d.strip()]
            skip = stripped.startswith("__metadata")
            name, range_ = split_descriptor(descriptors[0]) if descriptors else ("", "")
            current = Entry(_real_name(name, range_), "", number)
            block = ""
            continue
        if current is None:
            raise broken(KIND, "indented line before any entry", number)
        key, value = _key_value(stripped, berry)
        if indent <= 2:
            block = key if not value else ""
            if key == "version":
                current.version = _unquote(value)
            elif key == "resolution" and "@workspace:" in value:
                skip = True  # the project's own workspaces
            elif key == "linkType" and _unquote(value) == "soft":
                skip = True
            elif key == "integrity" and not berry:  # berry's checksum is of its own zip
                current.hashes.extend(sri_hashes(_unquote(value)))
        elif block in _DEP_BLOCKS:
            dep_range = _unquote(value)
            current.deps.append(f"{key}@{dep_range}")
    close()

    def resolve(descriptor: str) -> Iterator[tuple[str, str]]:
        found = by_descriptor.get(descriptor)
        if found is None and berry:
            name, range_ = split_descriptor(descriptor)
            found = by_descriptor.get(f"{name}@npm:{range_}")
        if found is not None:
            yield found

    return Parsed(build(eco.NPM, lock.path, entries, resolve))
