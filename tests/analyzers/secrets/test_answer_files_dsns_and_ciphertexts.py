"""Infrastructure layouts: a Go MySQL DSN and a URL whose host is left for the
reader, a Windows answer file's passwords and configuration passes, an encrypted
CryptoAPI session key, a code span's closing mark, a call chain in commented-out
code and a phpass hash in a seed row. Values are built at test time."""

from __future__ import annotations

import base64
import random
import string

from shieldwall.analyzers.secrets.engine import Detector
from tests.analyzers.secrets.samples import mixed_value


def _found(text: str, path: str) -> list[tuple[str, int]]:
    return [(m.secret, m.line) for m in Detector().scan(text.encode(), path)]


def test_a_go_mysql_dsn_without_a_scheme_gives_its_password() -> None:
    password = mixed_value(31)
    line = f'db, err := sql.Open("mysql", "app:{password}@tcp(db:3306)/shop?parseTime=true")\n'
    assert (password, 1) in _found(line, "internal/store/db.go")
    socket = f'dsn := "app:{password}@unix(/run/mysqld/mysqld.sock)/shop"\n'
    assert (password, 1) in _found(socket, "internal/store/db.go")
    assert _found(f'note := "app:{password}@db"\n', "internal/store/db.go") == []


def test_a_url_whose_host_is_a_placeholder_still_gives_its_password() -> None:
    password = mixed_value(32)
    line = f"`psql postgresql://admin:{password}@<rds-instance>:5432/app`\n"
    assert (password, 1) in _found(line, "docs/walkthrough.md")


def test_an_answer_files_password_value_is_read_below_its_element() -> None:
    password = mixed_value(33)
    text = (
        '<settings pass="oobeSystem">\n'
        "  <UserAccounts>\n"
        "    <AdministratorPassword>\n"
        f"      <Value>{password}</Value>\n"
        "      <PlainText>true</PlainText>\n"
        "    </AdministratorPassword>\n"
    )
    assert _found(text, "answer_files/Autounattend.xml") == [(password, 4)]


def test_an_answer_files_configuration_pass_is_not_a_password() -> None:
    text = '<settings pass="windowsPE">\n<settings pass="offlineServicing">\n'
    assert _found(text, "answer_files/Autounattend.xml") == []


def test_an_encrypted_cryptoapi_session_key_is_not_reported() -> None:
    rnd = random.Random(34)
    header = bytes([1, 2, 0, 0, 0x0E, 0x66, 0, 0, 0, 0xA4, 0, 0])
    blob = base64.b64encode(header + rnd.randbytes(128)).decode()
    line = '<add name="AesProvider" keyContainerName="iisKey" sessionKey="{}" />\n'
    assert _found(line.format(blob), "iis/applicationHost.config") == []
    other = base64.b64encode(bytes([9, 9, 9, 9]) + rnd.randbytes(136)).decode()
    assert _found(line.format(other), "iis/applicationHost.config") != []


def test_a_code_spans_closing_mark_does_not_hide_a_placeholder() -> None:
    assert _found("`aws_session_token = <session-token>`\n", "cheat_sheet.md") == []


def test_a_call_chain_in_commented_out_code_is_not_a_literal() -> None:
    assert _found("#key = sys.argv[1].encode()\n", "utils/encrypt.py") == []
    chars = string.ascii_letters + string.digits
    rnd = random.Random(35)
    literal = "".join(rnd.choice(chars) for _ in range(40))
    assert _found(f"secret_key = '{literal}'\n", "utils/encrypt.py") != []


def test_a_phpass_hash_in_a_seed_rows_password_column_is_not_reported() -> None:
    chars = "./" + string.ascii_letters + string.digits
    rnd = random.Random(36)
    phpass = "$P$B" + "".join(rnd.choice(chars) for _ in range(30))
    row = "INSERT INTO `wp_users` (`ID`, `user_login`, `user_pass`) VALUES (1,'admin','{}');\n"
    assert _found(row.format(phpass), "wordpress.sql") == []
    assert _found(row.format(mixed_value(37)), "wordpress.sql") != []


def _leet(word: str) -> str:
    return word.translate(str.maketrans("aeo", "430"))


def test_a_tests_leet_own_word_under_that_key_is_a_fixtures_filler() -> None:
    value = _leet("secret")
    fixture = f"    'secret' => '{value}',\n"
    assert _found(fixture, "Tests/Fixtures/php/full.php") == []
    assert (value, 1) in _found(fixture, "config/parameters.php")
    named = f"MYSQL_PASSWORD={_leet('password')}\n"
    assert _found(named, "docs/setup.md") != []  # a key naming more than the word
