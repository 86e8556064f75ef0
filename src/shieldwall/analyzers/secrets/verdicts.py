"""The generic detector's verdicts on one line: its candidates, whether the
decider keeps each, and at what severity - remembered per line.

Generated files (API models, lock-like JSON, translations) repeat the same line
thousands of times, and a history scan meets each line again in every commit
that keeps it. A verdict depends on the line's text, the file's syntax, the
extension group and test-path flag the scorer reads, and - for YAML's `key:` /
`value: v` layouts - on the lines below; a line whose verdict read a line below
is not remembered. Everything else is a pure function of those inputs, so the
remembered verdict is the one a fresh pass would give."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from shieldwall.analyzers.secrets import generic, scorer, testinputs, values
from shieldwall.analyzers.secrets.syntax import CONFIG, Syntax
from shieldwall.model import Severity

# Lines longer than this are not remembered: they seldom repeat, and the memory
# stays bounded (entries x line length).
_LONGEST = 1024
_ENTRIES = 16384
# where a credential's own word (`password`, `secret`) is its value, not a label: an
# item of a compose `environment:` list (`- EventBusPassword=password`), C# code
_OWN_WORD_LAYOUT = re.compile(r"\.cs\n|\n\s*-\s*[\w.]+=")
# a weak value (`secret`, `123456`) is kept in such a list item and such a setting,
# not in C# code; and in a database seeder's or model factory's file (the password a
# seeded user logs in with: Laravel's `'password' => 'secret'` in a factory)
_LIST_ITEM = re.compile(r"\n\s*-\s*[\w.]+=|(?:^|/)(?:factories|seeders|seeds)/[^/\n]+\n")
# and a setting of a configuration file, `.env` or manifest, its key opening the line
# (`POSTGRES_PASSWORD: password`, `MONGODB_PASSWORD=password`): what the service is
# started with; not a variable set for one command (`RUN APP_SECRET_TOKEN=secret
# rake assets:precompile`: a dummy the build needs) nor a call's argument in a
# document (`jwt_secret='secret'` in a README's example)
_OWN_WORD_SETTINGS = frozenset({"bare", "pair", "quoted"})
_SETTING = re.compile(r"""^\s*(?:-\s+)?(?:export\s+|ENV\s+)?["']?(?P<key>[\w.-]+)""")


def _own_word_setting(syntax: Syntax, line: str, hit: generic.GenericHit) -> bool:
    setting = _SETTING.match(line)
    return (
        syntax is CONFIG
        and hit.via in _OWN_WORD_SETTINGS
        and setting is not None
        and setting.group("key") == hit.key
    )


_TEST_WORD = re.compile(r"(?i)test|mock|dummy|fake|sample|example|demo|local|dev(?:elop)?")


Where = tuple[Syntax, str, bool]  # the file's syntax, its path, a test path?
Below = Callable[[int], str | None]  # the n-th line below (n < 0: above), None past it


# A user name given on the line: `username: "vulntest", password: "vulntest"`.
_USER_NAME = re.compile(r"""(?i)\buser(?:_?name)?["'`]?\s*[:=]\s*["'`](?P<u>[^"'`\s]{1,64})["'`]""")


# A user's record on the line (`id="admin", password=...`, `"username": ...`) and a
# hex digest for the password: what the application stores, not the password.
_USER_RECORD = re.compile(r"""(?i)\b(?:user(?:_?name)?|login|id)["'`]?\s*[:=]\s*["'`]""")


def _stored_digest(line: str, hit: generic.GenericHit) -> bool:
    return (
        hit.kind == "password"
        and values.is_hex_digest(hit.value)
        and _USER_RECORD.search(line) is not None
    )


def _account_of_a_test(line: str, password: str) -> bool:
    """An account a test makes up with its user name as its password: filler the
    test registers and logs in with, not anyone's credential."""
    return any(m.group("u") == password for m in _USER_NAME.finditer(line))


# A credential's own word written in leetspeak (`3` for `e`, `0` for `o`...) under a
# key that is that word alone: in a test, a fixture's filler (Symfony's `secret`).
_LEET = str.maketrans("013457@$", "oieastas")
_OWN_WORDS = ("secret", "password", "passwd")


def _leet_own_word(hit: generic.GenericHit) -> bool:
    lowered = hit.value.lower()
    word = lowered.translate(_LEET)
    if word == lowered or word not in _OWN_WORDS:
        return False
    return word == hit.key.lower().strip("$@'\"")  # `secret:`, not `MYSQL_PASSWORD=`


