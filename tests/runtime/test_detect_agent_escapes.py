"""A user agent carrying script in JavaScript escapes (`\\u003c`, `\\x3c`) is
decoded like the other headers; an agent with a backslash in words stays quiet."""

from __future__ import annotations

from tests.runtime.payloads import payload_kinds


def test_script_tags_in_escapes_in_a_user_agent_are_xss() -> None:
    for lt, gt in (("\\u003c", "\\u003e"), ("\\x3c", "\\x3e")):
        agent = f"{lt}script{gt}alert(1){lt}/script{gt}"
        assert "xss" in payload_kinds(user_agent=agent)


def test_a_user_agent_with_a_backslash_in_words_stays_quiet() -> None:
    agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) MyApp\\2.1 (build\\x64)"
    assert payload_kinds(user_agent=agent) == set()
