"""The local vulnerability database: OSV records in SQLite, indexed by
(ecosystem, normalised package name).

Tables: ``advisories`` (id, modified, withdrawn, zlib-compressed JSON body),
``affects`` (ecosystem, name, id: the index matching reads), ``members``
(which export - ``PyPI``, ``Go``... - lists which id at which modified time:
what incremental updates compare), ``exports`` (per export: record count,
bad records, when and from where it was last updated) and ``meta``.

Fails closed: a file that is not SQLite, is shorter than its header says, lacks
a table or column, or breaks while it is read is a ``DatabaseError`` (a
configuration error: exit 2, "run `shieldwall db update`"), never a database
that silently matches nothing.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shieldwall.analyzers.deps.osv.records import Record
from shieldwall.errors import AnalyzerError, UsageError

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS advisories (
    id TEXT PRIMARY KEY, modified TEXT NOT NULL, withdrawn TEXT NOT NULL, body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS affects (
    ecosystem TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (ecosystem, name, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS affects_by_id ON affects (id);
CREATE TABLE IF NOT EXISTS members (
    export TEXT NOT NULL, id TEXT NOT NULL, modified TEXT NOT NULL, PRIMARY KEY (export, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS members_by_id ON members (id);
CREATE TABLE IF NOT EXISTS exports (
    export TEXT PRIMARY KEY, records INTEGER NOT NULL, bad INTEGER NOT NULL,
    updated_at TEXT NOT NULL, source TEXT NOT NULL, mode TEXT NOT NULL
);
"""


# The columns every table must have: what reading (and updating) relies on.
_COLUMNS = {
    "meta": ("key", "value"),
    "advisories": ("id", "modified", "withdrawn", "body"),
    "affects": ("ecosystem", "name", "id"),
    "members": ("export", "id", "modified"),
    "exports": ("export", "records", "bad", "updated_at", "source", "mode"),
}
_MAGIC = b"SQLite format 3\x00"
_REBUILD = "run `shieldwall db update` to rebuild it"


class DatabaseError(AnalyzerError, UsageError):
    """The vulnerability database is missing, unreadable, corrupt or of another
    version: the user's environment is wrong, not shieldwall (exit 2)."""


def _corrupt(path: Path, why: str) -> DatabaseError:
    return DatabaseError(f"the vulnerability database {path} is unusable: {why}", _REBUILD)


def check_file(path: Path) -> None:
    """The file is an SQLite database no shorter than its header says (a cheap
    test for truncation that reads 100 bytes)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
            size = fh.seek(0, 2)
    except OSError as exc:
        raise DatabaseError(
            f"cannot read the vulnerability database {path}: {exc.strerror or exc}",
            "check its permissions, or " + _REBUILD,
        ) from None
    if len(header) < 100 or not header.startswith(_MAGIC):
        raise _corrupt(path, "not an SQLite database")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is valid when the change counter matches "version-valid-for".
    if page_size < 512 or page_size & (page_size - 1):
        raise _corrupt(path, "its header is damaged")
    if header[24:28] == header[92:96] and pages and size < pages * page_size:
        raise _corrupt(path, f"truncated ({size} of {pages * page_size} bytes)")
    if size % page_size:
        raise _corrupt(path, f"truncated ({size} bytes is not a whole number of pages)")


def check_schema(connection: sqlite3.Connection, path: Path) -> None:
    """The tables and columns this version reads, and its schema version."""
    for table, columns in _COLUMNS.items():
        present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        missing = [c for c in columns if c not in present]
        if missing:
            what = f"no {table} table" if not present else f"{table} lacks {', '.join(missing)}"
            raise _corrupt(path, f"wrong schema ({what})")
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None or row[0] != SCHEMA_VERSION:
        raise DatabaseError(f"the vulnerability database {path} has another format", _REBUILD)


@dataclass(frozen=True, slots=True)
class ExportStatus:
    export: str
    records: int
    bad: int
    updated_at: datetime
    source: str
    mode: str  # "full" | "incremental" | "unchanged"


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    path: Path
    updated_at: datetime | None
    source: str
    advisories: int
    exports: tuple[ExportStatus, ...]
    # (ecosystem, advisories naming a package of it), from the index matching uses.
    ecosystems: tuple[tuple[str, int], ...] = ()

    def age_days(self, now: datetime | None = None) -> float | None:
        if self.updated_at is None:
            return None
        now = now or datetime.now(UTC)
        return (now - self.updated_at).total_seconds() / 86400


def encode_body(body: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(body, separators=(",", ":")).encode("utf-8"), 6)


def decode_body(blob: bytes) -> dict[str, Any]:
    data = json.loads(zlib.decompress(blob))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def parse_time(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Writer:
    """Changes to a database file being built (never the live one: see update.py)."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path)
        self.connection.executescript(_SCHEMA)
        # The file is private until renamed into place: no journal needed.
        self.connection.execute("PRAGMA journal_mode=OFF")
        self.connection.execute("PRAGMA synchronous=OFF")
        self.connection.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
        )

    def members(self, export: str) -> dict[str, str]:
        rows = self.connection.execute(
            "SELECT id, modified FROM members WHERE export = ?", (export,)
        )
        return dict(rows.fetchall())

    def put(self, export: str, records: Iterable[Record]) -> int:
        count = 0
        cursor = self.connection.cursor()
        for record in records:
            cursor.execute("DELETE FROM affects WHERE id = ?", (record.id,))
            cursor.execute(
                "INSERT OR REPLACE INTO advisories VALUES (?, ?, ?, ?)",
                (record.id, record.modified, record.withdrawn, encode_body(record.body)),
            )
            cursor.executemany(
                "INSERT OR IGNORE INTO affects VALUES (?, ?, ?)",
                [(eco, name, record.id) for eco, name in record.packages()],
            )
            cursor.execute(
                "INSERT OR REPLACE INTO members VALUES (?, ?, ?)",
                (export, record.id, record.modified),
            )
            count += 1
        return count

    def remove(self, export: str, ids: Iterable[str]) -> None:
        """Take ids out of an export; drop advisories no export lists any more."""
        cursor = self.connection.cursor()
        for record_id in ids:
            cursor.execute("DELETE FROM members WHERE export = ? AND id = ?", (export, record_id))
            orphan = cursor.execute(
                "SELECT 1 FROM members WHERE id = ? LIMIT 1", (record_id,)
            ).fetchone()
            if orphan is None:
                cursor.execute("DELETE FROM advisories WHERE id = ?", (record_id,))
                cursor.execute("DELETE FROM affects WHERE id = ?", (record_id,))

    def finish_export(
        self, export: str, bad: int, when: datetime, source: str, mode: str
    ) -> None:
        (records,) = self.connection.execute(
            "SELECT count(*) FROM members WHERE export = ?", (export,)
        ).fetchone()
        self.connection.execute(
            "INSERT OR REPLACE INTO exports VALUES (?, ?, ?, ?, ?, ?)",
            (export, records, bad, when.isoformat(), source, mode),
        )

    def finish(self, when: datetime, source: str) -> None:
        self.connection.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [("updated_at", when.isoformat()), ("source", source)],
        )
        self.connection.commit()
        self.connection.execute("VACUUM")
        self.connection.close()

    def abort(self) -> None:
        self.connection.close()


