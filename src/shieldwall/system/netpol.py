"""NetworkPolicy evaluation as Kubernetes does it.

- A pod is isolated for a direction (ingress, egress) once at least one policy of
  its namespace selects it with that direction in its policyTypes (policyTypes
  default to Ingress, plus Egress when the policy has egress rules).
- An isolated pod admits a connection when at least one rule of one of the
  policies selecting it admits it: allowed = union of rules, order irrelevant.
- A pod-to-pod connection needs both: the source's egress and the destination's
  ingress must allow it.
- A rule admits when one of its peers matches (no `from`/`to`, or an empty list:
  every peer) and one of its ports matches (no `ports`: every port).
- Peers: `podSelector` alone selects pods of the policy's namespace;
  `namespaceSelector` alone every pod of the selected namespaces; both in one
  peer the selected pods of the selected namespaces; `ipBlock` a CIDR minus its
  `except` blocks. Namespaces are matched by their labels (from Namespace objects)
  plus `kubernetes.io/metadata.name`.
- Ports: protocol (default TCP), number or name (a name is looked up in the
  destination pod's container ports), and `endPort` for a range.

Pod IPs are not known from manifests, so ipBlocks match addresses outside the
cluster only (as the documentation advises: ipBlock is for cluster-external IPs).
Pods in the host network are not policed (most CNIs do not) and are not matched
by pod selectors as peers."""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shieldwall.sources.workloads import label_selector_matches

INGRESS = "Ingress"
EGRESS = "Egress"
NAME_LABEL = "kubernetes.io/metadata.name"

