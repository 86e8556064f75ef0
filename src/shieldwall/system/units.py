"""Deployment units: the parts of a repository that are deployed together.

A repository often holds one application several times (a kustomize base, a
directory of plain manifests, a release bundle) or several systems side by
side. Rules about how resources relate (a ServiceAccount shared by workloads, a
NetworkPolicy admitting a datastore's callers, the service map) hold within one
unit only. The units, first match wins:

- `units:` in `.shieldwall.yaml`, a unit name to path globs;
- a Helm chart (a directory with `Chart.yaml`): skipped with a reason, since its
  templates must be rendered first;
- a kustomization that no other kustomization lists: the resources it lists,
  directories and components followed through their own kustomization files. A
  file that two such kustomizations list belongs to both, each reading its own
  build's copy of the file's objects (`K8sObject.root`). When kubectl is on
  PATH and nothing remote is listed, `kubectl kustomize` renders it and only the
  objects it deploys stay (a component may delete one); its patches, namespace
  and names are applied to what the analyzers read (`kustomize_build`);
- a compose project: the compose files of one directory;
- the other manifests, and Dockerfiles, by directory.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from shieldwall.model import Skipped
from shieldwall.sources.manifests import Inventory
from shieldwall.sources.yaml_tree import Document, YMap, YSeq, parse_documents

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_RESOURCE_KEYS = ("resources", "bases", "components")
KIND_CONFIGURED = "configured"
KIND_KUSTOMIZATION = "kustomization"
KIND_COMPOSE = "compose"
KIND_DIRECTORY = "directory"
KIND_HELM = "helm"
_HASHED = re.compile(r"(.+)-[245-9bcdfghkmt]{10}")  # kustomize's name hash suffix


@dataclass(frozen=True, slots=True)
class Unit:
    """Resources deployed together, and the part of the inventory that holds them."""

    kind: str  # configured | kustomization | compose | directory
    path: str  # the unit's directory ("." for the scanned root), or its configured name
    inventory: Inventory
    note: str = ""  # what the reader should know (remote resources not read...)

    @property
    def id(self) -> str:
        """`kustomization:deploy/base`, `directory:release`, `configured:prod`."""
        return f"{self.kind}:{self.path}"


@dataclass(frozen=True, slots=True)
class Units:
    """The units, and the files left out of every unit with the reason."""

    units: tuple[Unit, ...]
    skipped: tuple[Skipped, ...] = ()


@dataclass
class _Kustomization:
    path: str
    directory: str
    component: bool
    entries: list[str] = field(default_factory=list)  # resources, bases, components as written
    pins: dict[str, str] = field(default_factory=dict)  # `images:` name -> the tag or digest set
    labels: list[LabelSet] = field(default_factory=list)  # `commonLabels:`, `labels:`
    body: YMap | None = None  # the kustomization as written


@dataclass(frozen=True, slots=True)
class LabelSet:
    """Labels a kustomization adds to what it deploys: to every object's metadata,
    and to pod templates and selectors as its `commonLabels` (or a `labels:` entry's
    `includeTemplates` / `includeSelectors`) say."""

    pairs: tuple[tuple[str, str], ...]
    templates: bool
    selectors: bool


def _parent(path: str) -> str:
    return posixpath.dirname(path) or "."


def _join(directory: str, entry: str) -> str:
    joined = posixpath.normpath(posixpath.join(directory, entry))
    return "." if joined in ("", ".") else joined


def is_remote(entry: str) -> bool:
    lower = entry.lower()
    return "://" in lower or lower.startswith(("github.com/", "gitlab.com/", "git@", "ssh:"))


def _kustomizations(inventory: Inventory) -> dict[str, _Kustomization]:
    found: dict[str, _Kustomization] = {}
    for path, lines in inventory.lines.items():
        if posixpath.basename(path) not in KUSTOMIZATION_NAMES:
            continue
        docs = [d for d in parse_documents("\n".join(lines)) if isinstance(d, Document)]
        body = docs[0].content if docs else None
        if not isinstance(body, YMap):
            continue
        k = _Kustomization(path, _parent(path), str(body.get("kind") or "") == "Component")
        for key in _RESOURCE_KEYS:
            value = body.get(key)
            if isinstance(value, YSeq):
                k.entries += [str(v) for v in value if isinstance(v, str)]
        k.pins = _pins(body.get("images"))
        k.labels = _label_sets(body)
        k.body = body
        found[k.directory] = k
    return found


def _pins(images: object) -> dict[str, str]:
    """The images an `images:` list pins: name -> `@digest` or `:tag`."""
    pins: dict[str, str] = {}
    for entry in images if isinstance(images, YSeq) else ():
        if not isinstance(entry, YMap) or not isinstance(entry.get("name"), str):
            continue
        digest, tag = entry.get("digest"), entry.get("newTag")
        if isinstance(digest, str) and digest:
            pins[str(entry.get("name"))] = f"@{digest}"
        elif isinstance(tag, (str, int, float)) and str(tag):
            pins[str(entry.get("name"))] = f":{tag}"
    return pins


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, YMap):
        return ()
    return tuple((str(k), str(v)) for k, v in value.items() if v is not None)


def _label_sets(body: YMap) -> list[LabelSet]:
    found = [LabelSet(p, True, True)] if (p := _pairs(body.get("commonLabels"))) else []
    entries = body.get("labels")
    for entry in entries if isinstance(entries, YSeq) else ():
        if isinstance(entry, YMap) and (pairs := _pairs(entry.get("pairs"))):
            selectors = entry.get("includeSelectors") is True
            templates = selectors or entry.get("includeTemplates") is True
            found.append(LabelSet(pairs, templates, selectors))
    return found


def kustomize_labels(inventory: Inventory) -> dict[str, dict[str, list[LabelSet]]]:
    """Per top-level kustomization's build (`K8sObject.root`), per manifest file,
    the labels the kustomizations of that build that deploy the file add; under
    "" (the objects as written), those of every kustomization deploying it."""
    kusts = _kustomizations(inventory)
    files = {o.path for o in inventory.kubernetes}
    out: dict[str, dict[str, list[LabelSet]]] = {}
    members: dict[str, set[str]] = {}
    for directory, k in sorted(kusts.items()):
        if k.labels:
            members[directory] = _members(directory, kusts, files, [], set())
            for f in sorted(members[directory]):
                out.setdefault("", {}).setdefault(f, []).extend(k.labels)
    if not members:
        return out
    for root in {o.root for o in inventory.kubernetes} - {""}:
        reach = _walk(root, kusts) if root in kusts else set()
        for directory in sorted(reach & set(members)):
            for f in sorted(members[directory]):
                out.setdefault(root, {}).setdefault(f, []).extend(kusts[directory].labels)
    return out


def kustomize_pins(inventory: Inventory) -> dict[str, dict[str, str]]:
    """Per manifest file, the images a kustomization that deploys it (directly or
    through the kustomizations it lists) gives a tag or digest with `images:`.
    An inventory of one build's copies (a kustomization's unit): the
    kustomizations of that build only, a later one's tag over an earlier's."""
    kusts = _kustomizations(inventory)
    own = {k.path for k in kusts.values()}  # they run no image
    files = {o.path for o in inventory.kubernetes}
    out: dict[str, dict[str, str]] = {}
    roots = {o.root for o in inventory.kubernetes}
    if len(roots) == 1 and (root := roots.pop()) in kusts:
        for layer in _root_layers(root, kusts, files | own):
            pins = kusts[_parent(layer.path)].pins
            for f in layer.every - own if pins else ():
                out.setdefault(f, {}).update(pins)
        return out
    for directory, k in sorted(kusts.items()):
        if k.pins:
            for f in _members(directory, kusts, files, [], set()) - own:
                out.setdefault(f, {}).update(k.pins)
    return out


@dataclass(frozen=True, slots=True)
class Layer:
    """One kustomization's own transformations, and the manifest files they apply to."""

    path: str  # the kustomization file
    body: YMap
    files: frozenset[str]  # transformed here
    # Everything it deploys (in one top-level kustomization's build, `files`).
    every: frozenset[str] = frozenset()


