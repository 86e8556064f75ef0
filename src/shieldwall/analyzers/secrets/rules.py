"""Rule metadata for every provider format and for the generic detector."""

from __future__ import annotations

from dataclasses import replace

from shieldwall.analyzers.secrets import buildargs
from shieldwall.analyzers.secrets.catalog import SPECS
from shieldwall.analyzers.secrets.engine import GENERIC_PASSWORD, GENERIC_TOKEN
from shieldwall.analyzers.secrets.spec import Spec
from shieldwall.model import Control, Rule, Severity

ANALYZER = "secrets"
BUILD_ARG_IN_ENV = buildargs.RULE_ID
_APPLIES = ("file", "git-history")
_AFTER = (
    " Then remove it from the file and read it at run time from a secret store or an "
    "environment variable. Rewriting history does not un-leak it: once pushed, count it "
    "as compromised."
)


def _provider_rule(spec: Spec) -> Rule:
    cwe = ("CWE-321",) if spec.rule_id.startswith("SECRET-PRIVATE-KEY") else ("CWE-798",)
    return Rule(
        id=spec.rule_id,
        analyzer=ANALYZER,
        control=Control.SECRETS,
        severity=spec.severity,
        title=f"{spec.title} committed",
        description=(
            f"A {spec.title} ({spec.provider}) is written in a file or was added by a "
            "commit. Whoever can read the repository, a copy of it or its history can use "
            "it with the access it grants."
        ),
        remediation=f"Revoke it: {spec.revoke}.{_AFTER}",
        applies_to=_APPLIES,
        cwe=cwe,
        references=(spec.docs, "https://cwe.mitre.org/data/definitions/798.html"),
        # bench/secrets_accuracy.py: 154 of 162 findings on detect-secrets' provider
        # cases were must-flag (95 %; some of the 8 others are another provider's real
        # token). The generic rules have no such figure: their keyword cases are lines
        # built to look like credentials, not ordinary code.
        precision="high",
    )


_GENERIC_RULES = (
    Rule(
        id=GENERIC_PASSWORD,
        analyzer=ANALYZER,
        control=Control.SECRETS,
        severity=Severity.HIGH,
        title="Password written as a literal",
        description=(
            "A key that names a password (password, passwd, pwd, passphrase, db_pass...) is "
            "assigned a literal in code or configuration. Placeholders, references to "
            "environment variables or secret stores, paths and expressions are not reported. "
            "Weak-looking values are reported at medium, values in test code or named as "
            "test/mock/example at low."
        ),
        remediation=(
            "Change the password on the system it opens, and inject it at run time (a "
            "Kubernetes Secret with secretKeyRef, a compose secret, a secret store)." + _AFTER
        ),
        applies_to=_APPLIES,
        cwe=("CWE-798", "CWE-259"),
        references=("https://cwe.mitre.org/data/definitions/259.html",),
    ),
    Rule(
        id=GENERIC_TOKEN,
        analyzer=ANALYZER,
        control=Control.SECRETS,
        severity=Severity.MEDIUM,
        title="Secret, token or key written as a literal",
        description=(
            "A key that names a secret, token or key (secret, token, api_key, "
            "client_secret, private_key...) is assigned a literal that looks random "
            "(entropy and character classes) and matches no provider format. Strong values "
            "are reported at high, values in test code or named as test/mock/example at low."
        ),
        remediation="Revoke it with whoever issued it and inject it at run time." + _AFTER,
        applies_to=_APPLIES,
        cwe=("CWE-798",),
        references=("https://cwe.mitre.org/data/definitions/798.html",),
    ),
    Rule(
        id=BUILD_ARG_IN_ENV,
        analyzer=ANALYZER,
        control=Control.SECRETS,
        severity=Severity.HIGH,
        title="Credential build argument persisted into the image",
        description=(
            "A Dockerfile ENV copies a build argument that names a credential "
            "(`ARG NPM_TOKEN` then `ENV NPM_TOKEN=$NPM_TOKEN`): the value given with "
            "--build-arg is written into the image configuration, where `docker inspect`, "
            "every container's environment and anyone who pulls the image can read it."
        ),
        remediation=(
            "Revoke any credential already built into a pushed image. Pass it as a build "
            "secret instead (`RUN --mount=type=secret,id=...` with `docker build --secret`) "
            "and, if the running container needs it, inject it at run time."
        ),
        applies_to=("file", "git-history"),
        cwe=("CWE-538", "CWE-798"),
        references=("https://docs.docker.com/build/building/secrets/",),
    ),
)


def all_rules() -> tuple[Rule, ...]:
    return tuple(_provider_rule(s) for s in SPECS) + _GENERIC_RULES


def at_severity(rule: Rule, severity: Severity | None) -> Rule:
    """The same rule (same id) at another severity: a verified live secret becomes
    critical, a test fixture's password low."""
    if severity is None or severity is rule.severity:
        return rule
    return replace(rule, severity=severity)


PROVIDER_OF = {s.rule_id: s.provider for s in SPECS}
