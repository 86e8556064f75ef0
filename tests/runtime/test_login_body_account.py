"""The account a login request's body names (ModSecurity logs bodies): form and JSON
fields give it, a password field never does, a body off the login routes is not
read, a malformed, huge or binary body gives none and no error; and the account
scenarios fire from ModSecurity logs as from nginx's $remote_user."""

from __future__ import annotations

import io
import json
import time
from urllib.parse import urlencode

import pytest

from shieldwall.errors import ConfigError
from shieldwall.runtime import engine as engine_module
from shieldwall.runtime.config import WatchConfig, from_mapping
from shieldwall.runtime.engine import Engine
from shieldwall.runtime.events import HttpEvent
from shieldwall.runtime.login_body import MAX_BODY, account_from_body, ranks
from shieldwall.runtime.replay import replay_streams
from shieldwall.runtime.sources.registry import parser
from shieldwall.runtime.store import DecisionStore

T0 = 1_796_292_000.0
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
FORM = "application/x-www-form-urlencoded"


def _secret(n: int = 0) -> str:
    return "-".join(["Pw", "value", str(n)])  # built at run time: no credential in the file


def test_a_form_body_names_its_account_lower_cased() -> None:
    body = urlencode({"username": "Alice@Shop.Example", "password": _secret()})
    assert account_from_body(body, FORM) == "alice@shop.example"
    assert account_from_body(urlencode({"user[email]": "bob@x.example"}), FORM) == "bob@x.example"
    assert account_from_body(urlencode({"user_name": "carol"}), "") == "carol"


def test_a_json_body_names_its_account_at_the_top_or_one_level_down() -> None:
    kind = "application/json; charset=utf-8"
    assert account_from_body(json.dumps({"userName": "Dave", "password": _secret()}), kind) == (
        "dave"
    )
    nested = json.dumps({"user": {"email": "erin@x.example", "password": _secret()}})
    assert account_from_body(nested, kind) == "erin@x.example"
    deeper = json.dumps({"a": {"b": {"email": "far@x.example"}}})
    assert account_from_body(deeper, kind) == ""
    assert account_from_body(json.dumps({"login": "frank"}), "") == "frank"


def test_a_multipart_body_names_its_account() -> None:
    body = (
        "--XyZ\r\n"
        'Content-Disposition: form-data; name="email"\r\n\r\n'
        "gina@x.example\r\n"
        "--XyZ\r\n"
        'Content-Disposition: form-data; name="password"\r\n\r\n'
        f"{_secret()}\r\n"
        "--XyZ--\r\n"
    )
    assert account_from_body(body, "multipart/form-data; boundary=XyZ") == "gina@x.example"


def test_a_password_field_never_gives_the_account() -> None:
    secret = _secret(7)
    assert account_from_body(urlencode({"password": secret}), FORM) == ""
    assert account_from_body(json.dumps({"pass": secret, "passwd": secret}), "") == ""
    assert account_from_body(json.dumps({"user": {"password": secret}}), "") == ""
    both = urlencode({"password": secret, "login": "Log in", "uname": secret})
    assert account_from_body(both, FORM) == ""  # a submit button is not an account


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("{not json", "application/json"),
        ('{"username": ' + '"' + "a" * (MAX_BODY * 2) + '"}', "application/json"),
        ("username=" + "%" * 10_000_000, FORM),
        ("\x00\xff\xfe" * 1000 + "username=\x00", FORM),
        ("[" * 100_000, ""),
        (" " * MAX_BODY + '{"username": "bob"}', "application/json"),
        ('{"username": 7, "email": null, "user": ["x"]}', ""),
        ("username=%C0%80%ff", FORM),
        (
            '--b\r\nContent-Disposition: form-data; name="user\r\n',
            "multipart/form-data; boundary=b",
        ),
        ("username=bob", "multipart/form-data"),
        ("<xml/>", "text/xml"),
    ],
)
def test_a_malformed_huge_or_binary_body_gives_no_account_and_no_error(
    body: str, kind: str
) -> None:
    assert account_from_body(body, kind) == ""


def test_a_binary_value_is_not_an_account() -> None:
    assert account_from_body("username=%00%01", FORM) == ""


def _modsec(t: float, ip: str, body: str, path: str = "/login", status: int = 401) -> str:
    return json.dumps(
        {
            "transaction": {
                "client_ip": ip,
                "time_stamp": time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(t)),
                "request": {
                    "method": "POST",
                    "uri": path,
                    "headers": {"User-Agent": UA, "Content-Type": FORM},
                    "body": body,
                },
                "response": {"http_code": status},
            }
        }
    )


