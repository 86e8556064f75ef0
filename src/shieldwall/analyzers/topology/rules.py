"""The topology analyzer's rules: statements about the graph (who can reach
whom, on which path), not about one field of one manifest."""

from __future__ import annotations

from shieldwall.model import Control, Rule, Severity

ANALYZER = "topology"
_NETPOL = "https://kubernetes.io/docs/concepts/services-networking/network-policies/"


def _rule(
    id: str,
    control: Control,
    severity: Severity,
    title: str,
    description: str,
    remediation: str,
    cwe: tuple[str, ...],
    references: tuple[str, ...],
    former_ids: tuple[str, ...] = (),
) -> Rule:
    return Rule(
        id=id,
        analyzer=ANALYZER,
        control=control,
        severity=severity,
        title=title,
        description=description,
        remediation=remediation,
        applies_to=("workload", "compose-service"),
        cwe=cwe,
        references=references,
        former_ids=former_ids,
    )


RULES = (
    _rule(
        "TOPO-EXPOSED-PAST-GATEWAY",
        Control.API_EXPOSURE,
        Severity.HIGH,
        "Workload reachable from the internet other than through the gateway",
        "Following the system's Services, hostPorts, Ingress routes and published ports, and "
        "evaluating the NetworkPolicies on the way, this workload can be reached from the "
        "internet on a path that does not pass the API gateway: its authentication, rate limits "
        "and audit log do not apply.",
        "Close the direct path (ClusterIP instead of NodePort/LoadBalancer, no hostPort, no "
        "published port, Ingress backend = the gateway) or add a NetworkPolicy that admits only "
        "the gateway's pods to this workload.",
        ("CWE-668",),
        (_NETPOL, "https://kubernetes.io/docs/concepts/services-networking/service/"),
        # The config rules that said it of one field; they report it now only where the
        # map cannot follow the path (a Service or route whose pods are not in the unit).
        former_ids=("K8S-HOSTPORT", "K8S-SERVICE-EXPOSED", "K8S-INGRESS-BYPASSES-GATEWAY"),
    ),
    _rule(
        "TOPO-ROUTE-NO-AUTH",
        Control.ACCESS_CONTROL,
        Severity.HIGH,
        "Route from the internet reaches a workload with no authentication on the path",
        "An HTTP route into the system (Ingress, Gateway API route, Istio VirtualService) ends at "
        "this workload, and nothing on the path authenticates the caller: no gateway that "
        "authenticates, no auth annotation or filter, no Istio RequestAuthentication or "
        "AuthorizationPolicy covering the workload.",
        "Route through the gateway, or add authentication on the route (ingress auth-url to an "
        "oauth2-proxy, a Gateway API security policy) or an Istio RequestAuthentication plus "
        "AuthorizationPolicy for the workload.",
        ("CWE-306",),
        ("https://istio.io/latest/docs/reference/config/security/authorization-policy/",),
        former_ids=("K8S-INGRESS-NO-AUTH",),
    ),
    _rule(
        "TOPO-PLAINTEXT-EDGE",
        Control.ENCRYPTION,
        Severity.MEDIUM,
        "Service-to-service link carries plaintext",
        "One service is configured to call another over a protocol without TLS, the network "
        "lets the connection through, and no service mesh enforces mTLS on the destination: "
        "requests, credentials and data cross the network in clear text.",
        "Use TLS on the link (https://, rediss://, sslmode=verify-full, gRPC with TLS "
        "credentials) or put both services in a mesh with PeerAuthentication mode STRICT.",
        ("CWE-319",),
        ("https://istio.io/latest/docs/reference/config/security/peer_authentication/",),
        former_ids=("NET-PLAINTEXT-URL",),
    ),
    _rule(
        "TOPO-DATASTORE-FROM-INTERNET",
        Control.ISOLATION,
        Severity.CRITICAL,
        "Datastore reachable from the internet",
        "A database, cache or message broker can be connected to from outside the system: "
        "its data is one credential (or one unauthenticated default) away from anyone.",
        "Remove the outside path (published port, NodePort/LoadBalancer, hostPort) and admit "
        "only the services that use the datastore with a NetworkPolicy.",
        ("CWE-668", "CWE-923"),
        (_NETPOL,),
    ),
    _rule(
        "TOPO-DATASTORE-FROM-ANY-POD",
        Control.ISOLATION,
        Severity.MEDIUM,
        "Datastore reachable from every pod",
        "Evaluating the NetworkPolicies in force, a pod of any namespace with any labels may open "
        "a connection to this datastore: one compromised workload anywhere in the cluster reaches "
        "the data directly.",
        "Add a NetworkPolicy selecting the datastore's pods that admits only the workloads that "
        "use it, on its port (and a default-deny ingress policy for the namespace).",
        ("CWE-923",),
        (_NETPOL,),
    ),
    _rule(
        "TOPO-EGRESS-INTERNET",
        Control.ISOLATION,
        Severity.MEDIUM,
        "Sensitive workload may connect anywhere on the internet",
        "A datastore or a workload holding credentials is not restricted for egress (or a rule "
        "admits every address): after a compromise, data and credentials can leave the system "
        "directly.",
        "Select the workload with an egress NetworkPolicy that allows DNS and the destinations "
        "it needs only; for compose, put it on an `internal: true` network.",
        ("CWE-923",),
        (_NETPOL + "#default-deny-all-egress-traffic",),
    ),
)
