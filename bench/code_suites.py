"""The code analyzer on labelled Python suites written by others: recall and
precision per category, bandit's and semgrep's side by side on the same files.

Suites (fetched at bench time into bench/.work/suites, never committed):

- semgrep-rules (held out until round 5, a tuning set since: its misses were
  examined and fixed then; its last held-out figure is recorded in the README):
  the Python tests of semgrep's public rule set. Each test file marks the line after
  `# ruleid: <rule>` (or `# todoruleid:`) as vulnerable and the line after
  `# ok: <rule>` (or `# todook:`) as safe, for that rule's CWE. Only rules whose
  metadata says `subcategory: vuln` count (the `audit` rules flag any use of an
  API, not a vulnerability). semgrep's column here is its own test set: its
  rules were written against these very lines. semgrep's pattern rules match
  from the annotated line (often where the input is read) on to the sink, so a
  case covers that region up to the next annotation in the same function
  (`--strict-lines`: the annotated statement only, the scoring before round 5).
- OWASP Benchmark for Python (the suite shieldwall may be tuned on): one test
  case per file, `expectedresults-*.csv` says which are real vulnerabilities.
  Scored per file.
- CodeQL's Python security query tests (a second tuning suite): the test files
  under python/ql/test/query-tests/Security/CWE-*/ of github/codeql, each
  annotated line by line by CodeQL's authors. The folder names the CWE. A line
  whose trailing comment says `$ Alert` / `$ MISSING: Alert` / `$result=BAD`,
  or (older tests) `# NOT OK` / `# BAD`, is vulnerable; `$ SPURIOUS: Alert`,
  `$result=OK`, `# OK` / `# GOOD` is safe. In files written with `$`
  annotations every other statement with a call is safe too (CodeQL's tests
  fail on any alert at an unannotated line). Comments saying both (`OK if only
  running on UNIX, NOT OK on windows`) are not scored.
- Bearer rules' Python tests (held out from round 5 to round 6, a tuning set
  since round 7: its misses were examined and fixed then):
  `tests/python/<group>/<rule>/testdata/*.py` of Bearer/bearer-rules. The line
  after `# bearer:expected <rule id>` is
  vulnerable for the rule's `cwe_id` (two rules mapped by what their sink is,
  see BEARER_RULE_CWE; CWE-73 is the path category); every other statement
  holding a call is safe for it (Bearer's tests fail on an unexpected finding).
- SecurityEval (held out in round 7, a tuning set since round 8: its misses
  were examined and fixed then): `dataset.jsonl` of s2e-lab/SecurityEval, one
  insecure example file per sample, vulnerable as a whole for the CWE its ID
  names (CWE-80, basic XSS, counts as CWE-79); see code_samples.py.
- SALLM (HELD OUT since round 8): `PythonDataset/dataset.jsonl` of s2e-lab/SALLM,
  one insecure sample file each, vulnerable as a whole for the CWE its name
  gives; samples taken from SecurityEval are left out (code_samples.py). Both
  sample suites mark no line and hold no safe example: a file is found when a
  finding of its category is anywhere in it, and precision is not measured
  (findings of another taint category are counted apart).
- pyt's examples (held out in round 9, measured before any change; a tuning
  set from then on): the example programs of python-security/pyt, each sink
  call vulnerable or safe as pyt's own tests expect, safe calls included (see
  code_pyt.py for the rules that read the tests).
- Pysa's material with real inputs (held out in round 10, measured before any
  change; a tuning set from then on): facebook/pyre-check's
  deliberately vulnerable Flask app, the integration tests of its stubs that
  read a Django request, and its tutorial's exercises, file by file at pinned
  commits, each sink call vulnerable or safe (see code_pysa.py).

A vulnerable line counts as found by a tool when the tool reports a finding of
the line's category on that line or inside the statement that starts there; a
safe line as a false alarm the same way. Categories are CWEs, with near
synonyms folded (CWE-95/96 into CWE-94, CWE-77 into CWE-78, CWE-328 into
CWE-327). Target: recall >= 0.90 at precision >= 0.95 on taint categories.

Run:  .venv/bin/python bench/code_suites.py [--fetch] [--semgrep-rules DIR] [--owasp DIR]
      [--codeql DIR] [--bearer-rules DIR] [--securityeval DIR] [--sallm DIR]
      [--pyt DIR] [--pysa DIR] [--only SUITE]
      [--no-peers | --no-semgrep] [--details]
Prints figures only; exit 0 (2 when no suite could be read).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import yaml

from code_cases import TAINT, Case, Hits, fold
from code_peers import BANDIT_ALIASES, ensure_bandit
from code_pysa import EXCLUDED, fetch_pysa, pysa_cases
from code_pyt import pyt_cases
from code_samples import print_off_label, sallm_cases, securityeval_cases
from peers import ensure_peer

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from shieldwall.analyzers.base import ScanTarget  # noqa: E402
from shieldwall.analyzers.code import CodeAnalyzer  # noqa: E402
from shieldwall.analyzers.code.analyzer import ALL_RULES  # noqa: E402
from shieldwall.model import Settings  # noqa: E402
from shieldwall.sources.tree import walk  # noqa: E402

SUITES = REPO / "bench" / ".work" / "suites"
PINNED = {
    "semgrep-rules": (
        "https://github.com/semgrep/semgrep-rules",
        "157ae4706d7f54aa33647332f234dd68f30da195",
    ),
    "owasp": (
        "https://github.com/pilot-iast/BenchmarkPython",
        "c403670b08226ecaff314e6a06ae5727021a842f",
    ),
    "codeql": (
        "https://github.com/github/codeql",
        "7a9e03d1be3171f1ed0789cc4dfd10393e25a3f5",
    ),
    "bearer-rules": (
        "https://github.com/Bearer/bearer-rules",
        "82c335f781a61a6d8b052394f84fd1d93edec467",
    ),
    "securityeval": (
        "https://github.com/s2e-lab/SecurityEval",
        "6f4fb70f782c6d47b02ea24341e8ef8c1eb04a6a",
    ),
    "sallm": (
        "https://github.com/s2e-lab/SALLM",
        "7f17a76b5a1cb54870df673b173795fa1014c9e9",
    ),
    "pyt": (
        "https://github.com/python-security/pyt",
        "f4ec9e127497a7ba7d08d68e8fca8b2f06756679",
    ),
}
# Only this folder of github/codeql is checked out (a sparse, blob-less clone).
CODEQL_TESTS = "python/ql/test/query-tests/Security"
SEMGREP_VERSION = "1.146.0"
# CodeQL files its template injection tests under CWE-074 (injection at large).
CODEQL_FOLDERS = {"CWE-74": "CWE-1336"}
# Bearer's CWE for two rules names the effect, not the weakness its sink has:
# `http_response_splitting` (CRLF into a response header, filed as XSS) and
# `crlf_injection` (CRLF into a log message, filed as CWE-93); CWE-73 (a file
# name from input) is the path category.
BEARER_RULE_CWE = {
    "python_lang_http_response_splitting": "CWE-113",
    "python_django_crlf_injection": "CWE-117",
}
BEARER_FOLD = {"CWE-73": "CWE-22"}
BEARER_EXPECTED = re.compile(r"#\s*bearer:expected\s+([\w,\s]+)")
ANNOTATION = re.compile(r"#\s*(ruleid|todoruleid|ok|todook)\s*:\s*([\w.,\s-]+)")
CWE = re.compile(r"CWE-\d+")


# -- suites ------------------------------------------------------------------------


def fetch(name: str) -> Path | None:
    """The suite checked out at its pinned commit under bench/.work/suites (git clone)."""
    url, commit = PINNED[name]
    dest = SUITES / name
    if not (dest / ".git").is_dir():
        SUITES.mkdir(parents=True, exist_ok=True)
        sparse = ["--filter=blob:none", "--sparse"] if name == "codeql" else []
        done = subprocess.run(
            ["git", "clone", "--quiet", *sparse, url, str(dest)], capture_output=True, text=True
        )
        if done.returncode != 0:
            print(f"could not fetch {url}: {done.stderr.strip()}", file=sys.stderr)
            return None
        if sparse:
            subprocess.run(
                ["git", "-C", str(dest), "sparse-checkout", "set", CODEQL_TESTS], check=False
            )
    subprocess.run(["git", "-C", str(dest), "checkout", "--quiet", commit], check=False)
    return dest


def _next_code_line(lines: list[str], after: int) -> int:
    for i in range(after, len(lines)):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            return i + 1
    return 0


def _function_ends(text: str) -> list[tuple[int, int]]:
    """(first, last line) of every function's body in a file."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    return [
        (node.body[0].lineno, node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def _regions(text: str, lines: list[str]) -> dict[int, int]:
    """Annotated line -> the last line semgrep's match starting there may reach:
    the line before the next annotation, within the innermost function holding
    the line (none outside functions)."""
    notes = [i + 1 for i, t in enumerate(lines) if ANNOTATION.search(t)]
    functions = _function_ends(text)
    out: dict[int, int] = {}
    for note in notes:
        target = _next_code_line(lines, note)
        holders = [f for f in functions if f[0] <= target <= f[1]]
        if not target or not holders:
            continue
        end = min(holders, key=lambda f: f[1] - f[0])[1]
        later = [n for n in notes if n > target]
        out[target] = min(end, later[0] - 1) if later else end
    return out


def semgrep_rule_cases(root: Path, work: Path, strict: bool = False) -> list[Case]:
    """Cases from the Python tests of semgrep-rules' `vuln` rules; the test files
    are copied into `work` (the tools scan only them). semgrep's pattern rules
    match from the annotated line (often where the input is read) on to the sink:
    a case covers that region, up to the next annotation in the same function,
    unless `strict` (the annotated statement only)."""
    cases: dict[tuple[str, int, str], bool] = {}
    regions: dict[str, dict[int, int]] = {}
    for spec in sorted((root / "python").rglob("*.yaml")):
        test = spec.with_suffix(".py")
        if not test.is_file():
            continue
        try:
            rules = (yaml.safe_load(spec.read_text(encoding="utf-8")) or {}).get("rules", [])
        except (yaml.YAMLError, AttributeError):
            continue
        wanted: dict[str, str] = {}
        for rule in rules:
            meta = rule.get("metadata") or {}
            sub = meta.get("subcategory") or []
            cwes = meta.get("cwe") or []
            cwes = [cwes] if isinstance(cwes, str) else cwes
            found = [fold(m.group(0)) for c in cwes for m in [CWE.search(str(c))] if m]
            if "vuln" in sub and found:
                wanted[str(rule.get("id", "")).rsplit(".", 1)[-1]] = found[0]
        if not wanted:
            continue
        rel = test.relative_to(root).as_posix()
        source = test.read_text(encoding="utf-8", errors="replace")
        lines = source.splitlines()
        regions[rel] = {} if strict else _regions(source, lines)
        for i, text in enumerate(lines):
            m = ANNOTATION.search(text)
            if not m:
                continue
            target = _next_code_line(lines, i + 1)
            for rid in (r.strip() for r in m.group(2).split(",")):
                category = wanted.get(rid)
                if category is None or not target:
                    continue
                key = (rel, target, category)
                cases[key] = cases.get(key, False) or m.group(1) in ("ruleid", "todoruleid")
        copy = work / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(test, copy)
    return [
        Case(rel, line, cat, vuln, regions[rel].get(line, 0))
        for (rel, line, cat), vuln in sorted(cases.items())
    ]


def owasp_cases(root: Path, work: Path) -> list[Case]:
    csvs = sorted(root.glob("expectedresults*.csv"))
    if not csvs:
        return []
    cases = []
    for line in csvs[-1].read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _category, truth, cwe = [x.strip() for x in line.split(",")[:4]]
        rel = f"testcode/{name}.py"
        if (root / rel).is_file():
            cases.append(Case(rel, 0, fold(f"CWE-{cwe}"), truth.lower() == "true"))
    shutil.copytree(root / "testcode", work / "testcode")
    if (root / "helpers").is_dir():
        shutil.copytree(root / "helpers", work / "helpers")
    return cases


CODEQL_TAGS = re.compile(r"(?:(MISSING|SPURIOUS):\s*)?(result=(?:BAD|OK)|Alert\b(?:\[[^\]]*\])?)")


def _codeql_truth(comment: str) -> bool | None:
    """What one trailing comment of a CodeQL test says of its line: True
    vulnerable, False safe, None nothing (or both)."""
    text = comment.lstrip("#").strip()
    if "$" in text:
        tags = CODEQL_TAGS.findall(text.split("$", 1)[1])
        results = [(pre, tag) for pre, tag in tags if tag.startswith("result=")]
        if results:
            return any(tag == "result=BAD" and pre != "SPURIOUS" for pre, tag in results)
        alerts = [pre for pre, tag in tags if tag.startswith("Alert")]
        if alerts:
            return any(pre != "SPURIOUS" for pre in alerts)
        return None
    upper = text.upper()
    if re.match(r"(NOT OK|BAD)\b", upper):
        return True
    if re.match(r"(OK|GOOD)\b", upper) and "NOT OK" not in upper:
        return False
    return None


def _trailing_comments(text: str) -> dict[int, str]:
    """Line -> the comment that ends a line of code (not a comment line)."""
    out: dict[int, str] = {}
    code_lines: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(iter(text.splitlines(keepends=True)).__next__):
            if tok.type == tokenize.COMMENT:
                if tok.start[0] in code_lines:
                    out[tok.start[0]] = tok.string
            elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
                code_lines.update(range(tok.start[0], tok.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass
    return out


def _simple_statements(tree: ast.AST) -> list[tuple[int, int, bool]]:
    """(first line, last line, has a call) of every statement that is not compound."""
    compound = (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
        ast.If,
        ast.For,
        ast.AsyncFor,
        ast.While,
        ast.With,
        ast.AsyncWith,
        ast.Try,
        ast.Match,
    )
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not isinstance(node, compound):
            has_call = any(isinstance(n, ast.Call) for n in ast.walk(node))
            out.append((node.lineno, node.end_lineno or node.lineno, has_call))
    return out


def _read_statements(test: Path) -> tuple[str, list[tuple[int, int, bool]]] | None:
    """A test file's text and its simple statements; None when it does not parse."""
    text = test.read_text(encoding="utf-8", errors="replace")
    try:
        return text, _simple_statements(ast.parse(text))
    except (SyntaxError, ValueError):
        return None


def _keep(
    cases: dict[tuple[str, int, str], bool],
    marked: dict[int, bool],
    rel: str,
    category: str,
    test: Path,
    work: Path,
) -> None:
    """Record a test file's marked lines as cases and copy the file under `work`."""
    for line, vulnerable in marked.items():
        cases[(rel, line, category)] = vulnerable
    copy = work / rel
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(test, copy)


def codeql_cases(root: Path, work: Path) -> list[Case]:
    """Cases from CodeQL's annotated Python security tests; each test folder
    `CWE-NNN-Name` gives its files' category."""
    base = root / CODEQL_TESTS
    cases: dict[tuple[str, int, str], bool] = {}
    for test in sorted(base.glob("CWE-*/**/*.py")):
        m = re.match(r"CWE-0*(\d+)", test.relative_to(base).parts[0])
        if m is None:
            continue
        category = fold(CODEQL_FOLDERS.get(f"CWE-{m.group(1)}", f"CWE-{m.group(1)}"))
        read = _read_statements(test)
        if read is None:
            continue
        text, statements = read
        rel = test.relative_to(base).as_posix()
        comments = _trailing_comments(text)
        inline = any("$" in c for c in comments.values())
        marked: dict[int, bool] = {}
        for line, comment in comments.items():
            truth = _codeql_truth(comment)
            if truth is None:
                continue
            inner = [s for s in statements if s[0] <= line <= s[1]]
            start = max(inner)[0] if inner else line
            marked[start] = marked.get(start, False) or truth
        if inline:
            for first, _last, has_call in statements:
                if has_call and first not in marked:
                    marked[first] = False
        if not marked:
            continue
        _keep(cases, marked, rel, category, test, work)
    return [Case(rel, line, cat, vuln) for (rel, line, cat), vuln in sorted(cases.items())]


def _bearer_rule_cwe(spec: Path) -> str | None:
    try:
        rule = yaml.safe_load(spec.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        return None
    meta = rule.get("metadata") or {}
    rid = str(meta.get("id", ""))
    if rid in BEARER_RULE_CWE:
        return BEARER_RULE_CWE[rid]
    cwes = meta.get("cwe_id") or []
    if not cwes:
        return None
    cwe = f"CWE-{cwes[0]}"
    return fold(BEARER_FOLD.get(cwe, cwe))


def bearer_cases(root: Path, work: Path) -> list[Case]:
    """Cases from the Python tests of Bearer's rules: `tests/python/<group>/<rule>/
    testdata/*.py` holds the test files of rule `python_<group>_<rule>`
    (`rules/python/<group>/<rule>.yml`, whose `cwe_id` gives the category). The
    line after `# bearer:expected <rule id>` is vulnerable; every other statement
    holding a call is safe for that rule (Bearer's test fails on any finding it
    does not expect)."""
    cases: dict[tuple[str, int, str], bool] = {}
    for spec in sorted((root / "rules" / "python").glob("*/*.yml")):
        group, name = spec.parent.name, spec.stem
        if group == "shared":
            continue
        category = _bearer_rule_cwe(spec)
        tests = root / "tests" / "python" / group / name / "testdata"
        if category is None or not tests.is_dir():
            continue
        rid = f"python_{group}_{name}"
        for test in sorted(tests.rglob("*.py")):
            read = _read_statements(test)
            if read is None:
                continue
            text, statements = read
            rel = test.relative_to(root).as_posix()
            lines = text.splitlines()
            marked: dict[int, bool] = {}
            for i, line in enumerate(lines):
                m = BEARER_EXPECTED.search(line)
                if m and rid in re.findall(r"python_\w+", m.group(1)):
                    target = _next_code_line(lines, i + 1)
                    if target:
                        marked[target] = True
            for first, _last, has_call in statements:
                if has_call and first not in marked:
                    marked[first] = False
            _keep(cases, marked, rel, category, test, work)
    return [Case(rel, line, cat, vuln) for (rel, line, cat), vuln in sorted(cases.items())]


# -- tools --------------------------------------------------------------------------


def shieldwall_hits(root: Path) -> Hits:
    out = CodeAnalyzer().analyze(ScanTarget(walk(root), Settings()))
    hits: Hits = defaultdict(list)
    for f in out.findings:
        loc = f.location
        hits[loc.path].append(
            (loc.start_line, loc.end_line or loc.start_line, frozenset(fold(c) for c in f.rule.cwe))
        )
    return hits


def bandit_hits(exe: Path, root: Path) -> Hits:
    done = subprocess.run(
        [str(exe), "-r", str(root), "-f", "json", "-q"], capture_output=True, text=True
    )
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return {}
    hits: Hits = defaultdict(list)
    for issue in report.get("results", []):
        cwe = (issue.get("issue_cwe") or {}).get("id")
        found = {fold(f"CWE-{cwe}")} if cwe else set()
        found.update(fold(c) for c in BANDIT_ALIASES.get(issue.get("test_id", ""), ()))
        rel = Path(issue["filename"]).resolve().relative_to(root.resolve()).as_posix()
        rng = issue.get("line_range") or [issue["line_number"]]
        hits[rel].append((min(rng), max(rng), frozenset(found)))
    return hits


def semgrep_hits(exe: Path, rules: Path, root: Path) -> Hits:
    env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
    done = subprocess.run(
        [
            str(exe),
            "scan",
            "--config",
            str(rules),
            "--json",
            "--metrics",
            "off",
            "--quiet",
            "--disable-version-check",
            "--no-git-ignore",
            str(root),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    try:
        report = json.loads(done.stdout)
    except ValueError:
        print(f"semgrep gave no report: {done.stderr.strip()[-300:]}", file=sys.stderr)
        return {}
    hits: Hits = defaultdict(list)
    for r in report.get("results", []):
        cwes = (r.get("extra", {}).get("metadata", {}) or {}).get("cwe") or []
        cwes = [cwes] if isinstance(cwes, str) else cwes
        found = frozenset(fold(m.group(0)) for c in cwes for m in [CWE.search(str(c))] if m)
        rel = Path(r["path"]).resolve().relative_to(root.resolve()).as_posix()
        hits[rel].append((r["start"]["line"], r["end"]["line"], found))
    return hits


# -- scoring ------------------------------------------------------------------------


def statement_ends(root: Path, rels: Iterable[str]) -> dict[str, dict[int, int]]:
    """Per file: the last line of the outermost statement starting on each line."""
    out: dict[str, dict[int, int]] = {}
    for rel in rels:
        ends: dict[int, int] = {}
        try:
            tree = ast.parse((root / rel).read_text(encoding="utf-8", errors="replace"))
        except (SyntaxError, ValueError):
            out[rel] = ends
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.stmt):
                ends[node.lineno] = max(ends.get(node.lineno, 0), node.end_lineno or node.lineno)
        out[rel] = ends
    return out


def flagged(case: Case, hits: Hits, ends: dict[str, dict[int, int]]) -> bool:
    if any(
        flagged(Case(rel, line, case.category, case.vulnerable), hits, ends)
        for rel, line in case.also
    ):
        return True
    for first, last, cwes in hits.get(case.rel, ()):
        if case.category not in cwes:
            continue
        if case.line == 0:
            return True
        end = max(case.end, ends.get(case.rel, {}).get(case.line, case.line))
        if case.line <= first <= end or first <= case.line <= last:
            return True
    return False


def report(
    title: str,
    cases: list[Case],
    tools: dict[str, Hits],
    ends: dict[str, dict[int, int]],
    details: bool,
) -> None:
    covered = {fold(c) for rule in ALL_RULES for c in rule.cwe}
    others = [c for c in cases if c.category not in covered]
    cases = [c for c in cases if c.category in covered]
    print(
        f"\n== {title}: {len(cases)} cases, {sum(c.vulnerable for c in cases)} vulnerable "
        f"({len(others)} more in categories shieldwall has no rule for, not scored) =="
    )
    names = list(tools)
    header = f"{'category':<10} {'vuln':>4} {'safe':>4}" + "".join(
        f" | {n[:10] + ' rec':>14} {'prec':>5}" for n in names
    )
    print(header)
    print("-" * len(header))
    totals = {n: {"taint": [0, 0, 0], "all": [0, 0, 0]} for n in names}  # tp fn fp
    for cat in sorted({c.category for c in cases}, key=lambda c: int(c[4:])):
        mine = [c for c in cases if c.category == cat]
        vuln = sum(c.vulnerable for c in mine)
        row = f"{cat:<10} {vuln:>4} {len(mine) - vuln:>4}"
        for n in names:
            tp = sum(1 for c in mine if c.vulnerable and flagged(c, tools[n], ends))
            fn = sum(1 for c in mine if c.vulnerable) - tp
            fp = sum(1 for c in mine if not c.vulnerable and flagged(c, tools[n], ends))
            for key in ("all", "taint") if cat in TAINT else ("all",):
                t = totals[n][key]
                t[0], t[1], t[2] = t[0] + tp, t[1] + fn, t[2] + fp
            rec = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
            prec = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
            row += f" | {rec:>14} {prec:>5}"
        print(row + ("  (taint)" if cat in TAINT else ""))
    print("-" * len(header))
    for key in ("taint", "all"):
        row = f"{key + ' (pooled)':<20}"
        for n in names:
            tp, fn, fp = totals[n][key]
            rec = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
            prec = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
            row += f" | {rec:>14} {prec:>5}"
        print(row)
    if details:
        sw = tools[names[0]]
        for c in cases:
            if flagged(c, sw, ends) != c.vulnerable:
                kind = "missed" if c.vulnerable else "false alarm"
                print(f"  {kind:<12} {c.category:<9} {c.rel}:{c.line}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--fetch",
        action="store_true",
        help="git clone the suites at their pinned commits into bench/.work/suites",
    )
    parser.add_argument("--semgrep-rules", type=Path, help="semgrep-rules checkout")
    parser.add_argument("--owasp", type=Path, help="OWASP Benchmark for Python checkout")
    parser.add_argument(
        "--codeql", type=Path, help="github/codeql checkout (only its Python security tests)"
    )
    parser.add_argument("--bearer-rules", type=Path, help="Bearer/bearer-rules checkout")
    parser.add_argument("--securityeval", type=Path, help="s2e-lab/SecurityEval checkout (tuned)")
    parser.add_argument("--sallm", type=Path, help="s2e-lab/SALLM checkout")
    parser.add_argument("--pyt", type=Path, help="python-security/pyt checkout")
    parser.add_argument("--pysa", type=Path, help="facebook/pyre-check's Pysa files (code_pysa.py)")
    parser.add_argument(
        "--only",
        choices=(
            "semgrep-rules",
            "owasp",
            "codeql",
            "bearer-rules",
            "securityeval",
            "sallm",
            "pyt",
            "pysa",
        ),
        help="measure one suite (semgrep still reads its rules from semgrep-rules)",
    )
    parser.add_argument("--no-peers", action="store_true", help="measure shieldwall only")
    parser.add_argument(
        "--no-semgrep",
        action="store_true",
        help="bandit as the only peer (semgrep takes over ten minutes per suite)",
    )
    parser.add_argument("--details", action="store_true", help="list shieldwall's errors")
    parser.add_argument(
        "--strict-lines",
        action="store_true",
        help="semgrep-rules: a case is its annotated statement only (the scoring before round 5)",
    )
    args = parser.parse_args(argv)
    sources = {
        "semgrep-rules": args.semgrep_rules,
        "owasp": args.owasp,
        "codeql": args.codeql,
        "bearer-rules": args.bearer_rules,
        "securityeval": args.securityeval,
        "sallm": args.sallm,
        "pyt": args.pyt,
        "pysa": args.pysa,
    }
    for name in sources:
        if sources[name] is None and (args.fetch or (SUITES / name).is_dir()):
            if name == "pysa":
                sources[name] = fetch_pysa(SUITES / name) if args.fetch else SUITES / name
            else:
                sources[name] = fetch(name) if args.fetch else SUITES / name
    bandit = None if args.no_peers else ensure_bandit()
    semgrep = None if args.no_peers or args.no_semgrep else ensure_peer("semgrep", SEMGREP_VERSION)
    rules = sources["semgrep-rules"]
    if semgrep is not None and rules is None:
        print("semgrep needs its public rules: pass --semgrep-rules or --fetch", file=sys.stderr)
    measured = 0
    for name, title, build in (
        ("semgrep-rules", "semgrep-rules Python tests, vuln rules (tuned)", semgrep_rule_cases),
        ("owasp", "OWASP Benchmark for Python (tuning set)", owasp_cases),
        ("codeql", "CodeQL Python security query tests (tuning set)", codeql_cases),
        ("bearer-rules", "Bearer rules' Python tests (tuned)", bearer_cases),
        ("securityeval", "SecurityEval insecure examples (tuned)", securityeval_cases),
        ("sallm", "SALLM insecure samples (HELD OUT)", sallm_cases),
        (
            "pyt",
            "pyt's examples, labelled by pyt's tests (held out in round 9, tuned since)",
            pyt_cases,
        ),
        (
            "pysa",
            "Pysa's material with real inputs (held out in round 10, tuned since)",
            pysa_cases,
        ),
    ):
        root = sources[name]
        if args.only is not None and name != args.only:
            continue
        if root is None or not root.is_dir():
            print(f"{name}: no checkout (pass --{name} DIR or --fetch)", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory(prefix="suite-") as tmp:
            work = Path(tmp)
            cases = (
                semgrep_rule_cases(root, work, args.strict_lines)
                if build is semgrep_rule_cases
                else build(root, work)
            )
            if not cases:
                continue
            measured += 1
            start = time.perf_counter()
            tools = {"shieldwall": shieldwall_hits(work)}
            note = f"shieldwall {time.perf_counter() - start:.1f}s"
            if bandit is not None:
                start = time.perf_counter()
                tools["bandit"] = bandit_hits(bandit, work)
                note += f", bandit {time.perf_counter() - start:.1f}s"
            if semgrep is not None and rules is not None:
                start = time.perf_counter()
                tools["semgrep"] = semgrep_hits(semgrep, rules / "python", work)
                took = time.perf_counter() - start
                note += f", semgrep {took:.1f}s (rules: semgrep-rules/python)"
            ends = statement_ends(work, {c.rel for c in cases})
            report(title, cases, tools, ends, args.details)
            if build in (securityeval_cases, sallm_cases):
                print_off_label(cases, tools)
            if build is pysa_cases:
                for reason, count in EXCLUDED.items():
                    print(f"not scored: {count} sink calls, {reason}")
            print(note)
    return 0 if measured else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
