"""Sample applications' stand-ins and infrastructure examples: a command's help text,
a form validator's rules, a value that calls itself a sample, typed runs, Make's
escaped variable, base64 of an armour line alone, a key cut to a few lines, a URL
whose host is a template, Tomcat's commented-out example users and a vendored Chef
cookbook's README. Values are built at test time."""

from __future__ import annotations

import base64

from shieldwall.analyzers.secrets.engine import Detector
from tests.analyzers.secrets.samples import mixed_value, pem_block


def _found(text: str, path: str) -> list[tuple[str, int]]:
    return [(m.secret, m.line) for m in Detector().scan(text.encode(), path)]


def test_a_commands_help_text_naming_the_flags_argument_is_not_a_value() -> None:
    usage = "    [--refresh-cache] [--env] [--api-token API_TOKEN]\n"
    options = "  --api-token API_TOKEN, -a API_TOKEN\n"
    assert _found(usage + options, "inventory/digital_ocean.py") == []
    token = mixed_value(41, 24)
    assert (token, 1) in _found(f"  --api-token {token}\n", "scripts/deploy.sh")


def test_a_form_validators_rules_are_not_a_password() -> None:
    rules = "|".join(["required", "string", "min:6", "confirmed"])
    text = f"        'password' => '{rules}',\n        'password' => 'sometimes|min:6',\n"
    assert _found(text, "app/Http/Requests/RegisterUser.php") == []
    password = mixed_value(42)
    assert (password, 1) in _found(f"'password' => '{password}',\n", "config/mail.php")


def test_a_value_that_calls_itself_a_sample_is_a_placeholder() -> None:
    sample = "".join(["thisisa", "sample", "secret"])
    assert _found(f"JWT_SECRET={sample}\n", ".env.example") == []
    real = mixed_value(43, 20)
    assert (real, 1) in _found(f"JWT_SECRET={real}\n", ".env.example")


def test_typed_runs_of_digits_and_letters_are_a_placeholder() -> None:
    typed = "123456" + "abcdefg"
    assert _found(f"api_token = {typed}\n", "inventory/digital_ocean.ini") == []


def test_makes_escaped_shell_variable_is_a_reference() -> None:
    line = '\t\t--docker-password="$$DOCKER_PASSWORD" \\\n'
    assert _found(line, "helpers/terraform/Makefile") == []


def test_base64_of_an_armour_line_alone_holds_no_key() -> None:
    head = base64.b64encode(b"-----BEGIN `PRIVATE KEY-----\n").decode().rstrip("=")
    short = base64.b64encode(b"-BEGIN `PRIVATE ").decode().rstrip("=")
    text = f'    "cert_key": "{head}",\n    "elk_pass": "{short}",\n'
    assert _found(text, "charts/tests/chart_test.py") == []
    whole = base64.b64encode(pem_block().encode()).decode()
    assert _found(f'    "cert_key": "{whole}",\n', "charts/tests/chart_test.py") != []


def test_a_key_cut_to_a_few_lines_is_not_a_private_key() -> None:
    der = b"\x30\x82\x04\xa4" + bytes((i * 11) % 256 for i in range(126))
    assert _found(pem_block(body=der) + "\n", "charts/tests/chart_test.py") == []
    assert _found(pem_block() + "\n", "charts/tests/chart_test.py") != []


def test_a_url_whose_host_is_a_template_still_gives_its_password() -> None:
    password = mixed_value(44)
    line = f"db_uri = 'mysql://flask:{password}@{{{{ host_ip_address }}}}/flask'\n"
    assert (password, 1) in _found(line, "provisioning/www/index.py.j2")


def test_tomcats_commented_out_example_users_are_not_reported() -> None:
    word = "tom" + "cat"
    users = (
        "<!--\n"
        f'  <user username="{word}" password="{word}" roles="{word}"/>\n'
        f'  <user username="both" password="{word}" roles="{word},role1"/>\n'
        "-->\n"
    )
    assert _found(users, "roles/tomcat/templates/tomcat-users.xml") == []
    password = mixed_value(45)
    active = f'<tomcat-users>\n  <user username="{word}" password="{password}"/>\n</tomcat-users>\n'
    assert (password, 2) in _found(active, "roles/tomcat/templates/tomcat-users.xml")


def test_a_vendored_cookbooks_readme_is_left_to_the_provider_rules() -> None:
    password = mixed_value(46)
    text = f"mysql_service 'default' do\n  initial_root_password '{password}'\nend\n"
    assert _found(text, "chef/cookbooks/mysql/README.md") == []
    assert (password, 2) in _found(text, "chef/cookbooks/mysql/recipes/default.rb")


def test_a_data_protection_keys_value_is_read_below_its_element() -> None:
    key = base64.b64encode(mixed_value(47, 48).encode()).decode()
    text = (
        '<masterKey p4:requiresEncryption="true" xmlns:p4="urn:dataProtection">\n'
        "  <!-- Warning: the key below is in an unencrypted form. -->\n"
        f"  <value>{key}</value>\n"
        "</masterKey>\n"
    )
    assert _found(text, "src/Web/key-ring.xml") == [(key, 3)]


def test_a_frameworks_hidden_form_field_name_is_not_a_token() -> None:
    field = "__" + "RequestVerification" + "Token"
    line = f'    public static string TokenTag = "{field}";\n'
    assert _found(line, "tests/FunctionalTests/WebPageHelpers.cs") == []
    token = mixed_value(48, 24)
    assert (token, 1) in _found(line.replace(field, token), "src/Web/Helpers.cs")


def test_a_list_of_users_name_and_password_pairs_gives_the_passwords() -> None:
    first, second = mixed_value(49), mixed_value(50)
    filler = "1234" + "5678"
    text = (
        "def db_init_users():\n"
        "    users = [\n"
        f"        ('admin', '{first}'),\n"
        f"        ('elliot', '{second}'),\n"
        f"        ('tim', '{filler}')\n"
        "    ]\n"
    )
    assert _found(text, "app/db_init.py") == [(first, 3), (second, 4)]
    pairs = text.replace("users = [", "colours = [")
    assert _found(pairs, "app/db_init.py") == []
