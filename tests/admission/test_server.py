"""The webhook through its real HTTPS endpoint: verdicts, modes, dry runs,
updates, mutation, health and metrics, TLS reload, and failures that never allow."""

from __future__ import annotations

import base64
import json
import socket
import ssl
import time
from pathlib import Path
from typing import Any

import orjson
import pytest

from shieldwall.admission.certs import make_ca, make_serving_cert
from shieldwall.admission.review import MAX_OBJECT_BYTES
from tests.admission.https import get, post, review, serving


def _deployment(name: str = "web", namespace: str = "shop", **security: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"name": "app", "image": "nginx:1.27", "securityContext": security}
                    ]
                }
            }
        },
    }


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = body["response"]
    return response


def test_privileged_deployment_is_denied_with_rule_field_and_fix(tmp_path: Path) -> None:
    with serving(tmp_path) as (server, client, logs):
        status, body = post(
            server, client, "/validate", orjson.dumps(review(_deployment(privileged=True)))
        )
    answer = _answer(body)
    assert status == 200
    assert answer["allowed"] is False
    message = answer["status"]["message"]
    assert "K8S-PRIVILEGED" in message
    assert "spec.template.spec.containers[0].securityContext.privileged" in message
    assert "fix:" in message
    assert any("object-local" in w for w in answer.get("warnings", []))
    assert '"verdict":"denied"' in logs.getvalue()


def test_clean_deployment_is_allowed_and_lower_findings_are_warnings(tmp_path: Path) -> None:
    with serving(tmp_path) as (server, client, _):
        _, body = post(server, client, "/validate", orjson.dumps(review(_deployment())))
    answer = _answer(body)
    assert answer["allowed"] is True
    assert any("K8S-RUN-AS-ROOT" in w for w in answer["warnings"])


def test_warn_and_audit_modes_allow_but_say_so(tmp_path: Path) -> None:
    bad = _deployment(privileged=True)
    with serving(tmp_path, modes=("shop=warn", "ops-*=audit")) as (server, client, logs):
        _, warned = post(server, client, "/validate", orjson.dumps(review(bad)))
        audited_obj = _deployment(namespace="ops-1", privileged=True)
        _, audited = post(server, client, "/validate", orjson.dumps(review(audited_obj)))
        _, dry = post(server, client, "/validate", orjson.dumps(review(audited_obj, dry_run=True)))
    assert _answer(warned)["allowed"] is True
    assert any("K8S-PRIVILEGED" in w for w in _answer(warned)["warnings"])
    assert _answer(audited)["allowed"] is True
    assert _answer(dry)["allowed"] is True
    audit_lines = [line for line in logs.getvalue().splitlines() if '"event":"audit"' in line]
    assert len(audit_lines) == 1  # the dry run wrote none
    assert "K8S-PRIVILEGED" in audit_lines[0]


def test_update_names_findings_the_old_object_already_had(tmp_path: Path) -> None:
    old = _deployment(privileged=True)
    new = _deployment(privileged=True, allowPrivilegeEscalation=True)
    with serving(tmp_path) as (server, client, _):
        _, body = post(server, client, "/validate", orjson.dumps(review(new, "UPDATE", old)))
    message = _answer(body)["status"]["message"]
    assert (
        "K8S-PRIVILEGED (high) at spec.template.spec.containers[0].securityContext.privileged"
        " (already in the old object)" in message
    )


def test_delete_is_allowed_and_secrets_are_never_judged_nor_logged(tmp_path: Path) -> None:
    value = "hunter" + "-" + "x" * 12
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop"},
        "stringData": {"password": value},
    }
    with serving(tmp_path) as (server, client, logs):
        _, created = post(server, client, "/validate", orjson.dumps(review(secret)))
        _, deleted = post(
            server, client, "/validate", orjson.dumps(review(None, "DELETE", _deployment()))
        )
    assert _answer(created)["allowed"] is True
    assert _answer(deleted)["allowed"] is True
    assert value not in logs.getvalue()


def test_mutation_sets_only_unset_defaults_in_opted_in_namespaces(tmp_path: Path) -> None:
    obj = _deployment(runAsUser=1000)
    obj["spec"]["template"]["spec"]["automountServiceAccountToken"] = True
    with serving(tmp_path, mutate=("shop",)) as (server, client, _):
        _, body = post(server, client, "/mutate", orjson.dumps(review(obj)))
        _, other = post(server, client, "/mutate", orjson.dumps(review(_deployment(namespace="x"))))
    patch = orjson.loads(base64.b64decode(_answer(body)["patch"]))
    paths = {p["path"]: p["value"] for p in patch}
    base = "/spec/template/spec"
    assert paths[f"{base}/containers/0/securityContext/allowPrivilegeEscalation"] is False
    assert paths[f"{base}/containers/0/securityContext/capabilities"] == {"drop": ["ALL"]}
    assert paths[f"{base}/securityContext"] == {"seccompProfile": {"type": "RuntimeDefault"}}
    assert f"{base}/automountServiceAccountToken" not in paths  # explicit: kept
    assert not any(p.endswith("runAsNonRoot") for p in paths)  # runAsUser given: kept
    assert "patch" not in _answer(other)


