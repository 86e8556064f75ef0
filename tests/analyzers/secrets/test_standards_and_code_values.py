"""Values a reviewer does not take for a credential: a published RFC's example
keys and grammar rules, a conditional's two results, a literal compared with an
element of a list, a dependency's version constraint; a password field's literal
default in a form is one. Values are built at test time."""

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


def test_a_dependencys_version_constraint_is_not_a_value() -> None:
    major, minor, patch = (str(n) for n in (1, 3, 7))
    ranged = f">={major}.{minor}.{patch},<{major}.{patch}.0@stable"
    manifest = (
        "{\n"
        f'  "acme/password-compat": "{major}.{minor}.*",\n'
        f'  "acme/php-token-stream": "{ranged}",\n'
        f'  "acme/token-kit": "^{major}.0 || ^{minor}.0"\n'
        "}\n"
    )
    assert _found(manifest, "vendor/acme/app/composer.json") == []
    word = mixed_value(14)
    assert (word, 2) in _found(manifest.replace(f"{major}.{minor}.*", word), "composer.json")


def test_a_password_fields_literal_default_in_a_form_is_reported() -> None:
    word = mixed_value(15, 8)
    page = (
        "<tr><td>Database Password:</td> <td>"
        f'<input type="text" name="dbpass" value="{word}"/></td></tr>\n'
        f'<input value="{mixed_value(16, 8)}" name="username">\n'
        '<input type="password" name="password" value="Hint: try the proxy">\n'
        '<input type="password" name="password" value="<%= pw %>">\n'
    )
    assert _found(page, "src/main/webapp/install.jsp") == [(word, 1)]


def test_a_password_field_written_in_upper_case_html_is_reported() -> None:
    word = mixed_value(17, 8)
    page = f'<FORM><INPUT TYPE="password" NAME="adminpass" VALUE="{word}"></FORM>\n'
    assert _found(page, "admin/setup.html") == [(word, 1)]
