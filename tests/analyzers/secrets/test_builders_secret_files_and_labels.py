"""Sample applications' credentials in a builder's chain and in files named for them,
and text that only looks like a credential's value: a walkthrough's prose, a field's
name written where its value goes, a label with a call's result appended. Values are
built at test time."""

from __future__ import annotations

from shieldwall.analyzers.secrets.engine import Detector
from tests.analyzers.secrets.samples import mixed_value


def _found(text: str, path: str) -> list[tuple[str, int]]:
    return [(m.secret, m.line) for m in Detector().scan(text.encode(), path)]


def test_a_builders_credential_method_given_a_literal_is_reported() -> None:
    weak, strong = "joy" + "chou" + "123", mixed_value(71, 14)
    chain = (
        "        auth.inMemoryAuthentication()\n"
        f'                .withUser("joychou").password("{weak}").roles("USER").and()\n'
        f'                .withClient("web").clientSecret("{strong}");\n'
    )
    found = _found(chain, "src/main/java/app/WebSecurityConfig.java")
    assert (weak, 2) in found and (strong, 3) in found


def test_a_builders_lookup_or_check_is_not_a_credential() -> None:
    lines = (
        '        String p = vault.getPassword("db-admin-password-alias");\n'
        f'        assert encoder.verifyPassword("{mixed_value(72, 12)}");\n'
        '        builder.username("admin").roles("USER");\n'
    )
    assert _found(lines, "src/main/java/app/Config.java") == []


def test_a_file_named_for_a_password_holds_its_value() -> None:
    value = "gordon" + "pass"
    assert _found(value + "\n", "devsecrets/postgres_password") == [(value, 1)]
    assert _found(mixed_value(73, 20), "secrets/db_password.txt") == [(mixed_value(73, 20), 1)]


def test_a_file_named_for_a_credential_holding_a_word_or_a_document_is_not_one() -> None:
    assert _found("staging\n", "devsecrets/payment_token") == []
    assert _found("${DB_PASSWORD}\n", "secrets/db_password") == []
    prose = "Put the database password here.\n"
    assert _found(prose, "docs/password.txt") == []
    assert _found(mixed_value(74, 16) + "\n", "src/password.py") == []
    assert _found("root:x:0:0:root:/root:/bin/bash\n", "rootfs/etc/passwd") == []


def test_prose_that_says_identified_by_is_not_an_oracle_statement() -> None:
    line = "Take over any registered user account identified by their e-mail address.\n"
    assert _found(line, "docs/attacks/weak-password-reset.md") == []
    word = "tig" + "er42"
    assert _found(f"CREATE USER scott IDENTIFIED BY {word};\n", "db/users.sql") == [(word, 1)]
    assert _found(f"GRANT CONNECT TO scott IDENTIFIED BY {word};\n", "db/g.sql") == [(word, 1)]


def test_a_fields_name_written_as_its_new_value_is_a_placeholder() -> None:
    body = '    "password": "newpassword",\n    "passwordConfirmation": "new-password"\n'
    assert _found(body, "docs/attacks/privilege-escalation.md") == []


def test_a_label_with_a_calls_result_appended_is_not_a_value() -> None:
    line = '        logger.info("user: " + u + " password: " + request.getParameter("password"));\n'
    assert _found(line, "src/main/java/app/LoginFailureHandler.java") == []


def test_a_tests_pass_call_is_not_a_password() -> None:
    lines = "    client.close(() => t.pass('Closed'))\n    t.pass('Called back')\n"
    assert _found(lines, "test/client/index.js") == []
