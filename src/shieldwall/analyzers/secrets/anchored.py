"""`finditer` of a case-insensitive expression over a whole file, tried only where
its leading word stands.

Python's `re` looks for a case-sensitive literal prefix quickly, but a
case-insensitive expression (`(?i)\\binsert\\s+into...`) is tried at every
character: on a large source file that reads `insert` and `create` as words,
most of the time goes there. When the text is ASCII, its lower-case copy has
the same offsets, so `str.find` of the lower-case word gives every place a
match can start, and the expression is matched there only. The matches are the
ones `finditer` gives (same spans, same groups, same order); a non-ASCII text is
searched as before (case folding there reaches letters such as the dotless i and the long s)."""

from __future__ import annotations

import re
from collections.abc import Iterator


def leading_word(pattern: re.Pattern[str]) -> str:
    """The lower-case ASCII word every match of `pattern` begins with: its source
    after the inline flags and a `\\b`. Fails for an expression that does not
    begin with a plain word, so a changed expression cannot skip its matches."""
    source = re.sub(r"^\(\?[a-zA-Z]+\)", "", pattern.pattern).removeprefix(r"\b")
    word = re.match(r"[a-z]+(?![a-z?*{])", source)  # `insert?`: the last letter is optional
    if not (pattern.flags & re.IGNORECASE) or word is None or _alternatives(source):
        raise ValueError(f"not a case-insensitive expression led by a word: {pattern.pattern}")
    return word.group(0)


def _alternatives(source: str) -> bool:
    """Does `|` stand outside every group and set (`a|b`: a match may lack the word)?"""
    depth, in_set, escaped = 0, False, False
    for c in source:
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif in_set:
            in_set = c != "]"
        elif c == "[":
            in_set = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
    return False


def finditer(pattern: re.Pattern[str], text: str, word: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, where `word` is `leading_word(pattern)`."""
    if not text.isascii():
        yield from pattern.finditer(text)
        return
    lowered = text.lower()
    pos = 0
    while (at := lowered.find(word, pos)) >= 0:
        m = pattern.match(text, at)
        if m is None:
            pos = at + 1
            continue
        yield m
        pos = m.end()
