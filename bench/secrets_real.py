"""Precision, recall and F1 of the secrets analyzer on real repositories'
labelled credentials (the CredData development set), next to CredSweeper and
detect-secrets on the same files.

The corpus is `../shared/corpus/creddata-dev/creddata-dev.tar.gz` beside the
repository (`--corpus DIR` points elsewhere): 47 public repositories' files, every
credential-like line labelled T (credential), F (not) or X (unclear). It is
unpacked into a temporary folder for the run. Without it the script says so
and stops.

Scoring is CredData's (the `score.py` shipped with the corpus, re-implemented
here to split the figures): one unit per label row; a row is hit when a finding
stands on one of its lines; T rows hit are true positives, T rows missed false
negatives, F rows hit false positives (unless a T row shares the line);
findings on X rows or unlabelled lines are ignored. Per category: recall over
the T rows of that category, and the false positives on its F rows.

shieldwall runs in-process through the analyzer's detector, every file whole,
each match at its own line, with the shipped scorer ("tuned": fitted on this
set). The honest figure is the 5-fold cross-validation by repository: every
generic candidate is recorded with its features, the scorer is refitted on 4/5
of the repositories (`secrets_fit.py`, in the bench's own environment
bench/.peers/scorer-fit with numpy and scikit-learn) and applied to the 5th.
`--write-model` refits on every repository and writes the shipped model;
`--no-cv` skips the fitting.

Peers, each installed on first use into its own virtualenv under bench/.peers:
  credsweeper --path DIR --save-json OUT     (its model was trained on CredData:
                                              not a fair yardstick here)
  detect-secrets scan --all-files DIR

Run:  .venv/bin/python bench/secrets_real.py [--corpus DIR] [--no-peer] [--no-cv] [--write-model]
      [--misses N] [--category] [--why] [--dump FILE]
Prints figures only; the exit code is 0 whatever they are (2 without the corpus).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from peers import ensure_peer

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from shieldwall.analyzers.secrets.engine import Match  # noqa: E402
from shieldwall.analyzers.secrets.generic import rule_for  # noqa: E402
from shieldwall.analyzers.secrets.verdicts import Below, LineVerdicts, Verdict, Where  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "creddata-dev"
DETECT_SECRETS_VERSION = "1.5.0"
CREDSWEEPER_VERSION = "1.11.2"
FOLDS = 5
TARGET_F1, TARGET_P = 0.90, 0.90

Hits = dict[str, set[int]]  # path under the corpus root -> lines with a finding


@dataclass(frozen=True)
class Row:
    path: str
    start: int
    end: int
    truth: str  # T | F | X
    categories: tuple[str, ...]

    @property
    def repo(self) -> str:
        return self.path.split("/")[1]


def load_rows(root: Path) -> list[Row]:
    rows = []
    for meta in sorted((root / "meta").glob("*.csv")):
        with meta.open(newline="") as fh:
            for r in csv.DictReader(fh):
                rows.append(
                    Row(
                        r["FilePath"],
                        int(r["LineStart"]),
                        int(r["LineEnd"]),
                        r["GroundTruth"],
                        tuple(r["Category"].split(":")),
                    )
                )
    return rows


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def score(
    rows: Iterable[Row], hits: Hits, keep: Callable[[Row], bool] = lambda r: True
) -> tuple[Score, dict[str, Score], list[Row], list[Row]]:
    rows = [r for r in rows if keep(r)]
    t_lines: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        if r.truth == "T":
            t_lines[r.path].update(range(r.start, r.end + 1))
    total, by_cat = Score(), defaultdict(Score)
    misses, alarms = [], []
    for r in rows:
        lines = hits.get(r.path, set())
        hit = any(n in lines for n in range(r.start, r.end + 1))
        if r.truth == "T":
            if hit:
                total.tp += 1
            else:
                total.fn += 1
                misses.append(r)
            for c in r.categories:
                if hit:
                    by_cat[c].tp += 1
                else:
                    by_cat[c].fn += 1
        elif r.truth == "F" and hit:
            if any(n in t_lines[r.path] for n in range(r.start, r.end + 1)):
                continue  # ambiguous at line granularity: ignored, as score.py does
            total.fp += 1
            alarms.append(r)
            for c in r.categories:
                by_cat[c].fp += 1
    return total, by_cat, misses, alarms


# ---- shieldwall ---------------------------------------------------------------
GENERIC_RULES = ("SECRET-GENERIC-PASSWORD", "SECRET-GENERIC-TOKEN", "SECRET-GENERIC-UUID")
FIT_PYTHON = REPO / "bench" / ".peers" / "scorer-fit" / "bin" / "python"
SHIPPED_MODEL = REPO / "src" / "shieldwall" / "analyzers" / "secrets" / "scorer.json"


def shieldwall_hits(root: Path, files: list[Path], decider: object = "shipped") -> Hits:
    from shieldwall.analyzers.secrets.engine import Detector

    detector = Detector(decider=decider)  # type: ignore[arg-type]
    hits: Hits = defaultdict(set)
    for path in files:
        rel = path.relative_to(root).as_posix()
        for m in detector.scan(path.read_bytes(), rel):
            hits[rel].add(m.line)
    return hits


def dump_lines(root: Path, files: list[Path]) -> list[str]:
    """Every finding of the shipped analyzer, one tab-separated line each: rule, path,
    line, end line, severity, the first 16 hex digits of the value's SHA-256, detail.
    Two source trees' dumps are equal when they report the same."""
    from shieldwall.analyzers.secrets.engine import Detector

    detector = Detector()
    out = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        for m in detector.scan(path.read_bytes(), rel):
            digest = hashlib.sha256(m.secret.encode("utf-8")).hexdigest()[:16]
            severity = m.severity.name if m.severity else "-"
            out.append(
                f"{m.rule_id}\t{rel}\t{m.line}\t{m.end_line}\t{severity}\t{digest}\t{m.detail}\n"
            )
    return out


