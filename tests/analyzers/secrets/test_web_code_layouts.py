"""Layouts PHP, JavaScript and Java code leaks credentials in (configuration
arrays with spaced brackets, constants, object literals, an environment read's
fallback, a password given by position to a database connection) and markers
written where a value goes (a sentence with underscores, a constant's name).
Values are built at test time."""

from __future__ import annotations

import random
import string

import pytest

from shieldwall.analyzers.secrets import values
from shieldwall.analyzers.secrets.engine import Detector


def _value(seed: int, n: int = 14) -> str:
    rnd = random.Random(seed)
    pool = string.ascii_letters + string.digits
    while True:
        out = "".join(rnd.choice(pool) for _ in range(n))
        if any(c.isdigit() for c in out) and any(c.isalpha() for c in out):
            return out


def _found(text: str, path: str) -> list[str]:
    return [m.secret for m in Detector().scan(text.encode(), path)]


@pytest.mark.parametrize(
    ("layout", "path"),
    [
        ("$_CFG[ 'db_password' ] = '{v}';", "config/config.inc.php"),
        ("$_CFG['db_password'] = '{v}';", "config/config.inc.php"),
        ("$db_pass = '{v}';", "includes/db.php"),
        ("define('DB_PASSWORD', '{v}');", "includes/database-config.inc"),
        ("    'password' => '{v}',", "config/database.php"),
        ('  password: "{v}",', "config/db.js"),
        ("const pw = process.env.DB_PASSWORD || '{v}';", "server/db.js"),
        ("  secret: process.env['SESSION_SECRET'] ?? '{v}',", "server/app.ts"),
        ("$_CFG[ 'db_password' ] = getenv('DB_PASSWORD') ?: '{v}';", "config/config.php"),
        ('DB_PASSWORD = os.getenv("DB_PASSWORD", "{v}")', "settings.py"),
        ('$conn = new mysqli("localhost", "root", "{v}", "shop");', "lib/db.php"),
        ("$pdo = new PDO('mysql:host=db;dbname=shop', 'app', '{v}');", "lib/db.php"),
        ("$link = mysqli_connect('localhost', 'root', '{v}');", "lib/db.php"),
        (
            'Connection c = DriverManager.getConnection(url, "sa", "{v}");',
            "src/main/java/Db.java",
        ),
        ("const db = new Sequelize('shop', 'app', '{v}', {{ dialect: 'mysql' }});", "db.js"),
    ],
)
def test_a_credential_in_a_web_code_layout_is_found(layout: str, path: str) -> None:
    value = _value(len(layout))
    assert value in _found(layout.format(v=value) + "\n", path)


def test_a_connection_given_variables_is_not_a_credential() -> None:
    assert _found("$conn = new mysqli($host, $user, $pass, $db);\n", "lib/db.php") == []
    assert _found("DriverManager.getConnection(url, user, password);\n", "src/Db.java") == []


def test_an_environment_read_without_a_fallback_is_not_a_credential() -> None:
    assert _found("const pw = process.env.DB_PASSWORD;\n", "server/db.js") == []
    assert _found("const pw = process.env.DB_PASSWORD || '';\n", "server/db.js") == []


def test_a_weak_demo_password_written_in_leet_is_a_credential() -> None:
    value = "p" + "@ssw" + "0rd"
    assert _found(f"      - MYSQL_PASSWORD={value}\n", "compose.yml") == [value]


def test_a_sentence_written_with_underscores_is_a_marker_not_a_credential() -> None:
    marker = "_".join(["if", "you", "see", "this", "please", "use", "K8S", "and", "Vault"])
    assert values.is_marker(marker)
    assert _found(f"vaultpassword={marker}\n", "src/main/resources/application.properties") == []
    assert _found(f"  value: {marker}\n", "k8s/deployment.yml") == []


def test_a_constant_name_written_as_the_value_is_a_marker_not_a_credential() -> None:
    marker = "_".join(["ACTUAL", "ANSWER", "CHALLENGE7"])
    assert values.is_marker(marker)
    assert _found(f"vaultpassword={marker}\n", "src/main/resources/application.properties") == []


def test_random_words_joined_by_separators_are_not_markers() -> None:
    rnd = random.Random(7)
    words = ["".join(rnd.choice(string.ascii_lowercase) for _ in range(5)) for _ in range(4)]
    assert not values.is_marker("_".join(words))
    assert not values.is_marker("-".join(["xoxb", "1234", "abcd", "efgh"]))


# What sits where a value goes without being one: a comparison with a word, a type
# declared in a schema, text built around a variable, a word set in code type.
@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("if ($this->authtype == 'ntlm') {{", "lib/client.php"),
        ("if ($this->proxy['authtype'] != 'certificate') {{", "lib/client.php"),
        ("if ($authtype == 'basic') {{", "lib/client.php"),
        ("if ($key == 'xmlns') {{", "lib/parser.php"),
        ("    'password' => 'xsd:{t}',", "ws/user.php"),
        ("    'client_secret' => 'xsd:{t}',", "ws/login.php"),
        ("    'token' => '{t}', 'language' => '',", "lib/types.php"),
        ('  "AND password=\'".$pPassword."\';";', "lib/query.php"),
        ('  "client_secret = \'".$lClientSecret."\'";', "lib/query.php"),
        ("'<td>Posted Token: '.$lPostedCSRFToken.'<br/>'.PHP_EOL.", "lib/csrf.php"),
        ('$lPasswordJSMessage = "This password is for {{$lUsernameForJS}}";', "page.php"),
        ('var lPasswordCharset = "{alphabet}";', "page.php"),
        (
            'Send a POST request to the <a href="ws-login.html">WS Login Service</a> using '
            "your <code>client_id</code> and <code>client_secret</code> to authenticate. "
            "If successful, the response will include a JWT token.",
            "docs/a.html",
        ),
        ("Password: ' or ('{w}' = '{w}' and username='jeremy') or '", "hints/bypass.inc"),
    ],
)
def test_what_only_sits_where_a_credential_goes_is_not_one(text: str, path: str) -> None:
    word = "".join(random.Random(len(text)).choice(string.ascii_lowercase) for _ in range(9))
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits
    line = text.format(w=word, t="str" + "ing", alphabet=alphabet)
    assert _found(line + "\n", path) == []


def test_a_credential_compared_with_a_password_name_is_still_found() -> None:
    value = _value(7)
    assert value in _found(f"if ($password == '{value}') {{\n", "login.php")


def test_a_test_asserting_a_secret_equals_a_short_literal_is_still_asked() -> None:
    value = "qwh" + "zkd"  # shorter than a token's floor: the scorer decides
    line = f"        assert json_body['secret'] == '{value}'\n"
    assert value in _found(line, "test/test_api.py")
