"""Calls: what a call of a builtin gives back (a module imported by name, a file)."""

from __future__ import annotations

from tests.analyzers.code.view_findings import view_findings as findings


def test_module_imported_by_a_fixed_name_is_that_module() -> None:
    body = """
        shell = __import__("os")
        getattr(shell, "system")(request.args["c"])
        importlib.import_module("subprocess").call(request.args["c"], shell=True)
        getattr(shell, "getcwd")()
    """
    assert findings(body) == [("PY-COMMAND-INJECTION", 3), ("PY-COMMAND-INJECTION", 4)]


def test_python2_file_builtin_opens_a_file_like_open() -> None:
    body = """
        stream = file(request.args["p"])
        pickle.load(stream)
        pickle.load(file("/srv/cache.pkl"))
    """
    assert findings(body) == [("PY-PATH-TRAVERSAL", 2), ("PY-UNSAFE-DESERIALIZATION", 3)]
