"""A scanned repository's git configuration cannot make `scan --history` run a
program: each known vector is set in a real repository to a script that would
leave a marker file, and the CLI must both leave no marker and still find the
secret the history holds (so git did run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shieldwall.sources.git import git_command
from tests.analyzers.secrets.samples import github_token
from tests.analyzers.secrets.test_history import commit, git

pytestmark = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
    reason="git not installed",
)
HOOKS = (
    "pre-commit",
    "post-checkout",
    "post-commit",
    "post-merge",
    "post-rewrite",
    "pre-auto-gc",
    "reference-transaction",
    "fsmonitor-watchman",
    "post-index-change",
)


def _signed_head(repo: Path) -> None:
    """A commit with a (fake) signature on top, so that a signature check would run."""
    tree = git(repo, "rev-parse", "HEAD^{tree}")
    parent = git(repo, "rev-parse", "HEAD")
    body = repo.parent / "signed-commit"
    body.write_text(
        f"tree {tree}\nparent {parent}\nauthor Dev One <dev@example.test> 1700000000 +0000\n"
        "committer Dev One <dev@example.test> 1700000000 +0000\n"
        "gpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n -----END PGP SIGNATURE-----\n\nsigned\n"
    )
    signed = git(repo, "hash-object", "-t", "commit", "-w", str(body))
    git(repo, "update-ref", "refs/heads/main", signed)


class Hostile:
    def __init__(self, tmp_path: Path) -> None:
        self.repo = tmp_path / "repo"
        self.repo.mkdir()
        self.markers = tmp_path / "markers"
        self.markers.mkdir()
        self.tools = tmp_path / "tools"
        self.tools.mkdir()
        self.token = github_token(seed=91)
        git(self.repo, "init", "-q", "-b", "main")
        self.base = commit(self.repo, {"README.md": "hello\n"}, "init")
        commit(
            self.repo,
            {".gitattributes": "* diff=x filter=x\n", "app/config.py": f'T = "{self.token}"\n'},
            "leak",
        )
        commit(self.repo, {"app/config.py": "T = None\n"}, "fix")
        _signed_head(self.repo)

    def script(self, name: str) -> str:
        """A program that leaves markers/<name> (and passes its input through)."""
        path = self.tools / name
        path.write_text(f'#!/bin/sh\ntouch "{self.markers / name}"\ncat\n')
        path.chmod(0o755)
        return str(path)

    def configure(self, settings: dict[str, str], target: Path | None = None) -> None:
        for key, value in settings.items():
            args = ["config"] if target is None else ["config", "--file", str(target)]
            git(self.repo, *args, key, value)

    def scan(self, *args: str, env: dict[str, str] | None = None) -> dict:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "shieldwall",
                "scan",
                str(self.repo),
                "--analyzers",
                "secrets",
                "--format",
                "json",
                "--fail-on",
                "none",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def check(self, env: dict[str, str] | None = None) -> None:
        for args in (["--history"], ["--history", "--since", self.base]):
            report = self.scan(*args, env=env)
            assert sorted(p.name for p in self.markers.iterdir()) == []
            [finding] = report["findings"]
            assert finding["rule"] == "SECRET-GITHUB-PAT"
            assert finding["location"]["path"] == "app/config.py"
            assert "still in the git history" in finding["message"]
            assert not any("git history" in s["path"] for s in report["skipped"])


def _vectors(h: Hostile) -> dict[str, dict[str, str]]:
    hooks = h.tools / "hooks"
    hooks.mkdir(exist_ok=True)
    for name in HOOKS:
        (hooks / name).write_text(f'#!/bin/sh\ntouch "{h.markers / ("hook-" + name)}"\n')
        (hooks / name).chmod(0o755)
    return {
        "signature": {"log.showSignature": "true", "gpg.program": h.script("gpg")},
        "fsmonitor": {"core.fsmonitor": h.script("fsmonitor")},
        "pager": {"core.pager": h.script("pager"), "pager.log": h.script("pager-log")},
        "external-diff": {"diff.external": h.script("external-diff")},
        "textconv": {"diff.x.textconv": h.script("textconv"), "diff.x.binary": "false"},
        "hooks": {"core.hooksPath": str(hooks)},
        "filters": {
            "filter.x.clean": h.script("clean"),
            "filter.x.smudge": h.script("smudge"),
            "filter.x.process": h.script("process"),
        },
        "alternate-refs": {"core.alternateRefsCommand": h.script("alternate-refs")},
    }


VECTORS = (
    "signature",
    "fsmonitor",
    "pager",
    "external-diff",
    "textconv",
    "hooks",
    "filters",
    "alternate-refs",
)


@pytest.mark.parametrize("vector", VECTORS)
def test_repository_config_runs_no_program(tmp_path: Path, vector: str) -> None:
    h = Hostile(tmp_path)
    h.configure(_vectors(h)[vector])
    h.check()


def test_included_config_runs_no_program(tmp_path: Path) -> None:
    h = Hostile(tmp_path)
    included = tmp_path / "included.cfg"
    for settings in _vectors(h).values():
        h.configure(settings, target=included)
    h.configure({"include.path": str(included), "includeIf.gitdir:/.path": str(included)})
    assert git(h.repo, "config", "gpg.program") == h.script("gpg")  # git does read it
    h.check()


def test_environment_cannot_point_git_at_a_program_or_another_repository(
    tmp_path: Path,
) -> None:
    h = Hostile(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q", "-b", "main")
    commit(other, {"x.txt": "nothing here\n"}, "other")
    env = {
        **os.environ,
        "GIT_EXTERNAL_DIFF": h.script("env-external-diff"),
        "GIT_PAGER": h.script("env-pager"),
        "GIT_DIR": str(other / ".git"),
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "diff.x.textconv",
        "GIT_CONFIG_VALUE_0": h.script("env-textconv"),
    }
    h.check(env)


def test_only_read_only_commands_run_and_diffs_have_no_drivers() -> None:
    for command in ("status", "diff", "checkout", "show", "cat-file", "fetch", "gc", "hash-object"):
        with pytest.raises(ValueError, match="not a command"):
            git_command(Path("."), command)
    for modified in ("-m", "--modified", "-zm", "--modi", "--m"):
        with pytest.raises(ValueError, match="not a command"):
            git_command(Path("."), "-c", "safe.directory=*", "ls-files", modified)
    blob = "0123456789abcdef0123456789abcdef01234567"
    for shown in (
        ("--filters", blob),
        ("--textconv", blob),
        ("--batch", "--filters"),
        ("--batch", "--text"),  # an abbreviation of --textconv
        ("-p", blob),
        ("blob", "HEAD:a.txt"),
        ("--batch=%(objectname)",),
    ):
        with pytest.raises(ValueError, match="not a command"):
            git_command(Path("."), "cat-file", *shown)
    assert git_command(Path("."), "cat-file", "blob", blob)[-3:] == ["cat-file", "blob", blob]
    assert git_command(Path("."), "cat-file", "--batch")[-2:] == ["cat-file", "--batch"]
    assert git_command(Path("."), "merge-base", blob, "HEAD")[-3:] == ["merge-base", blob, "HEAD"]
    listing = git_command(Path("."), "-c", "safe.directory=*", "ls-files", "-z")
    assert listing[-4:] == ["-c", "safe.directory=*", "ls-files", "-z"]
    cmd = git_command(Path("."), "log", "-p")
    log = cmd.index("log")
    assert cmd[log + 1 : log + 4] == ["--no-textconv", "--no-ext-diff", "--no-show-signature"]
    assert cmd[-1] == "-p" and "--no-pager" in cmd[:log]


def test_repository_config_cannot_hide_history(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    token = github_token(seed=92)
    leak = commit(repo, {'say "x".py': f'\n\nT = "{token}"\n', "a.txt": "a\n"}, "root leak")
    decoy = commit(repo, {'say "x".py': None}, "decoy")
    commit(repo, {"b.txt": "b\n"}, "later")
    git(repo, "replace", leak, decoy)  # the leak would read as the decoy
    (repo / ".git" / "info" / "grafts").write_text(git(repo, "rev-parse", "HEAD") + "\n")
    settings = {
        "core.worktree": "/",
        "log.showRoot": "false",
        "diff.noprefix": "true",
        "diff.mnemonicPrefix": "true",
        "core.quotepath": "true",
        "diff.renames": "copies",
        "diff.context": "5",
        "diff.interHunkContext": "9",
        "color.diff": "always",
        "i18n.logOutputEncoding": "UTF-16",
    }
    for key, value in settings.items():
        git(repo, "config", key, value)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "shieldwall",
            "scan",
            str(repo),
            "--analyzers",
            "secrets",
            "--history",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    [finding] = json.loads(done.stdout)["findings"]
    assert finding["location"] == {"path": 'say "x".py', "start_line": 3, "end_line": 3}
    assert leak[:12] in finding["message"]
