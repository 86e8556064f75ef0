"""Files the keyword rules leave alone (vendored libraries, minified scripts, source
maps, translation tables; provider rules still read them), credentials in SQL seed
rows, and the credential's own word given to a named credential. Values are built at
test time."""

from __future__ import annotations

import random
import string

from shieldwall.analyzers.secrets.engine import Detector
from shieldwall.analyzers.secrets.thirdparty import keyword_exempt
from tests.analyzers.secrets.samples import mixed_value

_value = mixed_value


def _found(text: str, path: str) -> list[tuple[str, int]]:
    return [(m.secret, m.line) for m in Detector().scan(text.encode(), path)]


def _aws_key(seed: int) -> str:
    rnd = random.Random(seed)
    return "AKIA" + "".join(rnd.choice(string.ascii_uppercase + "234567") for _ in range(16))


def test_a_keyword_pair_in_a_vendored_library_folder_is_not_reported() -> None:
    line = f'var password = "{_value(1)}";\n'
    assert _found(line, "src/app.js") != []
    for path in (
        "wwwroot/lib/bootstrap/dist/js/bootstrap.js",
        "static/js/libs/editor.js",
        "node_modules/pkg/index.js",
        "vendor/lib/client.js",
        "assets/app.min.js",
    ):
        assert _found(line, path) == [], path


def test_a_provider_key_in_a_vendored_library_is_still_reported() -> None:
    key = _aws_key(2)
    assert [s for s, _ in _found(f'var k = "{key}";\n', "static/lib/x.js")] == [key]


def test_a_minified_script_and_a_source_map_are_recognised_by_their_content() -> None:
    body = "var a=1;" * 400
    minified = f'{body}var secret="{_value(3, 24)}";{body}\n'.encode()
    assert keyword_exempt("src/bundle.js", minified) is not None
    source_map = b'{"version":3,"sources":["a.js"],"mappings":"AAAA"}'
    assert keyword_exempt("dist/out.js", source_map) is not None
    assert keyword_exempt("src/app.js", b'var password = "x";\n') is None


def test_a_library_licence_banner_marks_a_script_as_third_party() -> None:
    banner = b"/*!\n * Widget v1.2.3\n * Licensed MIT\n */\nvar DATA_KEY = 'bs.widget';\n"
    assert keyword_exempt("src/widget.js", banner) is not None
    assert keyword_exempt("src/widget.py", banner) is None


def test_translation_tables_are_not_read_by_keyword_rules() -> None:
    word = "Pass" + "wort"
    assert _found(f"password={word}\n", "src/main/resources/i18n/messages_de.properties") == []
    assert _found(f"password={word}\n", "lessons/reset/i18n/Labels.properties") == []
    assert keyword_exempt("config/application.properties", b"") is None


def test_a_password_column_in_an_insert_row_is_a_credential() -> None:
    a, b = _value(4, 10), _value(5, 12)
    sql = (
        "INSERT INTO `users` (`id`, `name`, `userPassword`, `email`) VALUES\n"
        f"  (1, 'ann', '{a}', 'ann@corp.test'),\n"
        f"  (2, 'bob', '{b}', 'bob@corp.test');\n"
    )
    assert sorted(_found(sql, "db/seed.sql")) == sorted([(a, 2), (b, 3)])


def test_the_column_list_may_come_from_the_files_create_table() -> None:
    a = _value(6, 11)
    sql = (
        "CREATE TABLE members(\n  userid varchar(250),\n  password varchar(30)\n);\n\n"
        f"INSERT INTO members VALUES ('larry', '{a}');\n"
    )
    assert _found(sql, "db/V1__members.sql") == [(a, 6)]


def test_a_hash_a_function_call_or_a_short_id_in_a_token_column_is_not_reported() -> None:
    digest = "".join(random.Random(7).choice("0123456789abcdef") for _ in range(32))
    sql = (
        "INSERT INTO users (name, password) VALUES ('ann', '" + digest + "');\n"
        "INSERT INTO users (name, password) VALUES ('bob', MD5('x'));\n"
        "INSERT INTO users (name, email) VALUES ('eve', 'eve@corp.test');\n"
        "INSERT INTO videos (id, identificationToken) VALUES (1, '" + _value(9, 11) + "');\n"
    )
    assert _found(sql, "db/seed.sql") == []


def test_the_credentials_own_word_under_a_qualified_key_is_a_weak_credential() -> None:
    word = "pass" + "word"
    compose = f"services:\n  api:\n    environment:\n      - EventBusPassword={word}\n"
    assert _found(compose, "docker-compose.yml") == [(word, 4)]
    secret = "sec" + "ret"
    assert _found(f'options.ClientSecret = "{secret}";\n', "Startup.cs") == [(secret, 1)]
    assert _found(f"password: {word}\n", "form.yml") == []  # a form's label, not a value


def test_a_literal_given_to_a_credential_constructor_is_a_credential() -> None:
    secret = "sec" + "ret"
    line = f'ClientSecrets = {{ new Secret("{secret}".Sha256()) }},\n'
    assert _found(line, "Identity/Config.cs") == [(secret, 1)]
    value = _value(8, 16)
    assert _found(f'new Secret("{value}")\n', "Identity/Config.cs") == [(value, 1)]


def test_a_key_in_a_documentation_source_folder_is_rated_low() -> None:
    # a framework's docs build their examples from `docs_src/` (FastAPI's tutorial
    # signing key); copied into a repository with the framework, it is documentation
    line = f'SECRET_KEY = "{_value(3)}"\n'

    def ratings(path: str) -> set[str]:
        return {m.severity.value for m in Detector().scan(line.encode(), path)}

    assert ratings("app/settings.py") == {"medium"}
    for path in (
        "vendored/fastapi/docs_src/security/tutorial004.py",
        "docs/security.py",
    ):
        assert ratings(path) == {"low"}, path
