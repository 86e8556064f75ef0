"""`shieldwall admission manifests`: what installs the webhook, hardened so that
`shieldwall scan` finds nothing high in it. The CA bundle comes from cert-manager
(its CA injector fills caBundle), or from a CA generated here (`ca_dir`)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import yaml

from shieldwall.admission.certs import make_ca, make_serving_cert

NAME = "shieldwall-admission"
PORT = 8443
# What the cross-resource rules read from the cluster: never Secrets.
WATCHED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("", ("namespaces", "serviceaccounts", "services")),
    ("apps", ("deployments", "statefulsets", "daemonsets")),
    ("batch", ("jobs", "cronjobs")),
    ("networking.k8s.io", ("networkpolicies", "ingresses")),
    ("rbac.authorization.k8s.io", ("roles", "rolebindings", "clusterroles", "clusterrolebindings")),
)
# What the webhook judges.
JUDGED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("", ("pods", "services", "serviceaccounts", "configmaps", "namespaces")),
    ("apps", ("deployments", "statefulsets", "daemonsets", "replicasets")),
    ("batch", ("jobs", "cronjobs")),
    ("networking.k8s.io", ("networkpolicies", "ingresses")),
    ("rbac.authorization.k8s.io", ("roles", "rolebindings", "clusterroles", "clusterrolebindings")),
)
MUTATE_LABEL = "shieldwall.io/mutate"


def _meta(name: str, namespace: str = "", **extra: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "labels": {"app.kubernetes.io/name": NAME}}
    if namespace:
        meta["namespace"] = namespace
    meta.update(extra)
    return meta


def _pod_labels() -> dict[str, str]:
    return {"app.kubernetes.io/name": NAME}


def _deployment(ns: str, image: str) -> dict[str, Any]:
    probe = {"httpGet": {"path": "/healthz", "port": PORT, "scheme": "HTTPS"}, "periodSeconds": 10}
    ready = {"httpGet": {"path": "/readyz", "port": PORT, "scheme": "HTTPS"}, "periodSeconds": 5}
    container = {
        "name": "webhook",
        "image": image,
        "imagePullPolicy": "Always",
        "args": [
            "admission",
            "serve",
            "--tls-cert=/tls/tls.crt",
            "--tls-key=/tls/tls.key",
            f"--port={PORT}",
            "--in-cluster",
            "--mutate=*",
        ],
        "ports": [{"name": "https", "containerPort": PORT}],
        "livenessProbe": probe,
        "readinessProbe": ready,
        "resources": {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "1", "memory": "256Mi"},
        },
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 65532,
            "runAsGroup": 65532,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": [{"name": "tls", "mountPath": "/tls", "readOnly": True}],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta(NAME, ns),
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": _pod_labels()},
            "template": {
                "metadata": {"labels": _pod_labels()},
                "spec": {
                    "serviceAccountName": NAME,
                    "automountServiceAccountToken": True,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 65532,
                        "runAsGroup": 65532,
                        "fsGroup": 65532,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "topologySpreadConstraints": [
                        {
                            "maxSkew": 1,
                            "topologyKey": "kubernetes.io/hostname",
                            "whenUnsatisfiable": "ScheduleAnyway",
                            "labelSelector": {"matchLabels": _pod_labels()},
                        }
                    ],
                    "containers": [container],
                    "volumes": [{"name": "tls", "secret": {"secretName": f"{NAME}-tls"}}],
                },
            },
        },
    }


def _network_policies(ns: str) -> list[dict[str, Any]]:
    deny = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta("default-deny", ns),
        "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
    }
    webhook = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta(NAME, ns),
        "spec": {
            "podSelector": {"matchLabels": _pod_labels()},
            "policyTypes": ["Ingress", "Egress"],
            # The API server calls from outside the pod network: the port is the limit.
            "ingress": [{"ports": [{"protocol": "TCP", "port": PORT}]}],
            "egress": [
                {"ports": [{"protocol": "TCP", "port": 443}, {"protocol": "TCP", "port": 6443}]},
                {
                    "to": [
                        {
                            "namespaceSelector": {},
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                        }
                    ],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                },
            ],
        },
    }
    return [deny, webhook]


def _rbac(ns: str) -> list[dict[str, Any]]:
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": _meta(NAME),
        "rules": [
            {"apiGroups": [group], "resources": list(resources), "verbs": ["get", "list", "watch"]}
            for group, resources in WATCHED
        ],
    }
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": _meta(NAME),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": NAME},
        "subjects": [{"kind": "ServiceAccount", "name": NAME, "namespace": ns}],
    }
    return [role, binding]


def _webhook_rules() -> list[dict[str, Any]]:
    return [
        {
            "apiGroups": [group],
            "apiVersions": ["*"],
            "operations": ["CREATE", "UPDATE"],
            "resources": list(resources),
            "scope": "*",
        }
        for group, resources in JUDGED
    ]


def _webhook(ns: str, path: str, ca_bundle: str | None) -> dict[str, Any]:
    client: dict[str, Any] = {"service": {"name": NAME, "namespace": ns, "path": path, "port": 443}}
    if ca_bundle:
        client["caBundle"] = ca_bundle
    exempt = {
        "key": "kubernetes.io/metadata.name",
        "operator": "NotIn",
        "values": [ns, "kube-system"],
    }
    return {
        "name": f"{path.strip('/')}.shieldwall.io",
        "admissionReviewVersions": ["v1"],
        "clientConfig": client,
        "failurePolicy": "Fail",
        "sideEffects": "None",
        "timeoutSeconds": 5,
        "matchPolicy": "Equivalent",
        "namespaceSelector": {"matchExpressions": [exempt]},
        "rules": _webhook_rules(),
    }


def _configurations(ns: str, ca_bundle: str | None) -> list[dict[str, Any]]:
    annotations = {} if ca_bundle else {"cert-manager.io/inject-ca-from": f"{ns}/{NAME}"}
    validating = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": _meta(NAME, annotations=annotations) if annotations else _meta(NAME),
        "webhooks": [_webhook(ns, "/validate", ca_bundle)],
    }
    mutate = _webhook(ns, "/mutate", ca_bundle)
    mutate["namespaceSelector"]["matchLabels"] = {MUTATE_LABEL: "enabled"}
    mutate["reinvocationPolicy"] = "IfNeeded"
    mutating = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingWebhookConfiguration",
        "metadata": _meta(NAME, annotations=annotations) if annotations else _meta(NAME),
        "webhooks": [mutate],
    }
    return [validating, mutating]


def _cert_manager(ns: str) -> list[dict[str, Any]]:
    issuer = {
        "apiVersion": "cert-manager.io/v1",
        "kind": "Issuer",
        "metadata": _meta(f"{NAME}-selfsigned", ns),
        "spec": {"selfSigned": {}},
    }
    cert = {
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        "metadata": _meta(NAME, ns),
        "spec": {
            "secretName": f"{NAME}-tls",
            "dnsNames": _dns_names(ns),
            "issuerRef": {"name": f"{NAME}-selfsigned", "kind": "Issuer"},
            "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
        },
    }
    return [issuer, cert]


def _dns_names(ns: str) -> list[str]:
    return [f"{NAME}.{ns}.svc", f"{NAME}.{ns}.svc.cluster.local"]


def _generated_ca(ns: str, folder: Path) -> str:
    """Write ca.crt, tls.crt and tls.key into `folder`; the CA bundle (base64)."""
    folder.mkdir(parents=True, exist_ok=True)
    ca = make_ca()
    pair = make_serving_cert(ca, _dns_names(ns))
    (folder / "ca.crt").write_bytes(ca.cert_pem)
    (folder / "tls.crt").write_bytes(pair.cert_pem)
    key = folder / "tls.key"
    key.touch(mode=0o600)
    key.write_bytes(pair.key_pem)
    return base64.b64encode(ca.cert_pem).decode("ascii")


def install_objects(namespace: str, image: str, ca_dir: Path | None = None) -> list[dict[str, Any]]:
    ns = namespace
    ca_bundle = _generated_ca(ns, ca_dir) if ca_dir is not None else None
    objects: list[dict[str, Any]] = [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": ns,
                "labels": {"pod-security.kubernetes.io/enforce": "restricted"},
            },
        },
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": _meta(NAME, ns),
            "automountServiceAccountToken": False,
        },
        *_rbac(ns),
        _deployment(ns, image),
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": _meta(NAME, ns),
            "spec": {"minAvailable": 1, "selector": {"matchLabels": _pod_labels()}},
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": _meta(NAME, ns),
            "spec": {
                "type": "ClusterIP",
                "selector": _pod_labels(),
                "ports": [{"name": "https", "port": 443, "targetPort": PORT}],
            },
        },
        *_network_policies(ns),
        *([] if ca_bundle else _cert_manager(ns)),
        *_configurations(ns, ca_bundle),
    ]
    return objects


def install_manifests(namespace: str, image: str, ca_dir: Path | None = None) -> str:
    objects = install_objects(namespace, image, ca_dir)
    text = yaml.safe_dump_all(objects, sort_keys=False)
    if ca_dir is not None:
        text = (
            f"# TLS: kubectl -n {namespace} create secret tls {NAME}-tls "
            f"--cert={ca_dir / 'tls.crt'} --key={ca_dir / 'tls.key'}\n" + text
        )
    return text
