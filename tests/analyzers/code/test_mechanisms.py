"""Mechanisms added after measuring on the blind corpus (tests/fixtures/code_flows):
each with a case that must be found and a look-alike that must stay quiet."""

from __future__ import annotations

import textwrap

import pytest

from shieldwall.analyzers.code.analyzer import analyze_text

FLASK = "from flask import Flask, request, session, abort, Response\napp = Flask(__name__)\n"
DJANGO = "from django.http import HttpResponse\n"


def rules_of(code: str, name: str = "m.py") -> list[str]:
    return [r.rule.id for r in analyze_text(name, textwrap.dedent(code))]


def flask_view(body: str, extra: str = "") -> str:
    return (
        FLASK
        + textwrap.dedent(extra)
        + "@app.route('/x')\ndef view():\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
    )


CASES: list[tuple[str, str, str, bool]] = [
    # (id, code, rule, expected)
    (
        "or-default-keeps-taint",
        flask_view("q = request.args.get('q') or 'x'\ndb.execute('S ' + q)\nreturn 'ok'"),
        "PY-SQL-INJECTION",
        True,
    ),
    (
        "or-known-first",
        flask_view("q = 'x' or request.args['q']\ndb.execute('S ' + q)\nreturn 'ok'"),
        "PY-SQL-INJECTION",
        False,
    ),
    (
        "project-method-not-str-find",
        flask_view(
            "return {'u': repo.find(request.args['u'])}",
            "class Repo:\n    def find(self, u):\n        return db.execute('S ' + u)\n"
            "repo = Repo()\n",
        ),
        "PY-SQL-INJECTION",
        True,
    ),
    (
        "log-percent-args",
        flask_view(
            "log.info('user %s', request.args['u'])\nreturn 'ok'",
            "import logging\nlog = logging.getLogger()\n",
        ),
        "PY-LOG-INJECTION",
        True,
    ),
    (
        "log-percent-int",
        flask_view(
            "log.info('n %d', int(request.args['n']))\nreturn 'ok'",
            "import logging\nlog = logging.getLogger()\n",
        ),
        "PY-LOG-INJECTION",
        False,
    ),
    (
        "django-response-item",
        DJANGO + "def v(request):\n    r = HttpResponse('x')\n"
        "    r['X-A'] = request.GET['a']\n    return r\n",
        "PY-HEADER-INJECTION",
        True,
    ),
    (
        "django-response-item-const",
        DJANGO + "def v(request):\n    r = HttpResponse('x')\n    r['X-A'] = 'b'\n    return r\n",
        "PY-HEADER-INJECTION",
        False,
    ),
    (
        "headers-update",
        flask_view("r = Response('x')\nr.headers.update({'X-T': request.args['t']})\nreturn r"),
        "PY-HEADER-INJECTION",
        True,
    ),
    (
        "view-returns-header-dict",
        flask_view("return 'x', 200, {'X-T': request.args['t']}"),
        "PY-HEADER-INJECTION",
        True,
    ),
    (
        "view-returns-const-header",
        flask_view("t = request.args['t']\nreturn t.upper()[:0], 200, {'X-T': 'v'}"),
        "PY-HEADER-INJECTION",
        False,
    ),
    (
        "location-header-redirects",
        flask_view("r = Response(status=302)\nr.headers['Location'] = request.args['n']\nreturn r"),
        "PY-OPEN-REDIRECT",
        True,
    ),
    (
        "ifexp-allowlist",
        flask_view(
            "v = request.args['v']\ndb.execute('S ' + (v if v in ('a', 'b') else 'a'))\nreturn 'ok'"
        ),
        "PY-SQL-INJECTION",
        False,
    ),
    (
        "ifexp-other-arm",
        flask_view("v = request.args['v']\ndb.execute('S ' + (v if v else 'a'))\nreturn 'ok'"),
        "PY-SQL-INJECTION",
        True,
    ),
    (
        "abort-ends-branch",
        flask_view(
            "u = request.args['u']\n"
            "if urlparse(u).hostname not in HOSTS:\n    abort(400)\n"
            "return {'s': requests.get(u).status_code}",
            "import requests\nfrom urllib.parse import urlparse\nHOSTS = {'a.example'}\n",
        ),
        "PY-SSRF",
        False,
    ),
    (
        "no-abort-no-guard",
        flask_view(
            "u = request.args['u']\n"
            "if urlparse(u).hostname not in HOSTS:\n    print(1)\n"
            "return {'s': requests.get(u).status_code}",
            "import requests\nfrom urllib.parse import urlparse\nHOSTS = {'a.example'}\n",
        ),
        "PY-SSRF",
        True,
    ),
    (
        "plain-text-response",
        flask_view("return Response(request.args['m'], mimetype='text/plain')"),
        "PY-XSS",
        False,
    ),
    (
        "html-response",
        flask_view("return Response(request.args['m'], mimetype='text/html')"),
        "PY-XSS",
        True,
    ),
    (
        "lambda-closure",
        flask_view("f = request.args['f']\ng = lambda x: eval(f, {'x': x})\nreturn {'r': g(1)}"),
        "PY-CODE-INJECTION",
        True,
    ),
    (
        "lambda-own-param",
        flask_view("g = lambda x: eval(x)\nreturn {'r': g('1')}"),
        "PY-CODE-INJECTION",
        False,
    ),
    (
        "session-update",
        flask_view("session.update({'r': request.args['r']})\nreturn 'ok'"),
        "PY-TRUST-BOUNDARY",
        True,
    ),
    (
        "session-setdefault-const",
        flask_view("session.setdefault('r', 'user')\nreturn 'ok'"),
        "PY-TRUST-BOUNDARY",
        False,
    ),
    ("config-debug", FLASK + "app.config['DEBUG'] = True\n", "PY-DEBUG-ENABLED", True),
    ("config-debug-off", FLASK + "app.config['DEBUG'] = False\n", "PY-DEBUG-ENABLED", False),
    (
        "config-update-cookie",
        FLASK + "app.config.update(SESSION_COOKIE_SECURE=False)\n",
        "PY-COOKIE-NOT-SECURE",
        True,
    ),
    (
        "config-update-httponly",
        FLASK + "app.config.update({'SESSION_COOKIE_HTTPONLY': False})\n",
        "PY-COOKIE-NOT-HTTPONLY",
        True,
    ),
    (
        "starlette-debug",
        "from starlette.applications import Starlette\napp = Starlette(debug=True)\n",
        "PY-DEBUG-ENABLED",
        True,
    ),
    (
        "starlette-no-debug",
        "from starlette.applications import Starlette\napp = Starlette(debug=False)\n",
        "PY-DEBUG-ENABLED",
        False,
    ),
    (
        "des",
        "from Crypto.Cipher import DES\nc = DES.new(k, DES.MODE_CBC)\n",
        "PY-WEAK-CIPHER",
        True,
    ),
    (
        "aes-ecb-pycryptodome",
        "from Crypto.Cipher import AES\nc = AES.new(k, AES.MODE_ECB)\n",
        "PY-WEAK-CIPHER",
        True,
    ),
    (
        "aes-gcm",
        "from Crypto.Cipher import AES\nc = AES.new(k, AES.MODE_GCM)\n",
        "PY-WEAK-CIPHER",
        False,
    ),
    (
        "cryptography-ecb",
        "from cryptography.hazmat.primitives.ciphers import modes\nm = modes.ECB()\n",
        "PY-WEAK-CIPHER",
        True,
    ),
    (
        "cryptography-arc4",
        "from cryptography.hazmat.primitives.ciphers import algorithms\na = algorithms.ARC4(k)\n",
        "PY-WEAK-CIPHER",
        True,
    ),
    (
        "cryptography-aes-cbc",
        "from cryptography.hazmat.primitives.ciphers import algorithms,"
        " modes\na = algorithms.AES(k)\nm = modes.CBC(iv)\n",
        "PY-WEAK-CIPHER",
        False,
    ),
    ("hmac-md5", "import hashlib, hmac\nd = hmac.new(k, m, hashlib.md5)\n", "PY-WEAK-HASH", True),
    (
        "hmac-sha256",
        "import hashlib, hmac\nd = hmac.new(k, m, hashlib.sha256)\n",
        "PY-WEAK-HASH",
        False,
    ),
    (
        "pbkdf2-sha1",
        "import hashlib\nd = hashlib.pbkdf2_hmac('sha1', p, s, 1000)\n",
        "PY-WEAK-HASH",
        True,
    ),
    (
        "pbkdf2-sha256",
        "import hashlib\nd = hashlib.pbkdf2_hmac('sha256', p, s, 1000)\n",
        "PY-WEAK-HASH",
        False,
    ),
    (
        "random-returned-by-token-func",
        "import random\ndef make_token():\n    return str(random.random())\n",
        "PY-INSECURE-RANDOM",
        True,
    ),
    (
        "random-returned-by-other-func",
        "import random\ndef jitter():\n    return random.random()\n",
        "PY-INSECURE-RANDOM",
        False,
    ),
    (
        "seeded-random-instance",
        "import random\nrng = random.Random(1)\ndef token():\n    return rng.choice('abc')\n",
        "PY-INSECURE-RANDOM",
        True,
    ),
    (
        "system-random",
        "import random\nrng = random.SystemRandom()\ndef token():\n    return rng.choice('abc')\n",
        "PY-INSECURE-RANDOM",
        False,
    ),
    (
        "jose-unverified",
        "from jose import jwt\nc = jwt.get_unverified_claims(t)\n",
        "PY-JWT-NOT-VERIFIED",
        True,
    ),
    (
        "tmp-fixed-write",
        "def f():\n    with open('/tmp/state.json', 'w') as fh:\n        fh.write('x')\n",
        "PY-TEMPFILE-PREDICTABLE",
        True,
    ),
    (
        "tmp-fstring-name",
        "import os\ndef f():\n    p = f'/tmp/w-{os.getpid()}.lock'\n    open(p, 'w').write('x')\n",
        "PY-TEMPFILE-PREDICTABLE",
        True,
    ),
    (
        "tmp-read-only",
        "def f():\n    return open('/tmp/state.json').read()\n",
        "PY-TEMPFILE-PREDICTABLE",
        False,
    ),
    (
        "var-tmp-elsewhere",
        "def f():\n    open('/srv/app/state.json', 'w').write('x')\n",
        "PY-TEMPFILE-PREDICTABLE",
        False,
    ),
    (
        "etree-findall",
        "import xml.etree.ElementTree as ET\n"
        + DJANGO
        + "def v(request):\n    t = ET.parse('a.xml')\n"
        "    return HttpResponse(len(t.findall(\".//i[@c='\" + request.GET['c'] + \"']\")))\n",
        "PY-XPATH-INJECTION",
        True,
    ),
    (
        "str-find-not-xpath",
        "import xml.etree.ElementTree as ET\n"
        + DJANGO
        + "def v(request):\n    return HttpResponse(str('abc'.find(request.GET['c'])))\n",
        "PY-XPATH-INJECTION",
        False,
    ),
    (
        "xpath-evaluator",
        "from lxml import etree\n"
        + flask_view(
            "e = etree.XPathEvaluator(doc)\nreturn {'v': str(e('//a[@n=\"%s\"]' % "
            "request.args['n']))}"
        ),
        "PY-XPATH-INJECTION",
        True,
    ),
    (
        "requests-session",
        "import requests\n"
        + flask_view("s = requests.Session()\nreturn s.get(request.args['u']).text"),
        "PY-SSRF",
        True,
    ),
    (
        "httpx-async-client",
        "import httpx\n"
        + flask_view("with httpx.Client() as c:\n    return c.post(request.args['u']).text"),
        "PY-SSRF",
        True,
    ),
    (
        "session-fixed-url",
        "import requests\n"
        + flask_view(
            "s = requests.Session()\nreturn s.get('https://a.example', "
            "params={'q': request.args['q']}).text"
        ),
        "PY-SSRF",
        False,
    ),
    (
        "urllib3-pool",
        "import urllib3\n"
        + flask_view("return str(urllib3.PoolManager().request('GET', request.args['u']).status)"),
        "PY-SSRF",
        True,
    ),
    (
        "django-url-capture",
        "from django.db import connection\n"
        "def v(request, slug):\n    connection.cursor().execute('S ' + slug)\n",
        "PY-SQL-INJECTION",
        True,
    ),
    (
        "django-url-capture-int",
        "from django.db import connection\n"
        "def v(request, pk: int):\n    connection.cursor().execute(f'S {pk}')\n",
        "PY-SQL-INJECTION",
        False,
    ),
    (
        "django-param-with-default",
        "from django.db import connection\n"
        "def v(request, table='t'):\n    connection.cursor().execute('S ' + table)\n",
        "PY-SQL-INJECTION",
        False,
    ),
    (
        "django-helper-called-here",
        "from django.db import connection\n"
        "def helper(request, table):\n    connection.cursor().execute('S ' + table)\n"
        "def v(request):\n    helper(request, 'users')\n",
        "PY-SQL-INJECTION",
        False,
    ),
    (
        "django-cbv-capture",
        "from django.views import View\nfrom django.db import connection\n"
        "class V(View):\n    def get(self, request, slug):\n"
        "        connection.cursor().execute('S ' + slug)\n",
        "PY-SQL-INJECTION",
        True,
    ),
    (
        "instance-field-used",
        flask_view(
            "return {'r': Job(request.args['a']).run()}",
            "import os\nclass Job:\n    def __init__(self, a):\n        self.a = a\n"
            "        self.b = 'ls'\n    def run(self):\n        return os.system(self.a)\n",
        ),
        "PY-COMMAND-INJECTION",
        True,
    ),
    (
        "instance-other-field",
        flask_view(
            "return {'r': Job(request.args['a']).run()}",
            "import os\nclass Job:\n    def __init__(self, a):\n        self.a = a\n"
            "        self.b = 'ls'\n    def run(self):\n        return os.system(self.b)\n",
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "instance-field-sanitised",
        flask_view(
            "return {'r': Job(request.args['a']).run()}",
            "import os, shlex\nclass Job:\n    def __init__(self, a):\n"
            "        self.a = shlex.quote(a)\n    def run(self):\n"
            "        return os.system('echo ' + self.a)\n",
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "instance-field-read",
        flask_view(
            "j = Job(request.args['a'])\nreturn {'r': os.system(j.b), 'a': j.a}",
            "import os\nclass Job:\n    def __init__(self, a):\n        self.a = a\n"
            "        self.b = 'ls'\n",
        ),
        "PY-COMMAND-INJECTION",
        False,
    ),
    (
        "method-sets-field",
        flask_view(
            "p.configure(request.args['u'])\nreturn p.fetch()",
            "import requests\nclass P:\n    def __init__(self):\n"
            "        self.s = requests.Session()\n        self.u = 'https://a.example'\n"
            "    def configure(self, u):\n        self.u = u\n"
            "    def fetch(self):\n        return self.s.get(self.u).text\np = P()\n",
        ),
        "PY-SSRF",
        True,
    ),
    (
        "method-sets-other-field",
        flask_view(
            "p.remember(request.args['u'])\nreturn p.fetch()",
            "import requests\nclass P:\n    def __init__(self):\n"
            "        self.u = 'https://a.example'\n        self.c = None\n"
            "    def remember(self, c):\n        self.c = c\n"
            "    def fetch(self):\n        return requests.get(self.u).text\np = P()\n",
        ),
        "PY-SSRF",
        False,
    ),
    (
        "self-field-across-methods",
        "from django.views import View\n"
        "from django.db import connection\nclass V(View):\n    def get(self, request):\n"
        "        self.q = request.GET['q']\n        return self.run()\n    def run(self):\n"
        "        connection.cursor().execute('S ' + self.q)\n",
        "PY-SQL-INJECTION",
        True,
    ),
    (
        "global-set-elsewhere",
        FLASK + "LAST = ''\n@app.route('/b')\ndef b():\n"
        "    db.execute('S ' + LAST)\n    return 'ok'\n@app.route('/a')\ndef a():\n"
        "    global LAST\n    LAST = request.args['q']\n    return 'ok'\n",
        "PY-SQL-INJECTION",
        True,
    ),
    (
        "global-constant",
        FLASK + "T = 'events'\n@app.route('/b')\ndef b():\n"
        "    global T\n    db.execute('S ' + T, (request.args['q'],))\n    return 'ok'\n",
        "PY-SQL-INJECTION",
        False,
    ),
    (
        "commonpath-guard",
        "import os\n" + DJANGO + "BASE = os.path.realpath('/srv')\n"
        "def v(request, name):\n    p = os.path.realpath(os.path.join(BASE, name))\n"
        "    if os.path.commonpath([p, BASE]) != BASE:\n        return HttpResponse(status=403)\n"
        "    return HttpResponse(open(p).read(), content_type='text/plain')\n",
        "PY-PATH-TRAVERSAL",
        False,
    ),
    (
        "no-commonpath-guard",
        "import os\n" + DJANGO + "BASE = os.path.realpath('/srv')\n"
        "def v(request, name):\n    p = os.path.realpath(os.path.join(BASE, name))\n"
        "    return HttpResponse(open(p).read(), content_type='text/plain')\n",
        "PY-PATH-TRAVERSAL",
        True,
    ),
    (
        "pickle-own-file",
        "import pickle\ndef load():\n"
        "    with open('/var/cache/app.pkl', 'rb') as fh:\n        return pickle.load(fh)\n",
        "PY-UNSAFE-DESERIALIZATION",
        False,
    ),
    (
        "pickle-file-from-config",
        "import os, pickle\ndef load():\n"
        "    with open(os.environ['CACHE'], 'rb') as fh:\n        return pickle.load(fh)\n",
        "PY-UNSAFE-DESERIALIZATION",
        True,
    ),
    (
        "ldap-filter-format",
        "import ldap, ldap.filter\n"
        + DJANGO
        + "def v(request):\n    c = ldap.initialize('ldap://l')\n"
        "    f = ldap.filter.filter_format('(mail=%s)', [request.POST['m']])\n"
        "    return HttpResponse(str(len(c.search_s('dc=x', 2, f))))\n",
        "PY-LDAP-INJECTION",
        False,
    ),
]


@pytest.mark.parametrize(
    ("code", "rule", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_mechanism(code: str, rule: str, expected: bool) -> None:
    found = rules_of(code)
    assert (rule in found) is expected, found
