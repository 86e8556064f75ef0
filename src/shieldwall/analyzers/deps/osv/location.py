"""Where the vulnerability database lives: ``$SHIELDWALL_DB``, else the XDG
cache (``$XDG_CACHE_HOME`` or ``~/.cache``) ``/shieldwall/osv.sqlite3``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_VAR = "SHIELDWALL_DB"
FILE_NAME = "osv.sqlite3"


def default_database_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    override = env.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    cache = env.get("XDG_CACHE_HOME", "").strip()
    # XDG: a relative XDG_CACHE_HOME is invalid and must be ignored.
    base = Path(cache) if cache and Path(cache).is_absolute() else Path.home() / ".cache"
    return base / "shieldwall" / FILE_NAME
