"""Which payloads a request carries: libinjection for SQL injection and XSS,
signatures for the rest, on every part of the request the log has, decoded."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import libinjection

from shieldwall.runtime.detect.body import Body, read_body
from shieldwall.runtime.detect.decode import (
    MAX_LEN,
    OVERLAP,
    WINDOW,
    base64_text,
    decode,
    query_values,
    utf7_text,
)
from shieldwall.runtime.detect.fragments import fragments_at, request_values
from shieldwall.runtime.detect.gate import build as build_gate
from shieldwall.runtime.detect.gate import gated
from shieldwall.runtime.detect.shell import POWERSHELL_HINT, shell_command
from shieldwall.runtime.detect.signatures import SIGNATURES, jndi
from shieldwall.runtime.detect.upload import (
    UPLOAD_HEADERS,
    multipart_file_names,
    restricted_file_name,
)
from shieldwall.runtime.events import HttpEvent


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str
    rule: str
    field: str


# Files named in a value or a path that the signatures judge: a PHP session, a process's
# descriptors, web applications' settings, Windows' start-up files, SSH's key lists,
# a project's build and deployment files.
_FILE_WORDS = (
    r"tmp/sess_|dev/(?:std|fd/|tcp/|udp/|shm/|k?mem\b)|global\.asa|config\.sys|system\.ini"
    r"|configuration\.php|localsettings\.php|config/(?:database|secrets|credentials|storage)\.yml"
    r"|master\.key|app/etc/|appsettings|local_settings\.py|authorized_keys|known_hosts"
    r"|composer\.(?:json|lock)|package(?:-lock)?\.json|yarn\.lock|gemfile|dockerfile"
    r"|docker-compose|vagrantfile|sftp-config|phpunit\.xml|config\.php|settings\.php"
    r"|database\.yml|local\.xml|jenkinsfile|pipfile|pom\.xml|build\.gradle|gruntfile\.js"
    r"|gulpfile\.js|webpack\.config\.js|terraform\.tf|tomcat-users|server\.key|private\.key"
    r"|privkey\.pem|server\.pem"
)
# Text made only of these cannot carry a payload of any kind but SQL words and
# scheme URLs, which _WORDS catches.
_PLAIN = re.compile(r"[\w\-.,:/@ ]*")
_WORDS = gated(
    r"union|select|sleep|benchmark|waitfor|://|passwd|win\.ini|boot\.ini|javascript|localhost"
    r"|169\.254|metadata|\.\.|\bor\b|\band\b|proc/|etc/|0x2e|_history|c:/|run/secrets|like\s+(?:null|\d)|2147483648|429496729[56]|922337203685477580[78]|1e309|\d\s+like|is\s+(?:not\s+)?null|having|order\s+by|exec"
    r"|https?:|\s-{1,2}[a-z]|\b(?:whoami|sh|bash|ifconfig|ipconfig|sleep|time|sudo|nohup|cmd"
    r"|powershell|certutil|insert|drop|delete|update|create|alter|truncate|declare|waitfor"
    r"|information_schema|xp_cmdshell)\b|root/|\.ssh|id_[rd]sa|\.htpasswd|var/log|sudoers"
    r"|wp-config|web\.config|\b(?:uname|visudo|ansible|cscli|netstat|systeminfo|nslookup)\b"
    r"|\bif\s+(?:/i\s+)?(?:not\s+)?(?:exist|defined|errorlevel|cmdextversion)\b"
    r"|\bs?bin/|case\s+(?:\w+\s+)?when\b|^\s*\d+\s*--\s*$|\b(?:ansible|cscli)\b|\bchef-|\bnet\s+(?:user|localgroup)\b|\bnetsh\b"
    r"|/\.|^\.|web-inf|meta-inf|\.(?:ini|conf|cnf|tfstate)\b|system32|inetpub|winnt|id_ed25519"
    r"|id_ecdsa|tomcat-users|applicationhost|windows[/\\]|@@|group\s+by|\bxor\b|\bdiv\b|\blike\b|\bbetween\b|\blimit\b"
    r"|\bprocedure\b|sysaux|msdb|tempdb|pg_toast|msys\w+|ntuser\.dat|\.sys\b|autoexec"
    r"|var/(?:lib|mail|spool|backups)/|sys/|boot/grub|\b(?:wget|curl|nc|ncat|netcat|socat|telnet"
    r"|tftp|ssh|ping|lynx|ftp|sftp|iwr)\s"
    r"|^/?[a-z]:|^/(?:var|usr|opt|srv|boot|sys|root)/|(?:access|error)[._]log\b|sp_password"
    r"|\b0x(?:[0-9a-f]{2}){8}|cvs/(?:root|entries|repository)|xampp|wamp|appserv|jboss"
    r"|program\s?files|postgres|mysql/|logs?/|webserver/|macintosh|sess_|" + _FILE_WORDS
)
# ... and PowerShell's cmdlets, looked for only in text with a hyphen.
_POWERSHELL_WORDS = re.compile(POWERSHELL_HINT)
# A path of plain characters still worth judging: a dot file or folder, a Java
# application's private folders, a step up, a system folder, server configuration.
_PATH_WORDS = re.compile(
    r"/\.|\.\.|web-inf|meta-inf|etc/|0x(?:2e|2f|5c)|cvs/(?:root|entries|repository)"
    r"|/(?:web\.config|php\.ini)$|/wp-config",
    re.IGNORECASE,
)
# A segment of a lowered path naming a system tree or a file the signatures judge: one
# alternation behind a literal slash, which the matcher finds fast.
_PATH_SEGMENTS = re.compile(
    r"/(?:proc/|var/(?:log|lib|mail|spool|run|backups)/|usr/local/|opt/\w|sys/(?:class|kernel"
    r"|devices|fs|power|block|bus|module)/|boot/grub|system32|winnt|windows/|inetpub"
    r"|id_(?:[rd]sa|ed25519|ecdsa)|" + _FILE_WORDS + ")"
)
# A path ending like a backup or an INI file ...
_BACKUP_ENDS = (".bak", ".old", ".orig", ".save", ".swp", ".tmp", ".backup", ".copy", "~", ".ini")
# ... or like server configuration (`/nginx.conf`, judged by the signatures' names)
_CONFIG_ENDS = (".conf", ".cnf")
_DATA_BASE64 = re.compile(r"base64,\s*([A-Za-z0-9+/=%_-]{12,})")
_SQL_HINT = re.compile(
    r"['\"`;#()=*]|--|/\*|@@|\b(?:union|select|or|and|sleep|having|order|like|xor|div|between"
    r"|limit|procedure)\b"
)
# Headers that say nothing a payload could hide in (or that the event has as fields).
_QUIET_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "accept-charset",
        "cache-control",
        "pragma",
        "keep-alive",
        "upgrade-insecure-requests",
        "dnt",
        "te",
        "if-modified-since",
        "if-none-match",
        "content-type",
        "proxy-connection",
    }
)
# The values those headers take (`text/html,*/*;q=0.8`, `en-GB,en;q=0.7`, `W/"x1"`,
# `Wed, 21 Oct 2015 07:28:00 GMT`, a multipart boundary): anything else is judged
# (`Accept: ../../../../etc/passwd{{` reads a file from some frameworks).
_ORDINARY_HEADER = re.compile(r'[\w\-.,;:=/*+ "]*')
# Client hints and fetch metadata are structured fields: quoted brands with their
# versions (`"Not?A_Brand";v="24"`, whose punctuation varies by design), `?0`, tokens.
_HINT_ITEM = (
    r'(?:"[\w ;:?()/.=!-]{0,64}"|\?[01]|[\w.-]+)(?:\s*;\s*[a-z]+=(?:"[\w.]{0,32}"|[\w.]+))*'
)
_STRUCTURED = re.compile(rf"\s*(?:{_HINT_ITEM}(?:\s*,\s*{_HINT_ITEM})*)?\s*")
# A header name is a token; one that is not may carry a payload of its own.
_HEADER_NAME = re.compile(r"[\w-]+")
_SHELL_HINT = re.compile(r"[;|`]|\$\(")
_XSS_HINT = re.compile(r"[<>]|javascript:|vbscript:|\bon\w+\s*=|expression\s*\(|data:")
# Shapes that leave no doubt once a detector has found the kind: a UNION query,
# a comparison true by construction (`' or '1'='1`, `or 1=1`), the password
# file reached by stepping up. Scenarios may decide on one such request.
_UNION_SELECT = re.compile(r"\bunion\b(?:\s|/\*.*?\*/|\(|all|distinct)+select\b")
_TAUTOLOGY = re.compile(
    r"\b(?:or|and|\|\||&&)\s*(?:\(\s*)?(['\"]?)(\w+)\1\s*(?:=|like)\s*\1\2(?!\w)"
)
_PASSWORD_FILE = re.compile(r"etc[/\\]+(?:passwd|shadow)\b|win\.ini\b")
# What X-Forwarded-For and Host hold when they hold no payload: addresses, ports,
# `unknown`, obfuscated identifiers (`_hidden`), a host name.
_ADDRESSES = re.compile(r"\s*[\w.:\[\]-]*(?:\s*,\s*[\w.:\[\]-]+)*\s*")
_HOST = re.compile(r"[\w.:\[\]-]*")
_CACHE_MAX = 20000
build_gate()  # the signatures' automaton, once, before the first request
_NONE: tuple[Hit, ...] = ()
_NO_HITS: list[Hit] = []  # never appended to: callers only test and iterate it


# libinjection's fingerprints that ordinary words take: a function name before a
# word in parentheses ("length (cm)"); such a value counts only with an SQL shape.
_WEAK_FINGERPRINTS = frozenset({"f(n)"})


def _sqli(text: str) -> bool:
    found = libinjection.is_sql_injection(text)
    return bool(found["is_sqli"]) and found["fingerprint"] not in _WEAK_FINGERPRINTS


def _xss(text: str) -> bool:
    return bool(libinjection.is_xss(text)["is_xss"])


def _within_bound(text: str, field: str, hits: dict[str, Hit]) -> str:
    """The first MAX_LEN characters of a value longer than that, flagged as oversized
    (what lies past the bound is not read: it is never passed over in silence)."""
    hits.setdefault("oversized", Hit("oversized", "RT-OVERSIZED", field))
    return text[:MAX_LEN]


def _scan_text(text: str, field: str, hits: dict[str, Hit]) -> None:
    """Add the kinds found in one decoded value (first rule per kind), and in the
    text it carries base64-encoded, if any."""
    if len(text) > MAX_LEN:
        text = _within_bound(text, field, hits)
    if "base64," in text:  # a data: URI's content (`data:text/html;base64,PHN2Zz4...`)
        for run in _DATA_BASE64.findall(text):
            if (inner := base64_text(decode(run, plus=False))) is not None:
                _scan_value(inner, field, hits)
    if len(text) >= 12 and (carried := base64_text(text)) is not None:
        # judged as a body without a type would be: JSON (`{"return": "/cart"}`) by its
        # values, a form by its fields, text whole
        _scan_body(read_body(carried), field, hits, _scan_value)
    if "+A" in text and (utf7 := utf7_text(text)) is not None:
        _scan_value(utf7, field, hits)
    _scan_value(text, field, hits)


def _scan_body(
    body: Body, field: str, hits: dict[str, Hit], scan: Callable[[str, str, dict[str, Hit]], None]
) -> None:
    """Each value of a body once; a body cut at its bound is flagged as oversized."""
    if body.cut:
        hits.setdefault("oversized", Hit("oversized", "RT-OVERSIZED", field))
    for value in _once(body.values):
        scan(value, field, hits)


def _scan_windows(text: str, field: str, hits: dict[str, Hit]) -> None:
    """A value longer than WINDOW judged in overlapping windows: a payload of up to
    OVERLAP characters lies whole in one of them wherever it is, and no detector reads
    more than WINDOW characters at a time (a window of plain text costs one pass of
    the gate)."""
    for start in range(0, len(text) - OVERLAP, WINDOW - OVERLAP):
        _scan_value(text[start : start + WINDOW], field, hits)


def _scan_value(text: str, field: str, hits: dict[str, Hit]) -> None:
    if len(text) > WINDOW:
        _scan_windows(text, field, hits)
        return
    lowered = text.lower()
    plain = _PLAIN.fullmatch(lowered) is not None
    if (
        plain
        and _WORDS.search(lowered) is None
        and ("-" not in lowered or _POWERSHELL_WORDS.search(lowered) is None)
    ):
        if field == "user_agent" and "scanner" not in hits:
            _signatures(lowered, field, hits)
        return
    if "sqli" not in hits and _SQL_HINT.search(lowered) and _sqli(text):
        hits["sqli"] = Hit("sqli", _sql_rule(lowered), field)
    if "xss" not in hits and _XSS_HINT.search(lowered) and _xss(text):
        hits["xss"] = Hit("xss", "RT-XSS", field)
    if "jndi" not in hits and jndi(lowered):
        hits["jndi"] = Hit("jndi", "RT-JNDI", field)
    _signatures(lowered, field, hits)


def _sql_rule(lowered: str) -> str:
    """libinjection's verdict, named for its shape when that shape is unambiguous."""
    if _UNION_SELECT.search(lowered):
        return "RT-SQLI-UNION"
    if _TAUTOLOGY.search(lowered):
        return "RT-SQLI-TAUTOLOGY"
    return "RT-SQLI"


