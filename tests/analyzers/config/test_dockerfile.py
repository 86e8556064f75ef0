"""Dockerfile rules beyond the fixtures: stages, shell parsing, secrets helper."""

from __future__ import annotations

import pytest

from shieldwall.analyzers.config.credentials import is_secret_assignment
from tests.conftest import config_findings


def _scan(write, text: str) -> list[tuple[str, int]]:
    root = write({"Dockerfile": text})
    return sorted((f.rule.id, f.location.start_line) for f in config_findings(root))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "RUN echo before any FROM\n",
        "FROM\nUSER\nEXPOSE\nCOPY\nADD\nWORKDIR\nENV\nARG\n",
        "FROM a:1\nRUN echo 'unbalanced \\\n",
        'FROM a:1\nRUN ["apt-get", 1]\nCMD [\nENTRYPOINT {}\n',
        "FROM a:1\nCOPY --from= x y\nEXPOSE 99999999999999999999 -1 a-b\n",
        "FROM a:1\nRUN <<EOF\n",
        "FROM a:1\nRUN apk add --virtual\nRUN pip install -r\nRUN gem install -v\n",
    ],
)
def test_odd_dockerfiles_do_not_crash(write, text: str) -> None:
    assert all(line >= 1 for _, line in _scan(write, text))


def test_user_in_a_builder_stage_does_not_count(write) -> None:
    text = "FROM golang:1.22 AS build\nUSER 1000\nFROM debian:12\nCOPY --from=build /a /a\n"
    assert ("DOCKERFILE-ROOT-USER", 3) in _scan(write, text)


def test_user_inherited_through_stage_chain_counts(write) -> None:
    text = 'FROM debian:12 AS base\nUSER 1000\nFROM base\nCMD ["/app"]\n'
    assert not [r for r, _ in _scan(write, text) if r == "DOCKERFILE-ROOT-USER"]


def test_heredoc_script_is_analysed_as_shell(write) -> None:
    text = "FROM debian:12\nRUN <<EOF\nset -e\ncurl -fsSL https://example.com/i.sh | bash\nEOF\n"
    found = _scan(write, text)
    assert ("DOCKERFILE-CURL-PIPE-SHELL", 2) in found
    assert ("DOCKERFILE-PIPE-NO-PIPEFAIL", 2) in found


def test_heredoc_for_python_is_not_shell(write) -> None:
    text = "FROM python:3.12\nRUN python3 <<EOF\nprint('a | b; sudo')\nEOF\n"
    rules = {r for r, _ in _scan(write, text)}
    assert not rules & {"DOCKERFILE-SUDO", "DOCKERFILE-PIPE-NO-PIPEFAIL"}


def test_quoted_operators_are_not_pipes_or_commands(write) -> None:
    text = "FROM debian:12\nRUN echo 'curl x | sh; sudo cd' > /notes.txt\n"
    rules = {r for r, _ in _scan(write, text)}
    assert not rules & {"DOCKERFILE-SUDO", "DOCKERFILE-RUN-CD", "DOCKERFILE-PIPE-NO-PIPEFAIL"}


def test_identical_instructions_get_distinct_fingerprints(write) -> None:
    root = write({"Dockerfile": "FROM debian:12\nRUN sudo ls\nRUN sudo ls\n"})
    hits = [f for f in config_findings(root) if f.rule.id == "DOCKERFILE-SUDO"]
    assert [f.location.start_line for f in hits] == [2, 3]
    assert len({f.fingerprint for f in hits}) == 2


def test_env_secret_points_at_its_continuation_line(write) -> None:
    value = "Zq" + "9" * 14
    text = f"FROM debian:12\nENV A=1 \\\n    API_TOKEN={value}\n"
    root = write({"Dockerfile": text})
    hits = [f for f in config_findings(root) if f.rule.id == "DOCKERFILE-SECRET-IN-ENV"]
    assert [f.location.start_line for f in hits] == [3]
    assert value not in hits[0].message


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        ("DB_PASSWORD", "Zq" + "9" * 10, True),
        ("dbPassword", "Zq" + "9" * 10, True),
        ("PGPASSWORD", "Zq" + "9" * 10, True),
        ("STRIPE_API_KEY", "sk_" + "x" * 20, True),
        ("DB_PASSWORD", "${DB_PASSWORD}", False),
        ("DB_PASSWORD_FILE", "/run/secrets/db", False),
        ("TOKENIZERS_PARALLELISM", "false", False),
        ("AWS_ACCESS_KEY_ID", "AKIA" + "X" * 16, False),
        ("GPG_KEY", "A035C8C19219BA821ECEA86B64E628F8D684696D", False),
        ("PWD", "/app", False),
        ("API_KEY", "<your-key>", False),
    ],
)
def test_is_secret_assignment(name: str, value: str, secret: bool) -> None:
    assert is_secret_assignment(name, value) is secret


@pytest.mark.parametrize("name", ["Dockerfile.base", "core/Dockerfile.base", "base.Dockerfile"])
def test_a_base_images_dockerfile_leaves_the_user_to_its_children(write, name: str) -> None:
    root = write({name: "FROM photon:5.0\nRUN tdnf install -y shadow\n"})
    rules = {f.rule.id for f in config_findings(root)}
    assert "DOCKERFILE-ROOT-USER" not in rules
    assert "DOCKERFILE-ROOT-USER-UNKNOWN" in rules


def test_a_base_named_dockerfile_that_runs_something_still_runs_as_root(write) -> None:
    root = write({"Dockerfile.base": 'FROM photon:5.0\nCMD ["/app"]\n'})
    assert "DOCKERFILE-ROOT-USER" in {f.rule.id for f in config_findings(root)}


@pytest.mark.parametrize(
    "base",
    [
        "grafana/k6:2.2.0-with-browser",
        "docker.io/grafana/grafana-oss:12.0.0",
        "nginxinc/nginx-unprivileged:1.27-alpine",
        "quay.io/prometheus/alertmanager:v0.28.0",
        "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled",
    ],
)
def test_a_base_published_with_a_non_root_user_keeps_it(write, base: str) -> None:
    assert ("DOCKERFILE-ROOT-USER", 1) not in _scan(write, f'FROM {base}\nCMD ["/app"]\n')


@pytest.mark.parametrize(
    "text",
    [
        'FROM grafana/k6:2.2.0\nUSER root\nCMD ["/app"]\n',  # switched back to root
        'FROM myorg/grafana-k6-tools:1\nCMD ["/app"]\n',  # a look-alike name
        'FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-alpine\nCMD ["/app"]\n',
    ],
)
def test_other_bases_still_run_as_root(write, text: str) -> None:
    assert "DOCKERFILE-ROOT-USER" in {rule for rule, _ in _scan(write, text)}
