"""Files a local file inclusion reads, named in a parameter, a cookie, a body or
the request path, and the ordinary values and paths next to them. Built here from
their parts (folders, file names, separators), never taken from an attack corpus."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.runtime.payloads import payload_kinds

_kinds = payload_kinds


def _as_parameter(value: str) -> set[str]:
    return _kinds(query="file=" + quote(value, safe=""))


def _in_every_value(value: str) -> bool:
    encoded = quote(value, safe="")
    return all(
        "path-traversal" in found
        for found in (
            _kinds(query="file=" + encoded),
            _kinds(headers=(("cookie", "f=" + encoded),)),
            _kinds(
                method="POST",
                body="file=" + encoded,
                headers=(("content-type", "application/x-www-form-urlencoded"),),
            ),
        )
    )


@pytest.mark.parametrize(
    "path",
    ["/a/.. /.. /x", "/a/..  /b", "/a/..::$DATA/b", "/a/..\t/b", "/..::$data/..::$data/x"],
)
def test_a_step_up_windows_trims_or_names_a_data_stream_of_is_traversal(path: str) -> None:
    assert "path-traversal" in _kinds(path=quote(path, safe="/:$"))


@pytest.mark.parametrize("query", ["q=" + quote("wait.. / later"), "q=" + quote("a.. b/c")])
def test_dots_then_spaces_without_a_slash_before_them_stay_quiet(query: str) -> None:
    assert "path-traversal" not in _kinds(query=query)


@pytest.mark.parametrize(
    "target",
    [
        "/etc/mtab",
        "/etc/nsswitch.conf",
        "/etc/ld.so.preload",
        "/etc/default/useradd",
        "/etc/ftpusers",
        "/etc/x11/xorg.conf",
        "/etc/vsomething/daemon.cfg",
        "etc/login.defs",
    ],
)
def test_the_systems_own_configuration_under_etc_is_traversal(target: str) -> None:
    assert _in_every_value(target)
    assert "path-traversal" in _kinds(path="/download" + "/" + target.lstrip("/"))


@pytest.mark.parametrize(
    "query",
    ["q=" + quote("pens, paper, etc/services"), "q=etc%2Fconference", "q=cats+etc."],
)
def test_etc_in_prose_stays_quiet(query: str) -> None:
    assert "path-traversal" not in _kinds(query=query)


@pytest.mark.parametrize(
    "target",
    [
        ".ksh_history",
        ".php_history",
        "/home/ann/.lldb_history",
        ".my.cnf",
        ".muttrc",
        ".wgetrc",
        "/home/ann/.curlrc",
        ".aws/config",
        ".dockercfg",
        ".subversion/auth/svn.simple",
        ".mozilla/firefox/profiles.ini",
        ".cvspass",
        ".forward",
        ".selected_editor",
        "/root/.ssh/../.ssh/authorized_keys",
        "authorized_keys",
        "known_hosts",
    ],
)
def test_shell_histories_and_an_accounts_dot_files_are_traversal(target: str) -> None:
    assert _in_every_value(target)


@pytest.mark.parametrize("path", ["/.forward", "/.muttrc", "/home/.ksh_history", "/.aws/config"])
def test_dot_files_asked_for_by_the_path_are_traversal(path: str) -> None:
    assert "path-traversal" in _kinds(path=path)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/", "q=export.chat_history"),
        ("/", "q=my+history"),
        ("/", "q=known+hosts"),
        ("/api/logout", ""),
        ("/account/login", ""),
        ("/", "next=%2Faccount%2Flogin"),
        ("/", "q=the+.net+history"),
    ],
)
def test_words_and_routes_near_dot_files_stay_quiet(path: str, query: str) -> None:
    assert "path-traversal" not in _kinds(path=path, query=query)


@pytest.mark.parametrize(
    "target",
    [
        "/tmp/sess_0a1b2c",
        "/dev/fd/3",
        "/dev/stdin",
        "/dev/tcp/203.0.113.9/4444",
        "/proc/self/cwd/app.py",
        "/proc/12/root/etc/hosts",
    ],
)
def test_php_sessions_descriptors_and_a_processs_folders_are_traversal(target: str) -> None:
    assert _in_every_value(target)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/", "q=" + quote("pipe it to /dev/null")),
        ("/dev/docs", ""),
        ("/developers/", ""),
        ("/tmp/uploads/a.jpg", ""),
        ("/procurement/list", ""),
        ("/opt/out", ""),
        ("/settings/windows/theme", ""),
        ("/docs/boot.ini-explained", ""),
    ],
)
def test_developer_words_and_routes_near_system_trees_stay_quiet(path: str, query: str) -> None:
    assert "path-traversal" not in _kinds(path=path, query=query)


@pytest.mark.parametrize(
    "target",
    [
        "c:\\config.sys",
        "c:\\$Recycle.Bin\\S-1-5-18\\desktop.ini",
        "C:\\System Volume Information\\x.dat",
        "C:\\Users\\ann\\NTUSER.DAT",
        "C:\\Documents and Settings\\ann\\ntuser.ini",
        "C:/unattended.xml",
        "C:\\xampp\\apache\\conf\\httpd.conf",
        "\\xampp\\phpmyadmin\\config.inc.php",
        "C:\\mysql\\data\\mysql.err",
        "C:\\ProgramFiles\\MySQL\\data\\mysql.log",
        "c:\\php\\sessions\\",
        "system.ini",
        "global.asa",
    ],
)
def test_windows_start_up_files_hidden_folders_and_server_software_are_traversal(
    target: str,
) -> None:
    assert "path-traversal" in _as_parameter(target)


@pytest.mark.parametrize(
    "value",
    [
        "C:\\Users\\ann\\Desktop\\notes.txt",
        "C:\\Documents and Settings\\ann\\My Documents\\cv.doc",
        "C:\\Games\\readme.txt",
        "system ini settings",
        "the global.asax file explained",
    ],
)
def test_a_persons_own_windows_files_and_prose_stay_quiet(value: str) -> None:
    assert "path-traversal" not in _as_parameter(value)


@pytest.mark.parametrize(
    "target",
    [
        "configuration.php",
        "LocalSettings.php",
        "config/database.yml",
        "config/secrets.yml",
        "config/master.key",
        "app/etc/env.php",
        "app/etc/local.xml",
        "appsettings.Production.json",
        "local_settings.py",
    ],
)
def test_web_applications_settings_files_are_traversal(target: str) -> None:
    assert "path-traversal" in _as_parameter(target)
    assert "path-traversal" in _kinds(path="/" + target)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/docs/configuration", ""),
        ("/config/", ""),
        ("/settings", ""),
        ("/", "q=" + quote("configuration.php tutorial")),
        ("/", "q=" + quote("where does database.yml go")),
        ("/app/etc", ""),
    ],
)
def test_documentation_about_settings_files_stays_quiet(path: str, query: str) -> None:
    assert "path-traversal" not in _kinds(path=path, query=query)


@pytest.mark.parametrize(
    "value",
    [
        "file:///var/www/html/config.php",
        "file:/etc/hosts",
        "FILE://localhost/home/app/app.py",
        "expect://id",
        "data://text/plain;base64,SGVsbG8=",
    ],
)
def test_a_file_url_and_phps_command_and_data_wrappers_are_traversal(value: str) -> None:
    assert _in_every_value(value)


@pytest.mark.parametrize(
    "value",
    ["profile:/me", "save the file: /docs", "data: 42", "see the data/ folder", "my-file:/x"],
)
def test_words_before_a_colon_and_a_slash_stay_quiet(value: str) -> None:
    assert "path-traversal" not in _as_parameter(value)


@pytest.mark.parametrize(
    "path",
    [
        "/proc/self/environ",
        "/var/log/auth.log",
        "/var/run/secrets/kubernetes.io/serviceaccount/token",
        "/usr/local/apache2/conf/httpd.conf",
        "/boot/grub/grub.cfg",
        "/boot.ini",
        "/win.ini",
        "/windows/win.ini",
        "/id_rsa",
        "/sys/class/net/eth0/address",
    ],
)
def test_system_files_asked_for_by_the_request_path_are_traversal(path: str) -> None:
    assert "path-traversal" in _kinds(path=path)


@pytest.mark.parametrize(
    "path",
    [
        "/composer.json",
        "/composer.lock",
        "/package-lock.json",
        "/app/yarn.lock",
        "/Gemfile.lock",
        "/Dockerfile",
        "/docker-compose.yml",
        "/sftp-config.json",
        "/.ftpconfig",
        "/phpunit.xml.dist",
        "/.travis.yml",
        "/.gitlab-ci.yml",
        "/.gitignore",
        "/shop/.dockerignore",
        "/.user.ini",
    ],
)
def test_build_and_deployment_files_asked_for_at_a_sites_top_are_traversal(path: str) -> None:
    assert "path-traversal" in _kinds(path=path)


@pytest.mark.parametrize(
    "path",
    [
        "/org/repo/blob/main/package.json",
        "/org/repo/raw/main/.gitignore",
        "/docs/composer",
        "/packages.json",
        "/blog/dockerfile-tips",
        "/manifest.json",
        "/docker-compose",
    ],
)
def test_code_hosts_pages_and_routes_named_like_build_files_stay_quiet(path: str) -> None:
    assert "path-traversal" not in _kinds(path=path)


@pytest.mark.parametrize(
    "path", ["/index.asp::$DATA", "/app/default.aspx::$data", "/x::$INDEX_ALLOCATION/a"]
)
def test_a_files_named_data_stream_is_traversal(path: str) -> None:
    assert "path-traversal" in _kinds(path=quote(path, safe="/:$"))


@pytest.mark.parametrize("query", ["price=" + quote("US$ 20: data"), "q=" + quote("a::b $data")])
def test_dollars_and_double_colons_in_text_stay_quiet(query: str) -> None:
    assert "path-traversal" not in _kinds(query=query)


@pytest.mark.parametrize(
    "path",
    [
        "/.git",
        "/.git/",
        "/shop/.svn",
        "/.hg/",
        "/.bzr",
        "/.idea",
        "/.vscode/",
        "/.ssh",
        "/.aws/",
        "/web.config.old",
        "/wp-config.php.bak",
        "/wp-config.old",
        "/.env~",
        "/config.php.save",
        "/app/etc/local.xml.1",
        "/.vnc/passwd",
        "/.purple/accounts.xml",
        "/.config/filezilla/sitemanager.xml",
        "/.local/share/keyrings/login.keyring",
        "/windows/debug/netsetup.log",
        "/winnt/system32/",
    ],
)
def test_version_control_and_tool_folders_and_configuration_backups_are_traversal(
    path: str,
) -> None:
    assert "path-traversal" in _kinds(path=path)


@pytest.mark.parametrize(
    "path",
    [
        "/org/repo.git/info/refs",
        "/org/repo.git",
        "/blog/git",
        "/docs/settings",
        "/windows/downloads",
        "/windows/11/tips",
        "/api/config",
        "/a/.gitkeep",
        "/.well-known/change-password",
        "/docs/web.config-guide",
        "/archive/2024.bak.html",
        "/photos/img~1.jpg",
    ],
)
def test_repositories_routes_and_pages_named_like_those_folders_stay_quiet(path: str) -> None:
    assert "path-traversal" not in _kinds(path=path)
