"""facebook/pyre-check's Pysa material with real inputs: its deliberately
vulnerable Flask app, the integration tests of its stubs that read a Django
request, and its tutorial's exercises; sink calls scored vulnerable or safe.

The repository is too large to clone here; its files are read one by one at
the commit pinned for each (FILES), fetched at bench time into
bench/.work/suites/pysa (`--fetch`, from GitHub's raw file service) or laid
out by hand in the same folders, never committed. Each file's size is
checked: a different version is refused.

A case is one sink call, labelled as Pysa's expectations say where the code
agrees, decided before any measurement:

- the Flask app (`documentation/deliberately_vulnerable_flask_app/app.py`,
  Pysa's issues in its `full_result.json`): codes 5005 (SQL), 5007 (XML
  parser), 5011 + 6108 (a file read from input and returned), 5012 (SSRF) are
  vulnerable for CWE-89, 611, 22, 918. Code 6065 (command-line arguments
  reach a process) is Pysa's argument injection, a CWE shieldwall has no rule
  for: of its three calls, `run(payload, shell=True)` is command injection
  (vulnerable, CWE-78); `run(["echo", payload])` (no shell, a fixed program)
  and `run(f"echo {payload}", shell=True)` under an `<int:payload>` route are
  safe for CWE-78.
- the integration tests of `stubs/integration_test/` whose input is a
  `django.http.HttpRequest` parameter (or a module-level name annotated
  `HttpRequest`): every `eval` call Pysa's `result.json` (the version whose
  lines match these files) lists is vulnerable (code 5001, `eval` of input:
  CWE-94); functools.py's calls are labelled by its own comments;
  exit_flow.py's response built from input is XSS (Pysa's rules of the time
  had no such sink; the code decides), its response of a constant is safe;
  decorator.py's `bar` passes input through decorators to `eval` (Pysa's
  result of the time lists nothing: the code decides, vulnerable).
- the tutorial (`documentation/pysa_tutorial/exerciseN/views.py`): the calls
  of exercises 1 and 2 are vulnerable (the issues the tutorial has one find);
  exercises 3 and 4 hold none (their READMEs: "None of the functions in
  views.py are vulnerable": a membership assertion, `bool()`, `isnumeric()`);
  exercise 5's `exec` reached through `api_wrapper`'s `**request.GET` is
  vulnerable.

A sink inside a helper counts at the helper's call too (`also`).

Not scored (counted in EXCLUDED): Pysa's own test stubs, which no real tool
can read as input or sink - the `fixture_source` generation of the
integration tests reads input from `integration_test.taint.source()` (the
`GET` of a request the test builds itself: empty at run time) and sinks into
`taint.sink()` (one `eval` shared by every case, so no finding can be tied to
a call), `overrides.py` (the same self-built request), `assignments_to_sinks.py`
(a Pysa-only global sink); expectations that rest on Pysa's model files
rather than on the code (`lru_cache_test.py`, functools' `cached_sanitizer`:
an identity function declared a sanitiser; `igtask.py`: an internal task
decorator that rebinds the arguments); expectations the code contradicts
(`constructor_tito.py`: the attribute read is never set); the Flask app's
`definite_xss` (a template chosen by input, no issue expected by Pysa) and
the tutorial's exercise 5 `operate_on_twos` (input only through the
exercise's made-up `UrlPattern` class).
"""

from __future__ import annotations

import shutil
import sys
import urllib.request
from pathlib import Path

from code_cases import Case

RAW = "https://raw.githubusercontent.com/facebook/pyre-check"
APP = "documentation/deliberately_vulnerable_flask_app/app.py"
FIX = "stubs/integration_test/fixture_source/integration_test/"
OLD = "stubs/integration_test/"
TUT = "documentation/pysa_tutorial/"
# file -> (commit it is read at, its size in characters)
FILES: dict[str, tuple[str, int]] = {
    APP: ("6a25ae66715e614ac95e41e16c1ceb2b15a34469", 1390),
    FIX + "request_sources.py": ("931c1c95076b9f9f6d88f4dbb8f4e4918025062c", 841),
    FIX + "top_level.py": ("cf1ab621a88a3ae603ebffe5b91a774869a8a726", 366),
    FIX + "functools.py": ("7074a2bb6052a6d50120626f8eaefce591889719", 1423),
    FIX + "exit_flow.py": ("931c1c95076b9f9f6d88f4dbb8f4e4918025062c", 572),
    OLD + "containers.py": ("10c375bea52db5d10b71cb5206fac7da9549eb0c", 1136),
    OLD + "string_concatenation.py": ("6a25ae66715e614ac95e41e16c1ceb2b15a34469", 594),
    OLD + "list_comprehension.py": ("6a25ae66715e614ac95e41e16c1ceb2b15a34469", 764),
    OLD + "decorator.py": ("10c375bea52db5d10b71cb5206fac7da9549eb0c", 743),
    OLD + "logging_decorator.py": ("7dc72e72c478638c121e415b20a4c76992320e13", 652),
    TUT + "exercise1/views.py": ("6a25ae66715e614ac95e41e16c1ceb2b15a34469", 401),
    TUT + "exercise2/views.py": ("6a25ae66715e614ac95e41e16c1ceb2b15a34469", 773),
    TUT + "exercise3/views.py": ("10c375bea52db5d10b71cb5206fac7da9549eb0c", 817),
    TUT + "exercise4/views.py": ("10c375bea52db5d10b71cb5206fac7da9549eb0c", 803),
    TUT + "exercise5/views.py": ("10c375bea52db5d10b71cb5206fac7da9549eb0c", 572),
    TUT + "exercise5/urls.py": ("10c375bea52db5d10b71cb5206fac7da9549eb0c", 384),
}
# The expected-issue lists the labels were read from (not needed at bench time).
EXPECTATIONS = {
    "documentation/deliberately_vulnerable_flask_app/full_result.json": (
        "1eec131ea4ec8349f11d7bb96596587eebe5161f"
    ),
    "stubs/integration_test/result.json": "8a58cdd3342beb97603cf908a39372efaba5597d",
}

