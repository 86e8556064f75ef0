"""Layouts PHP, JavaScript and Java code leaks credentials in (configuration
arrays with spaced brackets, constants, object literals, an environment read's
fallback, a password given by position to a database connection) and markers
written where a value goes (a sentence with underscores, a constant's name).
Values are built at test time."""

from __future__ import annotations

import base64
import random
import string

import pytest

from shieldwall.analyzers.secrets import values
from shieldwall.analyzers.secrets.engine import Detector
from tests.analyzers.secrets.samples import mixed_value

_value = mixed_value


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


def test_a_sentence_with_underscores_and_a_numbered_word_is_a_marker_too() -> None:
    marker = "_".join(["my", "wrongsecrets", "challenge" + "62", "answer"])
    line = f"- Recommended format: `<secret>{marker}</secret>`\n"
    assert _found(line, "docs/CHALLENGE62_SETUP.md") == []


def test_a_random_value_with_separators_and_digits_is_still_a_credential() -> None:
    rnd = random.Random(11)
    parts = [
        "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(9))
        for _ in range(4)
    ]
    value = "_".join(parts)
    assert _found(f"<secret>{value}</secret>\n", "docs/setup.md") == [value]


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


def _b64url(doc: str) -> str:
    return base64.urlsafe_b64encode(doc.encode()).decode().rstrip("=")


def _jwt(alg: str, signature: str) -> str:
    payload = '{"data":{"email":"' + _value(5) + '@shop.test"},"iat":1508639612}'
    return _b64url('{"alg":"' + alg + '","typ":"JWT"}') + "." + _b64url(payload) + "." + signature


def test_an_unsigned_jwt_is_an_attack_sample_not_a_credential() -> None:
    line = f"  req.headers = {{ authorization: 'Bearer {_jwt('none', '')}' }}\n"
    assert _found(line, "test/server/verify.unit.test.ts") == []


def test_a_signed_jwt_is_still_found() -> None:
    token = _jwt("HS256", _b64url(_value(11, 32)))
    assert token in _found(f"  req.headers = {{ authorization: 'Bearer {token}' }}\n", "app.ts")


# Test filler, markers and names that sit where a value goes (tuned on judged lines).
@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('    vaultPassword.setPassword("test" + "value");', "src/test/java/Challenge7Test.java"),
        ('      "vaultpassword=test7",', "src/test/java/ControllerTest.java"),
        ("        const password = 'a' * 5", "src/app/register.component.spec.ts"),
        ('            "lastCanaryToken": "mock-canary-token-12345",', "scripts/previews.py"),
        ("const BeeTokenAddress = '0x{hex}'", "src/app/faucet.component.ts"),
        ("    const challengeKey = 'testChallenge1' as ChallengeKey", "test/accuracy.test.ts"),
        (
            "$MYSQL_PASS = 'Database password: <em>' . ( $_DVWA[ 'db_password' ] ) . '</em>';",
            "includes/page.inc.php",
        ),
        (
            "$this->setHeader('Authorization', 'Digest username=\"' . $username . '\", "
            "realm=\"' . $digestRequest['realm'] . '\", nonce=\"' . $nonce . '\", "
            "uri=\"' . $this->digest_uri . $opaque . '\", cnonce=\"' . $cnonce . '\", "
            "nc=' . sprintf(\"%08x\", $digestRequest['nc']) . ', qop=\"' . "
            "$digestRequest['qop'] . '\", response=\"' . $hashedDigest . '\"');",
            "lib/nusoap.php",
        ),
        ("sqlmap -d mysql://root:&quot;&quot;@192.168.56.102:5123/nowasp", "hints/sqlmap.inc"),
        (
            "models.sequelize.query(`SELECT * FROM Users WHERE email = '${{req.body.email || ''}}'"
            " AND password = '${{security.hash(req.body.password || '')}}' AND deletedAt IS NULL`)",
            "routes/login.ts",
        ),
    ],
)
def test_filler_markers_and_names_are_not_credentials(text: str, path: str) -> None:
    address = "36435796Ca9be2bf" + "150CE0dECc2D8Fab5C4d6E13"  # a contract's public address
    line = text.format(hex=address).replace("'a' * 5", "'" + "a" * 5 + "'")
    line = line.replace('"test" + "value"', '"' + "test" + "value" + '"')
    assert _found(line + "\n", path) == []


@pytest.mark.parametrize("word", ["s" + "3Cur3", "h" + "4ck3r", "m0nk3y"])
def test_a_short_word_spelled_with_digits_under_a_secret_key_is_found(word: str) -> None:
    line = f'  app.use(session({{ secret: "{word}", saveUninitialized: true }}))\n'
    assert word in _found(f'    secret: "{word}",\n', "app/views/tutorial/a2.html")
    assert word in _found(line, "server.js")


def test_a_version_name_under_a_token_key_is_not_a_leet_word() -> None:
    assert _found("  token: 'v1" + "beta1',\n", "config/app.js") == []


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("ctf_key=random{w}", "src/main/resources/application.properties"),
        ('  -d "username=john&password=pass{n}&firstname=John"', "docs/ws-user-account.html"),
        ("username=john&password=newpass{n}", "docs/ws-user-account.html"),
    ],
)
def test_a_sample_made_of_its_own_words_is_a_placeholder(text: str, path: str) -> None:
    line = text.format(w="text" + "for" + "key", n=str(100 + 23))
    assert _found(line + "\n", path) == []


def test_a_field_and_a_number_under_a_token_key_is_a_claim_not_a_token() -> None:
    line = '    $token = "userid' + ':2";\n'
    assert _found(line, "vulnerabilities/cryptography/source/token_library_high.php") == []


def test_express_session_s_documented_secret_copied_into_an_app_is_a_credential() -> None:
    value = "keyboard" + " cat"
    text = f"app.use(session({{\n  secret: '{value}',\n  resave: true\n}}))\n"
    assert _found(text, "server.js") == [value]


def test_two_ordinary_words_under_a_secret_key_are_still_not_a_credential() -> None:
    value = "keyboard" + " mouse"
    assert _found(f"  secret: '{value}',\n", "server.js") == []
