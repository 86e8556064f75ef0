"""Paranoia levels 2-4: fragments of attacks that level 1 leaves alone because
benign requests carry them too (`ABS(`, a lone `ORDER BY`, `>>`, `${cmd}`, a
run of punctuation). Each fragment knows its level; a level-N watcher reports
the fragments of levels 2..N, on the parts of a request each fragment reads,
for the kinds that level 1 did not already find in the request."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from shieldwall.runtime.detect.body import body_values
from shieldwall.runtime.detect.decode import MAX_LEN, decode, query_values
from shieldwall.runtime.detect.gate import Gated, gated
from shieldwall.runtime.events import HttpEvent

# Parameter values: what an application reads as data.
PARAMETERS = frozenset({"query", "body", "cookie"})
# Parameters and the headers a payload is sent in (not the user agent: every
# browser's carries `(`, `;` and version numbers).
ANYWHERE = PARAMETERS | {"path", "header", "referer"}

# Headers whose values are the browser's own (or fields of the event).
_QUIET = frozenset(
    {
        "user-agent", "referer", "host", "accept", "accept-encoding", "accept-language",
        "accept-charset", "cache-control", "pragma", "connection", "proxy-connection",
        "keep-alive", "content-length", "if-modified-since", "if-none-match", "dnt", "te",
        "upgrade-insecure-requests",
    }
)  # fmt: skip
_FUNCTIONS = (
    r"abs|ascii|benchmark|bin|cast|char|chr|coalesce|concat|concat_ws|convert|count|database"
    r"|date|day|default|elt|exp|extractvalue|field|floor|format|group_concat|hex|if|ifnull|in"
    r"|instr|isnull|left|length|ln|load_file|local|log|lower|ltrim|max|md5|mid|min|minute|month"
    r"|now|nullif|ord|password|pi|pow|power|quarter|rand|repeat|replace|reverse|right|round"
    r"|rtrim|schema|sha1|sleep|space|substr|substring|sum|sysdate|time|trim|unhex|updatexml"
    r"|upper|user|values|version|year"
)


_SQL_PUNCTUATION = r"~!@#$%^&*()\-+={}\[\]|:;\"'`<>"


def _punctuation(count: int) -> str:
    """`count` SQL punctuation characters anywhere in the value. Anchored at the
    start, each run of other characters taken whole (`*+`): linear in the value's
    length (unanchored, a search retried from every position: 0.3 s on 8 KB)."""
    return rf"\A(?:[^{_SQL_PUNCTUATION}]*+[{_SQL_PUNCTUATION}]){{{count}}}"


@dataclass(frozen=True, slots=True)
class Fragment:
    kind: str
    rule: str
    level: int
    fields: frozenset[str]
    pattern: Gated

    def test(self, lowered: str) -> bool:
        return self.pattern.search(lowered) is not None


def _fragment(kind: str, rule: str, level: int, fields: frozenset[str], regex: str) -> Fragment:
    return Fragment(kind, rule, level, fields, gated(regex))


FRAGMENTS: tuple[Fragment, ...] = (
    # --- level 2: shapes an attacker writes and a form seldom holds ----------------
    # an SQL function opened right after its name, or after punctuation (`if(`,
    # `length||(`, `year]=(`, `IN/**/(`), not after a space (`Length (cm)`)
    _fragment(
        "sqli",
        "RT-SQLI-PL2-FUNCTION",
        2,
        PARAMETERS,
        rf"\b(?:{_FUNCTIONS})(?:\(|[^\w\s(]{{1,6}}\s*\()",
    ),
    # a value that is an SQL keyword or phrase alone (`ORDER BY`, `XOR`, `RLIKE`)
    _fragment(
        "sqli",
        "RT-SQLI-PL2-KEYWORD",
        2,
        PARAMETERS,
        r"^\s*(?:order\s+by|group\s+by|union(?:\s+all)?|select|xor|rlike|regexp"
        r"|sounds\s+like|having|waitfor|procedure|exec(?:ute)?\s*\(?)\s*$"
        r"|^\s*exec(?:ute)?\s+[a-z_]+",
    ),
    # a value that is an SQL operator alone (`>>`, `||`, `<=>`, `!=`)
    _fragment(
        "sqli",
        "RT-SQLI-PL2-OPERATOR",
        2,
        PARAMETERS,
        r"^\s*(?:<<|>>|&&|\|\||!=|<=>|<=|>=|==|<>|->>?|\^)\s*$",
    ),
    # a quote closed and followed by a comment or a boolean (`' = #`, `' or x`)
    _fragment(
        "sqli",
        "RT-SQLI-PL2-QUOTE",
        2,
        PARAMETERS,
        r"['\"`]\s*(?:[=?*]\s*)*(?:#|--|/\*)|['\"`]\s*(?:or|and|xor|\|\||&&)\s+\w"
        r"|^\s*\^\s*['\"`]",
    ),
    # hexadecimal literals escaped or glued (`\0xf00d`), a quoted name assigned
    _fragment(
        "sqli",
        "RT-SQLI-PL2-LITERAL",
        2,
        PARAMETERS,
        r"\\0x[0-9a-f]{3,}|['\"`]\s*,\s*0x[0-9a-f]+|,\s*\w+[\"`]\s*=",
    ),
    # twelve or more SQL punctuation characters in one value
    _fragment(
        "sqli",
        "RT-SQLI-PL2-CHARS",
        2,
        PARAMETERS,
        _punctuation(12),
    ),
    # a shell variable, command substitution or backquoted command (`${cmd}`, `$(id)`);
    # a substitution from the last `$(` before its `)` (a run of `$(` is tried once each)
    _fragment(
        "cmdi",
        "RT-CMDI-PL2-EXPANSION",
        2,
        PARAMETERS,
        r"\$\{[a-z_][\w]*\}|\$\((?:[^)$]|\$(?!\())*+\)|`[^`]+`",
    ),
    # a path spelled with shell globs (`/[e]tc/`, `/e?c/p*sswd`) or a binary folder
    _fragment(
        "cmdi",
        "RT-CMDI-PL2-GLOB",
        2,
        PARAMETERS,
        r"/[\w.]*(?:\[[^\]/]*\]|\?)[\w.\[\]?*/]*/|/\[[\w/]+\]"
        r"|\b(?:usr/(?:local/)?)?s?bin/[a-z][\w.+-]*",
    ),
    # an interpreter called with its version (`python3.10 x`, `perl5 -e`)
    _fragment(
        "cmdi",
        "RT-CMDI-PL2-INTERPRETER",
        2,
        PARAMETERS,
        r"\b(?:python|perl|ruby|php|lua|node)\d[\d.]*\s+[\w-]",
    ),
    # a step up with either slash anywhere, or at a value's very start
    _fragment(
        "path-traversal", "RT-TRAVERSAL-PL2", 2, ANYWHERE, r"(?:^|[\\/])\.\.(?:[\\/;]|$)|^\.\.\S"
    ),
    # an event handler after a digit or punctuation (`51onabcd=`), a tag opened
    _fragment(
        "xss",
        "RT-XSS-PL2-HANDLER",
        2,
        ANYWHERE,
        r"[\s\"'`;/0-9=,(]on[a-z]{3,25}[\s;,(]*=[^=]|<[a-z!/?][\w-]*",
    ),
    # --- level 3: fragments many benign values share --------------------------------
    # an SQL function after spaces too (`round (`, `Length (cm)`)
    _fragment("sqli", "RT-SQLI-PL3-FUNCTION", 3, PARAMETERS, rf"\b(?:{_FUNCTIONS})\W{{0,6}}\("),
    # six or more SQL punctuation characters in one value
    _fragment(
        "sqli",
        "RT-SQLI-PL3-CHARS",
        3,
        PARAMETERS,
        _punctuation(6),
    ),
    # a punctuation character repeated four times (`....`, `####`)
    _fragment("sqli", "RT-SQLI-PL3-REPEAT", 3, PARAMETERS, r"([^\w\s])\1{3}"),
    # shell sequences: a separator before a word, a redirection, a home (`~0`)
    _fragment(
        "cmdi",
        "RT-CMDI-PL3-SEQUENCE",
        3,
        PARAMETERS,
        r"(?:;|&&|\|\|?)\s*[a-z]\w*|>>|2>&1|^~[+-]?\d",
    ),
    # two dots with any separator, in any part
    _fragment(
        "path-traversal", "RT-TRAVERSAL-PL3", 3, ANYWHERE | {"user_agent"}, r"\.\.[\\/;%]|[\\/]\.\."
    ),
    # a less-than or greater-than in a parameter
    _fragment("xss", "RT-XSS-PL3-ANGLE", 3, PARAMETERS, r"[<>]"),
    # --- level 4: anything that could start an attack ---------------------------------
    # two SQL punctuation characters in one value
    _fragment(
        "sqli",
        "RT-SQLI-PL4-CHARS",
        4,
        PARAMETERS,
        _punctuation(2),
    ),
    # a new line followed by a word (a second command), from the last line break of
    # the blanks before the word (a run of N breaks is tried once each, not N times)
    _fragment("cmdi", "RT-CMDI-PL4-NEWLINE", 4, PARAMETERS, r"[\r\n][^\S\r\n]*+[a-z]"),
)


def fragments_at(level: int) -> tuple[Fragment, ...]:
    """The fragments a watcher at paranoia `level` reports (none at level 1)."""
    return tuple(f for f in FRAGMENTS if f.level <= level)


def request_values(event: HttpEvent) -> Iterator[tuple[str, str]]:
    """Each part of a request a fragment may read, decoded, on its first MAX_LEN
    characters (a longer value is flagged by the detectors): (field, value)."""
    for field, value in _request_values(event):
        yield field, value[:MAX_LEN]


def _request_values(event: HttpEvent) -> Iterator[tuple[str, str]]:
    if event.path:
        yield "path", decode(event.path, plus=False)
    if event.query:
        for value in query_values(event.query):
            yield "query", value
    content_type = ""
    for name, value in event.headers:
        if name == "content-type":
            content_type = value
        elif name == "cookie":
            for pair in value.split(";"):
                cookie = pair.strip().partition("=")[2]
                if cookie:
                    yield "cookie", decode(cookie, plus=False)
        elif value and name not in _QUIET and not name.startswith("sec-"):
            yield "header", decode(value, plus=False)
    if event.body:
        for value in body_values(event.body, content_type):
            yield "body", value
    if event.user_agent:
        yield "user_agent", event.user_agent
    if event.referer:
        yield "referer", decode(event.referer, plus=False)