def _signatures(lowered: str, field: str, hits: dict[str, Hit]) -> None:
    for sig in SIGNATURES:
        if sig.kind not in hits and field in sig.fields and sig.test(lowered):
            rule = sig.rule
            if sig.kind == "path-traversal" and _password_file(lowered):
                rule = "RT-TRAVERSAL-PASSWD"
            hits[sig.kind] = Hit(sig.kind, rule, field)


def _password_file(lowered: str) -> bool:
    """A step up (`../`, `..\\`) before the password file or `win.ini`, with no `?` or
    `#` between them; found from the file back, in linear time."""
    for match in _PASSWORD_FILE.finditer(lowered):
        before = lowered[: match.start()]
        since = before[max(before.rfind("?"), before.rfind("#")) + 1 :]
        if "../" in since or "..\\" in since:
            return True
    return False


def _path_hits(path: str) -> tuple[Hit, ...]:
    if not _judged_path(path):
        return _NONE  # plain characters and nothing worth judging: nothing to find
    found: dict[str, Hit] = {}
    decoded = decode(path, plus=False)
    _scan_text(decoded, "path", found)
    for segment in dict.fromkeys(decoded.split("/")):  # a value in the path: /item/1 or 1=1
        if segment and not _PLAIN.fullmatch(segment):
            _scan_text(segment, "path", found)
    return tuple(found.values())


