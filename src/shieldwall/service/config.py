"""How one findings service process is configured (`shieldwall serve`)."""

import secrets
from dataclasses import dataclass, field

from shieldwall.service.oidc import OidcSettings


@dataclass
class ServiceConfig:
    database: str
    worker: bool = True  # run jobs in this process (off for API-only replicas)
    max_upload_bytes: int = 256 * 1024 * 1024
    migrate: bool = True
    webhook: str | None = None  # SBOM monitoring: where new critical/high advisories go
    oidc: OidcSettings | None = None  # sign-in for people; None: API tokens only
    session_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    monitor_seconds: float = 300.0  # how often to look for a changed vulnerability database
