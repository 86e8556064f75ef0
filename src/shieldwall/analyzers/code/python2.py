"""Python 2 files, analysed as the Python 3 they nearly are.

Legacy applications (Django and Flask apps of the Python 2 years) still run and
still hold flows. Python 3's parser rejects their statements; when a file fails
to parse, `modernise` rewrites the Python 2 forms line by line, each on its own
line so that findings keep their line numbers, and the file is parsed again:

- `print x, y` / `print >>f, x` -> `print(x, y)` (the stream is dropped);
- `exec code in ns` -> `exec(code, ns)`;
- `except Error, e:` -> `except Error as e:`;
- `raise Error, "message"` -> `raise Error("message")`;
- `` `x` `` -> `repr(x)`, `a <> b` -> `a != b`, `0755` -> `0o755`, `10L` -> `10`,
  `ur"..."` -> `r"..."`.

Lines inside a triple-quoted string are left alone."""

from __future__ import annotations

import re

# The Python 2 forms, by name.
_FORM = {
    name: re.compile(pattern)
    for name, pattern in (
        ("print", r"^(\s*)print\b(?!\s*[(=.,)\]}])\s*(?:>>\s*[^,]+,\s*)?(.*?)(\s*#.*)?$"),
        ("exec", r"^(\s*)exec\b(?!\s*[(=.])\s*(.+?)(?:\s+in\s+(.+?))?(\s*#.*)?$"),
        ("except", r"^(\s*except\s+(?:\([^)]*\)|[\w.]+))\s*,\s*(\w+)\s*:"),
        ("raise", r"^(\s*raise\s+[\w.]+)\s*,\s*(.+?)\s*$"),
        ("backtick", r"`([^`\n]+)`"),
        ("octal", r"(?<![\w.])0([0-7]+)\b"),
        ("long", r"(?<![\w.])(\d+)[lL]\b"),
        ("ur", r"(?<![\w])[uU]([rR]['\"])"),
    )
}
# A first error on one of these says the file is Python 2.
_PY2_LINE = re.compile(
    r"^\s*(print\b(?!\s*\()|exec\b(?!\s*\()|except\s.*,\s*\w+\s*:|raise\s+[\w.]+\s*,)"
    r"|`|<>|(?<![\w.])0[0-7]+\b|\d[lL]\b|[uU][rR]['\"]"
)


def looks_like_python2(line: str) -> bool:
    """Whether the line a parse failed on holds a Python 2 form."""
    return bool(_PY2_LINE.search(line))


def modernise(text: str) -> str:
    out: list[str] = []
    in_string: str | None = None
    for line in text.split("\n"):
        if in_string is None:
            line = _line(line)
        in_string = _string_state(line, in_string)
        out.append(line)
    return "\n".join(out)


def _line(line: str) -> str:
    m = _FORM["print"].match(line)
    if m and not line.rstrip().endswith(("\\", ":")):
        indent, args, comment = m.group(1), m.group(2).rstrip(), m.group(3) or ""
        return f"{indent}print({args}){comment}"
    m = _FORM["exec"].match(line)
    if m and not line.rstrip().endswith(("\\", ":")):
        indent, code, scope, comment = m.group(1), m.group(2), m.group(3), m.group(4) or ""
        return f"{indent}exec({code}{', ' + scope if scope else ''}){comment}"
    line = _FORM["except"].sub(r"\1 as \2:", line)
    m = _FORM["raise"].match(line)
    if m and "#" not in line:
        line = f"{m.group(1)}({m.group(2)})"
    line = _FORM["ur"].sub(r"\1", line)
    return "".join(part if quoted else _code(part) for part, quoted in _pieces(line))


def _code(part: str) -> str:
    """Rewrites for a piece of a line outside string literals."""
    part = _FORM["backtick"].sub(r"repr(\1)", part).replace("<>", "!=")
    return _FORM["long"].sub(r"\1", _FORM["octal"].sub(r"0o\1", part))


def _pieces(line: str) -> list[tuple[str, bool]]:
    """The line cut into (text, inside a one-line string literal) pieces; a
    comment ends it as a quoted piece."""
    out: list[tuple[str, bool]] = []
    i = start = 0
    while i < len(line):
        c = line[i]
        if c == "#":
            break
        if c in "'\"":
            out.append((line[start:i], False))
            j = i + 1
            while j < len(line) and line[j] != c:
                j += 2 if line[j] == "\\" else 1
            out.append((line[i : j + 1], True))
            i = start = j + 1
            continue
        i += 1
    out.append((line[start:i], False))
    out.append((line[i:], True))
    return out


def _string_state(line: str, open_quote: str | None) -> str | None:
    """The triple quote still open after `line` (None: outside strings)."""
    i = 0
    while i < len(line):
        if open_quote is not None:
            j = line.find(open_quote, i)
            if j == -1:
                return open_quote
            open_quote, i = None, j + 3
            continue
        for quote in ('"""', "'''"):
            if line.startswith(quote, i):
                open_quote = quote
                i += 3
                break
        else:
            if line[i] == "#":
                return None
            if line[i] in "'\"":
                j = line.find(line[i], i + 1)
                i = len(line) if j == -1 else j + 1
                continue
            i += 1
    return open_quote
