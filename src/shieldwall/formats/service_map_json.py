"""The service map as JSON: schema `shieldwall/map/v1`, a contract for scripts."""

from __future__ import annotations

import json

from shieldwall.model.service_map import ServiceMap


def render_map(service_map: ServiceMap, indent: int | None = 2) -> str:
    return json.dumps(service_map.to_dict(), indent=indent, ensure_ascii=False) + "\n"
