"""What `kustomize build` does to the objects a kustomization deploys, applied to
the parsed objects before any rule reads them, kustomization by kustomization
(what one lists first), each in kustomize's order: generators
(`configMapGenerator:`, `secretGenerator:`, `kustomize_generate`: new objects
written in the kustomization's file, or merged into / replacing a base's),
strategic merge patches
(`patchesStrategicMerge:`, `patches:`), `namespace:`, `namePrefix:` /
`nameSuffix:`, JSON 6902 patches (`patchesJson6902:`, and `patches:` whose
patch is a list of operations, applied with the others of `patches:`),
`replicas:`, `replacements:` (`kustomize_replace`); after every kustomization,
the content hash appended to generated names and to the references to them,
then `vars:` (`kustomize_vars`).
Labels and `images:` are applied elsewhere (`kustomize_labels`, the image rules).
Each top-level kustomization is built on its own copy of the objects its
resources reach, as `kubectl kustomize DIR` builds it (`apply_kustomize_build`).

A value a patch or a kustomization writes gets a virtual line past the end of
the object's file, remembered in `Inventory.line_origins`; `relocate` moves a
finding there to the patch's (or kustomization's) own file and line. A patch
that does not apply, or selects nothing, is reported as skipped with its file
and line; the objects keep what applied before it. Patch files that no
kustomization lists as a resource are not deployed and are left out."""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from typing import Any

import re2

from shieldwall.model import Finding, Location, Skipped
from shieldwall.sources.kustomize_files import inside
from shieldwall.sources.manifests import CLUSTER_SCOPED, Inventory, K8sObject, object_from_body
from shieldwall.sources.yaml_tree import Document, YMap, YSeq, copied, parse_documents
from shieldwall.system.kustomize_generate import (
    Generator,
    Reader,
    add_items,
    name_suffix,
    new_body,
    read_generators,
)
from shieldwall.system.kustomize_patch import (
    MAX_COPIED,
    PatchError,
    apply_json6902,
    merge,
    shifted,
    size_of,
)
from shieldwall.system.kustomize_refs import rename_references
from shieldwall.system.kustomize_replace import (
    ReplaceError,
    find,
    source_value,
    target_value,
)
from shieldwall.system.kustomize_vars import substitute, var_value
from shieldwall.system.units import Layer, is_remote, kustomize_roots

# A target's name is a Go regular expression, which RE2 reads the same way and
# matches in time linear in the name whatever the pattern: a kustomization in a
# hostile repository cannot stall the scan with a backtracking pattern.
_RE2 = re2.Options()
_RE2.log_errors = False
_UNESCAPE = re.compile(r"\\(.)")  # what re.escape added
_REPLICATED = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
_NOT_BUILT = frozenset({"Kustomization", "Component"})  # a kustomization file's own kind
# Objects built for all top-level kustomizations together: N overlays over a deep
# tree of bases each copy the whole tree; past this, a build is not applied.
MAX_RENDERED = 20_000


