"""A random UUID is a credential when its key names one (many services issue API
keys and webhook tokens as UUIDs) and an identifier otherwise. Every UUID is
generated at test time."""

from __future__ import annotations

import uuid

import pytest

from shieldwall.analyzers.secrets.engine import Detector, Match
from shieldwall.analyzers.secrets.generic import GENERIC_UUID
from shieldwall.model import Severity

DETECTOR = Detector()


def _scan(template: str, path: str) -> tuple[str, list[Match]]:
    value = str(uuid.uuid4())
    text = template.format(u=value)
    return value, DETECTOR.scan(text.encode(), path)


@pytest.mark.parametrize(
    ("template", "path"),
    [
        ('API_KEY = "{u}"\n', "settings.py"),
        ('client_secret = "{u}"\n', "auth.py"),
        ('{{\n  "apiKey": "{u}",\n  "name": "shop"\n}}\n', "config.json"),
        ('{{\n  "Ocp-Apim-Subscription-Key": "{u}"\n}}\n', "appsettings.json"),
        ("service:\n  license_key: {u}\n", "values.yaml"),
        ("auth_token: '{u}'\n", "deploy.yml"),
        ('curl -H "X-Api-Key: {u}" https://api.example.org/v1/items\n', "fetch.sh"),
        ("export API_TOKEN={u}\n", "env.sh"),
        ("mytool --api-key {u} sync\n", "run.sh"),
        ("<settings>\n  <ApiKey>{u}</ApiKey>\n</settings>\n", "settings.xml"),
        ('<appSettings>\n  <add key="ApiKey" value="{u}" />\n</appSettings>\n', "Web.config"),
        ('<setting name="LicenseKey" value="{u}"/>\n', "app.config"),
        ('private const string ApiKey = "{u}";\n', "Client.cs"),
        ("const webhookSecret = '{u}';\n", "hooks.js"),
    ],
)
def test_a_random_uuid_under_a_credential_key_is_reported_as_a_uuid_secret(
    template: str, path: str
) -> None:
    value, found = _scan(template, path)
    assert [(m.rule_id, m.secret) for m in found] == [(GENERIC_UUID.id, value)]
    assert found[0].severity in (Severity.MEDIUM, Severity.HIGH)


def test_a_uuid_password_stays_a_password() -> None:
    value, found = _scan("Server=db;User Id=sa;Password={u};\n", "app.config")
    assert [m.secret for m in found] == [value]
    assert GENERIC_UUID.id not in {m.rule_id for m in found}


@pytest.mark.parametrize(
    ("template", "path"),
    [
        ('request_id = "{u}"\n', "handler.py"),
        ('{{\n  "id": "{u}",\n  "name": "Get items"\n}}\n', "items.json"),
        ('{{\n  "_postman_id": "{u}",\n  "name": "API"\n}}\n', "api.postman_collection.json"),
        ("tenant_id: {u}\nclient_id: {u}\n", "azure.yml"),
        ("correlationId: '{u}'\n", "trace.yaml"),
        ('guid = "{u}"\n', "ids.py"),
        ("<ProjectGuid>{{{u}}}</ProjectGuid>\n", "App.csproj"),
        ('Project("{{{u}}}") = "App", "App\\App.csproj", "{{{u}}}"\n', "App.sln"),
        ('curl -H "X-Request-ID: {u}" https://api.example.org/\n', "trace.sh"),
        ('<add key="ClientId" value="{u}" />\n', "Web.config"),
        ("INSERT INTO users (id, name) VALUES ('{u}', 'ana');\n", "seed.sql"),
        ('resource "null_resource" "x" {{\n  id = "{u}"\n}}\n', "main.tf"),
    ],
)
def test_a_uuid_under_an_identifier_name_is_quiet(template: str, path: str) -> None:
    _, found = _scan(template, path)
    assert found == []


@pytest.mark.parametrize(
    "value", ["00000000-0000-0000-0000-000000000000", "11111111-1111-1111-1111-111111111111"]
)
def test_a_uuid_that_is_not_random_is_quiet_even_under_a_credential_key(value: str) -> None:
    found = DETECTOR.scan(f'API_KEY = "{value}"\n'.encode(), "settings.py")
    assert found == []


def test_a_uuid_secret_in_test_code_is_reported_low() -> None:
    _, found = _scan('API_KEY = "{u}"\n', "tests/test_client.py")
    assert [(m.rule_id, m.severity) for m in found] == [(GENERIC_UUID.id, Severity.LOW)]