def kustomize_roots(inventory: Inventory) -> dict[str, list[Layer]]:
    """Per top-level kustomization (one no other lists; not a component), the
    kustomizations its own build goes through, in the order `kustomize build`
    applies them (what one lists before itself), each with the files it
    transforms in that build. Each top-level kustomization is built on its own, as
    `kubectl kustomize DIR` builds it: a base two overlays deploy is transformed
    by each overlay in its own copy."""
    kusts = _kustomizations(inventory)
    # a kustomization's own file: where the objects its generators make are written
    files = {o.path for o in inventory.kubernetes} | {k.path for k in kusts.values()}
    listed = _listed(kusts)
    roots = [d for d in sorted(kusts) if d not in listed and not kusts[d].component]
    return {r: _root_layers(r, kusts, files) for r in roots}


def _root_layers(root: str, kusts: dict[str, _Kustomization], files: set[str]) -> list[Layer]:
    order: list[str] = []

    def visit(directory: str) -> None:
        if directory in order:
            return
        order.append(directory)  # marks it; moved after what it lists below
        for e in kusts[directory].entries:
            t = _join(directory, e)
            if not is_remote(e) and t in kusts:
                visit(t)
        order.remove(directory)
        order.append(directory)

    visit(root)
    parents: dict[str, set[str]] = {}
    for d in order:
        for e in kusts[d].entries:
            t = _join(d, e)
            if not is_remote(e) and t in kusts and t != d:
                parents.setdefault(t, set()).add(d)
    out: list[Layer] = []
    for d in order:
        k = kusts[d]
        # A component transforms what the kustomization listing it deploys.
        scope = parents.get(d, set()) if k.component else {d}
        every = frozenset(f for s in scope for f in _members(s, kusts, files, [], set()))
        if every and k.body is not None:
            out.append(Layer(k.path, k.body, every, every))
    return out