class _Build:
    def __init__(
        self, inventory: Inventory, read: Reader | None, blocks: dict[tuple[str, str], int]
    ) -> None:
        self.inv = inventory
        # patches (file, line) that selected nothing in this build, and something
        self.unmatched: dict[tuple[str, int], str] = {}
        self.matched: set[tuple[str, int]] = set()
        self.read = read
        # generated bodies: id -> (the generator's kustomization, its line, hash the name?)
        self.generated: dict[int, tuple[str, int, bool]] = {}
        self.copied = 0  # values the current replacement copied
        self.names: dict[int, set[str]] = {}  # object index -> every name it had
        self.patch_files: set[str] = set()
        self.deleted: set[int] = set()  # bodies a `$patch: delete` removed
        self.blocks = blocks  # (object file, patch file) -> shift

    # --- virtual lines -----------------------------------------------------

    def shift(self, target: str, source: str) -> int:
        """Offset that makes `source`'s line L a virtual line of `target`."""
        known = self.blocks.get((target, source))
        if known is not None:
            return known
        table = self.inv.line_origins.setdefault(target, {})
        start = max(len(self.inv.lines.get(target, ())), max(table, default=0)) + 1
        for line in range(1, len(self.inv.lines.get(source, ())) + 2):
            table[start + line] = (source, line)
        self.blocks[(target, source)] = start
        return start

    def at(self, target: str, source: str, line: int) -> int:
        """The line, in `target`'s objects, of `source`'s line `line`."""
        return line if source == target else self.shift(target, source) + line

    # --- selection ---------------------------------------------------------

    def objects(self, layer: Layer) -> list[int]:
        return [
            i
            for i, o in enumerate(self.inv.kubernetes)
            if o.path in layer.files and o.kind not in _NOT_BUILT
        ]

    def named(self, i: int, name: str) -> bool:
        return name == self.inv.kubernetes[i].name or name in self.names.get(i, ())

    def chosen(
        self, layer: Layer, indexes: list[int], target: YMap, source: str, line: int
    ) -> list[int]:
        """The objects a patch's target selects. None: remembered with the patch's
        line, reported if no other build uses the patch (`apply_kustomize_build`)."""
        found = [i for i in indexes if self._selects(i, target)]
        if not found:
            what = f"selects no object that {layer.path} deploys ({_describe(target)})"
            remote = [e for e in _listed_entries(layer.body) if is_remote(e)]
            if remote:
                what += f"; its remote resources are not read ({remote[0]})"
            self.unmatched.setdefault((source, line), what)
        elif found:
            self.matched.add((source, line))
        return found

    def _selects(self, i: int, target: YMap) -> bool:
        obj = self.inv.kubernetes[i]
        group, _, version = obj.api_version.rpartition("/")
        for key, have in (("kind", obj.kind), ("group", group), ("version", version)):
            want = target.get(key)
            if want is not None and str(want) != have:
                return False
        name = target.get("name")
        if name is not None and not any(
            _matches(str(name), n) for n in {obj.name, *self.names.get(i, ())}
        ):
            return False
        ns = target.get("namespace")
        if ns is not None and str(ns) != obj.namespace:
            return False
        return _selector(target.get("labelSelector"), obj.labels) and _selector(
            target.get("annotationSelector"), obj.annotations
        )

    # --- the steps ---------------------------------------------------------

    def layer(self, layer: Layer) -> None:
        self.generate(layer)
        indexes = self.objects(layer)
        body = layer.body
        json_patches: list[tuple[YMap | None, Any, str, int]] = []
        for entry, target, line in _targeted(body, "patchesStrategicMerge"):
            self.patch(layer, indexes, entry, target, line, json_patches)
        for entry, target, line in _targeted(body, "patches"):
            self.patch(layer, indexes, entry, target, line, json_patches)
        self.refresh(indexes)
        self.namespace(layer, indexes)
        self.rename(layer, indexes)
        for entry, target, line in _targeted(body, "patchesJson6902"):
            self.patch(layer, indexes, entry, target or YMap(line), line, json_patches)
        for target, ops, source, shift in json_patches:
            self.json6902(layer, indexes, target, ops, source, shift)
        self.replicas(layer, indexes)
        for entry, line in _entries(layer.body, "replacements"):
            self.replacement(layer, indexes, entry, line)
        self.refresh(indexes)

    # --- generators --------------------------------------------------------

    def generate(self, layer: Layer) -> None:
        """Add what the layer's generators generate, or merge it into the bases'."""
        gens, skipped = read_generators(layer.path, layer.body, self.read, self.inv.lines)
        self.inv.skipped.extend(skipped)
        existing = self.objects(layer)
        for gen in gens:
            found = [i for i in existing if self.generates(i, gen)]
            if gen.behavior == "create" and found:
                why = f"{gen.kind} {gen.name} is generated by a base too"
                self.gen_fail(gen, why + ": use behavior merge or replace")
            elif gen.behavior == "create":
                body = new_body(gen, lambda source, line: self.at(layer.path, source, line))
                obj = object_from_body(layer.path, len(self.inv.kubernetes), body)
                if obj is not None:
                    self.inv.kubernetes.append(obj)
                    self.generated[id(body)] = (gen.path, gen.line, gen.hashed)
            elif not found:
                self.gen_fail(gen, f"no {gen.kind} {gen.name} from the bases to {gen.behavior}")
            for i in found if gen.behavior != "create" else ():
                self.regenerate(i, gen)

    def generates(self, i: int, gen: Generator) -> bool:
        """Is object `i` the one the generator names, in its namespace?"""
        obj = self.inv.kubernetes[i]
        return (
            obj.kind == gen.kind
            and self.named(i, gen.name)
            and gen.namespace in ("", obj.namespace)
        )

    def regenerate(self, i: int, gen: Generator) -> None:
        obj = self.inv.kubernetes[i]
        if gen.behavior == "replace":
            obj.body.pop("data", None)
            obj.body.pop("binaryData", None)
        add_items(obj.body, gen, lambda source, line: self.at(obj.path, source, line))
        if id(obj.body) in self.generated:
            path, line, _ = self.generated[id(obj.body)]
            self.generated[id(obj.body)] = (path, line, gen.hashed)

    def gen_fail(self, gen: Generator, message: str) -> None:
        self.inv.skipped.append(
            Skipped(gen.path, f"line {gen.line}: kustomize generator not applied: {message}")
        )

    def hash_names(self, layers: list[Layer]) -> None:
        """Append the content hash to generated names, and to the references to them."""
        by_file: dict[str, list[K8sObject]] = {}
        for obj in self.inv.kubernetes:
            by_file.setdefault(obj.path, []).append(obj)
        for i, obj in enumerate(self.inv.kubernetes):
            made = self.generated.get(id(obj.body))
            if made is None or not made[2] or id(obj.body) in self.deleted:
                continue
            path, line, _ = made
            new = f"{obj.name}-{name_suffix(obj.body)}"
            _set(obj.body, ("metadata", "name"), new, line)
            renames = {(obj.kind, obj.name): new}
            self.names.setdefault(i, set()).add(obj.name)
            scope = {f for layer in layers if obj.path in layer.every for f in layer.every}
            for other in (o for f in scope for o in by_file.get(f, ())):
                rename_references(other, renames, self.at(other.path, path, line))
            self.inv.kubernetes[i] = replace(obj, name=new)

    # --- vars ----------------------------------------------------------------

    def resolve_vars(self, layers: list[Layer]) -> None:
        """`$(NAME)` replaced by each kustomization's vars in what its builds deploy."""
        for layer in layers:
            values: dict[str, str] = {}
            for entry, line in _entries(layer.body, "vars"):
                value = self.var(layer, entry) if isinstance(entry, YMap) else None
                if value is None:
                    what = "its objref names no one object, or its fieldref no field"
                    self.inv.skipped.append(
                        Skipped(layer.path, f"line {line}: kustomize var not applied: {what}")
                    )
                elif isinstance(entry, YMap):
                    values[str(entry.get("name"))] = value
            if not values:
                continue
            scope = {f for other in layers if layer.path in other.every for f in other.every}
            for obj in self.inv.kubernetes:
                if obj.path in scope and obj.kind not in _NOT_BUILT:
                    substitute(obj, values)

    def var(self, layer: Layer, entry: YMap) -> str | None:
        ref = entry.get("objref")
        if not isinstance(ref, YMap) or not isinstance(entry.get("name"), str):
            return None
        found = [
            i
            for i, o in enumerate(self.inv.kubernetes)
            if o.path in layer.every
            and o.kind == ref.get("kind")
            and self.named(i, str(ref.get("name")))
            and ref.get("apiVersion") in (None, o.api_version)
        ]
        if len(found) != 1:
            return None
        return var_value(self.inv.kubernetes[found[0]], entry.get("fieldref"))

    # --- replacements ------------------------------------------------------

    def replacement(self, layer: Layer, indexes: list[int], entry: Any, line: int) -> None:
        """One `replacements:` entry (or the file its `path:` names) applied."""
        source_file = layer.path
        if isinstance(entry, YMap) and isinstance(entry.get("path"), str):
            loaded = self.load(layer, entry, line)
            if loaded is None:
                return
            source_file, docs = loaded
            for doc, _ in docs:
                for item in doc if isinstance(doc, YSeq) else [doc]:
                    self.replace_one(layer, indexes, item, source_file)
            return
        self.replace_one(layer, indexes, entry, source_file)

    def replace_one(self, layer: Layer, indexes: list[int], entry: Any, file: str) -> None:
        line = entry.line if isinstance(entry, (YMap, YSeq)) else 0
        source = entry.get("source") if isinstance(entry, YMap) else None
        if not isinstance(source, YMap):
            self.replace_fail(file, line, "a replacement needs a `source`")
            return
        wanted = YMap(source.line)
        for key in ("kind", "group", "version", "namespace", "name"):
            if source.get(key) is not None:
                wanted[key] = re.escape(str(source[key])) if key == "name" else source[key]
        readable = [  # what the build deploys
            i
            for i, o in enumerate(self.inv.kubernetes)
            if o.path in layer.every and o.kind not in _NOT_BUILT
        ]
        found = [i for i in readable if self._selects(i, wanted)]
        if len(found) != 1:
            what = f"its source selects {len(found)} objects ({_describe(wanted)}), not one"
            self.replace_fail(file, source.line, what)
            return
        origin = self.inv.kubernetes[found[0]]
        path = str(source.get("fieldPath") or "metadata.name")
        places = find(origin.body, path)
        try:
            if len(places) != 1:
                raise ReplaceError(f"{path} is not one field of {origin.id}")
            value = source_value(places[0].value, source.get("options"))
        except ReplaceError as err:
            self.replace_fail(file, source.line, str(err))
            return
        from_line = self.inv.line_origins.get(origin.path, {}).get(places[0].line)
        written = from_line or (origin.path, places[0].line)
        targets = entry.get("targets")
        self.copied = 0
        for target in targets if isinstance(targets, YSeq) else ():
            if isinstance(target, YMap):
                self.replace_in(indexes, target, (value, origin.path), written, file)

    def replace_in(
        self,
        indexes: list[int],
        target: YMap,
        copied: tuple[Any, str],
        written: tuple[str, int],
        file: str,
    ) -> None:
        """Write the value copied (from an object's file) into the targets' fields:
        a map or list is copied, its lines moved to the target's file; a replacement
        copies at most MAX_COPIED values (a hostile one could double them each time)."""
        value, origin = copied
        select = target.get("select")
        select = select if isinstance(select, YMap) else YMap(target.line)
        rejects = _maps(target.get("reject"))
        options = target.get("options")
        create = isinstance(options, YMap) and options.get("create") is True
        paths = target.get("fieldPaths")
        paths = paths if isinstance(paths, YSeq) else YSeq(target.line)
        for i in indexes:
            if not self._selects(i, select) or any(self._selects(i, r) for r in rejects):
                continue
            obj = self.inv.kubernetes[i]
            at = self.at(obj.path, *written)
            for n, path in enumerate(paths):
                places = find(obj.body, str(path), create, at)
                if not places:
                    what = f"{path} is not a field of {obj.id} (set `options.create`)"
                    self.replace_fail(file, paths.line_of(n), what)
                for place in places:
                    new = target_value(place.value, value, options)
                    if isinstance(new, (YMap, YSeq)):
                        self.copied += size_of(new)
                        if self.copied > MAX_COPIED:
                            what = f"its targets copy more than {MAX_COPIED:,} values"
                            self.replace_fail(file, target.line, what)
                            return
                        new = shifted(new, self.at(obj.path, origin, 0))
                    place.parent[place.key] = new
                    if isinstance(place.parent, YMap):
                        place.parent.key_lines[place.key] = at
                    elif place.key < len(place.parent.item_lines):
                        place.parent.item_lines[place.key] = at

    def replace_fail(self, file: str, line: int, message: str) -> None:
        self.inv.skipped.append(
            Skipped(file, f"line {line}: kustomize replacement not applied: {message}")
        )

    def fail(self, source: str, line: int, message: str) -> None:
        self.inv.skipped.append(
            Skipped(source, f"line {line}: kustomize patch not applied: {message}")
        )

    def patch(
        self,
        layer: Layer,
        indexes: list[int],
        entry: Any,
        target: YMap | None,
        line: int,
        json_patches: list[tuple[YMap | None, Any, str, int]],
    ) -> None:
        loaded = self.load(layer, entry, line)
        if loaded is None:
            return
        source, docs = loaded
        for doc, shift in docs:
            if isinstance(doc, YSeq):  # JSON 6902 operations
                json_patches.append((target, doc, source, shift))
            elif isinstance(doc, YMap):
                self.strategic(layer, indexes, target, doc, source, shift)
            else:
                what = "a patch is a map (strategic merge) or a list of operations (JSON 6902)"
                self.fail(source, (entry.line if isinstance(entry, YMap) else line), what)

    def load(self, layer: Layer, entry: Any, line: int) -> tuple[str, list[tuple[Any, int]]] | None:
        """The patch's documents, each with the shift of its lines, or None (reported)."""
        directory = posixpath.dirname(layer.path)
        path = entry.get("path") if isinstance(entry, YMap) else None
        text = entry.get("patch") if isinstance(entry, YMap) else entry
        if isinstance(path, str) or (  # a patchesStrategicMerge entry may be a file name
            isinstance(entry, str) and "\n" not in entry and ":" not in entry
        ):
            source = posixpath.normpath(posixpath.join(directory, str(path or text)))
            if source not in self.inv.lines and not self.read_patch(layer, str(path or text)):
                self.fail(
                    layer.path,
                    line,
                    f"patch file {source} is not among the scanned YAML files",
                )
                return None
            self.patch_files.add(source)
            text, base_line = "\n".join(self.inv.lines[source]), 0
        elif isinstance(text, str):
            source = layer.path
            base_line = entry.line_of("patch") if isinstance(entry, YMap) else line
            if "\n" not in text.strip():
                base_line -= 1  # on the key's own line, not a block below it
        else:
            self.fail(layer.path, line, "a patch needs `path` or `patch`")
            return None
        docs: list[tuple[Any, int]] = []
        for doc in parse_documents(text):
            if not isinstance(doc, Document):
                self.fail(source, doc.start_line + base_line, f"invalid YAML: {doc.error.message}")
                return None
            if doc.content is not None:
                docs.append((doc.content, base_line))
        return source, docs

    def read_patch(self, layer: Layer, entry: str) -> bool:
        """Read a patch file the inventory does not hold (JSON), as generator files
        are read (inside the kustomization's directory); its lines are remembered."""
        directory = posixpath.dirname(layer.path) or "."
        rel = inside(directory, entry)
        data = self.read(directory, rel) if self.read is not None and rel else None
        if not isinstance(data, bytes):
            return False
        self.inv.lines[rel or entry] = tuple(data.decode("utf-8", "replace").splitlines())
        return True

    def strategic(
        self,
        layer: Layer,
        indexes: list[int],
        target: YMap | None,
        doc: YMap,
        source: str,
        base: int,
    ) -> None:
        explicit = target is not None
        if target is None:
            meta = doc.get("metadata")
            meta = meta if isinstance(meta, YMap) else YMap(doc.line)
            target = YMap(doc.line)
            for key, value in (
                ("kind", doc.get("kind")),
                ("name", meta.get("name")),
                ("namespace", meta.get("namespace")),
            ):
                if value is not None:
                    target[key] = re.escape(str(value)) if key == "name" else value
        for i in self.chosen(layer, indexes, target, source, doc.line + base):
            obj = self.inv.kubernetes[i]
            if doc.get("$patch") == "delete":  # the object leaves the build
                self.deleted.add(id(obj.body))
                continue
            shift = self.shift(obj.path, source) + base
            patch = doc
            if explicit and isinstance(doc.get("metadata"), YMap):
                patch = YMap(doc.line)  # the patch's own name is not a rename of each target
                for key, value in doc.items():
                    patch[key] = value
                    patch.key_lines[key] = doc.line_of(key)
                meta = YMap(doc["metadata"].line)
                for key, value in doc["metadata"].items():
                    if key not in ("name", "namespace"):
                        meta[key] = value
                        meta.key_lines[key] = doc["metadata"].line_of(key)
                patch["metadata"] = meta
            merge(obj.body, patch, shift)

    def json6902(
        self,
        layer: Layer,
        indexes: list[int],
        target: YMap | None,
        ops: YSeq,
        source: str,
        base: int,
    ) -> None:
        if target is None:
            self.fail(source, ops.line + base, "a JSON 6902 patch needs a `target`")
            return
        for i in self.chosen(layer, indexes, target, source, ops.line + base):
            obj = self.inv.kubernetes[i]
            shift = self.shift(obj.path, source) + base
            try:
                apply_json6902(obj.body, ops, shift)
            except PatchError as err:
                self.fail(source, err.line - shift + base, f"{err} (in {obj.id})")

    def namespace(self, layer: Layer, indexes: list[int]) -> None:
        ns = layer.body.get("namespace")
        if not isinstance(ns, str) or not ns:
            return
        accounts = {
            (o.name, o.namespace)
            for i in indexes
            if (o := self.inv.kubernetes[i]).kind == "ServiceAccount"
        }
        for i in indexes:
            obj = self.inv.kubernetes[i]
            line = self.shift(obj.path, layer.path) + layer.body.line_of("namespace")
            if obj.kind not in CLUSTER_SCOPED:
                _set(obj.body, ("metadata", "namespace"), ns, line)
            if obj.kind in ("RoleBinding", "ClusterRoleBinding"):
                for subject in _maps(obj.body.get("subjects")):
                    name, where = (
                        str(subject.get("name") or ""),
                        str(subject.get("namespace") or "default"),
                    )
                    own = subject.get("kind") == "ServiceAccount" and (name, where) in accounts
                    if name == "default" or own:
                        subject["namespace"] = ns
                        subject.key_lines["namespace"] = line

    def rename(self, layer: Layer, indexes: list[int]) -> None:
        prefix, suffix = layer.body.get("namePrefix"), layer.body.get("nameSuffix")
        prefix = prefix if isinstance(prefix, str) else ""
        suffix = suffix if isinstance(suffix, str) else ""
        if not prefix and not suffix:
            return
        key = "namePrefix" if prefix else "nameSuffix"
        renames: dict[tuple[str, str], str] = {}
        for i in indexes:
            obj = self.inv.kubernetes[i]
            if obj.kind == "CustomResourceDefinition":
                continue
            new = f"{prefix}{obj.name}{suffix}"
            renames[(obj.kind, obj.name)] = new
            line = self.shift(obj.path, layer.path) + layer.body.line_of(key)
            _set(obj.body, ("metadata", "name"), new, line)
            self.names.setdefault(i, set()).add(obj.name)
        for i in indexes:
            obj = self.inv.kubernetes[i]
            rename_references(
                obj, renames, self.shift(obj.path, layer.path) + layer.body.line_of(key)
            )

    def replicas(self, layer: Layer, indexes: list[int]) -> None:
        for entry, _ in _entries(layer.body, "replicas"):
            if not isinstance(entry, YMap) or not isinstance(entry.get("count"), int):
                continue
            name = str(entry.get("name") or "")
            for i in indexes:
                obj = self.inv.kubernetes[i]
                if obj.kind in _REPLICATED and self.named(i, name):
                    at = self.shift(obj.path, layer.path) + entry.line_of("count")
                    _set(obj.body, ("spec", "replicas"), entry["count"], at)

    def refresh(self, indexes: list[int]) -> None:
        """Objects' names and namespaces as their bodies now say."""
        for i in indexes:
            obj = self.inv.kubernetes[i]
            meta = obj.body.get("metadata")
            if not isinstance(meta, YMap):
                continue
            name = str(meta.get("name") or meta.get("generateName") or obj.name)
            ns = "" if obj.kind in CLUSTER_SCOPED else str(meta.get("namespace") or "default")
            if (name, ns) != (obj.name, obj.namespace):
                self.inv.kubernetes[i] = replace(obj, name=name, namespace=ns)


