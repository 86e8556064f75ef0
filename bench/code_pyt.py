"""python-security/pyt's example programs, scored line by line with the
expectations of pyt's own tests: a suite with safe sink calls as well as
vulnerable ones.

pyt's tests (`tests/vulnerabilities/vulnerabilities_test.py` and
`vulnerabilities_across_files_test.py`) run pyt on a file of `examples/` and
assert how many vulnerabilities it holds, most with the sink line spelt out. A
case here is one sink call of such a file, vulnerable or safe as those tests
say:

- a test expecting N vulnerabilities marks the N sink calls its description
  names (or, where it gives only the count, the file's only sink calls reached
  by input) vulnerable; the file's other sink calls of the same kind (a command
  built from constants in the same application) are safe;
- a test expecting none (`XSS_no_vuln`, `no_false_positive_*`,
  `def_with_self_as_first_arg`) marks the file's sink call safe;
- a result pyt's test prints as "sanitised by" a sanitiser (`Markup.escape`)
  is safe; one "potentially sanitised" (an `if` test on the value) is reported
  by pyt as a vulnerability, so vulnerable;
- `recursive.py` expects two results, but the test's own comment says one is a
  kept false positive (a recursive function returning a constant): that call
  is safe.

Category: the sink's kind (`replace(` into a response body and `render(` are
XSS, `execute(` / `filter(` SQL, `send_file(` path, the command calls command
injection). A sink inside a helper counts at the helper's call too (`also`).

Two expectations are not scored, decided before any measurement because the
code contradicts them: `path_traversal_sanitised.py` (pyt calls
`replace('..', '')` a sanitiser, but `os.path.join(os.getcwd(), name)` with an
absolute name still escapes the folder) and `django_XSS.py` (a Django template
rendered with a context escapes it; pyt's Django triggers flag any `render(`).
The synthetic fixtures pyt's tests build in memory around made-up sinks
(`execute(`, `run(`) are not scored either.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from code_cases import Case

# Folders of pyt's `examples/` its vulnerability tests read, copied whole (the
# helper modules the cross-file tests import sit beside the programs).
FOLDERS = ("vulnerable_code", "vulnerable_code_across_files", "nested_functions_code")
FILES = ("example_inputs/def_with_self_as_first_arg.py",)

V = "vulnerable_code/"
A = "vulnerable_code_across_files/"
N = "nested_functions_code/"
# (file, sink line, CWE, vulnerable, other lines that count: the helper's call)
LABELS: tuple[tuple[str, int, str, bool, tuple[tuple[str, int], ...]], ...] = (
    (V + "XSS.py", 9, "CWE-79", True, ()),
    (V + "XSS_assign_to_other_var.py", 11, "CWE-79", True, ()),
    (V + "XSS_form.py", 15, "CWE-79", True, ()),
    (V + "XSS_url.py", 9, "CWE-79", True, ()),
    (V + "XSS_reassign.py", 11, "CWE-79", True, ()),
    (V + "XSS_variable_assign.py", 11, "CWE-79", True, ()),
    (V + "XSS_variable_multiple_assign.py", 15, "CWE-79", True, ()),
    (V + "XSS_no_vuln.py", 10, "CWE-79", False, ()),
    (V + "XSS_variable_assign_no_vuln.py", 12, "CWE-79", False, ()),
    (V + "XSS_sanitised.py", 12, "CWE-79", False, ()),
    (V + "command_injection.py", 18, "CWE-78", True, ()),
    (V + "command_injection.py", 27, "CWE-78", False, ()),
    (V + "command_injection_with_aliases.py", 17, "CWE-78", True, ()),
    (V + "command_injection_with_aliases.py", 18, "CWE-78", True, ()),
    (V + "command_injection_with_aliases.py", 19, "CWE-78", True, ()),
    (V + "command_injection_with_aliases.py", 20, "CWE-78", True, ()),
    (V + "command_injection_with_aliases.py", 21, "CWE-78", True, ()),
    (V + "command_injection_with_aliases.py", 22, "CWE-78", True, ()),
    (
        V + "inter_command_injection.py",
        15,
        "CWE-78",
        True,
        ((V + "inter_command_injection.py", 21),),
    ),
    (V + "inter_command_injection.py", 30, "CWE-78", False, ()),
    (V + "inter_command_injection_2.py", 22, "CWE-78", True, ()),
    (V + "inter_command_injection_2.py", 31, "CWE-78", False, ()),
    (V + "yield.py", 16, "CWE-78", True, ()),
    (V + "list_append.py", 13, "CWE-78", True, ()),
    (V + "path_traversal.py", 20, "CWE-22", True, ()),
    (V + "ensure_saved_scope.py", 20, "CWE-22", True, ()),
    (V + "path_traversal_sanitised_2.py", 12, "CWE-22", True, ()),
    (V + "sql/sqli.py", 27, "CWE-89", True, ()),
    (V + "sql/sqli.py", 36, "CWE-89", True, ()),
    (V + "sql/sqli.py", 44, "CWE-89", False, ()),
    (V + "recursive.py", 28, "CWE-89", False, ()),
    (V + "recursive.py", 30, "CWE-89", False, ()),
    (V + "recursive.py", 32, "CWE-89", True, ()),
    (
        A + "absolute_from_file_command_injection.py",
        12,
        "CWE-78",
        True,
        ((A + "other_file.py", 12),),
    ),
    (A + "absolute_from_file_command_injection_2.py", 14, "CWE-78", True, ()),
    (A + "import_file_command_injection.py", 12, "CWE-78", True, ((A + "other_file.py", 12),)),
    (A + "import_file_command_injection_2.py", 14, "CWE-78", True, ()),
    (A + "blackbox_library_call.py", 17, "CWE-78", True, ()),
    (A + "no_false_positive_absolute_from_file_command_injection_3.py", 14, "CWE-78", False, ()),
    (A + "no_false_positive_import_file_command_injection_3.py", 14, "CWE-78", False, ()),
    (N + "builtin_with_user_defined_inner.py", 20, "CWE-78", True, ()),
    (N + "sink_with_blackbox_inner.py", 14, "CWE-78", True, ()),
    (N + "sink_with_result_of_blackbox_nested.py", 14, "CWE-78", True, ()),
    (N + "sink_with_result_of_user_defined_nested.py", 18, "CWE-78", True, ()),
    (N + "sink_with_user_defined_inner.py", 18, "CWE-78", True, ()),
    ("example_inputs/def_with_self_as_first_arg.py", 4, "CWE-601", False, ()),
)


def pyt_cases(root: Path, work: Path) -> list[Case]:
    """The labelled sink calls of pyt's examples (a checkout of python-security/pyt),
    the example folders copied into `work`."""
    examples = root / "examples"
    if not examples.is_dir():
        return []
    for folder in FOLDERS:
        shutil.copytree(examples / folder, work / folder)
    for rel in FILES:
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(examples / rel, work / rel)
    return [
        Case(rel, line, cwe, vulnerable, also=also)
        for rel, line, cwe, vulnerable, also in LABELS
        if (work / rel).is_file()
    ]
