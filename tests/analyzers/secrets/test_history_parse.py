"""The `git log -p` parser on its own: quoted names, chunks and their overlap."""

from __future__ import annotations

import io

from shieldwall.analyzers.secrets import history
from shieldwall.analyzers.secrets.engine import default_detector
from tests.analyzers.secrets.samples import github_token, pem_block

HEADER = (
    b"\x01" + b"c" * 40 + b"\x00Dev\x00dev@example.test\x002024-01-01T00:00:00+00:00\n"
    b"diff --git a/f.txt b/f.txt\nnew file mode 100644\n--- /dev/null\n+++ b/f.txt\n"
)


def _hits(lines: list[str], secret: str, **sizes: int) -> list[tuple[int, int]]:
    """(start line, number of chunks) of each match of `secret` in the chunks."""
    body = "".join(f"+{line}\n" for line in lines).encode()
    stream = io.BytesIO(HEADER + f"@@ -0,0 +1,{len(lines)} @@\n".encode() + body)
    chunks = list(history.parse(stream, lambda _: False, **sizes))
    return [
        (added.line_of(m.line), len(chunks))
        for added in chunks
        for m in default_detector().scan(added.blob(), added.path)
        if m.secret.replace("\n", "") == secret.replace("\n", "")
    ]


def test_multi_line_secret_across_chunk_boundaries_is_found_on_its_line() -> None:
    key = pem_block()
    assert len(key) < 900
    for at in range(0, 300, 7):
        lines = [f"line {i} " + "." * (i % 13) for i in range(300)]
        lines[at:at] = key.split("\n")
        hits = _hits(lines, key, chunk=2000, overlap=900)
        assert hits and {line for line, _ in hits} == {at + 1}
        assert hits[0][1] > 2  # the lines came in several chunks


def test_secret_across_a_chunk_boundary_inside_one_long_line_is_found() -> None:
    token = github_token(seed=52)
    read = history._READ_BYTES  # git's output is read in pieces; the first holds the `+`
    pieces = -(-(history.CHUNK_BYTES - (read - 1)) // read)
    first_cut = read - 1 + pieces * read  # where the first chunk ends in the line
    for before in (10, 20, len(token) - 5):
        head = "x" * (first_cut - before - 5) + ' T="'
        hits = _hits([head + token + '" ' + "y" * 70_000], token)
        assert hits and {line for line, _ in hits} == {1}


def test_header_names_unquote_as_git_writes_them() -> None:
    assert history.header_path(
        b'diff --git "a/q\\"\\\\\\t\\303\\251" "b/q\\"\\\\\\t\\303\\251"'
    ) == ('q"\\\t\u00e9'.encode())
    assert history.header_path(b"diff --git a/x b/y b/x b/y") == b"x b/y"
    assert history.header_path(b"diff --git a/x b/y") is None
    assert history.header_path(b'diff --git "a/x" "b/y"') is None
    assert history.unquote(b'"open') is None and history.unquote(b'"\\9"') is None
