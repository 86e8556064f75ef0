"""The SQL statements are searched only where their leading word stands: the
matches are exactly those of `finditer` over the whole text (spans, groups and
order), built from the analyzer's own expressions on texts made at run time."""

from __future__ import annotations

import random
import re

import pytest

from shieldwall.analyzers.secrets import anchored, sqlrows

_PIECES = (
    "INSERT INTO users (name, password) VALUES ('a', 'b');\n",
    "insert  into `t`(x) values (1)",
    "Insert Into s.t VALUES",
    "CREATE TABLE t (id int, token text);\n",
    "create temporary table if not exists x.y (",
    "reinsert into",
    "_insert into t values",
    "list.insert(0, x)\n",
    "created table",
    "insert",
    "create",
    " ",
    "\n",
    "(",
    ")",
    ",",
    "'",
    "values",
    "table",
    "into",
    "\u0131nsert into t values",  # dotless i: matches case-insensitively, not ASCII
    "in\u017fert into t values",  # long s
    "\u00e9",
)


def _spans(matches: object) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in matches]  # type: ignore[attr-defined]


@pytest.mark.parametrize("pattern", [sqlrows._CREATE, sqlrows._INSERT])
def test_anchored_search_finds_what_finditer_finds(pattern: re.Pattern[str]) -> None:
    word = anchored.leading_word(pattern)
    rnd = random.Random(7)
    found = 0
    for _ in range(3000):
        text = "".join(rnd.choice(_PIECES) for _ in range(rnd.randrange(1, 14)))
        want = _spans(pattern.finditer(text))
        assert _spans(anchored.finditer(pattern, text, word)) == want, text
        found += len(want)
    assert found > 100  # the texts do hold statements


def test_non_ascii_text_is_searched_whole() -> None:
    text = "x = 1\n" + "\u0131nsert into t (password) values ('v');"
    word = anchored.leading_word(sqlrows._INSERT)
    assert (
        [m.span() for m in anchored.finditer(sqlrows._INSERT, text, word)]
        == [m.span() for m in sqlrows._INSERT.finditer(text)]
        != []
    )


@pytest.mark.parametrize(
    "source",
    [
        r"(?i)\s*insert",
        r"\binsert",
        r"(?i)(?:a|b)x",
        r"(?i)\binsert|update",
        r"(?i)\binserts?\s",
        r"(?i)insert{0,1}",
    ],
)
def test_an_expression_not_led_by_a_word_is_refused(source: str) -> None:
    with pytest.raises(ValueError):
        anchored.leading_word(re.compile(source))
