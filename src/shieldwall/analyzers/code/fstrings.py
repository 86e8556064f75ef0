"""Python 3.12 f-strings (PEP 701) on older interpreters.

From 3.12 an f-string's replacement fields are ordinary expressions: they may
reuse the f-string's own quote character (`f'{x.decode('utf-8')}'`), nest
f-strings in the same quotes to any depth, hold backslashes and `#` comments,
and span lines in a single-quoted f-string. Python 3.11's parser rejects all
of these. When a file fails to parse, `requote` rewrites every f-string without
the tokenizer, on the same lines (line numbers stay right) and keeping every
expression of its fields (data still flows into the f-string's value):

- a string literal in a field is written with a quote no enclosing f-string
  uses, or, when it holds quotes or backslashes, spelled out as chr() calls;
- a nested f-string takes a quote no enclosing one uses; below the two levels
  Python 3.11 allows, it becomes `(str(a)+str(b))` of its fields' expressions;
- comments and line continuations in a field are dropped, their newline kept;
- an f-string whose fields span lines is written triple-quoted.

Template strings (`t"..."`, Python 3.14) are not rewritten: their value is not
a string, and a sink given one may well build a parameterised query from it."""

from __future__ import annotations

import ast

_PREFIX_CHARS = frozenset("rRbBuUfF")
_QUOTES = "'\""


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
        if c in _QUOTES:
            k = i
            while k > 0 and text[k - 1] in _PREFIX_CHARS and i - k < 2:
                k -= 1
            if k > 0 and (text[k - 1].isalnum() or text[k - 1] == "_"):
                k = i
            prefix = text[k:i]
            if prefix and not _is_prefix(prefix):
                prefix = ""
            if _is_fstring(prefix):
                del out[len(out) - len(prefix) :]
                body, close, i = _fstring(text, i, prefix, (c,))
                out.append(_outer(body, close, prefix))
                continue
            end = _literal_end(text, i, "r" in prefix.lower())
            out.append(text[i:end])
            i = end
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _is_prefix(word: str) -> bool:
    low = word.lower()
    return len(low) <= 2 and len(set(low)) == len(low) and set(low) <= set("rbuf")


def _is_fstring(prefix: str) -> bool:
    return "f" in prefix.lower()


def _outer(body: str, close: str, prefix: str) -> str:
    """The outermost f-string, triple-quoted if its fields span lines (a
    single-quoted one cannot)."""
    if "\n" in body and len(close) == 1:
        close = close * 3
    return prefix + close + body + close


def _literal_end(text: str, i: int, raw: bool) -> int:
    """End of the plain string literal whose opening quote is at i."""
    q = text[i]
    n = len(text)
    triple = text.startswith(q * 3, i)
    close = q * 3 if triple else q
    i += len(close)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "\n" and not triple:
            return i + 1
        if text.startswith(close, i):
            return i + len(close)
        i += 1
    return n


def _fstring(text: str, i: int, prefix: str, inner: tuple[str, ...]) -> tuple[str, str, int]:
    """The body of the f-string whose opening quote is at i, rewritten (its fields'
    strings avoid the quotes in `inner`), its closing quote and where it ends."""
    q = text[i]
    close = q * 3 if text.startswith(q * 3, i) else q
    raw = "r" in prefix.lower()
    out: list[str] = []
    i += len(close)
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            if not raw and text.startswith("\\N{", i):
                j = text.find("}", i)
                j = n - 1 if j == -1 else j
                out.append(text[i : j + 1])
                i = j + 1
                continue
            step = 1 if text[i + 1 : i + 2] in ("{", "}") else 2  # `\{` opens a field
            out.append(text[i : i + step])
            i += step
            continue
        if ch == "\n" and len(close) == 1:
            return "".join(out), close, i
        if text.startswith(close, i):
            return "".join(out), close, i + len(close)
        if text.startswith("{{", i) or text.startswith("}}", i):
            out.append(ch * 2)
            i += 2
            continue
        if ch == "{":
            field, i = _field(text, i + 1, inner)
            out.append("{" + field + "}")
            continue
        out.append(ch)
        i += 1
    return "".join(out), close, n


def _field(text: str, i: int, enclosing: tuple[str, ...], in_spec: bool = False) -> tuple[str, int]:
    """A replacement field after its `{`: expression, `=`, `!conversion`, `:spec`;
    returns its rewritten text (without braces) and the index after its `}`.

    A field inside a format spec loses its own spec (Python 3.11 allows two levels)."""
    expr, i = _expr(text, i, enclosing)
    out = [expr]
    n = len(text)
    if i < n and text[i] == "!":
        j = i + 1
        while j < n and text[j] not in ":}":
            j += 1
        out.append(text[i:j].rstrip(" \t"))  # 3.12 allows `{x!s  }`
        i = j
    spec: list[str] = []
    if i < n and text[i] == ":":
        spec.append(":")
        i += 1
        while i < n and text[i] != "}":
            if text[i] == "{":
                nested, i = _field(text, i + 1, enclosing, in_spec=True)
                spec.append("{" + nested + "}")
                continue
            if text[i] == "\n":
                break
            spec.append(text[i])
            i += 1
    if not in_spec:
        out.extend(spec)
    if i < n and text[i] == "}":
        i += 1
    return "".join(out), i


