"""OSV range evaluation, as the schema specifies it."""

from __future__ import annotations

from typing import Any

import pytest

from shieldwall.analyzers.deps.osv.ranges import evaluate
from shieldwall.analyzers.deps.osv.versions import Comparable, parse_version


def pypi(text: str) -> Comparable:
    return parse_version("PyPI", text)


def semver(text: str) -> Comparable:
    return parse_version("Go", text)


def entry(*ranges: dict[str, Any], versions: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"package": {"ecosystem": "PyPI", "name": "x"}, "ranges": list(ranges)}
    if versions is not None:
        body["versions"] = versions
    return body


def eco(*events: dict[str, str], kind: str = "ECOSYSTEM") -> dict[str, Any]:
    return {"type": kind, "events": list(events)}


TWO_BRANCHES = entry(
    eco({"introduced": "0"}, {"fixed": "2.2.5"}, {"introduced": "2.3.0"}, {"fixed": "2.3.2"})
)


@pytest.mark.parametrize(
    ("version", "affected", "fixed"),
    [
        ("0.1", True, ("2.2.5",)),
        ("2.2.4", True, ("2.2.5",)),
        ("2.2.5", False, ()),
        ("2.2.9", False, ()),
        ("2.3.0", True, ("2.3.2",)),
        ("2.3.1", True, ("2.3.2",)),
        ("2.3.2", False, ()),
        ("3.0", False, ()),
    ],
)
def test_introduced_and_fixed(version: str, affected: bool, fixed: tuple[str, ...]) -> None:
    verdict = evaluate(TWO_BRANCHES, version, pypi)
    assert verdict.affected is affected
    assert verdict.fixed == fixed


def test_events_are_sorted_by_version_not_taken_in_file_order() -> None:
    shuffled = entry(
        eco({"introduced": "2.3.0"}, {"fixed": "2.3.2"}, {"introduced": "0"}, {"fixed": "2.2.5"})
    )
    assert evaluate(shuffled, "2.2.0", pypi).affected
    assert not evaluate(shuffled, "2.2.6", pypi).affected
    assert evaluate(shuffled, "2.3.1", pypi).affected


def test_last_affected_includes_that_version_only() -> None:
    e = entry(eco({"introduced": "1.0"}, {"last_affected": "1.11.0"}))
    assert evaluate(e, "1.11.0", pypi).affected
    assert evaluate(e, "1.11", pypi).affected  # compared as versions
    assert not evaluate(e, "1.11.1", pypi).affected
    assert not evaluate(e, "0.9", pypi).affected
    assert evaluate(e, "1.11.0", pypi).fixed == ()


def test_limit_bounds_the_range() -> None:
    e = entry(eco({"introduced": "0"}, {"limit": "3.0"}))
    assert evaluate(e, "2.9", pypi).affected
    assert not evaluate(e, "3.0", pypi).affected
    star = entry(eco({"introduced": "1.0"}, {"limit": "*"}))
    assert evaluate(star, "9.9", pypi).affected


def test_versions_list_is_compared_as_versions() -> None:
    e = entry(versions=["3.1", "3.2"])
    assert evaluate(e, "3.2.0", pypi).affected
    assert evaluate(e, "3.2", pypi).affected
    assert not evaluate(e, "3.2.1", pypi).affected
    assert not evaluate(e, "3.20", pypi).affected


def test_git_ranges_are_skipped_and_the_others_still_count() -> None:
    git = {
        "type": "GIT",
        "repo": "https://example.invalid/repo",
        "events": [{"introduced": "0"}, {"fixed": "70f906c51ce49c485f1d355703e9cc3386b1cc2b"}],
    }
    e = entry(git, eco({"introduced": "0"}, {"fixed": "2.0"}))
    assert evaluate(e, "1.0", pypi).affected
    assert not evaluate(e, "2.0", pypi).affected
    only_git = entry(git)
    assert not evaluate(only_git, "1.0", pypi).affected


def test_semver_ranges_with_go_leading_v() -> None:
    e = entry(eco({"introduced": "0"}, {"fixed": "1.6.0"}, kind="SEMVER"))
    assert evaluate(e, "v1.5.0", semver).affected
    assert evaluate(e, "v0.0.0-20190101000000-abcdefabcdef", semver).affected
    assert not evaluate(e, "v1.6.0", semver).affected
    assert evaluate(e, "v1.5.0", semver).fixed == ("1.6.0",)


def test_introduced_without_fix_affects_everything_after() -> None:
    e = entry(eco({"introduced": "0.8.7-0"}, kind="SEMVER"))
    assert evaluate(e, "0.8.7", semver).affected
    assert evaluate(e, "9.0.0", semver).affected
    assert not evaluate(e, "0.8.6", semver).affected


def test_unparseable_versions_match_only_by_exact_listing() -> None:
    e = entry(eco({"introduced": "0"}), versions=["weird build"])
    assert evaluate(e, "weird build", semver).affected
    assert not evaluate(e, "other build", semver).affected
