"""Long values that made a signature take time quadratic in their length: a
run of steps up (the password-file check searched lazily from every `../`), a
run of dots (the traversal signature tried every length of it before a slash),
a long word (a stored-sink pattern tried a variable name from every letter).
Each is now judged in linear time, and still found where it should be."""

from __future__ import annotations

import time

from shieldwall.runtime.detect.decode import MAX_LEN
from shieldwall.runtime.detect.payload import _password_file
from shieldwall.runtime.detect.signatures import _traversal, _xss
from tests.runtime.payloads import payload_rules


def _seconds(call: object, *args: str) -> float:
    assert callable(call)
    start = time.perf_counter()
    call(*args)
    return time.perf_counter() - start


def test_the_password_file_after_steps_up_is_named_for_it() -> None:
    assert payload_rules(1, query="f=../../etc/passwd") == {"RT-TRAVERSAL-PASSWD"}
    assert payload_rules(1, query="f=..%5c..%5cwindows%5cwin.ini") == {"RT-TRAVERSAL-PASSWD"}
    assert payload_rules(1, query="f=../x%3Fy=/etc/passwd") == {"RT-TRAVERSAL"}  # a `?` between
    assert not _password_file("/etc/passwd and ../x")


def test_a_long_run_of_steps_up_is_judged_in_linear_time() -> None:
    value = "/.." * 5333 + "/"
    assert _seconds(_password_file, value) < 0.5  # was about a second on its own
    assert _password_file(value + "etc/passwd")


def test_a_long_word_is_judged_for_stored_sinks_in_linear_time() -> None:
    assert _seconds(_xss, "a" * 16000 + "'") < 0.5  # was several seconds
    assert _xss("a=eval;b=alert;a(b(1))")
    assert not _xss("total=evaluation; a(b)")


def test_a_long_run_of_dots_is_judged_for_traversal_in_linear_time() -> None:
    assert _seconds(_traversal, ".." * 8000 + "<") < 0.5  # was over two seconds
    assert _traversal("....//....//etc/passwd")
    assert _traversal("/a/.../b")
    assert not _traversal("wait... what? and/or....")


def test_a_user_agent_is_judged_whole_up_to_the_bound_as_other_values_are() -> None:
    assert payload_rules(1, user_agent="a" * 16000 + " sqlmap/1.7") == {"RT-SCANNER"}
    assert payload_rules(1, user_agent="a" * 40000 + " sqlmap/1.7") == {"RT-SCANNER"}
    assert payload_rules(1, user_agent="a" * 40000 + "%20sqlmap/1.7") == {"RT-SCANNER"}
    assert payload_rules(1, user_agent="a" * MAX_LEN + " sqlmap/1.7") == {"RT-OVERSIZED"}