# Public addresses standing for "the internet" when a path from outside is
# evaluated; a rule admits the internet when it admits any of them.
INTERNET_PROBES = (
    ipaddress.ip_address("8.8.8.8"),
    ipaddress.ip_address("52.95.110.1"),
    ipaddress.ip_address("104.16.0.1"),
    ipaddress.ip_address("185.199.108.1"),
    ipaddress.ip_address("2606:4700::1"),
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class Pod:
    """What policy evaluation needs to know about a workload's pods."""

    id: str
    namespace: str
    labels: Mapping[str, str]
    # container port name -> (number, protocol)
    named_ports: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    host_network: bool = False


@dataclass(frozen=True, slots=True)
class Endpoint:
    """The other side of a connection: a pod or an address outside the cluster."""

    pod: Pod | None = None
    address: IPAddress | None = None

    @classmethod
    def of(cls, other: Pod | IPAddress | str) -> Endpoint:
        if isinstance(other, Pod):
            return cls(pod=other)
        if isinstance(other, str):
            return cls(address=ipaddress.ip_address(other))
        return cls(address=other)


@dataclass(frozen=True, slots=True)
class Policy:
    """One NetworkPolicy, as the evaluator reads it."""

    id: str
    namespace: str
    pod_selector: Any
    types: frozenset[str]
    ingress: tuple[Any, ...]
    egress: tuple[Any, ...]
    path: str = ""
    line: int = 0
    # line of each ingress / egress rule (for findings that point at a rule)
    ingress_lines: tuple[int, ...] = ()
    egress_lines: tuple[int, ...] = ()

    def selects(self, pod: Pod) -> bool:
        return pod.namespace == self.namespace and label_selector_matches(
            self.pod_selector, pod.labels
        )

    @classmethod
    def from_spec(
        cls, id: str, namespace: str, spec: Mapping[str, Any], path: str = "", line: int = 0
    ) -> Policy:
        ingress = spec.get("ingress")
        egress = spec.get("egress")
        ingress_rules = tuple(ingress) if isinstance(ingress, list) else ()
        egress_rules = tuple(egress) if isinstance(egress, list) else ()
        declared = spec.get("policyTypes")
        if isinstance(declared, list) and declared:
            types = frozenset(str(t) for t in declared)
        else:
            types = frozenset({INGRESS, EGRESS} if egress_rules else {INGRESS})
        selector = spec.get("podSelector")
        # podSelector is required; an absent one behaves as {} (the API defaults it).
        selector = selector if isinstance(selector, dict) else {}
        return cls(
            id,
            namespace,
            selector,
            types,
            ingress_rules,
            egress_rules,
            path,
            line,
            _lines(ingress, line),
            _lines(egress, line),
        )


def _lines(seq: Any, default: int) -> tuple[int, ...]:
    if not isinstance(seq, list):
        return ()
    line_of = getattr(seq, "line_of", None)
    return tuple(line_of(i) if line_of else default for i in range(len(seq)))


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    why: str  # a sentence: which policy/rule decided, or "not isolated"
    policy: str = ""
    rule_line: int = 0
    path: str = ""  # the file of the policy that decided (with rule_line)


class PolicyEngine:
    """Answers "may A connect to B on port P?" for a set of policies."""

    def __init__(
        self,
        policies: Iterable[Policy],
        namespace_labels: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.policies = list(policies)
        self._by_ns: dict[str, list[Policy]] = defaultdict(list)
        for p in self.policies:
            self._by_ns[p.namespace].append(p)
        self._ns_labels = {k: dict(v) for k, v in (namespace_labels or {}).items()}
        self._selecting: dict[tuple[str, str], list[Policy]] = {}
        self._profiles: dict[tuple[str, frozenset[tuple[str, str]], bool], tuple[bool, ...]] = {}

    def namespace_labels(self, namespace: str) -> dict[str, str]:
        labels = dict(self._ns_labels.get(namespace, {}))
        labels[NAME_LABEL] = namespace
        return labels

    def selecting(self, pod: Pod, direction: str) -> list[Policy]:
        """The policies that select the pod for a direction."""
        key = (pod.id, direction)
        found = self._selecting.get(key)
        if found is None:
            found = [
                p
                for p in self._by_ns.get(pod.namespace, ())
                if direction in p.types and p.selects(pod)
            ]
            self._selecting[key] = found
        return found

    def isolated(self, pod: Pod, direction: str) -> bool:
        if pod.host_network:
            return False
        return bool(self.selecting(pod, direction))

    def profile(self, pod: Pod) -> tuple[Any, ...]:
        """What evaluation can tell about a pod: two pods with the same profile get the
        same answers (allowed or not) as source and as destination, against any peer
        and on any port. It holds the namespace, the host network flag, the named
        ports, which policies select the pod and which rules name it as a peer; pods
        with the same labels in the same namespace share the policy part."""
        key = (pod.namespace, frozenset(pod.labels.items()), pod.host_network)
        marks = self._profiles.get(key)
        if marks is None:
            other = Endpoint(pod=pod)
            found: list[bool] = [p.selects(pod) for p in self._by_ns.get(pod.namespace, ())]
            for policy in self.policies:
                for rules, peers_key in ((policy.ingress, "from"), (policy.egress, "to")):
                    for rule in rules:
                        peers = rule.get(peers_key) if isinstance(rule, dict) else None
                        found.append(
                            isinstance(peers, list)
                            and any(self.peer_matches(policy, peer, other) for peer in peers)
                        )
            marks = self._profiles[key] = tuple(found)
        named = tuple(sorted((k, *v) for k, v in pod.named_ports.items()))
        return (pod.namespace, pod.host_network, named, marks)

    # -- one direction -------------------------------------------------------------------

    def ingress_verdict(
        self, dst: Pod, src: Pod | IPAddress | str, port: int | None, protocol: str = "TCP"
    ) -> Verdict:
        return self._verdict(dst, INGRESS, Endpoint.of(src), dst, port, protocol)

    def egress_verdict(
        self, src: Pod, dst: Pod | IPAddress | str, port: int | None, protocol: str = "TCP"
    ) -> Verdict:
        other = Endpoint.of(dst)
        return self._verdict(src, EGRESS, other, other.pod, port, protocol)

    def _verdict(
        self,
        pod: Pod,
        direction: str,
        other: Endpoint,
        port_owner: Pod | None,
        port: int | None,
        protocol: str,
    ) -> Verdict:
        if pod.host_network:
            return Verdict(True, f"{pod.id} runs in the host network (not policed)")
        policies = self.selecting(pod, direction)
        if not policies:
            return Verdict(True, f"no NetworkPolicy selects {pod.id} for {direction.lower()}")
        for policy in policies:
            rules = policy.ingress if direction == INGRESS else policy.egress
            lines = policy.ingress_lines if direction == INGRESS else policy.egress_lines
            for i, rule in enumerate(rules):
                if self._rule_admits(policy, rule, direction, other, port_owner, port, protocol):
                    line = lines[i] if i < len(lines) else policy.line
                    return Verdict(
                        True,
                        f"{policy.id} {direction.lower()} rule {i + 1}",
                        policy.id,
                        line,
                        policy.path,
                    )
        names = ", ".join(p.id for p in policies)
        return Verdict(False, f"{direction.lower()} of {pod.id} is restricted by {names}")

    def _rule_admits(
        self,
        policy: Policy,
        rule: Any,
        direction: str,
        other: Endpoint,
        port_owner: Pod | None,
        port: int | None,
        protocol: str,
    ) -> bool:
        if rule is None:
            rule = {}
        if not isinstance(rule, dict):
            return False
        peers = rule.get("from" if direction == INGRESS else "to")
        if peers:
            if not isinstance(peers, list):
                return False
            if not any(self.peer_matches(policy, peer, other) for peer in peers):
                return False
        return _ports_match(rule.get("ports"), port_owner, port, protocol)

    def peer_matches(self, policy: Policy, peer: Any, other: Endpoint) -> bool:
        if not isinstance(peer, dict) or not peer:
            return False  # an empty peer is invalid: the API rejects it
        block = peer.get("ipBlock")
        if block is not None:
            return other.address is not None and _in_block(block, other.address)
        if other.pod is None or other.pod.host_network:
            return False
        pod = other.pod
        ns_sel = peer.get("namespaceSelector")
        pod_sel = peer.get("podSelector")
        if ns_sel is None:
            if pod.namespace != policy.namespace:
                return False
        elif not label_selector_matches(ns_sel, self.namespace_labels(pod.namespace)):
            return False
        return pod_sel is None or label_selector_matches(pod_sel, pod.labels)

    # -- both directions -----------------------------------------------------------------

    def connection(
        self, src: Pod, dst: Pod, port: int | None, protocol: str = "TCP"
    ) -> tuple[bool, str]:
        """May src open a connection to dst's port? Egress and ingress must both allow."""
        out = self.egress_verdict(src, dst, port, protocol)
        if not out.allowed:
            return False, out.why
        into = self.ingress_verdict(dst, src, port, protocol)
        if not into.allowed:
            return False, into.why
        return True, f"{out.why}; {into.why}"

    def can_connect(self, src: Pod, dst: Pod, port: int | None, protocol: str = "TCP") -> bool:
        return self.connection(src, dst, port, protocol)[0]

    def from_outside(self, dst: Pod, port: int | None, protocol: str = "TCP") -> tuple[bool, str]:
        """May an address on the internet reach dst's port (ingress side only)?"""
        last = Verdict(False, "")
        for probe in INTERNET_PROBES:
            last = self.ingress_verdict(dst, probe, port, protocol)
            if last.allowed:
                return True, last.why
        return False, last.why

    def from_ingress_controller(self, dst: Pod, port: int | None) -> Verdict | None:
        """A route's requests arrive from the ingress controller's pods. When those run
        outside the scanned files, an ingress rule that admits a namespace named or
        labelled like an ingress controller's (`kubernetes.io/metadata.name:
        ingress-nginx`) admits them: the route is not cut by it."""
        for policy in self.selecting(dst, INGRESS):
            for i, rule in enumerate(policy.ingress):
                peers = rule.get("from") if isinstance(rule, dict) else None
                if not isinstance(peers, list) or not any(_names_controller(p) for p in peers):
                    continue
                assert isinstance(rule, dict)
                if _ports_match(rule.get("ports"), dst, port, "TCP"):
                    lines = policy.ingress_lines
                    return Verdict(
                        True,
                        f"{policy.id} ingress rule {i + 1} admits the ingress controller's "
                        "namespace",
                        policy.id,
                        lines[i] if i < len(lines) else policy.line,
                        policy.path,
                    )
        return None

    def to_internet(self, src: Pod, port: int | None = 443) -> Verdict:
        """May src open connections to addresses on the internet?"""
        last = Verdict(False, "")
        for probe in INTERNET_PROBES:
            last = self.egress_verdict(src, probe, port)
            if last.allowed:
                return last
        return last


def _in_block(block: Any, address: IPAddress) -> bool:
    if not isinstance(block, dict):
        return False
    try:
        net = ipaddress.ip_network(str(block.get("cidr", "")), strict=False)
    except ValueError:
        return False
    if address.version != net.version or address not in net:
        return False
    for excluded in block.get("except") or []:
        try:
            if address in ipaddress.ip_network(str(excluded), strict=False):
                return False
        except ValueError:
            continue
    return True


def _ports_match(ports: Any, owner: Pod | None, port: int | None, protocol: str) -> bool:
    if not ports:
        return True
    if not isinstance(ports, list):
        return False
    for entry in ports:
        if not isinstance(entry, dict):
            continue
        if str(entry.get("protocol") or "TCP").upper() != protocol.upper():
            continue
        want = entry.get("port")
        if want is None:
            return True  # every port of this protocol
        if port is None:
            continue  # a connection on an unknown port: only "every port" admits it
        if isinstance(want, int) and not isinstance(want, bool):
            end = entry.get("endPort")
            high = end if isinstance(end, int) and end >= want else want
            if want <= port <= high:
                return True
            continue
        text = str(want)
        if text.isdigit():
            if int(text) == port:
                return True
            continue
        # A named port: the destination pod's container port of that name.
        if owner is not None:
            named = owner.named_ports.get(text)
            if named is not None and named[0] == port and named[1].upper() == protocol.upper():
                return True
    return False


# Namespaces of ingress controllers and gateways, as policies name them.
_CONTROLLER_NAMESPACE = re.compile(
    r"ingress|gateway|traefik|kong|haproxy|contour|emissary|ambassador|istio|envoy|apisix|skipper"
)


def _names_controller(peer: Any) -> bool:
    """A peer that admits the pods of an ingress controller's namespace."""
    if not isinstance(peer, dict):
        return False
    selector = peer.get("namespaceSelector")
    if not isinstance(selector, dict):
        return False
    values: list[str] = []
    labels = selector.get("matchLabels")
    if isinstance(labels, dict):
        values += [str(v) for v in labels.values()]
    for expr in selector.get("matchExpressions") or []:
        if isinstance(expr, dict) and expr.get("operator") == "In":
            values += [str(v) for v in expr.get("values") or []]
    return any(_CONTROLLER_NAMESPACE.search(v.lower()) for v in values)
