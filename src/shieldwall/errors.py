"""Errors that reach the user.

Every error says what failed and carries a ``hint``: the likely cause and
what to do next. The command line prints both; tracebacks only with
``--verbose``. One subclass per layer, so callers can tell where it came from.
"""

from __future__ import annotations


class ShieldwallError(Exception):
    """Base of every error shieldwall raises on purpose."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(ShieldwallError):
    """The command line or a configuration file asks for something impossible."""


class ConfigError(UsageError):
    """`.shieldwall.yaml`, an exceptions file or a baseline is invalid."""


class SourceError(ShieldwallError):
    """A file or tree could not be read or parsed; becomes a `skipped` record."""

    def __init__(self, message: str, hint: str = "", line: int | None = None) -> None:
        super().__init__(message, hint)
        self.line = line


class AnalyzerError(ShieldwallError):
    """An analyzer failed on its own; the scan goes on without it."""


class FormatError(ShieldwallError):
    """A report could not be written."""


class UnsafeOutputError(FormatError, UsageError):
    """An output path shieldwall will not write through: a symlink, a device, a
    directory reached through a symlink. The command asks for something unsafe,
    so it is a usage error (exit 2), and nothing is written."""


class AdmissionError(ShieldwallError):
    """An admission request is malformed or cannot be judged; the webhook answers
    with `status` (an HTTP 4xx/5xx), never with an allow."""

    def __init__(self, message: str, hint: str = "", status: int = 400) -> None:
        super().__init__(message, hint)
        self.status = status


class GatewayError(UsageError):
    """A gateway configuration cannot be generated as asked (an option or a value
    from the service map that would not be safe or valid in the configuration)."""