class _Recorder:
    """Keeps every candidate and records its features (bench only)."""

    threshold = veto = 0.0

    def __init__(self) -> None:
        self.rows: list[list[float]] = []

    def probability(self, x: Sequence[float]) -> float:
        self.rows.append(list(x))
        return 1.0


Kept = tuple[str, str, list[float] | None]  # rule, value, features (None: kept by the rules)


class _KeptVerdicts(LineVerdicts):
    """The generic detector's line verdicts, noting each kept one in order with the
    features the decider was shown for it (None when the rules kept it alone)."""

    def __init__(self, recorder: _Recorder) -> None:
        super().__init__(recorder, remember=False)
        self.recorder = recorder
        self.kept: list[Kept] = []

    def of(
        self, line: str, where: Where, following: Below, provided: set[str]
    ) -> tuple[Verdict, ...]:
        asked = len(self.recorder.rows)
        found = super().of(line, where, following, provided)
        rows = iter(self.recorder.rows[asked:])
        for v in found:
            x = next(rows) if v.probability is not None else None
            if v.keep:
                rule = rule_for(v.hit.kind, v.hit.value).id
                self.kept.append((rule, v.hit.value, x))
        if next(rows, None) is not None:
            raise AssertionError("the decider was asked about a candidate no verdict gives")
        return found


def pair(found: list[Match], kept: list[Kept]) -> tuple[set[int], list[tuple[int, list[float]]]]:
    """The lines of the findings the rules keep whatever the scorer says, and each
    candidate the decider was asked about at its line: the findings of the line
    verdicts (generic rule, detail `key ...`) come in the order of their verdicts,
    less a verdict dropped as a duplicate of an earlier finding (a long line read
    in overlapping windows), which stands on that finding's line."""
    fixed: set[int] = set()
    cands: list[tuple[int, list[float]]] = []
    last: dict[tuple[str, str], int] = {}
    queue = deque(kept)

    def take(line: int, x: list[float] | None) -> None:
        if x is None:
            fixed.add(line)
        else:
            cands.append((line, x))

    for m in found:
        ident = (m.rule_id, m.secret)
        if m.rule_id in GENERIC_RULES and m.detail.startswith("key "):
            while queue and queue[0][:2] != ident:
                rule, value, x = queue.popleft()
                take(last[(rule, value)], x)
            if not queue:
                raise AssertionError(f"a finding no verdict kept: {m.rule_id} line {m.line}")
            take(m.line, queue.popleft()[2])
        else:
            fixed.add(m.line)
        last[ident] = m.line
    for rule, value, x in queue:
        take(last[(rule, value)], x)
    return fixed, cands


@dataclass(frozen=True)
class Candidate:
    path: str
    line: int
    label: int | None  # 1 on a T row, 0 on an F row, None elsewhere
    x: list[float]


