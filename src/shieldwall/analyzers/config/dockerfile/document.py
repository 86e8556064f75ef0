"""A Dockerfile as the rules see it: its stages, and hits with edit-stable keys."""

from __future__ import annotations

import hashlib
import shlex
from collections import Counter
from dataclasses import dataclass, field

from shieldwall.analyzers.config.context import Hit
from shieldwall.model import Rule
from shieldwall.sources.dockerfile import Instruction, Stage
from shieldwall.sources.manifests import DockerfileSource


@dataclass
class _Doc:
    src: DockerfileSource
    key_counts: Counter[str] = field(default_factory=Counter)

    @property
    def id(self) -> str:
        return self.src.id

    def hit(self, rule: Rule, line: int, message: str, key: str) -> Hit:
        # identical instructions in one file get distinct, edit-stable keys
        self.key_counts[rule.id + key] += 1
        n = self.key_counts[rule.id + key]
        return Hit(rule, self.src.path, line, self.id, message, key if n == 1 else f"{key}#{n}")


def _ins_key(stage: Stage, ins: Instruction) -> str:
    digest = hashlib.sha256(ins.value.encode("utf-8")).hexdigest()[:10]
    return f"{_stage_label(stage)}.{ins.keyword.lower()}:{digest}"


def _stage_label(stage: Stage) -> str:
    return f"stage[{stage.name or stage.index}]"


def _env_pairs(ins: Instruction) -> list[tuple[str, str]]:
    text = ins.arguments
    if ins.keyword == "ARG":
        words = text.split()
        return [(w.partition("=")[0], w.partition("=")[2]) for w in words if "=" in w]
    try:
        words = shlex.split(text, posix=True)
    except ValueError:
        words = text.split()
    if words and "=" not in words[0]:  # legacy `ENV key value with spaces`
        return [(words[0], " ".join(words[1:]))]
    return [(w.partition("=")[0], w.partition("=")[2]) for w in words if "=" in w]
