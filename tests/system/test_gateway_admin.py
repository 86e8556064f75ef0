from __future__ import annotations

from shieldwall.system.gateway_admin import (
    ENVOY_ADMIN,
    KONG_ADMIN,
    KONG_MANAGER,
    TRAEFIK_API,
    admin_ports,
)


def test_envoy_admin_is_9901_or_the_port_an_admin_variable_names() -> None:
    assert admin_ports(["envoyproxy/envoy:v1.30"], {}, []) == {9901: ENVOY_ADMIN}
    found = admin_ports(["envoyproxy/envoy:v1.30"], {"ENVOY_ADMIN_PORT": "10000"}, [])
    assert found == {9901: ENVOY_ADMIN, 10000: ENVOY_ADMIN}


def test_kong_admin_ports_follow_its_listen_settings() -> None:
    assert admin_ports(["kong:3.6"], {}, []) == {
        8001: KONG_ADMIN,
        8444: KONG_ADMIN,
        8002: KONG_MANAGER,
        8445: KONG_MANAGER,
    }
    env = {"KONG_ADMIN_LISTEN": "127.0.0.1:8001, 0.0.0.0:9444 ssl", "KONG_ADMIN_GUI_LISTEN": "off"}
    assert admin_ports(["kong/kong-gateway:3.6"], env, []) == {9444: KONG_ADMIN}


def test_traefik_dashboard_counts_only_in_insecure_mode() -> None:
    assert admin_ports(["traefik:v3"], {}, ["--api.dashboard=true"]) == {}
    assert admin_ports(["traefik:v3"], {}, ["--api.insecure=true"]) == {8080: TRAEFIK_API}
    assert admin_ports(["traefik:v3"], {"TRAEFIK_API_INSECURE": "true"}, []) == {8080: TRAEFIK_API}


def test_other_images_have_no_known_admin_port() -> None:
    assert admin_ports(["nginx:1.27"], {"ADMIN_PORT": "9000"}, []) == {}
