"""Binaries that GTFOBins lists as running, reading or writing for an intruder: a
separator before one that is no word is enough; one that is a word too needs an
option or a path after it, as the command words before them. Command lines are
built here from a binary, an option and a path; near misses stay quiet."""

from __future__ import annotations

import itertools
from urllib.parse import quote

import pytest

from tests.runtime.payloads import payload_kinds

NOT_WORDS = ["exiftool", "ssh-keygen", "systemd-run", "pdflatex", "dmidecode", "capsh", "rustc"]
WORDS_TOO = ["julia", "date", "column", "install", "cargo", "ffmpeg", "puppet", "pandoc"]
SEPARATORS = [";", "|", "&&", "\n"]


def _cmdi(value: str) -> bool:
    return "cmdi" in payload_kinds(query="q=" + quote(value, safe=""))


@pytest.mark.parametrize(("sep", "binary"), list(itertools.product(SEPARATORS, NOT_WORDS)))
def test_a_binary_that_is_no_word_after_a_separator_is_cmdi(sep: str, binary: str) -> None:
    assert _cmdi(f"x{sep}{binary}")
    assert _cmdi(f"x{sep} {binary} /path/to/input-file")


@pytest.mark.parametrize(
    ("sep", "binary", "argument"),
    list(itertools.product(SEPARATORS, WORDS_TOO, ["-e x", "--help", "/etc/hosts", "~/.x"])),
)
def test_a_binary_that_is_a_word_with_an_option_or_a_path_is_cmdi(
    sep: str, binary: str, argument: str
) -> None:
    assert _cmdi(f"x{sep}{binary} {argument}")


@pytest.mark.parametrize(
    "value",
    [
        "lunch; date night",
        "tea | install guide",
        "a; column b",
        "rock; cargo pants",
        "julia roberts",
        "ssh keygen tutorial",
        "pdflatex vs xelatex",
        "the ffmpeg manual",
        "team; puppet show at 5",
    ],
)
def test_near_misses_of_these_binaries_stay_quiet(value: str) -> None:
    assert not _cmdi(value)
