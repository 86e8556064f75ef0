"""The vulnerability database fails closed: a corrupt database stops the scan
(exit 2) instead of passing it, and a hostile mirror (deep JSON, zip bombs, a
shrunken export) or a killed update cannot damage or fill the user's disk."""

from __future__ import annotations

import fcntl
import http.server
import json
import os
import resource
import sqlite3
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from shieldwall.analyzers.deps.osv import update as update_module
from shieldwall.analyzers.deps.osv.mirror import TooLargeError, read_capped
from shieldwall.analyzers.deps.osv.store import Database
from shieldwall.analyzers.deps.osv.update import (
    ShrinkRefusedError,
    UpdateError,
    update_database,
    work_directory,
)
from tests.analyzers.deps.osv.helpers import record, serve, write_mirror
from tests.reports import load_report

VULNERABLE = [{"introduced": "0"}, {"fixed": "2.0"}]


def sw(db: Path, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHIELDWALL_DB": str(db), **kw.pop("env", {})}
    return subprocess.run(
        [sys.executable, "-m", "shieldwall", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        **kw,
    )


def good_database(tmp_path: Path, count: int = 3) -> tuple[Path, Path]:
    mirror = write_mirror(
        tmp_path / "m",
        {"PyPI": [record(f"PYSEC-{i}", f"pkg{i}", VULNERABLE) for i in range(count)]},
    )
    db = tmp_path / "db" / "osv.sqlite3"
    update_database(db, str(mirror))
    return mirror, db


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "requirements.txt").write_text("pkg0==1.0\n")
    return root


def truncate(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])


def wrong_schema(db: Path) -> None:
    db.unlink()
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        connection.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        connection.execute("CREATE TABLE advisories (id TEXT PRIMARY KEY, json TEXT)")
    connection.close()


def damaged_pages(db: Path) -> None:
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = b"\xa5" * (len(data) - page)  # every page but the first
    db.write_bytes(bytes(data))


def not_sqlite(db: Path) -> None:
    db.write_bytes(b"<html>proxy error</html>\n" * 200)


@pytest.mark.parametrize(
    "damage",
    [not_sqlite, truncate, wrong_schema, damaged_pages],
    ids=lambda f: f.__name__,
)
def test_corrupt_database_is_a_configuration_error_not_a_pass(tmp_path: Path, damage: Any) -> None:
    _, db = good_database(tmp_path)
    root = project(tmp_path)
    args = ("scan", str(root), "--analyzers", "deps", "--format", "json", "--fail-on", "info")
    found = sw(db, *args)
    assert found.returncode == 1, found.stderr  # the intact database finds PYSEC-0
    assert "PYSEC-0" in found.stdout
    assert load_report(found.stdout)["gate"]["counts"]

    damage(db)
    scan = sw(db, *args)
    assert scan.returncode == 2, scan.stdout + scan.stderr
    assert str(db) in scan.stderr and "shieldwall db update" in scan.stderr
    assert "Traceback" not in scan.stderr
    status = sw(db, "db", "status")
    assert status.returncode == 2
    assert str(db) in status.stderr and "shieldwall db update" in status.stderr


