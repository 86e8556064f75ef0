"""A hand-built ScanResult that every format test renders."""

from __future__ import annotations

import pytest

from shieldwall.model import (
    Control,
    Finding,
    Location,
    Rule,
    ScanResult,
    Scorecard,
    Severity,
    Skipped,
)

PRIVILEGED = Rule(
    id="K8S-PRIVILEGED",
    analyzer="config",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.CRITICAL,
    title="Container runs privileged",
    description="A privileged container has every capability of the host.",
    remediation="Set securityContext.privileged: false.",
    applies_to=("workload",),
    cwe=("CWE-250",),
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
    ),
)
RUN_AS_ROOT = Rule(
    id="K8S-RUN-AS-ROOT",
    analyzer="config",
    control=Control.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    title="Container may run as root",
    description="Without runAsNonRoot the image decides the user.",
    remediation="Set securityContext.runAsNonRoot: true.",
    applies_to=("workload",),
)  # no CWE, no reference
HOST_NETWORK = Rule(
    id="K8S-HOST-NETWORK",
    analyzer="config",
    control=Control.ISOLATION,
    severity=Severity.HIGH,
    title="Pod shares the host network",
    description="hostNetwork exposes the node's interfaces to the pod.",
    remediation="Remove hostNetwork: true.",
    cwe=("CWE-653",),
    references=("https://kubernetes.io/docs/concepts/security/pod-security-standards/",),
)
INGRESS_TLS = Rule(
    id="K8S-INGRESS-NO-TLS",
    analyzer="config",
    control=Control.ENCRYPTION,
    severity=Severity.LOW,
    title="Ingress without TLS",
    description="Traffic reaches the Ingress in clear text.",
    remediation="Add a tls: section.",
    cwe=("CWE-319",),
)
TOKEN = Rule(
    id="SECRET-GITHUB-TOKEN",
    analyzer="secrets",
    control=Control.SECRETS,
    severity=Severity.HIGH,
    title="GitHub token",
    description="A token in the repository is readable by everyone who can clone it.",
    remediation="Revoke the token and read it from the environment.",
    cwe=("CWE-798",),
)
UNUSED = Rule(
    id="K8S-UNUSED",
    analyzer="config",
    control=Control.ISOLATION,
    severity=Severity.INFO,
    title="A rule with no finding",
    description="Never fires in this sample.",
    remediation="Nothing.",
)

UNICODE_MESSAGE = "container « café ☕ » runs as root — 日本語"
ODD_RESOURCE = "Pod/odd/a<&>b"
ODD_PATH = "k8s/odd <dir>/pod#1.yaml"

PAYMENTS_PRIVILEGED = Finding(
    PRIVILEGED,
    "container web is privileged",
    Location.at("k8s/pay.yaml", 19),
    "Deployment/shop/payments",
    key="containers[web]",
)
PAYMENTS_ROOT = Finding(
    RUN_AS_ROOT,
    "container web may run as root",
    Location.at("k8s/pay.yaml", 12),
    "Deployment/shop/payments",
    key="containers[web]",
)
WEB_ROOT = Finding(
    RUN_AS_ROOT,
    UNICODE_MESSAGE,
    Location("k8s/web.yaml", 5, 7),
    "Deployment/shop/web",
    key="containers[web]",
)
ODD_HOST_NETWORK = Finding(
    HOST_NETWORK,
    "pod a<&>b uses hostNetwork: true",
    Location.at(ODD_PATH, 7),
    ODD_RESOURCE,
)
FRONT_TLS = Finding(
    INGRESS_TLS,
    "Ingress front has no tls section",
    Location.at("k8s/ingress.yaml", 3),
    "Ingress/shop/front",
)
TOKEN_INLINE = Finding(
    TOKEN,
    "token ghp_****...a1b2 in settings",
    Location.at("app/settings.py", 3),
    "app/settings.py",
    key="sha256:abcd",
).suppress("inline", "test fixture token")
LEGACY_BASELINE = Finding(
    HOST_NETWORK,
    "pod legacy uses hostNetwork: true",
    Location.at("k8s/legacy.yaml", 9),
    "Pod/shop/legacy",
).suppress("baseline", "")
ADMIN_EXCEPTION = Finding(
    RUN_AS_ROOT,
    "container admin may run as root",
    Location.at("k8s/admin.yaml", 14),
    "Deployment/shop/admin",
    key="containers[admin]",
).suppress("exception", "accepted until 2026-01-01 by security team")

ACTIVE = (PAYMENTS_PRIVILEGED, PAYMENTS_ROOT, WEB_ROOT, ODD_HOST_NETWORK, FRONT_TLS)
SUPPRESSED = (TOKEN_INLINE, LEGACY_BASELINE, ADMIN_EXCEPTION)

CHECKED = {
    Control.LEAST_PRIVILEGE: frozenset(
        {
            "Deployment/shop/payments",
            "Deployment/shop/web",
            "Deployment/shop/admin",
            "Deployment/shop/cache",
        }
    ),
    # The odd pod fails but was not recorded as checked: the scorecard counts the union.
    Control.ISOLATION: frozenset({"Pod/shop/legacy", "Pod/shop/db"}),
    Control.ENCRYPTION: frozenset({"Ingress/shop/front"}),
    Control.API_EXPOSURE: frozenset({"Service/shop/gateway"}),
}

SKIPPED = Skipped("broken.yaml", "invalid YAML at line 3: mapping values are not allowed here")
ERROR = "analyzer deps crashed: RuntimeError: boom (run with --verbose for the traceback)"
GATEWAY = "Deployment/edge/gateway (image envoyproxy/envoy:v1.30)"


def make_result(**changes: object) -> ScanResult:
    fields: dict[str, object] = {
        "target": "examples/shop",
        # Deliberately out of order: every format sorts for itself.
        "findings": (
            FRONT_TLS,
            TOKEN_INLINE,
            WEB_ROOT,
            ODD_HOST_NETWORK,
            LEGACY_BASELINE,
            PAYMENTS_ROOT,
            ADMIN_EXCEPTION,
            PAYMENTS_PRIVILEGED,
        ),
        "skipped": (SKIPPED,),
        "rules": (PRIVILEGED, RUN_AS_ROOT, HOST_NETWORK, INGRESS_TLS, TOKEN, UNUSED),
        "analyzers": ("config", "secrets", "deps"),
        "scorecard": Scorecard(CHECKED),
        "gateways": (GATEWAY,),
        "gateway_source": "detected",
        "errors": (ERROR,),
        "files_scanned": 42,
    }
    fields.update(changes)
    return ScanResult(**fields)  # type: ignore[arg-type]


@pytest.fixture
def result() -> ScanResult:
    return make_result()
