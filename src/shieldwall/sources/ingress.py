"""What an Ingress says about authentication in front of its routes."""

from __future__ import annotations

from collections.abc import Mapping

# Annotations that put authentication in front of an Ingress route.
AUTH_ANNOTATIONS = (
    "nginx.ingress.kubernetes.io/auth-url",
    "nginx.ingress.kubernetes.io/auth-type",
    "nginx.ingress.kubernetes.io/auth-tls-verify-client",
    "nginx.org/basic-auth-secret",
    "ingress.kubernetes.io/auth-type",
    "ingress.kubernetes.io/auth-url",
    "konghq.com/plugins",
    "alb.ingress.kubernetes.io/auth-type",
    "haproxy.org/auth-type",
    "haproxy-ingress.github.io/auth-url",
)
_TRAEFIK_MIDDLEWARES = "traefik.ingress.kubernetes.io/router.middlewares"


def ingress_authenticates(annotations: Mapping[str, str]) -> bool:
    """An auth annotation of a known controller, or a Traefik auth middleware."""
    return any(a in annotations for a in AUTH_ANNOTATIONS) or (
        "auth" in annotations.get(_TRAEFIK_MIDDLEWARES, "").lower()
    )
