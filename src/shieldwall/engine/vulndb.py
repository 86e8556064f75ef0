"""The local vulnerability database as the command line manages it (`shieldwall
db update`, `shieldwall db status`): the deps analyzer's OSV store, reached
through the engine so that the command line never imports analyzer internals."""

from __future__ import annotations

from shieldwall.analyzers.deps.osv.location import ENV_VAR, default_database_path
from shieldwall.analyzers.deps.osv.matcher import STALE_AFTER_DAYS
from shieldwall.analyzers.deps.osv.mirror import DEFAULT_BASE, PROGRESS_BYTES, Network
from shieldwall.analyzers.deps.osv.store import Database, DatabaseError
from shieldwall.analyzers.deps.osv.update import (
    DEFAULT_ECOSYSTEMS,
    ExportReport,
    remove_leftovers,
    update_database,
)

__all__ = [
    "DEFAULT_BASE",
    "DEFAULT_ECOSYSTEMS",
    "ENV_VAR",
    "PROGRESS_BYTES",
    "STALE_AFTER_DAYS",
    "Database",
    "DatabaseError",
    "ExportReport",
    "Network",
    "default_database_path",
    "remove_leftovers",
    "update_database",
]
