"""Build arguments that end up in the image: `ENV X=$ARG` for a credential, and
literal `--build-arg` values in compose and CI files. Values are built at test time."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest

from shieldwall.analyzers.secrets.engine import Detector
from shieldwall.engine.scanner import ScanOptions, run_scan

DETECTOR = Detector()
RULE = "SECRET-BUILD-ARG-IN-ENV"


def _value(seed: int) -> str:
    rnd = random.Random(seed)
    return "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(26))


def _rules(text: str, path: str = "Dockerfile") -> list[tuple[str, int]]:
    return [(m.rule_id, m.line) for m in DETECTOR.scan(text.encode(), path)]


@pytest.mark.parametrize(
    "env",
    [
        "ENV NPM_TOKEN=$NPM_TOKEN",
        'ENV NPM_TOKEN="${NPM_TOKEN}"',
        "ENV NPM_TOKEN ${NPM_TOKEN}",
        "ENV APP_SECRET=${NPM_TOKEN:-none}",
        "ENV HOME=/app \\\n    NPM_TOKEN=$NPM_TOKEN",
    ],
)
def test_credential_build_argument_copied_into_env(env: str) -> None:
    text = f"FROM node:20\nARG NPM_TOKEN\n{env}\n"
    hits = [line for rule, line in _rules(text) if rule == RULE]
    assert len(hits) == 1
    assert hits[0] == 3 + env.count("\n")


@pytest.mark.parametrize(
    "text",
    [
        "FROM node:20\nARG VERSION=1\nENV APP_VERSION=$VERSION\n",  # not a credential
        "FROM node:20\nENV NPM_TOKEN=$NPM_TOKEN\n",  # no build argument of that name
        "FROM node:20\nARG NPM_TOKEN\nRUN --mount=type=secret,id=npm true\n",  # not persisted
    ],
)
def test_other_env_and_args_are_not_reported(text: str) -> None:
    assert RULE not in {rule for rule, _ in _rules(text)}


def test_not_in_other_files() -> None:
    assert _rules("ARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\n", "notes.txt") == []


@pytest.mark.parametrize(
    ("path", "template", "line"),
    [
        (".github/workflows/ci.yml", "    run: docker build --build-arg NPM_TOKEN={v} .\n", 1),
        (".gitlab-ci.yml", "  script:\n    - docker build --build-arg API_KEY={v} .\n", 2),
        ("Jenkinsfile", 'sh "docker build --build-arg DB_PASSWORD={v} ."\n', 1),
        (
            "compose.yaml",
            "services:\n  app:\n    build:\n      context: .\n      args:\n"
            "        NPM_TOKEN: {v}\n",
            6,
        ),
        (
            "compose.yaml",
            "services:\n  app:\n    build:\n      args:\n        - NPM_TOKEN={v}\n",
            5,
        ),
    ],
)
def test_literal_build_arg_values_in_compose_and_ci(path: str, template: str, line: int) -> None:
    value = _value(line)
    found = DETECTOR.scan(template.format(v=value).encode(), path)
    assert [(m.line, m.secret) for m in found] == [(line, value)]


def test_build_arg_from_a_ci_secret_is_not_reported() -> None:
    text = "    run: docker build --build-arg NPM_TOKEN=${{ secrets.NPM_TOKEN }} .\n"
    assert _rules(text, ".github/workflows/ci.yml") == []


def test_scan_reports_the_persisted_argument_without_a_value(write) -> None:  # type: ignore[no-untyped-def]
    root: Path = write({"Dockerfile": "FROM node:20\nARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\n"})
    result = run_scan(root, ScanOptions(analyzers="secrets")).result
    found = [f for f in result.findings if f.rule.id == RULE]
    assert len(found) == 1
    assert found[0].location.start_line == 3
    assert "ENV NPM_TOKEN copies ARG NPM_TOKEN" in found[0].message
