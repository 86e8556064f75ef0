"""Reading log lines safely: a line is at most MAX_LINE bytes held in memory
(the rest of a longer one is skipped), then handed to its source's parser. A
longer line comes as its first MAX_LINE bytes: the request it logged is read from
them when they name the client (sources/prefix.py), flagged as oversized."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from shieldwall.runtime.decisions import Detection
from shieldwall.runtime.engine import Engine, Output
from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.sources.base import Parser
from shieldwall.runtime.sources.prefix import recover
from shieldwall.runtime.sources.registry import sniff

MAX_LINE = 65536  # a line of this many bytes or more is the first part of a longer one
_DAMAGED = (ValueError, KeyError, TypeError, IndexError, OverflowError, AttributeError)
_SNIFF_LINES = 10
_NONE: tuple[Output, ...] = ()


def lines(stream: BinaryIO) -> Iterator[bytes]:
    """Lines without their newline; a line of MAX_LINE bytes or more comes as its
    first MAX_LINE bytes (the rest is read and dropped)."""
    readline = stream.readline
    while True:
        line = readline(MAX_LINE)
        if not line:
            return
        if line.endswith(b"\n"):
            yield line[:-1]
        elif len(line) >= MAX_LINE:
            first = line
            while line and not line.endswith(b"\n"):
                line = readline(MAX_LINE)
            yield first
        else:
            yield line  # the last line, without its newline


BLOCK = 1 << 20


def blocks(stream: BinaryIO) -> Iterator[list[bytes]]:
    """As `lines`, a block's lines at a time (for replay: a file read to its end,
    where a line need not be handed on the moment it is written). At most a block
    and MAX_LINE bytes are held."""
    read = stream.read
    rest = b""
    skipping = b""  # the first part of a line longer than MAX_LINE, while inside it
    while True:
        block = read(BLOCK)
        if not block:
            break
        head: list[bytes] = []
        if skipping:
            end = block.find(b"\n")
            if end < 0:
                continue
            head.append(skipping)
            skipping = b""
            block = block[end + 1 :]
        if rest:
            block = rest + block
        parts = block.split(b"\n")
        rest = parts.pop()
        if parts and max(map(len, parts)) >= MAX_LINE:
            parts = [line if len(line) < MAX_LINE else line[:MAX_LINE] for line in parts]
        yield head + parts if head else parts
        if len(rest) >= MAX_LINE:
            skipping = rest[:MAX_LINE]
            rest = b""
    if skipping:
        yield [skipping]
    elif rest:
        yield [rest]


def block_lines(stream: BinaryIO) -> Iterator[bytes]:
    """As `blocks`, a line at a time."""
    for part in blocks(stream):
        yield from part


class LogSource:
    """One log being read: its name (for evidence), its format (given or
    sniffed from its first lines), and the line count."""

    def __init__(self, name: str, engine: Engine, parser: Parser | None = None) -> None:
        self.name = name
        self.engine = engine
        self.parser = parser
        self.lineno = 0
        # lines held while the format is sniffed: (number, text, first part when cut)
        self._pending: list[tuple[int, str, bytes]] = []

    def feed(self, raw: bytes) -> list[Output]:
        """One line, without its newline: what it gave."""
        return self.feed_many((raw,))

    def feed_many(self, raws: Iterable[bytes]) -> list[Output]:
        """Lines in order, without their newlines: what they gave, in order."""
        out: list[Output] = []
        engine = self.engine
        stats = engine.stats
        http = engine.http
        prefix = f"{self.name}:"
        lineno = self.lineno
        try:
            for raw in raws:
                lineno += 1
                parser = self.parser
                if parser is None or len(raw) >= MAX_LINE:
                    self.lineno = lineno
                    found = self._held(raw)
                else:
                    text = raw.decode("utf-8", "replace")
                    if text.endswith("\r"):
                        text = text[:-1]
                    if not text or text.isspace():
                        continue  # blank lines are not log lines
                    stats.lines += 1
                    try:
                        event = parser.parse(text)
                    except _DAMAGED:
                        event = None
                    if event is None:
                        stats.unparsed_line(f"{prefix}{lineno}", text)
                        continue
                    if type(event) is HttpEvent:
                        found = http(event, f"{prefix}{lineno}")
                    else:
                        found = engine.audit(event, f"{prefix}{lineno}")  # type: ignore[arg-type]
                if found:
                    out.extend(found)
        finally:
            self.lineno = lineno
        return out

    def _held(self, raw: bytes) -> tuple[Output, ...] | list[Output]:
        """A line too long to read, or one while the format is not yet known."""
        self.engine.stats.lines += 1
        if len(raw) >= MAX_LINE:
            if self.parser is not None:
                return self._cut(self.lineno, raw)
            self._pending.append((self.lineno, "", raw[:MAX_LINE]))  # sniffed without it
        else:
            text = raw.decode("utf-8", "replace")
            self._pending.append((self.lineno, text[:-1] if text.endswith("\r") else text, b""))
        if len(self._pending) >= _SNIFF_LINES:
            return self.flush()
        return _NONE

    def flush(self) -> list[Output]:
        """Decide the format from the lines held so far and read them."""
        pending, self._pending = self._pending, []
        if not pending:
            return []
        if self.parser is None:
            self.parser = sniff(text for _, text, _ in pending)
        out: list[Output] = []
        for lineno, text, cut in pending:
            out.extend(self._cut(lineno, cut) if cut else self._one(lineno, text))
        return out

    def _cut(self, lineno: int, raw: bytes) -> tuple[Output, ...] | list[Output]:
        """A line longer than MAX_LINE, from its first MAX_LINE bytes: the request it
        logged, flagged as oversized, when they name the client; else unparsed."""
        ref = f"{self.name}:{lineno}"
        engine = self.engine
        event = None
        if self.parser is not None:
            event = recover(self.parser.name, raw[:MAX_LINE].decode("utf-8", "replace"))
        if event is None or not engine.names_client(event):
            shown = raw[:120].decode("utf-8", "replace")
            engine.stats.unparsed_line(ref, f"(a line longer than {MAX_LINE} bytes) {shown}")
            return _NONE
        if not event.time:  # a time past the bound: the log's clock as it stands
            event = event._replace(time=engine.stats.last_time)
        return engine.http(event, ref, cut=True)

    def _one(self, lineno: int, text: str) -> tuple[Output, ...] | list[Output]:
        ref = f"{self.name}:{lineno}"
        if not text.strip():
            self.engine.stats.lines -= 1  # blank lines are not log lines
            return _NONE
        event = None
        if self.parser is not None:
            try:
                event = self.parser.parse(text)
            except _DAMAGED:
                event = None
        if event is None:
            self.engine.stats.unparsed_line(ref, text)
            return _NONE
        if isinstance(event, HttpEvent):
            return self.engine.http(event, ref)
        return self.engine.audit(event, ref)


def is_detection(output: Output) -> bool:
    return isinstance(output, Detection)
