"""What the labelled-suite bench scores: a case (a line or a whole file, its
category, vulnerable or safe), a tool's findings, and the CWE folding shared by
every suite reader."""

from __future__ import annotations

from dataclasses import dataclass

FOLD = {
    "CWE-95": "CWE-94",
    "CWE-96": "CWE-94",
    "CWE-77": "CWE-78",
    "CWE-328": "CWE-327",
    "CWE-776": "CWE-611",
}
TAINT = frozenset(
    {
        "CWE-78",
        "CWE-89",
        "CWE-94",
        "CWE-79",
        "CWE-918",
        "CWE-22",
        "CWE-502",
        "CWE-601",
        "CWE-611",
        "CWE-90",
        "CWE-643",
        "CWE-113",
        "CWE-117",
        "CWE-501",
        "CWE-1336",
    }
)


def fold(cwe: str) -> str:
    return FOLD.get(cwe, cwe)


@dataclass(frozen=True)
class Case:
    rel: str  # file, relative to the suite root
    line: int  # 0: the whole file (OWASP)
    category: str  # folded CWE
    vulnerable: bool
    # Last line of the case's region when it is more than its statement (semgrep's
    # pattern rules match from the annotated line on to the sink): 0 for none.
    end: int = 0
    # Other (file, line) places where a finding of the category counts for this
    # case (pyt: a sink inside a helper counts at the helper's call too).
    also: tuple[tuple[str, int], ...] = ()


# A tool's findings: file -> [(first line, last line, folded CWEs)]
Hits = dict[str, list[tuple[int, int, frozenset[str]]]]
