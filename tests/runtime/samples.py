"""One line of each log format saying the same request, for the tests."""

from __future__ import annotations

import json

NGINX = (
    '203.0.113.7 - - [03/Dec/2026:10:15:02 +0000] "GET /search?q=shoes HTTP/1.1" 200 512 '
    '"https://shop.example/" "Mozilla/5.0 (X11; Linux x86_64)"'
)
NGINX_TIMED = NGINX + " 0.004"
NGINX_XFF = NGINX + ' "198.51.100.9"'
INGRESS = (
    '203.0.113.7 - - [03/Dec/2026:10:15:02 +0000] "GET /search?q=shoes HTTP/1.1" 200 512 '
    '"https://shop.example/" "Mozilla/5.0 (X11; Linux x86_64)" 433 0.004 '
    "[shop-web-80] [] 10.1.2.3:8080 512 0.004 200 7f3c9a1b2c"
)
ENVOY = (
    '[2026-12-03T10:15:02.123Z] "GET /search?q=shoes HTTP/1.1" 200 - 0 512 4 3 '
    '"203.0.113.7" "Mozilla/5.0 (X11; Linux x86_64)" "3f1c-11" "shop.example" "10.1.2.3:8080"'
)
ENVOY_ISTIO = (
    '[2026-12-03T10:15:02.123Z] "GET /search?q=shoes HTTP/1.1" 200 - via_upstream - "-" 0 512 '
    '4 3 "-" "Mozilla/5.0 (X11; Linux x86_64)" "3f1c-11" "shop.example" "10.1.2.3:8080" '
    "outbound|80||shop 10.1.0.5:41234 10.1.0.5:8080 203.0.113.7:52311 - default"
)
ENVOY_JSON = json.dumps(
    {
        "start_time": "2026-12-03T10:15:02.123Z",
        "method": "GET",
        "path": "/search?q=shoes",
        "protocol": "HTTP/1.1",
        "response_code": 200,
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
        "x_forwarded_for": None,
        "downstream_remote_address": "203.0.113.7:52311",
        "authority": "shop.example",
    }
)
TRAEFIK_JSON = json.dumps(
    {
        "ClientHost": "203.0.113.7",
        "RequestMethod": "GET",
        "RequestPath": "/search?q=shoes",
        "DownstreamStatus": 200,
        "StartUTC": "2026-12-03T10:15:02.123456789Z",
        "request_User-Agent": "Mozilla/5.0 (X11; Linux x86_64)",
    }
)
HAPROXY = (
    "Dec  3 10:15:02 lb haproxy[14389]: 203.0.113.7:52311 [03/Dec/2026:10:15:02.123] "
    "http-in shop/srv1 10/0/30/69/109 200 512 - - ---- 1/1/1/1/0 0/0 "
    '{shop.example|Mozilla/5.0 (X11; Linux x86_64)} "GET /search?q=shoes HTTP/1.1"'
)
MODSEC = json.dumps(
    {
        "transaction": {
            "client_ip": "203.0.113.7",
            "time_stamp": "Thu Dec  3 10:15:02 2026",
            "request": {
                "method": "GET",
                "uri": "/search?q=shoes",
                "headers": {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"},
                "body": "",
            },
            "response": {"http_code": 200},
        }
    }
)
NGINX_JSON = json.dumps(
    {
        "time": "2026-12-03T10:15:02+00:00",
        "remote_addr": "203.0.113.7",
        "method": "GET",
        "uri": "/search?q=shoes",
        "status": 200,
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
    }
)
K8S_AUDIT = json.dumps(
    {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "stage": "ResponseComplete",
        "requestURI": "/api/v1/namespaces/shop/pods/web-0/exec",
        "verb": "create",
        "user": {"username": "alice", "groups": ["system:authenticated"]},
        "sourceIPs": ["203.0.113.7"],
        "objectRef": {
            "resource": "pods",
            "namespace": "shop",
            "name": "web-0",
            "subresource": "exec",
        },
        "responseStatus": {"code": 101},
        "stageTimestamp": "2026-12-03T10:15:02.123456Z",
    }
)

HTTP_SAMPLES = {
    "nginx": [NGINX, NGINX_TIMED, NGINX_XFF],
    "ingress-nginx": [INGRESS],
    "envoy": [ENVOY, ENVOY_ISTIO],
    "envoy-json": [ENVOY_JSON],
    "traefik-json": [TRAEFIK_JSON],
    "haproxy": [HAPROXY],
    "modsecurity-json": [MODSEC],
    "nginx-json": [NGINX_JSON],
}