def _expr(text: str, i: int, enclosing: tuple[str, ...]) -> tuple[str, int]:
    """A field's expression, up to the `=`, `!`, `:` or `}` that ends it.

    Adjacent string literals (implicit concatenation) are joined with `+` inside
    parentheses: one of them may have become chr() calls."""
    out: list[str] = []
    run: list[int] = []  # where in `out` each adjacent string literal is

    def literal(seg: str) -> None:
        if run:
            out.append("+")
        run.append(len(out))
        out.append(seg)

    def flush() -> None:
        if len(run) > 1:
            out.insert(run[0], "(")
            out.append(")")
        run.clear()

    depth = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if depth == 0:
            if ch in "}:":  # `{x:=10}` is x with the spec `=10`
                break
            if ch == "!" and not text.startswith("!=", i):
                break
            if ch == "=" and _debug_marker(text, i):
                j = i + 1
                while j < n and text[j] in " \t":
                    j += 1
                flush()
                out.append(text[i:j])
                i = j
                break
        if ch == "#":
            j = text.find("\n", i)
            i = n if j == -1 else j
            continue
        if ch == "\\" and text.startswith("\n", i + 1):
            out.append(" ")
            i += 1
            continue
        if ch.isalpha() or ch == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            word = text[i:j]
            if j < n and text[j] in _QUOTES and _is_prefix(word):
                seg, i = _nested(text, j, word, enclosing)
                literal(seg)
                continue
            flush()
            out.append(word)
            i = j
            continue
        if ch in _QUOTES:
            seg, i = _nested(text, i, "", enclosing)
            literal(seg)
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch not in " \t\n":
            flush()
        out.append(ch)
        i += 1
    flush()
    return "".join(out), i


def _debug_marker(text: str, i: int) -> bool:
    """Whether the `=` at i is a field's `{x=}` marker, not an operator."""
    if text.startswith("==", i) or (i > 0 and text[i - 1] in "=!<>:+-*/%&|^@"):
        return False
    j = i + 1
    while j < len(text) and text[j] in " \t":
        j += 1
    return j < len(text) and text[j] in "}!:"


def _nested(text: str, i: int, prefix: str, enclosing: tuple[str, ...]) -> tuple[str, int]:
    """A string literal inside a field, in a form Python 3.11 accepts there."""
    free = [q for q in _QUOTES if q not in enclosing]
    if _is_fstring(prefix):
        if not free:
            return _joined(text, i, enclosing)
        q = text[i]
        use = q if q in free else free[0]
        body, close, end = _fstring(text, i, prefix, (*enclosing, use))
        if any(c in body for c in "'\"\\\n"):
            return _joined(text, i, enclosing)
        return prefix + use * len(close) + body + use * len(close), end
    end = _literal_end(text, i, "r" in prefix.lower())
    source = prefix + text[i:end]
    body = source[len(prefix) :]
    if not any(c in body for c in (*enclosing, "\\", "\n")):
        return source, end
    try:
        value = ast.literal_eval(source)
    except (SyntaxError, ValueError):
        return "str()", end
    if isinstance(value, bytes):
        return f"bytes({list(value)})", end
    plain = str(value)
    for other in free:
        if not any(c in plain for c in (*enclosing, other, "\\", "\n")):
            return other + plain + other, end
    spelt = "+".join(f"chr({ord(x)})" for x in plain)
    return (f"({spelt})" if plain else "str()"), end


def _joined(text: str, i: int, enclosing: tuple[str, ...]) -> tuple[str, int]:
    """An f-string nested deeper than Python 3.11 allows, as `(str(a)+str(b))` of
    its fields' expressions (its literal text dropped), and where it ends."""
    q = text[i]
    triple = text.startswith(q * 3, i)
    close = q * 3 if triple else q
    exprs: list[str] = []
    inner = (*enclosing, q)
    i += len(close)
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 1 if text[i + 1 : i + 2] in ("{", "}") else 2
            continue
        if text.startswith(close, i):
            i += len(close)
            break
        if ch == "\n" and not triple:
            break
        if text.startswith("{{", i) or text.startswith("}}", i):
            i += 2
            continue
        if ch == "{":
            expr, i = _expr(text, i + 1, inner)
            field, i = _field_rest(text, i, inner)
            exprs.append(f"str({expr.rstrip().rstrip('=')}{field})")
            continue
        i += 1
    return ("(" + "+".join(exprs) + ")" if exprs else "str()"), i


def _field_rest(text: str, i: int, enclosing: tuple[str, ...]) -> tuple[str, int]:
    """Skip a field's conversion and spec after its expression; spec fields are
    kept as extra arguments so that their data still flows."""
    rest, i = _field(text, i, enclosing) if i < len(text) and text[i] in "!:" else ("", i)
    if not rest and i < len(text) and text[i] == "}":
        i += 1
    extra = [e for e in _spec_exprs(rest) if e]
    return ("".join(f",{e}" for e in extra) if extra else ""), i


def _spec_exprs(rest: str) -> list[str]:
    return [part.split("}")[0] for part in rest.split("{")[1:]]
