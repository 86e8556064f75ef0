"""What a literal that sits where a secret would is not: a placeholder, a
reference to where the secret really lives, a documented example, a hash."""

from __future__ import annotations

import base64
import functools
import hashlib
import re

from shieldwall.analyzers.secrets.checks import char_classes, entropy, jwt_unsigned

_PLACEHOLDER = re.compile(
    r"""^(?:
        \$\(.+\)|\$\{.*\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%|   # shell / env refs
        <[^<>]*>|\{.*|\{\{.*\}\}|\{%.*%\}|\{[A-Za-z0-9_.]*\}|\#\{.*\}|@[A-Za-z_]+@|  # templates
        \[[A-Za-z _-]*\]|%\(?[A-Za-z_]*\)?[sd]|%[sd]|\?+|:[a-z_]+|
        [xX*.\#_=~-]{2,}|[0]+|[1]+|(?:0123456789?|1234567890?|123456|12345678|abcdef?|abc123)|
        1234(?:5|56|567|5678|56789)?abc(?:d|de|def|defg|defgh)?|  # `123456abcdefg`: typed runs
        (?:your|my|the|some|insert|enter|put|add|replace|change|fill)[-_ ][a-z_ .-]*|.*[-_ ]here|
        change[-_ ]?(?:me|it|this)|replace[-_ ]?me|placeholder|todo|tbd|fixme|none|null|nil|
        undefined|empty|blank|redacted|removed|hidden|masked|omitted|secret|secrets|password|
        passwd|pass|pwd|token|apikey|api[-_]key|key|value|string|str|text|dummy|example|
        sample|fake|foo|bar|baz|foobar|qux|hunter2|true|false|yes|no|on|off|default|
        required|optional|n/?a|env|environment|unknown|not[-_ ]?set|unset|auto|generated|
        test(?:value|ing)?\d{0,2}|(?P<ch>[a-z])(?P=ch){3,}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_PLACEHOLDER_WORDS = re.compile(
    r"(?i)(?:^|[^a-z])(?:x{4,}|example|placeholder|changeme|change_me|replace_?me|your[-_]|"
    r"redacted|dummy|fake|mock|sample|insert[-_]|todo)(?:[^a-z]|$)|x{6,}|\*{3,}|\.\.\.|\u2026"
)
# Letters only, with a marker word run in: `somefakekey`, `dummypassword`, `FakeToken`.
_MARKER_COMPOUND = re.compile(
    r"(?i)^[a-z]*(?:fake|dummy|placeholder|changeme|redacted|random|sample)[a-z]*$"
    r"|^(?:new|old|my)?pass(?:word)?\d{1,4}$"  # `pass123`, `newpass123`: a documentation's sample
    # the field's name written where its value goes (`newpassword`, `old-password`)
    r"|^(?:new|old|current|confirm)[-_]?pass(?:word)?$"
    # an instruction run together (`YOURSECRETKEYGOESHERE`, `insertkeyhere`)
    r"|^(?:your|insert|enter|put|paste|add)[a-z]*here$|^[a-z]+goes?here$"
    # a deliberately wrong value, as a test or an API example sends it (`wrong_pass`)
    r"|^(?:wrong|invalid|incorrect|bad)(?:[-_]?(?:pass(?:word)?|pwd|secret|token|key))?\d{0,3}$"
)
# A credential's word with an owner in front, in camel case: `myPass`, `yourApiKey`,
# `theSecretToken`: what a test or a tutorial types where a value goes.
_OWNED_WORD = re.compile(
    r"^(?:my|your|some|the)(?:[A-Z][a-z]+)*(?:Pass(?:word)?|Passwd|Pwd|Secret|Token|Key|Salt)"
    r"(?:[A-Z][a-z]+)*\d{0,3}$"
    # run together in lower case with a word between (`mystrongsalt`, `yourapitoken`);
    # not a password made of credential words (`mysecretpassword`: a weak default)
    r"|^(?:my|your)(?:(?!secret|pass)[a-z])+(?:pass(?:word)?|secret|token|key|salt)$"
)
# Where a secret lives when it is not in the file: references, not values.
_REFERENCE = re.compile(
    r"""(?ix)^(?:
        arn:aws[\w-]*:(?:secretsmanager|ssm|kms):|
        \{\{\s*resolve:|
        (?:vault|secret|secrets|ssm|sm|aws-?sm|gcp-?sm|azure-?kv|op|doppler|bws|keyvault|k8s|env|file):[/\w]|
        projects/[^/]+/secrets/|
        @Microsoft\.KeyVault\(|
        !(?:Ref|Sub|GetAtt|ImportValue|FindInMap)\b|
        (?:var|local|module|data)\.[A-Za-z_]|
        (?:os\.environ|os\.getenv|process\.env|System\.getenv|ENV\[|getenv\(|env\()|
        secretKeyRef|valueFrom|
        \$\$?\{?[A-Za-z_]\w*\}?(?=[\s/]|$)|  # `$POSTGRES_PW (see .env)`, Make's `$$DOCKER_PASSWORD`
        \$[A-Za-z_]\w*(?:->|\{|\[)      # a Perl or PHP variable's member: `$o->{clock}`
    )"""
)
# The pairs the HTTP Basic specifications use as their examples (RFC 2617, RFC 7617),
# copied into READMEs and tests: documentation, not anyone's credentials.
_DOCUMENTED_BASIC_PAIRS = ("Aladdin:open sesame", "test:123\u00a3")
# Documented example credentials (AWS's own docs, the HTTP Basic examples, encoded as
# they are sent) and generic example markers.
_EXAMPLE_VALUES = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "AKIAI44QH8DHBEXAMPLE",
        *(base64.b64encode(p.encode()).decode() for p in _DOCUMENTED_BASIC_PAIRS),
    }
)
_HASH_PREFIX = re.compile(r"(?i)^(?:sha(?:1|224|256|384|512)|md5|blake2b?|xxh\d*)[-:=]")
# A password hash in crypt(3) form (bcrypt `$2b$10$...`, sha-crypt `$6$...`, argon2,
# scrypt, phpass's `$P$` and `$H$` as WordPress and phpBB store them): what a server
# stores to check a password, not the password.
_CRYPT = re.compile(
    r"^\$(?:2[abxy]?\$\d\d|[156PH]|argon2(?:id|i|d)|scrypt|pbkdf2[\w-]*)\$[./A-Za-z0-9$=,+-]{8,}$"
)
# A digest with its salt after a colon (`53de0be7...c33806b8:26165517952a`), as a
# seed row's password column stores it.
_SALTED_DIGEST = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}):[0-9a-f]{4,64}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_example(value: str) -> bool:
    return is_documented(value) or "EXAMPLE" in value or jwt_unsigned(value)


def is_documented(value: str) -> bool:
    """One of the documented example credentials themselves: never reported."""
    return value in _EXAMPLE_VALUES


# Runs a person types when filling in a documentation example (`xoxb-1234567890-...`,
# `AKIAZZZZZZZZ`); a random token holds one by chance about once in a billion.
_SEQUENCES = ("1234567", "2345678", "3456789", "abcdefgh", "bcdefghi", "qwertyui")


_REPEAT = re.compile(r"(.)\1{6,}")


def has_sequence(value: str) -> bool:
    lowered = value.lower()
    return any(run in lowered for run in _SEQUENCES) or bool(_REPEAT.search(value))


# Markers written where the value goes, recognised by shape: a sentence written with
# underscores or hyphens (`if_you_see_this_please_use_vault`: four words or more, two
# of them small English words) and a constant's name (`ACTUAL_ANSWER_CHALLENGE7`:
# upper case, three parts or more, two of them words).
_WORD_SPLIT = re.compile(r"[_-]")
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "do", "for", "from", "here", "if", "in"}
    | {"is", "it", "me", "my", "no", "not", "of", "on", "or", "please", "see", "so", "the"}
    | {"this", "to", "use", "we", "you", "your"}
)
_CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9]*+(?:_[A-Z0-9]++){2,}$")


def is_marker(value: str) -> bool:
    if "_" not in value and "-" not in value:
        return False
    parts = _WORD_SPLIT.split(value)
    sentence = len(parts) >= 4 and all(p.isalnum() and p.isascii() for p in parts)
    if sentence and looks_random(value) and has_random_parts(value):
        return False  # `Pw-a-mMfyFro_o-OR`: random letters, their short parts no words
    if sentence and sum(p.lower() in _SMALL_WORDS for p in parts) >= 2:
        return True
    words = sum(p.isalpha() and len(p) >= 3 for p in parts)
    return words >= 2 and bool(_CONSTANT_NAME.match(value))


def is_placeholder(value: str) -> bool:
    text = value.strip()
    if text[:1] == "_" and text[-1:] == "_":
        text = text.strip("_") or "_"  # `___password___`: a marker set off by underscores
    return bool(
        _PLACEHOLDER.match(text)
        or _PLACEHOLDER_WORDS.search(text)
        or _MARKER_COMPOUND.match(text)
        or _OWNED_WORD.match(text)
        or is_marker(text)
    )


# A type's name written where a value goes: a schema's or a signature's declaration
# (`'password' => 'xsd:string'`, `token: 'string'`, `password VARCHAR(255)`).
_TYPE_NAME = re.compile(
    r"""(?ix)^(?:(?:xsd?|xs|xsi|tns|soapenc|wsdl):[A-Za-z]+|
        (?:(?:n|long|medium|tiny)?(?:var)?char|varchar2|n?text|varbinary|binary|blob|
        string|str|int|integer|bigint|smallint|bool|boolean|number|float|double|long|
        bytes|byte|object|date|datetime|timestamp|uuid|any)(?:\(\d{1,5}\))?(?:\[\])?)$"""
)


# Not a value at all: a character encoding's name (`password.encode("utf-8")` gives
# the literal to a call on the password), text with a named format field
# (`"Password Reset Request from {ctf_name}"`).
_ENCODING = re.compile(
    r"(?i)^(?:utf-?(?:8|16|32)(?:-?[bl]e)?|ascii|us-ascii|latin-?1|iso-?8859-?\d{1,2}|cp\d{3,4})$"
)
_FORMAT_FIELD = re.compile(r"\{[a-z]+_[a-z_]+\}")
# ASP.NET's hidden form fields (`__RequestVerificationToken`, `__VIEWSTATE`): a name
_FORM_FIELD = re.compile(r"^__[A-Z][A-Za-z]{3,}$")


def is_not_a_value(value: str) -> bool:
    """An encoding's name, a format string, a credential's word with an owner, a
    framework's hidden form field's name."""
    return bool(
        _ENCODING.match(value)
        or _FORMAT_FIELD.search(value)
        or _OWNED_WORD.match(value)
        or _FORM_FIELD.match(value)
    )


def is_type_name(value: str) -> bool:
    return bool(_TYPE_NAME.match(value.strip()))


def is_reference(value: str) -> bool:
    return bool(_REFERENCE.match(value.strip()))


def is_hash_or_integrity(value: str) -> bool:
    return bool(_HASH_PREFIX.match(value) or _CRYPT.match(value))


def is_uuid(value: str) -> bool:
    return bool(_UUID.match(value))


_DRIVE = re.compile(r"^[A-Za-z]:\\")
_FILE_NAME = re.compile(r"^[\w.-]+\.(?:pem|key|crt|json|ya?ml|txt|env|p12|pfx|jks|conf)$")
# `secrets/prod/api_token`: lower-case words between slashes.
_RELATIVE_PATH = re.compile(r"^[a-z][a-z0-9_.-]*(?:/[a-z][a-z0-9_.-]*)+/?$")
_PATH_WITH_EXTENSION = re.compile(r"^[\w.-]+(?:/[\w.-]+)*/[\w-]+\.[a-z]{2,4}$")
# `self.password`, `generic.text.commentMessage.1` (a message's key, numbered)
_ATTRIBUTE = re.compile(r"^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+(?:\(.*\)|\.\d{1,3})?$")
_CALL = re.compile(r"^[A-Za-z_][\w.]*(?:\(.*\)|\[.*\])$")
# `sys.argv[1].encode()`: a chain of attributes, indexes and calls ending in a call
_CALL_CHAIN = re.compile(
    r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[[^\]]{0,40}\]|\([^()]{0,80}\))*\([^()]{0,80}\)$"
)
# `Jobs[-1].JobId`: a path into a document.
_INDEXED = re.compile(r"^[A-Za-z_]\w*(?:\[[^\]]*\])?(?:\.[A-Za-z_]\w*(?:\[[^\]]*\])?)+$")
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


def is_basic_without_password(value: str) -> bool:
    """Base64 of `name:` - an HTTP Basic credential whose password is empty (an
    OAuth client's id alone, `browser:`): nothing secret in it."""
    try:
        text = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("ascii")
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return False
    name, colon, password = text.partition(":")
    return bool(colon) and not password and name.isprintable()


def is_encrypted_key_blob(value: str) -> bool:
    """Base64 of a CryptoAPI SIMPLEBLOB (`AQIAAA...`: type 1, version 2, then the
    session key's algorithm and the key-exchange key's, RSA): a session key
    encrypted to a machine's key container, as IIS writes its `sessionKey`.
    Ciphertext, not a key."""
    if not value.startswith("AQIAAA") or len(value) < 40:
        return False
    try:
        head = base64.b64decode(value[:16] + "=" * (-len(value[:16]) % 4))
    except ValueError:
        return False
    return len(head) >= 12 and head[8:10] == b"\x00\xa4"  # CALG_RSA_KEYX


def is_armour_fragment(value: str) -> bool:
    """Base64 of a PEM armour line and at most a few characters after it
    (`LS0tLS1CRUdJTi...`, a chart test's stand-in for a key): no key in it. Base64 of
    a whole PEM block is longer and holds its END line."""
    if not value.startswith(("LS", "LU")) or len(value) > 120:
        return False
    try:
        text = base64.b64decode(value + "=" * (-len(value) % 4)).decode("ascii", "replace")
    except ValueError:
        return False
    return text.lstrip("-").startswith("BEGIN") and "END" not in text


# A form validator's rules, `|`-separated (Laravel's `'password' => 'required|min:6'`).
_VALIDATION_RULE = re.compile(r"^[a-z_]+(?::[\w,.]+)?$")
_VALIDATION_WORDS = frozenset({"required", "sometimes", "nullable", "confirmed", "string", "min"})


def is_validation_rules(value: str) -> bool:
    parts = value.split("|")
    return (
        len(parts) >= 2
        and all(_VALIDATION_RULE.match(p) for p in parts)
        and any(p.partition(":")[0] in _VALIDATION_WORDS for p in parts)
    )


def is_file_name(value: str) -> bool:
    """A file's name with a key's, a certificate's or a configuration's extension
    (`jwt-secret.yaml`, `server.key`): where a credential is kept, not one."""
    return bool(_FILE_NAME.match(value))


def looks_like_path_or_url(value: str) -> bool:
    if value.startswith(("/", "./", "../", "~/", "file:")) or _DRIVE.match(value):
        return True
    lowered = value.lower()
    if lowered.startswith(("http://", "https://", "s3://", "gs://")) and "@" not in value:
        return True
    if "/" in value and (_RELATIVE_PATH.match(value) or _PATH_WITH_EXTENSION.match(value)):
        return True
    return bool(_FILE_NAME.match(value))


def looks_like_code(value: str) -> bool:
    """An expression or a datum, not a literal secret: `self.password`,
    `get_secret()`, `config["x"]`, `Jobs[-1].JobId`, a timestamp."""
    return bool(
        _ATTRIBUTE.match(value)
        or _CALL.match(value)
        or ("(" in value and _CALL_CHAIN.match(value))
        or ("[" in value and _INDEXED.match(value))
        or (value[:1].isdigit() and _TIMESTAMP.match(value))
    )


_WORDS = re.compile(r"^[a-z]+(?:[_ -][a-z]+)*$")
_DOTTED_WORDS = re.compile(r"^[a-z]+(?:[._ -][a-z]+)+$")
# `_auth_user_id`, `DATE_INPUT_FORMATS`: an identifier, not a token.
_SNAKE_WORDS = re.compile(r"^_*(?:[a-z]+|[A-Z]+)(?:_+(?:[a-z]+|[A-Z]+))+_*$")
# An identifier of capitalised words (`PathToObjectIdentifiersList`, `MFADevices`,
# `ServerlessV2PlatformVersions`): a name, not a token.
_CAMEL_WORDS = re.compile(r"^[a-z]*(?:[A-Z]+[a-z]+|[A-Z]?\d{1,2}(?=[A-Z]))+[A-Z]{0,4}$")
# The words of such a name: an acronym's plural (`IPs`), an acronym before a version
# (`IPv4`), a word with its capital, an acronym, a number.
_CAMEL_WORD = re.compile(
    r"[A-Z]{2,}s(?![a-z])|[A-Z]{2,}(?=v\d)|v\d+|[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+"
)
_VOWELS_Y = frozenset("aeiouy")
# Consonants that begin English words: a word starting with others (`Xnyk`, `Hsu`)
# is an abbreviation at best (`Sbom`, `Hmac`).
_ONSETS = (
    " bl br ch cl cr dr dw fl fr gh gl gn gr kl kn kr ph pl pr ps qu sc sch scr sh shr sk sl"
    " sm sn sp sph spl spr squ st str sv sw th thr tr ts tw wh wr"
    " "
)
# Two consonants that stand for a word in names (`DbContext`, `JsFunction`).
_TWO_LETTER_ABBREVIATIONS = " db js pg ms ns px tx rx cb fn wc vm qt gl gc dc sh cd cv bg nb "
_NAME_SMALL_WORDS = _SMALL_WORDS | {"id", "io", "os", "ui", "by", "up", "go"}
# Abbreviations with no vowel that names spell as words (`XmlHttpRequest`).
_KNOWN_ABBREVIATIONS = frozenset(
    {"xml", "http", "html", "sql", "url", "css", "dns", "tcp", "udp", "ssh", "ssl", "tls"}
    | {"jwt", "rpc", "grpc", "cfg", "ctx", "msg", "mgr", "cmd", "pkg", "src", "dst", "btn"}
    | {"img", "svg", "pdf", "csv", "std", "str", "fmt", "cnt", "pwd", "crt", "mfa", "smtp"}
)
# Consonants that end English words (`Sixd`, `Baalkz` end otherwise).
_CODAS = (
    " ch ck ct ds ft gh ght gs ks ld lds ll lls lm ls lt mb ml mp mps ms nch nd nds ng ngs"
    " nk nks ns nt nts ps pt rch rd rds rk rks rl rm rn rns rs rst rt rts sh sk sp ss st sts"
    " th ths ff nn tch ts tt wn wns ws wl xt"
    " "
)
_CONSONANTS_6 = re.compile(r"[^aeiouy]{6}")
_TRAILING_CONSONANTS = re.compile(r"[^aeiouy]*$")
_CONSONANTS = re.compile(r"[^aeiouy]")
_LEADING_CONSONANTS = re.compile(r"[^aeiouy]*")


def _camel_words(value: str) -> bool:
    """A name of capitalised words: the camel shape, and words one can say. Random
    letters in both cases (`mFSeAEAJd9LH`, a generated token) take the same shape;
    their parts are noise (no vowel, six consonants in a row, a long run of
    capitals), abbreviations (a word that starts with consonants no English word
    starts with, two letters) or acronyms. A name has no noise, few abbreviations
    and one acronym (two in a long name); two numbers make a value random."""
    if not _CAMEL_WORDS.match(value) or len(re.findall(r"\d+", value)) >= 2:
        return False
    kinds = [_camel_part(p, i == 0) for i, p in enumerate(_CAMEL_WORD.findall(value))]
    return (
        "noise" not in kinds
        and kinds.count("abbreviation") <= max(1, len(kinds) // 4)
        and kinds.count("acronym") <= (1 if len(kinds) < 5 else 2)
    )


def _camel_part(part: str, first: bool) -> str:
    """`word`, `abbreviation`, `acronym` or `noise`: what one part of a camel name is."""
    low = part.lower()
    if (
        part.isdigit()
        or low in _NAME_SMALL_WORDS
        or low in _KNOWN_ABBREVIATIONS
        or (low[0] == "v" and low[1:].isdigit())
    ):
        return "word"
    if part.isupper():
        return "acronym" if len(part) <= 5 else "noise"
    if not _VOWELS_Y.intersection(low):
        if len(low) > 4 or (len(low) == 2 and f" {low} " not in _TWO_LETTER_ABBREVIATIONS):
            return "noise"
        return "abbreviation"
    if _CONSONANTS_6.search(low):
        return "noise"
    onset = _LEADING_CONSONANTS.match(low)
    coda = _TRAILING_CONSONANTS.search(low)
    defects = sum(
        (
            bool(onset and len(onset.group(0)) >= 2 and f" {onset.group(0)} " not in _ONSETS),
            bool(coda and len(coda.group(0)) >= 2 and f" {coda.group(0)} " not in _CODAS),
            len(low) >= 3 and not _CONSONANTS.search(low),  # `Iay`: no consonant
        )
    )
    if defects >= 2:
        return "noise"
    if defects or (len(low) == 2 and not first):
        return "abbreviation"
    return "word"


_PART = re.compile(r"[A-Za-z]+")
# A word's case: lower, upper, or capitalised (`use`, `DB`, `Vault`).
_WORD_CASE = re.compile(r"^(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)$")


def has_random_parts(value: str) -> bool:
    """Parts split by `-`, `_` or digits that are not words: one mixes cases inside
    (`eleVHzgE`, `EZrbb`), or three or more, a third of them or more, are no word
    (no vowel, or one or two letters that are no small word: `Xc`, `e`). A generated
    password (`Pw-` and random letters) splits so; a sentence or an identifier
    written with separators does not."""
    parts = _PART.findall(value)
    if not all(_WORD_CASE.match(p) for p in parts):
        return True
    silent = sum(1 for p in parts if _no_word(p.lower()))
    return silent >= 3 and 3 * silent >= len(parts)


def _no_word(part: str) -> bool:
    return not _VOWELS_Y.intersection(part) or (len(part) <= 2 and part not in _SMALL_WORDS)


# A word spelled with digits for letters (`s3Cur3`, `p4ssw0rd`): a chosen password,
# however short: two or more such digits, one of them between letters.
_LEET_DIGITS = str.maketrans("013457", "oieast")
_LEET_INSIDE = re.compile(r"[A-Za-z][013457][A-Za-z]")
_VERSION_NAME = re.compile(r"^v\d|\d(?:alpha|beta|rc)\d")  # `v1beta1`, `2beta3`


def is_leet_word(value: str) -> bool:
    if not 5 <= len(value) <= 16 or not _LEET_INSIDE.search(value) or _VERSION_NAME.match(value):
        return False
    digits = sum(c in "013457" for c in value)
    return digits >= 2 and value.translate(_LEET_DIGITS).isalpha()


def looks_random(value: str) -> bool:
    """Token-shaped: long enough, not lower-case words, and either high entropy or
    mixed character classes."""
    if len(value) < 8 or " " in value or (_WORDS.match(value) and len(value) < 16):
        return False
    if _DOTTED_WORDS.match(value) or _camel_words(value) or _SNAKE_WORDS.match(value):
        return False  # `paren.rparen.label-matcher`, `BlueLinkButtonBrush`: words, not a token
    bits = entropy(value)
    classes = char_classes(value)
    if bits >= 3.0 and (classes >= 2 or len(value) >= 16):
        return True
    if classes >= 2 and any(c.isdigit() for c in value):
        return bits >= (2.0 if len(value) >= 16 else 2.5)
    return (len(value) >= 16 and bits >= 2.0 and not _WORDS.match(value)) or (
        len(value) >= 16 and bits >= 2.0 and "_" not in value and "-" not in value
    )


def looks_like_key_material(value: str) -> bool:
    """For a key named only `key`: long, letters and digits, high entropy."""
    return (
        len(value) >= 16
        and looks_random(value)
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
        and entropy(value) >= 3.5
        and ":" not in value
        and not value.startswith("/")
    )


@functools.lru_cache(maxsize=16384)
def strength(value: str) -> float:
    """0..1: how much a literal looks like a real credential (entropy and classes)."""
    if not value:
        return 0.0
    return strength_of(entropy(value), char_classes(value), len(value))


def strength_of(bits: float, classes: int, length: int) -> float:
    """`strength` from a value's entropy, character classes and length."""
    return round(
        0.45 * min(bits / 4.5, 1.0) + 0.3 * (classes / 4) + 0.25 * min(length / 20, 1.0), 3
    )


_HEX_DIGEST = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$")
_LINE_WORD = re.compile(r"[\w.@-]{1,80}")


def is_salted_digest(value: str) -> bool:
    return bool(_SALTED_DIGEST.match(value))


def is_hex_digest(value: str) -> bool:
    """An MD5, SHA-1 or SHA-256 digest in lower-case hex."""
    return bool(_HEX_DIGEST.match(value))


def is_digest_of_a_word(value: str, line: str) -> bool:
    """Is the value the MD5, SHA-1 or SHA-256 of a word written on the same line
    (`?login=user&token=<md5 of "user">`)? Then whoever reads the line can compute
    it: a sample of a weak token scheme, not a secret."""
    if not _HEX_DIGEST.match(value):
        return False
    algorithm = {32: "md5", 40: "sha1", 64: "sha256"}[len(value)]
    words = {w for w in _LINE_WORD.findall(line) if w != value}
    return any(hashlib.new(algorithm, w.encode()).hexdigest() == value for w in words)
