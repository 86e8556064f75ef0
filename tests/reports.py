"""Every JSON report a test reads is checked against the JSON Schema the package
ships (`shieldwall schema report`, `shieldwall schema map`)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from shieldwall.cli.schema import schema_text


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads(schema_text(name))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def check(name: str, document: Any) -> dict[str, Any]:
    """`document` when it is valid against schema `name`; AssertionError saying where not."""
    error = best_match(validator(name).iter_errors(document))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise AssertionError(f"{name} schema: {where}: {error.message}")
    assert isinstance(document, dict)
    return document


def load_report(text: str) -> dict[str, Any]:
    """A `scan --format json` report, parsed and validated."""
    return check("report", json.loads(text))


def load_map(text: str) -> dict[str, Any]:
    """A `map --format json` document, parsed and validated."""
    return check("map", json.loads(text))
