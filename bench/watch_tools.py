"""Payloads of two attack tools, rendered at bench time for bench/watch_payloads.py.

sqlmap (PyPI `sqlmap`, its `data/xml/payloads/*.xml` tests and `boundaries.xml`): each
test's request payload is put between the boundaries that fit it (clause and place in
common), the way sqlmap's agent writes a value: the original value (`1`) or a negative
number or nothing, then the prefix, a space, the payload and its comment, a space, the
suffix. Placeholders take values of sqlmap's shape (`[RANDNUM]` four digits,
`[RANDSTR]` four letters, `[DELIMITER_START]` `q...q`, `[SLEEPTIME]` 5), a UNION test
its columns as `NULL` with one `CONCAT` of the delimiters. Bounded and deterministic:
at most `per_test` boundaries per test, drawn by a seeded generator. Then 25 of those
values (seeded) through each of its tamper scripts (`tamper/*.py`, its own code in a child
process: `space2comment`, `charencode`, `between`...), as they go on the wire (a script
writes `+` for a space, `%C0%AA`): bench/watch_payloads.py escapes only what a URL
cannot hold.

commix (commixproject/commix, a checkout or git directory fetched at bench time, run in
a child process, never imported here): the decision and command-execution payloads of
its five techniques (classic, eval-based, time-based, file-based, tempfile-based), for
Unix and Windows targets, with and without its alternative shell, each behind every
separator of its first level and some with a prefix and a suffix of its third level
(drawn by a seeded generator); `%2B`-like escapes are decoded, as the server sees them.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

SQLMAP_VERSION = "1.10.10"

_SLEEP = "5"


def sqlmap_root(given: str, work: Path) -> Path:
    """The `data/xml` folder of sqlmap: `given` as a folder, or `pypi` to download it."""
    if given != "pypi":
        root = Path(given)
    else:
        root = work / f"sqlmap-{SQLMAP_VERSION}"
        if not root.exists():
            wheel_dir = work / "pypi"
            subprocess.run(
                [
                    *(sys.executable, "-m", "pip", "download", f"sqlmap=={SQLMAP_VERSION}"),
                    *("--no-deps", "--only-binary", ":all:", "-d", str(wheel_dir), "-q"),
                ],
                check=True,
            )
            wheel = next(wheel_dir.glob(f"sqlmap-{SQLMAP_VERSION}-*.whl"))
            subprocess.run(["unzip", "-q", "-o", str(wheel), "-d", str(root)], check=True)
    hits = sorted(root.rglob("data/xml/boundaries.xml"))
    if not hits:
        raise SystemExit(f"no data/xml/boundaries.xml under {root}")
    return hits[0].parent


def _ints(text: str | None) -> set[int]:
    return {int(x) for x in (text or "").split(",") if x.strip().isdigit()}


def _fill(text: str, rng: random.Random) -> str:
    def num() -> str:
        return str(rng.randint(1000, 9999))

    def word() -> str:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(4))

    for token, make in (
        ("[GENERIC_SQL_COMMENT]", lambda: "-- " + word()),
        ("[DELIMITER_START]", lambda: "q" + word()[:3] + "q"),
        ("[DELIMITER_STOP]", lambda: "q" + word()[:3] + "q"),
        ("[SLEEPTIME]", lambda: _SLEEP),
        ("[ORIGVALUE]", lambda: "1"),
        ("[ORIGINAL]", lambda: "1"),
        ("[SPACE_REPLACE]", lambda: " "),
        ("[HASH_REPLACE]", lambda: "#"),
        ("[DOLLAR_REPLACE]", lambda: "$"),
        ("[AT_REPLACE]", lambda: "@"),
        ("[INFERENCE]", lambda: f"{num()}={num()}"),
        ("[QUERY]", lambda: "SELECT 1"),
    ):
        while token in text:
            text = text.replace(token, make(), 1)
    for n in ("", "1", "2", "3", "4", "5"):
        while f"[RANDNUM{n}]" in text:
            text = text.replace(f"[RANDNUM{n}]", num(), 1)
        while f"[RANDSTR{n}]" in text:
            text = text.replace(f"[RANDSTR{n}]", word(), 1)
    return text


def _union(rng: random.Random, char: str) -> str:
    cols = rng.randint(2, 6)
    at = rng.randrange(cols)
    start, stop = "q" + "kxz"[rng.randrange(3)] + "vq", "qbjpq"
    concat = f"CONCAT(0x{start.encode().hex()},0x{b'abcd'.hex()},0x{stop.encode().hex()})"
    parts = [concat if i == at else char for i in range(cols)]
    return "UNION ALL SELECT " + ",".join(parts)


def sqlmap_payloads(xml_dir: Path, seed: int = 7, per_test: int = 12) -> list[str]:
    """Concrete values that sqlmap's tests inject, a bounded, seeded sample."""
    rng = random.Random(seed)
    boundaries = [
        (
            _ints(b.findtext("clause")),
            _ints(b.findtext("where")),
            b.findtext("prefix") or "",
            b.findtext("suffix") or "",
        )
        for b in ET.parse(xml_dir / "boundaries.xml").getroot().iter("boundary")
    ]
    values: list[str] = []
    for xml in sorted((xml_dir / "payloads").glob("*.xml")):
        for test in ET.parse(xml).getroot().iter("test"):
            clause, where = _ints(test.findtext("clause")), _ints(test.findtext("where"))
            request = test.find("request")
            if request is None:
                continue
            payload = request.findtext("payload") or ""
            comment = request.findtext("comment") or ""
            char = request.findtext("char")
            fit = [
                b
                for b in boundaries
                if (0 in clause or 0 in b[0] or clause & b[0]) and where & b[1]
            ]
            for _, b_where, prefix, suffix in rng.sample(fit, min(per_test, len(fit))):
                place = rng.choice(sorted(where & b_where))
                body = payload or _union(rng, "NULL" if char in (None, "[CHAR]") else char)
                orig = {1: "1", 2: f"-{rng.randint(1000, 9999)}", 3: ""}.get(place, "1")
                head = prefix if place != 3 else ""
                # sqlmap's agent: a space after the prefix but before a stacked `;` or
                # between two parentheses
                glued = body[:1] == ";" or (head[-1:] in ("(", ")") and body[:1] in "()")
                value = f"{orig}{head}{'' if glued else ' '}{body}{comment}".strip()
                if suffix and not comment:
                    value += f" {suffix}"
                values.append(_fill(value, rng))
    return list(dict.fromkeys(values))


