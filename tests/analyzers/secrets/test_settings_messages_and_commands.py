"""Settings and commands a deployment writes credentials in - a service's
password set to its own word in a manifest or `.env`, a `KEY=value` pair given as
a flag's value (`kubectl create secret --from-literal=password=...`), a tuple
assignment paired by position - and values that sit where a credential would but
are not one: a form validation's message, a continued line's `\\`, a user name
given to a command that is not curl, an HTTP Basic credential with an empty
password, a call's name, a file's name. Values are built at test time."""

from __future__ import annotations

import base64

from shieldwall.analyzers.secrets.engine import Detector
from tests.analyzers.secrets.samples import mixed_value

_WORD = "pass" + "word"


def _found(text: str, path: str) -> list[str]:
    return [m.secret for m in Detector().scan(text.encode(), path)]


def _strong(seed: int) -> str:
    return mixed_value(seed, 9) + "!" + str(seed % 10)


def test_a_services_password_set_to_its_own_word_in_a_manifest_or_env_file() -> None:
    manifest = f"data:\n  POSTGRES_PASSWORD: {_WORD}\n  SPRING_DATASOURCE_PASSWORD: {_WORD}\n"
    assert _found(manifest, "kubernetes-manifests/ledger-db.yaml") == [_WORD, _WORD]
    assert _found(f"MONGODB_PASSWORD={_WORD}\n", ".env") == [_WORD]
    assert _found(f'POSTGRES_PASSWORD="{_WORD}"\n', "init/ledger.env") == [_WORD]


def test_a_variable_set_for_one_command_to_its_own_word_is_a_builds_dummy() -> None:
    word = "sec" + "ret"
    run = f"RUN APP_SECRET_TOKEN={word} bundle exec rake assets:precompile\n"
    assert _found(run, "docker/Dockerfile") == []
    assert _found(f"    POSTGRES_PASSWORD: {_WORD}\n", "tests/fixtures/db.yaml") == []


def test_a_key_value_pair_given_as_a_flags_value() -> None:
    real = _strong(1)
    line = (
        "kubectl create secret generic db --from-literal=username=admin "
        f"--from-literal=password={real} \\\n"
    )
    assert _found(line, "deploy/README.md") == [real]


def test_a_tuple_assignment_pairs_names_and_literals_by_position() -> None:
    real = _strong(2)
    names = ", ".join(("user", _WORD))
    assert _found(f'{names} = "admin", "{real}"\n', "app/seed.py") == [real]
    line = f'    email, username, {_WORD} = "test@test.com", "username", "{_WORD}"\n'
    assert _found(line, "app/tests_registration.py") == []


def test_a_form_validations_message_under_the_field_is_not_a_value() -> None:
    spec = (
        "errors: {\n"
        "  password: ['is too short (minimum is 8 characters)'],\n"
        "  'email or password': ['is invalid'],\n"
        "}\n"
    )
    assert _found(spec, "src/features/auth/authSlice.js") == []


def test_a_continued_lines_backslash_is_not_part_of_the_value() -> None:
    dockerfile = "ENV MYSQL_ALLOW_EMPTY_PASSWORD=yes \\\n    MYSQL_DATABASE=cities\n"
    assert _found(dockerfile, "mysql/Dockerfile") == []


def test_a_user_name_with_a_colon_given_to_a_command_other_than_curl() -> None:
    assert _found("oc login -u system:admin\n", "OpenShift/setup.sh") == []
    assert _found("docker run -u root:wheel image\n", "run.sh") == []
    real = _strong(3)
    assert _found(f"curl -u admin:{real} https://api.local/\n", "run.sh") == [real]


def test_an_http_basic_credential_with_an_empty_password_holds_no_secret() -> None:
    client_only = base64.b64encode(b"browser:").decode()
    line = f"headers: {{'Authorization': 'Basic {client_only}'}},\n"
    assert _found(line, "static/js/launch.js") == []
    with_password = base64.b64encode(f"browser:{_strong(4)}".encode()).decode()
    line = f"headers: {{'Authorization': 'Basic {with_password}'}},\n"
    assert _found(line, "static/js/launch.js") == [with_password]


def test_a_pairs_value_followed_by_a_parenthesis_is_a_calls_name() -> None:
    doc = f"curl -d \"{{'u': 'rick'; update users set password=md5('{_WORD}')}}\" http://x/\n"
    assert not [v for v in _found(doc, "exercises/01.md") if v.startswith("md5")]


def test_a_files_name_under_a_secrets_key_is_where_it_is_kept() -> None:
    assert _found("JWT_SECRET=jwt-secret.yaml\n", "init/install-script.sh") == []


def test_a_hash_function_given_a_literal_in_a_seed_rows_password_column() -> None:
    weak, strong = _WORD, _strong(5)
    sql = (
        "INSERT INTO users (first_name, username, pwd_hash, is_admin)\nVALUES\n"
        f"  ('Super', 'superadmin', md5('{weak}'), TRUE),\n"
        f"  ('Peter', 'p.parker', MD5('{strong}'), FALSE);\n"
    )
    found = [(m.secret, m.line) for m in Detector().scan(sql.encode(), "migrations/001.sql")]
    assert found == [(weak, 3), (strong, 4)]
    template = "INSERT INTO users (name, pwd_hash) VALUES ('ann', md5('{$pw}'));\n"
    assert _found(template, "setup.php") == []
    computed = "INSERT INTO users (name, pwd_hash) VALUES ('ann', upper('abcdefgh'));\n"
    assert _found(computed, "migrations/002.sql") == []


def test_the_password_given_by_position_to_a_call_that_creates_a_user() -> None:
    real, other = _strong(6), _strong(7)
    java = f'    insertUser("admin", "{real}");\n    insertUser("eve", "{other}");\n'
    assert _found(java, "src/main/java/Postgres.java") == [real, other]
    django = f"User.objects.create_superuser('admin', 'admin@example.com', '{real}')\n"
    assert _found(django, "deploy/entrypoint.sh") == [real]
    assert _found("create_user(form.name, 'x@example.com')\n", "app/views.py") == []


def test_a_terraform_blocks_value_under_a_key_that_names_a_credential() -> None:
    token = mixed_value(8, 32).lower()
    block = (
        'resource "gitlab_group_variable" "token_variable" {\n'
        "  group   = gitlab_group.main.id\n"
        '  key     = "TOKEN"\n'
        "  masked  = true\n"
        f'  value   = "{token}"\n'
        "}\n"
    )
    found = [(m.secret, m.line) for m in Detector().scan(block.encode(), "gitlab/gitlab.tf")]
    assert found == [(token, 5)]
    other = block.replace('"TOKEN"', '"REGION"')
    assert _found(other, "gitlab/gitlab.tf") == []


def test_a_pairs_value_that_hashes_a_literal_gives_the_literal() -> None:
    real = _strong(9)
    line = f"mysql -e \"UPDATE users SET pwd=md5('{real}') WHERE id=1\"\n"
    assert _found(line, "install.sh") == [real]


def test_a_urls_password_when_its_host_is_filled_in_at_run_time() -> None:
    real = _strong(10)
    go = f'\tamqpUri = fmt.Sprintf("amqp://guest:{real}@%s:5672/", amqpHost)\n'
    assert _found(go, "dispatch/main.go") == [real]
    python = 'url = f"postgres://app:{pw}@{host}/db"\n'
    assert _found(python, "app/db.py") == []
