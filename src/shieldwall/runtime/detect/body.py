"""The values a request body carries, as the application would read them: form
fields, JSON keys and strings, multipart fields and file names, XML attributes
and text. Each value is decoded (see decode.py); a body that does not parse as
its declared type is judged as text. A JSON, multipart or XML body is read up to
MAX_BODY_CHARS characters of values, each value charged _VALUE_COST more (so
many tiny values cost what one long value costs); a body cut there says so."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import orjson

from shieldwall.runtime.detect.decode import MAX_LEN, decode, query_values

# The characters of values judged in one body: what one value of the longest line
# the reader hands on holds (decode.MAX_LEN).
MAX_BODY_CHARS = MAX_LEN
_VALUE_COST = 64  # characters charged for each value besides its own (its cost to judge)
_PART_TEXT = 4096  # characters of an uploaded file's content judged (a field: all)
_BOUNDARY = re.compile(r"boundary=\"?([^\";,\s]+)", re.IGNORECASE)
_DISPOSITION = re.compile(r"\b(?:name|filename)\s*=\s*\"([^\"]*)\"", re.IGNORECASE)
# The last parameter of a disposition, to the line's last quote.
_QUOTED_FILE = re.compile(r"\bfilename\s*=\s*\"(.*)\"", re.IGNORECASE)
_QUOTED_NAME = re.compile(r"\bname\s*=\s*\"(.*)\"", re.IGNORECASE)
_XML_ATTR = re.compile(r"\s[\w:.-]+\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_XML_TEXT = re.compile(r">([^<]+)<")
# Character data, and the literals of declarations (an external entity's SYSTEM
# "file:///etc/passwd"), which the text between tags does not hold.
_XML_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_XML_LITERAL = re.compile(r"<!(?:ENTITY|DOCTYPE)\b[^>]*?(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)
# A form body whose every name is a name (`a`, `user[name]`, `x.y`, URL-encoded).
_FORM = re.compile(r"[\w.\[\]%+-]*=[^&]*(?:&[\w.\[\]%+-]*=[^&]*)*&?")


@dataclass(frozen=True, slots=True)
class Body:
    """A body's decoded values, in order; `cut` when values past the bound were left."""

    values: list[str]
    cut: bool = False


def body_values(body: str, content_type: str = "") -> list[str]:
    """Decoded values of a body; `content_type` is the request's header, if logged."""
    return read_body(body, content_type).values


def read_body(body: str, content_type: str = "") -> Body:
    """A body's decoded values, and whether the bound cut it."""
    kind = content_type.lower()
    stripped = body.lstrip()
    if "json" in kind or (not kind and stripped[:1] in ("{", "[")):
        try:
            data = orjson.loads(stripped)
        except orjson.JSONDecodeError:
            pass
        else:
            return _bounded(_json_values(data))
    if "multipart" in kind or (not kind and stripped.startswith("--")):
        found = _bounded(_multipart_values(body, content_type))
        if found.values:  # no part at all: a body that only starts like one (`-->`, `--'`)
            return found
    if "xml" in kind or (not kind and stripped.startswith("<?xml")):
        return _bounded(_xml_values(body))
    if "=" in body:
        values = query_values(body)
        if _FORM.fullmatch(body) is None:  # not a form after all: the text too
            values.append(decode(body))
        return Body(values)
    return Body([decode(body)])


def _bounded(values: Iterable[str]) -> Body:
    """The values up to MAX_BODY_CHARS characters, each charged _VALUE_COST more;
    `cut` when one is left past the bound (it is neither decoded nor judged)."""
    kept: list[str] = []
    spent = 0
    for value in values:
        spent += len(value) + _VALUE_COST
        if spent > MAX_BODY_CHARS and kept:
            return Body(kept, cut=True)
        kept.append(value)
    return Body(kept)


def _json_values(data: object) -> Iterator[str]:
    """Keys that are not plain names and strings, in document order."""
    stack: list[object] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item:
                yield decode(item, plus=False)
        elif isinstance(item, dict):
            for key in item:
                if not key.isalnum():
                    yield decode(key, plus=False)
            stack.extend(reversed(item.values()))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _multipart_values(body: str, content_type: str) -> Iterator[str]:
    match = _BOUNDARY.search(content_type)
    first = body.lstrip().split("\n", 1)[0].strip()
    boundary = "--" + match.group(1) if match else first
    if len(boundary) < 3 or boundary not in body:
        return
    for part in body.split(boundary)[1:]:
        head, sep, content = part.replace("\r\n", "\n").lstrip("\n").partition("\n\n")
        if not sep:
            continue
        for name in _DISPOSITION.findall(head):
            if name and not name.isalnum():
                yield decode(name, plus=False)
        for line in head.split("\n"):
            # a name or file name with quotes of its own (`filename=""><svg ...>"`),
            # which the quoted values above cut short: the parameters whole
            if line[:19].lower() == "content-disposition" and line.count('"') > 2 * len(
                _DISPOSITION.findall(line)
            ):
                whole = _QUOTED_FILE.search(line) or _QUOTED_NAME.search(line)
                if whole:
                    yield decode(whole.group(1), plus=False)
        content = content.rstrip("\n")
        if "filename" in head.lower():  # a file's content: its first characters
            content = content[:_PART_TEXT]
        if content:
            yield decode(content, plus=False)


def _xml_values(body: str) -> Iterator[str]:
    values = [a or b for a, b in _XML_ATTR.findall(body)]
    values += [t for t in _XML_TEXT.findall(body) if t.strip()]
    if "<!" in body:
        values += _XML_CDATA.findall(body)
        values += [a or b for a, b in _XML_LITERAL.findall(body)]
    return (decode(v, plus=False) for v in values if v)
