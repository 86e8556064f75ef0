"""PowerShell as a whole value or after a separator: a cmdlet with PowerShell's
arguments, cmdlets whose nouns no language writes alone, .NET classes a script
reaches for, the switches of a hidden run; SQLite's shell commands. Each has a
near miss in ordinary words that stays quiet. Attack values are joined at run time."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from tests.runtime.payloads import payload_kinds


def _cmdlet(verb: str, noun: str, rest: str = "") -> str:
    return "-".join((verb, noun)) + rest


def _query(value: str) -> set[str]:
    return payload_kinds(query="v=" + quote(value))


@pytest.mark.parametrize(
    "value",
    [
        _cmdlet("Start", "Process", " calc.exe"),
        _cmdlet("Get", "WmiObject", " Win32_Process"),
        _cmdlet("Invoke", "Mimikatz"),
        _cmdlet("Get", "ComputerInfo"),
        _cmdlet("Register", "ScheduledTask", " -TaskName x"),
        _cmdlet("Get", "Content", " env:PATH"),
        _cmdlet("Set", "Location", " C:\\"),
        _cmdlet("Import", "Module", " .\\tools.ps1"),
        _cmdlet("Get", "Process", " | Out-String"),
        "x; " + _cmdlet("Get", "HotFix"),
        "[" + "Convert]::" + "FromBase64String('aWQ=')",
        "-Execution" + "Policy Bypass -File x.ps1",
        "-Window" + "Style Hidden -NoProfile",
        "$" + "env:ComputerName",
        ";" + "gwmi win32_process",  # aliases that are no word, after a separator
        ";" + "ii .\\calc.exe",
        "| " + "gal -Name x",
        "; " + "ipcsv .\\a.csv",
        "& " + "rni C:\\a.txt b",
    ],
)
def test_powershell_cmdlets_aliases_and_switches_are_cmdi(value: str) -> None:
    assert "cmdi" in _query(value)


@pytest.mark.parametrize(
    "value",
    [
        _cmdlet("Get", "WmiObject", " Win32_Process"),
        _cmdlet("Start", "Process", " calc.exe"),
    ],
)
def test_powershell_in_a_json_body_or_a_header_is_cmdi(value: str) -> None:
    body = json.dumps({"cmd": value})
    assert "cmdi" in payload_kinds(
        method="POST", body=body, headers=(("content-type", "application/json"),)
    )
    assert "cmdi" in payload_kinds(headers=(("x-task", value),))


@pytest.mark.parametrize(
    "value",
    [
        "new-job offers",  # a noun English writes, with words after it
        "get-help",
        "page=get-help-with-billing",
        "set-top box",
        "start-up costs",
        "add-on for Firefox",
        "read-only copy",
        "how to use get-process in scripts",  # inside prose, not at a command's start
        "env: production",
        "-e abcdefghijklmnopqrstuvwxyz",
    ],
)
def test_hyphenated_words_near_cmdlets_stay_quiet(value: str) -> None:
    assert _query(value) == set()


def test_a_cmdlet_named_by_the_request_path_stays_quiet() -> None:
    path = "/docs/powershell/" + _cmdlet("get", "childitem")
    assert payload_kinds(path=path) == set()


def test_sqlite_shell_commands_after_a_separator_are_cmdi() -> None:
    assert "cmdi" in _query("1;." + "shell id")
    assert "cmdi" in _query("x\n." + "system ls")


def test_a_dot_word_after_a_semicolon_stays_quiet() -> None:
    assert _query("tips; .system32 folder") == set()
    assert _query("my.shell script, the .system font") == set()


@pytest.mark.parametrize(
    "value",
    ["rent; ac $50 a month", "index; sp 500 up", "notes; cli tools and gal pals", "a; ii b"],
)
def test_abbreviations_after_a_semicolon_stay_quiet(value: str) -> None:
    assert _query(value) == set()