class Database:
    """Read access to a finished database file. Every read that meets damage
    raises DatabaseError naming the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise DatabaseError(
                f"no vulnerability database at {path}", "run `shieldwall db update`"
            )
        check_file(path)
        try:
            self.connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            check_schema(self.connection, path)
        except sqlite3.DatabaseError as exc:
            raise _corrupt(path, str(exc)) from None

    def close(self) -> None:
        self.connection.close()

    def _guarded(self, read: Callable[[], Any]) -> Any:
        try:
            return read()
        except sqlite3.DatabaseError as exc:
            raise _corrupt(self.path, str(exc)) from None

    def status(self) -> DatabaseStatus:
        status: DatabaseStatus = self._guarded(self._status)
        return status

    def _status(self) -> DatabaseStatus:
        meta = dict(self.connection.execute("SELECT key, value FROM meta").fetchall())
        exports = tuple(
            ExportStatus(
                export, records, bad, parse_time(updated) or datetime.min.replace(tzinfo=UTC),
                source, mode,
            )
            for export, records, bad, updated, source, mode in self.connection.execute(
                "SELECT export, records, bad, updated_at, source, mode FROM exports "
                "ORDER BY export"
            )
        )
        (advisories,) = self.connection.execute("SELECT count(*) FROM advisories").fetchone()
        per_ecosystem = tuple(
            self.connection.execute(
                "SELECT ecosystem, count(DISTINCT id) FROM affects GROUP BY ecosystem "
                "ORDER BY ecosystem"
            ).fetchall()
        )
        return DatabaseStatus(
            self.path,
            parse_time(meta.get("updated_at", "")),
            meta.get("source", ""),
            advisories,
            exports,
            per_ecosystem,
        )

    def names(self, ecosystem: str) -> frozenset[str]:
        def read() -> frozenset[str]:
            rows = self.connection.execute(
                "SELECT DISTINCT name FROM affects WHERE ecosystem = ?", (ecosystem,)
            )
            return frozenset(name for (name,) in rows)

        names: frozenset[str] = self._guarded(read)
        return names

    def records(self, ecosystem: str, name: str) -> Iterator[tuple[str, bytes]]:
        """(id, compressed body) of every record naming this package."""

        def read() -> list[tuple[str, bytes]]:
            return self.connection.execute(
                "SELECT a.id, a.body FROM affects f JOIN advisories a ON a.id = f.id "
                "WHERE f.ecosystem = ? AND f.name = ?",
                (ecosystem, name),
            ).fetchall()

        rows: list[tuple[str, bytes]] = self._guarded(read)
        yield from rows

    def body(self, record_id: str, blob: bytes) -> dict[str, Any]:
        """A record's body as stored (DatabaseError when the blob is damaged)."""
        try:
            return decode_body(blob)
        except (zlib.error, ValueError, RecursionError) as exc:
            raise _corrupt(self.path, f"record {record_id} is damaged ({exc})") from None
