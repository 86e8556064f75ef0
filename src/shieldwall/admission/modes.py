"""What the webhook does in each namespace: enforce (deny), warn (allow with
AdmissionReview warnings) or audit (allow, write an audit log line); and where
the mutating endpoint may set secure defaults (opt-in)."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass

from shieldwall.errors import UsageError

MODES = ("enforce", "warn", "audit")


@dataclass(frozen=True, slots=True)
class NamespaceModes:
    default: str = "enforce"
    # (namespace glob, mode), the first match wins.
    rules: tuple[tuple[str, str], ...] = ()
    # Namespace globs where /mutate patches secure defaults.
    mutate: tuple[str, ...] = ()

    def mode(self, namespace: str) -> str:
        for glob, mode in self.rules:
            if fnmatch.fnmatchcase(namespace, glob):
                return mode
        return self.default

    def mutates(self, namespace: str) -> bool:
        return any(fnmatch.fnmatchcase(namespace, glob) for glob in self.mutate)


def parse_modes(default: str, items: Sequence[str], mutate: Sequence[str]) -> NamespaceModes:
    """`--mode NS=warn` items (NS may be a glob) into NamespaceModes."""
    if default not in MODES:
        raise UsageError(f"unknown mode {default!r}", f"use one of {', '.join(MODES)}")
    rules = []
    for item in items:
        glob, sep, mode = item.partition("=")
        if not sep or not glob or mode not in MODES:
            raise UsageError(
                f"--mode {item!r} is not NAMESPACE=MODE",
                f"write e.g. --mode 'legacy-*=warn' with a mode among {', '.join(MODES)}",
            )
        rules.append((glob, mode))
    return NamespaceModes(default, tuple(rules), tuple(mutate))
