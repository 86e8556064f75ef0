"""The values a request body carries, as the application would read them: form
fields, JSON keys and strings, multipart fields and file names, XML attributes
and text. Each value is decoded (see decode.py); a body that does not parse as
its declared type is judged as text."""

from __future__ import annotations

import re

import orjson

from shieldwall.runtime.detect.decode import decode, query_values

MAX_VALUES = 256
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


def body_values(body: str, content_type: str = "") -> list[str]:
    """Decoded values of a body; `content_type` is the request's header, if logged."""
    kind = content_type.lower()
    stripped = body.lstrip()
    if "json" in kind or (not kind and stripped[:1] in ("{", "[")):
        found = _json_values(stripped)
        if found is not None:
            return found
    if "multipart" in kind or (not kind and stripped.startswith("--")):
        found = _multipart_values(body, content_type)
        if found:  # no part at all: a body that only starts like one (`-->`, `--'`)
            return found
    if "xml" in kind or (not kind and stripped.startswith("<?xml")):
        return _xml_values(body)
    if "=" in body:
        values = query_values(body)
        if _FORM.fullmatch(body) is None:  # not a form after all: the text too
            values.append(decode(body))
        return values
    return [decode(body)]


def _json_values(body: str) -> list[str] | None:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    values: list[str] = []
    stack: list[object] = [data]
    while stack and len(values) < MAX_VALUES:
        item = stack.pop()
        if isinstance(item, str):
            if item:
                values.append(decode(item, plus=False))
        elif isinstance(item, dict):
            for key, value in item.items():
                if not key.isalnum():
                    values.append(decode(key, plus=False))
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return values


def _multipart_values(body: str, content_type: str) -> list[str] | None:
    match = _BOUNDARY.search(content_type)
    first = body.lstrip().split("\n", 1)[0].strip()
    boundary = "--" + match.group(1) if match else first
    if len(boundary) < 3 or boundary not in body:
        return None
    values: list[str] = []
    for part in body.split(boundary)[1 : MAX_VALUES + 1]:
        head, sep, content = part.replace("\r\n", "\n").lstrip("\n").partition("\n\n")
        if not sep:
            continue
        for name in _DISPOSITION.findall(head):
            if name and not name.isalnum():
                values.append(decode(name, plus=False))
        for line in head.split("\n"):
            # a name or file name with quotes of its own (`filename=""><svg ...>"`),
            # which the quoted values above cut short: the parameters whole
            if line[:19].lower() == "content-disposition" and line.count('"') > 2 * len(
                _DISPOSITION.findall(line)
            ):
                whole = _QUOTED_FILE.search(line) or _QUOTED_NAME.search(line)
                if whole:
                    values.append(decode(whole.group(1), plus=False))
        content = content.rstrip("\n")
        if "filename" in head.lower():  # a file's content: its first characters
            content = content[:_PART_TEXT]
        if content:
            values.append(decode(content, plus=False))
    return values


def _xml_values(body: str) -> list[str]:
    values = [a or b for a, b in _XML_ATTR.findall(body)]
    values += [t for t in _XML_TEXT.findall(body) if t.strip()]
    if "<!" in body:
        values += _XML_CDATA.findall(body)
        values += [a or b for a, b in _XML_LITERAL.findall(body)]
    return [decode(v, plus=False) for v in values[:MAX_VALUES] if v]
