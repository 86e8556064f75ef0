"""The seed-record, SQL-row and form-field searches read a file only when the prefilter's pass
saw what they need (a record's address, an INSERT phrase, a form's input tag): the gates are the
searches' own definitions, they open wherever those searches would find
anything, and a scan finds the same with the gates as with every gate open.
Texts and values are built at run time."""

from __future__ import annotations

import random
import re
import string

import pytest

from shieldwall.analyzers.secrets import engine, forminputs, prefilter, seedcalls, sqlrows
from shieldwall.analyzers.secrets.engine import Detector, Match

_BACKENDS = ["re", *(["hyperscan"] if prefilter.HAVE_HYPERSCAN else [])]


def _strong(rnd: random.Random) -> str:
    body = "".join(rnd.choice(string.ascii_letters) for _ in range(8))
    return body + rnd.choice("!#%&*") + str(rnd.randrange(10, 99))


def _pieces(rnd: random.Random) -> list[str]:
    user = "".join(rnd.choice(string.ascii_lowercase) for _ in range(5))
    secret = _strong(rnd)
    return [
        f'new SeedUser("{user}", "{user}@corp.test", "{secret}", "x")\n',
        f"create_user('{user}',\n  '{user}@mail.corp.test',\n  '{secret}')\n",
        f"INSERT INTO users (name, password) VALUES ('{user}', '{secret}');\n",
        f"insert into accounts (login, token) values ('{user}', '{secret}{secret}');\n",
        f"Insert Into t (password) VALUES ('{secret}');\n",
        f"CREATE TABLE creds (id int, password text);\nINSERT INTO creds VALUES (1, '{secret}');\n",
        f"{user}@corp.test\n",
        f"@{user}.decorator\n",
        f"@property\ndef {user}(self): return '{secret}'\n",
        f'password = "{secret}"\n',
        f'<INPUT TYPE="password" NAME="dbpass" VALUE="{secret}">\n',
        f'<input name="adminpass" value="{secret}"/>\n',
        "list.insert(0, x)\n",
        "INSERT\nINTO x VALUES ('a')\n",
        "mail: a@b\n",
        "\n",
    ]


def _texts(seed: int, count: int) -> list[bytes]:
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        pieces = _pieces(rnd)
        out.append("".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 7))).encode())
    return out


def test_the_gates_are_the_searches_own_definitions() -> None:
    assert engine._GATES[engine._SEED_GATE] == seedcalls._DOMAIN.pattern
    sql = sorted(engine._GATES[i] for i in engine._SQL_GATES)
    assert sorted(re.escape(p) for p in sqlrows.PHRASES) == sql
    for phrase in sqlrows.PHRASES:
        assert any(re.fullmatch(gate, phrase) for gate in sql)
    form = sorted(engine._GATES[i] for i in engine._FORM_GATES)
    assert sorted(re.escape(g) for g in forminputs.GATES) == form


@pytest.mark.parametrize("backend", _BACKENDS)
def test_a_gate_opens_wherever_its_search_would_find(backend: str) -> None:
    pre = Detector(backend=backend).prefilter
    opened = 0
    for data in _texts(11, 600):
        _, gates = pre.scan_gated(data)
        if seedcalls._DOMAIN.search(data) is not None:
            assert engine._SEED_GATE in gates, data
        if any(phrase in data for phrase in sqlrows.PHRASES):
            assert gates & engine._SQL_GATES, data
        if any(tag in data for tag in forminputs.GATES):
            assert gates & engine._FORM_GATES, data
        opened += bool(gates)
    assert opened > 300


def _key(found: list[Match]) -> list[tuple[str, str, int, object]]:
    return [(m.rule_id, m.secret, m.line, m.severity) for m in found]


@pytest.mark.parametrize("backend", _BACKENDS)
def test_a_gated_scan_reports_every_record_and_row_the_searches_find(backend: str) -> None:
    detector = Detector(backend=backend)
    reported = 0
    for i, data in enumerate(_texts(5, 300)):
        path = f"db/seed{i}.sql" if i % 2 else f"app/users{i}.py"
        want = engine._seed_users(data, path)
        if detector.prefilter.scan(data):  # rows are read in a file with a credential word
            want += engine._sql_rows(data) + engine._form_inputs(data, path)
        found = set(_key(detector.scan(data, path)))
        assert set(_key(want)) <= found, data
        reported += len(want)
    assert reported > 100
