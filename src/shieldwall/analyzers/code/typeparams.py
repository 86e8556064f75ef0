"""Python 3.12 type parameters and type aliases (PEP 695) on older interpreters.

`def f[T](x: T)`, `class Box[T](Base):`, `type Pair[T] = tuple[T, T]`: Python
3.11's parser rejects them. They carry no data at run time, so when a file fails
to parse, `drop_type_parameters` removes the parameter lists and reads an alias
statement as the assignment it nearly is (`Pair = tuple[T, T]`), on the same
lines: a list that spans lines leaves its newlines inside the brackets that
follow (`def f(` ..., `class C(` ... `)`), so line numbers stay right."""

from __future__ import annotations

import re

# `def name[`, `async def name[`, `class Name[`, and `type Name` before `[` or `=`,
# each at the start of a line.
_HEADER = re.compile(
    r"^([ \t]*(?:(?:async[ \t]+)?def|class)[ \t]+\w+)[ \t]*(?=\[)"
    r"|^([ \t]*)type[ \t]+(\w+)[ \t]*(?=[\[=])",
    re.MULTILINE,
)


def drop_type_parameters(text: str) -> str:
    if "[" not in text and "type" not in text:
        return text
    out: list[str] = []
    last = 0
    unclosed = 0
    for m in _HEADER.finditer(text):
        if m.start() < last:
            continue
        if unclosed > MAX_UNCLOSED:
            break  # not type parameters: a hostile or broken file
        out.append(text[last : m.start()])
        head = m.group(1) or f"{m.group(2)}{m.group(3)}"
        last = m.end()
        if text[last] != "[":  # `type Name = ...`
            out.append(head + " ")
            continue
        close_at = _matching(text, last)
        if close_at is None:
            unclosed += 1
            out.append(text[m.start() : last])
            continue
        newlines = text.count("\n", last, close_at)
        rest = close_at + 1
        while rest < len(text) and text[rest] in " \t":
            rest += 1
        nxt = text[rest] if rest < len(text) else ""
        if m.group(1) and nxt == "(":
            out.append(head + "(" + "\n" * newlines)
            last = rest + 1
        elif m.group(1) and nxt == ":":
            out.append(head + "(" + "\n" * newlines + ")")
            last = rest
        else:  # an alias: `Name \` continued over the lines its parameters took
            out.append(head + " \\\n" * newlines + " ")
            last = rest
    out.append(text[last:])
    return "".join(out)


# A type parameter list longer than this is not one (and a file of unclosed
# `def f[` cannot make the search quadratic).
MAX_PARAMETERS_CHARS = 2000
MAX_UNCLOSED = 50


def _matching(text: str, i: int) -> int | None:
    """Index of the `]` that closes the `[` at i."""
    depth = 0
    for j in range(i, min(len(text), i + MAX_PARAMETERS_CHARS)):
        ch = text[j]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return j
    return None
