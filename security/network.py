"""Where a request came from: one function for the audit trail, the login log, staff sessions, lockout and
rate limits.

``client_ip`` is the address itself (what the audit trail and the login log record). ``address_for_limits``
is what lockout and rate limits count: the same for IPv4, but the whole /64 network for IPv6, since one home
connection or one rented server gets a /64 and can pick any address in it.

``patients`` may not import this app, so it reaches ``client_ip`` through the ``CLIENT_IP_CALLABLE`` setting
(as django-axes does through ``AXES_CLIENT_IP_CALLABLE``).
"""

import ipaddress

from django.conf import settings

IPV6_NETWORK_BITS = 64


def _valid(value):
    """``value`` as a normalised address (IPv4-mapped IPv6 as plain IPv4), or None if it is not one."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address


def _client_address(request):
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        # The proxy appends the address it saw to X-Forwarded-For; only that last entry is trusted, as anything
        # before it is whatever the client chose to send.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = _valid(forwarded.split(",")[-1])
        if address is not None:
            return address
    return _valid(request.META.get("REMOTE_ADDR"))


def client_ip(request):
    """The address a request came from, normalised; None when unknown.

    Behind the TLS proxy (``BEHIND_TLS_PROXY``) it is the last ``X-Forwarded-For`` entry; without a proxy, or
    when that entry is not an address (a misconfigured proxy), the socket's address.
    """
    address = _client_address(request)
    return str(address) if address is not None else None


def address_for_limits(request):
    """The address lockout and rate limits count: an IPv4 address as is, an IPv6 address as the first address
    of its /64 network (so ``2001:db8:1:2::7`` and ``2001:db8:1:2::8`` are one sender). None when unknown."""
    address = _client_address(request)
    if address is None:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_NETWORK_BITS}", strict=False).network_address)
    return str(address)
