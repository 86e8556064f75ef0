"""Files a web server never serves and server configuration named by a path,
asked for directly or through a parameter, and the ordinary paths and words
near them. Built here from their parts, never taken from an attack corpus."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.runtime.payloads import payload_kinds

_kinds = payload_kinds

RESTRICTED = [
    ".htaccess",
    ".htdigest",
    "WEB-INF/web.xml",
    "META-INF/MANIFEST.MF",
    ".git/config",
    ".git/HEAD",
    ".svn/entries",
    ".hg/hgrc",
    ".env",
    ".env.local",
    ".dockerenv",
    ".npmrc",
]


@pytest.mark.parametrize("name", [*RESTRICTED, "terraform.tfstate"])
def test_a_file_the_server_never_serves_is_traversal_in_the_path_or_a_parameter(name: str) -> None:
    assert "path-traversal" in _kinds(query="file=" + quote(name, safe=""))
    if name in RESTRICTED:  # the path is judged when it has a dot file or folder
        assert "path-traversal" in _kinds(path="/app/" + name)


@pytest.mark.parametrize(
    "target",
    [
        "/etc/my.cnf",
        "/etc/php.ini",
        "/etc/ssl/private/server.key",
        "/etc/shells",
        "/usr/local/apache2/conf/httpd.conf",
        "/opt/lampp/etc/my.cnf",
        "C:\\Windows\\repair\\sam",
        "c:/windows/system32/config/SAM",
        "/inetpub/wwwroot/web.config",
        "/etc//passwd",
        "/etc/./passwd",
        "\\\\etc\\\\\\\\passwd",
        "x/.bash_profile",
        "/home/ann/.rhosts",
        "c:\\users\\ann\\ntuser.dat",
        "c:/pagefile.sys",
        "/sys/class/net/eth0/address",
        "/var/lib/mysql/mysql/user.MYD",
        "/boot/grub/grub.cfg",
    ],
)
def test_server_configuration_start_up_files_and_system_trees_are_traversal(target: str) -> None:
    assert "path-traversal" in _kinds(query="f=" + quote(target, safe=""))


@pytest.mark.parametrize(
    "path",
    [
        "/.well-known/security.txt",
        "/docs/v1.2/release.notes",
        "/settings/system",
        "/api/security",
        "/blog/windows/logs",
        "/static/app.v2.min.js",
        "/profile",
    ],
)
def test_ordinary_paths_with_dots_and_system_words_stay_quiet(path: str) -> None:
    assert _kinds(path=path) == set()


@pytest.mark.parametrize(
    "text",
    [
        "php.ini settings explained",
        "windows 11 system32 folder size",
        ".env file tutorial",
        "C:\\Users\\ann\\Pictures",
        "how to edit my.cnf",
        "sys/admin guide, history, my.profile",
    ],
)
def test_searches_naming_such_files_stay_quiet(text: str) -> None:
    assert _kinds(query="q=" + quote(text)) == set()
