"""Payload recall of `shieldwall watch` on the OWASP Core Rule Set's regression
tests (real attack requests, one or more per CRS rule), next to CrowdSec.

The tests are split once and for all by rule: a rule whose id's SHA-256 starts
with an even byte is in the TUNING half (detection was improved while looking
at it), the others in the HELD-OUT half (never looked at while fixing). Both
are reported, and only the held-out figures measure the detector.

Each request expected to match a rule of our kinds is replayed
- by shieldwall as a ModSecurity JSON audit line (method, URI, every header,
  the body), and as an nginx access line (what an access log keeps: URI,
  Referer, User-Agent);
- by CrowdSec (Debian's package, the offline hub's enabled scenarios) as the
  same nginx line, eleven times from an address of its own with a distinct
  `_n=` parameter appended, so that its leaky buckets (capacity 10 at most for
  the payload scenarios, distinct on the arguments) overflow when its filters
  match the request; any alert on that address counts as caught.
Requests expected NOT to match are counted as "negatives flagged": they are
rules' boundary cases, not a benign set. The benign requests of
bench/watch_traffic.py (--seed) are then written as ModSecurity lines with
ordinary headers and bodies of our making: how many are flagged.

Run:  .venv/bin/python bench/watch_crs.py --crs DIR [--no-crowdsec] [--seed N]
          [--half tuning|held-out|both] [--misses]
(DIR: a coreruleset checkout or git directory, fetched at bench time.)
`--half tuning` replays the tuning half alone, so that a round of fixes never
computes held-out figures; `--misses` prints the tuning half's missed requests
(rule, kind, what shieldwall saw) and is refused with any other half.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

import yaml

from watch_peers import crowdsec_missing, crowdsec_version, run_crowdsec
from watch_traffic import Req, _clf, _esc, generate

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from shieldwall.runtime.config import WatchConfig  # noqa: E402
from shieldwall.runtime.replay import replay_files  # noqa: E402
from shieldwall.runtime.sources.registry import PARSERS  # noqa: E402

WORK = REPO / "bench" / ".work" / "watch"
T0 = 1_796_284_800
CROWDSEC_COPIES = 11
PARANOIA = (2, 3, 4)  # the stricter `watch.paranoia` levels, reported beside level 1

CRS_KINDS = {
    "930": "path-traversal",
    "932": "cmdi",
    "941": "xss",
    "942": "sqli",
    "913": "scanner",
    "934110": "ssrf",
    "934120": "ssrf",
    "944150": "jndi",
    "944151": "jndi",
    "944152": "jndi",
}


def crs_kind(rule: str) -> str:
    return CRS_KINDS.get(rule) or CRS_KINDS.get(rule[:3], "")


def crs_half(rule: str) -> str:
    """The split: by the rule id's hash, fixed before any tuning."""
    return "tuning" if hashlib.sha256(rule.encode()).digest()[0] % 2 == 0 else "held-out"


class CrsTree:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.git = (root / "HEAD").exists() and not (root / "tests").exists()

    def _git(self, *args: str) -> str:
        return subprocess.run(
            ["git", "--git-dir", str(self.root), *args],
            capture_output=True,
            text=True,
            check=True,
            errors="replace",
        ).stdout

    def files(self, prefix: str) -> list[str]:
        if self.git:
            return self._git("ls-tree", "-r", "--name-only", "HEAD", prefix).split()
        return [
            str(p.relative_to(self.root)) for p in (self.root / prefix).rglob("*") if p.is_file()
        ]

    def read(self, path: str) -> str:
        if self.git:
            return self._git("show", f"HEAD:{path}")
        return (self.root / path).read_text(errors="replace")


def crs_paranoia(tree: CrsTree) -> dict[str, int]:
    levels: dict[str, int] = {}
    for path in tree.files("rules"):
        if not path.endswith(".conf"):
            continue
        for block in re.split(r"\n(?=SecRule|SecAction)", tree.read(path)):
            ident = re.search(r"id:(\d+)", block)
            level = re.search(r"paranoia-level/(\d)", block)
            if ident:
                levels[ident.group(1)] = int(level.group(1)) if level else 1
    return levels


