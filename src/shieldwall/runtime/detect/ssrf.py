"""Server-side request forgery: a URL whose host is loopback, link-local (cloud
metadata), private or unspecified, however the address is spelled: decimal
(`2852039166`), hexadecimal, octal, short forms (`127.1`), IPv4-mapped IPv6, or
a name that means the machine itself. Runs on decoded, lower-cased text."""

from __future__ import annotations

import ipaddress
import re

_URL = re.compile(
    r"\b(?:https?:/*|[a-z][a-z0-9+.-]{1,15}://)(?:[^/@\s?#]*@)?(\[[0-9a-f:.]+\]|[^/:\s?#&@]+)"
)
_AT_HOST = re.compile(r"@\s*(\[[0-9a-f:.]+\]|[0-9a-fx.]+)(?=[:/\s]|$)")
_NAMES = frozenset(
    {
        "localhost",
        "localhost.localdomain",
        "ip6-localhost",
        "metadata",
        "metadata.google.internal",
        "instance-data",
        "kubernetes.default",
        "kubernetes.default.svc",
    }
)
_SCHEMES_ALWAYS = re.compile(r"(?:^|[^\w])(?:file|gopher|dict|jar|netdoc|ldap|expect|phar):/")


def _number(part: str) -> int | None:
    try:
        if part.startswith("0x"):
            return int(part, 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part, 8)
        return int(part, 10)
    except ValueError:
        return None


def _ipv4(host: str) -> ipaddress.IPv4Address | None:
    """inet_aton's reading of a host: one to four parts, each decimal, 0x-hex or 0-octal."""
    parts = host.rstrip(".").split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    *head, last = values
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(values)):
        if len(parts) == 1 and last >= 2**32:  # 0x41414141A9FEA9FE: the low 32 bits count
            last &= 0xFFFFFFFF
        else:
            return None
    value = 0
    for n in head:
        value = value << 8 | n
    value = value << 8 * (5 - len(values)) | last
    return ipaddress.IPv4Address(value & 0xFFFFFFFF)


def _internal(host: str) -> bool:
    host = host.strip("[]").rstrip(".")
    if host in _NAMES or host.endswith(".localhost"):
        return True
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    if ":" in host:
        try:
            v6 = ipaddress.IPv6Address(host.split("%")[0])
        except ValueError:
            return False
        address = v6.ipv4_mapped or v6
    elif host[:1].isdigit():
        address = _ipv4(host)
    else:
        return False
    if address is None:
        return False
    return bool(
        address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_unspecified
        or address.is_reserved
        or str(address) == "100.100.100.200"  # Alibaba Cloud metadata
    )


def internal_url(lowered: str) -> bool:
    if ":" not in lowered:
        return False
    if _SCHEMES_ALWAYS.search(lowered):
        return True
    texts = [lowered]
    if "\\" in lowered:  # http:\\localhost, http://\\l\\o\\c\\a\\l...
        texts += [lowered.replace("\\", "/"), lowered.replace("\\", "")]
    for text in texts:
        for match in _URL.finditer(text):
            if _internal(match.group(1)):
                return True
    if "@" in lowered:
        return any(_internal(h) for h in _AT_HOST.findall(lowered))
    return False
