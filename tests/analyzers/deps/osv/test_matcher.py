"""Matching components against an imported database: ground truth, aliases,
withdrawn records, the default database and its age warning."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shieldwall.analyzers.deps.osv.location import default_database_path
from shieldwall.analyzers.deps.osv.matcher import (
    NO_DATABASE,
    SUMMARY_CHARS,
    DatabaseMatcher,
    open_default_matcher,
    open_matcher,
)
from shieldwall.analyzers.deps.osv.store import DatabaseError
from shieldwall.analyzers.deps.osv.update import update_database
from shieldwall.model import Component, Settings, Severity
from tests.analyzers.deps.osv.helpers import GROUNDTRUTH, MIRROR, NO_CORPUS, record, write_mirror

V3_HIGH = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"


def component(name: str, version: str, ecosystem: str = "PyPI") -> Component:
    return Component(ecosystem, name, version, "requirements.txt", 7)


@pytest.fixture(scope="module")
def pypi_matcher(tmp_path_factory: pytest.TempPathFactory) -> DatabaseMatcher:
    if not MIRROR.is_dir() or not GROUNDTRUTH.is_file():
        pytest.skip(NO_CORPUS)
    db = tmp_path_factory.mktemp("osv") / "osv.sqlite3"
    update_database(db, str(MIRROR), ecosystems=["PyPI"])
    matcher, warning = open_matcher(db)
    assert matcher is not None and warning == ""
    return matcher


def groundtruth_rows() -> list[dict[str, str]]:
    if not GROUNDTRUTH.is_file():
        return []
    with GROUNDTRUTH.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    "row",
    groundtruth_rows() or [pytest.param({}, marks=pytest.mark.skip(reason=NO_CORPUS))],
    ids=lambda r: f"{r.get('kind')}-{r.get('package')}-{r.get('version')}",
)
def test_groundtruth_pypi(pypi_matcher: DatabaseMatcher, row: dict[str, str]) -> None:
    comp = component(row["package"], row["version"])
    advisories = [a for _, a in pypi_matcher.match([comp])]
    reported = {a.id for a in advisories}
    expected = set(row["expected_ids"].split())
    withdrawn = set(row["withdrawn_ids_to_ignore"].split())
    if row["kind"] == "vulnerable":
        assert reported == expected  # exactly: none missing, none extra
    else:
        assert reported == set()  # fixed versions are clean
    every_id = {i for a in advisories for i in a.ids}
    assert not withdrawn & every_id
    for advisory in advisories:
        assert advisory.fixed_versions or row["package"] == "py"
        assert advisory.withdrawn is None


def test_groundtruth_advisory_details(pypi_matcher: DatabaseMatcher) -> None:
    (advisory,) = [a for _, a in pypi_matcher.match([component("Flask", "2.3.1")])]
    assert advisory.id == "PYSEC-2023-62"
    assert set(advisory.aliases) == {"CVE-2023-30861", "GHSA-m2qf-hxjv-5gpq"}
    assert advisory.upgrade_to == "2.3.2" and advisory.fixed_versions == ("2.3.2",)
    older = [a for _, a in pypi_matcher.match([component("flask", "2.2.0")])]
    assert [a.upgrade_to for a in older if a.id == "PYSEC-2023-62"] == ["2.2.5"]
    (py,) = [a for _, a in pypi_matcher.match([component("py", "1.11.0")])]
    assert py.upgrade_to is None and py.fixed_versions == ()


def test_unpinned_and_unknown_components_match_nothing(pypi_matcher: DatabaseMatcher) -> None:
    assert list(pypi_matcher.match([component("flask", "")])) == []
    assert list(pypi_matcher.match([component("no-such-package-here", "1.0")])) == []
    assert list(pypi_matcher.match([component("flask", "2.3.1", "npm")])) == []


def build(tmp_path: Path, records: dict[str, list[dict[str, object]]]) -> DatabaseMatcher:
    mirror = write_mirror(tmp_path / "mirror", records)
    db = tmp_path / "osv.sqlite3"
    update_database(db, str(mirror))
    matcher, _ = open_matcher(db)
    assert matcher is not None
    return matcher


def test_aliases_merged_into_one_advisory(tmp_path: Path) -> None:
    events = [{"introduced": "0"}, {"fixed": "2.0"}]
    matcher = build(
        tmp_path,
        {
            "PyPI": [
                record("PYSEC-2024-1", "Demo_Pkg", events, aliases=["CVE-2024-1"]),
                record(
                    "GHSA-aaaa-bbbb-cccc",
                    "demo-pkg",
                    [{"introduced": "0"}, {"fixed": "2.1"}],
                    aliases=["CVE-2024-1"],
                    severity=[{"type": "CVSS_V3", "score": V3_HIGH}],
                ),
                record("PYSEC-2024-2", "demo.pkg", events, summary="another flaw"),
            ]
        },
    )
    found = [a for _, a in matcher.match([component("DEMO-PKG", "1.0")])]
    assert [a.id for a in found] == ["GHSA-aaaa-bbbb-cccc", "PYSEC-2024-2"]
    merged = found[0]
    assert merged.aliases == ("CVE-2024-1", "PYSEC-2024-1")
    assert merged.severity is Severity.HIGH and merged.cvss_vector == V3_HIGH
    assert merged.fixed_versions == ("2.0", "2.1")
    assert merged.upgrade_to == "2.1"  # fixes both records
    assert found[1].summary == "another flaw" and found[1].severity is Severity.MEDIUM


def test_summary_from_details_is_cut_between_words(tmp_path: Path) -> None:
    sentence = "The parser accepts an unlimited number of multipart form parts. "
    details = sentence * 8 + "\n\nMore paragraphs."
    events = [{"introduced": "0"}, {"fixed": "2.0"}]
    matcher = build(tmp_path, {"PyPI": [record("PYSEC-2024-9", "demo", events, details=details)]})
    [(_, advisory)] = matcher.match([component("demo", "1.0")])
    summary = advisory.summary
    assert len(summary) <= SUMMARY_CHARS and summary.endswith("\u2026")
    words = sentence.split()
    kept = summary.removesuffix("\u2026").split()
    assert kept == (words * 8)[: len(kept)]  # every word whole
    assert advisory.details == details  # the full text stays in the advisory


def test_withdrawn_records_never_match(tmp_path: Path) -> None:
    matcher = build(
        tmp_path,
        {
            "PyPI": [
                record("PYSEC-1", "a", [{"introduced": "0"}], withdrawn="2024-02-02T00:00:00Z"),
                record("PYSEC-2", "a", [{"introduced": "0"}]),
            ]
        },
    )
    assert [a.id for _, a in matcher.match([component("a", "1.0")])] == ["PYSEC-2"]


def test_go_and_crates_versions(tmp_path: Path) -> None:
    matcher = build(
        tmp_path,
        {
            "Go": [
                record(
                    "GO-1",
                    "example.com/mod",
                    [{"introduced": "0"}, {"fixed": "1.2.0"}],
                    ecosystem="Go",
                )
            ],
            "crates.io": [
                record("RUSTSEC-1", "my-crate", [{"introduced": "0.3.0"}], ecosystem="crates.io")
            ],
        },
    )
    go = [a.id for _, a in matcher.match([component("example.com/mod", "v1.1.9", "Go")])]
    assert go == ["GO-1"]
    assert list(matcher.match([component("example.com/mod", "v1.2.0", "Go")])) == []
    crates = [a.id for _, a in matcher.match([component("my_crate", "0.3.1", "crates.io")])]
    assert crates == ["RUSTSEC-1"]


def test_default_location(tmp_path: Path) -> None:
    assert default_database_path({"SHIELDWALL_DB": str(tmp_path / "x.db")}) == tmp_path / "x.db"
    xdg = default_database_path({"XDG_CACHE_HOME": str(tmp_path)})
    assert xdg == tmp_path / "shieldwall" / "osv.sqlite3"
    assert default_database_path({"XDG_CACHE_HOME": "relative"}).parts[-3:] == (
        ".cache",
        "shieldwall",
        "osv.sqlite3",
    )


def test_open_default_matcher_without_database(tmp_path: Path) -> None:
    env = {"SHIELDWALL_DB": str(tmp_path / "absent.sqlite3")}
    with pytest.raises(DatabaseError, match=r"no vulnerability database at .*absent") as err:
        open_default_matcher(Settings(), env)
    assert "shieldwall db update" in err.value.hint and "--offline" in err.value.hint
    assert "require_db: false" in err.value.hint
    optional = Settings(require_db=False)
    assert open_default_matcher(optional, env) == (None, NO_DATABASE)
    (tmp_path / "junk.sqlite3").write_bytes(b"junk" * 100)
    junk = {"SHIELDWALL_DB": str(tmp_path / "junk.sqlite3")}
    with pytest.raises(DatabaseError, match=r"junk\.sqlite3 is unusable: not an SQLite") as err:
        open_default_matcher(Settings(), junk)
    assert "shieldwall db update" in err.value.hint


def test_stale_database_warns(tmp_path: Path) -> None:
    mirror = write_mirror(tmp_path / "m", {"PyPI": [record("PYSEC-1", "a", [])]})
    db = tmp_path / "osv.sqlite3"
    update_database(db, str(mirror), now=datetime.now(UTC) - timedelta(days=10))
    env = {"SHIELDWALL_DB": str(db)}
    matcher, warning = open_default_matcher(Settings(require_db=False), env)
    assert matcher is not None
    assert "10 days old" in warning and "shieldwall db update" in warning
    # Within a raised maximum age: used, no warning.
    assert open_default_matcher(Settings(max_db_age_days=11), env)[1] == ""
    update_database(db, str(mirror))
    assert open_default_matcher(Settings(), env)[1] == ""


def test_stale_database_stops_a_scan_that_requires_it(tmp_path: Path) -> None:
    mirror = write_mirror(tmp_path / "m", {"PyPI": [record("PYSEC-1", "a", [])]})
    db = tmp_path / "osv.sqlite3"
    update_database(db, str(mirror), now=datetime.now(UTC) - timedelta(days=10))
    env = {"SHIELDWALL_DB": str(db)}
    with pytest.raises(DatabaseError, match=r"10 days old .*over the maximum of 7d") as err:
        open_default_matcher(Settings(), env)
    assert "shieldwall db update" in err.value.hint and "--max-db-age" in err.value.hint
    with pytest.raises(DatabaseError, match=r"over the maximum of 9d"):
        open_default_matcher(Settings(max_db_age_days=9), env)
    # Hours: the day count of a database a day and a half old says hours.
    update_database(db, str(mirror), now=datetime.now(UTC) - timedelta(hours=36))
    with pytest.raises(DatabaseError, match=r"36 hours old .*over the maximum of 1d"):
        open_default_matcher(Settings(max_db_age_days=1), env)