def _query_hits(query: str) -> tuple[Hit, ...]:
    found: dict[str, Hit] = {}
    for value in _once(query_values(query)):
        _scan_text(value, "query", found)
    return tuple(found.values())


class PayloadDetector:
    """Scans requests; paths, query strings and header values (User-Agent,
    Referer) repeat, so their verdicts are cached (each cache bounded). At
    paranoia 2-4 the fragments of those levels are judged too, on the kinds
    level 1 did not find in the request."""

    __slots__ = (
        "_agents",
        "_caches",
        "_fragments",
        "_hosts",
        "_paths",
        "_queries",
        "_referers",
        "_xffs",
    )

    def __init__(self, paranoia: int = 1) -> None:
        self._fragments = fragments_at(paranoia)
        self._agents: dict[str, tuple[Hit, ...]] = {}
        self._referers: dict[str, tuple[Hit, ...]] = {}
        self._xffs: dict[str, tuple[Hit, ...]] = {}
        self._hosts: dict[str, tuple[Hit, ...]] = {}
        self._caches = {
            "user_agent": self._agents,
            "referer": self._referers,
            "xff": self._xffs,
            "host": self._hosts,
        }
        self._paths: dict[str, tuple[Hit, ...]] = {}
        self._queries: dict[str, tuple[Hit, ...]] = {}

    def scan(self, event: HttpEvent) -> list[Hit]:
        path = event.path
        on_path = self._paths.get(path)
        if on_path is None:
            on_path = _remember(self._paths, path, _path_hits(path))
        query = event.query
        on_query: tuple[Hit, ...] | None = _NONE
        if query:
            on_query = self._queries.get(query)
            if on_query is None:
                on_query = _remember(self._queries, query, _query_hits(query))
        on_agent: tuple[Hit, ...] | None = _NONE
        on_referer: tuple[Hit, ...] | None = _NONE
        on_xff: tuple[Hit, ...] | None = _NONE
        if value := event.user_agent:
            on_agent = self._agents.get(value)
            if on_agent is None:
                on_agent = self._header("user_agent", value)
        if value := event.referer:
            on_referer = self._referers.get(value)
            if on_referer is None:
                on_referer = self._header("referer", value)
        if value := event.xff:
            on_xff = self._xffs.get(value)
            if on_xff is None:
                on_xff = self._header("xff", value)
        if (
            not (
                on_path
                or on_query
                or on_agent
                or on_referer
                or on_xff
                or event.headers
                or event.body
            )
            and not self._fragments
        ):
            return _NO_HITS  # the usual request: nothing found, nothing more to judge
        hits: dict[str, Hit] = {}
        for found in (on_path, on_query or _NONE):
            for hit in found:
                hits.setdefault(hit.kind, hit)
        content_type = ""
        if event.headers:  # a source that logs headers: Host too (`Host: x' or 1=1`)
            content_type = _other_headers(event.headers, hits)
            if (value := event.host) and _HOST.fullmatch(value) is None:
                for hit in self._header("host", value):
                    hits.setdefault(hit.kind, hit)
        if event.body:
            _scan_body(read_body(event.body, content_type), "body", hits, _scan_text)
            if "cmdi" not in hits and _restricted_upload(event.body):
                hits["cmdi"] = Hit("cmdi", "RT-UPLOAD", "body")
        for found in (on_agent or _NONE, on_referer or _NONE, on_xff or _NONE):
            for hit in found:
                hits.setdefault(hit.kind, hit)
        if self._fragments:
            self._stricter(event, hits)
        return list(hits.values()) if hits else _NO_HITS

    def _stricter(self, event: HttpEvent, hits: dict[str, Hit]) -> None:
        """The fragments of paranoia levels 2+, for kinds not found already."""
        fragments = self._fragments
        for field, value in request_values(event):
            lowered = value.lower()
            for fragment in fragments:
                if (
                    fragment.kind not in hits
                    and field in fragment.fields
                    and fragment.test(lowered)
                ):
                    hits[fragment.kind] = Hit(fragment.kind, fragment.rule, field)

    def _header(self, field: str, value: str) -> tuple[Hit, ...]:
        cache = self._caches[field]
        cached = cache.get(value)
        if cached is None:
            found: dict[str, Hit] = {}
            if field != "user_agent" or "%" in value or "&" in value or "\\" in value:
                text = decode(value, plus=False)
            else:
                text = value
            if len(text) > MAX_LEN:
                text = _within_bound(text, field, found)
            if field == "referer":  # a referer is a URL: judge its query values
                url, mark, query = text.partition("?")
                parts = query_values(query)
                raw_mark, raw_query = value.partition("?")[1:]
                if raw_mark and text != value:  # split before decoding too: `?q=a%26b`
                    parts += query_values(raw_query)
                for part in _once(parts):
                    _scan_text(part, field, found)
                _scan_text(url, field, found)  # the URL before its query (all of it if none)
                if mark and _command_before_query(text, found):  # `host/p;cmd?x=1`
                    found["cmdi"] = Hit("cmdi", "RT-CMDI", field)
                if jndi(text.lower()):
                    found["jndi"] = Hit("jndi", "RT-JNDI", field)
            elif field in ("xff", "host"):
                if jndi(text.lower()):
                    found["jndi"] = Hit("jndi", "RT-JNDI", field)
                if _ADDRESSES.fullmatch(value) is None:  # not a list of addresses: a value
                    _scan_text(text, "header", found)
            else:
                _scan_text(text, field, found)
            cached = tuple(found.values())
            if len(cache) >= _CACHE_MAX:
                cache.clear()
            cache[value] = cached
        return cached


