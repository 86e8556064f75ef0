"""A seeded nginx log for the scale-out tests: eight hours of ordinary traffic
with brute force, payload probing and a distributed login attack in it, so
decisions fall all along the log and on both kinds of partition."""

from __future__ import annotations

import random
import time

T0 = 1_796_284_800  # 2026-12-03T08:00:00Z
HOURS = 8
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _clf(t: float) -> str:
    g = time.gmtime(t)
    return (
        f"{g.tm_mday:02d}/{_MONTHS[g.tm_mon - 1]}/{g.tm_year}:"
        f"{g.tm_hour:02d}:{g.tm_min:02d}:{g.tm_sec:02d} +0000"
    )


def _line(t: float, ip: str, method: str, target: str, status: int) -> tuple[float, str]:
    return t, (
        f'{ip} - - [{_clf(t)}] "{method} {target} HTTP/1.1" {status} 512 '
        f'"https://shop.example/" "Mozilla/5.0 (X11; Linux x86_64)" 0.012'
    )


def generate(seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    clients = [f"198.18.{rng.randint(0, 255)}.{rng.randint(1, 254)}" for _ in range(300)]
    out: list[tuple[float, str]] = []
    span = HOURS * 3600
    for _ in range(24_000):
        t = T0 + rng.random() * span
        out.append(_line(t, rng.choice(clients), "GET", f"/products/{rng.randint(1, 99)}", 200))
    for n in range(16):  # fast brute force, one attacker every half hour
        start, ip = T0 + 600 + n * 1800, f"192.0.2.{10 + n}"
        out += [_line(start + i, ip, "POST", "/login", 401) for i in range(40)]
    for n in range(12):  # payloads
        start, ip = T0 + 900 + n * 2400, f"198.51.100.{20 + n}"
        out += [_line(start + i, ip, "GET", "/search?q=1%27%20OR%201=1--", 200) for i in range(4)]
    for n in range(4):  # one failed login from each of 60 addresses of a /24
        start = T0 + 3000 + n * 7000
        out += [
            _line(start + i * 0.1, f"203.0.{113 + n}.{i + 1}", "POST", "/login", 401)
            for i in range(60)
        ]
    out.sort(key=lambda item: item[0])
    return [text for _, text in out]
