"""More public payload sources for bench/watch_payloads.py, each a checkout or git
directory fetched at bench time (never copied here), read into (source, kind, payload)
cases. They are tuning sources: their misses are looked at while fixing the detectors.

- `--payloadbox-sqli DIR` (payloadbox/sql-injection-payload-list): every `Intruder/`
  list, sqli.
- `--payloadbox-cmdi DIR` (payloadbox/command-injection-payload-list): the payloads of
  its README's first code block, cmdi.
- `--intruder-payloads DIR` (1N3/IntruderPayloads): its fuzz lists of file inclusion,
  traversal, command execution and SQL injection.
- `--waf-bypass DIR` (nemesida-waf/waf-bypass): the `ARGS` (or `URL`) value of each
  payload of its SQLi, RCE and LFI sets, already URL-encoded as they are sent.
- `--gotestwaf DIR` (wallarm/gotestwaf): the payloads of its OWASP and community test
  cases of SQL injection, shell and code execution, path traversal and file inclusion.
- `--libinjection DIR` (client9/libinjection): the SQL injection samples of its `data/`
  (URL-encoded query input, written as they go on the wire), but those gathered by
  the makers of ModSecurity's rules (SpiderLabs' challenges, the `modsec` issue, Ryan
  Barnett's WordPress list), which may share requests with the CRS tests; and its
  `false_positives.txt`, ordinary input once mistaken for SQL, as a benign source
  (kind `benign`: the "any kind" column is the share flagged).
- `--gtfobins DIR` (GTFOBins/GTFOBins.github.io): the command lines of every binary's
  page (`_gtfobins/`), each injected after a separator (`; ` then the line), cmdi.
- `--lolbas DIR` (LOLBAS-Project/LOLBAS): the command lines of its Windows binaries,
  libraries and scripts (`yml/`), each after a separator (`& ` then the line), cmdi.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote_plus

import yaml

from watch_crs import CrsTree

Case = tuple[str, str, str]  # source, kind, payload

INTRUDER_LISTS = {
    "path-traversal": ["FuzzLists/lfi.txt", "FuzzLists/traversal-short.txt"],
    "cmdi": ["FuzzLists/command_exec.txt"],
    "sqli": [
        "FuzzLists/sqli-error-based.txt",
        "FuzzLists/sqli-time-based.txt",
        "FuzzLists/sqli-union-select.txt",
    ],
}
WAF_BYPASS_SETS = {"SQLi": "sqli", "RCE": "cmdi", "LFI": "path-traversal"}
GOTESTWAF_TYPES = {
    "SQL Injection": "sqli",
    "Shell": "cmdi",
    "RCE": "cmdi",
    "Path Traversal": "path-traversal",
    "LFI": "path-traversal",
}


LIBINJECTION_LEFT_OUT = ("spiderlabs", "modsec", "rbarnett")


def _read(tree: CrsTree, path: str) -> str:
    try:
        return tree.read(path)
    except (OSError, subprocess.CalledProcessError):
        return ""


def _dedup(source: str, kind: str, payloads: list[str]) -> list[Case]:
    kept = dict.fromkeys(p.strip("\r\n") for p in payloads)
    return [(source, kind, p) for p in kept if p.strip()]


def payloadbox_sqli(root: Path) -> list[Case]:
    tree = CrsTree(root)
    lines = [
        line
        for path in tree.files("Intruder")
        if path.endswith(".txt")
        for line in _read(tree, path).splitlines()
    ]
    return _dedup("payloadbox sqli lists", "sqli", lines)


def payloadbox_cmdi(root: Path) -> list[Case]:
    blocks = _read(CrsTree(root), "README.md").split("```")
    return _dedup("payloadbox cmdi list", "cmdi", blocks[1].splitlines() if len(blocks) > 2 else [])


def intruder_payloads(root: Path) -> list[Case]:
    tree = CrsTree(root)
    cases: list[Case] = []
    for kind, paths in INTRUDER_LISTS.items():
        lines = [line for path in paths for line in _read(tree, path).splitlines()]
        cases += _dedup("IntruderPayloads lists", kind, lines)
    return cases


def waf_bypass(root: Path) -> list[Case]:
    """Decoded once: the bench's line writer encodes what a URL cannot hold."""
    tree = CrsTree(root)
    cases: list[Case] = []
    for folder, kind in WAF_BYPASS_SETS.items():
        values: list[str] = []
        for path in tree.files(f"utils/payload/{folder}"):
            for item in json.loads(_read(tree, path) or "{}").get("payload", []):
                raw = item.get("ARGS", "").split("=", 1)[-1] or item.get("URL", "")
                if raw:
                    values.append(unquote_plus(raw))
        cases += _dedup("waf-bypass sets", kind, values)
    return cases


def gotestwaf(root: Path) -> list[Case]:
    tree = CrsTree(root)
    by_kind: dict[str, list[str]] = {}
    for path in tree.files("testcases"):
        if not path.endswith((".yml", ".yaml")) or "kb-" in path:
            continue  # the 8-128 KB padded copies repeat the community payloads
        try:
            doc = yaml.safe_load(_read(tree, path) or "{}") or {}
        except yaml.YAMLError:  # an XSS case's escapes PyYAML refuses: not our kinds
            continue
        kind = GOTESTWAF_TYPES.get(str(doc.get("type", "")))
        if kind:
            by_kind.setdefault(kind, []).extend(str(p) for p in doc.get("payload", []))
    return [c for kind, values in by_kind.items() for c in _dedup("gotestwaf cases", kind, values)]


def libinjection(root: Path) -> list[Case]:
    tree = CrsTree(root)
    attacks: list[str] = []
    benign: list[str] = []
    for path in tree.files("data"):
        name = path.rsplit("/", 1)[-1]
        if any(word in name for word in LIBINJECTION_LEFT_OUT):
            continue
        lines = [x for x in _read(tree, path).splitlines() if x.strip() and not x.startswith("#")]
        if name.startswith("sqli-") and name.endswith(".txt"):
            attacks += lines
        elif name == "false_positives.txt":
            benign += lines
    return _dedup("libinjection sqli samples", "sqli", attacks) + _dedup(
        "libinjection false positives", "benign", benign
    )


def gtfobins(root: Path) -> list[Case]:
    tree = CrsTree(root)
    lines: list[str] = []
    for path in tree.files("_gtfobins"):
        text = _read(tree, path)
        try:
            doc = yaml.safe_load(text.split("\n...", 1)[0]) or {}
        except yaml.YAMLError:
            continue
        for entries in (doc.get("functions") or {}).values():
            lines += [
                "; " + str(e["code"])
                for e in entries or []
                if isinstance(e, dict) and e.get("code")
            ]
    return _dedup("GTFOBins command lines", "cmdi", lines)


def lolbas(root: Path) -> list[Case]:
    tree = CrsTree(root)
    lines: list[str] = []
    for path in tree.files("yml"):
        try:
            doc = yaml.safe_load(_read(tree, path)) or {}
        except yaml.YAMLError:
            continue
        commands = doc.get("Commands") or [] if isinstance(doc, dict) else []
        lines += [
            "& " + str(c["Command"]) for c in commands if isinstance(c, dict) and c.get("Command")
        ]
    return _dedup("LOLBAS command lines", "cmdi", lines)
