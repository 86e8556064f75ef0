"""Assemble the webhook server from the command line's choices."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from shieldwall.admission.jsonlog import JsonLog
from shieldwall.admission.modes import parse_modes
from shieldwall.admission.server import AdmissionServer, ServerOptions
from shieldwall.admission.webhook import ClusterContext, Webhook
from shieldwall.engine.object_check import ObjectCheck
from shieldwall.engine.project_config import ProjectConfig, load_config
from shieldwall.errors import UsageError


class Server(AdmissionServer):
    def shutdown_soon(self) -> None:
        threading.Thread(target=self.shutdown, daemon=True).start()


def build_server(
    *,
    cert: Path,
    key: Path,
    host: str = "0.0.0.0",  # noqa: S104
    port: int = 8443,
    config: Path | None = None,
    default_mode: str = "enforce",
    modes: Sequence[str] = (),
    mutate: Sequence[str] = (),
    in_cluster: bool = False,
    timeout: float = 10.0,
    cluster: ClusterContext | None = None,
    rules: Sequence[str] = (),
    skip_rules: Sequence[str] = (),
    fail_on: str | None = None,
    log: JsonLog | None = None,
    decisions: Callable[[], Mapping[str, str]] | None = None,
) -> Server:
    project = ProjectConfig()
    if config is not None:
        if not config.is_file():
            raise UsageError(f"config file {config} not found", "check the --config path")
        project = load_config(config, config.name, trusted=True)
    log = log or JsonLog()
    if in_cluster and cluster is None:
        from shieldwall.admission.snapshot import ClusterSnapshot

        snapshot = ClusterSnapshot.in_cluster(log)
        snapshot.start()
        cluster = snapshot
    webhook = Webhook(
        ObjectCheck(
            project, rules=rules, skip_rules=skip_rules, fail_on=fail_on, decisions=decisions
        ),
        parse_modes(default_mode, modes, mutate),
        cluster,
        log,
    )
    options = ServerOptions(host=host, port=port, cert=cert, key=key, timeout=timeout)
    return Server(options, webhook)
