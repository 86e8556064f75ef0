"""Short generated tokens (`secrets.token_urlsafe(9..16)` with no `-` or `_`) are
random letters in both cases, the shape of a name of capitalised words; they are
found, and real camelCase and PascalCase names stay names."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable

import pytest

from shieldwall.analyzers.secrets.analyzer import findings_in
from shieldwall.analyzers.secrets.values import looks_random

_LAYOUTS: dict[str, tuple[str, Callable[[str, str], str]]] = {
    "env": ("app.env", lambda key, value: f"{key.upper()}={value}\n"),
    "yaml": ("config.yaml", lambda key, value: f"service:\n  {key}: {value}\n"),
    "json": ("config.json", lambda key, value: json.dumps({key: value}) + "\n"),
    "python": ("settings.py", lambda key, value: f'{key} = "{value}"\n'),
}
_KEYS = ("token", "api_key", "auth_token", "access_token", "apiKey", "secret_token")

# Identifiers of this project and of common libraries: names, not secrets.
_NAMES = [
    "getUserName",
    "MaxRetryCount",
    "XMLHttpRequest",
    "iPhoneModel",
    "OAuthToken",
    "getElementById",
    "addEventListener",
    "JSONDecodeError",
    "HttpResponseRedirect",
    "KeyboardInterrupt",
    "ServerlessV2PlatformVersions",
    "PathToObjectIdentifiersList",
    "MFADevices",
    "BlueLinkButtonBrush",
    "S3BucketName",
    "Ec2InstanceId",
    "Base64Encoder",
    "Utf8String",
    "URLSearchParams",
    "IPv4Address",
    "DefaultAzureCredential",
    "ClientSecretCredential",
    "AWSAccessKeyId",
    "GraphQLSchema",
    "HTTPSConnectionPool",
    "DownstreamStatus",
    "allowedUnsafeSysctls",
    "topologySpreadConstraints",
    "externalIPs",
    "nonResourceURLs",
    "SbomVulnerability",
    "SqliteDecisions",
    "createHmac",
    "RbacAuthorizationV1Api",
    "SecPcreMatchLimitRecursion",
    "xpathEvalExpression",
    "spdxElementId",
    "PostgreSQL",
    "UniqueConstraint",
    "serverTLSBootstrap",
    "setJwtSecretKey",
    "portLevelMtls",
    "JsonResponse",
    "DbContext",
    "PgBouncer",
    "AnnAssign",
    "UIViewController",
    "kCFBundleVersion",
]


def _camel_token(rng: random.Random) -> str:
    """`secrets.token_urlsafe(n)`, n from 9 to 16, drawn until it has no separator
    and takes the shape of capitalised words (the values once taken for names)."""
    while True:
        value = base64.urlsafe_b64encode(rng.randbytes(rng.randint(9, 16))).rstrip(b"=")
        text = value.decode()
        if text.isalnum() and not text.isdigit() and text.lower() != text != text.upper():
            return text


def _reported(key: str, value: str, layout: str) -> bool:
    path, write = _LAYOUTS[layout]
    return any(True for _ in findings_in(write(key, value).encode(), path))


def test_short_generated_tokens_under_token_names_are_reported() -> None:
    rng = random.Random(20261205)
    cases = [
        (rng.choice(_KEYS), _camel_token(rng), rng.choice(sorted(_LAYOUTS))) for _ in range(300)
    ]
    missed = [case for case in cases if not _reported(*case)]
    assert missed == []


@pytest.mark.parametrize("name", _NAMES)
def test_camel_and_pascal_case_identifiers_are_names_not_tokens(name: str) -> None:
    assert not looks_random(name)
