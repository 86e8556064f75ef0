"""Binaries that GTFOBins (Unix) and LOLBAS (Windows) list as running, reading or
writing for an intruder: a separator before one that is no word is enough (with
`.exe` and its folder too, for Windows); one that is a word too needs an option or
a path after it, as the command words before them; any Windows program given an
option after a separator is one. Command lines are built here from a binary, an
option and a path; near misses stay quiet."""

from __future__ import annotations

import itertools
from urllib.parse import quote

import pytest

from tests.runtime.payloads import payload_kinds

NOT_WORDS = ["exiftool", "ssh-keygen", "systemd-run", "pdflatex", "dmidecode", "capsh", "rustc"]
WORDS_TOO = ["julia", "date", "column", "install", "cargo", "ffmpeg", "puppet", "pandoc"]
SEPARATORS = [";", "|", "&&", "\n"]


WINDOWS = ["rundll32", "msbuild", "installutil", "regasm", "mavinject", "diskshadow"]
FOLDERS = ["", "c:\\windows\\system32\\", '"C:\\Windows\\Microsoft.NET\\Framework\\v4.0\\']


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
    ("folder", "binary", "suffix"), list(itertools.product(FOLDERS, WINDOWS, ["", ".exe"]))
)
def test_a_windows_binary_after_a_separator_is_cmdi(folder: str, binary: str, suffix: str) -> None:
    end = '"' if folder.startswith('"') else ""
    assert _cmdi(f"x & {folder}{binary}{suffix}{end} c:\\x.dll")


@pytest.mark.parametrize("program", ["update.exe --processStart x", "setup.exe /s", "a-b.exe -q"])
def test_any_windows_program_given_an_option_after_a_separator_is_cmdi(program: str) -> None:
    assert _cmdi("x & " + program)


@pytest.mark.parametrize(
    "value",
    [
        "setup.exe",
        "run setup.exe then reboot",
        "a; setup.exe",
        "msbuild tutorial",
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
