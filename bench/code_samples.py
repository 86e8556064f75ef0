"""Suites of whole-file insecure samples (no line marked, no safe twin):
SecurityEval and SALLM. A sample is one case, vulnerable as a whole for the CWE
its name gives; a tool finds it with a finding of that category anywhere in the
file. Neither suite holds a safe example, so precision is not measured on them;
findings of another taint category in a sample are counted apart (`off_label`)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from code_cases import TAINT, Case, Hits, fold

# SecurityEval files basic XSS (CWE-80, a kind of CWE-79) apart; CWE-95 and
# CWE-776 fold as everywhere (into CWE-94 and CWE-611).
SECURITYEVAL_CWE = {"CWE-80": "CWE-79"}
# SALLM samples whose prompt its authors took from SecurityEval (a tuning suite):
# left out, so that SALLM stays apart from what the analyzer was tuned on.
SALLM_SKIPPED_SOURCES = frozenset({"SecurityEval"})
SALLM_ID = re.compile(r"^(\w+?)_(\w+?)_(.*cwe0*(\d+).*\.py)$", re.IGNORECASE)


def _write(work: Path, rel: str, text: str) -> None:
    copy = work / rel
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(text, encoding="utf-8")


def _rows(data: Path) -> list[dict[str, object]]:
    if not data.is_file():
        return []
    return [json.loads(raw) for raw in data.read_text(encoding="utf-8").splitlines() if raw.strip()]


def securityeval_cases(root: Path, work: Path) -> list[Case]:
    """Cases from SecurityEval (`dataset.jsonl`, version 2.1): each sample is one
    insecure example file, `ID` `CWE-NNN_<name>.py`, vulnerable for that CWE as a
    whole (the suite marks no line, so a file is found when a finding of its
    category is anywhere in it). The suite holds no safe example: precision is
    not measured by it (the column shows 1.00 or -); findings of another taint
    category in a sample are counted apart by `off_label`."""
    cases = []
    for row in _rows(root / "dataset.jsonl"):
        m = re.match(r"(CWE-0*(\d+))_(.+\.py)$", str(row.get("ID", "")))
        if m is None:
            continue
        cwe = f"CWE-{m.group(2)}"
        rel = f"{m.group(1)}/{m.group(3)}"
        _write(work, rel, str(row.get("Insecure_code", "")))
        cases.append(Case(rel, 0, fold(SECURITYEVAL_CWE.get(cwe, cwe)), True))
    return cases


def sallm_cases(root: Path, work: Path) -> list[Case]:
    """Cases from SALLM (`PythonDataset/dataset.jsonl`): each sample's
    `insecure_code` is one file, `id` `<technique>_<source>_<name>.py` with
    `cweNNN` in the name, vulnerable for that CWE as a whole (folded as
    everywhere; the suite marks no line, so a file is found when a finding of its
    category is anywhere in it). Samples whose `source` is SecurityEval are left
    out. The suite holds no safe example: precision is not measured by it."""
    cases = []
    for row in _rows(root / "PythonDataset" / "dataset.jsonl"):
        m = SALLM_ID.match(str(row.get("id", "")))
        if m is None or str(row.get("source", "")) in SALLM_SKIPPED_SOURCES:
            continue
        rel = f"{m.group(1)}/{m.group(2)}/{m.group(3)}"
        _write(work, rel, str(row.get("insecure_code", "")))
        cases.append(Case(rel, 0, fold(f"CWE-{m.group(4)}"), True))
    return cases


def off_label(cases: list[Case], hits: Hits) -> dict[str, int]:
    """Taint category -> how many whole-file cases hold a finding of it while
    labelled for another (real or not: the suite does not say)."""
    out: dict[str, int] = defaultdict(int)
    for case in cases:
        if case.line != 0:
            continue
        found = {c for _f, _l, cwes in hits.get(case.rel, ()) for c in cwes}
        for cat in sorted(found & TAINT - {case.category}):
            out[cat] += 1
    return dict(out)


def print_off_label(cases: list[Case], tools: dict[str, Hits]) -> None:
    for tool, found in tools.items():
        counts = sorted(off_label(cases, found).items())
        extra = ", ".join(f"{cat} {n}" for cat, n in counts) or "none"
        print(f"{tool}: samples with a taint finding off their label: {extra}")
