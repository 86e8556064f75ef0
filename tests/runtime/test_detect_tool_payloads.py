"""Shapes that SQL injection and command injection tools send (a negated condition, a
condition inside a function, a command's output written to
a file, not echo's, which writes only its own words; the SUB control character as a
separator) and files they ask a database to
read, each next to ordinary values that stay quiet. Built here from their parts, never
taken from a tool's payload files."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.runtime.payloads import payload_kinds


def _kinds_of(value: str) -> set[str]:
    return payload_kinds(query="q=" + quote(value, safe=""))


def _numbers(a: int, b: int) -> str:
    return f"{a}={b}"


_SUB = chr(0x1A)


@pytest.mark.parametrize(
    "value",
    [
        "1*/ OR NOT " + _numbers(3142, 9713) + " /*",
        "1$$ OR NOT " + _numbers(8748, 3997) + "#",
        "1 AND NOT " + _numbers(12, 12),
    ],
)
def test_a_negated_comparison_of_numbers_after_and_or_is_sqli(value: str) -> None:
    assert "sqli" in _kinds_of(value)


@pytest.mark.parametrize(
    "value",
    [
        "1 AND " + "ELT(" + _numbers(6467, 9253) + ",5451)",
        "1*/ ," + "IIF(" + _numbers(2266, 6725) + ",1,1/0) /*",
        "1;" + "IIF(" + _numbers(4340, 4329) + ",1,1/0)",
    ],
)
def test_a_comparison_of_numbers_as_a_conditional_functions_first_argument_is_sqli(
    value: str,
) -> None:
    assert "sqli" in _kinds_of(value)


@pytest.mark.parametrize(
    "value",
    ["or not 5 stars", "belt(3=4 inches)", "motif(5=x)", "and not 3 more"],
)
def test_words_near_those_shapes_stay_quiet(value: str) -> None:
    assert "sqli" not in _kinds_of(value)


@pytest.mark.parametrize(
    "value",
    [
        "who" + "ami > out.txt",
        "host" + "name > out.txt",
        "'host" + "name > out.txt//",
        "una" + "me -s >> /tmp/out.log",
    ],
)
def test_a_commands_output_written_to_a_file_is_cmdi(value: str) -> None:
    assert "cmdi" in _kinds_of(value)


@pytest.mark.parametrize(
    "value",
    [
        _SUB + "una" + "me -s",
        "|" + _SUB + "echo tag > tag.txt",
        _SUB + "python3 -c " + '"print(1)"',
        "x" + _SUB + "who" + "ami",
    ],
)
def test_the_sub_control_character_separates_commands(value: str) -> None:
    assert "cmdi" in _kinds_of(value)


@pytest.mark.parametrize(
    "value",
    [
        "cat > dog",
        "size 5 > 4.5",
        "ps > 2.txt",
        "idea > notes.txt",
        "echo chamber > silence",
        "echo hello > notes.txt",
    ],
)
def test_comparisons_and_arrows_in_prose_stay_quiet(value: str) -> None:
    assert "cmdi" not in _kinds_of(value)


@pytest.mark.parametrize(
    "target",
    [
        "/run/secrets/" + "kubernetes.io/serviceaccount/token",
        "/xampp/" + "mysql/data/mysql.err",
        "/wamp/logs/" + "mysql.log",
        "/program files/" + "postgresql/9.1/data/pg_hba.conf",
        "/mysql/data/" + "mysql-bin.index",
        "/postgresql/log/" + "pgadmin.log",
        "/home/postgres/" + "data/postgresql.conf",
        "/tmp/" + "sess_",
        "/temp/" + "sess_",
        "/private/etc/" + "squirrelmail/config/config.php",
        "/tmp/jboss/" + "server/default/log/server.log",
        "/library/webserver/" + "documents/index.php",
        "/logs/" + "pure-ftpd.log",
        "/www/logs/" + "proftpd.system.log",
        "/windows/" + "odbc.ini",
    ],
)
def test_files_a_database_is_asked_to_read_are_traversal(target: str) -> None:
    assert "path-traversal" in payload_kinds(query="file=" + quote(target, safe=""))


@pytest.mark.parametrize(
    "value",
    ["/mysql/", "/logs/", "/logs/today", "/blog/logs", "/windows/", "/programs/files/x"],
)
def test_folders_of_those_names_alone_stay_quiet(value: str) -> None:
    assert "path-traversal" not in payload_kinds(query="next=" + quote(value, safe=""))


def _spaced(words: list[str], blank: str) -> str:
    return blank.join(words)


_CONDITION = ["1)", "AND", "CASE", "WHEN", _numbers(6434, 5332), "THEN", "1", "ELSE", "0", "END"]


@pytest.mark.parametrize("blank", [chr(1), chr(4), chr(0x0E), chr(0x16), "\n", "/**_**/", "/*--*/"])
def test_control_characters_and_letterless_comments_as_blanks_are_sqli(blank: str) -> None:
    assert "sqli" in _kinds_of(_spaced(_CONDITION, blank))


def test_percent_before_every_character_which_asp_drops_is_sqli() -> None:
    value = "1' OR " + _numbers(7244, 7244) + " UNION ALL SELECT NULL--"
    wire = "".join("%" + c if c not in " %" else c for c in value)
    assert "sqli" in payload_kinds(query="q=" + quote(wire, safe="%"))


@pytest.mark.parametrize(
    "row", ["VALUES (NULL,NULL,NULL)", "VALUES ROW(NULL,NULL)", "VALUES (1,2)"]
)
def test_a_union_with_a_row_of_values_is_sqli(row: str) -> None:
    assert "sqli" in _kinds_of("1*/ UNION ALL " + row + "#")


@pytest.mark.parametrize(
    "value",
    [
        "50% off, 20% more, 10% less, 5% back, 1% fee, 3% tip",
        "the union values (our people) first",
        "a/**/b",
        "line one\nline two\nwhen then",
        "notes" + chr(1) + "and more",
    ],
)
def test_percents_comments_and_breaks_in_prose_stay_quiet(value: str) -> None:
    assert "sqli" not in _kinds_of(value)


def _interleaved(word: str, variable: str) -> str:
    return variable.join(word)


@pytest.mark.parametrize("variable", ["${gn}", "${XY}", "${unset_1}"])
def test_an_unset_variable_between_a_commands_letters_is_cmdi(variable: str) -> None:
    value = (
        "|" + _interleaved("host" + "name", variable) + " > " + _interleaved("out.txt", variable)
    )
    assert "cmdi" in _kinds_of(value)


@pytest.mark.parametrize(
    "value", ["Hello ${name}, your order ${id}", "price ${amount} id", "${a}${b}"]
)
def test_template_variables_in_text_stay_quiet(value: str) -> None:
    assert "cmdi" not in _kinds_of(value)
