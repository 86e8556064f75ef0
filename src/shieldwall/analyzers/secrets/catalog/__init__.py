"""The provider rules: one entry per credential format.

Severity follows what the credential gives an attacker: critical for keys to a
cloud account, code hosting or a package registry (code execution, supply
chain), high for API keys with write access to a service or its data, medium
for credentials of narrower reach (webhooks, read-mostly keys, short-lived
tokens), low for test-mode keys.

The rules live in one module per subject; SPECS is all of them, in this order.
"""

from __future__ import annotations

from shieldwall.analyzers.secrets.catalog import (
    cloud,
    commerce,
    devtools,
    keys,
    messaging,
    services,
)
from shieldwall.analyzers.secrets.spec import Spec

SPECS: tuple[Spec, ...] = (
    *cloud.SPECS,
    *devtools.SPECS,
    *messaging.SPECS,
    *commerce.SPECS,
    *services.SPECS,
    *keys.SPECS,
)
