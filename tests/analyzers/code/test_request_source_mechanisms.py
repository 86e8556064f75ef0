"""Mechanisms added after measuring on the fourth held-out corpus
(tests/fixtures/code_request_sources): each with a case that must be found and a
look-alike that must stay quiet."""

from __future__ import annotations

import textwrap

import pytest

from shieldwall.analyzers.code.analyzer import analyze_text

FLASK = (
    "import collections, ldap3\nfrom flask import Flask, request, redirect\napp = Flask(__name__)\n"
)


def rules_of(code: str) -> list[str]:
    return [r.rule.id for r in analyze_text("m.py", textwrap.dedent(code))]


def view(body: str) -> str:
    return (
        FLASK + "@app.route('/x')\ndef view():\n" + textwrap.indent(textwrap.dedent(body), "    ")
    )


CONN = "conn = ldap3.Connection(ldap3.Server('ldap://h'))\n"
CASES: list[tuple[str, str, str, bool]] = [
    # (id, code, rule, expected)
    # -- an LDAP search whose filter is passed by keyword
    (
        "ldap-filter-keyword",
        view(
            CONN + "conn.search(search_base='dc=x', search_filter='(cn=' + request.args['u'] + ')')"
        ),
        "PY-LDAP-INJECTION",
        True,
    ),
    (
        "ldap-filter-keyword-constant",
        view(CONN + "request.args['u']\nconn.search(search_base='dc=x', search_filter='(cn=a)')"),
        "PY-LDAP-INJECTION",
        False,
    ),
    # -- reversed(): the elements of a known list change places, not taint
    (
        "reversed-picks-taint",
        view("parts = list(reversed(['c', request.args['u']]))\nreturn redirect(parts[0])"),
        "PY-OPEN-REDIRECT",
        True,
    ),
    (
        "reversed-picks-constant",
        view("parts = list(reversed(['c', request.args['u']]))\nreturn redirect(parts[1])"),
        "PY-OPEN-REDIRECT",
        False,
    ),
    # -- collections.deque: followed like a list, at both ends
    (
        "deque-popleft-taint",
        view(
            "dq = collections.deque()\ndq.append('a')\n"
            "dq.append(request.args['u'])\ndq.append('b')\ndq.popleft()\n"
            "return redirect(dq.popleft())"
        ),
        "PY-OPEN-REDIRECT",
        True,
    ),
    (
        "deque-pop-constant",
        view(
            "dq = collections.deque()\ndq.append('a')\n"
            "dq.append(request.args['u'])\ndq.append('b')\ndq.popleft()\n"
            "return redirect(dq.pop())"
        ),
        "PY-OPEN-REDIRECT",
        False,
    ),
    (
        "deque-appendleft-taint",
        view(
            "dq = collections.deque(['a'])\n"
            "dq.appendleft(request.args['u'])\n"
            "return redirect(dq[0])"
        ),
        "PY-OPEN-REDIRECT",
        True,
    ),
    (
        "deque-maxlen-unknown",
        view(
            "dq = collections.deque(maxlen=1)\ndq.append('a')\n"
            "dq.append(request.args['u'])\nreturn redirect(dq.pop())"
        ),
        "PY-OPEN-REDIRECT",
        True,
    ),
    # -- split / partition of a string with a constant prefix holding the separator
    (
        "split-head-constant",
        view("parts = ('safe_' + request.args['u']).split('_', 1)\nreturn redirect(parts[0])"),
        "PY-OPEN-REDIRECT",
        False,
    ),
    (
        "split-tail-taint",
        view("parts = ('safe_' + request.args['u']).split('_', 1)\nreturn redirect(parts[1])"),
        "PY-OPEN-REDIRECT",
        True,
    ),
    (
        "split-sep-not-in-prefix",
        view("parts = ('safe' + request.args['u']).split('_', 1)\nreturn redirect(parts[0])"),
        "PY-OPEN-REDIRECT",
        True,
    ),
    (
        "partition-head-constant",
        view("h, s, t = ('a/' + request.args['u']).partition('/')\nreturn redirect(h)"),
        "PY-OPEN-REDIRECT",
        False,
    ),
    (
        "partition-tail-taint",
        view("h, s, t = ('a/' + request.args['u']).partition('/')\nreturn redirect(t)"),
        "PY-OPEN-REDIRECT",
        True,
    ),
    # -- a slice that cannot hold anything (stop at or before start) is clean
    (
        "empty-slice-clean",
        view("return redirect('/a' + request.args['u'][:0])"),
        "PY-OPEN-REDIRECT",
        False,
    ),
    (
        "empty-slice-reversed-bounds",
        view("return redirect('/a' + request.args['u'][4:2])"),
        "PY-OPEN-REDIRECT",
        False,
    ),
    (
        "nonempty-slice-taint",
        view("return redirect(request.args['u'][:1])"),
        "PY-OPEN-REDIRECT",
        True,
    ),
    (
        "negative-slice-taint",
        view("return redirect(request.args['u'][-3:0] + request.args['u'][:-1])"),
        "PY-OPEN-REDIRECT",
        True,
    ),
]


@pytest.mark.parametrize(
    ("code", "rule", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_mechanism(code: str, rule: str, expected: bool) -> None:
    assert (rule in rules_of(code)) == expected
