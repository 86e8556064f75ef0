"""The one rule for showing repository strings in reports: valid UTF-8, no control
characters, and a path that gives back the exact bytes of the file name."""

from __future__ import annotations

import os
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from shieldwall.model import Finding, Location, Rule
from shieldwall.model.display import display_path, display_text, path_bytes, shorten
from shieldwall.model.taxonomy import Control, Severity


def name_of(raw: bytes) -> str:
    """The str Python gives for a file name on Linux (os.fsdecode: surrogateescape)."""
    return os.fsdecode(raw)


def test_bytes_that_are_not_utf8_show_as_hex_escapes() -> None:
    assert display_path(name_of(b"bad\xff.yaml")) == "bad\\xff.yaml"
    assert display_path(name_of(b"caf\xc3\xa9.yaml")) == "café.yaml"  # valid UTF-8 stays


def test_control_characters_and_bidi_overrides_are_escaped() -> None:
    assert display_path("a\nb\rc\td\x1b[2J\x7f") == "a\\x0ab\\x0dc\\x09d\\x1b[2J\\x7f"
    assert display_text("x\u202eevil\u2028\x85\ufeff\U000e0041") == (
        "x\\u202eevil\\u2028\\u0085\\ufeff\\U000e0041"
    )


def test_a_backslash_is_doubled_in_paths_only() -> None:
    assert display_path("back\\..\\x.yaml") == "back\\\\..\\\\x.yaml"
    assert display_text("C:\\Users") == "C:\\Users"


def test_display_text_is_idempotent_and_leaves_ordinary_text_alone() -> None:
    text = "container « café ☕ » runs as root — 日本語 \\x41"
    assert display_text(text) == text
    assert display_text(display_text("a\x1bb")) == display_text("a\x1bb")


def test_escapes_in_a_real_name_round_trip() -> None:
    for raw in (b"\\x41", b"\\\\", b"\\u202e", b"x\\", b"%2e%2e", b"-rf \n\xff\xfe"):
        assert path_bytes(display_path(name_of(raw))) == raw


@settings(max_examples=300)
@given(
    st.lists(
        st.binary(min_size=1, max_size=40).map(
            lambda b: b.replace(b"/", b"_").replace(b"\x00", b"_")
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_linux_path_round_trips_and_shows_as_one_clean_line(parts: list[bytes]) -> None:
    raw = b"/".join(parts)
    shown = display_path(name_of(raw))
    assert path_bytes(shown) == raw
    shown.encode("utf-8")  # no lone surrogate left
    assert not [c for c in shown if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")]


def test_a_finding_in_a_file_named_with_invalid_utf8_has_a_stable_fingerprint() -> None:
    rule = Rule("X-1", "code", Control.CODE, Severity.LOW, "title", "why", "fix")
    a = Finding(rule, "m", Location.at(name_of(b"bad\xff.py"), 1), "r")
    b = Finding(rule, "m", Location.at(name_of(b"bad\xfe.py"), 1), "r")
    assert (
        a.fingerprint == Finding(rule, "m", Location.at(name_of(b"bad\xff.py"), 9), "r").fingerprint
    )
    assert a.fingerprint != b.fingerprint


def test_shorten_cuts_at_a_word_boundary_with_an_ellipsis() -> None:
    text = "Werkzeug is a comprehensive WSGI web application library. Browsers may allow"
    assert shorten(text, 40) == "Werkzeug is a comprehensive WSGI web\u2026"
    assert shorten(text, len(text)) == text  # fits: unchanged
    assert shorten("one two, three", 12) == "one two\u2026"  # no dangling comma
    assert shorten("abc defgh", 9) == "abc defgh" and shorten("abc defghi", 9) == "abc\u2026"
    assert shorten("x" * 50, 10) == "x" * 9 + "\u2026"  # one word longer than the limit
    assert shorten("a\n  b", 10) == "a b"  # one line


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=12), max_size=30),
    st.integers(min_value=2, max_value=80),
)
def test_shorten_never_ends_inside_a_word(words: list[str], limit: int) -> None:
    text = " ".join(words)
    out = shorten(text, limit)
    assert len(out) <= limit
    if out != text:
        kept = out.removesuffix("\u2026").split()
        # Every word kept is whole, unless the first word alone is longer than the limit.
        assert kept == words[: len(kept)] or (len(kept) == 1 and len(words[0]) >= limit)