# The example users Tomcat ships commented out in `tomcat-users.xml` (`tomcat`,
# `both`, `role1`), copied into templates with the comment around them.
_TOMCAT_SAMPLE_USER = re.compile(r"""<user\s+username=["'](?:tomcat|both|role1)["']""")
_COMMENT_SCAN = 12  # lines below read for the comment's end


def _tomcat_sample(line: str, following: Below) -> bool:
    """Inside an XML comment (its `-->` comes below before any `<!--`)."""
    if not _TOMCAT_SAMPLE_USER.search(line):
        return False
    for n in range(1, _COMMENT_SCAN + 1):
        text = following(n)
        if text is None or "<!--" in text:
            return False
        if "-->" in text:
            return True
    return False


@dataclass(frozen=True, slots=True)
class Verdict:
    hit: generic.GenericHit
    keep: bool
    severity: Severity | None  # None when not kept
    # the decider's probability; None when the rules decided alone (a test's filler,
    # a stored digest, a credential's own word) or there is no decider
    probability: float | None = None


class LineVerdicts:
    """Verdicts of one decider (None: the rules alone), remembered per line in a
    bounded table (the oldest half is dropped when it is full); `remember=False`
    decides every line afresh (a decider that records its calls sees each one)."""

    def __init__(self, decider: scorer.Decider | None, remember: bool = True) -> None:
        self._decider = decider
        self._remember = remember
        self._seen: dict[tuple[str, str, tuple[float, ...], bool], tuple[Verdict, ...]] = {}
        self._path, self._place = "", scorer.path_part("")

    def of(
        self, line: str, where: Where, following: Below, provided: set[str]
    ) -> tuple[Verdict, ...]:
        """The verdicts on the generic candidates of `line` in a file `where`
        (syntax, path, test path?), leaving out a value that overlaps one a
        provider rule reported in the same place (`provided`)."""
        if provided or not self._remember:
            return self._decide(line, where, following, provided)
        syntax, path, test_path = where
        if path != self._path:  # the lines of one file come together
            self._path, self._place = path, scorer.path_part(path)
        key = (line, syntax.name, self._place, test_path)
        known = self._seen.get(key)
        if known is not None:
            return known
        read_below = False

        def below(n: int) -> str | None:
            nonlocal read_below
            read_below = True
            return following(n)

        found = self._decide(line, where, below, provided)
        if not read_below and len(line) <= _LONGEST:
            if len(self._seen) >= _ENTRIES:
                for old in list(self._seen)[: _ENTRIES // 2]:
                    del self._seen[old]
            self._seen[key] = found
        return found

    def _decide(
        self, line: str, where: Where, following: Below, provided: set[str]
    ) -> tuple[Verdict, ...]:
        syntax, path, test_path = where
        decider = self._decider
        hits = list(generic.find(line, syntax, following, decider is not None))
        out = []
        for hit in hits:
            if any(hit.value in v or v in hit.value for v in provided):
                continue
            if values.is_documented(hit.value):
                continue  # a specification's or provider's own example, whatever the scorer says
            filler = test_path and (
                (hit.kind == "password" and _account_of_a_test(line, hit.value))
                or _leet_own_word(hit)
                or (hit.kind == "password" and testinputs.refused_in_test(line, following))
            )
            if filler or _stored_digest(line, hit) or _tomcat_sample(line, following):
                out.append(Verdict(hit, False, None))
                continue
            keep = True
            if hit.reason in (generic.OWN_WORD, generic.WEAK_VALUE):
                layout = _OWN_WORD_LAYOUT if hit.reason == generic.OWN_WORD else _LIST_ITEM
                keep = not test_path and (
                    layout.search(path + "\n" + line) is not None
                    or _own_word_setting(syntax, line, hit)
                )
                out.append(Verdict(hit, keep, Severity.MEDIUM if keep else None))
                continue
            probability = None
            if decider is not None:
                x = scorer.features(hit, syntax, path, test_path, line, len(hits))
                floor = decider.threshold if hit.reason else decider.veto
                probability = decider.probability(x)
                keep = probability >= floor
            out.append(Verdict(hit, keep, severity(hit, test_path) if keep else None, probability))
        return tuple(out)


def severity(hit: generic.GenericHit, test_path: bool) -> Severity:
    if values.has_sequence(hit.value):
        return Severity.LOW
    if test_path or _TEST_WORD.search(hit.key) or _TEST_WORD.search(hit.value):
        return Severity.LOW
    score = values.strength(hit.value)
    if hit.kind == "password":
        return Severity.HIGH if score >= 0.6 else Severity.MEDIUM
    return Severity.HIGH if score >= 0.75 and len(hit.value) >= 20 else Severity.MEDIUM