def apply_kustomize_build(inventory: Inventory, read: Reader | None = None) -> None:
    """Build each top-level kustomization on its own, as `kubectl kustomize DIR`
    does: a copy of every object its resources reach, named with the build
    (`K8sObject.root`), gets its generators, patches, namespace, name
    prefix/suffix, replicas, replacements, name hashes and vars (see the module's
    docstring); `read` reads the files generators name (None: they are reported
    as not read). The objects as written stay for the files no build deploys,
    and for a build past `MAX_RENDERED` objects (a `skipped` record says so)."""
    roots = kustomize_roots(inventory)
    if not roots:
        return
    written = inventory.kubernetes
    by_file: dict[str, list[K8sObject]] = {}
    for o in written:
        by_file.setdefault(o.path, []).append(o)
    blocks: dict[tuple[str, str], int] = {}  # virtual lines, shared by the builds
    built: list[K8sObject] = []
    covered: set[str] = set()  # files some build deploys
    unbuilt: set[str] = set()  # files of a build past the bound
    patch_files: set[str] = set()
    unmatched: dict[tuple[str, int], str] = {}
    matched: set[tuple[str, int]] = set()
    for root, layers in roots.items():
        files = set().union(*(layer.every for layer in layers)) if layers else set()
        objects = [o for f in sorted(files) for o in by_file.get(f, ())]
        if len(built) + len(objects) > MAX_RENDERED:
            unbuilt |= files
            what = (
                f"kustomize build not applied: {len(built):,} objects already built for "
                f"other kustomizations (at most {MAX_RENDERED:,}); its {len(objects):,} "
                "objects are read as written"
            )
            inventory.skipped.append(Skipped(layers[-1].path if layers else root, what))
            continue
        own = Inventory(
            kubernetes=[replace(o, body=copied(o.body), root=root) for o in objects],
            lines=inventory.lines,
            line_origins=inventory.line_origins,
        )
        build = _Build(own, read, blocks)
        for layer in layers:
            build.layer(layer)
        build.hash_names(layers)
        build.resolve_vars(layers)
        covered |= files
        patch_files |= build.patch_files
        built += [
            replace(o, root=root)  # a generated object is this build's too
            for o in own.kubernetes
            if (o.path not in build.patch_files or o.path in files)
            and id(o.body) not in build.deleted
        ]
        known = set(inventory.skipped)
        inventory.skipped.extend(s for s in dict.fromkeys(own.skipped) if s not in known)
        unmatched.update({k: v for k, v in build.unmatched.items() if k not in unmatched})
        matched |= build.matched
    # A patch that selects nothing in one build but something in another is what
    # kustomize does with a target: reported only when no build it is part of uses it.
    for (source, line), what in unmatched.items():
        if (source, line) not in matched:
            inventory.skipped.append(
                Skipped(source, f"line {line}: kustomize patch not applied: {what}")
            )
    inventory.kubernetes[:] = [
        o
        for o in written
        if (o.path not in covered or o.path in unbuilt)
        and (o.path not in patch_files or o.path in covered)
    ] + built


