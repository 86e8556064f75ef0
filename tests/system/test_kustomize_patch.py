"""Strategic merge and JSON 6902 patches on parsed objects: kustomize's results,
with the lines of what a patch wrote moved by the shift given."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shieldwall.sources.yaml_tree import Document, YMap, parse_documents
from shieldwall.system.kustomize_patch import PatchError, apply_json6902, merge

_POD = """\
spec:
  containers:
    - name: app
      image: app:1
      env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
      ports: [{containerPort: 80}]
    - name: sidecar
      image: side:1
  volumes:
    - {name: data, emptyDir: {}}
  tolerations: [{key: a}]
"""


def _yaml(text: str) -> Any:
    [doc] = [d for d in parse_documents(text) if isinstance(d, Document)]
    return doc.content


def _plain(node: Any) -> Any:
    return json.loads(json.dumps(node))


def test_lists_are_merged_by_their_merge_keys() -> None:
    base = _yaml(_POD)
    patch = _yaml("""\
spec:
  containers:
    - name: app
      env: [{name: B, value: "3"}, {name: C, value: "4"}]
      ports: [{containerPort: 80, protocol: TCP}]
    - {name: sidecar, $patch: delete}
  tolerations: [{key: b}]
""")
    merge(base, patch, 100)
    [app] = base["spec"]["containers"]
    assert _plain(app["env"]) == [
        {"name": "A", "value": "1"},
        {"name": "B", "value": "3"},
        {"name": "C", "value": "4"},
    ]
    assert _plain(app["ports"]) == [{"containerPort": 80, "protocol": "TCP"}]
    assert _plain(base["spec"]["tolerations"]) == [{"key": "b"}]  # no merge key: replaced
    assert app["image"] == "app:1"


def test_a_value_the_patch_writes_carries_the_patch_line_shifted() -> None:
    base = _yaml(_POD)
    merge(base, _yaml("spec:\n  hostNetwork: true\n  volumes: null\n"), 100)
    assert base["spec"].line_of("hostNetwork") == 102
    assert "volumes" not in base["spec"]
    assert base["spec"].line_of("containers") == 2  # untouched: the base line


def test_a_value_the_patch_repeats_keeps_the_base_line() -> None:
    base = _yaml(_POD)
    merge(base, _yaml("spec:\n  containers: [{name: app, image: app:1}]\n"), 100)
    assert base["spec"]["containers"][0].line_of("image") == 4


def test_json6902_operations_follow_rfc6902() -> None:
    doc = _yaml(_POD)
    ops = _yaml("""\
- {op: test, path: /spec/containers/0/name, value: app}
- {op: copy, from: /spec/containers/0/image, path: /spec/containers/1/image}
- {op: move, from: /spec/tolerations, path: /spec/moved}
- {op: add, path: /spec/containers/-, value: {name: third}}
- {op: remove, path: /spec/volumes/0}
- {op: add, path: /metadata, value: {name: a~1b}}
""")
    apply_json6902(doc, ops, 50)
    spec = doc["spec"]
    assert spec["containers"][1]["image"] == "app:1"
    assert "tolerations" not in spec and _plain(spec["moved"]) == [{"key": "a"}]
    assert [c["name"] for c in spec["containers"]] == ["app", "sidecar", "third"]
    assert spec["volumes"] == []
    assert isinstance(doc["metadata"], YMap) and doc.line_of("metadata") == 56


def test_a_list_s_replace_directive_makes_the_patch_s_items_the_whole_list() -> None:
    base = _yaml("spec:\n  ports:\n    - {port: 3306, targetPort: 3306}\n    - {port: 1}\n")
    patch = "spec:\n  ports:\n    - $patch: replace\n    - {port: 3306, nodePort: 30330}\n"
    merge(base, _yaml(patch), 100)
    assert _plain(base["spec"]["ports"]) == [{"port": 3306, "nodePort": 30330}]
    assert base["spec"]["ports"].line_of(0) == 104


def test_a_replace_of_a_missing_key_adds_it_as_kustomize_does() -> None:
    doc = _yaml(_POD)
    apply_json6902(doc, _yaml("- {op: replace, path: /spec/hostname, value: api}\n"), 10)
    assert doc["spec"]["hostname"] == "api"
    assert doc["spec"].line_of("hostname") == 11


@pytest.mark.parametrize(
    ("op", "message"),
    [
        ("{op: remove, path: /spec/nothing}", "/spec/nothing does not exist"),
        ("{op: replace, path: /spec/containers/9, value: 1}", "past the end"),
        ("{op: test, path: /spec/containers/0/name, value: other}", "test failed"),
        ("{op: replace, path: /spec/nothing/x, value: 1}", "does not exist"),
        ("{op: add, path: spec/x, value: 1}", "not a JSON pointer"),
        ("{op: frobnicate, path: /spec}", "unknown operation"),
        ("{op: add, path: /spec/x}", "needs a `value`"),
    ],
)
def test_an_operation_that_does_not_apply_says_why_and_where(op: str, message: str) -> None:
    with pytest.raises(PatchError) as err:
        apply_json6902(_yaml(_POD), _yaml(f"- {op}\n"), 10)
    assert message in str(err.value)
    assert err.value.line == 11
