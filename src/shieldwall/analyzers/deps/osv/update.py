"""``shieldwall db update``: bring the local database up to date from a mirror.

Atomic: the new database is built in a temporary file beside the old one
(a copy of it, for an incremental update) and renamed over it only when every
export imported; any failure deletes the temporary file and leaves the old
database as it was. Every temporary file (the new database, downloads,
extracted exports) lives in one work directory beside the database,
``.<name>.update/``; one update at a time holds a lock on the database's
directory, and removes whatever a killed update left there before it starts.
An old database that is not usable (see store.py) is not copied: the update
rebuilds it from scratch.

Incremental: an export's ``modified_id.csv`` is compared with what the
database holds. Records whose modified time changed (or that are new) are
fetched one by one (``<ECO>/<ID>.json``) when there are at most
``PER_RECORD_LIMIT`` of them and the mirror serves single records; otherwise
the export's ``all.zip`` is read. Records no longer listed are removed.

Verified: a record must parse as JSON, carry the required fields with the
right types, and have the id its file is named after. Bad records (also: over
``RECORD_MAX_BYTES``, declared or decompressed, or nested too deeply) are
counted and reported by name, not imported. A zip that cannot be read fails
the update.

Guarded: an export that would lose more than half of the records the database
holds for it (a truncated or hostile mirror) fails the update unless
``allow_shrink`` is given (``--allow-shrink``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Protocol

from shieldwall.analyzers.deps.osv.mirror import (
    Mirror,
    MirrorError,
    Network,
    NotInMirrorError,
    TooLargeError,
    ZipMirror,
    open_mirror,
    read_member,
)
from shieldwall.analyzers.deps.osv.records import (
    RECORD_MAX_BYTES,
    BadRecordError,
    Record,
    parse_record,
)
from shieldwall.analyzers.deps.osv.store import (
    DatabaseError,
    Writer,
    check_file,
    check_schema,
)
from shieldwall.errors import AnalyzerError, UsageError

try:
    import fcntl
except ImportError:  # not on POSIX: no lock, no clean-up of leftovers
    fcntl = None  # type: ignore[assignment]

PER_RECORD_LIMIT = 200
# The ecosystems the lock-file parsers produce; others on request (--ecosystem).
DEFAULT_ECOSYSTEMS = ("PyPI", "npm", "Go", "crates.io", "Maven", "RubyGems", "Packagist", "NuGet")


class UpdateError(AnalyzerError):
    """The update failed; the previous database is untouched."""


class ShrinkRefusedError(UpdateError, UsageError):
    """The mirror would take away most of an export's records (--allow-shrink)."""


class UpdateProgress(Protocol):
    def begin(self, label: str, total: int | None) -> None: ...

    def advance(self, done: int, total: int | None) -> None: ...

    def end(self) -> None: ...


class NoProgress:
    def begin(self, label: str, total: int | None) -> None:
        pass

    def advance(self, done: int, total: int | None) -> None:
        pass

    def end(self) -> None:
        pass


@dataclass
class ExportReport:
    export: str
    mode: str  # full | incremental | unchanged
    imported: int = 0
    removed: int = 0
    bad: int = 0
    problems: list[str] = field(default_factory=list)
    records: int = 0


@dataclass
class UpdateReport:
    path: Path
    source: str
    exports: list[ExportReport]
    # Why the previous database was not kept ("" when it was, or there was none).
    rebuilt: str = ""

    @property
    def bad(self) -> int:
        return sum(e.bad for e in self.exports)


def update_database(
    path: Path,
    source: str | None = None,
    ecosystems: Sequence[str] | None = None,
    progress: UpdateProgress | None = None,
    now: datetime | None = None,
    allow_shrink: bool = False,
    network: Network | None = None,
) -> UpdateReport:
    progress = progress or NoProgress()
    now = now or datetime.now(UTC)
    with _exclusive(path) as workdir:
        try:
            mirror = open_mirror(source, workdir, network)
        except MirrorError as exc:
            raise UpdateError(exc.message, exc.hint) from None
        try:
            return _update(path, workdir, mirror, ecosystems, progress, now, allow_shrink)
        except MirrorError as exc:
            raise UpdateError(
                exc.message, exc.hint or "the previous database, if any, is unchanged"
            ) from None
        finally:
            mirror.close()


def work_directory(path: Path) -> Path:
    """Where an update of the database at ``path`` keeps its temporary files."""
    return path.with_name(f".{path.name}.update")


def _leftovers(path: Path) -> list[Path]:
    # The work directory, and the temporary databases of earlier versions.
    found = list(path.parent.glob(f".{path.name}.*.tmp"))
    work = work_directory(path)
    return [work, *found] if work.exists() or work.is_symlink() else found


