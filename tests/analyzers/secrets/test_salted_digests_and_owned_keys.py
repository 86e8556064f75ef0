"""A seed row's stored hash (a digest with its salt after a colon), SQL seed rows
written with `INSERT into`, and a password's key run together with its owner
(`dbpass`). Values are built at test time."""

from __future__ import annotations

import hashlib
import random
import string

from shieldwall.analyzers.secrets.engine import Detector
from tests.analyzers.secrets.samples import mixed_value


def _found(text: str, path: str) -> list[tuple[str, int]]:
    return [(m.secret, m.line) for m in Detector().scan(text.encode(), path)]


def _salt(seed: int, n: int = 12) -> str:
    rnd = random.Random(seed)
    return "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(n))


def test_a_salted_digest_in_a_seed_rows_password_column_is_not_reported() -> None:
    digest = hashlib.md5(_salt(4).encode()).hexdigest()
    salt = hashlib.sha1(_salt(5).encode()).hexdigest()[:18]
    row = "$db->exec(\"INSERT INTO users(id,name,password) VALUES(1,'ann','{}')\");\n"
    assert _found(row.format(f"{digest}:{salt}"), "tests/auth/loginTest.php") == []
    assert _found(row.format(mixed_value(6)), "tests/auth/loginTest.php") != []


def test_seed_rows_written_with_insert_into_in_mixed_case_are_read() -> None:
    password = mixed_value(7)
    line = (
        'stmt.executeUpdate("INSERT into users(username, password, email) '
        f"values ('victim','{password}','victim@localhost')\");\n"
    )
    assert (password, 1) in _found(line, "src/main/java/app/Install.java")


def test_a_password_key_written_with_its_owner_in_one_word_is_read() -> None:
    password = mixed_value(8)
    text = f"dbuser=root\ndbpass={password}\n"
    assert (password, 2) in _found(text, "WEB-INF/config.properties")
    assert _found(f"bypass={password}\n", "WEB-INF/config.properties") == []
