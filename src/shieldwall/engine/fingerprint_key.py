"""The key of secret fingerprints: where it comes from, created on first use.

A secret finding is identified by HMAC-SHA256 of the value under a key that no
report contains, so a report or baseline cannot be used to test password
guesses. Baselines match across runs and machines that use the same key. In
order:

1. `$SHIELDWALL_FINGERPRINT_KEY` (a CI secret);
2. `.shieldwall-key` beside the baseline in use (or being created), else in the
   scanned folder; `shieldwall baseline create` writes one (mode 0600) beside
   the baseline when there is no key yet;
3. the user's own key, `$XDG_CONFIG_HOME/shieldwall/fingerprint.key` (else
   `~/.config/...`), created (mode 0600) on first use.

Keys that exist are read when the scan starts (a bad key is a configuration
error); a key is created only when a secret is found. The key is text: any
16 or more characters (new ones are 64 hex digits), surrounding whitespace
ignored."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shieldwall.errors import ConfigError, ShieldwallError
from shieldwall.sources.safe_files import read_bounded, write_atomic

ENV_VAR = "SHIELDWALL_FINGERPRINT_KEY"
KEY_FILE = ".shieldwall-key"
MIN_CHARS = 16
_MAX_BYTES = 4096
_MAKE_ONE = 'make one with `python -c "import secrets; print(secrets.token_hex(32))"`'


@dataclass
class ScanKey:
    """A `FingerprintKey`: the key already read, or the file to create it in."""

    path: Path | None  # the file it comes from or goes to; None: the environment
    value: bytes | None = field(default=None, repr=False)
    _notes: list[str] = field(default_factory=list)

    def load(self) -> bytes:
        if self.value is None:
            assert self.path is not None
            self.value = _create(self.path)
            if self.path.name == KEY_FILE:
                self._notes.append(
                    f"created {self.path} (mode 0600), the key of secret fingerprints that the "
                    "baseline needs: commit it only if the repository is private; otherwise keep "
                    f"it out of git and give its content to CI as the secret {ENV_VAR}"
                )
        return self.value

    def notes(self) -> tuple[str, ...]:
        return tuple(self._notes)


def user_key_path(env: Mapping[str, str]) -> Path:
    """`$XDG_CONFIG_HOME/shieldwall/fingerprint.key`, else under `~/.config`."""
    config = env.get("XDG_CONFIG_HOME", "").strip()
    # XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
    if config and Path(config).is_absolute():
        base = Path(config)
    else:
        try:
            base = Path.home() / ".config"
        except RuntimeError as exc:
            raise ConfigError(
                "no home folder to keep the key of secret fingerprints in",
                f"set {ENV_VAR} (a CI secret) or XDG_CONFIG_HOME",
            ) from exc
    return base / "shieldwall" / "fingerprint.key"


def scan_key(
    root: Path,
    baseline: Path | None = None,
    new_baseline: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> ScanKey:
    """The key of a scan of `root`, compared with `baseline` or writing `new_baseline`."""
    env = os.environ if env is None else env
    text = env.get(ENV_VAR, "")
    if text.strip():
        return ScanKey(None, _checked(text.encode("utf-8"), ENV_VAR))
    beside = new_baseline or baseline
    places = [] if beside is None else [(beside.parent / KEY_FILE, beside.parent)]
    places.append((root / KEY_FILE, root))
    for path, inside in places:
        if os.path.lexists(path):
            return ScanKey(path, _read(path, inside))
    if new_baseline is not None:
        return ScanKey(new_baseline.parent / KEY_FILE)
    path = user_key_path(env)
    notes = []
    if baseline is not None:
        notes.append(
            f"secret findings are fingerprinted with this machine's key ({path}): they match "
            "baseline entries made with the same key only; put the key the baseline was made "
            f"with in {baseline.parent / KEY_FILE} or in {ENV_VAR}"
        )
    return ScanKey(path, _read(path, None) if os.path.lexists(path) else None, notes)


def _checked(data: bytes, where: str) -> bytes:
    key = data.strip()
    if len(key) < MIN_CHARS:
        raise ConfigError(
            f"{where}: the key of secret fingerprints must be at least {MIN_CHARS} characters",
            _MAKE_ONE,
        )
    return key


def _read(path: Path, inside: Path | None) -> bytes:
    try:
        data = read_bounded(path, _MAX_BYTES, root=inside, what=str(path))
    except ShieldwallError as exc:
        raise ConfigError(
            f"cannot read the key of secret fingerprints: {exc.message}",
            f"make {path} a regular file holding the key (or delete it), or set {ENV_VAR}",
        ) from exc
    return _checked(data, str(path))


def _create(path: Path) -> bytes:
    """A new random key in `path` (mode 0600); the one there if another process
    created it first."""
    data = (secrets.token_hex(32) + "\n").encode("ascii")
    hint = f"set {ENV_VAR} (a CI secret), or make {path.parent} writable"
    try:
        if path.name != KEY_FILE:  # the user's own key: in a private folder
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        created = write_atomic(path, data, mode=0o600, overwrite=False)
    except OSError as exc:
        raise ConfigError(
            f"cannot create {path.parent}, for the key of secret fingerprints: "
            f"{exc.strerror or exc}",
            hint,
        ) from exc
    except ShieldwallError as exc:
        raise ConfigError(f"{exc.message} (the key of secret fingerprints)", hint) from exc
    return _checked(data, str(path)) if created else _read(path, None)
