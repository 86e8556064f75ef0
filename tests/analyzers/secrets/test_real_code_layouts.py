"""Layouts real code leaks credentials in (setters, named arguments, curl's user and
headers, commented-out config) and values a reviewer would not call one (a URL on a
documentation domain, a password hash, a typed example, punctuation, the key's own
name, an icon font's code point, a route's target, a comparison, a stylesheet after a
provider's word, the digest of a word on the same line). Values are built at test time."""

from __future__ import annotations

import hashlib
import random
import string

from shieldwall.analyzers.secrets.engine import Detector


def _value(seed: int, n: int = 20, pool: str = string.ascii_letters + string.digits) -> str:
    rnd = random.Random(seed)
    while True:
        out = "".join(rnd.choice(pool) for _ in range(n))
        if any(c.isdigit() for c in out) and any(c.isalpha() for c in out):
            return out


def _found(text: str, path: str) -> list[tuple[str, int]]:
    return [(m.secret, m.line) for m in Detector().scan(text.encode(), path)]


def test_a_setter_given_a_literal_is_a_credential() -> None:
    value = _value(1)
    assert _found(f'config.setJwtSecretKey("{value}");\n', "src/Config.java") == [(value, 1)]


def test_a_call_given_a_credential_name_and_a_literal_is_a_credential() -> None:
    value = _value(2, 14)
    found = _found(f'props.setProperty("db.password", "{value}");\n', "src/Db.java")
    assert found == [(value, 1)]


def test_curl_user_password_is_a_credential_and_a_uid_gid_pair_is_not() -> None:
    value = _value(3, 12)
    assert _found(f'curl -s --user "admin:{value}" https://registry.local/v2/\n', "setup.sh") == [
        (value, 1)
    ]
    assert _found("docker run -u 1000:1000 --rm img\n", "run.sh") == []


def test_curl_user_in_documentation_backticks_is_the_syntax_not_a_credential() -> None:
    assert _found("Pass curl's `--user name:password` or `-u name:password`.\n", "README.md") == []
    value = _value(11, 12)
    assert _found(f"Run `curl -u admin:{value} http://10.0.0.2/`\n", "README.md") != []


def test_a_bare_add_call_naming_a_secret_is_a_registry_not_a_credential() -> None:
    rule_id = "RT-K8S-" + "SECRET-READ"
    assert _found(f'add("k8s-secret-read", "{rule_id}")\n', "src/events.py") == []
    value = _value(12, 24)
    found = _found(f'req.addHeader("X-Api-Key", "{value}");\n', "src/Client.java")
    assert found == [(value, 1)]


def test_a_token_in_a_curl_header_is_a_credential() -> None:
    value = _value(4, 32, "0123456789abcdef")
    line = f'curl -k https://10.0.0.2:8000 -H "Accept: text/plain" -H "X-Auth-Token: {value}"\n'
    assert _found(line, "docs/api.md") == [(value, 1)]


def test_url_credentials_on_a_documentation_domain_are_an_example() -> None:
    value = _value(5, 12)
    assert _found(f'url = "https://john:{value}@proxy.example.com"\n', "settings.py") == []
    assert _found(f'url = "https://john:{value}@proxy.corp.lan"\n', "settings.py") != []


def test_a_password_hash_in_crypt_form_is_not_a_password() -> None:
    salted = _value(6, 53, string.ascii_letters + string.digits + "./")
    assert _found(f"password: $2a$10${salted}\n", "users.yml") == []


def test_a_typed_example_token_in_a_url_query_is_not_a_credential() -> None:
    line = '"current_user_url": "https://github.com/octocat.private?token=abc123",\n'
    assert _found(line, "testdata/user.json") == []


def test_punctuation_alone_is_not_a_password() -> None:
    assert _found('password = ",.:-@*?!"\n', "check.py") == []


def test_the_key_s_own_name_is_not_its_value() -> None:
    assert _found('  secret_data = "secret-data"\n', "main.tf") == []


def test_commented_out_config_in_code_is_read() -> None:
    value = _value(7, 16)
    assert _found(f"# password: {value}\n", "app/settings.py") == [(value, 1)]


def test_a_call_naming_two_parameters_holds_no_credential() -> None:
    line = '@sensitive_variables("password1", "password2")\n'
    assert _found(line, "auth/forms.py") == []


def test_a_comment_saying_what_a_password_is_holds_none() -> None:
    assert _found("# Password: Test\n", "tests/test_xml.py") == []


def test_basic_followed_by_a_word_is_no_authorization() -> None:
    assert _found("    # Basic univariate case:\n", "solvers/solveset.py") == []


def test_the_http_basic_specification_s_example_pair_is_documentation() -> None:
    import base64

    example = base64.b64encode(b"Aladdin:" + b"open sesame").decode()
    assert _found(f"Authorization: Basic {example}\n", "docs/auth.md") == []
    pair = f"deploy:{_value(13, 16)}".encode()
    real = base64.b64encode(pair).decode()
    assert _found(f"Authorization: Basic {real}\n", "docs/auth.md") == [(real, 1)]


def test_an_icon_font_s_code_point_under_a_key_name_is_not_a_credential() -> None:
    entity = "&#x" + "e086;"
    assert _found(f"  'icon-key' : '{entity}',\n", "fonts/lte-ie7.js") == []
    escape = "\\" + "f21b"
    assert _found(f'@fa-var-user-secret: "{escape}";\n', "less/variables.less") == []


