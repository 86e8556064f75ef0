"""The install manifests are hardened, fail closed, and pass `shieldwall scan`."""

from __future__ import annotations

import base64
from pathlib import Path

import yaml
from cryptography import x509

from shieldwall.admission.manifests import install_manifests
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.model import Severity


def _objects(text: str) -> dict[str, dict]:
    return {o["kind"]: o for o in yaml.safe_load_all(text)}


def test_manifests_have_no_high_finding_in_scan(tmp_path: Path) -> None:
    (tmp_path / "install.yaml").write_text(install_manifests("shieldwall", "img:1"))
    scan = run_scan(tmp_path, ScanOptions(analyzers="config,secrets", fail_on="high"))
    high = [f.rule.id for f in scan.result.findings if f.rule.severity.rank >= Severity.HIGH.rank]
    assert high == []
    assert not scan.result.gate.failed


def test_webhook_configuration_fails_closed_and_exempts_its_namespace() -> None:
    objects = _objects(install_manifests("guard", "img:1"))
    hook = objects["ValidatingWebhookConfiguration"]["webhooks"][0]
    assert hook["failurePolicy"] == "Fail"
    assert hook["sideEffects"] == "None"
    assert 1 <= hook["timeoutSeconds"] <= 10
    exempt = hook["namespaceSelector"]["matchExpressions"][0]
    assert exempt["operator"] == "NotIn"
    assert set(exempt["values"]) == {"guard", "kube-system"}
    meta = objects["ValidatingWebhookConfiguration"]["metadata"]
    assert meta["annotations"]["cert-manager.io/inject-ca-from"] == "guard/shieldwall-admission"
    deployment = objects["Deployment"]
    assert deployment["spec"]["replicas"] == 2
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["runAsNonRoot"] is True
    assert objects["PodDisruptionBudget"]["spec"]["minAvailable"] == 1
    verbs = {v for rule in objects["ClusterRole"]["rules"] for v in rule["verbs"]}
    assert verbs == {"get", "list", "watch"}
    resources = {r for rule in objects["ClusterRole"]["rules"] for r in rule["resources"]}
    assert "secrets" not in resources


def test_generated_ca_signs_the_serving_certificate(tmp_path: Path) -> None:
    text = install_manifests("guard", "img:1", tmp_path / "tls")
    assert "PRIVATE KEY" not in text
    hook = _objects(text)["ValidatingWebhookConfiguration"]["webhooks"][0]
    ca = x509.load_pem_x509_certificate(base64.b64decode(hook["clientConfig"]["caBundle"]))
    served = x509.load_pem_x509_certificate((tmp_path / "tls" / "tls.crt").read_bytes())
    served.verify_directly_issued_by(ca)
    names = served.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "shieldwall-admission.guard.svc" in names.get_values_for_type(x509.DNSName)
