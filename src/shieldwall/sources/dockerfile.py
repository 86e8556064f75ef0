"""Dockerfile parsing into instructions with their lines, grouped by build stage.

Handles line continuations (and the ``# escape=`` directive), comments inside
continued instructions, JSON (exec) form, flags such as ``--platform`` and
``--from``, and heredocs (``RUN <<EOF ... EOF``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

_HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")
_ESCAPE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Instruction:
    keyword: str  # upper-case: FROM, RUN, ...
    value: str  # arguments, continuations joined with a space, flags included
    start_line: int
    end_line: int
    heredoc: str = ""  # body of a heredoc, if any

    @property
    def flags(self) -> dict[str, str]:
        """Leading ``--name=value`` flags (``--platform``, ``--from``, ``--chown``...)."""
        out: dict[str, str] = {}
        for token in self.value.split():
            if not token.startswith("--"):
                break
            name, _, val = token[2:].partition("=")
            out[name.lower()] = val
        return out

    @property
    def arguments(self) -> str:
        """The value with leading flags removed."""
        tokens = self.value.split(" ")
        while tokens and (tokens[0].startswith("--") or tokens[0] == ""):
            tokens.pop(0)
        return " ".join(tokens).strip()

    @property
    def exec_form(self) -> list[str] | None:
        """The JSON array form's items, or None for shell form."""
        text = self.arguments
        if not text.startswith("["):
            return None
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):  # nested too deeply: no list of strings either
            return None
        if isinstance(parsed, list) and all(isinstance(x, str) for x in parsed):
            return parsed
        return None


@dataclass(slots=True)
class Stage:
    index: int
    base: str  # image reference as written (may be a previous stage name or ARG)
    name: str  # the `AS name` alias, lower-case, or ""
    from_instruction: Instruction
    instructions: list[Instruction] = field(default_factory=list)


@dataclass(slots=True)
class Dockerfile:
    path: str
    global_args: list[Instruction] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    instructions: list[Instruction] = field(default_factory=list)
    comments: dict[int, str] = field(default_factory=dict)  # line -> comment text

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_names(self) -> set[str]:
        return {s.name for s in self.stages if s.name}


def parse_dockerfile(text: str, path: str = "Dockerfile") -> Dockerfile:
    lines = text.splitlines()
    escape = "\\"
    for raw in lines[:5]:
        m = _ESCAPE.match(raw.strip())
        if m:
            escape = m.group(1)
            break
        if raw.strip() and not raw.strip().startswith("#"):
            break
    doc = Dockerfile(path)
    i = 0
    n = len(lines)
    while i < n:
        raw = lines[i]
        stripped = raw.strip()
        if not stripped:
            i += 1
            continue
        if stripped.startswith("#"):
            doc.comments[i + 1] = stripped
            i += 1
            continue
        start = i
        parts: list[str] = []
        current = raw.rstrip()
        while True:
            if current.endswith(escape):
                parts.append(current[: -len(escape)])
                i += 1
                # skip comment and empty lines inside a continuation
                while i < n and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
                    if lines[i].strip():
                        doc.comments[i + 1] = lines[i].strip()
                    i += 1
                if i >= n:
                    break
                current = lines[i].rstrip()
                continue
            parts.append(current)
            break
        end = min(i, n - 1)  # a continuation on the last line ends at that line
        joined = " ".join(p.strip() for p in parts)
        # the keyword ends at the first whitespace, a tab as well as a space
        keyword, _, value = joined.partition(" ")
        if "\t" in keyword:
            keyword, _, rest = keyword.partition("\t")
            value = f"{rest} {value}" if value else rest
        if not keyword.replace("_", "").isalpha():
            i += 1
            continue
        heredoc = ""
        m = _HEREDOC.search(value) if keyword.upper() in {"RUN", "COPY", "ADD"} else None
        if m:
            terminator = m.group(1)
            body: list[str] = []
            i += 1
            while i < n and lines[i].strip() != terminator:
                body.append(lines[i])
                i += 1
            end = min(i, n - 1)
            heredoc = "\n".join(body)
        ins = Instruction(keyword.upper(), value.strip(), start + 1, end + 1, heredoc)
        doc.instructions.append(ins)
        if ins.keyword == "FROM":
            tokens = ins.arguments.split()
            base = tokens[0] if tokens else ""
            name = tokens[2].lower() if len(tokens) >= 3 and tokens[1].lower() == "as" else ""
            doc.stages.append(Stage(len(doc.stages), base, name, ins))
        elif doc.stages:
            doc.stages[-1].instructions.append(ins)
        elif ins.keyword == "ARG":
            doc.global_args.append(ins)
        i += 1
    return doc
