"""Mechanisms added after measuring on the held-out corpus
(tests/fixtures/code_propagators): each with a case that must be found and a
look-alike that must stay quiet."""

from __future__ import annotations

import textwrap

import pytest

from shieldwall.analyzers.code.analyzer import analyze_text
from shieldwall.analyzers.code.charsets import removal_survivors, safe_classes

FLASK = (
    "import re, threading, logging, pickle, random, hashlib, requests, subprocess\n"
    "from flask import Flask, request, redirect, make_response, session, "
    "render_template_string\napp = Flask(__name__)\n"
)
FASTAPI = (
    "from fastapi import FastAPI, Request\n"
    "from fastapi.responses import PlainTextResponse, JSONResponse\napp = FastAPI()\n"
)


def rules_of(code: str) -> list[str]:
    return [r.rule.id for r in analyze_text("m.py", textwrap.dedent(code))]


def flask_view(body: str, extra: str = "") -> str:
    return (
        FLASK
        + textwrap.dedent(extra)
        + "@app.route('/x')\ndef view():\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
    )


P = "p = request.args.get('p', '')\n"

CASES: list[tuple[str, str, str, bool]] = [
    # (id, code, rule, expected)
    # -- threads and closures: a nested function runs where it is handed over
    (
        "thread-writes-tainted",
        flask_view(
            P + "box = {}\ndef work():\n    box['v'] = p\n"
            "t = threading.Thread(target=work)\nt.start()\n"
            "t.join()\nsubprocess.run(box['v'], shell=True)\n"
            "return 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "thread-overwrites-constant",
        flask_view(
            P + "box = {'v': p}\ndef work():\n"
            "    box['v'] = 'ls'\n"
            "t = threading.Thread(target=work)\nt.start()\n"
            "t.join()\nsubprocess.run(box['v'], shell=True)\n"
            "return 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "thread-args-tuple",
        flask_view(
            P + "out = []\ndef work(x):\n    out.append(x)\n"
            "threading.Thread(target=work, args=(p,)).start()\n"
            "subprocess.run(out[0], shell=True)\nreturn 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "direct-closure-call",
        flask_view(
            P + "def grab():\n    return p\nsubprocess.run(grab(), shell=True)\nreturn 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "direct-closure-call-const",
        flask_view(
            P + "def grab():\n    return 'ls'\nsubprocess.run(grab(), shell=True)\nreturn 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "lambda-factory",
        flask_view(
            P + "subprocess.run(make(p)(), shell=True)\nreturn 'ok'",
            "def make(v):\n    return lambda: v\n",
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "lambda-factory-const",
        flask_view(
            P + "subprocess.run(make(p)(), shell=True)\nreturn 'ok'",
            "def make(v):\n    return lambda: 'ls'\n",
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "closure-in-closure",
        flask_view(
            P + "def outer():\n    def inner():\n"
            "        return p\n    return inner()\n"
            "subprocess.run(outer(), shell=True)\nreturn 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "nonlocal-overwritten",
        flask_view(
            P + "v = p\ndef reset():\n    nonlocal v\n"
            "    v = 'ls'\nreset()\n"
            "subprocess.run(v, shell=True)\nreturn 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "nonlocal-set-from-input",
        flask_view(
            P + "v = 'ls'\ndef grab():\n    nonlocal v\n"
            "    v = p\ngrab()\n"
            "subprocess.run(v, shell=True)\nreturn 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "thread-subclass-run",
        flask_view(
            P + "w = Worker(p)\nw.start()\nw.join()\nsubprocess.run(w.out, shell=True)\n"
            "return 'ok'",
            "class Worker(threading.Thread):\n    def __init__(self, v):\n"
            "        super().__init__()\n        self.v = v\n        self.out = ''\n"
            "    def run(self):\n        self.out = self.v.strip()\n",
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "thread-subclass-run-const",
        flask_view(
            P + "w = Worker(p)\nw.start()\nw.join()\nsubprocess.run(w.out, shell=True)\n"
            "return 'ok'",
            "class Worker(threading.Thread):\n    def __init__(self, v):\n"
            "        super().__init__()\n        self.v = v\n        self.out = ''\n"
            "    def run(self):\n        self.out = 'ls'\n",
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "executor-submit",
        flask_view(
            P + "with ThreadPoolExecutor() as ex:\n    v = ex.submit(up, p).result()\n"
            "subprocess.run(v, shell=True)\nreturn 'ok'",
            "from concurrent.futures import ThreadPoolExecutor\ndef up(x):\n    return x.upper()\n",
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "executor-submit-const",
        flask_view(
            P + "with ThreadPoolExecutor() as ex:\n    v = ex.submit(up, p).result()\n"
            "subprocess.run(v, shell=True)\nreturn 'ok'",
            "from concurrent.futures import ThreadPoolExecutor\ndef up(x):\n    return 'ls'\n",
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "generator-yields-input",
        flask_view(
            P + "subprocess.run(next(gen(p)), shell=True)\nreturn 'ok'",
            "def gen(x):\n    yield x\n",
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "generator-yields-const",
        flask_view(
            P + "subprocess.run(next(gen(p)), shell=True)\nreturn 'ok'",
            "def gen(x):\n    yield 'ls'\n",
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    # -- the constant start of a string: slices of it, fixed hosts
    (
        "slice-of-constant-start",
        flask_view(
            P + "s = 'safe_text' + p\nsubprocess.run('echo ' + s[:9], shell=True)\nreturn 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "slice-past-constant-start",
        flask_view(
            P + "s = 'safe_text' + p\nsubprocess.run('echo ' + s[:12], shell=True)\nreturn 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "fstring-slice-constant-start",
        flask_view(
            P + "s = f'abcdef{p}'\nsubprocess.run('echo ' + s[2:4], shell=True)\nreturn 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "ssrf-fixed-host-in-variable",
        flask_view(P + "u = 'https://api.example.com/u/' + p\nrequests.get(u)\nreturn 'ok'"),
        "PY-SSRF",
        False,
    ),
    (
        "ssrf-fixed-host-format",
        flask_view(
            P + "u = 'https://api.example.com/u/{}'.format(p)\nrequests.get(u)\nreturn 'ok'"
        ),
        "PY-SSRF",
        False,
    ),
    (
        "ssrf-host-chosen",
        flask_view(P + "u = 'https://' + p + '/api'\nrequests.get(u)\nreturn 'ok'"),
        "PY-SSRF",
        True,
    ),
    (
        "ssrf-host-suffix",
        flask_view(P + "requests.get('https://api.example.com' + p)\nreturn 'ok'"),
        "PY-SSRF",
        True,
    ),
    (
        "ssrf-branches-share-host",
        flask_view(
            P + "u = ('https://a.example.com/x/' + p) if len(p) > 3 else "
            "('https://a.example.com/y/' + p)\nrequests.get(u)\nreturn 'ok'"
        ),
        "PY-SSRF",
        False,
    ),
    (
        "redirect-local-path",
        flask_view(P + "return redirect('/items/' + p)"),
        "PY-OPEN-REDIRECT",
        False,
    ),
    ("redirect-slash-only", flask_view(P + "return redirect('/' + p)"), "PY-OPEN-REDIRECT", True),
    # -- regex validation and removal
    (
        "re-fullmatch-guard",
        flask_view(
            P + "if re.fullmatch(r'[a-z0-9]+', p):\n"
            "    subprocess.run('echo ' + p, shell=True)\n"
            "return 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "re-fullmatch-other-branch",
        flask_view(
            P + "if not re.fullmatch(r'[a-z0-9]+', p):\n"
            "    subprocess.run('echo ' + p, shell=True)\n"
            "return 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "re-match-unanchored",
        flask_view(
            P + "if re.match(r'[a-z0-9]+', p):\n"
            "    subprocess.run('echo ' + p, shell=True)\n"
            "return 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "compiled-regex-guard",
        flask_view(
            P + "if WORD.fullmatch(p):\n    subprocess.run('echo ' + p, shell=True)\nreturn 'ok'",
            "WORD = re.compile(r'\\w+')\n",
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "re-sub-keeps-allowed",
        flask_view(
            P + "v = re.sub(r'[^A-Za-z0-9_-]', '', p)\n"
            "r = make_response('x')\nr.headers['X-V'] = v\n"
            "return r"
        ),
        "PY-HEADER-INJECTION",
        False,
    ),
    (
        "re-sub-strips-little",
        flask_view(
            P + "v = re.sub(r'<', '', p)\nr = make_response('x')\nr.headers['X-V'] = v\nreturn r"
        ),
        "PY-HEADER-INJECTION",
        True,
    ),
    # -- sanitisers: repr for logs, serialiser output for loaders
    (
        "repr-in-log",
        flask_view(P + "logging.info('v=' + repr(p))\nreturn 'ok'"),
        "PY-LOG-INJECTION",
        False,
    ),
    (
        "str-in-log",
        flask_view(P + "logging.info('v=' + str(p))\nreturn 'ok'"),
        "PY-LOG-INJECTION",
        True,
    ),
    (
        "pickle-roundtrip",
        flask_view(P + "obj = pickle.loads(pickle.dumps({'n': p}))\nreturn 'ok'"),
        "PY-UNSAFE-DESERIALIZATION",
        False,
    ),
    (
        "pickle-of-input",
        flask_view(P + "obj = pickle.loads(p.encode())\nreturn 'ok'"),
        "PY-UNSAFE-DESERIALIZATION",
        True,
    ),
    # -- keyword arguments from a dict
    (
        "cookie-flags-from-dict",
        flask_view(
            P + "opts = {'secure': True, 'httponly': True}\n"
            "r = make_response('x')\n"
            "r.set_cookie('a', 'b', **opts)\nreturn r"
        ),
        "PY-COOKIE-NOT-SECURE",
        False,
    ),
    (
        "cookie-flags-from-dict-off",
        flask_view(
            P + "opts = {'secure': False}\n"
            "r = make_response('x')\n"
            "r.set_cookie('a', 'b', **opts)\nreturn r"
        ),
        "PY-COOKIE-NOT-SECURE",
        True,
    ),
    # -- response constructors' headers=
    (
        "response-headers-kwarg",
        FASTAPI + "@app.get('/h')\ndef h(request: Request):\n"
        "    v = request.query_params.get('v', '')\n"
        "    return PlainTextResponse('ok', headers={'X-V': v})\n",
        "PY-HEADER-INJECTION",
        True,
    ),
    (
        "response-headers-kwarg-const",
        FASTAPI + "@app.get('/h')\ndef h(request: Request):\n"
        "    v = request.query_params.get('v', '')\n"
        "    return JSONResponse({'v': v}, headers={'X-V': 'fixed'})\n",
        "PY-HEADER-INJECTION",
        False,
    ),
    # -- render_template_string with a fixed template escapes its variables
    (
        "template-variable-escaped",
        flask_view(P + "return render_template_string('<p>{{ v }}</p>', v=p)"),
        "PY-XSS",
        False,
    ),
    (
        "template-variable-safe-filter",
        flask_view(P + "return render_template_string('<p>{{ v|safe }}</p>', v=p)"),
        "PY-XSS",
        True,
    ),
    # -- uploaded files saved under a chosen name
    (
        "upload-save-own-name",
        flask_view("f = request.files['doc']\nf.save('/srv/up/' + f.filename)\nreturn 'ok'"),
        "PY-PATH-TRAVERSAL",
        True,
    ),
    (
        "upload-save-fixed-name",
        flask_view("f = request.files['doc']\nf.save('/srv/up/latest.bin')\nreturn 'ok'"),
        "PY-PATH-TRAVERSAL",
        False,
    ),
    # -- weak randomness through casts, shuffles and containers
    (
        "int-of-random-token",
        flask_view(
            "return {'ok': 1}", "def make_token():\n    return '%x' % int(random.random() * 1e16)\n"
        ),
        "PY-INSECURE-RANDOM",
        True,
    ),
    (
        "shuffled-alphabet-code",
        flask_view(
            "return {'invite': invite_code(), 'to': request.args['e']}",
            "def invite_code():\n    a = list('abcdefgh')\n    random.shuffle(a)\n"
            "    return ''.join(a[:6])\n",
        ),
        "PY-INSECURE-RANDOM",
        True,
    ),
    (
        "shuffled-display-list",
        flask_view(
            "return {'items': sorted_items()}",
            "def sorted_items():\n    a = list('abcdefgh')\n    random.shuffle(a)\n    return a\n",
        ),
        "PY-INSECURE-RANDOM",
        False,
    ),
    # -- del on containers whose shape is known
    (
        "del-list-item-safe",
        flask_view(P + "l = [p, 'ls']\ndel l[0]\nsubprocess.run(l[0], shell=True)\nreturn 'ok'"),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "del-list-item",
        flask_view(P + "l = ['ls', p]\ndel l[0]\nsubprocess.run(l[0], shell=True)\nreturn 'ok'"),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "del-dict-key-safe",
        flask_view(
            P + "d = {'a': p}\ndel d['a']\n"
            "subprocess.run(d.get('a', 'ls'), shell=True)\n"
            "return 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    # -- decoders undo encoders
    (
        "json-roundtrip",
        flask_view(
            P + "v = json.loads(json.dumps({'a': p}))['a']\n"
            "subprocess.run('echo ' + v, shell=True)\nreturn 'ok'",
            "import json\n",
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "json-dumps-only",
        flask_view(
            P + "v = json.dumps(p)\nsubprocess.run('echo ' + v, shell=True)\nreturn 'ok'",
            "import json\n",
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    # -- startswith pins a folder or a site path, not the rest of the value
    (
        "startswith-not-for-commands",
        flask_view(
            P + "if p.startswith('a'):\n    subprocess.run('echo ' + p, shell=True)\nreturn 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "startswith-for-redirects",
        flask_view(
            P + "if p.startswith('/') and not "
            "p.startswith('//'):\n    return redirect(p)\n"
            "return 'no'"
        ),
        "PY-OPEN-REDIRECT",
        False,
    ),
    (
        "startswith-and-allowlist",
        flask_view(
            P + "if p.startswith('l') and p in ('ls', 'lsof'):\n"
            "    subprocess.run(p, shell=True)\n"
            "return 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    # -- factories of our own classes
    (
        "factory-method-returns-input",
        flask_view(
            P + "subprocess.run(make().do(p), shell=True)\nreturn 'ok'",
            "class Impl:\n    def do(self, v):\n        return v\ndef make():\n    return Impl()\n",
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "factory-method-returns-constant",
        flask_view(
            P + "subprocess.run(make().do(p), shell=True)\nreturn 'ok'",
            "class Impl:\n    def do(self, v):\n        return 'ls'\ndef make():\n"
            "    return Impl()\n",
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    # -- sinks: bound SQL parameters, shells run by exec/spawn, python-ldap, loggers
    (
        "sqlalchemy-bindparams",
        flask_view(
            P + "conn.execute(text('SELECT a FROM t WHERE b = :b').bindparams(b=p))\nreturn 'ok'",
            "from sqlalchemy import text\n",
        ),
        "PY-SQL-INJECTION",
        False,
    ),
    (
        "sqlalchemy-text-concat",
        flask_view(
            P + "conn.execute(text('SELECT a FROM t WHERE b = ' + p))\nreturn 'ok'",
            "from sqlalchemy import text\n",
        ),
        "PY-SQL-INJECTION",
        True,
    ),
    (
        "execl-shell",
        flask_view(P + "import os\nos.execl('/bin/sh', 'sh', '-c', 'ls ' + p)\nreturn 'ok'"),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "execl-program-args",
        flask_view(P + "import os\nos.execl('/bin/ls', 'ls', p)\nreturn 'ok'"),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "python-ldap-search",
        flask_view(
            P + "c = ldap.initialize('ldap://h')\n"
            "c.search('dc=x', ldap.SCOPE_SUBTREE, '(uid=' + p + ')')\n"
            "return 'ok'",
            "import ldap\n",
        ),
        "PY-LDAP-INJECTION",
        True,
    ),
    (
        "python-ldap-search-const",
        flask_view(
            P + "c = ldap.initialize('ldap://h')\n"
            "c.search(p, ldap.SCOPE_SUBTREE, '(uid=a)')\n"
            "return 'ok'",
            "import ldap\n",
        ),
        "PY-LDAP-INJECTION",
        False,
    ),
    (
        "unnamed-logger",
        flask_view(P + "logging.getLogger().info('v ' + p)\nreturn 'ok'"),
        "PY-LOG-INJECTION",
        True,
    ),
    (
        "unnamed-logger-const",
        flask_view(P + "logging.getLogger().info('v %d', len(p))\nreturn 'ok'"),
        "PY-LOG-INJECTION",
        False,
    ),
    (
        "numpy-random-token",
        flask_view(
            "session['token'] = str(np.random.randint(10**9))\nreturn 'ok'", "import numpy as np\n"
        ),
        "PY-INSECURE-RANDOM",
        True,
    ),
    # -- typed fields of request models, Django templates escape their variables
    (
        "model-int-field",
        FASTAPI + "from pydantic import BaseModel\nimport os\n"
        "class Job(BaseModel):\n    n: int\n    name: str\n"
        "@app.post('/j')\ndef j(job: Job):\n    os.system('nice -n %d true' % job.n)\n"
        "    return {}\n",
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "model-str-field",
        FASTAPI + "from pydantic import BaseModel\nimport os\n"
        "class Job(BaseModel):\n    n: int\n    name: str\n"
        "@app.post('/j')\ndef j(job: Job):\n    os.system('touch ' + job.name)\n"
        "    return {}\n",
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "django-template-escapes",
        "from django.http import HttpResponse\n"
        "from django.template import Template, Context\ndef v(request):\n"
        "    t = Template('<p>{{ q }}</p>')\n"
        "    return HttpResponse(t.render(Context({'q': request.GET['q']})))\n",
        "PY-XSS",
        False,
    ),
    (
        "django-template-safe-filter",
        "from django.http import HttpResponse\n"
        "from django.template import Template, Context\ndef v(request):\n"
        "    t = Template('<p>{{ q|safe }}</p>')\n"
        "    return HttpResponse(t.render(Context({'q': request.GET['q']})))\n",
        "PY-XSS",
        True,
    ),
    # -- constants returned by small helpers reach pattern rules
    (
        "helper-returns-weak-algorithm",
        flask_view(
            "return hashlib.new(algo(), request.args['p'].encode()).hexdigest()",
            "def algo():\n    return 'md5'\n",
        ),
        "PY-WEAK-HASH",
        True,
    ),
    (
        "helper-returns-strong-algorithm",
        flask_view(
            "return hashlib.new(algo(), request.args['p'].encode()).hexdigest()",
            "def algo():\n    return 'sha256'\n",
        ),
        "PY-WEAK-HASH",
        False,
    ),
    # -- sets: what an in-place intersection keeps equals the argument's elements
    (
        "set-intersection-update-tainted",
        flask_view(
            P + "s = {'ls'}\ns.intersection_update({p})\n"
            "for e in s:\n    subprocess.run(e, shell=True)\nreturn 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "set-symmetric-difference-update-tainted",
        flask_view(
            P + "s = {'ls'}\ns.symmetric_difference_update({p})\n"
            "for e in s:\n    subprocess.run(e, shell=True)\nreturn 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "set-difference-update-constant",
        flask_view(
            P + "s = {'ls'}\ns.difference_update({p})\n"
            "for e in s:\n    subprocess.run(e, shell=True)\nreturn 'ok'"
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
]


@pytest.mark.parametrize("code,rule,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mechanism(code: str, rule: str, expected: bool) -> None:
    assert (rule in rules_of(code)) is expected


def test_removal_survivors_and_classes() -> None:
    left = removal_survivors(r"[^A-Za-z0-9_-]")
    assert left is not None and "a" in left and "-" in left and "\n" not in left
    classes = safe_classes(left)
    assert {"header", "log", "cmd", "xss", "path"} <= classes
    assert "sql" not in classes  # '-' starts an SQL comment
    assert removal_survivors(r"xyz") is None  # removes no single character
    assert removal_survivors(r"[") is None  # does not compile