def relocate(findings: list[Finding], inventory: Inventory) -> list[Finding]:
    """Findings at a virtual line moved to the patch or kustomization that wrote it."""
    if not inventory.line_origins:
        return findings
    out = []
    for f in findings:
        origin = inventory.line_origins.get(f.location.path, {}).get(f.location.start_line)
        if origin is not None:
            path, line = origin
            end = inventory.line_origins[f.location.path].get(f.location.end_line)
            last = end[1] if end is not None and end[0] == path and end[1] >= line else line
            f = replace(f, location=Location(path, line, last))
        out.append(f)
    return out


def _entries(body: YMap, key: str) -> list[tuple[Any, int]]:
    value = body.get(key)
    return [(v, value.line_of(i)) for i, v in enumerate(value)] if isinstance(value, YSeq) else []


def _targeted(body: YMap, key: str) -> list[tuple[Any, YMap | None, int]]:
    """A patch list's entries with their `target:` (None: the patch names its own)."""
    out: list[tuple[Any, YMap | None, int]] = []
    for entry, line in _entries(body, key):
        target = entry.get("target") if isinstance(entry, YMap) else None
        if isinstance(entry, YMap) or (isinstance(entry, str) and key == "patchesStrategicMerge"):
            out.append((entry, target if isinstance(target, YMap) else None, line))
    return out


