"""--history: real git repositories built with git in tmp_path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.secrets import SecretsAnalyzer
from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.model import Settings
from shieldwall.sources.tree import exclusion, walk
from tests.analyzers.secrets.samples import github_token
from tests.gitrepo import git
from tests.reports import load_report

pytestmark = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
    reason="git not installed",
)


def commit(root: Path, files: dict[str, str | None], message: str) -> str:
    for rel, text in files.items():
        path = root / rel
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    return tmp_path


def scan(root: Path, **kw: object):
    return SecretsAnalyzer().analyze(ScanTarget(walk(root), Settings(history=True, **kw)))  # type: ignore[arg-type]


def test_deleted_secret_is_still_reported_with_commit_author_date(repo: Path) -> None:
    token = github_token(seed=21)
    commit(repo, {"README.md": "hello\n"}, "init")
    sha = commit(repo, {"app/config.py": f'# config\nTOKEN = "{token}"\n'}, "add config")
    commit(repo, {"app/config.py": "# config\nTOKEN = os.environ['TOKEN']\n"}, "remove secret")
    out = scan(repo)
    [finding] = out.findings
    assert finding.rule.id == "SECRET-GITHUB-PAT"
    assert finding.location.path == "app/config.py" and finding.location.start_line == 2
    assert sha[:12] in finding.message and "Dev One <dev@example.test>" in finding.message
    assert token not in finding.message
    assert SecretsAnalyzer().analyze(ScanTarget(walk(repo), Settings())).findings == ()


def test_secret_in_tree_and_history_is_reported_once(repo: Path) -> None:
    token = github_token(seed=22)
    commit(repo, {"a.py": f'T = "{token}"\n'}, "add")
    commit(repo, {"b.txt": "more\n"}, "more")
    history = scan(repo).findings
    tree = SecretsAnalyzer().analyze(ScanTarget(walk(repo), Settings())).findings
    assert len(history) == 1 and len(tree) == 1
    assert history[0].fingerprint == tree[0].fingerprint
    assert "also in the git history since commit" in history[0].message


def test_oldest_commit_is_the_one_reported(repo: Path) -> None:
    token = github_token(seed=23)
    first = commit(repo, {"old.py": f'T = "{token}"\n'}, "first")
    commit(repo, {"old.py": None, "new.py": f'X = 1\nT = "{token}"\n'}, "second")
    commit(repo, {"new.py": "X = 1\n"}, "third")
    [finding] = scan(repo).findings
    assert first[:12] in finding.message and finding.location.path == "old.py"


def test_since_limits_to_later_commits(repo: Path) -> None:
    base = commit(repo, {"a.py": f'T = "{github_token(seed=24)}"\n'}, "old leak")
    commit(repo, {"a.py": "T = None\n"}, "fix")
    commit(repo, {"b.py": f'U = "{github_token(seed=25)}"\n'}, "new leak")
    assert len(scan(repo).findings) == 2
    [finding] = scan(repo, since=base).findings
    assert finding.location.path == "b.py"


def test_unknown_since_ref_and_no_repo_are_skipped_with_reason(
    repo: Path, tmp_path_factory
) -> None:
    commit(repo, {"a.txt": "x\n"}, "init")
    out = scan(repo, since="no-such-ref")
    assert any("no such commit" in s.reason for s in out.skipped)
    plain = tmp_path_factory.mktemp("plain")
    (plain / "f.txt").write_text("x\n")
    out = scan(plain)
    assert any("not inside a git repository" in s.reason for s in out.skipped)


def test_excludes_apply_to_history_paths(repo: Path) -> None:
    kept, dropped = github_token(seed=26), github_token(seed=27)
    commit(repo, {"fixtures/bad.py": f'T = "{dropped}"\n', "app/a.py": f'T = "{kept}"\n'}, "add")
    commit(repo, {"fixtures/bad.py": None, "app/a.py": "T = None\n"}, "clean")
    out = SecretsAnalyzer().analyze(
        ScanTarget(walk(repo, excludes=["fixtures/"]), Settings(history=True))
    )
    assert [f.location.path for f in out.findings] == ["app/a.py"]
    assert len(scan(repo).findings) == 2  # without the exclude both are found


def test_project_config_excludes_reach_history(repo: Path) -> None:
    commit(repo, {".shieldwall.yaml": "exclude:\n  - legacy/\n"}, "config")
    commit(repo, {"legacy/old/k.py": f'T = "{github_token(seed=28)}"\n'}, "leak")
    commit(repo, {"legacy/old/k.py": None}, "drop")
    result = run_scan(repo, ScanOptions(analyzers="secrets", history=True)).result
    assert result.findings == ()


def test_exclusion_matches_what_walk_leaves_out() -> None:
    excluded = exclusion(["tests/fixtures/", "*.min.js", "/build"])
    assert excluded("tests/fixtures/a/b.py") and excluded("web/app.min.js")
    assert excluded("build/x.txt") and excluded("node_modules/p/index.js")
    assert not excluded("src/build/x.txt") and not excluded("tests/test_a.py")
    assert not exclusion(())("src/app.py")


def sw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shieldwall", *args], capture_output=True, text=True, timeout=60
    )


def test_bad_since_ref_is_a_usage_error(repo: Path) -> None:
    commit(repo, {"a.txt": "x\n"}, "init")
    bad = sw("scan", str(repo), "--analyzers", "secrets", "--history", "--since", "no-such-ref")
    assert bad.returncode == 2
    assert "no-such-ref" in bad.stderr and "fetch" in bad.stderr
    assert "Traceback" not in bad.stderr
    good = sw(
        "scan",
        str(repo),
        "--analyzers",
        "secrets",
        "--history",
        "--since",
        "HEAD",
        "--format",
        "json",
    )
    assert good.returncode == 0, good.stderr
    assert load_report(good.stdout)["gate"]["failed"] is False


NAMES = {
    "quote": 'say "hi".py',
    "backslash": "back\\slash.py",
    "tab": "tab\there.py",
    "newline": "new\nline.py",
    "unicode": "configuración/ключ.py",
    "space": "with space.py",
    "header-lookalike": "x b/y.py",
}


@pytest.mark.parametrize("kind", NAMES)
def test_secret_in_a_name_git_quotes_is_found_under_that_name(repo: Path, kind: str) -> None:
    name = NAMES[kind]
    token = github_token(seed=40 + list(NAMES).index(kind))
    commit(repo, {"README.md": "hello\n"}, "init")
    sha = commit(repo, {name: f'# first\nT = "{token}"\n'}, "leak")
    commit(repo, {name: None}, "drop")
    out = scan(repo)
    [finding] = out.findings
    assert finding.location.path == name and finding.location.start_line == 2
    assert sha[:12] in finding.message
    assert out.skipped == ()


def test_secret_past_six_megabytes_of_one_added_file_is_found(repo: Path) -> None:
    token = github_token(seed=50)
    filler = "".join(
        f"row {i:07d} of generated data, nothing secret in it\n" for i in range(130_000)
    )
    assert len(filler) > 6 * 1024 * 1024
    commit(repo, {"data/big.txt": filler + f'T = "{token}"\n'}, "big")
    commit(repo, {"data/big.txt": None}, "drop")
    out = scan(repo)
    [finding] = out.findings
    assert finding.location.path == "data/big.txt"
    assert finding.location.start_line == 130_001
    assert out.skipped == ()


def test_secret_at_the_end_of_one_very_long_line_is_found(repo: Path) -> None:
    token = github_token(seed=51)
    commit(repo, {"min.js": "var a=1;\n" + "x=1;" * 100_000 + f'T="{token}";\n'}, "minified")
    commit(repo, {"min.js": None}, "drop")
    [finding] = scan(repo).findings
    assert finding.location.path == "min.js" and finding.location.start_line == 2


def test_binary_additions_are_reported_and_attributes_cannot_hide_text(repo: Path) -> None:
    token = github_token(seed=53)
    commit(repo, {".gitattributes": "*.py binary\n*.cfg -diff\n"}, "attributes")
    sha = commit(repo, {"a.py": f'T = "{token}"\n'}, "leak")
    commit(repo, {"a.py": None}, "drop")
    (repo / "blob.bin").write_bytes(b"\x00\x01" + f'T = "{github_token(seed=54)}"'.encode())
    binary = commit(repo, {}, "binary")
    out = scan(repo)
    [finding] = out.findings
    assert finding.location.path == "a.py" and sha[:12] in finding.message
    [skip] = [s for s in out.skipped if "git history" in s.reason]
    assert skip.path == "blob.bin" and binary[:12] in skip.reason and "binary" in skip.reason


def test_renamed_out_of_an_excluded_directory_is_scanned(repo: Path) -> None:
    token = github_token(seed=55)
    commit(repo, {"fixtures/k.py": f'T = "{token}"\n'}, "fixture")
    moved = commit(repo, {"fixtures/k.py": None, "app/k.py": f'T = "{token}"\n'}, "move")
    commit(repo, {"app/k.py": None}, "drop")
    out = SecretsAnalyzer().analyze(
        ScanTarget(walk(repo, excludes=["fixtures/"]), Settings(history=True))
    )
    [finding] = out.findings
    assert finding.location.path == "app/k.py" and moved[:12] in finding.message


def test_line_a_merge_adds_itself_is_found_at_the_merge(repo: Path) -> None:
    token = github_token(seed=56)
    commit(repo, {"f.py": "a = 1\nb = 2\nc = 3\n", 'q "t.py': "x = 1\n"}, "init")
    git(repo, "checkout", "-q", "-b", "side")
    commit(repo, {"f.py": "a = 1\nb = 2\nc = 3\nside = 1\n"}, "side")
    git(repo, "checkout", "-q", "main")
    commit(repo, {"f.py": "main = 1\na = 1\nb = 2\nc = 3\n"}, "main")
    git(repo, "merge", "-q", "--no-commit", "side")
    merge = commit(
        repo,
        {
            "f.py": f'main = 1\na = 1\nT = "{token}"\nb = 2\nc = 3\nside = 1\n',
            'q "t.py': f'x = 1\nU = "{github_token(seed=57)}"\n',
        },
        "merge",
    )
    commit(repo, {"f.py": "a = 1\n", 'q "t.py': None}, "clean")
    found = {f.location.path: f for f in scan(repo).findings}
    assert set(found) == {"f.py", 'q "t.py'}
    assert found["f.py"].location.start_line == 3 and merge[:12] in found["f.py"].message
    assert found['q "t.py'].location.start_line == 2