def _nginx(t: float, ip: str, user: str, path: str = "/login", status: int = 401) -> str:
    when = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(t))
    return f'{ip} - {user} [{when}] "POST {path} HTTP/1.1" {status} 12 "-" "{UA}"'


def _form(user: str) -> str:
    return urlencode({"username": user, "password": _secret()})


def _decided(
    lines: list[str], fmt: str, config: WatchConfig | None = None
) -> list[tuple[str, str, str, float]]:
    data = io.BytesIO(("\n".join(lines) + "\n").encode())
    result = replay_streams([("t.log", data, parser(fmt))], config or WatchConfig())
    out = [(d.scenario, d.value, d.scope, d.created_at) for d in result.decisions]
    out += [(d.kind, d.source, "alert", d.time) for d in result.detections]
    return sorted(out)


def test_credential_stuffing_fires_from_modsecurity_bodies_as_from_nginx_users() -> None:
    tries = [(T0 + 2 * i, f"user{i}@x.example") for i in range(12)]
    nginx = _decided([_nginx(t, "198.51.100.4", u) for t, u in tries], "nginx")
    modsec = _decided(
        [_modsec(t, "198.51.100.4", _form(u.upper())) for t, u in tries], "modsecurity-json"
    )
    assert ("http-credential-stuffing", "198.51.100.4", "ip", T0 + 16) in nginx
    assert modsec == nginx


def test_the_distributed_account_scenario_fires_from_modsecurity_bodies_as_from_nginx_users() -> (
    None
):
    account = "admin@shop.example"
    tries = [(T0 + 20 * i, f"203.{i}.0.9") for i in range(6)]
    tries += [(T0 + 300 + 25 * i, f"45.13.7.{10 + i}") for i in range(5)]
    nginx = _decided([_nginx(t, ip, account) for t, ip in tries], "nginx")
    modsec = _decided([_modsec(t, ip, _form(account)) for t, ip in tries], "modsecurity-json")
    assert ("http-distributed-account", f"account:{account}", "alert", T0 + 100) in nginx
    assert ("http-distributed-account", "45.13.7.0/24", "range", T0 + 375) in nginx
    assert modsec == nginx


def test_a_body_off_the_login_routes_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []

    def spy(body: str, *_: object) -> str:
        read.append(body)
        return "someone"

    monkeypatch.setattr(engine_module, "account_from_body", spy)
    engine = Engine(WatchConfig(), DecisionStore())
    body = _form("alice")
    engine.http(HttpEvent(T0, "192.0.2.1", "POST", "/comments", "", 401, UA, body=body), "t:1")
    engine.http(HttpEvent(T0, "192.0.2.1", "GET", "/login", "", 401, UA, body=body), "t:2")
    engine.http(
        HttpEvent(T0, "192.0.2.1", "POST", "/login", "", 401, UA, user="a", body=body), "t:3"
    )
    assert read == []
    engine.http(HttpEvent(T0, "192.0.2.1", "POST", "/login", "", 401, UA, body=body), "t:4")
    assert read == [body]


def test_java_form_login_s_j_username_names_the_account() -> None:
    body = urlencode({"j_username": "Erin", "j_password": _secret()})
    assert account_from_body(body, FORM) == "erin"


def test_a_site_s_own_user_name_field_is_read_first_when_configured() -> None:
    body = urlencode({"uname": "dave", "login": "Sign in", "pass": _secret()})
    assert account_from_body(body, FORM) == ""
    assert account_from_body(body, FORM, ranks(["uname"])) == "dave"
    both = urlencode({"email": "d@x.example", "uname": "dave"})
    assert account_from_body(both, FORM, ranks(["uname"])) == "dave"
    config = from_mapping({"login_fields": ["uname"]})
    tries = [(T0 + 2 * i, f"user{i}") for i in range(12)]
    lines = [
        _modsec(t, "198.51.100.4", urlencode({"uname": u, "pass": _secret()})) for t, u in tries
    ]
    assert not [
        d for d in _decided(lines, "modsecurity-json") if d[0] == "http-credential-stuffing"
    ]
    assert ("http-credential-stuffing", "198.51.100.4", "ip", T0 + 16) in _decided(
        lines, "modsecurity-json", config
    )


@pytest.mark.parametrize("name", ["password", "j_password", "api_token", "otp", " "])
def test_a_password_or_empty_field_is_refused_as_a_login_field(name: str) -> None:
    with pytest.raises(ConfigError, match=r"watch\.login_fields"):
        from_mapping({"login_fields": [name]})