Case = tuple[str, str, bool, dict[str, object]]  # rule, kind, expected to match, input


def crs_cases(tree: CrsTree) -> list[Case]:
    cases = []
    for path in tree.files("tests/regression/tests"):
        if not path.endswith(".yaml"):
            continue
        rule = Path(path).stem
        kind = crs_kind(rule)
        if not kind:
            continue
        try:
            doc = yaml.safe_load(tree.read(path))
        except yaml.YAMLError:
            continue
        for test in (doc or {}).get("tests", []) or []:
            for stage in test.get("stages", []) or []:
                stage = stage.get("stage", stage)
                inp, out = stage.get("input") or {}, (stage.get("output") or {}).get("log") or {}
                if "expect_ids" in out and int(rule) in out["expect_ids"]:
                    cases.append((rule, kind, True, inp))
                elif "no_expect_ids" in out and int(rule) in out["no_expect_ids"]:
                    cases.append((rule, kind, False, inp))
    return cases


def _headers(inp: dict[str, object]) -> dict[str, str]:
    headers = inp.get("headers") or {}
    return {str(k): str(v) for k, v in headers.items()} if isinstance(headers, dict) else {}


def _uri(inp: dict[str, object]) -> str:
    uri = str(inp.get("uri", "/"))
    return "".join(c if 32 < ord(c) < 127 else quote(c) for c in uri)


def modsec_line(n: int, inp: dict[str, object]) -> str:
    data = inp.get("data", "")
    if isinstance(data, list):
        data = "\n".join(map(str, data))
    return json.dumps(
        {
            "transaction": {
                "client_ip": f"11.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
                "time_stamp": "Thu Dec  3 10:15:02 2026",
                "request": {
                    "method": str(inp.get("method", "GET")),
                    "uri": _uri(inp),
                    "headers": _headers(inp),
                    "body": str(data or ""),
                },
                "response": {"http_code": 200},
            }
        }
    )


def nginx_line(n: int, inp: dict[str, object], copy: int | None = None) -> str:
    uri = _uri(inp)
    if copy is not None:
        uri += ("&" if "?" in uri else "?") + f"_n={copy}"
    lower = {k.lower(): v for k, v in _headers(inp).items()}
    ip = f"11.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
    return (
        f"{ip} - - [{_clf(T0 + n)}] "
        f'"{_esc(str(inp.get("method", "GET")))} {_esc(uri)} HTTP/1.1" 200 512 '
        f'"{_esc(lower.get("referer", "")) or "-"}" "{_esc(lower.get("user-agent", ""))}" 0.012'
    )


def _caught(log: Path, fmt: str, cases: list[Case], paranoia: int = 1) -> list[bool]:
    result = replay_files([(str(log), PARSERS[fmt])], WatchConfig(paranoia=paranoia))
    found: dict[int, set[str]] = defaultdict(set)
    for d in result.detections:
        found[int(d.line.rsplit(":", 1)[1]) - 1].add(d.kind)
    return [case[1] in found.get(i, set()) for i, case in enumerate(cases)]


