"""One pass per file: the prefilter marks the lines that contain a hint, and only
those lines meet the rules' regular expressions, the structure checks and the
generic detector."""

from __future__ import annotations

import operator
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from shieldwall.analyzers.secrets import (
    buildargs,
    forminputs,
    generic,
    scorer,
    secretfiles,
    seedcalls,
    sqlrows,
    thirdparty,
    values,
)
from shieldwall.analyzers.secrets.buildargs import BUILD_ARG_IN_ENV
from shieldwall.analyzers.secrets.catalog import SPECS
from shieldwall.analyzers.secrets.checks import armour_body
from shieldwall.analyzers.secrets.generic import (
    GENERIC_PASSWORD,
    GENERIC_TOKEN,
    GENERIC_UUID,
    rule_for,
)
from shieldwall.analyzers.secrets.names import credential_kind
from shieldwall.analyzers.secrets.prefilter import Prefilter, build
from shieldwall.analyzers.secrets.rules import known
from shieldwall.analyzers.secrets.spec import Spec
from shieldwall.analyzers.secrets.syntax import Syntax, syntax_for
from shieldwall.analyzers.secrets.verdicts import LineVerdicts
from shieldwall.model import Rule, Severity

__all__ = [
    "GENERIC_PASSWORD",
    "GENERIC_TOKEN",
    "GENERIC_UUID",
    "Detector",
    "Match",
    "default_detector",
]
_GENERIC = -1
_END = operator.itemgetter(1)  # a hint's (index, end offset): by its end
# Whole-file searches run only where the prefilter saw what each needs: a seed
# record's address (gate 0), an INSERT phrase, a form's input field: the same pass
# as the hints.
_SQL_AT, _FORM_AT = 1, 1 + len(sqlrows.PHRASES)
_GATES = (
    seedcalls.GATE,
    *(re.escape(p) for p in sqlrows.PHRASES),
    *(re.escape(g) for g in forminputs.GATES),
    seedcalls.TUPLE_GATE,
    seedcalls.HASHED_GATE,
)
_SEED_GATE = 0
_PAIRS_GATE = len(_GATES) - 2
_HASHED_GATE = len(_GATES) - 1
_SQL_GATES = frozenset(range(_SQL_AT, _FORM_AT))
_FORM_GATES = frozenset(range(_FORM_AT, _PAIRS_GATE))
# A line longer than this (minified code, data blobs) is looked at in windows
# around each hint instead of whole, so time stays linear in the file size.
_LONG_LINE = 4096
_WINDOW = 1024
_REGION_CAP = 64 * 1024
_ABOVE = 16  # lines above a region a verdict may read (a test's title)
# PEM-style blocks whose body is read beyond the header line.
_BLOCK_RULES = known(
    (
        "SECRET-PRIVATE-KEY",
        "SECRET-PRIVATE-KEY-ENCRYPTED",
        "SECRET-PRIVATE-KEY-OPENSSH",
        "SECRET-PRIVATE-KEY-PGP",
        "SECRET-PRIVATE-KEY-PUTTY",
    ),
    "engine._BLOCK_RULES",
)
# Base64 key material that is also a PEM block's body line.
_BASE64_KEY_RULES = known(
    ("SECRET-PRIVATE-KEY-BASE64-DER", "SECRET-PKCS12-BASE64"), "engine._BASE64_KEY_RULES"
)
_PASSWORD_RULES = known(
    ("SECRET-URL-PASSWORD", "SECRET-CONNECTION-STRING-PASSWORD", "SECRET-NETRC-PASSWORD"),
    "engine._PASSWORD_RULES",
)


def _provider_rule(rule_id: str) -> Rule:
    """The provider rule of that id (an unknown id fails at import)."""
    for spec in SPECS:
        if spec.rule.id == rule_id:
            return spec.rule
    raise ValueError(f"engine names a rule no module declares: {rule_id}")


