"""`db update`: from an HTTP mirror, a directory, a zip; incremental; atomic; verified."""

from __future__ import annotations

import http.server
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

from shieldwall.analyzers.deps.osv.store import Database
from shieldwall.analyzers.deps.osv.update import UpdateError, update_database
from tests.analyzers.deps.osv.helpers import MIRROR, NO_CORPUS, record, serve, write_mirror

MIRROR_COUNTS = {"Go": 4291, "PyPI": 2661, "crates.io": 1206}


def counts(path: Path) -> dict[str, int]:
    database = Database(path)
    try:
        return {e.export: e.records for e in database.status().exports}
    finally:
        database.close()


def ids(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {i for (i,) in connection.execute("SELECT id FROM advisories")}


def corpus() -> Path:
    if not MIRROR.is_dir():
        pytest.skip(NO_CORPUS)
    return MIRROR


def test_import_from_http_mirror(tmp_path: Path) -> None:
    db = tmp_path / "osv.sqlite3"
    with serve(corpus()) as url:
        report = update_database(db, url)
        assert {e.export: e.mode for e in report.exports} == dict.fromkeys(MIRROR_COUNTS, "full")
        assert counts(db) == MIRROR_COUNTS
        assert report.bad == 0
        again = update_database(db, url)
    assert {e.mode for e in again.exports} == {"unchanged"}
    status = Database(db).status()
    assert status.source == url
    assert dict(status.ecosystems)["PyPI"] == 2661


def test_import_from_directory_and_zips(tmp_path: Path) -> None:
    mirror = corpus()
    db = tmp_path / "dir.sqlite3"
    update_database(db, str(mirror), ecosystems=["PyPI"])
    assert counts(db) == {"PyPI": 2661}
    lone = tmp_path / "lone.sqlite3"
    report = update_database(lone, str(mirror / "crates.io" / "all.zip"))
    assert [(e.export, e.records) for e in report.exports] == [("crates.io", 1206)]
    zipped = tmp_path / "mirror.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for path in sorted(mirror.rglob("*")):
            if path.is_file() and "Go" not in path.parts:
                archive.write(path, Path("osv") / path.relative_to(mirror))
    whole = tmp_path / "whole.sqlite3"
    report = update_database(whole, str(zipped), ecosystems=["PyPI", "crates.io"])
    assert counts(whole) == {"PyPI": 2661, "crates.io": 1206}


def test_unknown_ecosystem_and_source(tmp_path: Path) -> None:
    mirror = write_mirror(tmp_path / "m", {"PyPI": [record("PYSEC-1", "a", [])]})
    with pytest.raises(UpdateError, match="no export for npm"):
        update_database(tmp_path / "db", str(mirror), ecosystems=["npm"])
    with pytest.raises(UpdateError, match="neither a URL"):
        update_database(tmp_path / "db", str(tmp_path / "nowhere"))
    with pytest.raises(UpdateError, match="scheme"):
        update_database(tmp_path / "db", "ftp://127.0.0.1/x")


def test_incremental_fetches_only_changed_records(tmp_path: Path) -> None:
    old = [record(f"PYSEC-{n}", f"pkg{n}", [{"introduced": "0"}]) for n in range(5)]
    mirror = write_mirror(tmp_path / "m", {"PyPI": old}, per_record=True)
    db = tmp_path / "osv.sqlite3"
    requested: list[str] = []

    class Logging(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(mirror), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            requested.append(self.path)

    with serve(mirror, Logging) as url:
        update_database(db, url)
        assert "/PyPI/all.zip" in requested
        changed = record("PYSEC-1", "pkg1", [{"introduced": "0"}], modified="2025-01-01T00:00:00Z")
        new = record("PYSEC-9", "pkg9", [{"introduced": "0"}], modified="2025-01-02T00:00:00Z")
        current = [changed, new] + [r for r in old if r["id"] not in ("PYSEC-1", "PYSEC-4")]
        write_mirror(mirror, {"PyPI": current}, per_record=True)
        requested.clear()
        report = update_database(db, url)
    assert "/PyPI/all.zip" not in requested
    assert sorted(p for p in requested if p.endswith(".json")) == [
        "/PyPI/PYSEC-1.json",
        "/PyPI/PYSEC-9.json",
    ]
    (export,) = report.exports
    assert (export.mode, export.imported, export.removed) == ("incremental", 2, 1)
    assert ids(db) == {"PYSEC-0", "PYSEC-1", "PYSEC-2", "PYSEC-3", "PYSEC-9"}


def test_incremental_without_per_record_files_reads_the_zip(tmp_path: Path) -> None:
    first = [record("PYSEC-1", "a", []), record("PYSEC-2", "b", [])]
    mirror = write_mirror(tmp_path / "m", {"PyPI": first})
    db = tmp_path / "osv.sqlite3"
    update_database(db, str(mirror))
    second = [record("PYSEC-1", "a", [], modified="2025-05-05T00:00:00Z"), first[1]]
    write_mirror(mirror, {"PyPI": second})
    (export,) = update_database(db, str(mirror)).exports
    assert (export.mode, export.imported) == ("incremental", 1)


def test_bad_records_are_counted_not_imported(tmp_path: Path) -> None:
    good = record("PYSEC-1", "a", [{"introduced": "0"}])
    mirror = write_mirror(tmp_path / "m", {"PyPI": [good]})
    with zipfile.ZipFile(mirror / "PyPI" / "all.zip", "a") as archive:
        archive.writestr("PYSEC-2.json", "{not json")
        archive.writestr("PYSEC-3.json", json.dumps(record("PYSEC-OTHER", "b", [])))
        archive.writestr("PYSEC-4.json", json.dumps({"id": "PYSEC-4"}))  # no modified
        archive.writestr("PYSEC-5.json", json.dumps({**good, "id": "PYSEC-5", "affected": {}}))
    db = tmp_path / "osv.sqlite3"
    (export,) = update_database(db, str(mirror)).exports
    assert export.bad == 4 and export.records == 1
    assert any("does not match its file name" in p for p in export.problems)
    assert any("not JSON" in p for p in export.problems)
    assert ids(db) == {"PYSEC-1"}


def _good_database(tmp_path: Path) -> tuple[Path, Path, bytes]:
    mirror = write_mirror(tmp_path / "m", {"PyPI": [record("PYSEC-1", "a", [])]})
    db = tmp_path / "osv.sqlite3"
    update_database(db, str(mirror))
    write_mirror(mirror, {"PyPI": [record("PYSEC-2", "b", [], modified="2030-01-01T00:00:00Z")]})
    return mirror, db, db.read_bytes()


def test_corrupt_zip_leaves_the_old_database(tmp_path: Path) -> None:
    mirror, db, before = _good_database(tmp_path)
    data = (mirror / "PyPI" / "all.zip").read_bytes()
    (mirror / "PyPI" / "all.zip").write_bytes(data[: len(data) // 2])
    with pytest.raises(UpdateError, match="not a readable zip"):
        update_database(db, str(mirror))
    assert db.read_bytes() == before
    assert ids(db) == {"PYSEC-1"}
    assert not list(tmp_path.glob(".osv.sqlite3.*"))  # no temporary file left behind


def test_server_dying_mid_download_leaves_the_old_database(tmp_path: Path) -> None:
    mirror, db, before = _good_database(tmp_path)
    payload = (mirror / "PyPI" / "all.zip").read_bytes() * 50

    class Dying(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(mirror), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if not self.path.endswith("all.zip"):
                super().do_GET()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 3])
            self.wfile.flush()
            self.close_connection = True  # the server goes away mid-download

    with serve(mirror, Dying) as url, pytest.raises(UpdateError, match="download"):
        update_database(db, url)
    assert db.read_bytes() == before
    assert ids(db) == {"PYSEC-1"}


def test_every_record_bad_fails_the_update(tmp_path: Path) -> None:
    mirror, db, before = _good_database(tmp_path)
    with zipfile.ZipFile(mirror / "PyPI" / "all.zip", "w") as archive:
        archive.writestr("PYSEC-2.json", "[]")
    with pytest.raises(UpdateError, match="passed verification"):
        update_database(db, str(mirror))
    assert db.read_bytes() == before


def test_unreadable_old_database_is_rebuilt(tmp_path: Path) -> None:
    mirror = write_mirror(tmp_path / "m", {"PyPI": [record("PYSEC-1", "a", [])]})
    db = tmp_path / "osv.sqlite3"
    db.write_bytes(b"this is not sqlite" * 100)
    update_database(db, str(mirror))
    assert ids(db) == {"PYSEC-1"}


def test_readonly_mirror_directory_is_fine(tmp_path: Path) -> None:
    mirror = corpus()
    copy = tmp_path / "copy"
    shutil.copytree(mirror / "crates.io", copy / "crates.io")
    (copy / "ecosystems.txt").write_text("crates.io\nDebian:12\n")
    report = update_database(tmp_path / "db", str(copy))
    assert [e.export for e in report.exports] == ["crates.io"]