def record(root: Path, files: list[Path], rows: list[Row]) -> tuple[Hits, list[Candidate]]:
    """Every candidate the generic detector asks its decider about, with its
    features and label, and the lines of the findings kept whatever the scorer
    says (other rules, the generic detector's rules alone)."""
    from shieldwall.analyzers.secrets.engine import Detector

    truth: dict[tuple[str, int], set[str]] = defaultdict(set)
    for r in rows:
        for n in range(r.start, r.end + 1):
            truth[(r.path, n)].add(r.truth)
    recorder = _Recorder()
    verdicts = _KeptVerdicts(recorder)
    detector = Detector(decider=recorder, remember=False)
    detector._verdicts = verdicts  # the same decider, its verdicts noted
    fixed: Hits = defaultdict(set)
    cands: list[Candidate] = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        recorder.rows.clear()
        verdicts.kept.clear()
        lines, asked = pair(detector.scan(path.read_bytes(), rel), verdicts.kept)
        fixed[rel].update(lines)
        for line, x in asked:
            marks = truth.get((rel, line), set())
            label = 1 if "T" in marks else 0 if "F" in marks else None
            cands.append(Candidate(rel, line, label, x))
    return fixed, cands


def fit(data: Path, out: Path, repos: set[str] | None) -> None:
    cmd = [str(FIT_PYTHON), str(REPO / "bench" / "secrets_fit.py"), "--data", str(data)]
    if repos is not None:
        keep = out.with_suffix(".repos")
        keep.write_text("\n".join(sorted(repos)))
        cmd += ["--train-repos", str(keep)]
    subprocess.run([*cmd, "--out", str(out)], check=True)


@dataclass(frozen=True)
class Decided:
    """The cross-validation's candidates and the indices of those its fold models kept."""

    candidates: list[Candidate]
    kept: frozenset[int]


def cross_validated(
    root: Path, files: list[Path], rows: list[Row], write_model: bool
) -> tuple[Hits, Decided] | None:
    """Hits with the scorer refitted on 4/5 of the repositories, for the 5th."""
    from shieldwall.analyzers.secrets.scorer import FEATURES, Scorer

    if not FIT_PYTHON.exists():
        print(
            "no fitting environment (bench/.peers/scorer-fit with numpy and scikit-learn): "
            "cross-validation skipped",
            file=sys.stderr,
        )
        return None
    fixed, cands = record(root, files, rows)
    labelled = [c for c in cands if c.label is not None]
    print(
        f"generic candidates: {len(cands)}, on labelled lines {len(labelled)} "
        f"({sum(c.label == 1 for c in labelled)} T)"
    )
    repos = sorted({r.repo for r in rows})
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.json"
        data.write_text(
            json.dumps(
                {
                    "features": list(FEATURES),
                    "rows": [[c.path.split("/")[1], c.label, *c.x] for c in labelled],
                }
            )
        )
        hits: Hits = defaultdict(set)
        for path, lines in fixed.items():
            hits[path].update(lines)
        kept: set[int] = set()
        for fold in range(FOLDS):
            held = {repo for i, repo in enumerate(repos) if i % FOLDS == fold}
            out = Path(tmp) / f"fold{fold}.json"
            fit(data, out, set(repos) - held)
            model = Scorer.from_json(json.loads(out.read_text()))
            for i, c in enumerate(cands):
                if c.path.split("/")[1] in held and model.keep(c.x):
                    hits[c.path].add(c.line)
                    kept.add(i)
        if write_model:
            fit(data, SHIPPED_MODEL, None)
            print(f"model fitted on every repository written to {SHIPPED_MODEL.relative_to(REPO)}")
    return hits, Decided(cands, frozenset(kept))


# ---- why the misses are missed ---------------------------------------------------
_UUID = re.compile(
    r"(?i)(?<![0-9a-z])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-z])"
)


def _why(row: Row, at: dict[tuple[str, int], list[tuple[Candidate, bool]]]) -> str:
    """No candidate reached the decider on the row's lines, or the fold model dropped
    the candidates there (with the first rule that rejected one, or a veto)."""
    from shieldwall.analyzers.secrets.scorer import FEATURES

    found = [c for n in range(row.start, row.end + 1) for c, _ in at.get((row.path, n), [])]
    if not found:
        return "no candidate"
    reasons = sorted(
        name.removeprefix("reason:")
        for c in found
        for name, v in zip(FEATURES, c.x, strict=True)
        if name.startswith("reason:") and v
    )
    return f"dropped by the scorer: {reasons[0]}" if reasons else "vetoed by the scorer"


