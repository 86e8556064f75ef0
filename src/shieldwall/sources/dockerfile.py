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


# Published images whose own Dockerfile ends with a non-root USER, every tag of them
# (k6 `USER k6`, Grafana `USER 472`, nginx-unprivileged `USER 101`, Prometheus and
# Alertmanager `USER nobody`, Keycloak `USER 1000`, Jenkins `USER jenkins`). A
# Dockerfile FROM one of them that sets no USER runs as that user.
_UNPRIVILEGED_IMAGES = re.compile(
    r"(grafana/k6|grafana/grafana(-oss|-enterprise)?|nginxinc/nginx-unprivileged"
    r"|(prom|quay\.io/prometheus)/(prometheus|alertmanager|node-exporter)"
    r"|quay\.io/keycloak/keycloak|jenkins/jenkins)"
)
# Registries a repository path may be written with.
_REGISTRY_PREFIX = re.compile(r"^(docker\.io/|index\.docker\.io/|registry-1\.docker\.io/)")


def runs_unprivileged(image: str) -> bool:
    """Bases that run as a non-root user: their tag says so (distroless `:nonroot`,
    `:debug-nonroot`, `:nonroot-amd64` ...; .NET's `-chiseled` images, `USER app`),
    or they are a published image known to end with a non-root USER."""
    ref = image.split("@", 1)[0].lower()
    repo, _, tag = ref.rpartition(":") if ":" in ref.rsplit("/", 1)[-1] else (ref, "", "")
    words = tag.split("-")
    if "nonroot" in words:
        return True
    if repo.startswith("mcr.microsoft.com/dotnet/") and "chiseled" in words:
        return True
    return _UNPRIVILEGED_IMAGES.fullmatch(_REGISTRY_PREFIX.sub("", repo)) is not None


_ROOT_USER = re.compile(r"^(root|0)(:.*)?$")


def final_user(dockerfile: Dockerfile) -> tuple[str | None, str]:
    """The USER the final stage runs as (through the stages it is built FROM; None
    when no USER is set) and the image the first of those stages is built on."""
    stages = dockerfile.stages
    if not stages:
        return None, ""
    stage = stages[-1]
    seen: list[Stage] = []
    while not any(s is stage for s in seen):
        seen.append(stage)
        users = [i for i in stage.instructions if i.keyword == "USER"]
        if users:
            return users[-1].arguments.strip(), stage.base
        base = stage.base.lower()
        parent = next((s for s in reversed(stages[: stage.index]) if s.name == base), None)
        if parent is None:
            break
        stage = parent
    return None, stage.base


def image_runs_unprivileged(dockerfile: Dockerfile) -> bool:
    """The image this Dockerfile builds runs as a non-root user: its final stage sets
    one, or sets none and is built on a base that runs as one."""
    user, base = final_user(dockerfile)
    if user is not None:
        return not _ROOT_USER.match(user) and "$" not in user
    return "$" not in base and runs_unprivileged(base)


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