def test_an_entity_next_to_a_real_password_leaves_the_password_found() -> None:
    value = _value(1, 14)
    assert _found(f'password = "{value}"\n', "app.py") == [(value, 1)]


def test_a_route_s_controller_and_action_is_not_a_token() -> None:
    target = "password_resets" + "#" + "confirm_token"
    line = f'  get "password_resets" => "{target}"\n'
    assert _found(line, "config/routes.rb") == []


def test_two_fields_compared_without_spaces_hold_no_value() -> None:
    line = "if(req.body.password==req.body.c" + "password){\n"
    assert _found(line, "docs/solution.md") == []


def test_a_pair_in_text_is_still_read() -> None:
    value = _value(2, 14)
    assert _found(f"run with -e DB_PASSWORD={value} set\n", "docs/run.md") == [(value, 1)]


def test_a_stylesheet_after_a_provider_s_word_is_not_its_password() -> None:
    css = '.fa-snowflake-o:before{content:"\\' + 'f2dc"}.fa-meetup:before{content:"\\' + 'f2e0"}\n'
    assert _found(css, "css/font-awesome.min.css") == []


def test_a_provider_keyword_password_is_still_found() -> None:
    value = _value(3, 16)
    found = _found(f"SNOWFLAKE_PASSWORD={value}\n", ".env")
    assert (value, 1) in found


def test_a_template_field_or_a_reference_after_a_providers_word_is_not_a_password() -> None:
    field = "{" + "value}"
    for line in (
        f'found = scan(f"SNOWFLAKE_PASSWORD={field}\\n")\n',
        "SNOWFLAKE_PASSWORD={{ snowflake_pw }}\n",
        "SNOWFLAKE_PASSWORD=%(pw)s\n",
        "SNOWFLAKE_PASSWORD=${SNOWFLAKE_PW}\n",
    ):
        assert _found(line, "tests/test_client.py") == [], line
    value = _value(4, 16)
    assert _found(f"SNOWFLAKE_PASSWORD={value}\n", ".env") == [(value, 1)]


def test_the_digest_of_a_word_on_the_line_is_a_sample_not_a_token() -> None:
    digest = hashlib.md5(b"user").hexdigest()
    line = f"http://127.0.0.1:9090/resetpw?login=user&token={digest}\n"
    assert _found(line, "docs/solution/a2.md") == []


def test_a_hex_token_that_digests_no_word_on_the_line_is_found() -> None:
    token = hashlib.sha256(_value(4).encode()).hexdigest()[:32]
    line = f"http://127.0.0.1:9090/resetpw?login=user&token={token}\n"
    assert [v for v, _ in _found(line, "docs/solution/a2.md")] == [token]


def test_a_browser_test_filling_in_a_password_field_holds_a_password() -> None:
    value = "hackety" + "hack"
    text = f'fill_in "user_password", with: "{value}"\nfill_in "user_email", with: "a@b.c"\n'
    assert _found(text, "spec/vulnerabilities/sql_injection_spec.rb") == [(value, 1)]


def test_a_tutorial_typing_into_a_password_field_by_css_id_holds_a_password() -> None:
    value = _value(5, 12)
    text = f"resolved: waitForInputToHaveValue('#password', '{value}')\n"
    assert _found(text, "src/challenges/loginJim.ts") == [(value, 1)]
    assert _found(f"await page.fill('#password', '{value}');\n", "e2e/login.spec.ts") == [
        (value, 1)
    ]


def test_a_form_field_that_names_no_credential_is_not_filled_with_one() -> None:
    value = _value(6, 12)
    assert _found(f"await page.fill('#email', '{value}');\n", "e2e/login.spec.ts") == []


def test_the_key_given_to_a_keyed_hash_or_a_token_signer_is_a_credential() -> None:
    value = _value(7, 24)
    node = f"const h = crypto.createHmac('sha256', '{value}').update(d).digest('hex')\n"
    assert _found(node, "lib/insecurity.ts") == [(value, 1)]
    python = f"digest = hmac.new(b'{value}', msg, hashlib.sha256).hexdigest()\n"
    assert _found(python, "app/sign.py") == [(value, 1)]
    signer = f"const t = jwt.sign(payload, '{value}', {{ expiresIn: '1h' }})\n"
    assert _found(signer, "routes/login.js") == [(value, 1)]


def test_a_keyed_hash_given_a_variable_holds_no_literal() -> None:
    text = "const h = crypto.createHmac('sha256', process.env.HMAC_KEY).update(d)\n"
    assert _found(text, "lib/insecurity.ts") == []


def test_an_app_setting_named_for_a_credential_is_read_from_its_value_attribute() -> None:
    first, second, third = _value(41, 32), _value(42, 14), _value(43, 32)
    text = (
        "<appSettings>\n"
        f'  <add key="StripeApiKey" value="{first}" />\n'
        f'  <add key="SmtpPassword" value="{second}" />\n'
        f'  <add key="ClientId" value="{third}" />\n'
        '  <add key="ApiKey" value="$(API_KEY)" />\n'
        "</appSettings>\n"
    )
    assert _found(text, "Web.config") == [(first, 2), (second, 3)]


def test_a_login_module_option_about_passwords_is_not_a_password() -> None:
    text = '<module-option name="password-stacking" value="useFirstPass"/>\n'
    assert _found(text, "standalone.xml") == []
