"""Who the client is: the peer address, or X-Forwarded-For behind trusted proxies;
IPv6 clients grouped per /64."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from shieldwall.errors import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Sequence[str], what: str) -> tuple[Network, ...]:
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ConfigError(
                f"{what}: {value!r} is not an IP address or CIDR",
                "write addresses as 10.0.0.0/8 or 2001:db8::/32",
            ) from None
    return tuple(networks)


class ClientResolver:
    """Maps a logged peer (and X-Forwarded-For) to the client key decisions use."""

    __slots__ = ("_proxies", "cache")

    def __init__(self, trusted_proxies: Sequence[Network] = ()) -> None:
        self._proxies = tuple(trusted_proxies)
        self.cache: dict[str, str] = {}

    def _trusted(self, address: str) -> bool:
        if not self._proxies:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self._proxies)

    def is_proxy(self, address: str) -> bool:
        """A trusted proxy's address (`watch.trusted_proxies`)."""
        return self._trusted(address)

    def client(self, remote: str, xff: str) -> str:
        """The address to judge; "" when the log names none that is an IP."""
        if xff and self._trusted(remote):
            for hop in reversed(xff.split(",")):
                hop = hop.strip()
                if hop and not self._trusted(hop):
                    remote = hop
                    break
        return self.key(remote)

    def key(self, address: str) -> str:
        """An IPv4 address as it is; an IPv6 one as its /64 (`2001:db8:1:2::/64`)."""
        cached = self.cache.get(address)
        if cached is not None:
            return cached
        key = client_key(address)
        if len(self.cache) >= 65536:
            self.cache.clear()  # the dict stays the same object: callers may hold it
        self.cache[address] = key
        return key


_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_CANONICAL_V4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")


def client_key(address: str) -> str:
    if _CANONICAL_V4.fullmatch(address):  # already as str(IPv4Address) writes it
        return address
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def range_of(key: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) around a client key, for range decisions."""
    if _CANONICAL_V4.fullmatch(key):  # a key as str(IPv4Address) writes it: its first three
        return key.rpartition(".")[0] + ".0/24"
    if "/" in key:
        net = ipaddress.ip_network(key)
        return str(net.supernet(new_prefix=48))
    return str(ipaddress.ip_network(f"{key}/24", strict=False))
