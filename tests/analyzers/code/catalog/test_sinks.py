"""Sinks: stored procedures and pg8000's run(), modules imported by a name from
a request, an unpickler's load(), Django's file storage folder, http.server's
response headers."""

from __future__ import annotations

import textwrap

from shieldwall.analyzers.code.analyzer import analyze_text
from tests.analyzers.code.view_findings import view_findings as findings


def test_stored_procedure_named_by_input_is_sql_injection() -> None:
    body = """
        cur = conn.cursor()
        cur.callproc(request.args["p"], [1])
        cur.callproc("report", [request.args["p"]])
    """
    assert findings(body) == [("PY-SQL-INJECTION", 3)]


def test_pg8000_run_of_sql_from_input_is_reported_where_it_runs() -> None:
    body = """
        conn = pg8000.native.Connection("db")
        query = "SELECT a FROM t WHERE b = " + request.args["b"]
        conn.run(query)
        conn.run("SELECT a FROM t WHERE b = :b", b=request.args["b"])
    """
    assert findings(body) == [("PY-SQL-INJECTION", 4)]


def test_module_imported_by_a_name_from_the_request_is_code_injection() -> None:
    body = """
        importlib.import_module("plugins.%s" % request.args["m"])
        __import__(request.args["m"])
        importlib.import_module("plugins.csv")
    """
    assert findings(body) == [("PY-CODE-INJECTION", 2), ("PY-CODE-INJECTION", 3)]


def test_module_named_in_the_environment_is_not_reported_even_through_a_helper() -> None:
    code = textwrap.dedent("""
        import importlib, os
        def load(name):
            return importlib.import_module(name)
        def main():
            importlib.import_module(os.environ["SETTINGS_MODULE"])
            load(os.environ["PLUGIN"])
    """)
    assert analyze_text("m.py", code) == []


def test_unpickler_is_reported_where_it_loads() -> None:
    body = """
        unpickler = pickle.Unpickler(request.files["f"])
        unpickler.load()
        pickle.Unpickler(file=request.files["f"]).load()
    """
    assert findings(body) == [
        ("PY-UNSAFE-DESERIALIZATION", 3),
        ("PY-UNSAFE-DESERIALIZATION", 4),
    ]


def test_django_file_storage_rooted_at_a_folder_from_input_is_path_traversal() -> None:
    code = textwrap.dedent("""
        from django.core.files.storage import FileSystemStorage
        def upload(request):
            FileSystemStorage(location=request.GET["dir"]).save("a.txt", request.FILES["f"])
            FileSystemStorage(location="/srv/media").save("a.txt", request.FILES["f"])
    """)
    found = [(r.rule.id, r.line) for r in analyze_text("m.py", code)]
    assert found == [("PY-PATH-TRAVERSAL", 4)]


def test_http_server_send_header_is_a_response_header() -> None:
    code = textwrap.dedent("""
        from http.server import BaseHTTPRequestHandler
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_header("Content-Language", self.path[1:])
                self.send_header("Location", self.path[1:])
                self.send_header("Content-Type", "text/plain")
    """)
    found = sorted((r.rule.id, r.line) for r in analyze_text("m.py", code))
    assert found == [
        ("PY-HEADER-INJECTION", 5),
        ("PY-HEADER-INJECTION", 6),
        ("PY-OPEN-REDIRECT", 6),
    ]


def test_elementtree_query_held_in_a_variable_is_xpath_injection() -> None:
    code = textwrap.dedent("""
        import xml.etree.ElementTree as ET
        from flask import Flask, request
        app = Flask(__name__)
        root = ET.parse("users.xml").getroot()
        @app.route("/user")
        def user():
            query = "./users/user/[@name='" + request.args["name"] + "']/location"
            root.findall(query)
            root.findall(request.args["tag"])
            return "done"
    """)
    assert [(r.rule.id, r.line) for r in analyze_text("m.py", code)] == [("PY-XPATH-INJECTION", 9)]


def test_urllib3_proxies_and_pools_for_a_host_from_input_are_ssrf() -> None:
    body = """
        import urllib3
        u = request.args["u"]
        urllib3.ProxyManager(u)
        urllib3.ProxyManager("http://proxy:3128")
        pm = urllib3.PoolManager()
        pm.connection_from_host(u, 80)
        pm.connection_from_host("internal", 80)
        pm.connection_from_url(u)
        urllib3.connectionpool.connection_from_url(u)
    """
    assert findings(body) == [("PY-SSRF", 4), ("PY-SSRF", 7), ("PY-SSRF", 9), ("PY-SSRF", 10)]


def test_a_connection_to_a_host_from_input_sends_there_and_a_tunnel_opens_there() -> None:
    body = """
        import http.client, urllib3
        u = request.args["u"]
        c = urllib3.connection.HTTPConnection(u, 80)
        c.request_chunked("GET", "/")
        proxy = http.client.HTTPConnection("proxy", 3128)
        proxy.set_tunnel(u, 443)
        proxy.set_tunnel("internal", 443)
        fixed = urllib3.connection.HTTPConnection("internal", 80)
        fixed.request("GET", "/" + u)
    """
    assert findings(body) == [("PY-SSRF", 5), ("PY-SSRF", 7)]
