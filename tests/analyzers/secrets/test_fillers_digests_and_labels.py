"""Values a reviewer dismisses though they sit where a credential would: an
instruction or a wrong password typed where the value goes, a test's made-up
account, a stored digest next to its user, a message or a form's label, a path
under a variable, a numbered message key. Each beside a real credential in the
same layout, which is still reported. Values are built at test time."""

from __future__ import annotations

import hashlib
import random
import string

from shieldwall.analyzers.secrets.engine import Detector
from tests.analyzers.secrets.samples import mixed_value


def _found(text: str, path: str) -> list[str]:
    return [m.secret for m in Detector().scan(text.encode(), path)]


def _word(seed: int, n: int = 8) -> str:
    rnd = random.Random(seed)
    return "".join(rnd.choice(string.ascii_lowercase) for _ in range(n))


def test_an_instruction_run_together_is_a_placeholder() -> None:
    marker = "YOUR" + "SECRETKEY" + "GOES" + "HERE"
    assert _found(f"SECRET_KEY={marker}\n", "README.md") == []
    real = mixed_value(1, 20)
    assert _found(f"SECRET_KEY={real}\n", "README.md") == [real]


def test_a_deliberately_wrong_password_is_not_a_credential() -> None:
    for wrong in (
        "wrong" + "_pass",
        "Wrong" + "Password",
        "invalid" + "-password1",
        "bad" + "pass",
    ):
        text = f'{{"username": "ann", "password": "{wrong}"}}\n'
        assert _found(text, "api/collection.json") == [], wrong
    real = mixed_value(2, 12)
    assert _found(f'{{"username": "ann", "password": "{real}"}}\n', "api/collection.json") == [real]


def test_a_credential_word_with_an_owner_in_camel_case_is_a_placeholder() -> None:
    for marker in ("my" + "Pass", "your" + "ApiKey", "the" + "SecretToken"):
        assert _found(f'form.setPassword("{marker}");\n', "src/Signup.java") == [], marker
    real = "my" + mixed_value(3, 10)
    assert _found(f'form.setPassword("{real}");\n', "src/Signup.java") == [real]


def test_a_path_under_a_variable_is_not_a_key() -> None:
    assert _found("TLS_KEY=$DIR/certs/server" + ".key\n", "run.sh") == []
    real = mixed_value(4, 24)
    assert _found(f"TLS_KEY={real}\n", "run.sh") == [real]


def test_a_one_word_message_and_a_forms_label_are_not_passwords() -> None:
    assert _found("    'Password': 'Updated.'\n", "api/users.py") == []
    label = "Account " + "Password:"
    assert _found(f"loginForm.password = {label}\n", "i18n/form.properties") == []


def test_a_numbered_message_key_in_a_tag_is_not_a_key() -> None:
    tag = '<fmt:message key="generic.text.' + 'commentMessage.1" />\n'
    assert _found(tag, "webapp/index.jsp") == []


def test_a_marker_set_off_by_underscores_is_a_placeholder() -> None:
    marker = "___" + "pass" + "word" + "___"
    assert _found(f'<Connector keystorePass="{marker}" />\n', "conf/server.xml") == []


def test_an_account_a_test_makes_up_with_its_name_as_password_is_filler() -> None:
    user = _word(5) + "1"
    line = f'await post("/users").send({{ username: "{user}", password: "{user}" }});\n'
    assert _found(line, "test/api.test.js") == []
    other = mixed_value(6, 12)
    line = f'await post("/users").send({{ username: "{user}", password: "{other}" }});\n'
    assert _found(line, "test/api.test.js") == [other]


def test_a_hex_digest_in_a_users_record_is_what_the_application_stores() -> None:
    digest = hashlib.md5(_word(7).encode(), usedforsecurity=False).hexdigest()
    record = f'row = users_table(id="admin", password="{digest}")\n'
    assert _found(record, "app/views.py") == []
    sql = f"    \"INSERT INTO users (name, password) VALUES ('ann', '{digest}');\"\n"
    assert _found(f"SQL = [\n{sql}]\n", "app/migrations/0002_users.py") == []
    plain = mixed_value(8, 10)
    sql = f"    \"INSERT INTO users (name, password) VALUES ('ann', '{plain}');\"\n"
    assert _found(f"SQL = [\n{sql}]\n", "app/migrations/0002_users.py") == [plain]


def test_a_short_word_as_the_signing_secret_is_a_weak_key() -> None:
    word = _word(9, 5)
    for line in (f"JWT_SECRET={word}\n", f"  SECRET_KEY: {word}\n", f"jwtSecret: {word}\n"):
        assert _found(line, "deploy/config.yaml") == [word], line
    placeholder = "ran" + "dom"
    assert _found(f'SECRET_KEY = "{placeholder}"\n', "app/config.py") == []
    assert _found(f"generateSecret: {word}\n", "deploy/config.yaml") == []