_PEM_KEY = _provider_rule("SECRET-PRIVATE-KEY")
_ENCRYPTED_KEY = _provider_rule("SECRET-PRIVATE-KEY-ENCRYPTED")  # PEM, Proc-Type ENCRYPTED
_PGP_KEY = _provider_rule("SECRET-PRIVATE-KEY-PGP")
_PUTTY_KEY = _provider_rule("SECRET-PRIVATE-KEY-PUTTY")
_LOCK_FILES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "pipfile.lock",
        "cargo.lock",
        "go.sum",
        "composer.lock",
        "gemfile.lock",
        "uv.lock",
        "pdm.lock",
        "packages.lock.json",
        "requirements.lock",
        "requirements-dev.lock",
        "flake.lock",
        "mix.lock",
        "pubspec.lock",
        "podfile.lock",
    }
)
_TEST_PATH = re.compile(
    r"(?i)(?:^|/)(?:tests?|spec|specs|__tests__|testdata|test_data|fixtures?|mocks?|"
    r"examples?|samples?|demo|docs?|docs_src)(?:/|$)|(?:^|/)(?:test_[^/]*|[^/]*_test\.[a-z]+|"
    r"[^/]*\.(?:spec|test)\.[a-z]+|conftest\.py)$"
)


@dataclass(frozen=True, slots=True)
class Match:
    """A secret found in one file (or one commit's added lines of it)."""

    rule: Rule
    secret: str
    line: int
    end_line: int
    severity: Severity | None = None  # None: the rule's own severity
    detail: str = ""

    @property
    def rule_id(self) -> str:
        return self.rule.id


@dataclass(frozen=True, slots=True)
class _Target:
    spec: Spec | None  # None: the generic detector
    regex: re.Pattern[str] | None