C = OLD + "containers.py"
F = FIX + "functools.py"
R = FIX + "request_sources.py"
L = OLD + "list_comprehension.py"
D = OLD + "decorator.py"
G = OLD + "logging_decorator.py"
# (file, sink call line, CWE, vulnerable, other lines that count: the helper's sink)
LABELS: tuple[tuple[str, int, str, bool, tuple[tuple[str, int], ...]], ...] = (
    (APP, 19, "CWE-78", True, ()),
    (APP, 24, "CWE-78", False, ()),
    (APP, 29, "CWE-78", False, ()),
    (APP, 34, "CWE-22", True, ((APP, 36),)),
    (APP, 49, "CWE-89", True, ()),
    (APP, 54, "CWE-918", True, ()),
    (APP, 59, "CWE-611", True, ()),
    (R, 17, "CWE-94", True, ()),
    (R, 21, "CWE-94", True, ()),
    (R, 25, "CWE-94", True, ()),
    (R, 29, "CWE-94", True, ()),
    (R, 34, "CWE-94", True, ()),
    (R, 36, "CWE-94", True, ()),
    (FIX + "top_level.py", 15, "CWE-94", True, ()),
    (F, 23, "CWE-94", True, ((F, 19),)),
    (F, 31, "CWE-94", True, ((F, 29),)),
    (F, 39, "CWE-94", True, ((F, 37), (F, 14))),
    (F, 48, "CWE-94", True, ((F, 44),)),
    (F, 66, "CWE-94", True, ()),
    (FIX + "exit_flow.py", 17, "CWE-79", True, ()),
    (FIX + "exit_flow.py", 22, "CWE-79", False, ()),
    (C, 15, "CWE-94", True, ()),
    (C, 21, "CWE-94", True, ()),
    (C, 28, "CWE-94", True, ()),
    (C, 34, "CWE-94", True, ()),
    (C, 41, "CWE-94", True, ()),
    (C, 48, "CWE-94", True, ()),
    (C, 55, "CWE-94", True, ()),
    (OLD + "string_concatenation.py", 21, "CWE-94", True, ()),
    (OLD + "string_concatenation.py", 26, "CWE-94", True, ()),
    (L, 21, "CWE-94", True, ((L, 15),)),
    (L, 30, "CWE-94", True, ((L, 26),)),
    (D, 35, "CWE-94", True, ((D, 17),)),
    (D, 36, "CWE-94", True, ((D, 31), (G, 14), (G, 17), (G, 26))),
    (TUT + "exercise1/views.py", 12, "CWE-94", True, ()),
    (TUT + "exercise2/views.py", 14, "CWE-94", True, ()),
    (TUT + "exercise2/views.py", 22, "CWE-94", True, ()),
    (TUT + "exercise2/views.py", 30, "CWE-78", True, ()),
    (TUT + "exercise3/views.py", 24, "CWE-94", False, ()),
    (TUT + "exercise3/views.py", 34, "CWE-94", False, ()),
    (TUT + "exercise4/views.py", 21, "CWE-94", False, ()),
    (TUT + "exercise4/views.py", 33, "CWE-94", False, ()),
    (TUT + "exercise5/views.py", 25, "CWE-94", True, ()),
)
# Sink calls not scored, by reason (see the module's docstring).
EXCLUDED: dict[str, int] = {
    # 217 calls of `sink(` (or of a function reaching it) in the 11 stub-based files of
    # the fixture_source generation (containers.py 147, builtin_functions.py 56), and
    # the 4 calls of overrides.py and assignments_to_sinks.py of the older generation.
    "Pysa's test stubs as input or sink": 221,
    "expectation resting on Pysa's model files (lru_cache_test.py, cached_sanitizer, igtask.py)": 3,
    "expectation the code contradicts (constructor_tito.py)": 2,
    "Flask app definite_xss, tutorial exercise 5 operate_on_twos": 2,
}


def fetch_pysa(dest: Path) -> Path | None:
    """The files of FILES downloaded at their commits into `dest`."""
    for rel, (commit, _size) in FILES.items():
        target = dest / rel
        if target.is_file():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with urllib.request.urlopen(f"{RAW}/{commit}/{rel}", timeout=60) as reply:
                target.write_bytes(reply.read())
        except OSError as exc:
            print(f"could not fetch {rel}@{commit[:12]}: {exc}", file=sys.stderr)
            return None
    return dest


def pysa_cases(root: Path, work: Path) -> list[Case]:
    """The labelled sink calls of the Pysa files under `root`, copied into `work`;
    none when a file is missing or is not the pinned version."""
    for rel, (commit, size) in FILES.items():
        source = root / rel
        text = source.read_text(encoding="utf-8") if source.is_file() else ""
        if len(text) != size:
            print(f"pysa: {rel} is not the version of {commit[:12]}", file=sys.stderr)
            return []
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, work / rel)
    return [
        Case(rel, line, cwe, vulnerable, also=also) for rel, line, cwe, vulnerable, also in LABELS
    ]