_COMMIX_RENDER = r"""
import json, random, sys
sys.argv = ["commix"]
from src.utils import settings
from src.core.injections.results_based.techniques.classic import cb_payloads as cb
from src.core.injections.results_based.techniques.eval_based import eb_payloads as eb
from src.core.injections.blind.techniques.time_based import tb_payloads as tb
from src.core.injections.semiblind.techniques.file_based import fb_payloads as fb
from src.core.injections.semiblind.techniques.tempfile_based import tfb_payloads as tfb
rng = random.Random(int(sys.argv[-1]) if False else SEED)
out, unix_out = [], []
tag, txt, cmds = "xhrmq", "xhrmq.txt", {}
for os_ in (settings.OS.UNIX, settings.OS.WINDOWS):
    settings.TARGET_OS = os_
    unix = os_ == settings.OS.UNIX
    commands = (
        [settings.CURRENT_USER, settings.HOSTNAME, settings.SYS_USERS, settings.RECOGNISE_OS]
        if unix else [settings.WIN_CURRENT_USER, settings.WIN_HOSTNAME, settings.WIN_RECOGNISE_OS]
    )
    for alter in ("", "_alter_shell"):
        for sep in settings.SEPARATORS_LVL1:
            calls = [
                (cb, "decision", (sep, tag, 37, 52)), (eb, "decision", (sep, tag, 37, 52)),
                (tb, "decision", (sep, tag, 5, 1, "GET")), (fb, "decision", (sep, tag, txt)),
                (tfb, "decision", (sep, 1, tag, txt, 1, "GET")),
            ]
            for cmd in commands:
                calls += [
                    (cb, "cmd_execution", (sep, tag, cmd)), (eb, "cmd_execution", (sep, tag, cmd)),
                    (tb, "cmd_execution", (sep, cmd, 5, 1, "GET")),
                    (fb, "cmd_execution", (sep, cmd, txt)),
                    (tfb, "cmd_execution", (sep, cmd, 1, txt, 1, "GET")),
                ]
            for mod, name, args in calls:
                try:
                    value = getattr(mod, name + alter)(*args)
                except Exception:
                    continue
                if isinstance(value, str) and value.strip():
                    out.append(value)
                    if unix:
                        unix_out.append(value)
                    pre = rng.choice(settings.PREFIXES_LVL3)
                    suf = rng.choice(settings.SUFFIXES_LVL3)
                    out.append(pre + value + suf)
print("COMMIX-PAYLOADS " + json.dumps(out))
import importlib, pkgutil
settings.TARGET_OS = settings.OS.UNIX
tampered = []
for info in sorted(pkgutil.iter_modules(["src/core/tamper"]), key=lambda m: m.name):
    if info.name in ("__init__", "xforwardedfor"):
        continue
    for name in settings.TAMPER_SCRIPTS:  # one script at a time
        settings.TAMPER_SCRIPTS[name] = False
    try:
        module = importlib.import_module("src.core.tamper." + info.name)
    except BaseException:
        continue
    settings.TAMPER_SCRIPTS[info.name] = True
    rng.seed(SEED)
    for value in rng.sample(unix_out, min(25, len(unix_out))):
        settings.WHITESPACES = ["%20"]
        try:
            changed = module.tamper(value).replace(" ", settings.WHITESPACES[0])
        except BaseException:  # a script refusing a payload exits
            continue
        if changed != value.replace(" ", "%20") and len(changed) < 5000:
            tampered.append(changed)
print("COMMIX-TAMPERED " + json.dumps(tampered))
"""


