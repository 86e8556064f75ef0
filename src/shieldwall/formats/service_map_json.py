"""The service map as JSON: schema `shieldwall/map/v1`, a contract for scripts."""

from __future__ import annotations

import json

from shieldwall.model.display import display_map
from shieldwall.model.service_map import ServiceMap


def render_map(service_map: ServiceMap, indent: int | None = 2) -> str:
    document = display_map(service_map).to_dict()
    return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"
