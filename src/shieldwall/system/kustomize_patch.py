"""Kustomize patches applied to parsed objects, in place, remembering lines.

Strategic merge patches (the common cases of Kubernetes' strategic merge: maps
merged, `null` deleting a key, lists of containers, volumes, env, ports, mounts
merged by their merge keys, `$patch: delete` / `$patch: replace`) and JSON 6902
patches (RFC 6902: add, remove, replace, move, copy, test). A value a patch
writes is a copy of the patch's node whose lines are *virtual*: `shift` added to
the patch's own line, so a finding about it can be moved to the patch's file and
line afterwards (`kustomize_build.relocate`)."""

from __future__ import annotations

from typing import Any

from shieldwall.sources.yaml_tree import YMap, YSeq

# List fields merged item by item, by the key that names an item (Kubernetes'
# `patchMergeKey`); other lists are replaced whole, as strategic merge does.
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "env": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "imagePullSecrets": "name",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
    "resourceClaims": "name",
}
_DIRECTIVE = "$patch"
# The most values one patch may copy: `copy` can double what it copies, so forty
# operations of a hostile kustomization would otherwise ask for 2**40 values.
MAX_COPIED = 10_000


class PatchError(ValueError):
    """A patch that cannot be applied; `line` is the patch's line (virtual)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def shifted(node: Any, shift: int) -> Any:
    """A copy of a patch's node whose lines are moved by `shift`."""
    if isinstance(node, YMap):
        out = YMap(node.line + shift)
        for key, value in node.items():
            if key == _DIRECTIVE or (isinstance(key, str) and key.startswith("$")):
                continue
            out[key] = shifted(value, shift)
            out.key_lines[key] = node.line_of(key) + shift
        return out
    if isinstance(node, YSeq):
        seq = YSeq(node.line + shift)
        for i, item in enumerate(node):
            seq.append(shifted(item, shift))
            seq.item_lines.append(node.line_of(i) + shift)
        return seq
    return node


def merge(base: YMap, patch: YMap, shift: int) -> None:
    """Strategic-merge `patch` into `base`."""
    for key, value in patch.items():
        if isinstance(key, str) and key.startswith("$"):
            continue  # directives ($setElementOrder, $retainKeys...): order, not content
        line = patch.line_of(key) + shift
        if value is None:
            base.pop(key, None)
            base.key_lines.pop(key, None)
            continue
        current = base.get(key)
        if key in base and not isinstance(value, (YMap, YSeq)) and value == current:
            continue  # the same value (a patch's own name, kind): still the base's line
        if isinstance(value, YMap) and value.get(_DIRECTIVE) == "delete":
            base.pop(key, None)
            base.key_lines.pop(key, None)
        elif (
            isinstance(value, YMap)
            and isinstance(current, YMap)
            and value.get(_DIRECTIVE) != "replace"
        ):
            merge(current, value, shift)
        elif isinstance(value, YSeq) and isinstance(current, YSeq):
            base[key] = _merge_list(str(key), current, value, shift)
        else:
            base[key] = shifted(value, shift)
            base.key_lines[key] = line


def _merge_key(field: str, base: YSeq, patch: YSeq) -> str | None:
    if field == "ports":  # a container's ports by containerPort, a Service's by port
        items = [i for i in (*base, *patch) if isinstance(i, YMap)]
        return "containerPort" if any("containerPort" in i for i in items) else "port"
    return MERGE_KEYS.get(field)


def _merge_list(field: str, base: YSeq, patch: YSeq, shift: int) -> YSeq:
    directive = [i for i, v in enumerate(patch) if _is_directive(v, "replace")]
    if directive:  # `- $patch: replace`: the patch's other items are the whole list
        whole_list = YSeq(patch.line + shift)
        for i, item in enumerate(patch):
            if i not in directive:
                whole_list.append(shifted(item, shift))
                whole_list.item_lines.append(patch.line_of(i) + shift)
        return whole_list
    key = _merge_key(field, base, patch)
    if key is None or not all(isinstance(i, YMap) for i in patch):
        whole: YSeq = shifted(patch, shift)  # replaced whole
        return whole
    out = base
    for i, item in enumerate(patch):
        wanted = item.get(key)
        found = next(
            (j for j, b in enumerate(out) if isinstance(b, YMap) and b.get(key) == wanted),
            None,
        )
        if item.get(_DIRECTIVE) == "delete":
            if found is not None:
                del out[found]
                if found < len(out.item_lines):
                    del out.item_lines[found]
        elif found is not None and isinstance(out[found], YMap):
            merge(out[found], item, shift)
        else:
            out.append(shifted(item, shift))
            out.item_lines.append(patch.line_of(i) + shift)
    return out


def _is_directive(item: object, kind: str) -> bool:
    """A list item that is only a directive (`- $patch: replace`)."""
    return isinstance(item, YMap) and set(item) == {_DIRECTIVE} and item[_DIRECTIVE] == kind


# --- JSON 6902 -------------------------------------------------------------