def test_update_rebuilds_a_truncated_database(tmp_path: Path) -> None:
    mirror, db = good_database(tmp_path)
    truncate(db)
    done = sw(db, "db", "update", "--source", str(mirror), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "previous database was not usable" in done.stderr and "truncated" in done.stderr
    assert sw(db, "db", "status").returncode == 0


def nested(record_id: str, depth: int) -> str:
    body = json.dumps(record(record_id, "deep", VULNERABLE))
    return body[:-1] + ', "database_specific": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [100_000, 500])
def test_deeply_nested_record_is_skipped_with_a_warning_naming_it(
    tmp_path: Path, depth: int
) -> None:
    mirror = write_mirror(tmp_path / "m", {"PyPI": [record("PYSEC-1", "pkg0", VULNERABLE)]})
    with zipfile.ZipFile(mirror / "PyPI" / "all.zip", "a") as archive:
        archive.writestr("PYSEC-DEEP.json", nested("PYSEC-DEEP", depth))
    db = tmp_path / "osv.sqlite3"
    done = sw(db, "db", "update", "--source", str(mirror), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "PyPI: 1 record(s)" in done.stdout and "1 bad record(s) not imported" in done.stdout
    assert "bad record: PyPI/PYSEC-DEEP.json: JSON nested" in done.stderr


def test_deeply_nested_record_fetched_alone_is_skipped(tmp_path: Path) -> None:
    records = [record(f"PYSEC-{i}", f"pkg{i}", VULNERABLE) for i in range(3)]
    mirror = write_mirror(tmp_path / "m", {"PyPI": records}, per_record=True)
    db = tmp_path / "osv.sqlite3"
    update_database(db, str(mirror))
    changed = record("PYSEC-2", "pkg2", VULNERABLE, modified="2025-01-01T00:00:00Z")
    write_mirror(tmp_path / "m", {"PyPI": [*records[:2], changed]}, per_record=True)
    (mirror / "PyPI" / "PYSEC-2.json").write_text(nested("PYSEC-2", 100_000))
    report = update_database(db, str(mirror))
    (export,) = report.exports
    assert export.mode == "incremental" and export.bad == 1
    assert "PyPI/PYSEC-2.json" in export.problems[0]


def deflated_spaces(mib: int) -> bytes:
    """A raw deflate stream of ``mib`` MiB of spaces, built without compressing
    them all: after a full flush, every MiB compresses to the same bytes."""
    chunk = b" " * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    return first + again * (mib - 1) + c.flush()


def write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    """A zip of (name, raw deflate data, declared size, crc) members: sizes and
    checksums are whatever the caller says, as in a hostile archive."""
    local, central = b"", b""
    for name, data, declared, crc in members:
        encoded = name.encode()
        # version, flags, deflate, time, date, crc, sizes, name length, extra length
        common = (0, 8, 0, 0x21, crc, len(data), declared, len(encoded), 0)
        head = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, *common)
        rest = (0, 0, 0, 0, len(local))  # comment, disk, attributes, where its header is
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, *common, *rest)
        central += encoded
        local += head + encoded + data
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0
    )
    path.write_bytes(local + central + end)


def limited_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def bomb_mirror(tmp_path: Path, declared: int) -> Path:
    """A PyPI export with one good record and a 3 GiB member of spaces (3 MB zipped)."""
    mirror = write_mirror(tmp_path / "m", {"PyPI": [record("PYSEC-1", "pkg0", VULNERABLE)]})
    good = json.dumps(record("PYSEC-1", "pkg0", VULNERABLE)).encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    write_zip(
        mirror / "PyPI" / "all.zip",
        [
            ("PYSEC-1.json", packer.compress(good) + packer.flush(), len(good), zlib.crc32(good)),
            ("PYSEC-BOMB.json", deflated_spaces(3072), declared, 0),
        ],
    )
    return mirror


def test_zip_bomb_member_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    mirror = bomb_mirror(tmp_path, declared=3072 << 20)
    db = tmp_path / "osv.sqlite3"
    # One GiB of address space: reading the member whole would fail with MemoryError.
    done = sw(db, "db", "update", "--source", str(mirror), "--quiet", preexec_fn=limited_memory)
    assert done.returncode == 0, done.stderr
    assert "1 bad record(s) not imported" in done.stdout
    assert "PYSEC-BOMB.json declares 3221225472 bytes, over" in done.stderr


def test_zip_bomb_member_that_lies_about_its_size_stays_bounded(tmp_path: Path) -> None:
    mirror = bomb_mirror(tmp_path, declared=1000)
    db = tmp_path / "osv.sqlite3"
    done = sw(db, "db", "update", "--source", str(mirror), "--quiet", preexec_fn=limited_memory)
    # At most the declared bytes come out: its checksum then fails, the update with it.
    assert done.returncode == 3, done.stderr
    assert "cannot read PYSEC-BOMB.json" in done.stderr
    assert "MemoryError" not in done.stderr
    assert not db.exists()


def test_reading_stops_one_chunk_past_the_cap() -> None:
    class Endless:
        served = 0

        def read(self, n: int) -> bytes:
            self.served += n
            return b" " * n

    stream = Endless()
    with pytest.raises(TooLargeError, match="over 1000000 bytes"):
        read_capped(stream, 1_000_000, "endless")  # type: ignore[arg-type]
    assert stream.served <= 1_000_001


def test_oversized_record_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(update_module, "RECORD_MAX_BYTES", 4096)
    big = record("PYSEC-BIG", "pkg1", VULNERABLE, details="x" * 10_000)
    mirror = write_mirror(tmp_path / "m", {"PyPI": [record("PYSEC-1", "pkg0", VULNERABLE), big]})
    report = update_database(tmp_path / "osv.sqlite3", str(mirror))
    (export,) = report.exports
    assert export.records == 1 and export.bad == 1
    assert "PYSEC-BIG.json declares" in export.problems[0]


