"""Python 3.12 f-strings (PEP 701) on older interpreters.

From 3.12 an f-string's replacement fields may reuse its own quote character
(`f'{x.decode('utf-8')}'`) and hold backslashes. Python 3.11's parser rejects
both. When a file fails to parse, `requote` rewrites such fields with the other
quote character (or, for a literal holding quotes or backslashes, as chr() calls)
on the same lines, so that line numbers stay right, and the file is parsed again."""

from __future__ import annotations

_PREFIX_CHARS = frozenset("rRbBuUfF")


def requote(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            j = n if j == -1 else j
            out.append(text[i:j])
            i = j
            continue
        if c in "'\"":
            start = i
            k = i
            while k > 0 and text[k - 1] in _PREFIX_CHARS and i - k < 3:
                k -= 1
            prefix = text[k:i]
            if k > 0 and (text[k - 1].isalnum() or text[k - 1] == "_"):
                prefix = ""
            if text.startswith(c * 3, i):
                end = _triple_end(text, i + 3, c, "r" in prefix.lower())
                out.append(text[start:end])
                i = end
                continue
            if "f" in prefix.lower():
                seg, i = _fstring(text, i, c)
                out.append(seg)
                continue
            end = _string_end(text, i + 1, c, "r" in prefix.lower())
            out.append(text[start:end])
            i = end
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _triple_end(text: str, i: int, q: str, raw: bool) -> int:
    n = len(text)
    while i < n:
        if text[i] == "\\" and not raw:
            i += 2
            continue
        if text.startswith(q * 3, i):
            return i + 3
        i += 1
    return n


def _string_end(text: str, i: int, q: str, raw: bool) -> int:
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == q or ch == "\n":
            return i + 1
        i += 1
    return n


def _fstring(text: str, i: int, q: str) -> tuple[str, int]:
    """Rewrite the single-line f-string whose opening quote is at i."""
    other = '"' if q == "'" else "'"
    out = [q]
    i += 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            out.append(text[i : i + 2])
            i += 2
            continue
        if ch == "\n":
            return "".join(out), i
        if ch == q:
            out.append(q)
            return "".join(out), i + 1
        if ch == "{" and text.startswith("{{", i):
            out.append("{{")
            i += 2
            continue
        if ch == "{":
            out.append("{")
            i += 1
            depth = 1
            while i < n and depth:
                ch = text[i]
                if ch == "\n":
                    return "".join(out), i
                if ch in "'\"":
                    end = _string_end(text, i + 1, ch, False)
                    body = text[i + 1 : end - 1]
                    if ch == q or "\\" in body:
                        plain = body.replace("\\" + q, q).replace("\\" + other, other)
                        plain = plain.replace("\\\\", "\\")
                        if q in plain or other in plain or "\\" in plain:
                            # Neither quote fits: spell the characters out.
                            out.append("(" + "+".join(f"chr({ord(x)})" for x in plain) + ")"
                                       if plain else "str()")
                        else:
                            out.append(other + plain + other)
                    else:
                        out.append(text[i:end])
                    i = end
                    continue
                if ch in "{[(":
                    depth += 1
                elif ch in "}])":
                    depth -= 1
                out.append(ch)
                i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out), i
