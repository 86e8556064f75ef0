"""`shieldwall schema`: the JSON Schemas of the JSON contracts ship with the package."""

from __future__ import annotations

import copy
import json

import pytest

from shieldwall.formats import json_report
from shieldwall.formats.base import ReportContext
from tests.cli.test_cli import sw
from tests.formats.conftest import make_result
from tests.reports import check, validator


@pytest.mark.parametrize(("name", "schema"), [("report", "report/v1"), ("map", "map/v1")])
def test_schema_command_prints_the_shipped_schema(name: str, schema: str) -> None:
    out = sw("schema", name)
    assert out.returncode == 0, out.stderr
    printed = json.loads(out.stdout)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert printed["properties"]["schema"] == {"const": f"shieldwall/{schema}"}
    assert printed == validator(name).schema
    assert sw("schema", "nope").returncode == 2


def _report() -> dict:
    report: dict = json.loads(json_report.render(make_result(), ReportContext()))
    return report


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: r.pop("gate"), "'gate' is a required property"),
        (lambda r: r["gate"].update(fail_on="severe"), "gate/fail_on"),
        (lambda r: r["gate"]["counts"].update(high=0), "gate/counts/high"),
        (lambda r: r["findings"][0].update(severity="HIGH"), "findings/0/severity"),
        (lambda r: r["findings"][0]["location"].update(start_line=-1), "location/start_line"),
        (lambda r: r["repository_config"].update(require_db="no"), "repository_config/require_db"),
        (lambda r: r.update(schema="shieldwall/report/v2"), "schema"),
    ],
)
def test_the_report_schema_rejects_what_breaks_the_contract(change, where: str) -> None:
    report = _report()
    check("report", copy.deepcopy(report))
    change(report)
    with pytest.raises(AssertionError, match="report schema") as err:
        check("report", report)
    assert where in str(err.value)


def test_readers_of_v1_accept_keys_added_later() -> None:
    report = _report()
    report["added_within_v1"] = {"anything": True}
    report["findings"][0]["new_field"] = 1
    assert check("report", report) is report