class Detector:
    """All provider rules and the generic detector, compiled once. `decider`
    decides on the generic detector's candidates: the shipped scorer by default,
    None for the rules alone. `remember=False`: no line's verdict is reused (for
    a decider that records every candidate it is shown)."""

    def __init__(
        self,
        specs: Sequence[Spec] = SPECS,
        backend: str = "auto",
        decider: scorer.Decider | str | None = "shipped",
        remember: bool = True,
    ) -> None:
        if isinstance(decider, str) and decider != "shipped":
            raise ValueError("decider: a scorer, None or 'shipped'")
        self._decider: scorer.Decider | None = (
            scorer.shipped() if isinstance(decider, str) else decider
        )
        self._verdicts = LineVerdicts(self._decider, remember)
        hints: list[str] = []
        owners: list[list[int]] = []
        index: dict[str, int] = {}
        self._targets = [_Target(s, s.compile()) for s in specs]

        def add(hint: str, target: int) -> None:
            key = hint.lower()
            if key not in index:
                index[key] = len(hints)
                hints.append(hint)
                owners.append([])
            owners[index[key]].append(target)

        for i, spec in enumerate(specs):
            for hint in spec.hints:
                add(hint, i)
        for hint in generic.HINTS:
            add(hint, _GENERIC)
        self._owners = [tuple(o) for o in owners]
        self.prefilter: Prefilter = build(hints, backend, _GATES)

    # ---- the pass over one file -----------------------------------------------
    def scan(self, data: bytes, path: str = "", generic_rules: bool = True) -> list[Match]:
        """Matches in one file's bytes; `generic_rules=False`: provider rules only."""
        name = path.rsplit("/", 1)[-1].lower()
        found: list[Match] = []
        if thirdparty.published_standard(path, data):
            return found  # a standard's examples: see thirdparty.py
        if generic_rules and thirdparty.keyword_exempt(path, data) is not None:
            generic_rules = False  # provider rules only: see thirdparty.py
        if generic_rules and buildargs.is_dockerfile(name):
            found.extend(_persisted_args(data))
        if generic_rules and len(data) <= 256:  # `secrets/db_password`: the name is the key
            found.extend(_secret_file(data, path))
        hits, gates = self.prefilter.scan_gated(data)
        if generic_rules and _SEED_GATE in gates:  # a seed user's record names no key
            found.extend(_seed_users(data, path))
        if generic_rules and _PAIRS_GATE in gates:  # `users = [('admin', '...'), ...]`
            found.extend(_seed_pairs(data, path))
        if generic_rules and _HASHED_GATE in gates:  # `make_password('...')`
            found.extend(_hashed_seeds(data, path))
        if not hits:
            return found  # no credential word: no column named for one either
        if generic_rules and not gates.isdisjoint(_SQL_GATES):
            found.extend(_sql_rows(data))
        if generic_rules and not gates.isdisjoint(_FORM_GATES):
            found.extend(_form_inputs(data, path))
        regions = self._regions(data, hits)
        lock_file = name in _LOCK_FILES
        syntax = syntax_for(name, data[:128])
        test_path = bool(_TEST_PATH.search(path))
        line_no, counted = 1, 0  # lines are counted up to a region only when it reports
        for start, (stop, targets) in sorted(regions.items()):
            text = data[start:stop].decode("utf-8", "replace")
            here: list[Match] = []  # lines counted from the region's first, as 0
            provider_values: set[str] = set()
            for t in sorted(targets) if len(targets) > 1 or _GENERIC not in targets else ():
                if t == _GENERIC:
                    continue
                for match in self._provider(self._targets[t], text, data, start, 0):
                    provider_values.add(match.secret)
                    here.append(match)
            if _GENERIC in targets and generic_rules and not lock_file:
                here.extend(
                    self._generic(
                        text, data, (start, stop), (syntax, path, test_path), provider_values
                    )
                )
            if here:
                line_no += data.count(b"\n", counted, start)
                counted = start
                found.extend(_moved(m, line_no) for m in here)
        return _dedupe(found)

    def _regions(self, data: bytes, hits: list[tuple[int, int]]) -> dict[int, tuple[int, set[int]]]:
        """Group hints by line: start -> (stop, targets). A long line is cut into
        windows around its hints, merged while they overlap (up to _REGION_CAP,
        then a new one starts a window earlier), so each byte is read a bounded
        number of times however many hints a minified line holds."""
        regions: dict[int, tuple[int, set[int]]] = {}
        hits.sort(key=_END)
        all_owners, rfind, find, size = self._owners, data.rfind, data.find, len(data)
        line_start, line_stop, short = 0, -1, True
        cur_start, cur_stop = -1, -1
        cur: set[int] = set()
        for hint, end in hits:
            if end > line_stop:  # hits are sorted: search back only to the last line's end
                line_start = rfind(b"\n", max(line_stop, 0), end) + 1
                found = find(b"\n", end)
                line_stop = size if found < 0 else found
                short = line_stop - line_start <= _LONG_LINE
            owners = all_owners[hint]
            if short:
                if line_start == cur_start:  # another hint on the region's line
                    cur.update(owners)
                    continue
                lo, hi = line_start, line_stop
            else:
                lo, hi = max(line_start, end - _WINDOW), min(line_stop, end + _WINDOW)
            if (
                cur_start >= 0
                and lo <= cur_stop
                and (hi - cur_start <= _REGION_CAP or lo == cur_start)
            ):
                cur_stop = max(cur_stop, hi)
                cur.update(owners)
                continue
            if cur_start >= 0:
                regions[cur_start] = (cur_stop, cur)
            cur_start, cur_stop, cur = lo, hi, set(owners)
        if cur_start >= 0:
            regions[cur_start] = (cur_stop, cur)
        return regions

    def _provider(
        self, target: _Target, text: str, data: bytes, offset: int, line_no: int
    ) -> list[Match]:
        spec = target.spec
        assert spec is not None and target.regex is not None
        out: list[Match] = []
        for m in target.regex.finditer(text):
            if spec.rule.id in _BLOCK_RULES:
                block = _read_block(
                    data, offset + len(text[: m.start()].encode("utf-8")), spec.rule
                )
                out.extend(self._block(spec, block, line_no + text.count("\n", 0, m.start())))
                continue
            secret = m.group("s") if "s" in target.regex.groupindex else m.group(0)
            if spec.rule.id in _BASE64_KEY_RULES and _in_pem_block(data, offset, text, m.start()):
                continue  # a line of a PEM key's body: the PEM rule reports the key
            if values.is_example(secret) or (spec.check is not None and not spec.check(secret)):
                continue
            if not _body_ok(secret) or (
                spec.rule.id in _PASSWORD_RULES and not _url_password_ok(secret)
            ):
                continue
            if "h" in target.regex.groupindex and _EXAMPLE_HOST.search(m.group("h") or ""):
                continue  # `user:pass@example.com`: a documented example

            if values.has_sequence(secret):
                out.append(Match(spec.rule, secret, line_no, line_no, Severity.LOW, _TYPED))
                continue
            out.append(Match(spec.rule, secret, line_no, line_no))
        return out

    def _block(self, spec: Spec, block: tuple[str, int] | None, line: int) -> list[Match]:
        if block is None:
            return []
        text, lines = block
        rule = spec.rule
        if rule == _PEM_KEY and "Proc-Type: 4,ENCRYPTED" in text:
            rule = _ENCRYPTED_KEY
        elif rule == _PUTTY_KEY:
            if "Private-Lines:" not in text:
                return []
            if "Encryption: none" not in text:
                return [
                    Match(rule, text, line, line + lines, Severity.MEDIUM, "passphrase-protected")
                ]
        elif rule in (_PGP_KEY, _ENCRYPTED_KEY):
            if len(armour_body(text)) < 64:
                return []
        elif spec.check is not None and not spec.check(text):
            return []
        return [Match(rule, text, line, line + lines)]

    def _generic(
        self,
        text: str,
        data: bytes,
        span: tuple[int, int],
        where: tuple[Syntax, str, bool],
        provider_values: set[str],
    ) -> list[Match]:
        """The generic findings of the region `span` of `data` (`text`, decoded), lines
        counted from 0. A verdict reads the lines below the region's last (n > 0) and,
        for its first, the lines above it (n < 0: a test's title)."""
        out: list[Match] = []
        lines = text.split("\n")
        start, stop = span
        below_cache: list[str] | None = None
        above_cache: list[str] | None = None

        def following(n: int) -> str | None:
            nonlocal below_cache, above_cache
            if n < 0:
                if above_cache is None:
                    head = data[max(0, start - 4096) : start].decode("utf-8", "replace")
                    above_cache = head.split("\n")[-_ABOVE - 1 : -1][::-1] if head else []
                return above_cache[-n - 1] if -n - 1 < len(above_cache) else None
            if below_cache is None:
                tail = data[stop + 1 : stop + 1 + 2048].decode("utf-8", "replace")
                below_cache = tail.split("\n")[:3]
            return below_cache[n - 1] if n - 1 < len(below_cache) else None

        last = len(lines) - 1
        for i, line in enumerate(lines):
            below = following if i == last == 0 else _below_only(following) if i == last else _none
            for verdict in self._verdicts.of(line, where, below, provider_values):
                if not verdict.keep:
                    continue
                hit = verdict.hit
                rule = rule_for(hit.kind, hit.value)
                at = i + hit.line_offset
                out.append(Match(rule, hit.value, at, at, verdict.severity, f"key {hit.key}"))
        return out


