"""Which rules break a Pod Security Standards profile, and which are opt-in.

The Pod Security Standards define two profiles a namespace can enforce: baseline
(prevents known privilege escalations) and restricted (current hardening best
practice). A finding of a rule listed here says which profile it breaks, so a
team that enforces one knows what its admission will refuse.

Opt-in rules are hardening advice that is noise on most real systems; they are
reported only with ``profile: strict`` in ``.shieldwall.yaml``.
"""

from __future__ import annotations

BASELINE = "baseline"
RESTRICTED = "restricted"
PSS_REFERENCE = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"

PSS_PROFILE: dict[str, str] = {
    "K8S-PRIVILEGED": BASELINE,
    "K8S-HOST-NETWORK": BASELINE,
    "K8S-HOST-PID": BASELINE,
    "K8S-HOST-IPC": BASELINE,
    "K8S-HOSTPATH": BASELINE,
    "K8S-HOSTPATH-SENSITIVE": BASELINE,
    "K8S-RUNTIME-SOCKET": BASELINE,
    "K8S-CAPABILITY-DANGEROUS": BASELINE,
    "K8S-APPARMOR-UNCONFINED": BASELINE,
    "K8S-SELINUX-CUSTOM": BASELINE,
    "K8S-PROC-MOUNT-UNMASKED": BASELINE,
    "K8S-SECCOMP-UNCONFINED": BASELINE,
    "K8S-UNSAFE-SYSCTL": BASELINE,
    "K8S-WINDOWS-HOST-PROCESS": BASELINE,
    "K8S-PRIVILEGE-ESCALATION": RESTRICTED,
    "K8S-RUN-AS-ROOT": RESTRICTED,
    "K8S-SECCOMP-NOT-SET": RESTRICTED,
    "K8S-CAPABILITIES-NOT-DROPPED": RESTRICTED,
    "K8S-VOLUME-TYPE": RESTRICTED,
    # K8S-CAPABILITY-ADDED depends on the capability: its findings say which.
}

# Capabilities the baseline profile lets a container add (restricted: only
# NET_BIND_SERVICE).
BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)

# Reported only with `profile: strict`.
OPT_IN = frozenset({"K8S-LOW-UID"})


def breaks(profile: str) -> str:
    return f"breaks the Pod Security Standards {profile} profile"


def with_profile(rule_id: str, message: str) -> str:
    profile = PSS_PROFILE.get(rule_id)
    if profile is None or "Pod Security Standards" in message:
        return message
    return f"{message} ({breaks(profile)})"


def documented(rule_id: str, description: str) -> str:
    """The rule's description with its profile and opt-in status (`shieldwall rules`)."""
    notes = []
    profile = PSS_PROFILE.get(rule_id)
    if profile is not None:
        notes.append(f"Pod Security Standards: {breaks(profile)}.")
    if rule_id == "K8S-CAPABILITY-ADDED":
        notes.append(
            "Pod Security Standards: a capability outside the baseline set breaks the "
            "baseline profile; any other than NET_BIND_SERVICE breaks the restricted profile."
        )
    if rule_id == "K8S-IMAGE-PULL-POLICY":
        notes.append(
            "On a versioned tag (where K8S-IMAGE-NO-DIGEST already asks for the digest) it "
            "is opt-in: reported only with `profile: strict` in .shieldwall.yaml."
        )
    if rule_id in OPT_IN:
        notes.append("Opt-in: reported only with `profile: strict` in .shieldwall.yaml.")
    return " ".join([description, *notes])
