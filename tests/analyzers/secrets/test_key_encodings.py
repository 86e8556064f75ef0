"""Private keys in the encodings code and configuration carry them besides PEM
(base64 of a PEM file, base64 of DER, PKCS#12, JSON Web Key), and passwords
in SQL statements and on command lines. Every key is generated at test time."""

from __future__ import annotations

import base64
import secrets
import shutil
import string
import subprocess

import pytest

from shieldwall.analyzers.secrets.engine import Detector

DETECTOR = Detector()
OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed")


def _openssl(*args: str, stdin: bytes = b"") -> bytes:
    assert OPENSSL is not None
    return subprocess.run(
        [OPENSSL, *args], input=stdin, capture_output=True, check=True, timeout=60
    ).stdout


def _rules(text: str, path: str) -> set[str]:
    return {m.rule_id for m in DETECTOR.scan(text.encode(), path)}


def _password() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(14))


_KINDS = {
    "rsa": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
    "ec": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "ed25519": ["-algorithm", "ED25519"],
}


@needs_openssl
@pytest.mark.parametrize("kind", list(_KINDS))
def test_base64_of_a_pem_private_key_is_found(kind: str) -> None:
    for _ in range(5):
        pem = _openssl("genpkey", *_KINDS[kind])
        encoded = base64.b64encode(pem).decode()
        text = f"apiVersion: v1\nkind: Secret\ndata:\n  tls.key: {encoded}\n"
        assert "SECRET-PRIVATE-KEY-BASE64-PEM" in _rules(text, "secret.yaml")


@needs_openssl
@pytest.mark.parametrize("kind", list(_KINDS))
@pytest.mark.parametrize("traditional", [False, True], ids=["pkcs8", "traditional"])
def test_base64_of_a_der_private_key_is_found(kind: str, traditional: bool) -> None:
    if traditional and kind == "ed25519":
        pytest.skip("ed25519 keys have no traditional form")
    for _ in range(5):
        pem = _openssl("genpkey", *_KINDS[kind])
        extra = ["-traditional"] if traditional else []
        der = _openssl("pkey", *extra, "-outform", "DER", stdin=pem)
        encoded = base64.b64encode(der).decode()
        text = f'String privateKey = "{encoded}";\n'
        assert "SECRET-PRIVATE-KEY-BASE64-DER" in _rules(text, "Keys.java")


@needs_openssl
def test_a_base64_pkcs12_store_is_found() -> None:
    key = _openssl("genpkey", *_KINDS["rsa"])
    cert = _openssl(
        "req", "-new", "-x509", "-key", "/dev/stdin", "-subj", "/CN=t", "-days", "1", stdin=key
    )
    p12 = _openssl(
        "pkcs12",
        "-export",
        "-passout",
        "pass:",
        "-inkey",
        "/dev/stdin",
        "-nocerts",
        stdin=key + cert,
    )
    encoded = base64.b64encode(p12).decode()
    assert "SECRET-PKCS12-BASE64" in _rules(f"CERT_P12={encoded}\n", ".env")


def test_the_private_part_of_a_json_web_key_is_found() -> None:
    d = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    x = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    text = '{"kty": "EC", "crv": "P-256", "x": "%s", "d": "%s"}\n' % (x, d)  # noqa: UP031
    assert "SECRET-JWK-PRIVATE-KEY" in _rules(text, "jwks.json")


def test_every_private_member_of_a_json_web_key_is_found() -> None:
    def part() -> str:
        return base64.urlsafe_b64encode(secrets.token_bytes(64)).decode().rstrip("=")

    members = ("p", "q", "dp", "dq", "qi")
    rsa = "{\n" + "".join(f'  "{m}": "{part()}",\n' for m in members) + '  "kty": "RSA"\n}\n'
    lines = {m.line for m in Detector().scan(rsa.encode(), "keys/jwks.json")}
    assert lines == {2, 3, 4, 5, 6}
    oct_key = '{"kty": "oct", "k": "%s"}\n' % part()  # noqa: UP031
    assert "SECRET-JWK-PRIVATE-KEY" in _rules(oct_key, "keys/jwk_hmac.json")
    assert "SECRET-JWK-PRIVATE-KEY" not in _rules('{"k": "short-id"}\n', "data.json")


def test_a_public_json_web_key_is_not_reported() -> None:
    x = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    text = '{"kty": "EC", "crv": "P-256", "x": "%s", "y": "%s"}\n' % (x, x)  # noqa: UP031
    assert "SECRET-JWK-PRIVATE-KEY" not in _rules(text, "jwks.json")


def test_base64_that_is_not_a_key_is_not_reported_as_one() -> None:
    blob = base64.b64encode(b"0\x82" + secrets.token_bytes(8)).decode()
    assert not {r for r in _rules(f"data = '{blob}'\n", "x.py") if "PRIVATE-KEY" in r}


@pytest.mark.parametrize(
    ("template", "path"),
    [
        ("CREATE USER 'app'@'%' IDENTIFIED BY '{pw}';", "init.sql"),
        ("ALTER USER root IDENTIFIED WITH mysql_native_password BY '{pw}';", "init.sql"),
        ("CREATE USER scott IDENTIFIED BY {pw};", "oracle.sql"),
        ("CREATE USER app WITH PASSWORD '{pw}';", "init.sql"),
        ("CREATE ROLE app LOGIN PASSWORD '{pw}';", "schema.sql"),
        ("mysql -u root -p'{pw}' app < dump.sql", "restore.sh"),
        ("mysqldump --password={pw} app", "backup.sh"),
        ("$p = ConvertTo-SecureString '{pw}' -AsPlainText -Force", "deploy.ps1"),
        ("Invoke-Thing -Password {pw} -User admin", "notes.md"),
    ],
)
def test_passwords_in_sql_and_on_command_lines_are_found(template: str, path: str) -> None:
    assert "SECRET-GENERIC-PASSWORD" in _rules(template.format(pw=_password()) + "\n", path)


def test_prose_saying_identified_by_is_not_a_password() -> None:
    text = "A finding is identified by HMAC-SHA256 of the value, so no report holds a password.\n"
    assert "SECRET-GENERIC-PASSWORD" not in _rules(text, "fingerprints.py")
    assert "SECRET-GENERIC-PASSWORD" not in _rules(text, "README.md")


def test_a_password_read_from_a_variable_on_a_command_line_is_not_reported() -> None:
    assert "SECRET-GENERIC-PASSWORD" not in _rules('mysql -u root -p"$DB_PASSWORD" app\n', "x.sh")
