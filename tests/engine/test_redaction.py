"""The one redaction pass: no secret in any text a format prints, whichever
analyzer wrote it, with fingerprints unchanged."""

from __future__ import annotations

import dataclasses
import json
import random
import string
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from packageurl import PackageURL

from shieldwall.analyzers.base import AnalyzerOutput, ScanTarget
from shieldwall.analyzers.secrets import generic, scrub
from shieldwall.engine import analyzers as registry
from shieldwall.engine.baseline import baseline_text
from shieldwall.engine.redaction import (
    redact_components,
    redact_purl,
    redact_result,
    redact_text,
)
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.model import (
    Component,
    Control,
    Finding,
    Location,
    MapEdge,
    MapNode,
    Rule,
    ScanResult,
    Scorecard,
    ServiceMap,
    Severity,
    Skipped,
)
from tests.analyzers.secrets.samples import from_pattern, github_token, pem_block
from tests.engine.planted import leaks, plant, secrets

S = secrets(23)
RULE = Rule(
    id="TEST-QUOTES",
    analyzer="quoting",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.HIGH,
    title="Quotes what it found",
    description="d",
    remediation="r",
)


def _word(n: int, seed: int) -> str:
    rnd = random.Random(seed)
    return "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(n))


# -- redact_text: each kind of secret ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"postgres://orders:{S['db_password']}@db:5432/x?sslmode=disable", S["db_password"]),
        (f"git+https://oauth2:{S['gitlab_oauth']}@gitlab.example.com/g/p.git", S["gitlab_oauth"]),
        (f"https://{S['bare_token_userinfo']}@files.example.com/a.tgz", S["bare_token_userinfo"]),
        (f"redis://:{S['redis_password']}@cache:6379/0", S["redis_password"]),
        (
            f"--index-url https://deploy:{S['index_password']}@pypi.example/simple",
            S["index_password"],
        ),
        (f"token {S['github']} in use", S["github"]),
        (f"key id {S['aws_key_id']} found", S["aws_key_id"]),
        (f"AWS_SECRET_ACCESS_KEY={S['aws_secret']}", S["aws_secret"]),
        (f"--aws-secret-access-key={S['aws_secret']}", S["aws_secret"]),
        (f"notify via {S['slack']}", S["slack"]),
        (f"args: --stripe-key={S['stripe']}", S["stripe"]),
        (f"session {S['jwt']}", S["jwt"]),
        (f"Authorization: Bearer {S['bearer']}", S["bearer"]),
        (f"environment DB_PASSWORD={S['compose_password']} set", S["compose_password"]),
        (f'`password: "{S["dockerfile_password"]}"`', S["dockerfile_password"]),
        (f"redis-server --password {S['redis_password']}", S["redis_password"]),
    ],
)
def test_each_kind_of_secret_is_replaced_by_its_preview(text: str, secret: str) -> None:
    out = redact_text(text)
    assert secret not in out
    assert "****" in out
    assert redact_text(out) == out  # a second pass changes nothing


def test_provider_tokens_keep_their_known_prefix_and_last_four() -> None:
    token = github_token("ghp_", 5)
    assert redact_text(f"uses {token} here") == f"uses ghp_****...{token[-4:]} here"


def test_a_url_password_shows_its_length_only_and_the_rest_of_the_url_stays() -> None:
    password = "Pq" + _word(10, 3)
    out = redact_text(f"postgres://app:{password}@orders-db:5432/orders?sslmode=disable")
    assert out == "postgres://app:****@orders-db:5432/orders?sslmode=disable"


def test_a_token_given_as_the_user_of_a_url_is_redacted_with_its_password() -> None:
    token = _word(40, 8).lower()
    out = redact_text(f"git clone https://{token}:x-oauth-basic@github.com/org/repo.git")
    assert token not in out and "x-oauth-basic" not in out
    assert out.endswith("@github.com/org/repo.git")
    user_only = "https://deploy@github.com/org/repo.git"
    assert redact_text(user_only) == user_only


def test_an_at_sign_inside_the_password_does_not_leave_its_tail() -> None:
    tail = _word(8, 4)
    out = redact_text(f"mysql://root:p@{tail}@db/x")
    assert tail not in out and out.endswith("@db/x")


def test_a_percent_encoded_userinfo_in_a_package_url_is_found() -> None:
    token = _word(32, 6)
    out = redact_text(f"pkg:npm/lib@git%2Bhttps://{token}%40github.com/o/lib.git%23abc")
    assert token not in out and out.endswith("%40github.com/o/lib.git%23abc")


