"""The image of each container: its tag, digest and pull policy."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace

from shieldwall.analyzers.config.context import Hit
from shieldwall.analyzers.config.k8s_workload.common import _IMAGES, _W, _hit, _word
from shieldwall.analyzers.config.rulebook import config_rule
from shieldwall.model import Control, Rule, Severity
from shieldwall.sources.workloads import Container, Workload

K8S_IMAGE_LATEST = config_rule(
    id="K8S-IMAGE-LATEST",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.MEDIUM,
    title="Image uses the latest tag or no tag",
    description=(
        "`latest` (or no tag) points at whatever was pushed last: deployments are not "
        "reproducible and a pushed image is picked up without review."
    ),
    remediation="Pin the image to a version tag and preferably a digest (`name:1.2.3@sha256:...`).",
    applies_to=_W,
    cwe=("CWE-1357",),
    references=(_IMAGES,),
)
K8S_IMAGE_NO_DIGEST = config_rule(
    id="K8S-IMAGE-NO-DIGEST",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.INFO,
    title="Image not pinned by digest",
    description=(
        "A tag can be moved to other content at any time; only a digest names exactly the "
        "image that was reviewed and scanned."
    ),
    remediation="Reference the image by digest (`name:1.2.3@sha256:...`), updated by a bot.",
    applies_to=_W,
    cwe=("CWE-1357",),
    references=(_IMAGES,),
)
K8S_IMAGE_PULL_POLICY = config_rule(
    id="K8S-IMAGE-PULL-POLICY",
    control=Control.SUPPLY_CHAIN,
    severity=Severity.LOW,
    title="Mutable image not pulled on every start",
    description=(
        "With `IfNotPresent` or `Never` (the default for tagged images) a node reuses "
        "whatever it cached under that tag, and any pod can start a cached private image "
        "without the pull credentials."
    ),
    remediation="Pin the image by digest, or set `imagePullPolicy: Always`.",
    applies_to=_W,
    cwe=("CWE-1357",),
    references=(_IMAGES,),
)
_BUILT_AT_RELEASE = ("ko://",)
_TEMPLATED = re.compile(r"\$\{|\$\(|\{\{|^\$[A-Za-z_]")


def _split_image(image: str) -> tuple[str, str, str]:
    """(name, tag, digest) of an image reference."""
    rest, _, digest = image.partition("@")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        return rest[:colon], rest[colon + 1 :], digest
    return rest, "", digest


def _image(w: Workload, c: Container, pins: Mapping[str, str]) -> Iterator[Hit]:
    """`pins`: the images a kustomization deploying the file sets a tag or digest for."""
    raw = c.body.get("image")
    if not isinstance(raw, str) or not raw.strip():
        return
    image = raw.strip()
    who = f"container {c.name!r} of {w.id}"
    line = c.body.line_of("image")
    name, tag, digest = _split_image(image)
    if not digest and name in pins:
        # The kustomization's `images:` entry is what is deployed (its tag replaces this one).
        image = f"{name}{pins[name]} (set by the kustomization)"
        _, tag, digest = _split_image(f"{name}{pins[name]}")
    if digest or _TEMPLATED.search(tag) or (not tag and _TEMPLATED.search(image)):
        return  # pinned, or the tag is filled in at deploy time
    if image.lower().startswith(_BUILT_AT_RELEASE):
        return  # a build reference: `ko resolve` replaces it with the image it pushes, by digest
    mutable_default = not tag or tag == "latest"
    if mutable_default:
        what = "the latest tag" if tag else "no tag (latest)"
        yield _hit(K8S_IMAGE_LATEST, w, line, f"{who} uses {image} with {what}", c.key)
    else:
        yield _hit(K8S_IMAGE_NO_DIGEST, w, line, f"{who} uses {image} without a digest", c.key)
    # On a versioned tag K8S-IMAGE-NO-DIGEST already asks for the digest, which
    # settles what the node runs whatever the pull policy: opt-in there.
    opt_in = not mutable_default
    policy = c.body.get("imagePullPolicy")
    if policy is None:
        if not mutable_default:  # the default is IfNotPresent for tagged images
            yield replace(
                _hit(
                    K8S_IMAGE_PULL_POLICY,
                    w,
                    c.line,
                    f"{who} pulls the mutable image {image} only if not present (default policy)",
                    c.key,
                ),
                opt_in=True,
            )
    elif _word(policy) != "always":
        yield _hit(
            K8S_IMAGE_PULL_POLICY,
            w,
            c.body.line_of("imagePullPolicy"),
            f"{who} uses imagePullPolicy: {policy} with the mutable image {image}",
            c.key,
            opt_in,
        )


RULES: tuple[Rule, ...] = (
    K8S_IMAGE_LATEST,
    K8S_IMAGE_NO_DIGEST,
    K8S_IMAGE_PULL_POLICY,
)
