"""Which push endpoints attune will POST to: public https hosts only (no SSRF).

A subscription's endpoint is a URL the client chose, and the worker sends to it,
so it could point inside the network attune runs in. It must be `https`, and its
host, a literal address or every address its name resolves to, must be public:
not private, loopback, link-local, multicast, reserved, unspecified or shared
(IPv4 and IPv6 alike, IPv4 inside IPv6 included). It is checked when a device
subscribes and again before each send, since a name can change what it points to.
`PUSH_ALLOW_LOCAL_ENDPOINTS` (tests and local runs) lifts both rules.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedEndpoint(ValueError):
    """An endpoint attune will not send to; the message is the person's to read."""


class Unresolved(RefusedEndpoint):
    """The endpoint's name did not resolve: refused at subscribe time, retried at
    send time (a resolver can fail for a moment)."""


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    # NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits.
    if address in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: Address) -> bool:
    inner = _embedded_ipv4(address)
    if inner is not None and not is_public(inner):
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
    )


def _addresses(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        raise Unresolved(
            "We couldn't reach this device's push service. Please try turning "
            "notifications on again."
        ) from None
    # The scope of a link-local IPv6 answer ("fe80::1%eth0") is not part of the address.
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]


_NOT_PUSH = "This doesn't look like a browser's push address: it should start with https://."


def check(endpoint: str) -> list[Address]:
    """Raise RefusedEndpoint unless attune may send to `endpoint`; the public
    addresses it was checked at (none when local endpoints are allowed)."""
    try:
        parts = urlsplit(endpoint)
        host, port = parts.hostname, parts.port or 443
    except ValueError:
        raise RefusedEndpoint(_NOT_PUSH) from None
    if settings.PUSH_ALLOW_LOCAL_ENDPOINTS and parts.scheme in ("https", "http") and host:
        return []
    if parts.scheme != "https" or not host or parts.username or parts.password:
        raise RefusedEndpoint(_NOT_PUSH)
    addresses = _addresses(host, port)
    if not addresses or not all(is_public(address) for address in addresses):
        raise RefusedEndpoint(
            "This push address points somewhere attune doesn't send to. Please use the "
            "address your browser gave when notifications were turned on."
        )
    return addresses
