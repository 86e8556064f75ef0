"""Runs of one piece a pattern's prefix accepts (`{{{{...`, a line break or a step up
repeated) made patterns retry a window or a run from every position: 8 KB of `{{` in
every field took about a second, 8 KB of `%0a` seven, 16 KB of `a../` 1.3 s in one
pattern. The patterns now start from the opening nearest the close, from the last line
break of a run and from the last step up before a file; their verdicts are those of
the patterns before, on generated text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from shieldwall.runtime.detect import fragments, shell, signatures
from tests.runtime.payloads import payload_rules

# (pattern, what it now says, what it said before) for every pattern changed.
_BEFORE = (
    (
        signatures._SSTI,
        signatures._SSTI.pattern,
        r"\{\{.{0,200}?\}\}|\{%.{0,200}?%\}|\$\{\s*\d+\s*[*+/-]\s*\d+\s*\}|#\{.{0,200}?\}"
        r"|<%=.{0,200}?%>|\$\{.{0,200}?(?:getclass|forname|runtime|freemarker|new\s).{0,200}?\}"
        r"|\*\{.{0,200}?\}|@\(.{0,100}?\)",
    ),
    (
        signatures._XSS_URI,
        r"\{\{(?:[^{}]|\{(?!\{)){0,200}?(?:constructor|\$on\b|\$eval|\$parent|\$root|tostring"
        r"|charat|alert|prompt|confirm)[^}]{0,200}+\}\}",
        r"\{\{[^}]{0,200}?(?:constructor|\$on\b|\$eval|\$parent|\$root|tostring|charat|alert"
        r"|prompt|confirm)[^}]{0,200}?\}\}",
    ),
    (
        signatures._TRAVERSAL,
        r"(?:(?<!\.)\.{2,}+[/\\]{2,}){2}",
        r"(?:\.{2,}+[/\\]{2,}){2}",
    ),
    (
        signatures._TRAVERSAL,
        r"\.\.[/\\]++(?:(?:[\w.-]*[\w-]\.?|\.)[/\\])*(?:etc",
        r"\.\.[/\\]+(?:[\w.-]+[/\\])*(?:etc",
    ),
    (
        signatures._CMDI,
        r"(?:(?:[;&|`]|\$\(|\|\|)\s*+|\n[^\S\n]*+)(?:/\w+/)*",
        r"(?:[;&|`\n]|\$\(|\|\|)\s*(?:/\w+/)*",
    ),
    (
        signatures._CMDI,
        r"(?:(?:[;&|`]|\$\()\s*+|\n[^\S\n]*+)pwd",
        r"(?:[;&|`\n]|\$\()\s*pwd",
    ),
    (
        shell._SEPARATED,
        r"(?:(?:[;|`\x1a]|&&?|\$\(|\|\|)\s*+\(?\s*+|[\n\r][^\S\n\r]*+(?:\(\s*+)?)",
        r"(?:[;|`\n\r\x1a]|&&?|\$\(|\|\|)\s*+\(?\s*+",
    ),
    (shell._WEAK_END, r"(?:[;|`\x1a]\s*+|\n[^\S\n]*+)(?:who", r"[;|`\n\x1a]\s*(?:who"),
    (
        shell._EXPANSION,
        r"|(?:[;|&`]\s*+|\n[^\S\n]*+)(?:!(?:-?\d+|!)(?=$|[\s;|&`])|alias\s+[\w.-]+="
        r"|\.\s+(?:/|~/|\./)[\w.-])",
        r"|[;|&`\n]\s*!(?:-?\d+|!)(?=$|[\s;|&`])|[;|&`\n]\s*alias\s+[\w.-]+="
        r"|[;|&`\n]\s*\.\s+(?:/|~/|\./)[\w.-]",
    ),
    (shell._MAIL, r"[\n\r][^\S\n\r]*+(?:rcpt", r"[\r\n]\s*(?:rcpt"),
    (shell._SQLITE_DOT, r"(?:;\s*+|\n[^\S\n]*+)\.", r"[;\n]\s*\."),
    (
        shell._POWERSHELL,
        r"(?:(?:^|[;|&`(]|\$\()\s*+|\n[^\S\n]*+)(?:",
        r"(?:^|[;|&`\n(]|\$\()\s*(?:",
    ),
)
_PAIRS = tuple(
    (now, re.compile(now.pattern.replace(said, before, 1)))
    for now, said, before in _BEFORE
    if said in now.pattern
)
# Pieces the changed patterns open, close or hold, to be put together at random.
_PIECES = (
    *("{{", "}}", "{%", "%}", "${", "#{", "*{", "@(", "<%=", "%>", "{", "}", "%", "$", "#"),
    *("*", "@", "(", ")", "<", "=", ";", "|", "&", "`", "$(", "||", "\x1a", "-a", "!1"),
    *("\n", "\r", " ", "\t", "\x0b", "\u2028", "a" * 60, "x", "/bin/", "alert", "getclass"),
    *("new ", "id", "ls", "who", "pwd", "rcpt to", "alias a=", ". /x", ".shell x"),
    *("get-childitem ", "..", ".", "/", "\\", "//", "etc", "a.", "..;", "-", ".env"),
)


def test_every_changed_pattern_has_its_earlier_form_to_compare_with() -> None:
    assert len(_PAIRS) == len(_BEFORE)
    assert all(now.pattern != before.pattern for now, before in _PAIRS)


@settings(max_examples=1500, deadline=None)
@given(text=st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_the_linear_patterns_give_the_verdicts_of_the_earlier_ones(text: str) -> None:
    for now, before in _PAIRS:
        assert (now.search(text) is None) == (before.search(text) is None), now.pattern[:40]


def test_a_template_after_a_long_run_of_openings_is_still_found() -> None:
    # (a value is judged on its first 16,384 characters once decoded)
    assert payload_rules(1, query="q=" + "{{" * 8000 + "7*7}}") == {"RT-SSTI"}
    assert "RT-XSS" in payload_rules(1, query="q=" + "{{" * 8000 + "constructor}}")
    assert payload_rules(1, query="q=" + "{{" * 8000) == set()
    assert payload_rules(1, query="q=" + "#{" * 8000 + "x}") == {"RT-SSTI"}


def test_a_command_after_a_long_run_of_line_breaks_is_still_found() -> None:
    assert payload_rules(1, query="q=x" + "%0a" * 5000 + "id") == {"RT-CMDI"}
    assert payload_rules(1, query="q=x" + "%0a" * 5000 + "x") == set()
    assert payload_rules(1, query="q=x" + "%0a" * 5000 + "rcpt to:<a@b>") == {"RT-CMDI"}
    assert payload_rules(1, path="/" + "%0a" * 5000) == set()


def test_a_file_after_a_long_run_of_steps_up_is_still_found() -> None:
    assert payload_rules(1, user_agent="a../" * 4000 + "etc/issue") == {"RT-TRAVERSAL"}
    assert payload_rules(1, user_agent="a../" * 4000) == set()


def test_a_command_substitution_from_the_last_opening_is_the_same_verdict() -> None:
    before = re.compile(r"\$\{[a-z_][\w]*\}|\$\([^)]*\)|`[^`]+`")
    now = next(f for f in fragments.FRAGMENTS if f.rule == "RT-CMDI-PL2-EXPANSION")
    for text in ("$(id)", "$($(id)", "$(a$(b", "$($x)", "x$(", "$(" * 50 + ")", "$$()", "a)$("):
        assert now.test(text) == (before.search(text) is not None), text