def _tokens(pointer: str, line: int) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PatchError(f"path {pointer!r} is not a JSON pointer (starts with /)", line)
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


_END = "-"  # the index after the last item (RFC 6901)


def _index(seq: YSeq, token: str, line: int, adding: bool = False) -> int:
    if adding and token == _END:
        return len(seq)
    if not token.isdigit() or (len(token) > 1 and token.startswith("0")):
        raise PatchError(f"{token!r} is not an index of the list", line)
    index = int(token)
    if index > len(seq) or (index == len(seq) and not adding):
        raise PatchError(f"index {index} is past the end of the list ({len(seq)} items)", line)
    return index


def _parent(doc: Any, tokens: list[str], line: int) -> Any:
    node = doc
    for token in tokens[:-1]:
        if isinstance(node, YMap) and token in node:
            node = node[token]
        elif isinstance(node, YSeq):
            node = node[_index(node, token, line)]
        else:
            raise PatchError(f"/{'/'.join(tokens)}: {token!r} does not exist", line)
    return node


def _get(doc: Any, tokens: list[str], line: int) -> Any:
    if not tokens:
        return doc
    parent = _parent(doc, tokens, line)
    last = tokens[-1]
    if isinstance(parent, YMap) and last in parent:
        return parent[last]
    if isinstance(parent, YSeq):
        return parent[_index(parent, last, line)]
    raise PatchError(f"/{'/'.join(tokens)} does not exist", line)


def _missing_key(doc: Any, tokens: list[str], line: int) -> bool:
    parent = _parent(doc, tokens, line)
    return isinstance(parent, YMap) and tokens[-1] not in parent


def _remove(doc: Any, tokens: list[str], line: int) -> Any:
    if not tokens:
        raise PatchError("cannot remove the whole object", line)
    parent = _parent(doc, tokens, line)
    last = tokens[-1]
    if isinstance(parent, YMap) and last in parent:
        parent.key_lines.pop(last, None)
        return parent.pop(last)
    if isinstance(parent, YSeq):
        index = _index(parent, last, line)
        if index < len(parent.item_lines):
            del parent.item_lines[index]
        return parent.pop(index)
    raise PatchError(f"/{'/'.join(tokens)} does not exist", line)


def _add(doc: Any, tokens: list[str], value: Any, line: int) -> None:
    if not tokens:
        raise PatchError("cannot replace the whole object", line)
    parent = _parent(doc, tokens, line)
    last = tokens[-1]
    if isinstance(parent, YMap):
        parent[last] = value
        parent.key_lines[last] = line
    elif isinstance(parent, YSeq):
        index = _index(parent, last, line, adding=True)
        parent.insert(index, value)
        parent.item_lines.insert(min(index, len(parent.item_lines)), line)
    else:
        raise PatchError(f"/{'/'.join(tokens[:-1])} is not a map or a list", line)


def apply_json6902(doc: YMap, ops: YSeq, shift: int) -> None:
    """Apply RFC 6902 operations to `doc`; PatchError (nothing half-explained) when
    one does not apply. Operations before the failing one stay applied."""
    copied = 0
    for i, op in enumerate(ops):
        line = ops.line_of(i) + shift
        if not isinstance(op, YMap) or not isinstance(op.get("op"), str):
            raise PatchError("an operation must be a map with `op`", line)
        name, path = op["op"], op.get("path")
        if not isinstance(path, str):
            raise PatchError(f"`{name}` needs a `path`", line)
        tokens = _tokens(path, line)
        value_line = op.line_of("value") + shift
        if name in ("add", "replace"):
            if "value" not in op:
                raise PatchError(f"`{name}` needs a `value`", line)
            # kustomize's JSON patch replaces a missing key of an existing map by adding it
            if name == "replace" and not (tokens and _missing_key(doc, tokens, line)):
                _remove(doc, tokens, line)
            _add(doc, tokens, shifted(op["value"], shift), value_line)
        elif name == "remove":
            _remove(doc, tokens, line)
        elif name == "test":
            if _plain(_get(doc, tokens, line)) != _plain(op.get("value")):
                raise PatchError(f"test failed: {path} is not the value given", line)
        elif name in ("move", "copy"):
            source = op.get("from")
            if not isinstance(source, str):
                raise PatchError(f"`{name}` needs `from`", line)
            src = _tokens(source, line)
            got = _remove(doc, src, line) if name == "move" else _get(doc, src, line)
            if name == "copy":
                copied += size_of(got)
                if copied > MAX_COPIED:
                    raise PatchError(
                        f"its `copy` operations copy more than {MAX_COPIED:,} values;"
                        " copy less, or write the values out",
                        line,
                    )
            _add(doc, tokens, shifted(got, 0), line)
        else:
            raise PatchError(f"unknown operation {name!r}", line)


def size_of(node: Any) -> int:
    """How many values (maps, lists and scalars) `node` holds, itself included."""
    count, todo = 0, [node]
    while todo:
        item = todo.pop()
        count += 1
        if isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return count


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node
