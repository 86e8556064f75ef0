"""Compose variable interpolation, as `docker compose` does it, from the project's
`.env` file only (never the scanning process's environment: a scan must give the
same answer on every machine).

`${VAR}`, `$VAR`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`,
`${VAR:+alt}`, `${VAR+alt}`, nested (`${A:-${B:-x}}`) and `$$` for a literal `$`.
A variable that is neither set nor defaulted is not guessed: its reference stays
as written and the value records it as unknown (compose would substitute "" or
stop). Nothing is executed; nesting depth and output size are bounded."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from shieldwall.sources.yaml_tree import YMap, YSeq

# How deep `${A:-${B:-...}}` may nest, and how long one interpolated value may grow.
MAX_DEPTH = 8
MAX_OUTPUT = 65_536

# What `unknown` says of a value whose expansion went past the bounds.
TOO_LARGE = "(expansion past the size or nesting bound)"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPS = (":-", ":?", ":+", "-", "?", "+")


@dataclass(frozen=True, slots=True)
class DotEnv:
    """The variables of one `.env` file, with the line each is set on."""

    path: str
    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


class Interpolated(str):
    """A compose value after interpolation. `raw` is the text as written, `used` the
    variables read from `.env`, `unknown` those neither set nor defaulted (their
    reference is kept in the text)."""

    raw: str
    used: tuple[str, ...]
    unknown: tuple[str, ...]

    def __new__(
        cls, value: str, raw: str = "", used: tuple[str, ...] = (), unknown: tuple[str, ...] = ()
    ) -> Interpolated:
        self = super().__new__(cls, value)
        self.raw, self.used, self.unknown = raw or value, used, unknown
        return self


def as_written(value: object) -> object:
    """The value as the compose file writes it (the reference, not what it expands to)."""
    return value.raw if isinstance(value, Interpolated) else value


@dataclass
class Budget:
    """What all the values of one file may expand to, together (a file of many
    references to one large value must not fill the memory)."""

    left: int = 16 * MAX_OUTPUT


def written_as(value: object, dotenv: DotEnv | None) -> str:
    """` (written `${PORT}:80`, PORT from app/.env:3)` for a value that interpolation
    changed, "" otherwise: a message shows the value and where it came from."""
    if not isinstance(value, Interpolated) or value.raw == value:
        return ""
    sources = [
        f"{n} from {dotenv.path}:{dotenv.lines[n]}"
        for n in value.used
        if dotenv and n in dotenv.lines
    ]
    return f" (written `{value.raw}`{''.join(', ' + x for x in sources[:3])})"


@dataclass
class _State:
    env: Mapping[str, str]
    limit: int = MAX_OUTPUT
    used: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    size: int = 0


class _TooLarge(Exception):
    """The expansion went past MAX_DEPTH or MAX_OUTPUT."""


def interpolate_value(text: str, env: Mapping[str, str], budget: Budget | None = None) -> str:
    """`text` with its references replaced from `env`; an `Interpolated` when it has any
    `$`, the same `str` otherwise. Past the bounds (nesting, MAX_OUTPUT, what is left of
    `budget`), the raw text is kept and said unknown."""
    if "$" not in text:
        return text
    state = _State(env, min(MAX_OUTPUT, budget.left) if budget else MAX_OUTPUT)
    try:
        out, _ = _expand(text, 0, state, 0, "")
    except _TooLarge:
        return Interpolated(text, text, (), (TOO_LARGE,))
    if budget is not None:
        budget.left -= len(out)
    return Interpolated(
        out, text, tuple(dict.fromkeys(state.used)), tuple(dict.fromkeys(state.unknown))
    )


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """`text` interpolated, as a plain string."""
    return str(interpolate_value(text, env))


def _grow(state: _State, piece: str) -> str:
    state.size += len(piece)
    if state.size > state.limit:
        raise _TooLarge
    return piece


def _expand(text: str, pos: int, state: _State, depth: int, stop: str) -> tuple[str, int]:
    """Expand from `pos` until `stop` (a `}` closing a default) or the end; returns the
    text and the position after it (past the `}`)."""
    if depth > MAX_DEPTH:
        raise _TooLarge
    out: list[str] = []
    i = pos
    while i < len(text):
        ch = text[i]
        if stop and ch == stop:
            return "".join(out), i + 1
        if ch != "$":
            out.append(_grow(state, ch))
            i += 1
            continue
        nxt = text[i + 1 : i + 2]
        if nxt == "$":
            out.append(_grow(state, "$"))
            i += 2
        elif nxt == "{":
            piece, i = _braced(text, i, state, depth)
            out.append(_grow(state, piece))
        elif (m := _NAME.match(text, i + 1)) is not None:
            out.append(_grow(state, _lookup(m.group(0), text[i : m.end()], state)))
            i = m.end()
        else:
            out.append(_grow(state, "$"))
            i += 1
    return "".join(out), i


def _lookup(name: str, written: str, state: _State) -> str:
    if name in state.env:
        state.used.append(name)
        return state.env[name]
    state.unknown.append(name)
    return written


def _braced(text: str, start: int, state: _State, depth: int) -> tuple[str, int]:
    """`${...}` at `start`: (its expansion, the position after its `}`)."""
    m = _NAME.match(text, start + 2)
    end = m.end() if m else start + 2
    op = next((o for o in _OPS if text.startswith(o, end)), "")
    if m is None or (not op and text[end : end + 1] != "}"):
        close = _closing(text, start + 2)  # not a reference compose accepts: keep it
        state.unknown.append(text[start:close])
        return text[start:close], close
    name = m.group(0)
    if not op:
        return _lookup(name, text[start : end + 1], state), end + 1
    arg_start = end + len(op)
    # the argument is expanded into a throw-away state when it is not used
    scratch = _State(state.env, state.limit, size=state.size)
    arg, after = _expand(text, arg_start, scratch, depth + 1, "}")
    is_set = name in state.env
    value = state.env.get(name, "")
    present = is_set and (value != "" or not op.startswith(":"))
    used_arg = (op.endswith("-") and not present) or (op.endswith("+") and present)
    if present:
        state.used.append(name)
    if used_arg:
        state.used.extend(scratch.used)
        state.unknown.extend(scratch.unknown)
        state.size = scratch.size
        return arg, after
    if op.endswith("+"):
        return "", after
    if op.endswith("?") and not present:
        state.unknown.append(name)
        return text[start:after], after
    return value, after


def _closing(text: str, pos: int) -> int:
    """The position after the `}` that closes a `${` opened before `pos` (nesting
    counted), or the end of the text."""
    level = 1
    i = pos
    while i < len(text):
        if text.startswith("${", i):
            level += 1
            i += 2
            continue
        if text[i] == "}":
            level -= 1
            if level == 0:
                return i + 1
        i += 1
    return len(text)


_DOTENV_KEY = re.compile(r"[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*(=?)[ \t]*")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", '"': '"', "$": "$$"}


def parse_dotenv(text: str, path: str = ".env") -> DotEnv:
    """The `NAME=value` lines of an env file, read as compose reads them: `#` comments
    and blank lines skipped, `export ` allowed, unquoted values end at ` #`, single
    quotes literal, double quotes with `\\n`-style escapes and possibly several lines;
    unquoted and double-quoted values interpolated from the lines before. A `NAME`
    without `=` (compose: from the environment) stays unset. Nothing is executed."""
    env = DotEnv(path)
    budget = Budget()
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        number, line = i + 1, lines[i]
        i += 1
        m = _DOTENV_KEY.match(line)
        if m is None or not m.group(2) or line.lstrip().startswith("#"):
            continue
        rest = line[m.end() :]
        if rest.startswith("'"):
            value = _single_quoted(rest)
        elif rest.startswith('"'):
            raw, i = _double_quoted(rest, lines, i)
            value = str(interpolate_value(raw, env.values, budget))
        else:
            raw = re.split(r"[ \t]#", rest, maxsplit=1)[0].strip()
            value = str(interpolate_value(raw, env.values, budget))
        env.values[m.group(1)] = value
        env.lines[m.group(1)] = number
    return env


def _single_quoted(rest: str) -> str:
    out: list[str] = []
    i = 1
    while i < len(rest) and rest[i] != "'":
        if rest.startswith("\\'", i):
            out.append("'")
            i += 2
            continue
        out.append(rest[i])
        i += 1
    return "".join(out)


def _double_quoted(rest: str, lines: list[str], nxt: int) -> tuple[str, int]:
    """The text of a double-quoted value (escapes applied; `\\$` becomes `$$`, which the
    interpolation turns into `$`), which may go on over the following lines; and the
    index of the line after it."""
    out: list[str] = []
    text, i = rest, 1
    while True:
        while i < len(text):
            ch = text[i]
            if ch == '"':
                return "".join(out), nxt
            if ch == "\\" and i + 1 < len(text):
                out.append(_ESCAPES.get(text[i + 1], "\\" + text[i + 1]))
                i += 2
                continue
            out.append(ch)
            i += 1
        if nxt >= len(lines):  # never closed: what was read
            return "".join(out), nxt
        out.append("\n")
        text, i, nxt = lines[nxt], 0, nxt + 1


def interpolate_tree(node: Any, env: Mapping[str, str], budget: Budget) -> Any:
    """A copy of a parsed compose document with every string value interpolated (keys
    are names, not values: left as written), lines kept."""
    if isinstance(node, str):
        return interpolate_value(node, env, budget)
    if isinstance(node, YMap):
        mapping = YMap(node.line)
        for key, value in node.items():
            mapping[key] = interpolate_tree(value, env, budget)
        mapping.key_lines.update(node.key_lines)
        return mapping
    if isinstance(node, YSeq):
        seq = YSeq(node.line)
        seq.extend(interpolate_tree(item, env, budget) for item in node)
        seq.item_lines.extend(node.item_lines)
        return seq
    return node


def resolve_environment(service: Any, env: Mapping[str, str]) -> None:
    """A service's `environment:` names without a value (`- NAME`, `NAME:`) take it
    from `env`, as compose takes it from its interpolation environment (here only
    the `.env` file). Written as the name alone: never a literal of the compose file."""
    environment = service.get("environment") if isinstance(service, YMap) else None
    if isinstance(environment, YSeq):
        for i, item in enumerate(environment):
            name = item.strip() if isinstance(item, str) and "=" not in item else ""
            if name in env:
                environment[i] = Interpolated(f"{name}={env[name]}", name, (name,))
    elif isinstance(environment, YMap):
        for name, value in environment.items():
            if value is None and isinstance(name, str) and name in env:
                environment[name] = Interpolated(env[name], f"${{{name}}}", (name,))


def unknown_references(node: Any, line: int = 0) -> Iterator[tuple[str, int]]:
    """(variable, line) of each reference left unknown in an interpolated document."""
    if isinstance(node, Interpolated):
        for name in node.unknown:
            yield name, line
    elif isinstance(node, YMap):
        for key, value in node.items():
            yield from unknown_references(value, node.line_of(key))
    elif isinstance(node, YSeq):
        for i, item in enumerate(node):
            yield from unknown_references(item, node.line_of(i))
