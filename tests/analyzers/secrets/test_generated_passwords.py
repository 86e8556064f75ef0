"""Passwords generated at random (`"Pw-" + secrets.token_urlsafe(12)`) are found
whatever their letters: random letters split by `-` and `_` are not a sentence or
a name written with separators."""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable

import pytest

from shieldwall.analyzers.secrets.analyzer import findings_in

_LAYOUTS: dict[str, tuple[str, Callable[[str, str], str]]] = {
    "env": ("app.env", lambda key, value: f"{key.upper()}={value}\n"),
    "yaml": ("config.yaml", lambda key, value: f"{key}: {value}\n"),
    "json": ("config.json", lambda key, value: json.dumps({key: value}) + "\n"),
    "python": ("settings.py", lambda key, value: f'{key.upper()} = "{value}"\n'),
}


def _token_urlsafe(rng: random.Random, size: int) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(size)).rstrip(b"=").decode()


def _separated_letters(rng: random.Random) -> str:
    """`Pw-` and random letters cut by three or more `-`/`_`, no digit: the shape
    the separators once made look like a sentence."""
    letters = [rng.choice(string.ascii_letters) for _ in range(16)]
    for at in sorted(rng.sample(range(1, 16), rng.randint(3, 5)), reverse=True):
        letters.insert(at, rng.choice("-_"))
    return "Pw-" + "".join(letters)


def _reported(key: str, value: str, layout: str) -> bool:
    path, write = _LAYOUTS[layout]
    return any(True for _ in findings_in(write(key, value).encode(), path))


def test_every_generated_database_password_in_an_env_file_is_reported() -> None:
    rng = random.Random(20261205)
    generated = ["Pw-" + _token_urlsafe(rng, 12) for _ in range(2000)]
    missed = [v for v in generated if not _reported("db_password", v, "env")]
    assert missed == []


@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
@pytest.mark.parametrize("key", ["password", "db_password", "secret", "client_secret"])
def test_random_letters_split_by_separators_are_reported(key: str, layout: str) -> None:
    rng = random.Random(f"{key}-{layout}")
    generated = [_separated_letters(rng) for _ in range(150)]
    missed = [v for v in generated if not _reported(key, v, layout)]
    assert missed == []


def test_a_sentence_written_with_separators_is_still_not_reported() -> None:
    assert not _reported("password", "if_you_see_this_please_use_vault", "env")
    assert not _reported("secret", "change-me-before-you-deploy-it", "yaml")
