"""Checking an OSV record before it is imported, and reading the parts that
matching needs out of it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from shieldwall.analyzers.deps.osv.names import base_ecosystem, normalise_name

# The largest record read (OSV's largest are a few hundred KiB): a bigger one is
# a bad record, whatever its zip entry or HTTP header declares.
RECORD_MAX_BYTES = 16 * 1024 * 1024
# OSV records nest a handful of levels; far deeper ones could not be stored and
# read back (json recursion): they are bad records.
MAX_DEPTH = 64


class BadRecordError(ValueError):
    """A record that fails verification; it is counted and not imported."""


@dataclass(frozen=True, slots=True)
class Record:
    id: str
    modified: str
    withdrawn: str
    body: dict[str, Any]

    def packages(self) -> Iterator[tuple[str, str]]:
        """(base ecosystem, normalised name) of every package the record affects."""
        seen: set[tuple[str, str]] = set()
        for affected in self.body.get("affected") or ():
            package = affected.get("package") or {}
            ecosystem, name = package.get("ecosystem"), package.get("name")
            if isinstance(ecosystem, str) and isinstance(name, str) and ecosystem and name:
                key = (base_ecosystem(ecosystem), normalise_name(ecosystem, name))
                if key not in seen:
                    seen.add(key)
                    yield key


def parse_record(data: bytes | str, expected_id: str | None = None) -> Record:
    """Verify one OSV JSON record: it parses, has the required fields with the
    right types, and its id is the one its file is named after."""
    if len(data) > RECORD_MAX_BYTES:
        raise BadRecordError(f"over {RECORD_MAX_BYTES} bytes")
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRecordError(f"not JSON: {exc}") from None
    except RecursionError:
        raise BadRecordError("JSON nested too deeply to read") from None
    if not isinstance(body, dict):
        raise BadRecordError("not a JSON object")
    if _deeper_than(body, MAX_DEPTH):
        raise BadRecordError(f"JSON nested more than {MAX_DEPTH} levels deep")
    record_id = body.get("id")
    if not isinstance(record_id, str) or not record_id.strip():
        raise BadRecordError("no id")
    if expected_id is not None and record_id != expected_id:
        raise BadRecordError(f"id {record_id!r} does not match its file name {expected_id!r}")
    modified = body.get("modified")
    if not isinstance(modified, str) or not modified:
        raise BadRecordError(f"{record_id}: no modified time")
    withdrawn = body.get("withdrawn") or ""
    if not isinstance(withdrawn, str):
        raise BadRecordError(f"{record_id}: withdrawn is not a time")
    affected = body.get("affected", [])
    if not isinstance(affected, list):
        raise BadRecordError(f"{record_id}: affected is not a list")
    for entry in affected:
        _check_affected(record_id, entry)
    for field in ("aliases", "references", "severity"):
        if field in body and body[field] is not None and not isinstance(body[field], list):
            raise BadRecordError(f"{record_id}: {field} is not a list")
    return Record(record_id, modified, withdrawn, body)


def _deeper_than(value: object, limit: int) -> bool:
    """Whether containers nest more than ``limit`` deep (no recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def _check_affected(record_id: str, entry: object) -> None:
    if not isinstance(entry, Mapping):
        raise BadRecordError(f"{record_id}: an affected entry is not an object")
    package = entry.get("package")
    if package is not None and not isinstance(package, Mapping):
        raise BadRecordError(f"{record_id}: affected package is not an object")
    ranges = entry.get("ranges", [])
    if not isinstance(ranges, list):
        raise BadRecordError(f"{record_id}: ranges is not a list")
    for item in ranges:
        if not isinstance(item, Mapping) or not isinstance(item.get("events", []), list):
            raise BadRecordError(f"{record_id}: a range has no list of events")
        for event in item.get("events", []):
            if not isinstance(event, Mapping) or not all(
                isinstance(v, str) for v in event.values()
            ):
                raise BadRecordError(f"{record_id}: a range event is not an object of strings")
    versions = entry.get("versions", [])
    if not isinstance(versions, list) or not all(isinstance(v, str) for v in versions):
        raise BadRecordError(f"{record_id}: versions is not a list of strings")
