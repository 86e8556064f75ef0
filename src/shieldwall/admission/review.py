"""AdmissionReview (admission.k8s.io/v1): read a request, refusing what is not
one, and write the response. A request that cannot be read is an
AdmissionError with a 4xx status: the API server then applies the webhook's
failurePolicy (Fail), so nothing is ever allowed by accident."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from shieldwall.errors import AdmissionError

API_VERSION = "admission.k8s.io/v1"
# The API server refuses objects over 3 MiB (etcd's request limit); so do we.
MAX_OBJECT_BYTES = 3 * 1024 * 1024
OPERATIONS = ("CREATE", "UPDATE", "DELETE", "CONNECT")


@dataclass(frozen=True, slots=True)
class ReviewRequest:
    uid: str
    kind: str
    namespace: str
    name: str
    operation: str
    obj: Mapping[str, Any] | None
    old: Mapping[str, Any] | None
    dry_run: bool
    user: str

    @property
    def resource(self) -> str:
        return (
            f"{self.kind}/{self.namespace}/{self.name}"
            if self.namespace
            else (f"{self.kind}/{self.name}")
        )


def _bad(message: str, status: int = 400) -> AdmissionError:
    return AdmissionError(message, "send an admission.k8s.io/v1 AdmissionReview", status)


def parse_review(body: bytes) -> ReviewRequest:
    """The request of an AdmissionReview body, or AdmissionError (400/413/422)."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise _bad(f"body is not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise _bad("body is not a JSON object")
    if doc.get("kind") != "AdmissionReview":
        raise _bad(f"kind is {doc.get('kind')!r}, not AdmissionReview")
    if doc.get("apiVersion") != API_VERSION:
        raise _bad(
            f"apiVersion {doc.get('apiVersion')!r} is not supported: this webhook speaks "
            f"{API_VERSION} (set admissionReviewVersions: [v1])"
        )
    request = doc.get("request")
    if not isinstance(request, dict):
        raise _bad("AdmissionReview has no request object")
    uid = request.get("uid")
    if not isinstance(uid, str) or not uid:
        raise _bad("request.uid is missing")
    operation = request.get("operation")
    if operation not in OPERATIONS:
        raise _bad(f"request.operation {operation!r} is not one of {', '.join(OPERATIONS)}")
    obj, old = request.get("object"), request.get("oldObject")
    for what, value in (("object", obj), ("oldObject", old)):
        if value is not None and not isinstance(value, dict):
            raise _bad(f"request.{what} is not an object")
    if obj is None and operation in ("CREATE", "UPDATE"):
        raise _bad(f"request.object is missing for {operation}")
    if len(body) > MAX_OBJECT_BYTES and obj is not None:
        size = len(orjson.dumps(obj))
        if size > MAX_OBJECT_BYTES:
            raise AdmissionError(
                f"object is {size} bytes, over the API server's {MAX_OBJECT_BYTES} byte limit",
                "split the object; the API server itself would refuse it",
                413,
            )
    kind = request.get("kind")
    kind_name = kind.get("kind") if isinstance(kind, dict) else None
    meta = (obj or old or {}).get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    user = request.get("userInfo")
    return ReviewRequest(
        uid=uid,
        kind=str(kind_name or (obj or old or {}).get("kind") or ""),
        namespace=str(request.get("namespace") or meta.get("namespace") or ""),
        name=str(request.get("name") or meta.get("name") or meta.get("generateName") or ""),
        operation=str(operation),
        obj=obj,
        old=old,
        dry_run=request.get("dryRun") is True,
        user=str(user.get("username", "")) if isinstance(user, dict) else "",
    )


def response(
    uid: str,
    allowed: bool,
    message: str = "",
    warnings: Sequence[str] = (),
    patch: Sequence[Mapping[str, Any]] = (),
    annotations: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The AdmissionReview answering request `uid`."""
    out: dict[str, Any] = {"uid": uid, "allowed": allowed}
    if not allowed:
        out["status"] = {"code": 403, "reason": "Forbidden", "message": message}
    elif message:
        out["status"] = {"code": 200, "message": message}
    if warnings:
        out["warnings"] = list(warnings)
    if patch:
        out["patchType"] = "JSONPatch"
        out["patch"] = base64.b64encode(orjson.dumps(list(patch))).decode("ascii")
    if annotations:
        out["auditAnnotations"] = dict(annotations)
    return {"apiVersion": API_VERSION, "kind": "AdmissionReview", "response": out}
