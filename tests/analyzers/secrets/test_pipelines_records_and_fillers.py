"""Layouts a CI/CD project and seed data write credentials in - a pipeline DSL's
`password('...')`, a snake-case setter, a connection setting's `user:password@host`
without a scheme, a seed user's record given by position over several lines - and
values that sit where a credential would but are not one: an encoding's name, a
Perl hash read, a format string, a filler with an owner, the name a pipeline binds
a credential to, an SVG attribute after a provider's word. Values are built at
test time."""

from __future__ import annotations

from shieldwall.analyzers.secrets.engine import Detector
from tests.analyzers.secrets.samples import mixed_value


def _found(text: str, path: str) -> list[str]:
    return [m.secret for m in Detector().scan(text.encode(), path)]


def _strong(seed: int) -> str:
    return mixed_value(seed, 9) + "!" + str(seed % 10)


def test_a_call_named_for_the_credential_gives_it_its_literal() -> None:
    real = _strong(1)
    assert _found(f"        password('{real}')\n", "jobdsl/build.groovy") == [real]
    token = mixed_value(2, 32).lower()
    assert _found(f"token.set_token('{token}');\n", "gitlab/token.sh") == [token]


def test_a_call_that_checks_or_hashes_a_password_is_not_its_literal() -> None:
    real = _strong(3)
    assert _found(f"ok = check_password('{real}')\n", "app/auth.py") == []
    assert _found(f"digest = hashPassword('{real}');\n", "src/auth.js") == []


def test_user_and_password_at_a_host_without_a_scheme_in_a_connection_setting() -> None:
    real = _strong(4)
    found = _found(f"  MONGO_URI: admin:{real}@mongodb:27017\n", "deploy/config.yaml")
    assert found == [real]
    assert _found(f"  ADMIN_CONTACT: admin:{real}@mongodb:27017\n", "deploy/config.yaml") == []


def test_a_seed_users_password_given_by_position_over_several_lines() -> None:
    real = _strong(5)
    vin = mixed_value(6, 17).upper()
    java = (
        "List<SeedUser> users = List.of(\n"
        "    new SeedUser(\n"
        '        "Adam",\n'
        '        "adam@example.com",\n'
        '        "9876895423",\n'
        f'        "{real}",\n'
        "        ERole.ROLE_PREDEFINE,\n"
        '        "f89b5f21-7829-45cb-a650-299a61090378",\n'
        f'        "{vin}"));\n'
    )
    matches = Detector().scan(java.encode(), "src/TestUsers.java")
    assert [(m.secret, m.line) for m in matches] == [(real, 6)]


def test_a_record_without_an_address_or_a_strong_value_reports_nothing() -> None:
    real = _strong(7)
    assert _found(f'log("Adam", "{real}")\n', "src/Log.java") == []
    assert _found('new SeedUser("Adam", "adam@example.com", "adam")\n', "src/T.java") == []


def test_an_encodings_name_given_to_a_call_on_the_password_is_not_it() -> None:
    assert _found('team_password_key = self.password.encode("utf-8")\n', "models.py") == []
    real = mixed_value(8, 14)
    assert _found(f'team_password_key = "{real}"\n', "models.py") == [real]


def test_a_perl_hash_read_and_a_format_string_are_not_values() -> None:
    assert _found("\t$last_update_token = $o->{clock};\n", "hooks/fsmonitor.sample") == []
    subject = "Password Reset Request from {" + "ctf_name}"
    assert _found(f'DEFAULT_PASSWORD_RESET_SUBJECT = "{subject}"\n', "email.py") == []


def test_a_filler_with_an_owner_is_not_a_secret() -> None:
    for filler in ("my" + "Secret", "my" + "strong" + "salt"):
        assert _found(f'    "secret": "{filler}",\n', "tests/test_requests.py") == [], filler
        assert _found(f'    Salt: "{filler}",\n', "api/auth_test.go") == [], filler
    real = mixed_value(9, 20)
    assert _found(f'    "secret": "{real}",\n', "tests/test_requests.py") == [real]


def test_the_name_a_pipeline_binds_a_credential_to_is_not_the_credential() -> None:
    line = (
        "withCredentials([usernamePassword(credentialsId: 'flag9', "
        "usernameVariable: 'USERNAME', passwordVariable: 'FLAG')]) {\n"
    )
    assert _found(line, "Jenkinsfile") == []
    assert _found("PASSWORD_HASH_ALGO = pbkdf2\n", "app.ini") == []


def test_an_svg_attribute_after_a_providers_word_is_not_its_password() -> None:
    glyph = '<glyph glyph-name="snowflake" unicode="&#xf2dc;" horiz-adv-x="448"\n'
    assert _found(glyph, "fonts/icons.svg") == []


def test_a_character_escape_is_not_a_secret() -> None:
    escape = "\\" + "xc2"
    assert _found(f'secret = "{escape}"\n', "tests/test_api_jws.py") == []
    real = mixed_value(13, 20)
    assert _found(f'secret = "{real}"\n', "tests/test_api_jws.py") != []
