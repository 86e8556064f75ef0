"""What a kustomization's `configMapGenerator:` and `secretGenerator:` generate,
read as kustomize reads them: `literals` (`key=value`, one pair of matching
quotes around the value removed), `files` (`path` keyed by its base name, or
`key=path`; a file that is not UTF-8 goes to a ConfigMap's `binaryData`), `envs`
(`.env` lines `KEY=value`, blank and `#` lines skipped, a line without `=` taken
from an empty environment), `behavior` (`create`, `merge`, `replace`), `options`
and the top-level `generatorOptions` (`labels`, `annotations`,
`disableNameSuffixHash`, `immutable`), a Secret's `type`.

Each value keeps the file and line it is written at (the literal's line in the
kustomization, the `.env` file's line, a file's first line), so a finding about
a generated value points there. The name suffix kustomize appends is
`name_suffix`: the first ten hexadecimal digits of the SHA-256 of the object's
kind, type and data as Go's `encoding/json` writes them (sorted keys, `<`, `>`,
`&` escaped), `0 1 3 a e` read as `g h k m t` (the same names `kubectl
kustomize` v5 gives, checked by a test). Files are read through a `Reader`, which
refuses what leaves the kustomization's directory (`sources.kustomize_files`)."""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shieldwall.model import Skipped
from shieldwall.sources.kustomize_files import inside
from shieldwall.sources.yaml_tree import YMap, YSeq

# (kustomization directory, repository path) -> the file's bytes, or why not read
Reader = Callable[[str, str], "bytes | str"]
GENERATORS = (("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret"))
_BEHAVIORS = ("create", "merge", "replace")
_ENCODE = str.maketrans("013ae", "ghkmt")


@dataclass(frozen=True, slots=True)
class Item:
    """One key of a generated object, with where its value is written."""

    key: str
    value: str | bytes  # bytes: not UTF-8
    source: str
    line: int


@dataclass(frozen=True, slots=True)
class Generator:
    """One generator entry, read."""

    kind: str  # ConfigMap | Secret
    name: str
    namespace: str  # "" when the entry sets none
    behavior: str
    items: tuple[Item, ...]
    labels: tuple[tuple[str, str], ...]
    annotations: tuple[tuple[str, str], ...]
    hashed: bool
    immutable: bool
    secret_type: str
    path: str  # the kustomization
    line: int  # the entry's `name:` line


class _Reading:
    def __init__(self, path: str, read: Reader | None, lines: dict[str, tuple[str, ...]]) -> None:
        self.path = path
        self.directory = posixpath.dirname(path) or "."
        self.read = read
        self.lines = lines
        self.skipped: list[Skipped] = []

    def skip(self, line: int, what: str) -> None:
        self.skipped.append(Skipped(self.path, f"line {line}: kustomize generator: {what}"))

    def file(self, entry: str, line: int) -> tuple[str, bytes] | None:
        """The repository path and bytes of a file the entry names, or None (reported)."""
        rel = inside(self.directory, entry)
        if rel is None:
            self.skip(line, f"{entry} not read: it is outside the kustomization's directory")
            return None
        if self.read is None:
            self.skip(line, f"{entry} not read: the scan reads no generator files here")
            return None
        data = self.read(self.directory, rel)
        if isinstance(data, str):
            self.skip(line, f"{entry} not read: {data}")
            return None
        if rel not in self.lines:  # so that a finding there can show the line
            self.lines[rel] = tuple(data.decode("utf-8", "replace").splitlines())
        return rel, data

    def literals(self, value: object) -> list[Item]:
        out: list[Item] = []
        for i, text in enumerate(value if isinstance(value, YSeq) else ()):
            line = value.line_of(i) if isinstance(value, YSeq) else 0
            key, eq, raw = str(text).partition("=")
            if not eq or not key:
                self.skip(line, f"literal {str(text)[:80]!r} is not key=value")
                continue
            quoted = len(raw) > 1 and raw[0] == raw[-1] and raw[0] in "\"'"
            out.append(Item(key, raw[1:-1] if quoted else raw, self.path, line))
        return out

    def files(self, value: object) -> list[Item]:
        out: list[Item] = []
        for i, text in enumerate(value if isinstance(value, YSeq) else ()):
            line = value.line_of(i) if isinstance(value, YSeq) else 0
            key, eq, entry = str(text).partition("=")
            if not eq:
                key, entry = posixpath.basename(key), key
            if not key or not entry:
                self.skip(line, f"file source {str(text)[:80]!r} is not path or key=path")
                continue
            found = self.file(entry, line)
            if found is not None:
                out.append(Item(key, _text_or_bytes(found[1]), found[0], 1))
        return out

    def envs(self, value: object) -> list[Item]:
        out: list[Item] = []
        for i, text in enumerate(value if isinstance(value, YSeq) else ()):
            line = value.line_of(i) if isinstance(value, YSeq) else 0
            found = self.file(str(text), line)
            if found is None:
                continue
            rel, data = found
            body = data.decode("utf-8", "replace").removeprefix("\ufeff")
            for number, raw in enumerate(body.splitlines(), start=1):
                stripped = raw.lstrip()
                if stripped and not stripped.startswith("#"):
                    key, _, val = stripped.partition("=")
                    out.append(Item(key, val, rel, number))
        return out


