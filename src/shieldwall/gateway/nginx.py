"""The hardened nginx gateway: `nginx.conf` and `modsecurity.conf`.

Text is built from checked values only (`plan.py`, `names.py`); files come out
byte for byte the same for the same map and options."""

from __future__ import annotations

import re

from shieldwall.gateway.plan import GatewayOptions, Listen, Upstream, parse_endpoint

LOG_FORMAT = "nginx-json"  # the name `shieldwall watch --log PATH:nginx-json` knows
DECISION_LOCATION = "/_shieldwall/decision"
ACCESS_LOG = "access.json"
AUDIT_LOG = "modsec_audit.json"
# Mozilla "intermediate": TLS 1.2 ciphers with forward secrecy and AEAD (1.3 has its own).
TLS_CIPHERS = (
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
)
# Paths under a route that authenticate: their own, much stricter, rate limit.
AUTH_PATHS = (
    "login|logon|signin|sign-in|auth|authenticate|authorize|token|oauth|oauth2|session"
    "|sessions|password|passwords|reset-password|forgot-password|register|signup|sign-up"
    "|otp|mfa|2fa|verify"
)
ALLOWED_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
SECURITY_HEADERS = (
    ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
# One JSON object a line (`escape=json`): the `nginx-json` format `watch` reads
# (its keys first, in its order), then what the gateway adds. Numbers stay numbers.
LOG_FIELDS = (
    ("time", '"$time_iso8601"'),
    ("remote_addr", '"$remote_addr"'),
    ("xff", '"$http_x_forwarded_for"'),
    ("method", '"$request_method"'),
    ("uri", '"$request_uri"'),
    ("protocol", '"$server_protocol"'),
    ("status", "$status"),
    ("bytes", "$body_bytes_sent"),
    ("referer", '"$http_referer"'),
    ("user_agent", '"$http_user_agent"'),
    ("request_time", "$request_time"),
    ("host", '"$host"'),
    ("upstream", '"$upstream_addr"'),
    ("request_id", '"$request_id"'),
    ("user", '"$remote_user"'),
    ("route", '"$shieldwall_route"'),
    ("upstream_status", '"$upstream_status"'),
    ("upstream_response_time", '"$upstream_response_time"'),
    ("request_length", "$request_length"),
    ("tls_protocol", '"$ssl_protocol"'),
)


def _q(path: str) -> str:
    return f'"{path}"'


def _size_bytes(size: str) -> int:
    factor = {"k": 1024, "m": 1024 * 1024}.get(size[-1], 1)
    return int(size.rstrip("km")) * factor


def _log_format() -> list[str]:
    body = ",".join(f'"{key}":{value}' for key, value in LOG_FIELDS)
    return [f"    log_format shieldwall_json escape=json '{{{body}}}';"]


def _route_map(upstreams: tuple[Upstream, ...]) -> list[str]:
    """The route of a request, for the log: its longest matching prefix, as nginx picks."""
    ordered = sorted(upstreams, key=lambda u: (-len(u.route), u.route))
    return [
        "    map $uri $shieldwall_route {",
        '        default "";',
        *[f'        "~^{re.escape(u.route)}" {u.name};' for u in ordered],
        "    }",
    ]


def _upstream_blocks(upstreams: tuple[Upstream, ...], options: GatewayOptions) -> list[str]:
    out: list[str] = []
    if options.decisions_url is not None:
        endpoint, _ = parse_endpoint(options.decisions_url, "--decisions-url")
        out += [
            "    # shieldwall's decisions (auth_request), over kept-alive connections.",
            "    upstream shieldwall-decisions {",
            f"        server {endpoint.host}:{endpoint.port};",
            "        keepalive 32;",
            "    }",
        ]
    for up in upstreams:
        source = f" ({up.source})" if up.source else " (--upstream)"
        out += [
            f"    # {up.name}{source}",
            f"    upstream upstream-{up.name} {{",
            f"        server {up.endpoint.host}:{up.endpoint.port};",
            "        keepalive 16;",
            "    }",
        ]
    return out


def _proxy_to(up: Upstream, options: GatewayOptions, indent: str) -> list[str]:
    scheme = "https" if up.endpoint.tls else "http"
    lines = [f"{indent}proxy_pass {scheme}://upstream-{up.name};"]
    if up.endpoint.tls:
        lines += [
            f"{indent}proxy_ssl_protocols TLSv1.2 TLSv1.3;",
            f"{indent}proxy_ssl_verify on;",
            f"{indent}proxy_ssl_verify_depth 3;",
            f"{indent}proxy_ssl_trusted_certificate {_q(options.upstream_ca)};",
            f"{indent}proxy_ssl_server_name on;",
            f"{indent}proxy_ssl_name {up.endpoint.host};",
            f"{indent}proxy_ssl_session_reuse on;",
        ]
    return lines


def _route_locations(upstreams: tuple[Upstream, ...], options: GatewayOptions) -> list[str]:
    out: list[str] = []
    for up in upstreams:
        out += [
            f"        location {up.route} {{",
            "            limit_req zone=shieldwall_api burst=100 nodelay;",
            *_proxy_to(up, options, "            "),
            "            # Authentication endpoints: a few attempts a minute per client.",
            f"            location ~* /(?:{AUTH_PATHS})(?:/|$) {{",
            "                limit_req zone=shieldwall_auth burst=5 nodelay;",
            *_proxy_to(up, options, "                "),
            "            }",
            "        }",
        ]
    return out


def _decision_location(options: GatewayOptions) -> list[str]:
    if options.decisions_url is None:
        return ["        # No hook to shieldwall decisions: --decisions-url off."]
    endpoint, path = parse_endpoint(options.decisions_url, "--decisions-url")
    scheme = "https" if endpoint.tls else "http"
    lines = [
        "        # Every request asks shieldwall first: 2xx lets it through, 401/403 refuse it.",
        f"        location = {DECISION_LOCATION} {{",
        "            internal;",
        "            auth_request off;",
        *(["            modsecurity off;"] if options.modsecurity else []),
        f"            proxy_pass {scheme}://shieldwall-decisions{path or '/'};",
        "            proxy_pass_request_body off;",
        '            proxy_set_header Content-Length "";',
        '            proxy_set_header Connection "";  # keep-alive to shieldwall',
        f"            proxy_set_header Host {endpoint.host};",
        "            proxy_set_header X-Real-IP $remote_addr;",
        "            proxy_set_header X-Forwarded-For $remote_addr;",
        "            proxy_set_header X-Original-Method $request_method;",
        "            proxy_set_header X-Original-URI $request_uri;",
        "            proxy_set_header X-Original-Host $host;",
        "            proxy_connect_timeout 1s;",
        "            proxy_send_timeout 1s;",
        "            proxy_read_timeout 1s;",
    ]
    if endpoint.tls:
        lines += [
            "            proxy_ssl_protocols TLSv1.2 TLSv1.3;",
            "            proxy_ssl_verify on;",
            f"            proxy_ssl_trusted_certificate {_q(options.upstream_ca)};",
            "            proxy_ssl_server_name on;",
            f"            proxy_ssl_name {endpoint.host};",
        ]
    if options.decisions_fail_open:
        lines += [
            "            # shieldwall unreachable: let requests through (as bouncers do).",
            "            error_page 500 502 503 504 = @shieldwall_unreachable;",
        ]
    lines.append("        }")
    if options.decisions_fail_open:
        lines += [
            "        location @shieldwall_unreachable {",
            "            internal;",
            "            return 204;",
            "        }",
        ]
    return lines


def _port_suffix(at: Listen) -> str:
    return "" if at.port == 443 else f":{at.port}"


def _listen(at: Listen, ssl: bool) -> str:
    return f"        listen {at}{' ssl' if ssl else ''};"


def render_nginx(upstreams: tuple[Upstream, ...], options: GatewayOptions) -> str:
    """The whole nginx.conf (main, events and http contexts)."""
    out = [
        *_main_context(upstreams, options),
        "http {",
        *_http_files(options),
        *_http_limits(options),
        *_tls_and_proxying(),
        *_route_map(upstreams),
        "",
        *_upstream_blocks(upstreams, options),
        "",
        *_redirect_server(options),
        *_tls_server(upstreams, options),
        "}",
    ]
    return "\n".join(out) + "\n"


def _main_context(upstreams: tuple[Upstream, ...], options: GatewayOptions) -> list[str]:
    """The header naming the routes, modules, worker processes, pid and error log."""
    run, logs = options.run_dir.rstrip("/"), options.log_dir.rstrip("/")
    out = [
        "# Hardened API gateway generated by `shieldwall gateway config`. Do not edit:",
        "# regenerate it from the service map. Upstreams and their routes:",
        *[f"#   {up.route} -> {up.endpoint.url}" for up in upstreams],
        "",
    ]
    if options.modsecurity:
        out.append(f"load_module {_q(options.modsecurity_module)};")
    return [
        *out,
        "worker_processes auto;",
        f"pid {_q(run + '/nginx.pid')};",
        f"error_log {_q(logs + '/error.log')} warn;",
        "",
        "events {",
        "    worker_connections 1024;",
        "}",
        "",
    ]


def _http_files(options: GatewayOptions) -> list[str]:
    """Temporary files under the run folder, and the JSON access log."""
    run, logs = options.run_dir.rstrip("/"), options.log_dir.rstrip("/")
    return [
        "    server_tokens off;",
        "    default_type application/octet-stream;",
        f"    client_body_temp_path {_q(run + '/client_body')};",
        f"    proxy_temp_path {_q(run + '/proxy')};",
        f"    fastcgi_temp_path {_q(run + '/fastcgi')};",
        f"    uwsgi_temp_path {_q(run + '/uwsgi')};",
        f"    scgi_temp_path {_q(run + '/scgi')};",
        "",
        *_log_format(),
        f"    access_log {_q(logs + '/' + ACCESS_LOG)} shieldwall_json;",
        "",
    ]


def _http_limits(options: GatewayOptions) -> list[str]:
    """Request size and time limits, the trusted proxies, per-client rate limits."""
    out = [
        "    # Request size and time limits.",
        f"    client_max_body_size {options.max_body};",
        "    client_body_buffer_size 16k;",
        "    client_header_buffer_size 1k;",
        "    large_client_header_buffers 4 8k;",
        "    client_body_timeout 10s;",
        "    client_header_timeout 10s;",
        "    send_timeout 10s;",
        "    keepalive_timeout 15s;",
        "    keepalive_requests 1000;",
        "    reset_timedout_connection on;",
        "",
    ]
    if options.trusted_proxies:
        out += [
            "    # The client address comes from X-Forwarded-For only through these proxies.",
            *[f"    set_real_ip_from {p};" for p in options.trusted_proxies],
            "    real_ip_header X-Forwarded-For;",
            "    real_ip_recursive on;",
            "",
        ]
    return [
        *out,
        "    # Per-client rate limits: every route, and authentication routes much lower.",
        f"    limit_req_zone $binary_remote_addr zone=shieldwall_api:10m rate={options.api_rate};",
        "    limit_req_zone $binary_remote_addr zone=shieldwall_auth:10m "
        f"rate={options.auth_rate};",
        "    limit_conn_zone $binary_remote_addr zone=shieldwall_conn:10m;",
        "    limit_req_status 429;",
        "    limit_conn_status 429;",
        "",
    ]


def _tls_and_proxying() -> list[str]:
    """TLS protocols and ciphers, the headers sent upstream, the methods allowed."""
    return [
        "    # TLS 1.2 and 1.3 only, forward-secret AEAD ciphers.",
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        f"    ssl_ciphers {TLS_CIPHERS};",
        "    ssl_prefer_server_ciphers off;",
        "    ssl_ecdh_curve X25519:prime256v1:secp384r1;",
        "    ssl_session_cache shared:shieldwall_tls:10m;",
        "    ssl_session_timeout 1d;",
        "    ssl_session_tickets off;",
        "",
        "    # To the upstreams: keep-alive, the client address nginx saw, no client hop headers.",
        "    proxy_http_version 1.1;",
        '    proxy_set_header Connection "";',
        "    proxy_set_header Host $host;",
        "    proxy_set_header X-Real-IP $remote_addr;",
        "    proxy_set_header X-Forwarded-For $remote_addr;",
        "    proxy_set_header X-Forwarded-Proto $scheme;",
        "    proxy_set_header X-Request-ID $request_id;",
        "    proxy_connect_timeout 5s;",
        "    proxy_send_timeout 30s;",
        "    proxy_read_timeout 30s;",
        "    proxy_hide_header X-Powered-By;",
        "",
        "    map $request_method $shieldwall_method_allowed {",
        "        default 0;",
        *[f"        {m} 1;" for m in ALLOWED_METHODS],
        "    }",
        "",
    ]


def _redirect_server(options: GatewayOptions) -> list[str]:
    """Plain HTTP answering with a redirect to HTTPS, unless it is off."""
    redirect = options.http_listen_at()
    if redirect is None:
        return []
    return [
        "    server {",
        _listen(redirect, ssl=False),
        f"        server_name {options.server_name};",
        f"        return 308 https://$host{_port_suffix(options.listen_at())}$request_uri;",
        "    }",
        "",
    ]


def _tls_server(upstreams: tuple[Upstream, ...], options: GatewayOptions) -> list[str]:
    """The TLS server: security headers, ModSecurity, the method check, the decision
    sub-request, and the routes (every other path answers 404)."""
    conf = options.conf_dir.rstrip("/")
    out = [
        "    server {",
        _listen(options.listen_at(), ssl=True),
        f"        server_name {options.server_name};",
        f"        ssl_certificate {_q(options.tls_cert)};",
        f"        ssl_certificate_key {_q(options.tls_key)};",
        *[f'        add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS],
        "",
    ]
    if options.modsecurity:
        out += [
            "        # ModSecurity with the OWASP Core Rule Set, blocking.",
            "        modsecurity on;",
            f"        modsecurity_rules_file {_q(conf + '/modsecurity.conf')};",
            "",
        ]
    return [
        *out,
        "        if ($shieldwall_method_allowed = 0) {",
        "            return 405;",
        "        }",
        "        limit_conn shieldwall_conn 50;",
        *([f"        auth_request {DECISION_LOCATION};"] if options.decisions_url else []),
        "",
        *_decision_location(options),
        "",
        "        # Only the routes below reach a service.",
        "        location / {",
        "            return 404;",
        "        }",
        "",
        *_route_locations(upstreams, options),
        "    }",
    ]


def render_modsecurity(options: GatewayOptions) -> str:
    """ModSecurity's own settings for the gateway, then the Core Rule Set."""
    logs = options.log_dir.rstrip("/")
    return "\n".join(
        [
            "# ModSecurity for the shieldwall gateway (generated): blocking, OWASP Core Rule Set.",
            "SecRuleEngine On",
            "SecRequestBodyAccess On",
            'SecRule REQUEST_HEADERS:Content-Type "^application/json" \\',
            '    "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"',
            'SecRule REQUEST_HEADERS:Content-Type "^(?:application(?:/soap\\+|/)|text/)xml" \\',
            '    "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"',
            f"SecRequestBodyLimit {_size_bytes(options.max_body)}",
            f"SecRequestBodyNoFilesLimit {min(_size_bytes(options.max_body), 131072)}",
            "SecRequestBodyLimitAction Reject",
            'SecRule REQBODY_ERROR "!@eq 0" \\',
            '    "id:200002,phase:2,t:none,log,deny,status:400,'
            "msg:'Failed to parse request body.'\"",
            "SecPcreMatchLimit 1000",
            "SecPcreMatchLimitRecursion 1000",
            "SecResponseBodyAccess Off",
            "# Audit log: one JSON object per refused request (request headers, no bodies).",
            "SecAuditEngine RelevantOnly",
            'SecAuditLogRelevantStatus "^(?:5|4(?!04))"',
            "SecAuditLogParts ABHZ",
            "SecAuditLogFormat JSON",
            "SecAuditLogType Serial",
            f"SecAuditLog {logs}/{AUDIT_LOG}",
            "SecArgumentSeparator &",
            "SecCookieFormat 0",
            "SecStatusEngine Off",
            f"Include {options.crs_setup}",
            f"Include {options.crs_rules.rstrip('/')}/*.conf",
            "",
        ]
    )