def print_why(root: Path, rows: list[Row], hits: Hits, decided: Decided) -> None:
    """The cross-validation's misses by reason, category and file type, and what
    reporting every line holding a random UUID would give."""
    at: dict[tuple[str, int], list[tuple[Candidate, bool]]] = defaultdict(list)
    for i, c in enumerate(decided.candidates):
        at[(c.path, c.line)].append((c, i in decided.kept))
    _, _, misses, _ = score(rows, hits)
    why = {id(r): _why(r, at) for r in misses}
    uuid_only = [r for r in misses if r.categories == ("UUID",)]
    print(f"\nmisses of the cross-validation: {len(misses)} ({len(uuid_only)} UUID-only rows)")
    for title, group in (
        ("UUID-only rows", uuid_only),
        ("other rows", [r for r in misses if r.categories != ("UUID",)]),
    ):
        print(f"\n{title}: {len(group)}")
        for reason, n in Counter(why[id(r)] for r in group).most_common():
            print(f"  {n:5d}  {reason}")
        for label, part in (("category", lambda r: ":".join(r.categories)), ("file type", _ext)):
            counted = Counter((part(r), why[id(r)].split(":")[0]) for r in group)
            print(f"  by {label} (top 12):")
            for (name, reason), n in counted.most_common(12):
                print(f"  {n:5d}  {name:28s} {reason}")
    with_uuids: Hits = defaultdict(set)
    for path, lines in hits.items():
        with_uuids[path].update(lines)
    for path in sorted((root / "data").rglob("*")):
        if path.is_file():
            rel = path.relative_to(root).as_posix()
            text = path.read_text("utf-8", "replace").split("\n")
            for n, line_text in enumerate(text, 1):
                if any(
                    len(set(m.group().replace("-", "").lower())) >= 8
                    for m in _UUID.finditer(line_text)
                ):
                    with_uuids[rel].add(n)
    total = score(rows, with_uuids)[0]
    p, r, f = total.prf()
    print(
        "\nwhat-if (not the analyzer): the CV hits plus every line holding a random UUID "
        f"(8+ distinct hex digits): P {p:.3f} R {r:.3f} F1 {f:.3f} "
        f"(TP {total.tp}, FP {total.fp}, FN {total.fn})"
    )


def _ext(row: Row) -> str:
    name = row.path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else "(none)"


# ---- peers --------------------------------------------------------------------
def detect_secrets_hits(root: Path, folder: str = "data") -> Hits | None:
    exe = ensure_peer("detect-secrets", DETECT_SECRETS_VERSION)
    if exe is None:
        return None
    done = subprocess.run(
        [str(exe), "scan", "--all-files", folder], cwd=root, capture_output=True, text=True
    )
    if done.returncode != 0:
        print("detect-secrets failed:", done.stderr.strip()[-300:], file=sys.stderr)
        return None
    hits: Hits = defaultdict(set)
    for path, found in json.loads(done.stdout)["results"].items():
        for f in found:
            hits[path.removeprefix("./")].add(int(f["line_number"]))
    return hits


