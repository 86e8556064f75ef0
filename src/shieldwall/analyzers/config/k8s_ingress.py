"""Ingress controller rules: configuration injected through ingress-nginx snippet
annotations (CVE-2021-25742 class), and the controller setting that allows it."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.context import ConfigContext, Hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.workloads import get_map
from shieldwall.system.values import configmap_values

_CVE = "https://github.com/kubernetes/ingress-nginx/issues/7837"
_DOCS = "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/"

K8S_INGRESS_NGINX_SNIPPET = config_rule(
    id="K8S-INGRESS-NGINX-SNIPPET",
    control=Control.API_EXPOSURE,
    severity=Severity.MEDIUM,
    title="Raw NGINX configuration injected through an ingress-nginx snippet",
    description=(
        "Snippet annotations (configuration-snippet, server-snippet, auth-snippet...) "
        "copy raw NGINX directives into the controller's configuration, which is shared by "
        "every Ingress and runs with the controller's service account; whoever can write "
        "an Ingress can then read that account's token and every Secret it can reach "
        "(CVE-2021-25742, CVE-2025-1974 class). The controller's ConfigMap key "
        '`allow-snippet-annotations: "true"` turns that on for everyone.'
    ),
    remediation=(
        "Use the dedicated annotations (rewrite, CORS, headers, auth-url...) instead of "
        "snippets; keep `allow-snippet-annotations` false and set "
        "`annotations-risk-level` to its default."
    ),
    applies_to=("Ingress", "ConfigMap"),
    cwe=("CWE-94", "CWE-269"),
    references=(_CVE, _DOCS + "annotations/", _DOCS + "configmap/"),
)
RULES: tuple[Rule, ...] = (K8S_INGRESS_NGINX_SNIPPET,)

_PREFIXES = ("nginx.ingress.kubernetes.io/", "nginx.org/")
_SNIPPETS = ("-snippet", "-snippets")


def _ingress_hits(ctx: ConfigContext) -> Iterator[Hit]:
    for obj in ctx.objects("Ingress"):
        annotations = get_map(obj.body, "metadata", "annotations")
        if annotations is None:
            continue
        for key in annotations:
            name = str(key)
            if name.startswith(_PREFIXES) and name.endswith(_SNIPPETS):
                yield Hit(
                    K8S_INGRESS_NGINX_SNIPPET,
                    obj.path,
                    annotations.line_of(key),
                    obj.id,
                    f"{obj.id} injects raw NGINX configuration through {name}",
                    f"annotations[{name}]",
                )


def _controller_hits(ctx: ConfigContext) -> Iterator[Hit]:
    for obj in ctx.objects("ConfigMap"):
        for v in configmap_values(obj, "allow-snippet-annotations"):
            if v.text.strip().lower() == "true":
                yield Hit(
                    K8S_INGRESS_NGINX_SNIPPET,
                    obj.path,
                    v.line,
                    obj.id,
                    f"{obj.id} lets every Ingress inject raw NGINX configuration "
                    "(allow-snippet-annotations: true)",
                    "data.allow-snippet-annotations",
                )


def check(ctx: ConfigContext) -> Iterator[Hit]:
    yield from _ingress_hits(ctx)
    yield from _controller_hits(ctx)