def test_mirror_that_drops_most_of_an_export_is_refused(tmp_path: Path) -> None:
    _, db = good_database(tmp_path, count=10)
    before = db.read_bytes()
    kept = [record(f"PYSEC-{i}", f"pkg{i}", VULNERABLE) for i in range(4)]
    small = write_mirror(tmp_path / "small", {"PyPI": kept})
    with pytest.raises(ShrinkRefusedError, match=r"has 4 record.* database holds 10"):
        update_database(db, str(small))
    assert db.read_bytes() == before
    refused = sw(db, "db", "update", "--source", str(small), "--quiet")
    assert refused.returncode == 2 and "--allow-shrink" in refused.stderr
    assert db.read_bytes() == before
    # Without modified_id.csv the refusal comes after the import, before the rename.
    (small / "PyPI" / "modified_id.csv").unlink()
    with pytest.raises(ShrinkRefusedError):
        update_database(db, str(small))
    assert db.read_bytes() == before
    accepted = sw(db, "db", "update", "--source", str(small), "--quiet", "--allow-shrink")
    assert accepted.returncode == 0, accepted.stderr
    assert "PyPI: 4 record(s)" in accepted.stdout


def test_half_of_an_export_is_still_accepted(tmp_path: Path) -> None:
    _, db = good_database(tmp_path, count=10)
    kept = [record(f"PYSEC-{i}", f"pkg{i}", VULNERABLE) for i in range(5)]
    report = update_database(db, str(write_mirror(tmp_path / "half", {"PyPI": kept})))
    assert report.exports[0].records == 5


class Trickle(http.server.BaseHTTPRequestHandler):
    """Serves the mirror's small files, and an all.zip that never finishes."""

    mirror: Path

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if not self.path.endswith("all.zip"):
            target = self.mirror / self.path.lstrip("/")
            data = target.read_bytes() if target.is_file() else b""
            self.send_response(200 if target.is_file() else 404)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(100 << 20))
        self.end_headers()
        try:
            for _ in range(600):
                self.wfile.write(b"PK" * 4096)
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass


def test_killed_update_leaves_nothing_behind(tmp_path: Path) -> None:
    mirror, db = good_database(tmp_path)
    before = db.read_bytes()
    # One more record on the mirror: the update downloads the export.
    write_mirror(mirror, {"PyPI": [record(f"PYSEC-{i}", f"pkg{i}", VULNERABLE) for i in range(4)]})
    handler = type("Handler", (Trickle,), {"mirror": mirror})
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    work = work_directory(db)
    with serve(mirror, handler) as url:
        proc = subprocess.Popen(
            [sys.executable, "-m", "shieldwall", "db", "update", "--source", url, "--quiet"],
            env={**os.environ, "SHIELDWALL_DB": str(db), "TMPDIR": str(tmpdir)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while not any(p.is_file() and p.stat().st_size for p in work.rglob("*")):
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
        finally:
            proc.kill()  # SIGKILL: no clean-up code runs
            proc.wait()
    assert work.is_dir()  # the partial download, where the next run will look
    assert list(tmpdir.iterdir()) == []  # nothing anywhere else
    assert db.read_bytes() == before

    legacy = db.with_name(".osv.sqlite3.4242.tmp")  # an earlier version's temporary copy
    legacy.write_bytes(b"half a copy")
    status = sw(db, "db", "status")
    assert status.returncode == 0 and f"removed {work}" in status.stderr
    assert f"removed {legacy}" in status.stderr
    assert sorted(p.name for p in db.parent.iterdir()) == ["osv.sqlite3"]

    work.mkdir()
    (work / "new.sqlite3").write_bytes(b"half an import")
    again = sw(db, "db", "update", "--source", str(mirror), "--quiet")
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in db.parent.iterdir()) == ["osv.sqlite3"]
    assert Database(db).status().advisories == 4


def test_second_update_at_the_same_time_is_refused(tmp_path: Path) -> None:
    mirror, db = good_database(tmp_path)
    fd = os.open(db.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(UpdateError, match="another `shieldwall db update`"):
            update_database(db, str(mirror))
        (work_directory(db)).mkdir()
        assert sw(db, "db", "status").returncode == 0
        assert work_directory(db).is_dir()  # in use by the running update: kept
    finally:
        os.close(fd)
