"""Sample applications' leftovers: a password hashed where it is written (the hashing
call's literal argument is the plaintext), a test's deliberately refused input, a
signing key written as a phrase, a secret per environment and a model factory's
weak password. Values are built at test time."""

from __future__ import annotations

import random

from shieldwall.analyzers.secrets.engine import Detector
from tests.analyzers.secrets.samples import mixed_value


def _found(text: str, path: str) -> list[tuple[str, int]]:
    return [(m.secret, m.line) for m in Detector().scan(text.encode(), path)]


def test_a_literal_handed_to_a_password_hashing_call_is_its_plaintext() -> None:
    strong, word = mixed_value(61, 12), "Vaider" + "2"
    lines = [
        f"        ('tim', pbkdf2_sha256.encrypt('{word}')),\n",
        f"    user.password = bcrypt.hashpw(b'{strong}', bcrypt.gensalt())\n",
        f"    admin = User(username='root', password=make_password('{strong}'))\n",
        f"        'password' => bcrypt('{word}'),\n",
    ]
    for line in lines:
        assert (line.split("'")[-2], 1) in _found(line, "app/seed.py"), line


def test_a_weak_word_hashed_for_a_seeded_user_is_still_its_password() -> None:
    weak = "".join(["Pass", "word"])
    assert (weak, 1) in _found(f"  ('john', pbkdf2_sha256.encrypt('{weak}')),\n", "db.py")


def test_a_hashing_call_given_a_reference_or_a_placeholder_gives_nothing() -> None:
    lines = [
        "    hashed = bcrypt.hashpw(password.encode('utf-8'), salt)\n",
        "    'password' => bcrypt($data['password']),\n",
        "    make_password('<password>')\n",
        "    make_password('xxxxxxxx')\n",
    ]
    assert _found("".join(lines), "app/users.py") == []


def _jest(title: str, password: str) -> str:
    return "\n".join(
        [
            "describe('POST /v1/auth/register', () => {",
            f"  test('{title}', async () => {{",
            "    await insertUsers([admin]);",
            f"    newUser.password = '{password}';",
            "    await request(app).post('/v1/users').send(newUser).expect(400);",
            "  });",
            "});",
            "",
        ]
    )


def test_a_password_a_tests_title_says_is_refused_is_not_reported() -> None:
    short = "passwo" + "1"
    refused = "should return 400 error if password length is less than 8 characters"
    assert _found(_jest(refused, short), "tests/integration/auth.test.js") == []
    python = f"def test_register_rejects_a_weak_password():\n    pw = '{short}'\n"
    assert _found(python.replace("pw =", "password ="), "tests/test_auth.py") == []


def test_a_password_in_a_test_that_logs_in_is_still_reported() -> None:
    password = mixed_value(62, 12)
    found = _found(_jest("should log in the seeded user", password), "tests/login.test.js")
    assert (password, 4) in found
    outside = _jest("should return 400 error if password is invalid", password)
    assert (password, 4) in _found(outside, "src/register.js")


def test_a_signing_key_written_as_a_phrase_is_a_key() -> None:
    phrase = "".join(["Secret", "Key", "Of", "Doom", "That", "Must", "Be", "Long", "Enough"])
    line = f'    public const string JWT_SECRET_KEY = "{phrase}";\n'
    assert (phrase, 1) in _found(line, "src/ApplicationCore/Constants/Auth.cs")
    assert _found(f'    public const string CACHE_KEY = "{phrase}";\n', "src/Cache.cs") == []


def test_a_secret_per_environment_gives_each_environments_value() -> None:
    dev, prod = (bytes(random.Random(s).randbytes(15)).hex() for s in (63, 64))
    text = f"app_secrets:\n  dev: {dev}\n  prod: {prod}\napp_environment:\n  dev: x\n"
    assert {(dev, 2), (prod, 3)} <= set(_found(text, "deployments/playbooks/vars.yml"))
    regions = f"app_regions:\n  dev: {dev}\n"
    assert _found(regions, "deployments/playbooks/vars.yml") == []


def test_a_weak_password_in_a_model_factory_is_the_seeded_users() -> None:
    weak = "sec" + "ret"
    line = f"        'password' => '{weak}',\n"
    assert (weak, 1) in _found(line, "database/factories/ModelFactory.php")
    assert _found(line, "app/Http/Controllers/UserController.php") == []
