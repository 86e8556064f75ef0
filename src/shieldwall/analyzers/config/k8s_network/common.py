"""What the network rules share: the documentation they cite and small readers."""

from __future__ import annotations

from shieldwall.sources.manifests import K8sObject
from shieldwall.sources.yaml_tree import YMap

_NETPOL = "https://kubernetes.io/docs/concepts/services-networking/network-policies/"
_SVC = "https://kubernetes.io/docs/concepts/services-networking/service/"
_INGRESS = "https://kubernetes.io/docs/concepts/services-networking/ingress/"


def _spec(obj: K8sObject) -> YMap:
    spec = obj.body.get("spec")
    return spec if isinstance(spec, YMap) else YMap(obj.line)


def _name_line(obj: K8sObject) -> int:
    return obj.metadata.line_of("name", obj.line)
