"""Files the keyword (generic) rules do not read: third-party libraries copied into
the repository, minified or generated code, source maps and translation tables.

Their `key = "value"` pairs are a library's constants (`DATA_KEY = 'bs.scrollspy'`,
an editor's `bindKey("Ctrl-Shift-P")`) or a language's word for "password": not a
credential of the project. Provider rules (a key with a known shape: an AWS key, a
private key block) still read them, as Gitleaks and TruffleHog users expect a real
token pasted into a vendored file to be found.
"""

from __future__ import annotations

import re

# a folder that holds other people's code, or a file name that says it was built
_VENDORED_PATH = re.compile(
    r"(?i)(?:^|/)(?:vendor|vendors|node_modules|bower_components|jspm_packages|"
    r"third[_-]?party|wwwroot/lib|static/(?:[\w.-]+/)?libs?|assets/(?:[\w.-]+/)?libs?|"
    r"public/(?:[\w.-]+/)?libs?)/"
    r"|[.-]min\.(?:js|mjs|css)$|\.(?:js|css|mjs)\.map$|\.map$"
)
_TRANSLATION_PATH = re.compile(
    r"(?i)(?:^|/)(?:i18n|l10n|locales?|lang|translations?)/[^/]*\.(?:properties|json|ya?ml|po)$"
    r"|(?:^|/)(?:messages|labels?|strings|text|resources?|translations?)[\w-]*"
    r"_[a-z]{2}(?:[_-][A-Za-z]{2,4})?\.properties$"
)
_TABLE_SUFFIXES = (".properties", ".json", ".yml", ".yaml", ".po")
# front-end assets: a library copied in whole, read by browsers, not configured
_SCRIPT_SUFFIXES = (".js", ".mjs", ".cjs", ".css", ".map")
# the licence banner a library keeps at the top of its distributed file
# (`/*!` keeps a comment through minifiers; a project's own files rarely use it)
_BANNER = re.compile(
    rb"(?is)\A\s*(?:/\*!|/\*.{0,300}?(?:@license|begin license block|"
    rb"distributed under the \w+ license|released under the \w+ license))"
)
# a copy of a published RFC: its keys, passwords and grammar rules are the
# standard's examples (RFC 4871's sample RSA key, an ABNF `passwd = 1*SAFE`)
_RFC_NAME = re.compile(r"(?i)(?:^|/)rfc\d{3,5}\.txt$")
_RFC_HEAD = re.compile(rb"Request for Comments: *(?:\d{3,5}|DRAFT)\b")
_RFC_HEAD_BYTES = 16384
_MINIFIED_LINE = 1000  # average characters per line above which a script is minified
_HEAD = 65536


# a Chef cookbook's own documentation, as Berkshelf vendors community cookbooks side by
# side (`cookbooks/mysql/README.md`: `initial_root_password 'Ch4ng3me'` shows a resource)
_COOKBOOK_DOC = re.compile(r"(?i)(?:^|/)cookbooks/[\w.-]+/(?:README|CHANGELOG)\.md$")


def keyword_exempt(path: str, data: bytes) -> str | None:
    """Why the keyword rules skip this file (`None`: they read it)."""
    lowered = path[-12:].lower()
    if lowered.endswith(".md") and _COOKBOOK_DOC.search(path):
        return "a vendored cookbook's documentation"
    if lowered.endswith(_TABLE_SUFFIXES):
        return "a translation table" if _TRANSLATION_PATH.search(path) else None
    if not lowered.endswith(_SCRIPT_SUFFIXES):
        return None  # a vendored Go module or PHP package is read: it may hold real settings
    if _VENDORED_PATH.search(path):
        return "a third-party library or generated file (by its path)"
    head = data[:_HEAD]
    if head.startswith(b'{"version":3'):
        return "a source map"
    if _minified(head):
        return "a minified script"
    if _BANNER.match(head):
        return "a third-party library (licence banner)"
    return None


def published_standard(path: str, data: bytes) -> bool:
    """A copy of an RFC (`rfc4871.txt` whose header gives its number): documentation
    no rule reads, as a reviewer takes its keys for the standard's examples."""
    return bool(_RFC_NAME.search(path)) and bool(_RFC_HEAD.search(data[:_RFC_HEAD_BYTES]))


def _minified(head: bytes) -> bool:
    lines = head.count(b"\n") + 1
    return len(head) >= 2048 and len(head) / lines > _MINIFIED_LINE