def _judged_path(path: str) -> bool:
    """A path worth the signatures: not plain, or naming a dot file, a step up, a
    system tree or file, a scheme (`file:/`), a backup."""
    if not _PLAIN.fullmatch(path) or _PATH_WORDS.search(path):
        return True
    lowered = path.lower()
    return (
        _PATH_SEGMENTS.search(lowered) is not None
        or lowered.endswith(_BACKUP_ENDS)
        or lowered.endswith(_CONFIG_ENDS)
        or (lowered[-2:-1] == "." and lowered[-1:].isdigit())
        or ":/" in lowered
    )


def _restricted_upload(body: str) -> bool:
    return "filename" in body and any(restricted_file_name(n) for n in multipart_file_names(body))


def _command_before_query(referer: str, found: dict[str, Hit]) -> bool:
    """A referer judged whole for a command (its query values were judged apart)."""
    return (
        "cmdi" not in found
        and _SHELL_HINT.search(referer) is not None
        and shell_command(decode(referer)[:MAX_LEN].lower())
    )


def _once(values: Iterable[str]) -> Iterable[str]:
    """Each value once, in order: a value judged again in the same field finds nothing
    new (`?a=#&a=#&a=#...` of 8 KB is 4,096 values, one of them distinct)."""
    return dict.fromkeys(values)


