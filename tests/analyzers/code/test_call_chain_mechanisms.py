"""Mechanisms added after measuring on the third held-out corpus
(tests/fixtures/code_call_chains): each with a case that must be found and a
look-alike that must stay quiet."""

from __future__ import annotations

import textwrap

import pytest

from shieldwall.analyzers.code.analyzer import analyze_text

FLASK = (
    "import os, re, logging, subprocess, hashlib, yaml\n"
    "from urllib.parse import urlparse\n"
    "from flask import Flask, request, redirect, make_response, abort\n"
    "app = Flask(__name__)\nlog = logging.getLogger(__name__)\n"
)
DJANGO = "import subprocess\nfrom django.http import HttpResponse\nfrom django.views import View\n"


def rules_of(code: str) -> list[str]:
    return [r.rule.id for r in analyze_text("m.py", textwrap.dedent(code))]


def view(body: str, helpers: str = "") -> str:
    return (
        FLASK
        + textwrap.dedent(helpers)
        + "@app.route('/x')\ndef view():\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
    )


CASES: list[tuple[str, str, str, bool]] = [
    # (id, code, rule, expected)
    # -- *args / **kwargs: arguments gathered into one parameter keep their taint
    (
        "varargs-carry-taint",
        view(
            "return str(sh('ls', request.args['d']))",
            "def sh(*parts):\n    return os.system(' '.join(parts))\n",
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "varargs-constant",
        view(
            "request.args['d']\nreturn str(sh('ls', '-l'))",
            "def sh(*parts):\n    return os.system(' '.join(parts))\n",
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "kwargs-carry-taint",
        view(
            "return str(run(q=request.args['q']))",
            "def run(**kw):\n    return os.system('grep ' + kw['q'])\n",
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "kwargs-clean",
        view("return str(run(q='x'))", "def run(**kw):\n    return os.system('grep ' + kw['q'])\n"),
        "PY-COMMAND-INJECTION",
        False,
    ),
    # -- a splat into a list keeps the program name known
    (
        "list-splat-program-known",
        view(
            "return git('log', request.args['b'])",
            "def git(*a):\n    return subprocess.run(['git', *a]).stdout\n",
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "list-splat-shell",
        view(
            "return sh(request.args['c'])",
            "def sh(*a):\n    return subprocess.run(['sh', '-c', *a]).stdout\n",
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    # -- a default no call overrides is the parameter's value
    (
        "default-false-not-passed",
        view(
            "return put(make_response('ok'))",
            "def put(resp, secure=False):\n"
            "    resp.set_cookie('s', 'v', secure=secure, httponly=True)\n    return resp\n",
        ),
        "PY-COOKIE-NOT-SECURE",
        True,
    ),
    (
        "default-true-not-passed",
        view(
            "return put(make_response('ok'))",
            "def put(resp, secure=True):\n"
            "    resp.set_cookie('s', 'v', secure=secure, httponly=True)\n    return resp\n",
        ),
        "PY-COOKIE-NOT-SECURE",
        False,
    ),
    (
        "default-overridden-by-caller",
        view(
            "return put(make_response('ok'), secure=True)",
            "def put(resp, secure=False):\n"
            "    resp.set_cookie('s', 'v', secure=secure, httponly=True)\n    return resp\n",
        ),
        "PY-COOKIE-NOT-SECURE",
        False,
    ),
    (
        "default-hash-name",
        "import hashlib\ndef digest(d, algo='md5'):\n"
        "    return hashlib.new(algo, d).hexdigest()\ndef pw(p):\n    return digest(p)\n",
        "PY-WEAK-HASH",
        True,
    ),
    (
        "default-hash-name-strong",
        "import hashlib\ndef digest(d, algo='sha512'):\n"
        "    return hashlib.new(algo, d).hexdigest()\ndef pw(p):\n    return digest(p)\n",
        "PY-WEAK-HASH",
        False,
    ),
    (
        "default-global-safe-parser",
        "from lxml import etree\nfrom flask import request\n"
        "SAFE = etree.XMLParser(resolve_entities=False)\n"
        "def load(s, parser=SAFE):\n    return etree.parse(s, parser)\n"
        "def view():\n    return load(request.files['x'].stream)\n",
        "PY-XXE",
        False,
    ),
    (
        "default-none-parser",
        "from lxml import etree\nfrom flask import request\n"
        "def load(s, parser=None):\n    return etree.parse(s, parser)\n"
        "def view():\n    return load(request.files['x'].stream)\n",
        "PY-XXE",
        True,
    ),
    # -- Django class-based views: self.kwargs holds the URL captures
    (
        "cbv-self-kwargs",
        DJANGO + "class V(View):\n    def get(self, request, **kw):\n"
        "        return HttpResponse(subprocess.check_output("
        "'ls ' + self.kwargs['d'], shell=True))\n",
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "non-view-self-kwargs",
        DJANGO + "class Job:\n    def get(self, request):\n"
        "        return subprocess.check_output('ls ' + self.kwargs['d'], shell=True)\n",
        "PY-COMMAND-INJECTION",
        False,
    ),
    # -- getattr(module, "Name", default) is the named attribute
    (
        "getattr-safe-loader",
        view(
            "ld = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)\n"
            "return str(yaml.load(request.data, Loader=ld))"
        ),
        "PY-UNSAFE-DESERIALIZATION",
        False,
    ),
    (
        "getattr-unsafe-loader",
        view("ld = getattr(yaml, 'UnsafeLoader')\nreturn str(yaml.load(request.data, Loader=ld))"),
        "PY-UNSAFE-DESERIALIZATION",
        True,
    ),
    # -- re.sub replacing line breaks with a space is as good as deleting them
    (
        "crlf-replaced-by-space",
        view("log.info('q %s', re.sub(r'[\\r\\n]+', ' ', request.args['q']))\nreturn 'ok'"),
        "PY-LOG-INJECTION",
        False,
    ),
    (
        "replacement-brings-newline",
        view("log.info('q %s', re.sub(r'[\\r]+', '\\n', request.args['q']))\nreturn 'ok'"),
        "PY-LOG-INJECTION",
        True,
    ),
    # -- a parsed URL whose netloc was checked empty is a local path
    (
        "netloc-checked-empty",
        view(
            "t = request.args['to']\nparts = urlparse(t)\n"
            "if parts.netloc or parts.scheme:\n    abort(400)\n"
            "return redirect(t)"
        ),
        "PY-OPEN-REDIRECT",
        False,
    ),
    (
        "only-scheme-checked",
        view(
            "t = request.args['to']\nparts = urlparse(t)\n"
            "if parts.scheme:\n    abort(400)\nreturn redirect(t)"
        ),
        "PY-OPEN-REDIRECT",
        True,
    ),
    (
        "netloc-required",
        view(
            "t = request.args['to']\nparts = urlparse(t)\n"
            "if not parts.netloc:\n    abort(400)\nreturn redirect(t)"
        ),
        "PY-OPEN-REDIRECT",
        True,
    ),
]


@pytest.mark.parametrize(
    ("code", "rule", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_mechanism(code: str, rule: str, expected: bool) -> None:
    assert (rule in rules_of(code)) == expected