def _moved(match: Match, line_no: int) -> Match:
    """`match`, its lines counted from `line_no` instead of 0."""
    return replace(match, line=match.line + line_no, end_line=match.end_line + line_no)


def _sql_rows(data: bytes) -> list[Match]:
    """Credentials in INSERT rows whose column names one (see sqlrows.py)."""
    return [
        Match(
            rule_for(credential_kind(column), value),
            value,
            line,
            line,
            severity,
            f"column {column}",
        )
        for line, column, value, severity in sqlrows.rows(data)
    ]


def _seed_users(data: bytes, path: str) -> list[Match]:
    """Strong passwords in user records given by position (see seedcalls.py)."""
    if not any(True for _ in seedcalls.passwords(data, False)):
        return []  # most files: no record (the path's test is asked only when there is)
    return [
        Match(GENERIC_PASSWORD, value, line, line, sev, "a user record's argument")
        for line, value, sev in seedcalls.passwords(data, bool(_TEST_PATH.search(path)))
    ]


def _seed_pairs(data: bytes, path: str) -> list[Match]:
    """Passwords in a list of users' (name, password) pairs (see seedcalls.py)."""
    test_path = bool(_TEST_PATH.search(path))
    return [
        Match(GENERIC_PASSWORD, value, line, line, sev, "a user pair's password")
        for line, value, sev in seedcalls.pair_passwords(data, test_path)
    ]


def _hashed_seeds(data: bytes, path: str) -> list[Match]:
    """Literals handed to a password-hashing call (see seedcalls.py)."""
    test_path = bool(_TEST_PATH.search(path))
    return [
        Match(GENERIC_PASSWORD, value, line, line, sev, "a hashed password's plaintext")
        for line, value, sev in seedcalls.hashed_passwords(data, test_path)
    ]


