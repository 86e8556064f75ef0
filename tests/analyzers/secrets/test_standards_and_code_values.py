"""Values a reviewer does not take for a credential: a published RFC's example
keys and grammar rules, a conditional's two results, a literal compared with an
element of a list. Values are built at test time."""

from __future__ import annotations

from shieldwall.analyzers.secrets.engine import Detector
from tests.analyzers.secrets.samples import mixed_value, pem_block


def _found(text: str, path: str) -> list[tuple[str, int]]:
    return [(m.secret, m.line) for m in Detector().scan(text.encode(), path)]


def _rfc_text(number: str) -> str:
    return (
        "\n\nNetwork Working Group                                  A. Author\n"
        f"Request for Comments: {number}                              Example\n"
        "Category: Standards Track\n\n"
        "   The private key used in the example:\n\n"
        f"{pem_block()}\n"
        f"   passwd    = 1*SAFE ; MUST accept up to 255 octets\n"
        f'   password = "{mixed_value(11)}"\n'
    )


def test_a_copy_of_an_rfc_is_documentation_no_rule_reads() -> None:
    assert _found(_rfc_text("4871"), "notes/rfc/rfc4871.txt") == []
    assert _found(_rfc_text("DRAFT"), "docs/rfc0821.txt") == []


def test_the_same_text_is_read_without_the_rfc_name_or_header() -> None:
    assert _found(_rfc_text("4871"), "notes/keys.txt") != []
    unheaded = _rfc_text("4871").replace("Request for Comments", "Notes")
    assert _found(unheaded, "notes/rfc/rfc4871.txt") != []


def test_a_conditionals_two_results_are_not_a_key_and_its_value() -> None:
    word = mixed_value(12)
    assert _found(f'return ($this->ok) ? "pass" : "{word}";\n', "lib/recorder.php") == []
    assert (word, 1) in _found(f'$config = {{"pass" : "{word}"}};\n', "lib/recorder.js")


def test_a_literal_compared_with_an_indexed_element_is_code() -> None:
    word = mixed_value(13)
    assert _found(f"if ('{word}' === $token[0]) {{\n", "src/Generator.php") == []
    assert (word, 1) in _found(f"if ('{word}' === $token) {{\n", "src/Generator.php")
