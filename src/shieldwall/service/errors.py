"""Errors of the findings service."""

from __future__ import annotations

from shieldwall.errors import ShieldwallError, UsageError


class ServiceError(ShieldwallError):
    """The service or its database failed."""


class BadUpload(UsageError):
    """An upload is not a report the service reads (the API answers 400/422)."""


class ServerUnavailable(ShieldwallError):
    """`scan --server/--upload`: the findings service could not be reached or refused."""