def _members(
    directory: str,
    kusts: dict[str, _Kustomization],
    files: set[str],
    remote: list[str],
    seen: set[str],
) -> set[str]:
    """The files one kustomization deploys, through the kustomizations it lists."""
    if directory in seen:
        return set()
    seen.add(directory)
    own = kusts[directory].path
    out: set[str] = {own} if own in files else set()
    for entry in kusts[directory].entries:
        if is_remote(entry):
            remote.append(entry)
            continue
        target = _join(directory, entry)
        if target in kusts:
            out |= _members(target, kusts, files, remote, seen)
        elif target in files:
            out.add(target)
    return out


def _listed(kusts: dict[str, _Kustomization]) -> set[str]:
    """Kustomization directories another kustomization lists."""
    return {
        t
        for k in kusts.values()
        for e in k.entries
        if not is_remote(e) and (t := _join(k.directory, e)) in kusts and t != k.directory
    }


def _configured(path: str, patterns: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    for name, globs in patterns:
        for glob in globs:
            pattern = glob.rstrip("/")
            if fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, pattern + "/*"):
                return name
    return None


def _charts(files: Iterable[str], chart_files: Iterable[str]) -> dict[str, list[str]]:
    roots = sorted({_parent(c) for c in chart_files}, key=len)
    charts: dict[str, list[str]] = {}
    for f in files:
        for root in roots:
            if root == "." or f.startswith(root + "/"):
                charts.setdefault(root, []).append(f)
                break
    return charts


# Renders a kustomization directory (relative to the scanned root): the (kind, name)
# of the objects it deploys, or why it could not (sources/kustomize.py).
Renderer = Callable[[str], "frozenset[tuple[str, str]] | str"]