def test_private_key_blocks_whole_or_cut_short_keep_only_their_header() -> None:
    block = pem_block()
    body = block.splitlines()[1:-1]
    for text in (f"data tls.key: {block} end", "value " + "\n".join(block.splitlines()[:3])):
        out = redact_text(text)
        assert "-----BEGIN RSA PRIVATE KEY----- ****" in out
        assert not any(line in out for line in body)


@pytest.mark.parametrize(
    "text",
    [
        "container 'api' of Deployment/shop/api runs privileged",
        "automountServiceAccountToken: false",
        "the service account token is mounted in Pod/shop/p",
        "container 'kube-apiserver-95' of Pod/kube-system/kube-apiserver-amd64",
        "Role/assembly-prod/testRoleVulnerable2 can read Secrets (rules[0])",
        "env PAYMENTS_URL (http://payments:8080) in k8s/orders.yaml:19",
        "clone ssh://git@github.com/org/repo.git and https://github.com/org/repo",
        "DB_PASSWORD=${DB_PASSWORD} from the environment",
        "password: $(DB_PASSWORD)",
        "Password written as a literal: ****",
        "GitHub personal access token: ghp_****...a1b2",
        "Requirement 'x' allows a range of versions (`x>=2`): pin it to one version.",
        "pkg:pypi/requests@2.31.0",
        "secretKeyRef: db-credentials/password",
    ],
)
def test_ordinary_text_is_left_as_it_is(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize("hint", generic.HINTS)
def test_the_quick_marks_cover_every_generic_detector_hint(hint: str) -> None:
    sample = from_pattern(hint).lower()
    assert any(mark in sample for mark in scrub._MARKS), sample


# -- redact_result: every printed field, fingerprints unchanged --------------------------


def _finding(message: str, resource: str, key: str = "k") -> Finding:
    return Finding(RULE, message, Location.at("requirements.txt", 2), resource, key=key)


def _strings(value: object) -> Iterator[str]:
    """Every string inside a dataclass tree (what any format could print)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item)


def test_every_printed_field_of_a_result_is_redacted_and_fingerprints_stay() -> None:
    url = f"git+https://oauth2:{S['gitlab_oauth']}@gitlab.example.com/g/p.git"
    purl = f"pkg:npm/lib@git%2Bhttps://{S['npm_token_userinfo']}%40github.com/o/lib.git"
    quoting = _finding(f"installs from `{url}`", purl)
    inline = _finding("plain", "Deployment/shop/api").suppress(
        "inline", f"token={S['bearer']} is rotated"
    )
    edge = MapEdge(
        "Deployment/shop/api",
        "Deployment/shop/db",
        5432,
        False,
        f"env DATABASE_URL (postgres://u:{S['db_password']}@db:5432) in k8s/a.yaml:3",
    )
    node = MapNode(
        f"Deployment/shop/{S['github']}",
        "Deployment",
        S["github"],
        "shop",
        "internal",
        resources=(purl,),
    )
    result = ScanResult(
        target=f"https://{S['bare_token_userinfo']}@example.com/repo",
        findings=(quoting, inline),
        skipped=(Skipped("a.yaml", f"cannot parse `password: {S['compose_password']}`"),),
        scorecard=Scorecard({Control.SUPPLY_CHAIN: frozenset({purl})}),
        gateways=(f"Deployment/shop/{S['github']}",),
        gateway_source=f"annotation api-token={S['annotation_secret']}",
        errors=(f"analyzer x failed: ValueError: {S['jwt']}",),
        service_map=ServiceMap((node,), (edge,)),
        warnings=(f"mirror https://ci:{S['npm_password']}@osv.example unreachable",),
    )
    planted_values = [v for k, v in S.items() if k != "private_key"]
    assert any(v in s for s in _strings(result) for v in planted_values)  # the test has teeth
    clean = redact_result(result)
    printed = list(_strings(clean))
    assert not [v for v in planted_values if any(v in s for s in printed)]
    assert [f.fingerprint for f in clean.findings] == [f.fingerprint for f in result.findings]
    assert clean.findings[0].message.startswith("installs from `git+https://oauth2:****@")
    assert PackageURL.from_string(clean.findings[0].resource).name == "lib"
    # The scorecard counts the same resource the finding names.
    assert clean.scorecard.checked[Control.SUPPLY_CHAIN] == {clean.findings[0].resource}
    # Edges still join nodes: ids are redacted the same way wherever they appear.
    assert clean.service_map is not None
    assert clean.gateways[0] == clean.service_map.nodes[0].id
    assert clean.findings[1].suppression is not None
    assert clean.findings[1].suppression.kind == "inline"


def test_a_suppression_after_redaction_keeps_the_fingerprint() -> None:
    finding = _finding(f"uses {S['github']}", f"Secret/{S['github']}")
    clean = redact_result(ScanResult("t", (finding,))).findings[0]
    assert clean.resource != finding.resource
    assert clean.suppress("baseline", "in the baseline").fingerprint == finding.fingerprint


def test_components_lose_the_token_of_a_vcs_version_and_stay_valid_purls() -> None:
    token = S["npm_token_userinfo"]
    version = f"git+https://{token}@github.com/o/lib.git#0123abc"
    purl = PackageURL(type="npm", name="lib", version=version).to_string()
    lib = Component("npm", "lib", version, "package-lock.json", 3, purl=purl)
    app = Component(
        "npm",
        "app",
        "1.0.0",
        "package-lock.json",
        2,
        purl="pkg:npm/app@1.0.0",
        dependencies=(purl,),
    )
    plain = Component("npm", "pad", "1.3.0", "package-lock.json", 9, purl="pkg:npm/pad@1.3.0")
    clean_app, clean_lib, clean_plain = redact_components([app, lib, plain])
    assert token not in json.dumps([dataclasses.asdict(c) for c in (clean_app, clean_lib)])
    assert clean_lib.version.startswith("git+https://****...")
    assert PackageURL.from_string(clean_lib.purl).version == clean_lib.version
    assert clean_app.dependencies == (clean_lib.purl,)
    assert clean_plain is plain  # nothing to redact: the same object
    assert redact_purl(clean_lib.purl) == clean_lib.purl


# -- run_scan: the pass runs on whatever every analyzer returned -------------------------


class _Quoting:
    """An analyzer that forgets to redact anything it quotes."""

    name = "quoting"

    def rules(self) -> Sequence[Rule]:
        return (RULE,)

    def analyze(self, target: ScanTarget) -> AnalyzerOutput:
        secret = f"Bearer {S['bearer']}"
        return AnalyzerOutput(
            findings=(_finding(f"header `Authorization: {secret}`", "Ingress/shop/api"),),
            skipped=(Skipped("x.yaml", f"bad value {S['slack']}"),),
            warnings=(f"fetched https://u:{S['npm_password']}@mirror.example",),
        )


class _Crashing:
    name = "crashing"

    def rules(self) -> Sequence[Rule]:
        return ()

    def analyze(self, target: ScanTarget) -> AnalyzerOutput:
        raise ValueError(f"cannot read {S['stripe']}")


def test_the_engine_redacts_what_any_analyzer_returns(write, monkeypatch) -> None:
    root = write({"README.md": "nothing\n"})
    monkeypatch.setitem(registry.ANALYZERS, "quoting", _Quoting)
    monkeypatch.setitem(registry.ANALYZERS, "crashing", _Crashing)
    result = run_scan(root, ScanOptions(analyzers="quoting,crashing")).result
    printed = list(_strings(result))
    for name in ("bearer", "slack", "npm_password", "stripe"):
        assert not any(S[name] in s for s in printed), name
    assert "Bearer ****..." in result.findings[0].message
    assert result.skipped[0].reason.startswith("bad value xoxb-****")
    assert result.errors[0].startswith(
        "analyzer crashing failed: ValueError: cannot read sk_****..."
    )
    assert result.warnings == ("fetched https://u:****@mirror.example",)


def test_a_planted_repository_scans_with_no_secret_left_in_the_result(tmp_path: Path) -> None:
    planted = plant(tmp_path)
    result = run_scan(tmp_path, ScanOptions(offline=True)).result
    printed = "\n".join(_strings(result))
    assert leaks(printed, planted) == []
    rules = {f.rule.id for f in result.findings}
    # The findings that quote the planted values are all still there.
    assert {
        "DEPS-UNPINNED",
        "DOCKERFILE-ADD-REMOTE",
        "SECRET-GITHUB-PAT",
        "SECRET-AWS-ACCESS-KEY-ID",
        "SECRET-SLACK-BOT-TOKEN",
        "SECRET-STRIPE-SECRET-KEY",
        "SECRET-JWT",
        "SECRET-URL-PASSWORD",
        "SECRET-PRIVATE-KEY",
    } <= rules
    unpinned = [f.message for f in result.findings if f.rule.id == "DEPS-UNPINNED"]
    assert any("git+https://oauth2:****@" in m for m in unpinned)


def test_a_baseline_made_from_a_redacted_scan_matches_the_next_scan(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    planted = plant(repo)
    first = run_scan(repo, ScanOptions(offline=True)).result
    baseline = tmp_path / "baseline.json"
    baseline.write_text(baseline_text(first.findings))
    assert leaks(baseline.read_text(), planted) == []
    again = run_scan(repo, ScanOptions(offline=True, baseline=baseline)).result
    assert again.findings and not again.active
