"""Payload recall of `shieldwall watch` on public payload lists, a tuning source
independent of the OWASP CRS regression tests.

The "Intruder" lists of swisskyrepo/PayloadsAllTheThings (a checkout or git
directory fetched at bench time, never copied here) are replayed through the
same detector as the CRS bench: each payload as the value of a query
parameter, URL-encoded as a client sends it (`quote(payload, safe="")`), in an
nginx access line from an address of its own. A payload counts as caught when
a detection of its kind is reported on its line. Placeholders (`{FILE}`) become
`etc/passwd`; empty lines, the lists' comments (`# from wapiti`) and duplicates are
dropped. The lists hold fragments
that are not attacks on their own (`1'`, `|`, `[1]`): recall cannot reach 1.
Its File Inclusion lists (files to read, steps up towards them) are reported
apart, as "file inclusion lists".

The same run replays the benign requests of bench/watch_traffic.py (--seed) as
nginx lines and as ModSecurity lines with headers and bodies (the set
bench/watch_crs.py uses), and prints how many are flagged and the precision of
the payload-list detections against them.

`--fuzzdb DIR` adds fuzzdb-project/fuzzdb's attack lists (a checkout or git
directory fetched at bench time, never copied here): LFI, server log locations and Windows
traversal, SQL injection detection, exploitation and blind payloads, XSS (the lists of
other vectors, URI handlers, polyglots, RSnake's and HTML5 Security's vectors, and the
exploit strings of the JHaddix list with context) and command execution on Unix and
Windows, each list's payloads as above; a tab ends a
payload of fuzzdb (what follows is the list's note), `<username>`-like placeholders
become `admin`. Its figures are printed as a source of their own, as are those of
`--payloadbox-xss DIR` (payloadbox/xss-payload-list, `Intruder/xss-payload-list.txt`).

`--sqlmap DIR` (an unpacked `sqlmap` wheel, or `pypi` to download it into bench/.work)
adds sqlmap's injection tests rendered into concrete values (sqli), some of them through
each of its tamper scripts (sqli, apart), and its list of files
to read (`data/txt/common-files.txt`, path traversal, each file as the value); `--commix
DIR` (commixproject/commix, a checkout or git directory) adds commix's command injection
payloads (cmdi), and some through each of its tamper scripts (cmdi, apart). How they are
rendered: bench/watch_tools.py. `--wfuzz DIR` (xmendez/wfuzz) adds its injection and
traversal wordlists. Each is a source of its own.

Run:  .venv/bin/python bench/watch_payloads.py [--lists DIR] [--fuzzdb DIR]
      [--payloadbox-xss DIR] [--sqlmap DIR|pypi] [--commix DIR] [--wfuzz DIR]
      [--payloadbox-sqli DIR] [--payloadbox-cmdi DIR] [--intruder-payloads DIR]
      [--waf-bypass DIR] [--gotestwaf DIR] [--libinjection DIR] [--gtfobins DIR]
      [--lolbas DIR] [--seed N] [--misses KIND]
(the last eight: bench/watch_sources.py)
(at least one source.) These lists are looked at while fixing the
detectors: their figures are tuned figures.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

from watch_crs import WORK, CrsTree, _write, benign_modsec_lines
from watch_sources import (
    gotestwaf,
    gtfobins,
    intruder_payloads,
    libinjection,
    lolbas,
    payloadbox_cmdi,
    payloadbox_sqli,
    waf_bypass,
)
from watch_tools import commix_payloads, sqlmap_payloads, sqlmap_root, sqlmap_tampered
from watch_traffic import _clf, _esc, generate, render

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from shieldwall.runtime.config import WatchConfig  # noqa: E402
from shieldwall.runtime.replay import replay_files  # noqa: E402
from shieldwall.runtime.sources.registry import PARSERS  # noqa: E402

T0 = 1_796_284_800
_COMMENT = re.compile(r"#\s+[a-z][\w-]*\s+[a-z]", re.IGNORECASE)

LISTS = {
    "path-traversal": [
        "Directory Traversal/Intruder/directory_traversal.txt",
        "Directory Traversal/Intruder/deep_traversal.txt",
        "Directory Traversal/Intruder/traversals-8-deep-exotic-encoding.txt",
        "Directory Traversal/Intruder/dotdotpwn.txt",
    ],
    "sqli": [
        "SQL Injection/Intruder/Auth_Bypass.txt",
        "SQL Injection/Intruder/Auth_Bypass2.txt",
        "SQL Injection/Intruder/FUZZDB_MSSQL-WHERE_Time.txt",
        "SQL Injection/Intruder/FUZZDB_MSSQL.txt",
        "SQL Injection/Intruder/FUZZDB_MSSQL_Enumeration.txt",
        "SQL Injection/Intruder/FUZZDB_MYSQL.txt",
        "SQL Injection/Intruder/FUZZDB_MySQL-WHERE_Time.txt",
        "SQL Injection/Intruder/FUZZDB_MySQL_ReadLocalFiles.txt",
        "SQL Injection/Intruder/FUZZDB_Oracle.txt",
        "SQL Injection/Intruder/FUZZDB_Postgres_Enumeration.txt",
        "SQL Injection/Intruder/Generic_ErrorBased.txt",
        "SQL Injection/Intruder/Generic_Fuzz.txt",
        "SQL Injection/Intruder/Generic_TimeBased.txt",
        "SQL Injection/Intruder/Generic_UnionSelect.txt",
        "SQL Injection/Intruder/SQLi_Polyglots.txt",
        "SQL Injection/Intruder/payloads-sql-blind-MSSQL-INSERT",
        "SQL Injection/Intruder/payloads-sql-blind-MSSQL-WHERE",
        "SQL Injection/Intruder/payloads-sql-blind-MySQL-INSERT",
        "SQL Injection/Intruder/payloads-sql-blind-MySQL-ORDER_BY",
        "SQL Injection/Intruder/payloads-sql-blind-MySQL-WHERE",
    ],
    "cmdi": [
        "Command Injection/Intruder/command-execution-unix.txt",
        "Command Injection/Intruder/command_exec.txt",
    ],
    "xss": [
        "XSS Injection/Intruders/BRUTELOGIC-XSS-STRINGS.txt",
        "XSS Injection/Intruders/IntrudersXSS.txt",
        "XSS Injection/Intruders/JHADDIX_XSS.txt",
        "XSS Injection/Intruders/MarioXSSVectors.txt",
        "XSS Injection/Intruders/RSNAKE_XSS.txt",
        "XSS Injection/Intruders/XSS_Polyglots.txt",
        "XSS Injection/Intruders/xss_alert.txt",
        "XSS Injection/Intruders/xss_payloads_quick.txt",
    ],
}

FUZZDB_LISTS = {
    "path-traversal": [
        "attack/lfi/JHADDIX_LFI.txt",
        "attack/lfi/common-ms-httpd-log-locations.txt",
        "attack/lfi/common-unix-httpd-log-locations.txt",
        "attack/path-traversal/path-traversal-windows.txt",
    ],
    "sqli": [
        "attack/sql-injection/detect/GenericBlind.txt",
        "attack/sql-injection/detect/MSSQL.txt",
        "attack/sql-injection/detect/MSSQL_blind.txt",
        "attack/sql-injection/detect/MySQL.txt",
        "attack/sql-injection/detect/MySQL_MSSQL.txt",
        "attack/sql-injection/detect/oracle.txt",
        "attack/sql-injection/detect/xplatform.txt",
        "attack/sql-injection/exploit/db2-enumeration.txt",
        "attack/sql-injection/exploit/ms-sql-enumeration.txt",
        "attack/sql-injection/exploit/mysql-injection-login-bypass.txt",
        "attack/sql-injection/exploit/mysql-read-local-files.txt",
        "attack/sql-injection/exploit/postgres-enumeration.txt",
        "attack/sql-injection/payloads-sql-blind/payloads-sql-blind-MSSQL-INSERT.txt",
        "attack/sql-injection/payloads-sql-blind/payloads-sql-blind-MSSQL-WHERE.txt",
        "attack/sql-injection/payloads-sql-blind/payloads-sql-blind-MySQL-INSERT.txt",
        "attack/sql-injection/payloads-sql-blind/payloads-sql-blind-MySQL-ORDER_BY.txt",
        "attack/sql-injection/payloads-sql-blind/payloads-sql-blind-MySQL-WHERE.txt",
    ],
    "xss": [
        "attack/xss/xss-other.txt",
        "attack/xss/xss-uri.txt",
        "attack/xss/XSSPolyglot.txt",
        "attack/xss/JHADDIX_XSS_WITH_CONTEXT.doc.txt",
        "attack/xss/xss-rsnake.txt",
        "attack/html_js_fuzz/HTML5sec_Injections.txt",
    ],
    "cmdi": [
        "attack/os-cmd-execution/command-execution-unix.txt",
        "attack/os-cmd-execution/OSCommandInject.Windows.txt",
    ],
}
# PayloadsAllTheThings' file inclusion lists (with --lists): files to read and the steps
# up towards them. Not its web-application file names (`/robots.txt`, `config.php`:
# no attack on their own) nor its PHP filter chain pieces (`convert.iconv.L1.UTF7`).
FILE_INCLUSION_LISTS = {
    "path-traversal": [
        f"File Inclusion/Intruders/{name}"
        for name in (
            "BSD-files.txt",
            "JHADDIX_LFI.txt",
            "LFI-FD-check.txt",
            "LFI-WindowsFileCheck.txt",
            "Linux-files.txt",
            "List_Of_File_To_Include.txt",
            "List_Of_File_To_Include_NullByteAdded.txt",
            "Mac-files.txt",
            "Traversal.txt",
            "Windows-files.txt",
            "dot-slash-PathTraversal_and_LFI_pairing.txt",
            "simple-check.txt",
        )
    ]
}
PAYLOADBOX_XSS_LISTS = {"xss": ["Intruder/xss-payload-list.txt"]}
# wfuzz's injection and traversal wordlists (xmendez/wfuzz); not `All_attack.txt`, whose
# payloads carry no kind, nor the bad characters and XML lists.
WFUZZ_LISTS = {
    "path-traversal": [
        "wordlist/Injections/Traversal.txt",
        "wordlist/vulns/dirTraversal.txt",
        "wordlist/vulns/dirTraversal-nix.txt",
        "wordlist/vulns/dirTraversal-win.txt",
    ],
    "sqli": ["wordlist/Injections/SQL.txt", "wordlist/vulns/sql_inj.txt"],
    "xss": ["wordlist/Injections/XSS.txt"],
}
_EXPLOIT = "Exploit String: "  # the JHaddix list with context: only these lines are payloads
_PLACEHOLDER = re.compile(r"<(?:username|user-fieldname|pass-fieldname)>")

Case = tuple[str, str, str]  # source, kind, payload


def _payloads(path: str, text: str) -> list[str]:
    if path.endswith(".doc.txt"):
        return [line[len(_EXPLOIT) :] for line in text.splitlines() if line.startswith(_EXPLOIT)]
    if path.startswith("wordlist/"):  # wfuzz: a heading of `# ` lines, then payloads
        return [
            line for line in text.splitlines() if line.rstrip() != "#" and not line.startswith("# ")
        ]
    if not path.startswith("attack/"):  # PayloadsAllTheThings: each line as it is
        return text.splitlines()
    return [_PLACEHOLDER.sub("admin", line.split("\t", 1)[0]) for line in text.splitlines()]


def payload_cases(
    tree: CrsTree, source: str = "payload lists", lists: dict[str, list[str]] | None = None
) -> tuple[list[Case], list[str]]:
    """The payloads per kind, and the lists named above that the tree lacks."""
    cases: list[Case] = []
    absent: list[str] = []
    for kind, paths in (LISTS if lists is None else lists).items():
        seen: set[str] = set()
        for path in paths:
            try:
                text = tree.read(path)
            except (OSError, subprocess.CalledProcessError):
                absent.append(path)
                continue
            for raw in _payloads(path, text):
                payload = raw.strip("\r\n").replace("{FILE}", "etc/passwd")
                if _COMMENT.match(payload):  # a list's own comment, not a payload
                    continue
                if payload.strip() and payload not in seen:
                    seen.add(payload)
                    cases.append((source, kind, payload))
    return cases, absent


# Sources whose values are written as they go on the wire (sqlmap's tamper scripts: `+`
# for a space, `%C0%AA`, `%S%E%L`): only what a URL cannot hold is escaped.
WIRE_SOURCES = frozenset(
    {
        "sqlmap tampered payloads",
        "commix tampered payloads",
        "libinjection sqli samples",
        "libinjection false positives",
    }
)


def payload_line(n: int, payload: str, wire: bool = False) -> str:
    ip = f"12.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
    uri = f"/search?q={quote(payload, safe='%+' if wire else '')}"
    ua = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
    return f'{ip} - - [{_clf(T0 + n)}] "GET {_esc(uri)} HTTP/1.1" 200 512 "-" "{ua}" 0.012'


def _flagged(log: Path, fmt: str) -> dict[int, set[str]]:
    result = replay_files([(str(log), PARSERS[fmt])], WatchConfig())
    found: dict[int, set[str]] = defaultdict(set)
    for d in result.detections:
        found[int(d.line.rsplit(":", 1)[1]) - 1].add(d.kind)
    return found


def _tool_cases(sqlmap: str | None, commix: Path | None, seed: int) -> list[Case]:
    """sqlmap's and commix's payloads (bench/watch_tools.py), as cases of their own."""
    cases: list[Case] = []
    if sqlmap:
        xml_dir = sqlmap_root(sqlmap, WORK)
        values = sqlmap_payloads(xml_dir, seed)
        cases += [("sqlmap payloads", "sqli", v) for v in values]
        tampered = sqlmap_tampered(xml_dir, values, seed)
        cases += [("sqlmap tampered payloads", "sqli", v) for v in tampered]
        files = (xml_dir.parent / "txt" / "common-files.txt").read_text().splitlines()
        names = dict.fromkeys(f.strip() for f in files if f.strip() and not f.startswith("#"))
        cases += [("sqlmap common files", "path-traversal", f) for f in names]
    if commix:
        plain, tampered = commix_payloads(commix, WORK, seed)
        cases += [("commix payloads", "cmdi", v) for v in plain]
        cases += [("commix tampered payloads", "cmdi", v) for v in tampered]
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=Path, help="PayloadsAllTheThings dir")
    parser.add_argument("--fuzzdb", type=Path, help="fuzzdb dir")
    parser.add_argument("--payloadbox-xss", type=Path, help="payloadbox/xss-payload-list dir")
    parser.add_argument("--sqlmap", help="unpacked sqlmap wheel dir, or pypi")
    parser.add_argument("--commix", type=Path, help="commix dir")
    parser.add_argument("--wfuzz", type=Path, help="wfuzz dir")
    parser.add_argument("--payloadbox-sqli", type=Path, help="payloadbox sqli list dir")
    parser.add_argument("--payloadbox-cmdi", type=Path, help="payloadbox cmdi list dir")
    parser.add_argument("--intruder-payloads", type=Path, help="1N3/IntruderPayloads dir")
    parser.add_argument("--waf-bypass", type=Path, help="nemesida-waf/waf-bypass dir")
    parser.add_argument("--gotestwaf", type=Path, help="wallarm/gotestwaf dir")
    parser.add_argument("--libinjection", type=Path, help="client9/libinjection dir")
    parser.add_argument("--gtfobins", type=Path, help="GTFOBins/GTFOBins.github.io dir")
    parser.add_argument("--lolbas", type=Path, help="LOLBAS-Project/LOLBAS dir")
    parser.add_argument("--seed", type=int, default=7, help="seed of the benign traffic")
    parser.add_argument("--misses", help="print the missed payloads of this kind")
    args = parser.parse_args()
    more = [
        (args.payloadbox_sqli, payloadbox_sqli),
        (args.payloadbox_cmdi, payloadbox_cmdi),
        (args.intruder_payloads, intruder_payloads),
        (args.waf_bypass, waf_bypass),
        (args.gotestwaf, gotestwaf),
        (args.libinjection, libinjection),
        (args.gtfobins, gtfobins),
        (args.lolbas, lolbas),
    ]
    if not (
        args.lists
        or args.fuzzdb
        or args.payloadbox_xss
        or args.sqlmap
        or args.commix
        or args.wfuzz
        or any(root for root, _ in more)
    ):
        raise SystemExit("give at least one source: --lists, --fuzzdb, --payloadbox-xss, ...")
    cases: list[Case] = []
    absent: list[str] = []
    for root, source, lists in (
        (args.lists, "payload lists", LISTS),
        (args.lists, "file inclusion lists", FILE_INCLUSION_LISTS),
        (args.fuzzdb, "fuzzdb lists", FUZZDB_LISTS),
        (args.payloadbox_xss, "payloadbox xss list", PAYLOADBOX_XSS_LISTS),
        (args.wfuzz, "wfuzz lists", WFUZZ_LISTS),
    ):
        if root:
            got, missing = payload_cases(CrsTree(root), source, lists)
            if not got:
                raise SystemExit(f"no payload list found under {root}: fetch it again")
            cases += got
            absent += missing
    WORK.mkdir(parents=True, exist_ok=True)
    cases += _tool_cases(args.sqlmap, args.commix, args.seed)
    for root, read in more:
        if root:
            got = read(root)
            if not got:
                raise SystemExit(f"no payload found under {root}: fetch it again")
            cases += got
    for path in absent:
        print(f"list absent, skipped: {path}")
    log = _write(
        WORK / "payloads.nginx.log",
        (payload_line(i, c[2], c[0] in WIRE_SOURCES) for i, c in enumerate(cases)),
    )
    found = _flagged(log, "nginx")
    caught = [kind in found.get(i, set()) for i, (_, kind, _) in enumerate(cases)]
    any_kind = [bool(found.get(i)) for i in range(len(cases))]

    reqs = [r for r in generate(args.seed) if r.client == "benign"]
    nginx = _flagged(_write(WORK / "benign.nginx.log", (render(r, "nginx") for r in reqs)), "nginx")
    modsec_lines = benign_modsec_lines(generate(args.seed))
    modsec = _flagged(_write(WORK / "benign.modsec.json", modsec_lines), "modsecurity-json")

    for source in dict.fromkeys(c[0] for c in cases):
        mine = [i for i, c in enumerate(cases) if c[0] == source]
        print(f"\n{source}: {len(mine)} payloads as a query parameter value, nginx lines (tuned)")
        print(f"  {'kind':<16}{'payloads':>10}{'recall':>10}{'any kind':>10}{'precision':>11}")
        for kind in [*sorted({cases[i][1] for i in mine}), "overall"]:
            idx = [i for i in mine if kind in ("overall", cases[i][1])]
            tp = sum(caught[i] for i in idx)
            fp = sum(
                1
                for flagged in (nginx, modsec)
                for kinds_seen in flagged.values()
                if kind == "overall" or kind in kinds_seen
            )
            precision = tp / (tp + fp) if tp + fp else 1.0
            print(
                f"  {kind:<16}{len(idx):>10}{tp / len(idx):>10.3f}"
                f"{sum(any_kind[i] for i in idx) / len(idx):>10.3f}{precision:>11.3f}"
            )
    benign_kinds = sorted({k for f in (nginx, modsec) for ks in f.values() for k in ks})
    print(
        f"\nbenign requests (traffic seed {args.seed}): nginx lines {len(nginx)}/{len(reqs)} "
        f"flagged, ModSecurity lines with headers and bodies {len(modsec)}/{len(modsec_lines)} "
        f"flagged {benign_kinds}"
    )
    if args.misses:
        print(f"\nmissed {args.misses} payloads:")
        for i, (source, kind, payload) in enumerate(cases):
            if kind == args.misses and not caught[i]:
                print(f"  [{source}] {payload[:200]!r}  (seen as {sorted(found.get(i, set()))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
