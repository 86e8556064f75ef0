"""The shell model: RUN commands split into simple commands with a shell tokenizer, so
that package installs, pipes and flags are judged per command, in shell form, exec
(JSON) form and heredocs alike."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from shieldwall.sources.dockerfile import Instruction

_OPERATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", "|&", ";;", "{", "}", "!"})
_REDIRECTS = re.compile(r"^\d*(>|>>|<|<<<|>&|<&|&>|&>>)$")
_WRAPPERS = frozenset({"sudo", "env", "time", "nohup", "exec", "command", "nice", "doas", "xargs"})
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ash", "ksh", "mksh", "busybox"})
_PIPE_TARGETS = _SHELLS | {"python", "python3", "perl", "ruby", "node", "php", "pwsh"}


@dataclass
class _Cmd:
    argv: list[str]
    sudo: bool = False
    piped_to: _Cmd | None = None
    assigns: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.argv[0].rsplit("/", 1)[-1] if self.argv else ""


def _tokens(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:  # unbalanced quotes: fall back to a rough split
        return re.findall(r"&&|\|\||[;|&()]|[^\s;|&()]+", text)


def _commands(text: str) -> list[_Cmd]:
    out: list[_Cmd] = []
    current: list[str] = []
    skip_next = False
    pending_pipe: _Cmd | None = None

    def close(op: str) -> None:
        nonlocal current, pending_pipe
        cmd = _make_cmd(current) if current else None
        if cmd is not None:
            if pending_pipe is not None:
                pending_pipe.piped_to = cmd
            out.append(cmd)
        pending_pipe = cmd if op in ("|", "|&") else None
        current = []

    for token in _tokens(text):
        if skip_next:
            skip_next = False
            continue
        if token in _OPERATORS:
            close(token)
        elif _REDIRECTS.match(token):
            skip_next = True
        else:
            current.append(token)
    close("")
    return out


def _make_cmd(argv: list[str]) -> _Cmd | None:
    assigns: list[str] = []
    sudo = False
    i = 0
    while i < len(argv):
        word = argv[i]
        base = word.rsplit("/", 1)[-1]
        if _ASSIGN.match(word):
            assigns.append(word)
        elif base in _WRAPPERS:
            sudo = sudo or base in ("sudo", "doas")
            i += 1
            # options of the wrapper (sudo -u user, env -i ...)
            while i < len(argv) and argv[i].startswith("-"):
                i += 2 if argv[i] in ("-u", "-g", "-n", "-C") else 1
            continue
        else:
            break
        i += 1
    if i >= len(argv):
        return _Cmd([], sudo, assigns=assigns) if sudo or assigns else None
    return _Cmd(argv[i:], sudo, assigns=assigns)


@dataclass
class _Run:
    """One RUN instruction, with the shell text to analyse."""

    ins: Instruction
    text: str
    shell_form: bool
    commands: list[_Cmd]

    @property
    def line(self) -> int:
        return self.ins.start_line


def _run_of(ins: Instruction) -> _Run:
    exec_form = ins.exec_form
    if exec_form is not None:
        # JSON form: argv as written (`["sudo yum", "install", ...]` is joined and re-split).
        text = " ".join(exec_form)
        if (
            len(exec_form) >= 3
            and exec_form[0].rsplit("/", 1)[-1] in _SHELLS
            and (exec_form[1] == "-c")
        ):
            return _Run(ins, exec_form[2], True, _commands(exec_form[2]))
        return _Run(ins, text, False, _commands(text))
    text = ins.arguments
    if ins.heredoc:
        head = re.sub(r"<<-?\s*[\"']?[A-Za-z_][A-Za-z0-9_]*[\"']?", " ", text).strip()
        if not head or head.split()[0].rsplit("/", 1)[-1] in _SHELLS:
            body = re.sub(r"\\\n", " ", ins.heredoc)
            text = body.replace("\n", " ;\n")
    return _Run(ins, text, True, _commands(text))