def _remember(
    cache: dict[str, tuple[Hit, ...]], key: str, found: tuple[Hit, ...]
) -> tuple[Hit, ...]:
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    if len(key) <= 2048:
        cache[key] = found
    return found


def _other_headers(headers: tuple[tuple[str, str], ...], hits: dict[str, Hit]) -> str:
    """Scan the cookies and the other logged headers; the Content-Type, if any."""
    content_type = ""
    for name, value in headers:
        if name == "content-type":
            content_type = value
            if _ORDINARY_HEADER.fullmatch(value) is None:  # `text/html; x=<svg onload=...>`
                _scan_text(decode(value, plus=False), "header", hits)
            continue
        if _HEADER_NAME.fullmatch(name) is None:
            _scan_text(decode(name, plus=False), "header", hits)
        if not value or (
            name in _QUIET_HEADERS and _ORDINARY_HEADER.fullmatch(value) and ".." not in value
        ):
            continue
        if name.startswith(("sec-ch-", "sec-fetch-")) and _STRUCTURED.fullmatch(value):
            continue
        if name in UPLOAD_HEADERS and "cmdi" not in hits and restricted_file_name(value):
            hits["cmdi"] = Hit("cmdi", "RT-UPLOAD", "header")
        if name == "authorization" and value[:6].lower() == "basic ":  # user:password
            carried = base64_text(value[6:].strip())
            if carried is not None:
                _scan_text(carried, "header", hits)
        if name == "cookie":
            for pair in value.split(";"):
                key, _, cookie = pair.strip().partition("=")
                if cookie:
                    _scan_text(decode(cookie, plus=False), "cookie", hits)
                if key and not key.replace("_", "").replace("-", "").isalnum():
                    _scan_text(decode(key, plus=False), "cookie", hits)
        else:
            _scan_text(decode(value, plus=False), "header", hits)
    return content_type
