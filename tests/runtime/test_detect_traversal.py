"""Path traversal however it is spelled and wherever the request carries it, and
the ordinary values that look like it. Payloads are generated here from their
parts (separators, dot and slash encodings, targets), never taken from an
attack corpus."""

from __future__ import annotations

import itertools

import pytest

from shieldwall.runtime.detect.decode import decode
from tests.runtime.payloads import payload_kinds

# How a dot and a slash are spelled: plain, URL encoded (once, twice), %uXXXX,
# overlong UTF-8 of two to six bytes, IIS's lax forms, look-alike characters,
# hex literals.
DOTS = [
    ".",
    "%2e",
    "%252e",
    "%u002e",
    "%uff0e",
    "%u2024",
    "%c0%ae",
    "%c0%2e",
    "%e0%80%ae",
    "%f0%80%80%ae",
    "%f8%80%80%80%ae",
    "%fc%80%80%80%80%ae",
    "%25c0%25ae",
    "0x2e",
    "%%32%%65",
]
SLASHES = [
    "/",
    "\\",
    "%2f",
    "%5c",
    "%252f",
    "%u2215",
    "%u2216",
    "%uff0f",
    "%c0%af",
    "%c0%2f",
    "%c1%1c",
    "%c1%9c",
    "%c1%af",
    "%c0%5c",
    "%e0%80%af",
    "%f0%80%80%af",
    "0x2f",
    "0x5c",
    "%%32%%66",
    "%%35%%63",
    "%bg%qf",
]


_kinds = payload_kinds


# Hex literals next to IIS double percents too: `0x2e0x2e%%32%%66`.
SPELLINGS = list(itertools.product(DOTS, SLASHES))


@pytest.mark.parametrize(("dot", "slash"), SPELLINGS)
def test_two_steps_up_are_traversal_whichever_way_dots_and_slashes_are_spelled(
    dot: str, slash: str
) -> None:
    up = dot + dot + slash
    assert "path-traversal" in _kinds(query=f"page={up}{up}config{slash}app.yml")


@pytest.mark.parametrize(
    "value",
    [
        "..;/..;/manager/html",  # Tomcat reads ..; as ..
        "/app/..;/admin",
        "..;.\\.;\\.",
        "...\\...\\secret.txt",
        "....//....//config.php",  # left as ../../ by a filter that removes ../ once
        "/static/....//....//app.ini",
        "..%00/..%00/boot.ini",  # a NUL byte between the dots and the slash
        "..%5c..%5cwindows%5cwin.ini",
        "C:\\Windows\\system32\\drivers\\etc\\hosts",
        "/proc/net/tcp",
        "/proc/sys/kernel/randomize_va_space",
        "/home/app/.bash_history",
        "/root/.docker/config.json",
        "/var/run/secrets/kubernetes.io/serviceaccount/token",
    ],
)
def test_traversal_in_every_part_of_the_request(value: str) -> None:
    assert "path-traversal" in _kinds(query="file=" + value.replace("%", "%25"))
    assert "path-traversal" in _kinds(headers=(("x-file", value),))
    if ";" not in value:  # a cookie ends at a semicolon
        assert "path-traversal" in _kinds(headers=(("cookie", f"tpl={value}"),))
    assert "path-traversal" in _kinds(method="POST", body=f"file={value}")


@pytest.mark.parametrize("value", ["/proc/net/tcp", "cat /proc/sys/kernel/randomize_va_space"])
def test_kernel_files_in_the_user_agent_are_traversal(value: str) -> None:
    assert "path-traversal" in _kinds(user_agent=value)


def test_an_iis_double_percent_before_a_word_does_not_eat_its_first_letter() -> None:
    assert decode("%%32%%66boot.ini") == "/boot.ini"
    assert decode("%%35%%63etc") == "\\etc"
    assert "path-traversal" in _kinds(query="f=" + "0x2e0x2e%%35%%63" * 3 + "boot.ini")


def test_lax_two_byte_forms_read_as_their_low_six_bits() -> None:
    assert decode("%c1%af%c1%ae%c0%5c") == "/.\\"


