"""Alpine: apk's version ordering, ``1.2.3b_rc1_p2-r4``.

apk reads a version as a stream of typed tokens - numbers after a dot (where
leading zeros count as a negative value, so ``1.05 < 1.5``), one lower-case
letter, ``_suffix`` words with an optional number (pre-release suffixes
alpha < beta < pre < rc sort before the release, post-release ones
cvs < svn < git < hg < p after it), and ``-rN`` revisions - and compares the
streams token by token. A token out of place ends the stream as "invalid".
When one stream ends first, the longer one is newer unless what follows is a
pre-release suffix.
"""

from __future__ import annotations

from shieldwall.analyzers.deps.osv.versions.base import CmpVersion

INVALID, DIGIT_OR_ZERO, DIGIT, LETTER, SUFFIX, SUFFIX_NO, REVISION_NO, END = range(-1, 7)
_PRE_SUFFIXES = ("alpha", "beta", "pre", "rc")
_POST_SUFFIXES = ("cvs", "svn", "git", "hg", "p")


class _Stream:
    __slots__ = ("pos", "text", "type")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.type = DIGIT

    def _left(self) -> int:
        return len(self.text) - self.pos

    def _next_type(self) -> None:
        text, pos, current = self.text, self.pos, self.type
        new = INVALID
        if pos >= len(text) or text[pos] == "\0":
            new = END
        elif current in (DIGIT, DIGIT_OR_ZERO) and text[pos].islower() and text[pos].isascii():
            new = LETTER
        elif current == LETTER and text[pos].isdigit():
            new = DIGIT
        elif current == SUFFIX and text[pos].isdigit():
            new = SUFFIX_NO
        else:
            char = text[pos]
            if char == ".":
                new = DIGIT_OR_ZERO
            elif char == "_":
                new = SUFFIX
            elif char == "-" and pos + 1 < len(text) and text[pos + 1] == "r":
                new = REVISION_NO
                pos += 1
            pos += 1
        if new < current and not (
            (new == DIGIT_OR_ZERO and current == DIGIT)
            or (new == SUFFIX and current == SUFFIX_NO)
            or (new == DIGIT and current == LETTER)
        ):
            new = INVALID
        self.pos = pos
        self.type = new

    def token(self) -> int:
        """The value of the token at hand; moves on and sets the next token's type."""
        text, pos = self.text, self.pos
        if pos >= len(text):
            self.type = END
            return 0
        value = 0
        size = 0
        after = INVALID
        kind = self.type
        if kind == DIGIT_OR_ZERO and text[pos] == "0":
            while pos + size < len(text) and text[pos + size] == "0":
                size += 1
            value = -size
            after = DIGIT
        elif kind in (DIGIT_OR_ZERO, DIGIT, SUFFIX_NO, REVISION_NO):
            while pos + size < len(text) and text[pos + size].isdigit():
                size += 1
            value = int(text[pos : pos + size]) if size else 0
            if not size and kind == REVISION_NO:
                # "-r" with no number, and more text: current apk reads it as invalid.
                self.type = INVALID
                return 0
        elif kind == LETTER:
            value = ord(text[pos])
            size = 1
        elif kind == SUFFIX:
            rest = text[pos:]
            for index, word in enumerate(_PRE_SUFFIXES):
                if rest.startswith(word):
                    value, size = index - len(_PRE_SUFFIXES), len(word)
                    break
            else:
                for index, word in enumerate(_POST_SUFFIXES):
                    if rest.startswith(word):
                        value, size = index, len(word)
                        break
                else:
                    self.type = INVALID
                    return -1
        else:
            self.type = INVALID
            return -1
        self.pos = pos + size
        if self.pos >= len(text):
            self.type = END
        elif after != INVALID:
            self.type = after
        else:
            self._next_type()
        return value


def compare(a: str, b: str) -> int:
    left, right = _Stream(a), _Stream(b)
    av = bv = 0
    while left.type == right.type and left.type not in (END, INVALID) and av == bv:
        av = left.token()
        bv = right.token()
    if av != bv:
        return -1 if av < bv else 1
    left_type, right_type = _tail_type(left), _tail_type(right)
    if left_type == right_type:
        return 0
    # Current apk: an invalid remainder sorts before anything valid.
    if left_type == INVALID:
        return -1
    if right_type == INVALID:
        return 1
    # Equal so far and one goes on: it is newer unless a pre-release suffix follows.
    if left.type == SUFFIX and _peek_suffix(left) < 0:
        return -1
    if right.type == SUFFIX and _peek_suffix(right) < 0:
        return 1
    if left.type > right.type:
        return -1
    if right.type > left.type:
        return 1
    return 0


def _tail_type(stream: _Stream) -> int:
    """The type of what follows the equal part, with what current apk takes for
    invalid: "-r" without a number, "." before a letter."""
    if stream.type == REVISION_NO:
        probe = _Stream(stream.text)
        probe.pos, probe.type = stream.pos, stream.type
        probe.token()
        if probe.type == INVALID:
            return INVALID
    if stream.type == DIGIT_OR_ZERO and stream.text[stream.pos : stream.pos + 1].isalpha():
        return INVALID
    return stream.type


def _peek_suffix(stream: _Stream) -> int:
    probe = _Stream(stream.text)
    probe.pos, probe.type = stream.pos, stream.type
    return probe.token()


class AlpineVersion(CmpVersion):
    __slots__ = ()

    def compare(self, other: CmpVersion) -> int:
        return compare(self.text.strip(), other.text.strip())


def parse(text: str) -> AlpineVersion:
    return AlpineVersion(text)