def _remove(paths: list[Path]) -> None:
    for leftover in paths:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


@contextmanager
def _locked(path: Path, wait: bool) -> Iterator[bool]:
    """Hold the update lock of ``path``'s directory; yields False when another
    process holds it (and ``wait`` is False)."""
    if fcntl is None:
        yield True
        return
    fd = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock


def remove_leftovers(path: Path) -> list[Path]:
    """Remove what an update that was killed left beside the database at ``path``,
    unless an update is running now. Returns what was removed."""
    if not path.parent.is_dir():
        return []
    with _locked(path, wait=False) as mine:
        if not mine:
            return []
        found = _leftovers(path)
        _remove(found)
        return found


@contextmanager
def _exclusive(path: Path) -> Iterator[Path]:
    """The update lock, and a fresh work directory removed afterwards."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UpdateError(
            f"cannot create the directory of the vulnerability database {path}: {exc}",
            "check permissions, or set SHIELDWALL_DB to a writable place",
        ) from None
    with _locked(path, wait=False) as mine:
        if not mine:
            raise UpdateError(
                f"another `shieldwall db update` is writing {path}",
                "wait for it to finish; the database is replaced only when it is done",
            )
        _remove(_leftovers(path))
        workdir = work_directory(path)
        workdir.mkdir(mode=0o700)
        try:
            yield workdir
        finally:
            _remove(_leftovers(path))


def _update(
    path: Path,
    workdir: Path,
    mirror: Mirror,
    wanted: Sequence[str] | None,
    progress: UpdateProgress,
    now: datetime,
    allow_shrink: bool,
) -> UpdateReport:
    available = mirror.ecosystems()
    exports = _choose(available, wanted, mirror)
    temp = workdir / "new.sqlite3"
    rebuilt = ""
    try:
        if path.is_file():
            rebuilt = _copy_database(path, temp)
        writer = Writer(temp)
        try:
            reports = [
                _update_export(writer, mirror, eco, progress, now, allow_shrink) for eco in exports
            ]
            writer.finish(now, mirror.label)
        except BaseException:
            writer.abort()
            raise
        temp.replace(path)
    except sqlite3.Error as exc:
        raise UpdateError(
            f"cannot write the vulnerability database beside {path}: {exc}",
            "check free space and permissions; the previous database is unchanged",
        ) from None
    finally:
        temp.unlink(missing_ok=True)
    return UpdateReport(path, mirror.label, reports, rebuilt)


def _choose(available: list[str], wanted: Sequence[str] | None, mirror: Mirror) -> list[str]:
    if isinstance(mirror, ZipMirror) and mirror.single:
        return available
    if wanted:
        missing = [w for w in wanted if w not in available]
        if missing:
            raise UpdateError(
                f"{mirror.label} has no export for {', '.join(missing)}",
                f"it has: {', '.join(available) or 'none'}",
            )
        return list(dict.fromkeys(wanted))
    chosen = [e for e in available if e in DEFAULT_ECOSYSTEMS]
    if not chosen:
        raise UpdateError(
            f"{mirror.label} lists none of the ecosystems shieldwall reads lock files of",
            "name one with --ecosystem, or check the mirror's ecosystems.txt",
        )
    return chosen


def _copy_database(source: Path, target: Path) -> str:
    """Copy the current database to build on; when it is not usable, start afresh
    (a full import) and say why."""
    try:
        check_file(source)
        with sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True) as old:
            check_schema(old, source)
            if old.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise DatabaseError(f"{source} is damaged")
            new = sqlite3.connect(target)
            try:
                old.backup(new)
            finally:
                new.close()
        old.close()
    except (sqlite3.DatabaseError, DatabaseError) as exc:
        target.unlink(missing_ok=True)
        reason = exc.message if isinstance(exc, DatabaseError) else str(exc)
        return f"the previous database was not usable ({reason}): rebuilt from scratch"
    return ""


def _update_export(
    writer: Writer,
    mirror: Mirror,
    export: str,
    progress: UpdateProgress,
    now: datetime,
    allow_shrink: bool,
) -> ExportReport:
    held = writer.members(export)
    listed = mirror.modified_ids(export)
    if listed is not None and not allow_shrink:
        _refuse_shrink(export, mirror, len(held), len(listed))
    if held and listed is not None:
        changed = [i for i, modified in listed.items() if held.get(i) != modified]
        gone = [i for i in held if i not in listed]
        if not changed and not gone:
            report = ExportReport(export, "unchanged")
        elif len(changed) <= PER_RECORD_LIMIT:
            report = _per_record(writer, mirror, export, changed, gone, progress)
        else:
            report = _full(writer, mirror, export, progress, only=set(changed), keep=held)
    else:
        report = _full(writer, mirror, export, progress, only=None, keep=held)
    report.records = len(writer.members(export))
    if not allow_shrink:
        _refuse_shrink(export, mirror, len(held), report.records)
    writer.finish_export(export, report.bad, now, mirror.label, report.mode)
    return report


def _refuse_shrink(export: str, mirror: Mirror, held: int, new: int) -> None:
    """Fewer than half the records the database holds: a truncated or hostile
    mirror more likely than OSV withdrawing them."""
    if held and new * 2 < held:
        raise ShrinkRefusedError(
            f"{export}: {mirror.label} has {new} record(s) where the database holds {held}; "
            "refusing to remove more than half of them",
            "check the mirror (truncated? another one?); `shieldwall db update "
            "--allow-shrink` accepts it; the previous database is unchanged",
        )


def _per_record(
    writer: Writer,
    mirror: Mirror,
    export: str,
    changed: list[str],
    gone: list[str],
    progress: UpdateProgress,
) -> ExportReport:
    report = ExportReport(export, "incremental")
    records: list[Record] = []
    progress.begin(f"{export}: {len(changed)} changed record(s)", len(changed))
    try:
        for done, record_id in enumerate(changed, 1):
            try:
                data = mirror.record(export, record_id)
            except NotInMirrorError:
                progress.end()
                # No per-record files here: read the export instead.
                return _full(writer, mirror, export, progress, only=set(changed), keep=None)
            except TooLargeError as exc:
                report.bad += 1
                report.problems.append(f"{export}/{record_id}.json: {exc.message}")
                continue
            try:
                records.append(parse_record(data, record_id))
            except BadRecordError as exc:
                report.bad += 1
                report.problems.append(f"{export}/{record_id}.json: {exc}")
            progress.advance(done, len(changed))
    finally:
        progress.end()
    report.imported = writer.put(export, records)
    writer.remove(export, gone)
    report.removed = len(gone)
    return report


def _full(
    writer: Writer,
    mirror: Mirror,
    export: str,
    progress: UpdateProgress,
    only: set[str] | None,
    keep: dict[str, str] | None,
) -> ExportReport:
    """Read the export's all.zip: import every record (or only those in ``only``)
    and drop the ids it no longer has."""
    label = export
    progress.begin(f"{label}: downloading all.zip", None)
    try:
        archive_path = mirror.export(export, progress.advance)
    finally:
        progress.end()
    report = ExportReport(export, "full" if only is None else "incremental")
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UpdateError(
            f"{export}/all.zip from {mirror.label} is not a readable zip: {exc}",
            "the download may be corrupt: run `shieldwall db update` again; "
            "the previous database is unchanged",
        ) from None
    with archive:
        entries = [i for i in archive.infolist() if i.filename.endswith(".json") and not i.is_dir()]
        present: set[str] = set()
        progress.begin(f"{label}: importing {len(entries)} record(s)", len(entries))
        try:
            report.imported = writer.put(
                export, _read_entries(archive, entries, only, present, report, progress)
            )
        finally:
            progress.end()
    if entries and not present:
        raise UpdateError(
            f"{export}/all.zip from {mirror.label}: none of its {len(entries)} record(s) "
            f"passed verification ({report.problems[0] if report.problems else ''})",
            "the mirror is broken; the previous database is unchanged",
        )
    stale = [i for i in (keep or {}) if i not in present]
    writer.remove(export, stale)
    report.removed = len(stale)
    return report


def _read_entries(
    archive: zipfile.ZipFile,
    entries: list[zipfile.ZipInfo],
    only: set[str] | None,
    present: set[str],
    report: ExportReport,
    progress: UpdateProgress,
) -> Iterator[Record]:
    for done, info in enumerate(entries, 1):
        expected = PurePosixPath(info.filename).stem
        present.add(expected)
        if only is not None and expected not in only:
            continue
        try:
            data = read_member(archive, info, RECORD_MAX_BYTES, info.filename)
        except TooLargeError as exc:
            report.bad += 1
            report.problems.append(f"{report.export}/all.zip: {exc.message}")
            present.discard(expected)
            continue
        except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
            raise UpdateError(
                f"{report.export}/all.zip: cannot read {info.filename}: {exc}",
                "the download may be corrupt: run `shieldwall db update` again; "
                "the previous database is unchanged",
            ) from None
        try:
            record = parse_record(data, expected)
        except BadRecordError as exc:
            report.bad += 1
            report.problems.append(f"{report.export}/{info.filename}: {exc}")
            present.discard(expected)
            continue
        if done % 250 == 0:
            progress.advance(done, len(entries))
        yield record
    progress.advance(len(entries), len(entries))
