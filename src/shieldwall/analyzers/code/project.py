"""Parsing one file into a Module, and finding the project's own modules that a
file imports (so calls into them use summaries instead of guesses)."""

from __future__ import annotations

import ast
from collections import OrderedDict
from pathlib import Path

from shieldwall.analyzers.code.fstrings import requote
from shieldwall.analyzers.code.module import Module, Summary
from shieldwall.analyzers.code.python2 import looks_like_python2, modernise
from shieldwall.analyzers.code.typeparams import drop_type_parameters

MAX_CACHED_MODULES = 64


def module_names(rel: str) -> list[str]:
    """Dotted names a file may be imported by: `pkg/mod.py` -> pkg.mod (also without src/)."""
    if not rel.endswith(".py"):
        return []
    parts = rel[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return []
    names = [".".join(parts)]
    for i in range(1, min(len(parts), 3)):
        names.append(".".join(parts[i:]))
    return names


def build_index(rels: list[str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for rel in rels:
        for i, name in enumerate(module_names(rel)):
            if i == 0 or name not in index:
                index.setdefault(name, rel)
    return index


def parse(text: str, rel: str) -> ast.Module:
    """ast.parse, raising SyntaxError/ValueError/MemoryError/RecursionError (nesting too
    deep for the parser) for the caller to report.

    A file whose first error is on a Python 2 statement is parsed again after
    rewriting those (see python2.py); any failing file, after rewriting the syntax
    of newer Pythons than this one: 3.12 f-strings (fstrings.py), type
    parameters and aliases (typeparams.py). A file that still fails is reported
    at its first error as written."""
    try:
        return ast.parse(text, filename=rel)
    except SyntaxError as exc:
        lines = text.split("\n")
        at = lines[exc.lineno - 1] if exc.lineno and exc.lineno <= len(lines) else ""
        # a backtick or `<>` in a 3.12 f-string looks like Python 2 too: both are tried
        rewrites = (modernise, newer_syntax) if looks_like_python2(at) else (newer_syntax,)
        for rewrite in rewrites:
            try:
                return ast.parse(rewrite(text), filename=rel)
            except (SyntaxError, RecursionError, MemoryError):
                continue
        raise exc from None  # the error of the file as written


def newer_syntax(text: str) -> str:
    """The file with Python 3.12+ forms rewritten to ones this parser reads, on the
    same lines."""
    return drop_type_parameters(requote(text))


class Project:
    """Loads imported project modules on demand (a small cache per process)."""

    def __init__(self, root: Path, index: dict[str, str], max_bytes: int) -> None:
        self.root = root
        self.index = index
        self.max_bytes = max_bytes
        self.cache: OrderedDict[str, Module | None] = OrderedDict()

    def resolve(self, qual: str) -> tuple[Module, str] | None:
        parts = qual.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            name = ".".join(parts[:cut])
            rel = self.index.get(name)
            if rel is None:
                continue
            module = self.load(rel, name)
            if module is None:
                return None
            return module, ".".join(parts[cut:])
        return None

    def load(self, rel: str, name: str) -> Module | None:
        if rel in self.cache:
            self.cache.move_to_end(rel)
            return self.cache[rel]
        module: Module | None = None
        try:
            path = self.root / rel
            if path.stat().st_size <= self.max_bytes:
                text = path.read_text("utf-8")
                module = self.module(rel, text, parse(text, rel), name, report=False)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError, MemoryError, RecursionError):
            module = None  # calls into it are then treated as unknown
        self.cache[rel] = module
        if len(self.cache) > MAX_CACHED_MODULES:
            self.cache.popitem(last=False)
        return module

    def module(self, rel: str, text: str, tree: ast.Module, name: str, *, report: bool) -> Module:
        from shieldwall.analyzers.code.flow import FunctionFlow

        module = Module(rel, text, tree, name, self.resolve)
        flow = FunctionFlow(module, None, summary=None if report else Summary())
        flow.run()
        module.env = flow.env
        return module
