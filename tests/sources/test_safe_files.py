"""read_bounded and write_atomic: what a scanned repository plants at a path
(symlinks in or out, dangling or looping, FIFOs, devices, huge files) never
makes a read hang or leave the tree, nor a write land anywhere but a regular
file at that very path."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shieldwall.errors import FormatError, SourceError, UnsafeOutputError, UsageError
from shieldwall.sources.safe_files import read_bounded, write_atomic
from tests.fifos import fifo

# -- writing ------------------------------------------------------------------


def test_write_creates_the_directories_and_a_regular_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "deep" / "report.json"
    write_atomic(target, b"{}\n")
    assert target.read_bytes() == b"{}\n"
    assert stat.S_ISREG(target.lstat().st_mode)


def test_replacing_a_file_renames_a_new_one_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_bytes(b"old")
    os.link(target, tmp_path / "hard-link")  # a write through the old inode would show here
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert (tmp_path / "hard-link").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard-link", "report.txt"]


@pytest.mark.parametrize("kind", ["to-a-file", "dangling", "to-a-directory", "loop"])
def test_a_symlink_target_is_refused_and_what_it_points_to_is_unchanged(
    tmp_path: Path, kind: str
) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    link = tmp_path / "report.txt"
    pointed = {"to-a-file": victim, "dangling": tmp_path / "missing", "to-a-directory": tmp_path}
    os.symlink(pointed.get(kind, link), link)
    with pytest.raises(UnsafeOutputError, match="it is a symlink") as err:
        write_atomic(link, b"evil")
    assert isinstance(err.value, UsageError)  # exit 2, not "shieldwall failed"
    assert victim.read_bytes() == b"keep"
    assert link.is_symlink() and not (tmp_path / "missing").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt", "victim"]


def test_a_directory_or_fifo_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    with pytest.raises(UnsafeOutputError, match="not a regular file"):
        write_atomic(tmp_path / "dir", b"x")
    with fifo(tmp_path / "pipe") as pipe, pytest.raises(UnsafeOutputError, match="not a regular"):
        write_atomic(pipe, b"x")


def test_a_symlinked_directory_on_a_relative_path_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = tmp_path / "repo"
    (repo / "real").mkdir(parents=True)
    os.symlink(outside, repo / "reports")
    os.symlink("real", repo / "inner")  # even one that stays inside
    monkeypatch.chdir(repo)
    for path in (Path("reports/r.json"), Path("reports/new/r.json"), repo / "inner" / "r.json"):
        with pytest.raises(UnsafeOutputError, match="is a symlink"):
            write_atomic(path, b"x")
    assert list(outside.iterdir()) == [] and list((repo / "real").iterdir()) == []


def test_a_write_that_fails_is_a_format_error_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"keep")
    with pytest.raises(FormatError) as err:
        write_atomic(tmp_path / "file" / "report.txt", b"x")
    assert not isinstance(err.value, UsageError)  # an I/O failure, not a refused path
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


# -- reading ------------------------------------------------------------------


def test_read_returns_a_regular_file_up_to_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100) == b"x" * 100
    with pytest.raises(SourceError, match="100 bytes, over the 99-byte limit"):
        read_bounded(path, 99)


def test_read_refuses_a_fifo_without_waiting_for_a_writer(tmp_path: Path) -> None:
    with fifo(tmp_path / "pipe") as pipe, pytest.raises(SourceError, match="not a regular file"):
        read_bounded(pipe, 1024, what="pipe")


def test_read_refuses_a_device_even_inside_the_root(tmp_path: Path) -> None:
    os.symlink(os.devnull, tmp_path / "null")
    with pytest.raises(SourceError, match="not a regular file"):
        read_bounded(tmp_path / "null", 1024)
    with pytest.raises(SourceError, match="not a regular file"):
        read_bounded(Path("/dev/zero"), 1024, root=Path("/dev"))


def test_read_with_a_root_stays_inside_it(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "f").write_bytes(b"inside")
    secret = tmp_path / "secret"
    marker = "host-only-" + os.urandom(8).hex()
    secret.write_text(marker)
    os.symlink(secret, root / "out")
    os.symlink("sub/f", root / "in")
    with pytest.raises(SourceError, match=r"^out: points outside the scanned tree") as err:
        read_bounded(root / "out", 1024, root=root, what="out")
    assert marker not in err.value.message + err.value.hint
    assert read_bounded(root / "in", 1024, root=root) == b"inside"
    assert read_bounded(root / "out", 1024) == marker.encode()  # no root: the caller's own path


def test_read_of_a_dangling_link_or_a_loop_says_it_cannot_open(tmp_path: Path) -> None:
    os.symlink(tmp_path / "missing", tmp_path / "dangling")
    os.symlink(tmp_path / "loop", tmp_path / "loop")
    for name in ("dangling", "loop", "absent"):
        with pytest.raises(SourceError, match=f"^{name}: cannot open"):
            read_bounded(tmp_path / name, 1024, root=tmp_path, what=name)


# -- random trees of files, directories and symlinks ---------------------------

NAMES = ("a", "b", "r.txt")
RELS = [*NAMES, *(f"{d}/{n}" for d in NAMES for n in NAMES)]
OUTSIDE = ("file", "dir", "dir/r.txt", "missing")
OUTSIDE_MARK = b"outside-only"
TREES = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def trees(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """(relative path, kind, link target) entries, built in order; those whose
    parent is not a directory when their turn comes are left out."""
    entries = []
    for _ in range(draw(st.integers(0, 8))):
        rel = draw(st.sampled_from(RELS))
        kind = draw(st.sampled_from(["file", "dir", "link"]))
        target = ""
        if kind == "link":
            where = draw(st.sampled_from(["in", "abs-in", "out", "self", "dangling"]))
            name = draw(st.sampled_from(RELS if where.endswith("in") else OUTSIDE))
            target = f"{where}:{name}"
        entries.append((rel, kind, target))
    return entries


def _paths(entries: list[tuple[str, str, str]]) -> st.SearchStrategy[str]:
    """Mostly a path the tree planted something at, else any other."""
    planted = sorted({rel for rel, _, _ in entries})
    others = st.sampled_from([*RELS, "new/r.txt", "a/new/r.txt"])
    return st.one_of(st.sampled_from(planted), others) if planted else others


def _build(base: Path, entries: list[tuple[str, str, str]]) -> tuple[Path, Path]:
    inside, outside = base / "inside", base / "outside"
    inside.mkdir()
    (outside / "dir").mkdir(parents=True)
    (outside / "file").write_bytes(OUTSIDE_MARK)
    (outside / "dir" / "r.txt").write_bytes(OUTSIDE_MARK)
    for rel, kind, target in entries:
        path = inside / rel
        if os.path.lexists(path) or not path.parent.is_dir() or path.parent.is_symlink():
            continue
        if kind == "file":
            path.write_bytes(b"inside " + rel.encode())
        elif kind == "dir":
            path.mkdir()
        else:
            where, _, name = target.partition(":")
            dest = {
                "in": os.path.relpath(inside / name, path.parent),
                "abs-in": str(inside / name),
                "out": str(outside / name),
                "self": str(path),
                "dangling": str(base / "nowhere"),
            }[where]
            os.symlink(dest, path)
    return inside, outside


def _snapshot(top: Path) -> dict[str, tuple[str, bytes]]:
    seen: dict[str, tuple[str, bytes]] = {}
    for dirpath, dirnames, filenames in os.walk(top):  # never follows symlinks
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(top).as_posix()
            if path.is_symlink():
                seen[rel] = ("link", os.readlink(path).encode())
            elif path.is_dir():
                seen[rel] = ("dir", b"")
            else:
                seen[rel] = ("file", path.read_bytes())
    return seen


@TREES
@given(trees(), st.data(), st.booleans(), st.binary(max_size=64))
def test_a_write_lands_in_a_regular_file_at_that_path_or_is_refused(
    entries: list[tuple[str, str, str]], data: st.DataObject, absolute: bool, content: bytes
) -> None:
    rel = data.draw(_paths(entries), label="output path")
    with tempfile.TemporaryDirectory() as tmp:
        inside, outside = _build(Path(tmp).resolve(), entries)
        before_in, before_out = _snapshot(inside), _snapshot(outside)
        target = inside / rel if absolute else Path(rel)
        with contextlib.chdir(inside):
            try:
                write_atomic(target, content)
                written = True
            except FormatError:
                written = False
        after_in = _snapshot(inside)
        assert _snapshot(outside) == before_out
        assert not any(r.endswith(".tmp") for r in after_in)
        if written:
            assert stat.S_ISREG((inside / rel).lstat().st_mode)
            assert after_in.pop(rel) == ("file", content)
            before_in.pop(rel, None)
        for r, entry in after_in.items():  # besides the target: at most new directories
            assert before_in.get(r, ("dir", b"")) == entry, r


@TREES
@given(trees(), st.data())
def test_a_read_with_a_root_returns_only_a_regular_file_inside(
    entries: list[tuple[str, str, str]], data: st.DataObject
) -> None:
    rel = data.draw(_paths(entries), label="path read")
    with tempfile.TemporaryDirectory() as tmp:
        inside, _ = _build(Path(tmp).resolve(), entries)
        try:
            content = read_bounded(inside / rel, 1024, root=inside, what=rel)
        except SourceError as exc:
            assert exc.message.startswith(f"{rel}: ")
            return
        real = (inside / rel).resolve()
        assert real.is_relative_to(inside) and stat.S_ISREG(real.lstat().st_mode)
        assert content == real.read_bytes() and OUTSIDE_MARK not in content