def test_look_alike_slashes_and_overlong_dots_decode_to_ascii() -> None:
    assert decode("%u2215etc%u2216x") == "/etc\\x"
    assert decode("%e0%80%ae%f0%80%80%af") == "./"
    assert decode("a%00b") == "ab"
    assert decode("1%C2%B4 OR %C2%B41%C2%B4") == "1' OR '1'"


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/downloads/release..notes.txt", ""),
        ("/files/my..backup..2024.tar.gz", ""),
        ("/search", "q=" + "what+does+..%2F+mean+in+a+path"),
        ("/search", "q=wait...+what%3F"),
        ("/search", "q=and%2For....+maybe"),
        ("/wiki/Ellipsis_(....)", ""),
        ("/search", "q=proc+sql+tutorial"),
        ("/search", "q=etc.+and+so+on"),
        ("/docs/history", "page=..."),
        ("/blog/c-windows-tips", "q=c%3A+drive+full"),
        ("/api/items", "range=0x2e-0x2f"),
        ("/notes", "text=ok...%2Fsee+below"),
        ("/search", "q=%E2%80%98quoted%E2%80%99+title"),
        ("/profile", "name=Zo%C3%AB+O%E2%80%99Neil"),
        ("/api/colors", "hex=0x2e2e2e"),
        ("/bash-history-tips", "q=history+command"),
        ("/search", "q=100%25%25+sure%2C+50%25%25+off"),
        ("/search", "q=%25%2532%25%2566+is+an+IIS+encoding"),
        ("/profile", "name=%C3%80%5Cb+%C3%81%2Fc"),
    ],
)
def test_ordinary_values_with_dots_slashes_and_kernel_words_are_not_traversal(
    path: str, query: str
) -> None:
    assert "path-traversal" not in _kinds(path=path, query=query)


@pytest.mark.parametrize(
    "value",
    [
        "/etc/inetd.conf",
        "/var/adm/messages",
        "/usr/local/apache2/logs/error_log",
        "/opt/lampp/logs/access.log",
        "/srv/app/settings.py",
        "c:\\apache\\logs\\access.log",
        "/C:\\Program Files\\",
        "d:\\AppServ\\MySQL",
        "admin/access_log",
        "/logs/error.log%00",
        "/.forward",
        "/.shosts",
        "/master.passwd",
        "\\Program Files\\Apache Group\\Apache\\conf\\httpd.conf",
        "/apache/logs/error.log ",
    ],
)
def test_a_parameter_that_is_a_system_path_or_a_server_log_is_traversal(value: str) -> None:
    encoded = value.replace("%", "%25").replace("\\", "%5C").replace(" ", "%20")
    assert "path-traversal" in payload_kinds(query="file=" + encoded)
    assert "path-traversal" in payload_kinds(method="POST", body="file=" + encoded)
    assert "path-traversal" in payload_kinds(headers=(("x-file", value.replace("%00", "")),))


@pytest.mark.parametrize("value", ["/etc/inetd.conf", "/var/adm/messages"])
def test_a_system_path_as_the_user_agent_is_traversal(value: str) -> None:
    assert "path-traversal" in payload_kinds(user_agent=value)


def test_steps_up_whose_slashes_lost_their_percent_are_traversal() -> None:
    assert "path-traversal" in payload_kinds(query="f=" + "..2f" * 6 + "etc2fpasswd")
    assert "path-traversal" in payload_kinds(query="f=" + "..5c" * 4 + "boot.ini")


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/", "next=/account/settings"),
        ("/", "return=/photos/2024/"),
        ("/", "next=/etc-shop/offers"),
        ("/", "next=/user/profile"),
        ("/", "next=/variety/boxes"),
        ("/", "q=program+files"),
        ("/", "q=how+to+read+the+access+log"),
        ("/", "doc=/docs/access-log-format"),
        ("/", "file=C%3A%5CUsers%5Cme%5Cnotes.txt"),
        ("/", "q=2..2f"),
        ("/", "q=forward"),
        ("/", "next=/forward-planning"),
        ("/", "q=master+passwd+reset"),
        ("/usr/local/share/readme", ""),
        ("/var/items/42", ""),
    ],
)
def test_app_paths_and_words_near_system_paths_are_not_traversal(path: str, query: str) -> None:
    assert "path-traversal" not in payload_kinds(path=path, query=query)


def test_a_referer_to_a_site_page_under_usr_is_not_traversal() -> None:
    referer = (("referer", "https://shop.example/usr/local-deals"),)
    assert "path-traversal" not in payload_kinds(path="/usr/local/share/x", headers=referer)
    assert "path-traversal" not in payload_kinds(headers=(("x-original-url", "/account/x"),))
