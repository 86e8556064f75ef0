"""Sinks: stored procedures and pg8000's run(), modules imported by a name from
a request, an unpickler's load()."""

from __future__ import annotations

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


def test_module_named_in_the_environment_is_not_reported() -> None:
    body = """
        importlib.import_module(os.environ["SETTINGS_MODULE"])
    """
    assert findings(body) == []


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
