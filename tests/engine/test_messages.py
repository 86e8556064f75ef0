"""Finding messages say each thing once: not the rule's title again (reports show
it beside the message), no phrase twice, no resource listed twice. Checked on
the example system and, when it is there, the KICS corpus in ../shared."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.model import Finding
from tests.conftest import SHARED

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shop"
KICS = SHARED / "corpus" / "kics"
_WORD = re.compile(r"[\w'./]+(?:-[\w'./]+)*")  # not "->"


def repeated_phrases(message: str, length: int = 4) -> set[str]:
    """Phrases said twice within one clause: a list of paths ("...; ...") may name
    two Services on the same ports."""
    found: set[str] = set()
    for clause in message.lower().split("; "):
        words = _WORD.findall(clause)
        grams = Counter(" ".join(words[i : i + length]) for i in range(len(words) - length + 1))
        found |= {gram for gram, n in grams.items() if n > 1}
    return found


def repeated_ids(message: str) -> set[str]:
    ids = Counter(re.findall(r"\b[A-Z][A-Za-z]+/[\w.-]+(?:/[\w.-]+)?\b", message))
    return {i for i, n in ids.items() if n > 1}


def test_the_checks_catch_what_they_look_for() -> None:
    said_twice = "port 80; compose applies no ingress rules (compose applies no ingress rules)"
    assert repeated_phrases(said_twice) == {
        "compose applies no ingress",
        "applies no ingress rules",
    }
    assert repeated_ids("exposes Deployment/a/b, Deployment/a/b, Pod/a/c") == {"Deployment/a/b"}


def problems(findings: list[Finding]) -> list[str]:
    found = []
    for f in findings:
        if f.rule.id == "DEPS-VULNERABLE":  # the advisory's own text is quoted as it is
            continue
        if f.message.lower().startswith(f.rule.title.lower()):
            found.append(f"{f.rule.id}: starts with its title: {f.message}")
        # A link names both its ends in its reasons; other messages name their subject once.
        ids = repeated_ids(f.message) if f.rule.id != "TOPO-PLAINTEXT-EDGE" else set()
        for what in (*repeated_phrases(f.message), *ids):
            found.append(f"{f.rule.id}: {what!r} twice in: {f.message}")
    return found


def test_example_messages_say_each_thing_once() -> None:
    findings = list(run_scan(EXAMPLE, ScanOptions(offline=True)).result.findings)
    assert {f.rule.analyzer for f in findings} >= {"config", "secrets", "topology", "code"}
    assert problems(findings) == []


@pytest.mark.skipif(not KICS.is_dir(), reason=f"the KICS corpus is not at {KICS}")
def test_corpus_messages_say_each_thing_once() -> None:
    options = ScanOptions(offline=True, repo_config=False)
    findings = list(run_scan(KICS, options).result.findings)
    assert len(findings) > 1000
    assert problems(findings) == []
