from __future__ import annotations

from shieldwall.sources.yaml_tree import (
    MAX_EXPANDED_NODES,
    BrokenDocument,
    Document,
    YMap,
    parse_documents,
)


def test_lines_of_keys_and_items() -> None:
    text = "a: 1\nb:\n  - x\n  - y: 2\n    z: 3\n"
    [doc] = list(parse_documents(text))
    assert isinstance(doc, Document)
    body = doc.content
    assert isinstance(body, YMap)
    assert body.line_of("a") == 1 and body.line_of("b") == 2
    assert body["b"].line_of(0) == 3 and body["b"].line_of(1) == 4
    assert body["b"][1].line_of("z") == 5


def test_broken_document_is_reported_and_others_kept() -> None:
    text = "kind: A\n---\nkind: [B\n---\nkind: C\nx: 1\n"
    docs = list(parse_documents(text))
    assert [type(d).__name__ for d in docs] == ["Document", "BrokenDocument", "Document"]
    broken = docs[1]
    assert isinstance(broken, BrokenDocument)
    assert "invalid YAML" in broken.error.message
    last = docs[2]
    assert isinstance(last, Document)
    assert last.content.line_of("x") == 6  # lines stay absolute across documents


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    docs = list(parse_documents("\n".join(lines) + "\n"))
    assert len(docs) == 1 and isinstance(docs[0], BrokenDocument)
    assert "alias bomb" in docs[0].error.message
    assert str(MAX_EXPANDED_NODES) in docs[0].error.message


def test_small_aliases_and_merge_keys_work() -> None:
    text = "base: &b {cpu: 1}\nc:\n  <<: *b\n  mem: 2\n"
    [doc] = list(parse_documents(text))
    assert isinstance(doc, Document)
    assert doc.content["c"] == {"cpu": 1, "mem": 2}


def test_comment_only_and_empty_documents_are_ignored() -> None:
    assert list(parse_documents("# nothing\n---\n---\n")) == []


def test_document_end_marker_and_directives() -> None:
    text = "%YAML 1.2\n---\na: 1\n...\n---\nb: 2\n"
    docs = [d for d in parse_documents(text) if isinstance(d, Document)]
    assert [list(d.content) for d in docs] == [["a"], ["b"]]


def test_crlf_documents_split_and_keep_lines() -> None:
    text = "a: 1\r\n---\r\nb: 2\r\nc: 3\r\n"
    docs = list(parse_documents(text))
    assert all(isinstance(d, Document) for d in docs)
    assert docs[1].content.line_of("c") == 4  # type: ignore[union-attr]
