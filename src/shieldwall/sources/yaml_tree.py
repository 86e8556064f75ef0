"""YAML documents as plain dicts and lists that remember their line numbers.

Parsing uses libyaml (``CSafeLoader``). Each mapping becomes a :class:`YMap`
(a ``dict``) that knows the line of every key; each sequence a :class:`YSeq`
(a ``list``) that knows the line of every item. Multi-document files are split
before parsing so that one broken document does not lose the others, and
alias bombs are refused before anything is built.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from shieldwall.errors import SourceError

# Expanded node count above which a document is refused as an alias bomb.
MAX_EXPANDED_NODES = 250_000

_SEPARATOR = re.compile(r"^(---|\.\.\.)(?:[ \t].*)?\r?$", re.MULTILINE)


class YMap(dict[Any, Any]):
    """A YAML mapping with the 1-based line of itself and of each key."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any, default: int | None = None) -> int:
        """Line of ``key`` if present, else ``default`` or this mapping's line."""
        got = self.key_lines.get(key)
        if got is not None:
            return got
        return self.line if default is None else default


class YSeq(list[Any]):
    """A YAML sequence with the 1-based line of itself and of each item."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        try:
            return self.item_lines[index]
        except IndexError:
            return self.line


def copied(node: Any) -> Any:
    """A deep copy of a parsed node with its lines (faster than `copy.deepcopy`)."""
    if isinstance(node, YMap):
        out = YMap(node.line)
        for key, value in node.items():
            out[key] = copied(value)
        out.key_lines = dict(node.key_lines)
        return out
    if isinstance(node, YSeq):
        seq = YSeq(node.line)
        seq.extend(copied(item) for item in node)
        seq.item_lines = list(node.item_lines)
        return seq
    return node


def line_of(node: Any, key: Any = None, default: int = 1) -> int:
    """Line of ``node`` (or of ``key`` inside it) when it is a YMap/YSeq."""
    if isinstance(node, YMap):
        return node.line_of(key) if key is not None else node.line
    if isinstance(node, YSeq):
        return node.line_of(key) if isinstance(key, int) else node.line
    return default


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document of a file: its content and where it starts."""

    index: int  # 0-based position in the file
    start_line: int
    content: Any


@dataclass(frozen=True, slots=True)
class BrokenDocument:
    index: int
    start_line: int
    error: SourceError


def split_documents(text: str) -> Iterator[tuple[int, str]]:
    """Yield (0-based line offset, text) of each `---`-separated chunk.

    A separator line may carry content after the marker (`--- !tag` or `--- {a: 1}`);
    it stays in the next chunk with the marker blanked so that columns hold."""
    start = 0
    prefix = ""
    offset = 0
    for match in _SEPARATOR.finditer(text):
        chunk = prefix + text[start : match.start()]
        yield offset, chunk
        offset += chunk.count("\n")
        prefix = "   "
        start = match.start() + 3
    yield offset, prefix + text[start:]


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards against recursive aliases
    total = 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            total += _expanded_size(k, memo) + _expanded_size(v, memo)
            if total > MAX_EXPANDED_NODES:
                break
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            total += _expanded_size(item, memo)
            if total > MAX_EXPANDED_NODES:
                break
    memo[key] = total
    return total


_STR_TAG = "tag:yaml.org,2002:str"


class _Builder(yaml.constructor.SafeConstructor):
    """Builds YMap/YSeq from a composed node graph; scalars via SafeConstructor."""

    def __init__(self, line_offset: int, merges: bool = True) -> None:
        super().__init__()
        self.line_offset = line_offset
        self.merges = merges  # False when the text has no `<<`: no merge key to resolve
        self._active: set[int] = set()

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR_TAG:  # the common case, without the constructor's detour
                return node.value
            construct = self.yaml_constructors.get(node.tag)
            if construct is None:  # application tags (`!Ref`, `!vault`): keep the text
                return node.value
            return construct(self, node)
        key = id(node)
        if key in self._active:
            raise SourceError(
                f"recursive alias at line {node.start_mark.line + 1 + self.line_offset}",
                "remove the self-referencing anchor",
                line=node.start_mark.line + 1 + self.line_offset,
            )
        self._active.add(key)
        try:
            line = node.start_mark.line + 1 + self.line_offset
            if isinstance(node, yaml.SequenceNode):
                seq = YSeq(line)
                for item in node.value:
                    seq.append(self.build(item))
                    seq.item_lines.append(item.start_mark.line + 1 + self.line_offset)
                return seq
            assert isinstance(node, yaml.MappingNode)
            if self.merges:
                self.flatten_mapping(node)  # resolves `<<` merge keys
            mapping = YMap(line)
            for key_node, value_node in node.value:
                k = self.build(key_node)
                if isinstance(k, (YMap, YSeq)):
                    k = str(k)
                mapping[k] = self.build(value_node)
                mapping.key_lines[k] = key_node.start_mark.line + 1 + self.line_offset
            return mapping
        finally:
            self._active.discard(key)


def _error_line(exc: yaml.YAMLError, offset: int) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 + offset if mark is not None else None


def _parse_chunk(chunk: str, offset: int) -> Any:
    loader = yaml.CSafeLoader(chunk)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        line = _error_line(exc, offset)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f" at line {line}" if line else ""
        raise SourceError(
            f"invalid YAML{where}: {problem}", "fix the syntax; the rest was scanned", line=line
        ) from exc
    finally:
        loader.dispose()
    if node is None:
        return None
    if "*" in chunk and _expanded_size(node, {}) > MAX_EXPANDED_NODES:  # `*` starts an alias
        line = node.start_mark.line + 1 + offset
        raise SourceError(
            f"document at line {line} expands to more than {MAX_EXPANDED_NODES} nodes "
            "through aliases (alias bomb)",
            "remove the nested anchors/aliases",
            line=line,
        )
    try:
        return _Builder(offset, merges="<<" in chunk).build(node)
    except yaml.YAMLError as exc:
        line = _error_line(exc, offset)
        raise SourceError(f"invalid YAML value at line {line}: {exc}", line=line) from exc
    except (RecursionError, MemoryError) as exc:
        raise SourceError("YAML nested too deeply", line=offset + 1) from exc


def parse_documents(text: str) -> Iterator[Document | BrokenDocument]:
    """Every document of a YAML stream, broken ones included, in order."""
    index = 0
    for offset, chunk in split_documents(text):
        if not chunk.strip() or all(
            not ln.strip() or ln.lstrip().startswith(("#", "%")) for ln in chunk.splitlines()
        ):
            continue
        start = offset + 1 + (len(chunk) - len(chunk.lstrip("\n"))) - 0
        try:
            content = _parse_chunk(chunk, offset)
        except SourceError as err:
            yield BrokenDocument(index, start, err)
        else:
            if content is not None:
                yield Document(index, start, content)
        index += 1
