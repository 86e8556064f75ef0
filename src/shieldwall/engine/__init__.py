"""The engine: runs analyzers, applies suppressions, exceptions and baselines, gates."""
