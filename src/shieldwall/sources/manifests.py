"""Recognise and load what the configuration analyzers read: Kubernetes
manifests, compose files and Dockerfiles. Each file is read and parsed once;
what cannot be parsed becomes a `Skipped` record with the reason."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any

from shieldwall.errors import SourceError
from shieldwall.model import Skipped
from shieldwall.sources.dockerfile import Dockerfile, parse_dockerfile
from shieldwall.sources.interpolation import (
    Budget,
    DotEnv,
    interpolate_tree,
    parse_dotenv,
    resolve_environment,
    unknown_references,
)
from shieldwall.sources.tree import FileTree, SourceFile
from shieldwall.sources.yaml_tree import BrokenDocument, YMap, YSeq, parse_documents

YAML_SUFFIXES = (".yaml", ".yml")
COMPOSE_NAMES = (
    "compose.yaml",
    "compose.yml",
    "compose.*.yaml",
    "compose.*.yml",
    "docker-compose*.yaml",
    "docker-compose*.yml",
)
_TEMPLATE = re.compile(r"\{\{-?\s*[^}]*\}\}")

# Kinds that are not namespaced: their id has no namespace part.
CLUSTER_SCOPED = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "StorageClass",
        "PriorityClass",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "IngressClass",
        "GatewayClass",
        "RuntimeClass",
        "PodSecurityPolicy",
        "APIService",
        "CSIDriver",
        "VolumeAttachment",
    }
)


@dataclass(frozen=True, slots=True)
class K8sObject:
    """One Kubernetes object from a manifest, with where it was written."""

    path: str
    doc_index: int
    kind: str
    api_version: str
    name: str
    namespace: str  # "" for cluster-scoped kinds
    body: YMap
    # The top-level kustomization directory whose build this copy of the object is
    # ("": the object as written; system/kustomize_build).
    root: str = ""

    @property
    def id(self) -> str:
        if self.namespace:
            return f"{self.kind}/{self.namespace}/{self.name}"
        return f"{self.kind}/{self.name}"

    @property
    def line(self) -> int:
        return self.body.line

    @property
    def metadata(self) -> YMap:
        meta = self.body.get("metadata")
        return meta if isinstance(meta, YMap) else YMap(self.body.line)

    @property
    def labels(self) -> dict[str, str]:
        labels = self.metadata.get("labels")
        return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}

    @property
    def annotations(self) -> dict[str, str]:
        ann = self.metadata.get("annotations")
        return {str(k): str(v) for k, v in ann.items()} if isinstance(ann, dict) else {}


@dataclass(frozen=True, slots=True)
class ComposeFile:
    """A compose file; its `body` interpolated from the `.env` beside it (`dotenv`,
    None when there is none) once every file is read."""

    path: str
    project: str
    body: YMap
    dotenv: DotEnv | None = None

    @property
    def env_file(self) -> str:
        return self.dotenv.path if self.dotenv else ""

    @property
    def services(self) -> dict[str, YMap]:
        services = self.body.get("services")
        if not isinstance(services, YMap):
            return {}
        return {str(k): v for k, v in services.items() if isinstance(v, YMap)}

    def service_id(self, name: str) -> str:
        return f"compose/{self.project}/{name}"


@dataclass(frozen=True, slots=True)
class DockerfileSource:
    path: str
    dockerfile: Dockerfile
    lines: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"Dockerfile/{self.path}"


@dataclass
class Inventory:
    kubernetes: list[K8sObject] = field(default_factory=list)
    compose: list[ComposeFile] = field(default_factory=list)
    dockerfiles: list[DockerfileSource] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # Raw lines of every parsed file, for inline suppressions and snippets.
    lines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Per file, the virtual lines past its end that a kustomize patch wrote into its
    # objects: virtual line -> (the patch's file, its line) (system/kustomize_build).
    line_origins: dict[str, dict[int, tuple[str, int]]] = field(default_factory=dict)
    # Per directory ("" for the root), the variables of its `.env` file: what
    # `docker compose` substitutes for `${NAME}` in a compose file of that directory.
    dotenv: dict[str, DotEnv] = field(default_factory=dict)
    # What the user should know about the inputs although they were read (a compose
    # variable whose value is unknown).
    warnings: list[str] = field(default_factory=list)


# Suffixes that make `dockerfile.<ext>` a source file about Dockerfiles, not one.
_NOT_DOCKERFILE_SUFFIXES = (
    ".py",
    ".pyc",
    ".js",
    ".ts",
    ".go",
    ".rs",
    ".java",
    ".rb",
    ".md",
    ".rst",
    ".txt",
    ".json",
    ".yaml",
    ".yml",
    ".toml",
    ".sh",
    ".html",
    ".lock",
    ".snap",
)


def is_dockerfile(name: str) -> bool:
    """`Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`, `Containerfile` (any case)."""
    lower = name.lower()
    if lower.endswith((".dockerfile", ".containerfile")):
        return True
    for base in ("dockerfile", "containerfile"):
        if lower == base:
            return True
        if lower.startswith(base) and lower[len(base)] in ".-_":
            return not lower.endswith(_NOT_DOCKERFILE_SUFFIXES)
    return False


def is_compose_name(name: str) -> bool:
    return any(fnmatch.fnmatch(name.lower(), pattern) for pattern in COMPOSE_NAMES)


def _looks_like_compose(body: Any) -> bool:
    if not isinstance(body, YMap) or "apiVersion" in body or "kind" in body:
        return False
    services = body.get("services")
    if not isinstance(services, YMap) or not services:
        return False
    keys = {"image", "build", "ports", "volumes", "command", "environment", "networks"}
    return any(isinstance(s, YMap) and keys & set(s) for s in services.values())


def _is_helm_template(file: SourceFile, text: str) -> bool:
    return ("/templates/" in f"/{file.rel}" or file.name.endswith(".tpl")) and bool(
        _TEMPLATE.search(text)
    )


def _k8s_objects(path: str, index: int, body: Any) -> list[K8sObject]:
    if not isinstance(body, YMap):
        return []
    kind = body.get("kind")
    api = body.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api, str):
        return []
    items = body.get("items")
    if kind == "List" or (kind.endswith("List") and isinstance(items, YSeq)):
        out: list[K8sObject] = []
        if isinstance(items, YSeq):
            for item in items:
                out.extend(_k8s_objects(path, index, item))
        return out
    meta = body.get("metadata")
    meta = meta if isinstance(meta, YMap) else YMap(body.line)
    name = str(meta.get("name") or meta.get("generateName") or "unnamed")
    namespace = "" if kind in CLUSTER_SCOPED else str(meta.get("namespace") or "default")
    return [K8sObject(path, index, kind, api, name, namespace, body)]


def object_from_body(path: str, index: int, body: YMap) -> K8sObject | None:
    """The one Kubernetes object a parsed mapping is (None: not one, or a List)."""
    found = _k8s_objects(path, index, body)
    return found[0] if len(found) == 1 and found[0].body is body else None


def load_inventory(tree: FileTree, max_bytes: int) -> Inventory:
    inv = Inventory()
    for file in tree.files:
        try:
            _load_file(inv, file, max_bytes)
        except (RecursionError, MemoryError) as exc:  # one hostile file costs itself only
            inv.skipped.append(Skipped(file.rel, f"nested too deeply ({type(exc).__name__})"))
    inv.compose = [_interpolated(inv, cf) for cf in inv.compose]
    return inv


def _interpolated(inv: Inventory, cf: ComposeFile) -> ComposeFile:
    """A compose file as `docker compose` reads it: its values interpolated from the
    `.env` file beside it (only that file: a scan reads no process environment), each
    still at its line. A variable neither set there nor defaulted stays as written and
    is named in a warning: its value is unknown."""
    folder = cf.path.rsplit("/", 1)[0] if "/" in cf.path else ""
    dotenv = inv.dotenv.get(folder)
    try:
        values = dotenv.values if dotenv else {}
        body = interpolate_tree(cf.body, values, Budget())
        services = body.get("services")
        for service in services.values() if isinstance(services, YMap) else ():
            resolve_environment(service, values)
        unknown = dict.fromkeys(unknown_references(body))
    except (RecursionError, MemoryError):
        return cf  # as written: the values stay references
    if unknown:
        shown = ", ".join(f"{name} (line {line})" for name, line in list(unknown)[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        where = dotenv.path if dotenv else "a .env file beside it"
        inv.warnings.append(
            f"{cf.path}: values unknown, checked as written: {shown}{more} (set neither in "
            f"{where} nor by a default, or past the interpolation bounds); a default "
            "(`${NAME:-value}`) lets a port or image be checked; keep credentials out of "
            "committed files"
        )
    name = body.get("name")
    project = name if isinstance(name, str) and name and "$" not in name else cf.project
    return ComposeFile(cf.path, project, body, dotenv)


def _load_file(inv: Inventory, file: SourceFile, max_bytes: int) -> None:
    name = file.name
    if is_dockerfile(name):
        try:
            text = file.read_text(max_bytes)
        except SourceError as err:
            inv.skipped.append(Skipped(file.rel, err.message))
            return
        parsed = parse_dockerfile(text, file.rel)
        lines = tuple(text.splitlines())
        inv.lines[file.rel] = lines
        inv.dockerfiles.append(DockerfileSource(file.rel, parsed, lines))
    elif name.lower().endswith(YAML_SUFFIXES):
        _load_yaml(inv, file, max_bytes)
    elif name == ".env":
        try:
            text = file.read_text(max_bytes)
        except SourceError:
            return  # the secrets analyzer reports what it cannot read
        folder = file.rel.rsplit("/", 1)[0] if "/" in file.rel else ""
        inv.dotenv[folder] = parse_dotenv(text, file.rel)


def _load_yaml(inv: Inventory, file: SourceFile, max_bytes: int) -> None:
    try:
        text = file.read_text(max_bytes)
    except SourceError as err:
        inv.skipped.append(Skipped(file.rel, err.message))
        return
    if _is_helm_template(file, text):
        inv.skipped.append(
            Skipped(
                file.rel,
                "Helm template (Go template syntax) not parsed: render the chart with "
                "`helm template` and scan the output",
            )
        )
        return
    inv.lines[file.rel] = tuple(text.splitlines())
    compose_name = is_compose_name(file.name)
    for doc in parse_documents(text):
        if isinstance(doc, BrokenDocument):
            reason = doc.error.message
            if _TEMPLATE.search(text):
                reason += " (the file contains template syntax: render it first)"
            prefix = f"document {doc.index + 1}: " if doc.index else ""
            inv.skipped.append(Skipped(file.rel, prefix + reason))
            continue
        if compose_name or _looks_like_compose(doc.content):
            if isinstance(doc.content, YMap):
                inv.compose.append(
                    ComposeFile(file.rel, _project_name(file, doc.content), doc.content)
                )
            continue
        inv.kubernetes.extend(_k8s_objects(file.rel, doc.index, doc.content))


def _project_name(file: SourceFile, body: YMap) -> str:
    name = body.get("name")
    if isinstance(name, str) and name:
        return name
    parent = file.rel.rsplit("/", 1)[0] if "/" in file.rel else file.root.name
    return parent.rsplit("/", 1)[-1].lower() or "default"
