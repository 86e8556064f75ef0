"""`shieldwall gateway config`: the service map of a system, turned into a gateway."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from shieldwall.engine.scanner import ScanOptions, run_scan
from shieldwall.errors import GatewayError
from shieldwall.gateway.compose import COMPOSE_FILE, compose_project, render_compose
from shieldwall.gateway.kubernetes import MANIFEST, NAME, manifest_namespace, render_manifest
from shieldwall.gateway.nginx import render_modsecurity, render_nginx
from shieldwall.gateway.plan import GatewayOptions, Upstream, checked, plan_upstreams
from shieldwall.model.service_map import ServiceMap

TARGETS = ("nginx",)


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    files: dict[str, str]  # file name in the output folder -> text
    upstreams: tuple[Upstream, ...]
    platform: str
    warnings: tuple[str, ...]


def config_from_map(service_map: ServiceMap, options: GatewayOptions) -> GatewayConfig:
    options = checked(options)
    upstreams, platform, warnings = plan_upstreams(service_map, options)
    if not upstreams:
        raise GatewayError(
            "the service map names no service for the gateway to route to",
            "check the path, or name services with --upstream NAME=URL",
        )
    files = {"nginx.conf": render_nginx(upstreams, options)}
    if options.modsecurity:
        files["modsecurity.conf"] = render_modsecurity(options)
    if platform == "kubernetes":
        files[MANIFEST] = render_manifest(upstreams, options, files)
    else:
        files[COMPOSE_FILE] = render_compose(upstreams, options, files)
    return GatewayConfig(files, upstreams, platform, tuple(warnings))


def generate(path: Path, options: GatewayOptions, target: str = "nginx") -> GatewayConfig:
    """Map PATH (the topology analyzer, through the engine) and generate its gateway."""
    if target not in TARGETS:
        raise GatewayError(f"no gateway target {target!r}", f"use one of {', '.join(TARGETS)}")
    scan = run_scan(path, ScanOptions(analyzers="topology"), str(path))
    if scan.result.errors:
        raise GatewayError(
            "could not map the services: " + "; ".join(scan.result.errors),
            "run `shieldwall map PATH --verbose` to see why",
        )
    config = config_from_map(scan.result.service_map or ServiceMap(), options)
    declared = scan.config.settings.gateway
    if declared.workloads or declared.services:
        resource = (
            f"Deployment/{manifest_namespace(config.upstreams, options)}/{NAME}"
            if config.platform == "kubernetes"
            else f"compose/{compose_project(config.upstreams)}/{NAME}"
        )
        note = (
            f"the scanned repository declares its gateway in .shieldwall.yaml: add {resource} "
            "to gateway: workloads there, or scans keep taking the old gateway for the way in"
        )
        config = replace(config, warnings=(*config.warnings, note))
    return config
