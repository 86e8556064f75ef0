"""The image (tag and digest) and the healthcheck."""

from __future__ import annotations

from collections.abc import Iterator

from shieldwall.analyzers.config.compose.service import _SPEC, _SVC, _Service
from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.yaml_tree import YMap, YSeq

COMPOSE_IMAGE_UNPINNED = config_rule(
    id="COMPOSE-IMAGE-UNPINNED",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.LOW,
    title="Compose service image is `latest` or untagged",
    description=(
        "A moving tag pulls whatever was pushed last: builds and deployments are not "
        "reproducible and a compromised upstream push is picked up silently."
    ),
    remediation=(
        "Pin the image to a version tag and, better, a digest (`image: name:1.2.3@sha256:...`)."
    ),
    applies_to=_SVC,
    cwe=("CWE-1357",),
    references=(_SPEC + "#image",),
)
COMPOSE_HEALTHCHECK_DISABLED = config_rule(
    id="COMPOSE-HEALTHCHECK-DISABLED",
    control=Control.ISOLATION,
    severity=Severity.INFO,
    title="Compose service disables its health check",
    description=(
        "With the health check off, a hung or hijacked service keeps receiving traffic and is "
        "never restarted."
    ),
    remediation=(
        'Remove `disable: true` / `test: ["NONE"]` and define a `healthcheck.test` command.'
    ),
    applies_to=_SVC,
    cwe=("CWE-693",),
    references=(_SPEC + "#healthcheck",),
)


def _image_hits(svc: _Service) -> Iterator[Hit]:
    image = svc.body.get("image")
    if not isinstance(image, str) or "build" in svc.body:
        return  # with `build:`, `image:` names the result rather than what is pulled
    problem = image_tag_problem(image)
    if problem:
        yield svc.hit(
            COMPOSE_IMAGE_UNPINNED, svc.key_line("image"), f"image {image!r} {problem}", "image"
        )


def image_tag_problem(image: str) -> str:
    """Why an image reference floats ("uses latest", "has no tag"), or "" if pinned."""
    ref = image.strip()
    if not ref or "$" in ref or "@" in ref:
        return ""
    last = ref.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag (means latest)"
    if last.rsplit(":", 1)[1].lower() == "latest":
        return "uses the latest tag"
    return ""


def _healthcheck_hits(svc: _Service) -> Iterator[Hit]:
    health = svc.body.get("healthcheck")
    if not isinstance(health, YMap):
        return
    if health.get("disable") is True:
        yield svc.hit(
            COMPOSE_HEALTHCHECK_DISABLED,
            health.line_of("disable"),
            "disables its health check",
            "healthcheck",
        )
        return
    test = health.get("test")
    first = test[0] if isinstance(test, YSeq) and test else test
    if isinstance(first, str) and first.strip().upper() == "NONE":
        yield svc.hit(
            COMPOSE_HEALTHCHECK_DISABLED,
            health.line_of("test"),
            "disables its health check (test NONE)",
            "healthcheck",
        )


RULES: tuple[Rule, ...] = (
    COMPOSE_IMAGE_UNPINNED,
    COMPOSE_HEALTHCHECK_DISABLED,
)