def _secret_file(data: bytes, path: str) -> list[Match]:
    """A file named for a credential holding its value alone (see secretfiles.py)."""
    got = secretfiles.file_value(path, data, bool(_TEST_PATH.search(path)))
    if got is None:
        return []
    kind = credential_kind(path.rsplit("/", 1)[-1].removesuffix(".txt"))
    return [Match(rule_for(kind, got[0]), got[0], 1, 1, got[1], "a secret file's value")]


def _form_inputs(data: bytes, path: str) -> list[Match]:
    """Password fields' literal defaults in a page's forms (see forminputs.py)."""
    return [
        Match(GENERIC_PASSWORD, value, line, line, sev, f"form field {name}")
        for line, name, value, sev in forminputs.passwords(data, bool(_TEST_PATH.search(path)))
    ]


def _persisted_args(data: bytes) -> list[Match]:
    text = data[: 1024 * 1024].decode("utf-8", "replace")
    return [
        Match(
            BUILD_ARG_IN_ENV, f"${p.arg}", p.line, p.line, None, f"ENV {p.env} copies ARG {p.arg}"
        )
        for p in buildargs.persisted(text)
    ]


def _in_pem_block(data: bytes, offset: int, text: str, at: int) -> bool:
    """Does a `-----BEGIN` line stand just above position `at` of `text`?"""
    pos = offset + len(text[:at].encode("utf-8"))
    return data.rfind(b"-----BEGIN", max(0, pos - 160), pos) >= 0


def _none(n: int) -> str | None:
    return None


def _below_only(following: Callable[[int], str | None]) -> Callable[[int], str | None]:
    """`following` for the lines below only: a region's last line that is not its first."""
    return lambda n: following(n) if n > 0 else None


def _read_block(data: bytes, start: int, rule: Rule) -> tuple[str, int] | None:
    """The armoured block starting at `start`, and how many lines it spans after
    its first."""
    limit = min(len(data), start + 64 * 1024)
    if rule == _PUTTY_KEY:
        end = data.find(b"Private-MAC:", start, limit)
        end = limit if end < 0 else data.find(b"\n", end, limit)
    else:
        end = data.find(b"-----END", start, limit)
        if end < 0:
            return None
        close = data.find(b"-----", end + 8, limit)
        end = limit if close < 0 else close + 5
    end = limit if end < 0 else end
    raw = data[start:end]
    return raw.decode("utf-8", "replace"), raw.count(b"\n")


_TYPED = "holds a run typed by hand (1234567, abcdefgh, 1111111): likely a documentation example"
_FILL = re.compile(r"(?i)x{5,}|\*{3,}|0{12,}|#{3,}|\.{3,}")


def _body_ok(secret: str) -> bool:
    """Reject a placeholder fill (`ghp_xxxxxxxx...`, `****`)."""
    return not _FILL.search(secret)


# The domains reserved for documentation (RFC 2606): example.com, .org, .net.
_EXAMPLE_HOST = re.compile(r"(?i)(?:^|\.)example\.(?:com|org|net)$")


_ENTITIES = re.compile(r"^(?:&#?\w+;)+$")


def _url_password_ok(secret: str) -> bool:
    return not (
        values.is_placeholder(secret)
        or values.is_reference(secret)
        or secret.startswith(("$", "%", "{", "<"))
        or bool(_ENTITIES.match(secret))  # `root:&quot;&quot;@`: an empty password, escaped
        or secret.isdigit()  # host:port@ mistaken for user:password@
    )


def _dedupe(found: list[Match]) -> list[Match]:
    seen: set[tuple[str, str, int]] = set()
    out: list[Match] = []
    for m in found:
        key = (m.rule.id, m.secret, m.line)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


_DEFAULT: Detector | None = None


def default_detector() -> Detector:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Detector()
    return _DEFAULT


def group_by_rule(matches: Sequence[Match]) -> dict[str, list[Match]]:
    out: dict[str, list[Match]] = defaultdict(list)
    for m in matches:
        out[m.rule.id].append(m)
    return out
