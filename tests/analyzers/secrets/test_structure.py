"""Structure checks: a value of the right shape whose structure is wrong is not
reported (or reported as what it really is)."""

from __future__ import annotations

from shieldwall.analyzers.secrets import checks
from shieldwall.analyzers.secrets.engine import Detector
from tests.analyzers.secrets.samples import github_token, jwt, openssh_block, pem_block, pypi_token

DETECTOR = Detector()


def found(text: str, path: str = "app.py") -> dict[str, tuple[int, int]]:
    return {m.rule_id: (m.line, m.end_line) for m in DETECTOR.scan(text.encode(), path)}


def test_github_checksum() -> None:
    token = github_token()
    assert checks.github_checksum(token)
    broken = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert not checks.github_checksum(broken)
    assert "SECRET-GITHUB-PAT" in found(f'TOKEN = "{token}"\n')
    assert "SECRET-GITHUB-PAT" not in found(f'TOKEN = "{broken}"\n')


def test_jwt_header_and_payload_decode() -> None:
    token = jwt()
    assert checks.jwt_valid(token)
    assert "SECRET-JWT" in found(f"auth: {token}\n", "c.yaml")
    fake = "eyJ" + "hello_world_aa" + ".eyJ" + "goodbye_world_b" + ".sig"
    assert not checks.jwt_valid(fake)
    assert "SECRET-JWT" not in found(f"auth: {fake}\n", "c.yaml")


def test_pypi_macaroon_prefix() -> None:
    token = pypi_token()
    assert checks.pypi_macaroon(token)
    assert "SECRET-PYPI-UPLOAD-TOKEN" in found(f"password = {token}\n", ".pypirc")
    other = "pypi-AgE" + checks.b64decode_loose("AAAA").hex() * 40  # right prefix, no macaroon
    assert not checks.pypi_macaroon(other)


def test_pem_block_that_parses_spans_its_lines() -> None:
    block = pem_block()
    hits = found("key = '''\n" + block + "\n'''\n")
    start, end = hits["SECRET-PRIVATE-KEY"]
    assert (start, end) == (2, 2 + block.count("\n"))


def test_pem_header_without_a_key_is_not_reported() -> None:
    text = 'if line.startswith("-----BEGIN RSA PRIVATE KEY-----"):\n    parse(line)\n'
    assert found(text) == {}
    junk = "-----BEGIN RSA PRIVATE KEY-----\nnot a key at all\n-----END RSA PRIVATE KEY-----\n"
    assert found(junk) == {}


def test_encrypted_pem_is_its_own_rule() -> None:
    lines = pem_block().split("\n")
    block = "\n".join(
        [lines[0], "Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,00", "", *lines[1:]]
    )
    assert set(found(block + "\n")) == {"SECRET-PRIVATE-KEY-ENCRYPTED"}


def test_openssh_key_body_is_checked() -> None:
    assert "SECRET-PRIVATE-KEY-OPENSSH" in found(openssh_block() + "\n", "id_ed25519")
    wrong = pem_block("OPENSSH PRIVATE KEY")  # DER, not openssh-key-v1
    assert "SECRET-PRIVATE-KEY-OPENSSH" not in found(wrong + "\n", "id_ed25519")


def test_pem_inside_a_json_string() -> None:
    block = pem_block("PRIVATE KEY").replace("\n", "\\n")
    text = '{"type": "service_account", "private_key": "' + block + '\\n"}\n'
    assert "SECRET-PRIVATE-KEY" in found(text, "sa.json")


def test_putty_key_with_and_without_passphrase() -> None:
    body = "\n".join(
        ["Public-Lines: 1", "AAAAB3Nza", "Private-Lines: 1", "AAAAgQ", "Private-MAC: ab"]
    )
    plain = "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: k\n" + body + "\n"
    locked = "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: aes256-cbc\nComment: k\n" + body + "\n"
    d = {m.rule_id: m for m in DETECTOR.scan(plain.encode(), "k.ppk")}
    assert d["SECRET-PRIVATE-KEY-PUTTY"].severity is None
    d = {m.rule_id: m for m in DETECTOR.scan(locked.encode(), "k.ppk")}
    assert d["SECRET-PRIVATE-KEY-PUTTY"].severity is not None
    assert found("PuTTY-User-Key-File-2: mentioned in docs\n") == {}


def test_pgp_private_block() -> None:
    block = pem_block("PGP PRIVATE KEY BLOCK").replace("-----\n", "-----\n\n", 1)
    assert "SECRET-PRIVATE-KEY-PGP" in found(block + "\n", "key.asc")
    assert (
        found("-----BEGIN PGP PRIVATE KEY BLOCK-----\n-----END PGP PRIVATE KEY BLOCK-----\n") == {}
    )