def commix_payloads(root: Path, work: Path, seed: int = 7) -> tuple[list[str], list[str]]:
    """commix's payloads, rendered by its own code in a child process, and 25 of its Unix
    payloads (seeded) through each of its tamper scripts (`space2ifs`, `backticks`,
    `rev`...), its whitespace substitution applied, as they go on the wire."""
    tree = root
    if (root / "HEAD").exists() and not (root / "src").exists():  # a git directory
        tree = work / "commix"
        if not tree.exists():
            tree.mkdir(parents=True)
            archive = subprocess.run(
                ["git", "--git-dir", str(root), "archive", "HEAD", "src"],
                check=True,
                capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    script = _COMMIX_RENDER.replace("SEED", str(seed))
    raw, tampered = _child_values(script, tree, ("COMMIX-PAYLOADS ", "COMMIX-TAMPERED "))
    return list(dict.fromkeys(unquote(v.replace("%20", " ")) for v in raw)), list(
        dict.fromkeys(tampered)
    )


def _child_values(
    script: str, cwd: Path, markers: tuple[str, ...], given: str = ""
) -> list[list[str]]:
    """The JSON lists a tool's own code prints after each marker, run in a child process."""
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=cwd,
        input=given,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = run.stdout.splitlines()
    found: list[list[str]] = [
        json.loads(next(x for x in lines if x.startswith(m))[len(m) :]) for m in markers
    ]
    return found


_TAMPER_RENDER = r"""
import importlib, json, pkgutil, random, sys
sys.path.insert(0, ".")
from lib.core.data import kb
kb.keywords = set(open("data/txt/keywords.txt").read().upper().split())
kb.aliasName = "alias"
values = json.loads(sys.stdin.read())
out = []
for info in sorted(pkgutil.iter_modules(["tamper"]), key=lambda m: m.name):
    if info.name == "__init__":
        continue
    random.seed(SEED_VALUE)
    try:
        tamper = importlib.import_module("tamper." + info.name).tamper
    except Exception:
        continue
    for value in random.sample(values, min(PER_SCRIPT, len(values))):
        try:
            changed = tamper(value)
        except Exception:
            continue
        if isinstance(changed, str) and changed != value:
            out.append(changed)
print("SQLMAP-TAMPERED " + json.dumps(out))
"""


def sqlmap_tampered(xml_dir: Path, values: list[str], seed: int = 7, per: int = 25) -> list[str]:
    """sqlmap's values through each of its tamper scripts (a seeded sample of `per` a
    script), run by sqlmap's own code in a child process, as they go on the wire; a
    script that leaves a value as it was adds nothing."""
    script = _TAMPER_RENDER.replace("SEED_VALUE", str(seed)).replace("PER_SCRIPT", str(per))
    root = xml_dir.parent.parent
    return list(
        dict.fromkeys(_child_values(script, root, ("SQLMAP-TAMPERED ",), json.dumps(values))[0])
    )
