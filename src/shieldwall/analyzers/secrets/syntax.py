"""How each file type writes a value: which quotes open a string literal and
whether an unquoted value is text (config formats, shell scripts), never a literal
(code), or a literal only where Go's lexer could not read an expression. Chosen by
the file's name and, for files without an extension, its first bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Files where bare (unquoted) values are literal strings.
CONFIG_SUFFIXES = (
    ".yaml",
    ".yml",
    ".env",
    ".properties",
    ".ini",
    ".cfg",
    ".conf",
    ".toml",
    ".sh",
    ".bash",
    ".zsh",
    ".txt",
    ".npmrc",
    ".pypirc",
    ".netrc",
    ".envrc",
    ".service",
    ".desktop",
    ".config",
    ".tfvars",
    ".hcl",
    ".dockerfile",
    ".cnf",
    ".rc",
    ".example",
    ".sample",
    ".dist",
    ".local",
    ".ldif",
    ".md",
    ".markdown",
    ".rst",
    ".adoc",
    ".test",
    ".tmpl",
    ".template",
    ".j2",
)
# C, C++, C# and Objective-C: a string is "..." (or @"..." verbatim / NSString);
# '...' is a character constant, never a credential.
C_FAMILY_SUFFIXES = (
    ".c",
    ".h",
    ".cc",
    ".cpp",
    ".cxx",
    ".c++",
    ".hpp",
    ".hh",
    ".hxx",
    ".cs",
    ".m",
    ".mm",
    ".ino",
)
GO_SUFFIXES = (".go",)
# Files without an extension whose bare values are literals.
_CONFIG_NAMES = frozenset(
    {"makefile", "gnumakefile", "procfile", "credentials", "config", "envfile", "htpasswd"}
)
_SHELLS = re.compile(rb"^#!\s*\S*?/(?:env\s+)?(?:ba|z|k|da|a|fi)?sh\b")
# A Dockerfile under another name: comments, then FROM or ARG.
_DOCKERFILE_HEAD = re.compile(rb"^(?:\s*#[^\n]*\n)*\s*(?:FROM|ARG)\s+\S")
# A YAML document under a name without an extension: its start marker (`---`) or a
# `%YAML` directive opens the file (a CLI's saved profiles, a test's fixture).
_YAML_HEAD = re.compile(rb"^(?:---[ \t]*\r?\n|%YAML[ \t])")


@dataclass(frozen=True, slots=True)
class Syntax:
    """How a file type writes the value of an assignment.

    `quotes`: the characters that open a string literal. `bare`: what an unquoted
    value is - "literal" (config formats, shell: text), "not-code" (Go: a literal
    only when Go's lexer could not read it as an expression: it holds `$`, `#`,
    `?`, `@`, `\\` or non-ASCII outside quotes), "never" (other code: an expression)."""

    name: str
    quotes: str
    bare: str


CONFIG = Syntax("config", "\"'`", "literal")
CODE = Syntax("code", "\"'`", "never")
C_FAMILY = Syntax("c-family", '"', "never")
GO = Syntax("go", "\"'`", "not-code")


def syntax_for(name: str, head: bytes = b"") -> Syntax:
    """The syntax of a file from its name (the last path part) and its first bytes."""
    lowered = name.lower()
    if lowered.startswith((".env", "dockerfile", "containerfile")):
        return CONFIG
    if lowered.endswith(CONFIG_SUFFIXES):
        return CONFIG
    if lowered.endswith(GO_SUFFIXES):
        return GO
    if lowered.endswith(C_FAMILY_SUFFIXES):
        return C_FAMILY
    no_extension = "." not in lowered.lstrip(".")  # a dotfile, a known name, a script
    if no_extension and (
        lowered.startswith(".")
        or lowered in _CONFIG_NAMES
        or _SHELLS.match(head)
        or _DOCKERFILE_HEAD.match(head)
        or _YAML_HEAD.match(head)
    ):
        return CONFIG
    return CODE
