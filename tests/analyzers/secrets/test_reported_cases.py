"""The false alarms and misses users reported on real projects, one test each.
Credential-shaped values are assembled at test time from a seeded generator."""

from __future__ import annotations

import random
import string

import pytest

from shieldwall.analyzers.secrets.engine import Detector, Match
from shieldwall.model import Severity

DETECTOR = Detector()


def random_value(seed: int, size: int = 24) -> str:
    rnd = random.Random(seed)
    return "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(size))


def scan(text: str, path: str) -> list[Match]:
    return DETECTOR.scan(text.encode(), path)


# ---- false alarms ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "text"),
    [
        # a value read from a secret manager, an environment, a command
        ("job.py", 'PGPASSWORD = secret_response.payload.data.decode("UTF-8")\n'),
        ("job.py", 'password = parsed.read("$.value.password")\n'),
        ("run.sh", 'export PGPASSWORD="$(gcloud secrets versions access latest)"\n'),
        ("run.sh", "Passwd=`awk '/host/{print $2}' hosts.txt`\n"),
        ("app.rb", '@password ||= "user_#{rand(1000)}"\n'),
        # a file path
        ("deploy.yaml", "  token: secrets/prod/api_token\n"),
        ("README.md", "  password_file: config/secrets/db.password\n"),
        # buildx secret flags and a secret's name
        ("build.sh", "docker buildx build --secret id=npmrc,src=$HOME/.npmrc .\n"),
        ("README.md", "docker buildx build --secret id=mysecret,src=mysecret.txt .\n"),
        ("run.sh", "wrongsecret-cli --secret=wrongsecret-3\n"),
        ("hint.adoc", "Run `gcloud secrets versions access latest --secret=wrongsecret-3`.\n"),
        ("README.md", "- Password: $POSTGRES_PW (see .env)\n"),
        ("app.properties", "challenge.password=if_you_see_this_please_use_vault\n"),
        # Go error and log format strings
        ("main.go", 'return fmt.Errorf("invalid token: %v", err)\n'),
        ("main.go", 'log.Printf("password=%q for user %s", pw, user)\n'),
        ("main.go", 'msg := fmt.Sprintf("secret=%x", digest)\n'),
        # injection payloads quoted in documentation
        ("docs/sqli.md", "password: ' OR '1'='1\n"),
        ("docs/sqli.md", "password=admin' --\n"),
        ("docs/xss.md", 'password: "<script>alert(1)</script>"\n'),
        ("docs/rce.adoc", "template: $password = \"'; system('rm -rf /'); //\"\n"),
        # user-interface labels about passwords, in any language
        ("i18n/de.json", '{"LABEL_PASSWORD": "Passwort"}\n'),
        ("i18n/pl.json", '{"TITLE_FORGOT_PASSWORD": "Zapomnia\u0142em has\u0142a"}\n'),
        ("api.test.ts", "expect(errors).toEqual({ password: 'Invalid Password' })\n"),
        ("errors.txt", "Win32ErrorCode.NERR_PasswordCantChange = 2243 -> Win32ErrorCode\n"),
        # identifiers: an OID, a Windows resource name, a pagination cursor
        ("ldap.go", 'ControlTypePasswordMustChange = "2.16.840.1.113730.3.4.4"\n'),
        ("theme.xaml", '<SolidColorBrush x:Key="BlueLinkButtonTextBrush" Color="Blue"/>\n'),
        ("api.py", "page = client.list(next_token='nextToken1')\n"),
    ],
)
def test_not_a_credential(path: str, text: str) -> None:
    assert [(m.rule_id, m.secret) for m in scan(text, path)] == []


def test_documentation_placeholder_of_a_provider_format_is_low() -> None:
    digits = "".join(str(i % 10) for i in range(1, 11))
    letters = string.ascii_lowercase[:24]
    placeholder = "-".join(["xox" + "b", digits, digits + "123", letters])
    found = scan(f"SLACK_TOKEN={placeholder}\n", "docs/slack.md")
    assert found, "the format is still reported"
    assert {m.severity for m in found} == {Severity.LOW}
    assert all("documentation example" in m.detail for m in found if m.detail)


# ---- misses ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "template", "line"),
    [
        ("run.sh", 'export SECRET_VALUE="{v}"\n', 1),
        ("Dockerfile", "FROM alpine\nARG CTF_KEY={v}\n", 2),
        ("Dockerfile", "FROM alpine\nENV DB_KEY={v}\n", 2),
        ("README.md", "docker run -e POSTGRES_PASSWORD={v} \\\n  postgres\n", 1),
        ("Client.java", 'props.load("app.proxy.password={v}");\n', 1),
        ("client.rb", 'url = "https://host/api?private_token={v}&ref=main"\n', 1),
        ("fixture.yml", 'body: \'{{"access_token":"{v}","token_type":"bearer"}}\'\n', 1),
        ("notes.md", "curl -H 'Authorization: Bearer {v}' https://host/api\n", 1),
        ("amqp.conf", "# AMQP_PASSWORD = {v}\n", 1),
        ("users.ldif", "userPassword: {v}\n", 1),
        ("Settings.cs", 'const string password2 = "{v}";\n', 1),
        ("app.py", 'app.config["MAILGUN_API_KEY"] = "{v}"\n', 1),
        ("Conf.scala", 'password = Some("{v}"),\n', 1),
        ("Creds.java", 'final CredentialValue password = new CredentialValue("{v}");\n', 1),
        ("signup.rb", 'password_confirmation: "{v}",\n', 1),
        ("oauth.js", "oauth_nonce: '{v}',\n", 1),
        ("application.properties", "spring.datasource.password=${{DB_PASSWORD:{v}}}\n", 1),
        ("run.sh", 'export DB_PASSWORD="${{DB_PASSWORD:-{v}}}"\n', 1),
    ],
)
def test_found(path: str, template: str, line: int) -> None:
    value = random_value(len(path) + line)
    found = scan(template.format(v=value), path)
    assert [(m.line, m.secret) for m in found] == [(line, value)]