def _write(path: Path, lines: Iterable[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def _ratio(hits: list[bool]) -> str:
    return f"{sum(hits)}/{len(hits)} {sum(hits) / len(hits):.2f}" if hits else "-"


def crs_scores(
    root: Path,
    crowdsec: bool = True,
    half: str = "both",
    misses: bool = False,
    paranoia_misses: int = 1,
) -> None:
    if misses and half != "tuning":
        raise SystemExit("--misses shows the tuning half only: add --half tuning")
    tree = CrsTree(root)
    levels = crs_paranoia(tree)
    cases = [c for c in crs_cases(tree) if half == "both" or crs_half(c[0]) == half]
    WORK.mkdir(parents=True, exist_ok=True)
    modsec = _caught(
        _write(WORK / "crs.modsec.json", (modsec_line(i, c[3]) for i, c in enumerate(cases))),
        "modsecurity-json",
        cases,
    )
    nginx = _caught(
        _write(WORK / "crs.nginx.log", (nginx_line(i, c[3]) for i, c in enumerate(cases))),
        "nginx",
        cases,
    )
    cs: list[bool] | None = None
    why = crowdsec_missing() if crowdsec else "--no-crowdsec"
    if not why:
        positives = [i for i, c in enumerate(cases) if c[2]]
        log = _write(
            WORK / "crs.crowdsec.nginx.log",
            (nginx_line(i, cases[i][3], k) for i in positives for k in range(CROWDSEC_COPIES)),
        )
        run = run_crowdsec(log, WORK / "crowdsec-crs", port=18402)
        alerted = {a.ip for a in run.alerts}
        cs = [nginx_line(i, c[3]).split(" ", 1)[0] in alerted for i, c in enumerate(cases)]
        print(f"crowdsec {crowdsec_version()}: {len(run.alerts)} alerts, {run.seconds:.0f} s")
    else:
        print(f"crowdsec: not run ({why})")
    _report(cases, levels, modsec, nginx, cs)
    stricter = {
        level: _caught(WORK / "crs.modsec.json", "modsecurity-json", cases, level)
        for level in PARANOIA
    }
    _report_levels(cases, {1: modsec, **stricter})
    if misses:
        _misses(cases, modsec, paranoia_misses, stricter)


def _misses(
    cases: list[Case], modsec: list[bool], level: int, stricter: dict[int, list[bool]]
) -> None:
    """The tuning half's requests expected to match that the ModSecurity line
    missed at paranoia `level` (and, at levels 2+, its negatives it flagged)."""
    caught = stricter.get(level, modsec)
    print(f"\n  tuning half, missed requests (ModSecurity lines, paranoia {level}):")
    for i, (rule, kind, expected, inp) in enumerate(cases):
        if expected and not caught[i] and crs_half(rule) == "tuning":
            data = inp.get("data", "")
            shown = {"uri": inp.get("uri", "/"), "headers": _headers(inp), "data": data}
            print(f"  {rule} {kind} {json.dumps(shown)[:600]}")
    if level > 1:
        print(f"\n  tuning half, negatives flagged at paranoia {level} and not at 1:")
        for i, (rule, kind, expected, inp) in enumerate(cases):
            if not expected and caught[i] and not modsec[i] and crs_half(rule) == "tuning":
                shown = {"uri": inp.get("uri", "/"), "data": inp.get("data", "")}
                print(f"  {rule} {kind} {json.dumps(shown)[:300]}")


def _report_levels(cases: list[Case], caught: dict[int, list[bool]]) -> None:
    """Recall (ModSecurity lines) per kind at each paranoia level of `watch`."""
    for half in ("tuning", "held-out"):
        index = [i for i, c in enumerate(cases) if crs_half(c[0]) == half]
        if not index:
            continue
        print(f"\n  {half}: recall per `watch.paranoia` level (ModSecurity lines)")
        print(f"  {'kind':<16}" + "".join(f"{'level ' + str(n):>16}" for n in caught))
        kinds = sorted({cases[i][1] for i in index})
        for kind in [*kinds, "overall"]:
            pos = [i for i in index if cases[i][2] and kind in ("overall", cases[i][1])]
            cells = "".join(f"{_ratio([hits[i] for i in pos]):>16}" for hits in caught.values())
            print(f"  {kind:<16}{cells}")
        neg = [i for i in index if not cases[i][2]]
        cells = "".join(
            f"{sum(hits[i] for i in neg)}/{len(neg)}".rjust(16) for hits in caught.values()
        )
        print(f"  {'negatives flagged':<16}{cells}")


def _report(
    cases: list[Case],
    levels: dict[str, int],
    modsec: list[bool],
    nginx: list[bool],
    cs: list[bool] | None,
) -> None:
    print(
        f"\nOWASP CRS regression tests: {len(cases)} requests of our kinds; "
        "split by rule-id hash (tuning: looked at while fixing; held-out: never)"
    )
    for half in ("tuning", "held-out"):
        if not any(crs_half(c[0]) == half for c in cases):
            continue
        print(f"\n  {half}: recall on requests expected to match (PL = the rule's paranoia level)")
        print(
            f"  {'kind':<16}{'sw modsec':>16}{'sw nginx':>16}{'crowdsec nginx':>16}"
            f"{'sw modsec PL1':>16}{'negatives flagged':>19}"
        )
        rows: dict[str, list[int]] = defaultdict(list)
        for i, (rule, kind, _expected, _) in enumerate(cases):
            if crs_half(rule) == half:
                rows[kind].append(i)
        every: list[int] = []
        for kind in sorted(rows):
            every += rows[kind]
            _row(kind, rows[kind], cases, levels, modsec, nginx, cs)
        _row("overall", every, cases, levels, modsec, nginx, cs)


def _row(
    kind: str,
    index: list[int],
    cases: list[Case],
    levels: dict[str, int],
    modsec: list[bool],
    nginx: list[bool],
    cs: list[bool] | None,
) -> None:
    pos = [i for i in index if cases[i][2]]
    neg = [i for i in index if not cases[i][2]]
    pl1 = [i for i in pos if levels.get(cases[i][0], 1) == 1]
    flagged = f"{sum(modsec[i] for i in neg)}/{len(neg)}" if neg else "-"
    print(
        f"  {kind:<16}{_ratio([modsec[i] for i in pos]):>16}{_ratio([nginx[i] for i in pos]):>16}"
        f"{_ratio([cs[i] for i in pos]) if cs else '-':>16}"
        f"{_ratio([modsec[i] for i in pl1]):>16}{flagged:>19}"
    )


# ---- benign requests with bodies and headers ------------------------------------

_NOTES = [
    "Please leave it at the door; ring twice",
    "Gift for Mum & Dad - don't open!",
    "Size 42 (EU) / 8.5 (US), colour: navy",
    "Call me at +44 20 7946 0958 if late",
    "Order #1234: swap the red one for blue; thanks",
    "rock 'n' roll t-shirt, select the large one",
    "O'Neil family, 3rd floor, flat 3/B",
    "Use code SAVE10 = 10% off?",
    # near misses of the SQL and traversal signatures
    "Length (cm): 42; sizes in (S, M, L); it's 1=2 or so",
    "Zoë O\u2019Brien & 'rock 'n' roll' - I like 'em",
    "see release..notes.txt and my..backup..2024.tar.gz",
    "wait... what? and/or.... maybe; C: drive full",
    "from London where to go, order by price, select your size",
    "Please 'update' the address; drop-off at the back door",
    "Ship to C:/ Office, Windows House; find / ask reception; at 5 pm",
    "Gift card code QmlydGhkYXkgZm9yIE8nTmVpbA== (from the app)",
    "Sort the parcels: group by size, then xor the odd ones out (joke)",
    'Book club: Die "Union von Europa", then "select" poems; team having fun = great',
    "Return via /account/settings; the access log guide is at /docs/access-log-format",
    "Priority=alert, status=open; mode=eval; run(tests); (alert) (see manual)",
    "Tea (green) or (black)=fine; room 1or2 = floor 1; print @home; list.find(alerts)",
    "Reg add-on for HKLM fans; attach a file as PDF, hello > notes.txt; 'ev' + 'ening'"
    " dress; C+AD0-1 and D; please allow filtering; .vscode tips, my.vimrc",
]
# Chromium's brand lists, each with the "greased" brand of one release.
_BRANDS = [
    '"Not_A Brand";v="8", "Chromium";v="120", "Google Chrome";v="120"',
    '"Not?A_Brand";v="24", "Chromium";v="116"',
    '"Not A(Brand";v="99", "Google Chrome";v="121", "Chromium";v="121"',
    '"Not)A;Brand";v="99", "Google Chrome";v="127", "Chromium";v="127"',
    '"Not/A)Brand";v="8", "Chromium";v="126", "Microsoft Edge";v="126"',
    '"Not.A/Brand";v="8", "Chromium";v="114"',
    '"Not=A?Brand";v="99", "Chromium";v="118"',
]
# A gift card's picture as a data URI (a 1x1 PNG), as a shop's page posts it.
_CARD = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
_PASSWORDS = ["correct horse battery staple", "P@ssw0rd!2024", "it's-my-pass;word", "a&b=c#1"]


def benign_modsec_lines(reqs: list[Req], seed: int = 11) -> list[str]:
    """The benign requests of our traffic as ModSecurity audit lines, with the
    headers browsers send and bodies of our making: logins (form), orders
    (JSON), notes (multipart)."""
    import random

    rng = random.Random(seed)
    lines = []
    for n, r in enumerate(x for x in reqs if x.client == "benign"):
        headers = {
            "Host": "shop.example",
            "User-Agent": r.ua,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "en-GB,en;q=0.7",
            "Cookie": f"session={rng.getrandbits(64):016x}; theme=dark; cart={rng.randint(0, 9)}",
        }
        if "Chrome/" in r.ua:  # Chromium's client hints, brand punctuation and all
            headers["Sec-CH-UA"] = _BRANDS[n % len(_BRANDS)]
            headers["Sec-CH-UA-Mobile"] = "?0"
            headers["Sec-CH-UA-Platform"] = '"Windows"'
            headers["Sec-Fetch-Site"] = "same-origin"
        if r.ua.startswith("ShopApp/"):  # the app signs in with Basic credentials
            secret = f"{r.user or 'ann'}:{_PASSWORDS[n % len(_PASSWORDS)]}"
            headers["Authorization"] = "Basic " + base64.b64encode(secret.encode()).decode()
        if r.referer:
            headers["Referer"] = r.referer
        body = ""
        roll = rng.random()
        if r.method == "POST" or roll < 0.1:
            note = rng.choice(_NOTES)
            if r.user or roll < 0.03:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                body = f"username={quote(r.user or 'ann')}&password={quote(rng.choice(_PASSWORDS))}"
            elif roll < 0.07:
                headers["Content-Type"] = "application/json"
                body = json.dumps(
                    {"items": [{"sku": f"SKU-{n}", "qty": 2}], "note": note, "card": _CARD}
                )
            else:
                headers["Content-Type"] = "multipart/form-data; boundary=xYzZY"
                body = (
                    '--xYzZY\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
                    f"{note}\r\n--xYzZY\r\nContent-Disposition: form-data; "
                    'name="photo"; filename="my photo (1).jpg"\r\n'
                    "Content-Type: image/jpeg\r\n\r\nJFIF...\r\n--xYzZY--\r\n"
                )
        target = f"{r.path}?{r.query}" if r.query else r.path
        inp: dict[str, object] = {
            "method": r.method,
            "uri": target,
            "headers": headers,
            "data": body,
        }
        lines.append(modsec_line(n, inp))
    return lines


def benign_scores(seed: int) -> None:
    lines = benign_modsec_lines(generate(seed))
    log = _write(WORK / "benign.modsec.json", lines)
    for level in (1, *PARANOIA):
        result = replay_files(
            [(str(log), PARSERS["modsecurity-json"])], WatchConfig(paranoia=level)
        )
        flagged = {d.line for d in result.detections}
        kinds = dict(sorted(Counter(d.rule for d in result.detections).items()))
        what = (
            f"\nbenign requests as ModSecurity lines (traffic seed {seed}, bodies and headers "
            "of our making)"
            if level == 1
            else f"  at paranoia {level}"
        )
        print(
            f"{what}: {len(flagged)}/{len(lines)} flagged {kinds}, "
            f"{len(result.decisions)} decisions"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crs", type=Path, required=True, help="coreruleset checkout or git dir")
    parser.add_argument("--no-crowdsec", action="store_true")
    parser.add_argument("--seed", type=int, default=7, help="seed of the benign traffic")
    parser.add_argument("--half", choices=("tuning", "held-out", "both"), default="both")
    parser.add_argument("--misses", action="store_true", help="print the tuning half's misses")
    parser.add_argument(
        "--misses-level", type=int, choices=(1, *PARANOIA), default=1,
        help="the paranoia level whose misses --misses prints",
    )  # fmt: skip
    args = parser.parse_args()
    crs_scores(
        args.crs,
        crowdsec=not args.no_crowdsec,
        half=args.half,
        misses=args.misses,
        paranoia_misses=args.misses_level,
    )
    benign_scores(args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