def test_health_readiness_and_metrics(tmp_path: Path) -> None:
    with serving(tmp_path) as (server, client, _):
        post(server, client, "/validate", orjson.dumps(review(_deployment(privileged=True))))
        post(server, client, "/validate", b"{")
        assert get(server, client, "/healthz")[0] == 200
        assert get(server, client, "/readyz")[0] == 200
        status, metrics = get(server, client, "/metrics")
    assert status == 200
    text = metrics.decode()
    assert 'shieldwall_admission_reviews_total{endpoint="validate",verdict="denied"} 1.0' in text
    assert "shieldwall_admission_review_seconds_bucket" in text
    assert 'shieldwall_admission_rejected_requests_total{status="400"} 1.0' in text


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"not json", 400, "not JSON"),
        (b"[]", 400, "not a JSON object"),
        (
            orjson.dumps({**review(_deployment()), "apiVersion": "admission.k8s.io/v1beta1"}),
            400,
            "v1beta1",
        ),
        (
            orjson.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}),
            400,
            "no request",
        ),
        (orjson.dumps(review(None, "CREATE")), 400, "object is missing"),
    ],
)
def test_malformed_reviews_get_a_4xx_never_an_allow(
    tmp_path: Path, body: bytes, status: int, says: str
) -> None:
    with serving(tmp_path) as (server, client, _):
        got, answer = post(server, client, "/validate", body)
    assert got == status
    assert answer["allowed"] is False
    assert says in answer["error"]


def test_object_over_the_api_server_limit_is_refused(tmp_path: Path) -> None:
    huge = _deployment()
    huge["metadata"]["annotations"] = {"blob": "x" * (MAX_OBJECT_BYTES + 10)}
    with serving(tmp_path) as (server, client, _):
        got, answer = post(server, client, "/validate", orjson.dumps(review(huge)))
    assert got == 413
    assert "3145728 byte limit" in answer["error"]


def test_slow_client_gets_408(tmp_path: Path) -> None:
    with serving(tmp_path, timeout=0.5) as (server, client, _):
        raw = socket.create_connection(("127.0.0.1", server.port))
        tls = client.wrap_socket(raw, server_hostname="localhost")
        tls.sendall(
            b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        tls.settimeout(5)
        reply = b""
        while chunk := tls.recv(4096):
            reply += chunk
        tls.close()
    assert reply.startswith(b"HTTP/1.1 408")
    assert b'"allowed":false' in reply


def test_certificate_is_reloaded_without_restart(tmp_path: Path) -> None:
    with serving(tmp_path) as (server, _client, _):
        first = _peer_serial(server.port, tmp_path / "ca.crt")
        ca = make_ca()
        (tmp_path / "new-ca.crt").write_bytes(ca.cert_pem)
        pair = make_serving_cert(ca, ["localhost"])
        time.sleep(0.01)
        server.certs.cert.write_bytes(pair.cert_pem)
        server.certs.key.write_bytes(pair.key_pem)
        assert server.certs.reload()
        second = _peer_serial(server.port, tmp_path / "new-ca.crt")
    assert first != second


def _peer_serial(port: int, ca: Path) -> bytes:
    """The certificate the server presents, verified against `ca`."""
    ctx = ssl.create_default_context(cafile=str(ca))
    with (
        socket.create_connection(("127.0.0.1", port)) as raw,
        ctx.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return der


def test_mutation_never_adds_what_the_api_server_would_refuse() -> None:
    from shieldwall.admission.mutate import secure_defaults

    obj = _deployment(privileged=True, runAsNonRoot=False)
    paths = {p["path"] for p in secure_defaults(obj)}
    assert not any(p.endswith("allowPrivilegeEscalation") for p in paths)
    assert not any(p.endswith("runAsNonRoot") for p in paths)
    assert "/spec/template/spec/containers/0/securityContext/capabilities" in paths
    assert secure_defaults({"kind": "ConfigMap", "data": {}}) == []


def test_deeply_nested_object_is_refused_not_allowed(tmp_path: Path) -> None:
    # Written by hand: JSON encoders refuse this depth themselves.
    nested = '{"x":' * 1000 + "{}" + "}" * 1000
    template = json.dumps(review(_deployment()))
    body = template.replace('"namespace": "shop"}', f'"namespace": "shop", "deep": {nested}}}', 1)
    assert body != template
    with serving(tmp_path) as (server, client, _):
        status, answer = post(server, client, "/validate", body.encode())
    assert 400 <= status < 500
    assert answer["allowed"] is False