def partition(
    inventory: Inventory,
    patterns: tuple[tuple[str, tuple[str, ...]], ...] = (),
    render: Renderer | None = None,
) -> Units:
    """The deployment units of an inventory, in a stable order."""
    k8s_files = {o.path for o in inventory.kubernetes}
    compose_files = {c.path for c in inventory.compose}
    docker_files = {d.path for d in inventory.dockerfiles}
    everything = k8s_files | compose_files | docker_files
    members: dict[tuple[str, str], set[str]] = {}
    notes: dict[tuple[str, str], str] = {}
    placed: set[str] = set()
    for f in sorted(everything):
        name = _configured(f, patterns)
        if name is not None:
            members.setdefault((KIND_CONFIGURED, name), set()).add(f)
            placed.add(f)
    chart_files = [p for p in inventory.lines if posixpath.basename(p) == "Chart.yaml"]
    charts = _charts(sorted(everything - placed), chart_files)
    skipped: list[Skipped] = []
    for root, in_chart in charts.items():
        placed |= set(in_chart)
        skipped.append(
            Skipped(
                posixpath.join(root, "Chart.yaml") if root != "." else "Chart.yaml",
                f"Helm chart: its {len(in_chart)} manifest file(s) are not analysed until the "
                "chart is rendered (`helm template` and scan the output)",
            )
        )
    kusts = _kustomizations(inventory)
    listed = _listed(kusts)
    keep: dict[tuple[str, str], frozenset[tuple[str, str]]] = {}
    for directory in sorted(kusts):
        k = kusts[directory]
        if directory in listed or k.component:
            continue
        remote: list[str] = []
        files = _members(directory, kusts, k8s_files, remote, set()) - placed
        if not files:
            continue
        key = (KIND_KUSTOMIZATION, directory)
        reached = {kusts[d].path for d in _walk(directory, kusts)}
        members[key] = files | (reached & k8s_files)
        if remote:
            notes[key] = f"remote resources not read: {', '.join(sorted(remote)[:3])}"
        elif render is not None:
            rendered = render(directory)
            if isinstance(rendered, str):
                notes[key] = f"{rendered}: its resources are read as listed"
            else:
                keep[key] = rendered
    for (kind, _), unit_files in members.items():
        if kind == KIND_KUSTOMIZATION:
            placed |= unit_files
    for f in sorted(compose_files - placed):
        members.setdefault((KIND_COMPOSE, _parent(f)), set()).add(f)
        placed.add(f)
    kustomization_files = {k.path for k in kusts.values()}
    for f in sorted((k8s_files | docker_files) - placed - kustomization_files):
        members.setdefault((KIND_DIRECTORY, _parent(f)), set()).add(f)
    copies = _copies(inventory)
    units = [
        Unit(
            kind,
            path,
            _sub_inventory(inventory, files, copies(kind, path), keep.get((kind, path))),
            notes.get((kind, path), ""),
        )
        for (kind, path), files in sorted(members.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if files
    ]
    return Units(tuple(units), tuple(skipped))


def _walk(directory: str, kusts: dict[str, _Kustomization]) -> set[str]:
    """The kustomization directories one kustomization reaches, itself included."""
    seen = {directory}
    todo = [directory]
    while todo:
        k = kusts[todo.pop()]
        for e in k.entries:
            t = _join(k.directory, e)
            if not is_remote(e) and t in kusts and t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def _rendered(kind: str, name: str, rendered: frozenset[tuple[str, str]]) -> bool:
    """Is the object among what kustomize rendered (its name maybe prefixed or suffixed)?"""
    if kind in ("Kustomization", "Component") or (kind, name) in rendered:
        return True
    hashed = _HASHED.fullmatch(name)  # a generated name: its hash is kubectl's to give
    name = hashed.group(1) if hashed else name
    return any(k == kind and name in n for k, n in rendered)


def _copies(inventory: Inventory) -> Callable[[str, str], dict[str, str]]:
    """For a unit, which copy of each file's objects it reads (`K8sObject.root`):
    a kustomization's unit its own build's; another unit the objects as written,
    else the first build's that deploys the file (a configured unit's files)."""
    roots: dict[str, set[str]] = {}
    for o in inventory.kubernetes:
        roots.setdefault(o.path, set()).add(o.root)
    first = {f: "" if "" in r else min(r) for f, r in roots.items()}
    built = {r for rs in roots.values() for r in rs}

    def pick(kind: str, path: str) -> dict[str, str]:
        if kind == KIND_KUSTOMIZATION and path in built:
            return {f: path for f in roots}
        return first

    return pick


def _sub_inventory(
    inventory: Inventory,
    files: set[str],
    copy: dict[str, str],
    rendered: frozenset[tuple[str, str]] | None = None,
) -> Inventory:
    return Inventory(
        kubernetes=[
            o
            for o in inventory.kubernetes
            if o.path in files
            and copy.get(o.path) == o.root
            and (rendered is None or _rendered(o.kind, o.name, rendered))
        ],
        compose=[c for c in inventory.compose if c.path in files],
        dockerfiles=[d for d in inventory.dockerfiles if d.path in files],
        skipped=[],
        lines=inventory.lines,
        dotenv=inventory.dotenv,
    )