def credsweeper_hits(root: Path, folder: str = "data") -> Hits | None:
    exe = ensure_peer("credsweeper", CREDSWEEPER_VERSION)
    if exe is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        done = subprocess.run(
            [str(exe), "--path", folder, "--save-json", str(out)],
            cwd=root,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not out.exists():
            print("credsweeper failed:", done.stderr.strip()[-300:], file=sys.stderr)
            return None
        found = json.loads(out.read_text())
    hits: Hits = defaultdict(set)
    for cred in found:
        for ld in cred.get("line_data_list", []):
            path = Path(ld["path"])
            rel = (path if not path.is_absolute() else path.relative_to(root)).as_posix()
            hits[rel.removeprefix("./")].add(int(ld["line_num"]))
    return hits


# ---- output -------------------------------------------------------------------
def line(name: str, s: Score, seconds: float | None) -> str:
    p, r, f = s.prf()
    took = f"{seconds:7.1f}" if seconds is not None else "      -"
    return f"{name:34s} {p:6.3f} {r:6.3f} {f:6.3f} {s.tp:6d} {s.fp:6d} {s.fn:6d} {took}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--rules-only", action="store_true", help="also the rules without scorer")
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument(
        "--write-model", action="store_true", help="refit the shipped scorer on every repository"
    )
    ap.add_argument("--category", action="store_true", help="per-category table")
    ap.add_argument("--misses", type=int, default=0, help="print N misses and N false alarms")
    ap.add_argument(
        "--why", action="store_true", help="the CV's misses by reason, category and file type"
    )
    ap.add_argument("--hits-json", type=Path, help="write shieldwall's findings for score.py")
    ap.add_argument(
        "--dump",
        type=Path,
        help="write every finding (rule, path, lines, severity, value's hash) to compare trees",
    )
    a = ap.parse_args()
    packed = a.corpus / "creddata-dev.tar.gz"
    if not packed.exists():
        print(f"corpus not found: {packed} (the CredData development set); nothing measured")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(packed) as tar:
            tar.extractall(tmp, filter="data")
        root = Path(tmp) / "creddata-dev"
        rows = load_rows(root)
        files = sorted(p for p in (root / "data").rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in files)
        counts = Counter(r.truth for r in rows)
        print(
            f"{len(files)} files ({size / 1e6:.1f} MB) in {len({r.repo for r in rows})} "
            f"repositories; label rows: {counts['T']} T, {counts['F']} F, {counts['X']} X"
        )
        results: dict[str, tuple[Hits, float | None]] = {}
        cv: Hits | None = None
        decided: Decided | None = None
        if not a.no_cv:  # first: --write-model refits the model the next line scans with
            start = time.perf_counter()
            fitted = cross_validated(root, files, rows, a.write_model)
            if fitted is not None:
                cv, decided = fitted
            cv_seconds = time.perf_counter() - start
        start = time.perf_counter()
        results["shieldwall (shipped model: tuned)"] = (
            shieldwall_hits(root, files),
            time.perf_counter() - start,
        )
        if a.rules_only:
            start = time.perf_counter()
            results["shieldwall rules without scorer"] = (
                shieldwall_hits(root, files, None),
                time.perf_counter() - start,
            )
        if cv is not None:
            results["shieldwall (5-fold CV by repo)"] = (cv, cv_seconds)
        if not a.no_peer:
            for name, run in (
                ("credsweeper (trained on CredData)", credsweeper_hits),
                ("detect-secrets", detect_secrets_hits),
            ):
                start = time.perf_counter()
                found = run(root)
                if found is not None:
                    results[name] = (found, time.perf_counter() - start)
        if a.dump:
            a.dump.write_text("".join(dump_lines(root, files)))
        if a.hits_json:
            first = next(iter(results.values()))[0]
            a.hits_json.write_text(
                json.dumps([{"path": p, "line": n} for p, ls in first.items() for n in sorted(ls)])
            )
        cols = " ".join(f"{c:>6s}" for c in ("P", "R", "F1", "TP", "FP", "FN"))
        print(f"\n{'tool':34s} {cols} {'time s':>7s}")
        scored = {}
        for name, (found, seconds) in results.items():
            scored[name] = score(rows, found)
            print(line(name, scored[name][0], seconds))
        # CredData labels every random-looking UUID a credential (postman ids, GUIDs in
        # code, rows of SQL); a scanner that reports them is noise on ordinary code.
        # The same figures without the rows whose only category is UUID:
        uuid_only = sum(1 for r in rows if r.categories == ("UUID",))
        print(f"\nwithout the {uuid_only} rows labelled only UUID:")
        for name, (found, _) in results.items():
            print(line(name, score(rows, found, lambda r: r.categories != ("UUID",))[0], None))
        honest = next((n for n in scored if "CV" in n), next(iter(scored)))
        p, _, f = scored[honest][0].prf()
        verdict = "met" if f >= TARGET_F1 and p >= TARGET_P else "NOT met"
        print(f"\ntarget F1 >= {TARGET_F1} with P >= {TARGET_P} ({honest}): {verdict}")
        if a.category:
            names = list(scored)
            cats = Counter(c for r in rows if r.truth == "T" for c in r.categories)
            print(
                "\nrecall per category (T rows) and false alarms on its F rows; tools: "
                + ", ".join(f"[{i}] {n}" for i, n in enumerate(names))
            )
            head = " ".join(f"{'R' + str(i):>6s} {'FP' + str(i):>5s}" for i in range(len(names)))
            print(f"{'category':32s} {'T':>5s} {head}")
            for cat, n in cats.most_common():
                cells = []
                for name in names:
                    s = scored[name][1].get(cat, Score())
                    cells.append(f"{s.prf()[1]:6.3f} {s.fp:5d}")
                print(f"{cat:32s} {n:5d} " + " ".join(cells))
        if a.why and cv is not None and decided is not None:
            print_why(root, rows, cv, decided)
        if a.misses:
            found = results[honest][0]
            _, _, misses, alarms = score(rows, found, lambda r: r.categories != ("UUID",))
            for title, listed in (("missed", misses), ("false alarms", alarms)):
                print(f"\n{title} ({honest}, without UUID-only rows):")
                for r in listed[: a.misses]:
                    text = (root / r.path).read_text("utf-8", "replace").split("\n")[r.start - 1]
                    print(f"  {r.path}:{r.start} {':'.join(r.categories)} | {text.strip()[:120]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
