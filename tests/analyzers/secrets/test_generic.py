"""The generic detector: credential-named keys assigned literals, in code and
config formats, and what it must leave alone. Values are assembled at test time."""

from __future__ import annotations

import pytest

from shieldwall.analyzers.secrets.engine import GENERIC_PASSWORD, GENERIC_TOKEN, Detector
from shieldwall.model import Rule, Severity

DETECTOR = Detector()
PW = "Vq7" + "-r2Lm" + "9xTz"  # a password-looking literal
TOK = "k3Jd9" + "Qw82mZx7" + "Lp0aVb5nR4"  # a token-looking literal


def generic(text: str, path: str) -> list[tuple[Rule, int, Severity | None]]:
    return [
        (m.rule, m.line, m.severity)
        for m in DETECTOR.scan(text.encode(), path)
        if m.rule in (GENERIC_PASSWORD, GENERIC_TOKEN)
    ]


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        ("app/settings.py", f'DB_PASSWORD = "{PW}"\n', 1),
        ("app/settings.py", f'conf = {{"password": "{PW}"}}\n', 1),
        ("main.go", f'dbPassword := "{PW}"\n', 1),
        ("src/app.js", f"if (password === '{PW}') {{}}\n", 1),
        ("config.yaml", f"db:\n  password: {PW}\n", 2),
        ("config.json", f'{{\n  "password": "{PW}"\n}}\n', 2),
        (".env", f"POSTGRES_PASSWORD={PW}\n", 1),
        ("app.properties", f"spring.datasource.password={PW}\n", 1),
        ("settings.ini", f"[db]\npasswd = {PW}\n", 2),
        ("pyproject.toml", f'[tool.x]\npassword = "{PW}"\n', 2),
        ("main.tf", f'resource "x" "y" {{\n  master_password = "{PW}"\n}}\n', 2),
        ("Dockerfile", f"FROM alpine\nENV DB_PASSWORD {PW}\n", 2),
        ("Dockerfile", f"ARG password={PW}\n", 1),
        (
            "docker-compose.yaml",
            f"services:\n  db:\n    environment:\n      - MYSQL_ROOT_PASSWORD={PW}\n",
            4,
        ),
        ("k8s/deploy.yaml", f'env:\n  - name: DB_PASSWORD\n    value: "{PW}"\n', 3),
        ("web.config", f"<password>{PW}</password>\n", 1),
        ("run.sh", f"mysql --password={PW} db\n", 1),
    ],
)
def test_password_literals_are_found(path: str, text: str, line: int) -> None:
    hits = generic(text, path)
    assert (GENERIC_PASSWORD, line) in [(r, ln) for r, ln, _ in hits]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("app.py", f'API_TOKEN = "{TOK}"\n'),
        ("config.yaml", f"client_secret: {TOK}\n"),
        ("app.js", f"const apiKey = '{TOK}';\n"),
    ],
)
def test_token_literals_are_found(path: str, text: str) -> None:
    assert [r for r, _, _ in generic(text, path)] == [GENERIC_TOKEN]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("c.yaml", "password: ${DB_PASSWORD}\n"),
        ("c.yaml", "password: changeme\n"),
        ("c.yaml", "password: <your-password>\n"),
        ("c.yaml", "password: xxxxxxxx\n"),
        ("values.yaml", "password: {{ .Values.db.password }}\n"),
        ("c.yaml", 'password: "{{ .Values.db.password }}"\n'),
        ("app.py", 'password = os.environ["DB_PASSWORD"]\n'),
        ("app.py", "password = get_password()\n"),
        ("app.py", 'password_file = "/run/secrets/db"\n'),
        ("app.py", 'PASSWORD_FIELD = "password"\n'),
        ("app.py", 'GENERIC_PASSWORD = "SECRET-GENERIC-PASSWORD"\n'),
        ("app.py", 'password = ""\n'),
        (
            "k8s.yaml",
            "env:\n  - name: DB_PASSWORD\n    valueFrom:\n"
            "      secretKeyRef: {name: db, key: pw}\n",
        ),
        ("t.yaml", "token: arn:aws:secretsmanager:eu-west-1:123:secret:db\n"),
        ("cf.yaml", "AuthToken: '{{resolve:secretsmanager:db:SecretString:password}}'\n"),
        ("main.tf", "password = var.db_password\n"),
        ("a.py", 'aws_secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n'),
        ("c.yaml", "commit_id: 0123456789abcdef0123456789abcdef01234567\n"),
        ("c.yaml", "request_id: 123e4567-e89b-12d3-a456-426614174000\n"),
        ("c.yaml", "token_type: bearer\n"),
        ("c.yaml", "password: Please enter your password here\n"),
        ("c.yaml", "has_password: true\n"),
        ("c.yaml", "token: mytoken\n"),
    ],
)
def test_not_secrets_are_left_alone(path: str, text: str) -> None:
    assert generic(text, path) == []


