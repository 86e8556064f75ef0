"""What a report may show of a secret: a keyed hash and a preview without length."""

from __future__ import annotations

import re

import pytest

from shieldwall.analyzers.secrets.redact import HASH_PREFIX, SecretHasher, preview
from tests.analyzers.secrets.samples import github_token

KEY_A = b"a" * 16 + b"-one"
KEY_B = b"b" * 16 + b"-two"
PW = "Sum" + "mer24"


def test_same_value_under_two_keys_hashes_differently() -> None:
    assert SecretHasher(KEY_A)(PW) != SecretHasher(KEY_B)(PW)


def test_same_key_hashes_the_same_in_any_hasher() -> None:
    assert SecretHasher(KEY_A)(PW) == SecretHasher(KEY_A)(PW)
    assert SecretHasher(KEY_A)(PW) != SecretHasher(KEY_A)(PW + "!")
    assert re.fullmatch(re.escape(HASH_PREFIX) + "[0-9a-f]{32}", SecretHasher(KEY_A)(PW))


def test_hasher_repr_hides_the_key() -> None:
    assert "aaaa" not in repr(SecretHasher(KEY_A))


@pytest.mark.parametrize("value", [PW, "x9" * 9, "Tr0ub4dor&3"])
def test_short_values_show_no_character_and_no_length(value: str) -> None:
    shown = preview(value)
    assert shown == "****"
    assert str(len(value)) not in shown


def test_passwords_show_no_character_however_long() -> None:
    long_password = "correct-horse-" + "battery-staple-2024"
    assert preview(long_password, provider_format=False, password=True) == "****"


def test_long_tokens_show_their_prefix_and_last_four() -> None:
    token = github_token(seed=4)
    assert preview(token) == f"ghp_****...{token[-4:]}"
    assert preview(token, provider_format=False) == f"****...{token[-4:]}"


def test_private_keys_show_their_header_only() -> None:
    block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow" + "A" * 40 + "\n-----END RSA PRIVATE KEY-----"
    assert preview(block) == "-----BEGIN RSA PRIVATE KEY----- ****"
