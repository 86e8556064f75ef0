"""The webhook's decisions, apart from HTTP: an AdmissionReview body in, the
AdmissionReview answer out. Validation judges the object with the same rules,
exceptions and fail_on as `scan`; the namespace's mode decides what a failing
gate does; mutation patches secure defaults where the namespace opted in."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from shieldwall.admission.jsonlog import JsonLog
from shieldwall.admission.metrics import Metrics
from shieldwall.admission.modes import NamespaceModes
from shieldwall.admission.mutate import secure_defaults
from shieldwall.admission.review import ReviewRequest, parse_review, response
from shieldwall.engine.object_check import ObjectCheck, ObjectVerdict
from shieldwall.model import Finding

# Kinds no rule reads: never judged, so their content is never even parsed into findings.
UNJUDGED_KINDS = frozenset({"Secret"})
MAX_MESSAGE = 4000
MAX_WARNINGS = 20
SOURCE = "admission"


class ClusterContext(Protocol):
    """The objects of a namespace and the cluster-scoped ones, or None until synced."""

    def objects(self, namespace: str) -> Sequence[Mapping[str, Any]] | None: ...


@dataclass
class Webhook:
    check: ObjectCheck
    modes: NamespaceModes = field(default_factory=NamespaceModes)
    cluster: ClusterContext | None = None
    log: JsonLog = field(default_factory=JsonLog)
    metrics: Metrics = field(default_factory=Metrics)

    def validate(self, body: bytes) -> dict[str, Any]:
        started = time.perf_counter()
        request = parse_review(body)
        answer, verdict_label = self._validate(request)
        self._observe("validate", verdict_label, started)
        return answer

    def mutate(self, body: bytes) -> dict[str, Any]:
        started = time.perf_counter()
        request = parse_review(body)
        patch: list[dict[str, Any]] = []
        if (
            request.operation in ("CREATE", "UPDATE")
            and request.obj is not None
            and self.modes.mutates(request.namespace)
        ):
            patch = secure_defaults(request.obj)
        self.log(
            "mutate",
            uid=request.uid,
            resource=request.resource,
            operation=request.operation,
            dry_run=request.dry_run,
            patched=[p["path"] for p in patch],
        )
        self._observe("mutate", "patched" if patch else "unchanged", started)
        return response(request.uid, True, patch=patch)

    def _observe(self, endpoint: str, verdict: str, started: float) -> None:
        self.metrics.reviews.labels(endpoint, verdict).inc()
        self.metrics.latency.labels(endpoint).observe(time.perf_counter() - started)

    def _validate(self, request: ReviewRequest) -> tuple[dict[str, Any], str]:
        if request.obj is None or request.kind in UNJUDGED_KINDS:
            self._log(request, "allowed", "", ())
            return response(request.uid, True), "allowed"
        context = self.cluster.objects(request.namespace) if self.cluster is not None else None
        judged = self.check.judge(request.obj, source=SOURCE, context=context)
        old_prints = self._old_fingerprints(request)
        blocking = [f for f in judged.active if _at_or_above(f, judged)]
        below = [f for f in judged.active if f not in blocking]
        scope = "cluster" if judged.with_context else "object-local"
        notes = [] if judged.with_context else [_local_note(self.check)]
        annotations = {"shieldwall.io/rules": scope}
        mode = self.modes.mode(request.namespace)
        lines = [_line(f, judged, f.fingerprint in old_prints) for f in blocking]
        warnings = [f"{line}" for line in (_line(f, judged, False) for f in below)]
        if not blocking:
            self._log(request, "allowed", mode, (), scope)
            return (
                response(
                    request.uid, True, warnings=_cap(notes + warnings), annotations=annotations
                ),
                "allowed",
            )
        ids = sorted({f.rule.id for f in blocking})
        if mode == "enforce":
            message = _cap_text(
                f"shieldwall denied {request.resource} ({len(blocking)} finding(s) at or above "
                f"{_threshold(judged)}): " + " | ".join(lines)
            )
            self._log(request, "denied", mode, ids, scope)
            return (
                response(
                    request.uid, False, message, _cap(notes + warnings), annotations=annotations
                ),
                "denied",
            )
        if mode == "warn":
            self._log(request, "warned", mode, ids, scope)
            return (
                response(
                    request.uid,
                    True,
                    warnings=_cap(notes + lines + warnings),
                    annotations=annotations,
                ),
                "warned",
            )
        if not request.dry_run:  # audit: a log line is the side effect, none on dry runs
            self.log(
                "audit",
                uid=request.uid,
                resource=request.resource,
                rules=ids,
                findings=[_brief(f, judged) for f in blocking],
            )
        self._log(request, "audited", mode, ids, scope)
        return response(request.uid, True, annotations=annotations), "audited"

    def _old_fingerprints(self, request: ReviewRequest) -> set[str]:
        """On UPDATE, the findings the old object already had (named in the message)."""
        if request.operation != "UPDATE" or request.old is None:
            return set()
        return {f.fingerprint for f in self.check.judge(request.old, source=SOURCE).active}

    def _log(
        self,
        request: ReviewRequest,
        verdict: str,
        mode: str,
        rules: Sequence[str],
        scope: str = "",
    ) -> None:
        self.log(
            "validate",
            uid=request.uid,
            resource=request.resource,
            operation=request.operation,
            user=request.user,
            dry_run=request.dry_run,
            mode=mode,
            verdict=verdict,
            rules=list(rules),
            rules_applied=scope,
        )


def _at_or_above(f: Finding, judged: ObjectVerdict) -> bool:
    fail_on = judged.gate.fail_on
    return fail_on is not None and f.rule.severity.rank >= fail_on.rank


def _threshold(judged: ObjectVerdict) -> str:
    return judged.gate.fail_on.value if judged.gate.fail_on is not None else "none"


def _line(f: Finding, judged: ObjectVerdict, in_old: bool) -> str:
    where = judged.field_of(f)
    old = " (already in the old object)" if in_old else ""
    return (
        f"{f.rule.id} ({f.rule.severity.value}) at {where or 'the object'}{old}: "
        f"{f.message}; fix: {f.rule.remediation}"
    )


def _brief(f: Finding, judged: ObjectVerdict) -> dict[str, str]:
    return {"rule": f.rule.id, "severity": f.rule.severity.value, "field": judged.field_of(f)}


def _local_note(check: ObjectCheck) -> str:
    return (
        f"shieldwall: no cluster snapshot, only the {len(check.rules())} object-local rules "
        "applied (cross-resource rules need the in-cluster snapshot)"
    )


def _cap(items: list[str]) -> list[str]:
    kept = [_cap_text(i, 1000) for i in items[:MAX_WARNINGS]]
    if len(items) > MAX_WARNINGS:
        kept.append(f"... and {len(items) - MAX_WARNINGS} more")
    return kept


def _cap_text(text: str, limit: int = MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