def _listed_entries(body: YMap) -> list[str]:
    """What a kustomization lists: its resources, bases and components."""
    return [
        str(v)
        for key in ("resources", "bases", "components")
        for v, _ in _entries(body, key)
        if isinstance(v, str)
    ]


def _maps(value: object) -> list[YMap]:
    return [v for v in value if isinstance(v, YMap)] if isinstance(value, YSeq) else []


def _set(node: YMap, keys: tuple[str, ...], value: Any, line: int) -> None:
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, YMap):
            child = YMap(line)
            node[key] = child
            node.key_lines[key] = line
        node = child
    node[keys[-1]] = value
    node.key_lines[keys[-1]] = line


def _matches(pattern: str, name: str) -> bool:
    """The name matched whole by the target's pattern, as kustomize does; a
    pattern RE2 cannot read (a back-reference) is a literal name."""
    try:
        return re2.compile(pattern, _RE2).fullmatch(name) is not None
    except re2.error:
        return pattern == name


def _selector(selector: object, labels: dict[str, str]) -> bool:
    """Equality-based selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`); set-based ones
    (`a in (x)`) are not read and match."""
    if not isinstance(selector, str) or not selector.strip():
        return True
    for term in (t.strip() for t in selector.split(",")):
        if "!=" in term:
            key, value = (s.strip() for s in term.split("!=", 1))
            if labels.get(key) == value:
                return False
        elif "=" in term:
            key, value = (s.strip() for s in term.replace("==", "=").split("=", 1))
            if labels.get(key) != value:
                return False
        elif term.startswith("!"):
            if term[1:].strip() in labels:
                return False
        elif " " not in term and term and term not in labels:
            return False
    return True


def _describe(target: YMap) -> str:
    """`kind=Deployment, name=api`, as the user wrote them (a name unescaped)."""
    parts = []
    for key in ("kind", "name", "namespace", "labelSelector"):
        if key in target:
            value = str(target[key])
            shown = _UNESCAPE.sub(r"\1", value) if key == "name" else value
            parts.append(f"{key}={shown}")
    return ", ".join(parts) or "any"
