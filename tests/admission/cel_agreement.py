"""Evaluate compiled ValidatingAdmissionPolicy expressions with a CEL
implementation (`common-expression-language`, or `cel-python`) on each rule's
fixtures, and compare with the analyzer's verdict on the same objects."""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from shieldwall.admission.vap import VARIABLES, WORKLOAD_KINDS, CompiledRule
from shieldwall.engine.object_check import to_k8s_object
from tests.conftest import config_findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"

Evaluate = Callable[[str, Mapping[str, Any]], Any]


def rust_cel() -> Evaluate:
    import cel

    return lambda expr, ctx: cel.evaluate(expr, dict(ctx))


def python_cel() -> Evaluate:
    import celpy
    from celpy import celtypes

    env = celpy.Environment()
    cache: dict[str, Any] = {}

    def to_cel(value: Any) -> Any:
        """JSON to CEL values; celpy's own json_to_cel makes booleans integers."""
        if type(value).__module__ == celtypes.__name__:
            return value  # a variable computed before
        if isinstance(value, bool):
            return celtypes.BoolType(value)
        if isinstance(value, dict):
            return celtypes.MapType({celtypes.StringType(k): to_cel(v) for k, v in value.items()})
        if isinstance(value, list):
            return celtypes.ListType([to_cel(v) for v in value])
        return celpy.json_to_cel(value)

    def run(expr: str, ctx: Mapping[str, Any]) -> Any:
        program = cache.get(expr)
        if program is None:
            program = cache[expr] = env.program(env.compile(expr))
        return program.evaluate({k: to_cel(v) for k, v in ctx.items()})

    return run


def passes(evaluate: Evaluate, expression: str, obj: Mapping[str, Any]) -> bool:
    variables: dict[str, Any] = {}
    for name, expr in VARIABLES:
        variables[name] = evaluate(expr, {"object": obj, "variables": variables})
        if hasattr(variables[name], "__iter__") and not isinstance(variables[name], (str, dict)):
            variables[name] = list(variables[name])
    return bool(evaluate(expression, {"object": obj, "variables": variables}))


@functools.cache
def _failing(path: Path) -> frozenset[tuple[str, str]]:
    """(rule, resource) of what the analyzer finds in the file scanned alone."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(path, Path(tmp) / path.name)
        return frozenset((f.rule.id, f.resource) for f in config_findings(Path(tmp)))


@functools.cache
def _objects(path: Path) -> tuple[tuple[dict[str, Any], str], ...]:
    out = []
    for obj in yaml.safe_load_all(path.read_text()):
        if not isinstance(obj, dict) or obj.get("kind") not in WORKLOAD_KINDS:
            continue
        converted = to_k8s_object(obj, path.name, {})
        if converted is not None:
            out.append((obj, converted.id))
    return tuple(out)


@dataclass
class Agreement:
    rule: str
    objects: int = 0
    agreed: int = 0
    disagreements: list[str] = field(default_factory=list)


def _fixture_files(rule_id: str | None) -> list[Path]:
    """The rule's Kubernetes fixtures; with None, every rule's."""
    folders = [FIXTURES / rule_id] if rule_id else sorted(FIXTURES.iterdir())
    return sorted(
        p
        for folder in folders
        for p in folder.iterdir()
        if p.suffix in (".yaml", ".yml")
        and "compose" not in p.name
        and p.name.startswith(("pass", "fail"))
    )


def agreement(compiled: CompiledRule, evaluate: Evaluate, everywhere: bool = False) -> Agreement:
    """On the rule's own fixtures, or (`everywhere`) on every rule's."""
    rule_id = compiled.rule.id
    out = Agreement(rule_id)
    for path in _fixture_files(None if everywhere else rule_id):
        failing = {resource for rule, resource in _failing(path) if rule == rule_id}
        for obj, resource in _objects(path):
            analyzer_fails = resource in failing
            try:
                cel_fails = not passes(evaluate, compiled.expression, obj)
            except Exception as exc:  # an expression error counts as a disagreement
                out.objects += 1
                out.disagreements.append(f"{path.name} {resource}: {exc}")
                continue
            out.objects += 1
            if cel_fails == analyzer_fails:
                out.agreed += 1
            else:
                out.disagreements.append(
                    f"{path.name} {resource}: analyzer {'fails' if analyzer_fails else 'passes'}"
                )
    return out
