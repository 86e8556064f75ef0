"""The finding for a vulnerable dependency: rule DEPS-VULNERABLE.

One rule id whatever the severity, so that suppressions, exceptions and
baseline fingerprints (rule id + lock file + purl + advisory id) survive an
advisory being re-rated. The finding's severity follows the advisory: it
carries a variant of the rule with that severity (and with the advisory's
"upgrade to X" remediation and references). ``RULES`` lists the rule once,
for ``shieldwall rules``, with the severity most advisories have.
"""

from __future__ import annotations

from functools import lru_cache

from shieldwall.analyzers.deps.osv.matcher import Advisory
from shieldwall.analyzers.hits import Hit, rule
from shieldwall.model import Component, Control, Finding, Rule, Severity

RULE_ID = "DEPS-VULNERABLE"
_TITLE = "Dependency with a known vulnerability"
_DESCRIPTION = (
    "A package version in a lock file or manifest is affected by a published "
    "vulnerability (OSV: CVE, GHSA, PYSEC, RUSTSEC, GO...). The finding's severity "
    "is the advisory's: from its CVSS v4 or v3 vector, else the database's own "
    "rating; unrated advisories are medium, malicious packages critical."
)
_REMEDIATION = (
    "Upgrade the package to a version the advisory lists as fixed, regenerate the "
    "lock file, and keep the vulnerability database current with `shieldwall db update`."
)


@lru_cache(maxsize=4096)
def vulnerable_rule(
    severity: Severity = Severity.HIGH,
    remediation: str = _REMEDIATION,
    references: tuple[str, ...] = (),
) -> Rule:
    return rule(
        id=RULE_ID,
        analyzer="deps",
        control=Control.SUPPLY_CHAIN,
        severity=severity,
        title=_TITLE,
        description=_DESCRIPTION,
        remediation=remediation,
        applies_to=("dependencies",),
        cwe=("CWE-1395",),
        references=references or ("https://osv.dev/",),
    )


RULES: tuple[Rule, ...] = (vulnerable_rule(),)


def remediation(component: Component, advisory: Advisory) -> str:
    if advisory.upgrade_to:
        text = f"Upgrade {component.name} to {advisory.upgrade_to} or later"
        others = [v for v in advisory.fixed_versions if v != advisory.upgrade_to]
        if others:
            text += f" (fixed versions: {', '.join(advisory.fixed_versions)})"
        return text + ", then regenerate the lock file."
    if advisory.fixed_versions:
        return (
            f"Upgrade {component.name} to one of {', '.join(advisory.fixed_versions)}; "
            "some of the merged advisories name no fix yet: check them."
        )
    return (
        f"No fixed version of {component.name} is known: replace or remove it, or "
        "mitigate and record an exception with a reason and an expiry."
    )


def advisory_hit(component: Component, advisory: Advisory) -> Hit:
    ids = ", ".join(advisory.aliases)
    named = f"{advisory.id} ({ids})" if ids else advisory.id
    message = f"{component.name} {component.version} is affected by {named}"
    if advisory.summary:
        message += f": {advisory.summary}"
    if advisory.upgrade_to:
        message += f"; upgrade to {advisory.upgrade_to}"
    elif not advisory.fixed_versions:
        message += "; no fixed version known"
    references = (f"https://osv.dev/vulnerability/{advisory.id}", *advisory.references[:4])
    variant = vulnerable_rule(
        advisory.severity, remediation(component, advisory), tuple(dict.fromkeys(references))
    )
    resource = component.purl or f"{component.ecosystem}/{component.name}@{component.version}"
    return Hit(variant, component.path, max(component.line, 1), resource, message, advisory.id)


def advisory_finding(component: Component, advisory: Advisory) -> Finding:
    return advisory_hit(component, advisory).finding()