def test_lock_file_integrity_hashes_are_not_secrets() -> None:
    text = '"integrity": "sha512-' + "Q" * 20 + 'abcdEFGH1234==",\n"token": "' + TOK + '"\n'
    assert generic(text, "package-lock.json") == []


def test_test_code_is_low_not_silent() -> None:
    hits = generic(f'password = "{PW}"\n', "tests/test_login.py")
    assert hits and all(sev is Severity.LOW for _, _, sev in hits)
    hits = generic(f'mock_password = "{PW}"\n', "app/login.py")
    assert hits and hits[0][2] is Severity.LOW


def test_weak_password_is_medium_strong_is_high() -> None:
    assert generic("password: root\n", "c.yaml")[0][2] is Severity.MEDIUM
    assert generic(f"password: {PW}\n", "c.yaml")[0][2] is Severity.HIGH


def test_bare_values_in_code_are_expressions_not_literals() -> None:
    bare = "Vq7" + "r2Lm9xTz"  # a name in code, a password in a config file
    assert generic(f"password = {bare}\n", "app.py") == []
    assert generic(f"password = {bare}\n", "app.env") != []


# ---- file types: how each writes a literal --------------------------------------
GO_PW = "Vq7" + "$r2L#m9xTz"  # holds characters Go's lexer rejects outside quotes


@pytest.mark.parametrize(
    ("path", "text", "found"),
    [
        # C, C++, C#, Objective-C: "..." (and @"...") are strings, '...' a character constant
        ("auth.c", f'char secret_key[25] = "{TOK}";\n', True),
        ("Auth.cs", f'var password = @"{PW}";\n', True),
        ("Auth.m", f'password = @"{PW}";\n', True),
        ("auth.c", f"api_key = '{TOK}';\n", False),
        ("Auth.cs", f"password = @'{PW}';\n", False),
        ("auth.cpp", f"db_pass[] = '{PW}';\n", False),
        # ... unless the single quotes sit inside a string (SQL in C)
        ("db.c", f"exec(\"UPDATE users SET password = '{PW}'\");\n", True),
        # other code: any quote opens a string
        ("app.py", f"api_key = '{TOK}'\n", True),
        ("app.js", f"const secret = `{TOK}`;\n", True),
        # Go: quoted values, and bare values that cannot be Go expressions
        ("main.go", f"password := {GO_PW}\n", True),
        ("main.go", f"db_pass = {GO_PW},\n", True),
        ("main.go", "password := cfg.Password\n", False),
        ("main.go", "password = userSupplied\n", False),
        ("main.go", 'password := os.Getenv("DB_PASSWORD")\n', False),
        ("main.go", f"// password = {GO_PW}\n", False),
        # the same bare value is an expression in Python, a literal in config
        ("app.py", f"password = {GO_PW}\n", False),
        ("app.conf", f"password = {GO_PW}\n", True),
        # directives: `password "v";` (nginx, Chef, HCL-style)
        ("site.conf", f'password "{PW}";\n', True),
        ("recipe.rb", f'  secret "{TOK}"\n', True),
        ("recipe.rb", f"private_key \"{TOK}';\n", False),  # not a closed literal
        ("recipe.rb", f'password "{PW}" if ready\n', False),  # not the whole line
        # no extension: dotfiles, known names and shell scripts are config; others are not
        (".pgpass", f"password={PW}\n", True),
        ("credentials", f"[default]\naws_secret_access_key = {TOK}\n", True),
        ("bin/deploy", f"#!/usr/bin/env bash\nexport DB_PASSWORD={PW}\n", True),
        ("bin/deploy", f"#!/usr/bin/env python3\npassword = {PW}\n", False),
        ("notes", f"password = {PW}\n", False),
        ("notes", f'password = "{PW}"\n', True),
    ],
)
def test_file_type_decides_what_a_literal_is(path: str, text: str, found: bool) -> None:
    assert bool(generic(text, path)) is found


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("somefakekey", False),
        ("dummypassword", False),
        ("your_password_here", False),
        ("my-secret", False),
        ("my-" + PW, True),  # a real password that happens to start with `my-`
        ("The_Quick" + "#Brown99", True),
    ],
)
def test_placeholders_without_hiding_real_values(value: str, found: bool) -> None:
    assert bool(generic(f'password = "{value}"\n', "app.py")) is found