def read_generators(
    path: str, body: YMap, read: Reader | None, lines: dict[str, tuple[str, ...]]
) -> tuple[list[Generator], list[Skipped]]:
    """The generators of the kustomization at `path`, and what was not read."""
    reading = _Reading(path, read, lines)
    options = body.get("generatorOptions")
    options = options if isinstance(options, YMap) else YMap(body.line)
    out: list[Generator] = []
    for key, kind in GENERATORS:
        entries = body.get(key)
        for i, entry in enumerate(entries if isinstance(entries, YSeq) else ()):
            line = entries.line_of(i) if isinstance(entries, YSeq) else 0
            if not isinstance(entry, YMap) or not isinstance(entry.get("name"), str):
                reading.skip(line, f"a {key} entry needs a `name`")
                continue
            behavior = str(entry.get("behavior") or "create")
            behavior = behavior if behavior in _BEHAVIORS else "create"  # as kustomize reads it
            own = entry.get("options")
            own = own if isinstance(own, YMap) else YMap(line)
            items = (
                reading.literals(entry.get("literals"))
                + reading.files(entry.get("files"))
                + reading.envs(entry.get("envs"))
                + reading.envs(YSeq(line) if entry.get("env") is None else _one(entry, "env"))
            )
            items = _once(items, reading, f"{kind} {entry['name']}", line)
            disable = own.get("disableNameSuffixHash", options.get("disableNameSuffixHash"))
            out.append(
                Generator(
                    kind,
                    str(entry["name"]),
                    str(entry.get("namespace") or ""),
                    behavior,
                    tuple(items),
                    _pairs(options.get("labels")) + _pairs(own.get("labels")),
                    _pairs(options.get("annotations")) + _pairs(own.get("annotations")),
                    disable is not True,
                    own.get("immutable", options.get("immutable")) is True,
                    str(entry.get("type") or "Opaque"),
                    path,
                    entry.line_of("name"),
                )
            )
    return out, reading.skipped


def _once(items: list[Item], reading: _Reading, what: str, line: int) -> list[Item]:
    """The items, a key written twice reported (kustomize refuses the build) and
    read with its first value."""
    seen: dict[str, Item] = {}
    for item in items:
        first = seen.setdefault(item.key, item)
        if first is not item:
            where = f"{item.source}:{item.line}"
            reading.skip(
                line,
                f"{what} repeats the key {item.key!r} at {where}; kustomize refuses the "
                "build: the first value is read",
            )
    return list(seen.values())


def _one(entry: YMap, key: str) -> YSeq:
    """The deprecated single `env:` file as a list of one."""
    seq = YSeq(entry.line_of(key))
    seq.append(entry[key])
    seq.item_lines.append(entry.line_of(key))
    return seq


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, YMap):
        return ()
    return tuple((str(k), str(v)) for k, v in value.items() if v is not None)


def _text_or_bytes(data: bytes) -> str | bytes:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def encoded(kind: str, value: str | bytes) -> tuple[str, str]:
    """The field (`data` or `binaryData`) and the value as the object holds it."""
    raw = value.encode("utf-8") if isinstance(value, str) else value
    if kind == "Secret":
        return "data", base64.b64encode(raw).decode("ascii")
    if isinstance(value, bytes):
        return "binaryData", base64.b64encode(raw).decode("ascii")
    return "data", value


# (file, line) -> the line a value written there has in the object's file
At = Callable[[str, int], int]


def new_body(gen: Generator, at: At) -> YMap:
    """The generated object, each value at the line `at` gives it."""
    body = YMap(gen.line)
    for key, value in (("apiVersion", "v1"), ("kind", gen.kind)):
        body[key] = value
        body.key_lines[key] = gen.line
    meta = YMap(gen.line)
    meta["name"] = gen.name
    meta.key_lines["name"] = gen.line
    if gen.namespace:
        meta["namespace"] = gen.namespace
        meta.key_lines["namespace"] = gen.line
    body["metadata"] = meta
    body.key_lines["metadata"] = gen.line
    if gen.kind == "Secret":
        body["type"] = gen.secret_type
        body.key_lines["type"] = gen.line
    add_items(body, gen, at)
    return body


def add_items(body: YMap, gen: Generator, at: At) -> None:
    """Write the generator's values, labels and annotations into `body` (a merge)."""
    for item in gen.items:
        field, value = encoded(gen.kind, item.value)
        other = "binaryData" if field == "data" else "data"
        if isinstance(body.get(other), YMap):
            body[other].pop(item.key, None)
        _child(body, field, gen.line)[item.key] = value
        _child(body, field, gen.line).key_lines[item.key] = at(item.source, item.line)
    meta = _child(body, "metadata", gen.line)
    for field, pairs in (("labels", gen.labels), ("annotations", gen.annotations)):
        for key, value in pairs:
            _child(meta, field, gen.line)[key] = value
            _child(meta, field, gen.line).key_lines[key] = at(gen.path, gen.line)
    if gen.immutable:
        body["immutable"] = True
        body.key_lines["immutable"] = at(gen.path, gen.line)


def _child(node: YMap, key: str, line: int) -> YMap:
    child = node.get(key)
    if not isinstance(child, YMap):
        child = YMap(line)
        node[key] = child
        node.key_lines[key] = line
    return child


def name_suffix(body: YMap) -> str:
    """The suffix kustomize appends to a generated object's name (see the module)."""
    kind = str(body.get("kind") or "")
    fields: dict[str, Any] = {"kind": kind, "name": "", "data": _plain(body.get("data"))}
    if kind == "Secret":
        fields["type"] = str(body.get("type") or "")
    elif binary := _plain(body.get("binaryData")):
        fields["binaryData"] = binary
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10].translate(_ENCODE)


def _plain(value: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, YMap) else {}
