"""A YAML document under a name without an extension, a signing key of random
letters in both cases, HTTP Basic credentials under any name, and a key that names a
timestamp. Values are built at test time."""

from __future__ import annotations

import base64
import random
import re
import string

from shieldwall.analyzers.secrets import generic
from shieldwall.analyzers.secrets.engine import Detector
from shieldwall.analyzers.secrets.syntax import CODE, CONFIG, GO, syntax_for
from shieldwall.analyzers.secrets.values import looks_random


def _found(text: str, path: str) -> list[tuple[str, int]]:
    return [(m.secret, m.line) for m in Detector().scan(text.encode(), path)]


# the shape of a name of capitalised words: each capital run followed by lower case
_CAMEL_SHAPE = re.compile(r"^[a-z]*(?:[A-Z]+[a-z]+)+$")
_PART = re.compile(r"[A-Z]*([a-z]+)")


def _letters(seed: int, n: int = 32) -> str:
    """Random letters in both cases, no digit (a generated signing key), that take
    the shape of a camel-case name, four of whose parts have no vowel."""
    rnd = random.Random(seed)
    while True:
        out = "".join(rnd.choice(string.ascii_letters) for _ in range(n))
        parts = [m.group(1) for m in _PART.finditer(out)]
        silent = sum(1 for p in parts if not set(p) & set("aeiouy"))
        if _CAMEL_SHAPE.match(out) and silent >= 4:
            return out


def _token(seed: int) -> str:
    rnd = random.Random(seed)
    return "".join(rnd.choice(string.ascii_lowercase + string.digits) for _ in range(13))


def test_a_file_without_extension_opening_a_yaml_document_reads_bare_values() -> None:
    assert syntax_for("profiles", b"---\nconfiguration:\n") is CONFIG
    assert syntax_for("profiles", b"%YAML 1.2\n---\n") is CONFIG
    assert syntax_for("profiles", b"configuration:\n") is CODE
    value = _token(1)
    text = f"---\nprofiles:\n  cli:\n    consumer_secret: {value}\n"
    assert _found(text, "fixture/spec/profiles") == [(value, 4)]


def test_the_same_lines_without_the_document_marker_are_not_read_as_yaml() -> None:
    value = _token(2)
    text = f"profiles:\n  cli:\n    consumer_secret: {value}\n"
    assert _found(text, "fixture/spec/profiles") == []


def test_random_letters_in_both_cases_under_a_secret_key_are_a_credential() -> None:
    for seed in range(1, 6):
        value = _letters(seed)
        hit = generic.judge("secret-key", value)
        assert hit is not None and hit.reason == ""  # the rules keep it, not only the scorer
        assert _found(f"sa-token:\n  secret-key: {value}\n", "src/main/application.yml") == [
            (value, 2)
        ]


def test_a_name_of_capitalised_words_is_still_not_random() -> None:
    for name in ("PathToObjectIdentifiersList", "BlueLinkButtonBrush", "XmlHttpRequestHandler"):
        assert not looks_random(name)
    assert looks_random(_letters(3))


def test_http_basic_credentials_under_any_name_are_found_when_they_decode_to_a_pair() -> None:
    rnd = random.Random(4)
    user = "".join(rnd.choice(string.ascii_lowercase) for _ in range(4))
    password = "".join(rnd.choice(string.ascii_lowercase) for _ in range(4))
    encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
    line = f'\t\theader:   "Basic {encoded}",'
    hits = list(generic.find(line, GO, lambda n: None, wide=True))
    assert [(h.value, h.reason) for h in hits] == [(encoded, "")]  # kept by the rules
    found = _found(line + "\n", "pkg/api/login_test.go")
    assert found == [(encoded, 1)]
    no_password = base64.b64encode(f"{user}:".encode()).decode()
    assert _found(f'\t\theader:   "Basic {no_password}",\n', "pkg/api/login_test.go") == []


def test_a_key_that_names_a_timestamp_is_not_a_secret() -> None:
    stamp = str(random.Random(5).randrange(1_200_000_000, 1_300_000_000))
    assert generic.judge("oauth_timestamp", stamp, wide=True) is None  # not even a candidate
    assert generic.judge("oauth_nonce", stamp, wide=True) is not None
    assert _found(f"  oauth_timestamp: '{stamp}',\n", "lib/oauth.js") == []


def test_a_password_in_a_key_value_list_inside_one_quoted_flag_is_found() -> None:
    value = _token(6)
    line = (
        "esrally race --track=pmc --client-options="
        f"\"timeout:60,use_ssl:true,basic_auth_user:'elastic',basic_auth_password:'{value}'\""
    )
    hits = list(generic.find(line, CONFIG, lambda n: None, wide=True))
    assert [(h.key, h.value, h.reason) for h in hits] == [("basic_auth_password", value, "")]
    assert _found(line + "\n", "docs/security.rst") == [(value, 1)]
    # a list of settings that names no credential gives nothing
    assert _found("run --client-options=\"timeout:60,use_ssl:'true'\"\n", "docs/security.rst") == []


def test_a_session_cookie_named_like_express_sessions_is_a_token() -> None:
    rnd = random.Random(7)
    pool = string.ascii_letters + string.digits
    head = "".join(rnd.choice(pool) for _ in range(32))
    tail = "".join(rnd.choice(pool) for _ in range(43))
    value = f"s%3A{head}.{tail}"
    line = f"          - app-auth.sid={value};"
    hits = list(generic.find(line, CONFIG, lambda n: None, wide=True))
    assert [(h.value, h.kind, h.reason) for h in hits] == [(value, "token", "")]
    # a bare `sid` stays a hint the scorer weighs, not a token the rules keep
    hit = generic.judge("sid", value, wide=True)
    assert hit is not None and hit.reason == "weak-key"
