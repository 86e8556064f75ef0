"""The deploy phase: the admission webhook judging objects with the same rules
as `scan`, its install manifests, and policies generated from the service map
(NetworkPolicies) and from the rules (ValidatingAdmissionPolicy)."""
