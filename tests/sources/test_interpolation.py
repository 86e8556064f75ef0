from __future__ import annotations

import pytest

from shieldwall.sources.interpolation import (
    MAX_DEPTH,
    MAX_OUTPUT,
    TOO_LARGE,
    Budget,
    Interpolated,
    as_written,
    interpolate,
    interpolate_value,
    parse_dotenv,
)
from shieldwall.sources.manifests import load_inventory
from shieldwall.sources.tree import walk

ENV = {"SET": "v", "EMPTY": "", "PORT": "8080"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${SET}", "v"),
        ("$SET/x", "v/x"),
        ("${UNSET:-d}", "d"),
        ("${EMPTY:-d}", "d"),  # `:-` also replaces an empty value
        ("${EMPTY-d}", ""),  # `-` only an unset one
        ("${UNSET-d}", "d"),
        ("${SET:?must}", "v"),
        ("${SET:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${EMPTY+alt}", "alt"),
        ("${UNSET+alt}", ""),
        ("${UNSET:-${ALSO:-${SET}}}", "v"),  # nested defaults
        ("$$SET and $${SET}", "$SET and ${SET}"),  # `$$` is a literal `$`
        ("cost: 5$", "cost: 5$"),  # a `$` that starts no reference stays
        ("${PORT}:${PORT}", "8080:8080"),
    ],
)
def test_each_compose_form_interpolates_as_compose_does(text: str, expected: str) -> None:
    assert interpolate(text, ENV) == expected


@pytest.mark.parametrize("text", ["${UNSET}", "$UNSET", "${UNSET:?set it}", "${UNSET?set it}"])
def test_an_unset_variable_without_default_stays_as_written_and_unknown(text: str) -> None:
    value = interpolate_value(f"a-{text}", ENV)
    assert value == f"a-{text}"
    assert isinstance(value, Interpolated) and value.unknown == ("UNSET",)


def test_an_interpolated_value_remembers_what_was_written_and_read() -> None:
    value = interpolate_value("${SET}:${UNSET:-1}", ENV)
    assert value == "v:1" and as_written(value) == "${SET}:${UNSET:-1}"
    assert isinstance(value, Interpolated) and value.used == ("SET",) and value.unknown == ()
    assert as_written("plain") == "plain" and type(interpolate_value("plain", ENV)) is str


def test_deep_nesting_is_refused_and_kept_as_written() -> None:
    text = "${A:-" * (MAX_DEPTH + 3) + "x" + "}" * (MAX_DEPTH + 3)
    value = interpolate_value(text, {})
    assert value == text and isinstance(value, Interpolated) and value.unknown == (TOO_LARGE,)
    shallow = "${A:-" * 3 + "x" + "}" * 3
    assert interpolate(shallow, {}) == "x"


def test_an_expansion_past_the_size_bound_is_kept_as_written() -> None:
    big = {"B": "x" * (MAX_OUTPUT // 2 + 1)}
    assert interpolate_value("${B}${B}", big).unknown == (TOO_LARGE,)  # type: ignore[attr-defined]
    budget = Budget(left=MAX_OUTPUT)
    assert interpolate_value("${B}", big, budget) == big["B"]
    assert interpolate_value("${B}", big, budget) == "${B}"  # the file's budget is spent


def test_an_env_file_is_read_like_compose_reads_it() -> None:
    text = "\n".join(
        [
            "# a comment",
            "export TAG=1.2 # note",
            "SINGLE='$TAG ${TAG}'",
            'DOUBLE="a # b $TAG\\tc"',
            "REF=img:${TAG}",
            "HASH=x#not-a-comment",
            "CMD=$(rm -rf /)",
            "ESCAPED=$$TAG",
            "FROM_SHELL",
            'MULTI="one',
            'two"',
            "AFTER=${MULTI:+set}",
        ]
    )
    env = parse_dotenv(text, "stack/.env")
    assert env.values == {
        "TAG": "1.2",
        "SINGLE": "$TAG ${TAG}",  # single quotes: literal
        "DOUBLE": "a # b 1.2\tc",
        "REF": "img:1.2",
        "HASH": "x#not-a-comment",
        "CMD": "$(rm -rf /)",  # text, never run
        "ESCAPED": "$TAG",
        "MULTI": "one\ntwo",
        "AFTER": "set",
    }
    assert env.path == "stack/.env" and env.lines["TAG"] == 2 and env.lines["AFTER"] == 12


def test_every_compose_value_is_interpolated_from_the_env_beside_it(write) -> None:
    root = write(
        {
            "app/.env": "DB_IMAGE=postgres:16\nWEB_PORT=80\n",
            "app/compose.yaml": (
                "services:\n"
                "  db:\n"
                "    image: ${DB_IMAGE}\n"
                "  web:\n"
                "    image: nginx\n"
                "    ports: ['${WEB_PORT}:8080', '${OTHER}:9090']\n"
                "    environment:\n"
                "      URL: http://db:${DB_PORT:-5432}\n"
            ),
        }
    )
    inv = load_inventory(walk(root), 1 << 20)
    (cf,) = inv.compose
    services = cf.services
    assert services["db"]["image"] == "postgres:16" and cf.env_file == "app/.env"
    assert services["web"]["ports"] == ["80:8080", "${OTHER}:9090"]
    assert services["web"]["ports"].line_of(0) == 6
    assert services["web"]["environment"]["URL"] == "http://db:5432"
    (warning,) = inv.warnings
    assert "OTHER (line 6)" in warning and "app/.env" in warning


def test_without_an_env_file_only_defaults_apply(write) -> None:
    root = write({"compose.yaml": "services:\n  a:\n    image: ${IMG:-redis}:${TAG}\n"})
    inv = load_inventory(walk(root), 1 << 20)
    assert inv.compose[0].services["a"]["image"] == "redis:${TAG}"
    assert "TAG (line 3)" in inv.warnings[0]


def test_an_env_file_that_doubles_each_line_stays_bounded() -> None:
    lines = ["A0=xxxxxxxxxxxxxxxx"] + [f"A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, 40)]
    env = parse_dotenv("\n".join(lines))
    assert all(len(v) <= MAX_OUTPUT for v in env.values.values())
    assert sum(len(v) for v in env.values.values()) <= Budget().left + 40 * MAX_OUTPUT
    assert env.values["A39"].startswith("$")  # past the bound: kept as written


def test_a_hostile_compose_file_is_bounded_and_warned_about(write) -> None:
    refs = "".join("${BIG}" for _ in range(4))
    items = "".join(f"      - '{refs}'\n" for _ in range(200))
    root = write(
        {
            ".env": f"BIG={'y' * (MAX_OUTPUT // 4)}\n",
            "compose.yaml": f"services:\n  a:\n    command:\n{items}",
        }
    )
    inv = load_inventory(walk(root), 1 << 20)
    command = inv.compose[0].services["a"]["command"]
    assert sum(len(c) for c in command) <= Budget().left + MAX_OUTPUT
    assert command[-1] == refs and "past the interpolation bounds" in inv.warnings[0]
