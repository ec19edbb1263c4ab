"""Rate limits of the patient's link, kept in Django's cache (shared by every worker: see the README).

Per client address (an IPv6 address counts as its /64), in fixed windows of ``WINDOW_SECONDS``: at most
``MAX_REQUESTS`` requests to any personal link, and at most ``MAX_MISSES`` tokens that open nothing. Past either,
every personal-link request from that address gets "too many tries" until the window ends: a guesser learns
nothing, and a patient who tapped their link a few times never notices.
"""

import ipaddress

from django.core.cache import cache
from django.utils import timezone

from patients.audit import client_ip

WINDOW_SECONDS = 10 * 60
MAX_REQUESTS = 60
MAX_MISSES = 10


def _address(request):
    address = client_ip(request) or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _key(kind, request):
    window = int(timezone.now().timestamp()) // WINDOW_SECONDS
    return f"patient-link:{kind}:{_address(request)}:{window}"


def over_limit(request):
    """Count this request; True when its address is past either limit in this window. Both counts are read in one
    cache lookup; two requests at the very same moment may count once (a limit, not an exact tally)."""
    requests_key, misses_key = _key("request", request), _key("miss", request)
    counts = cache.get_many([requests_key, misses_key])
    requests, misses = counts.get(requests_key, 0), counts.get(misses_key, 0)
    if requests >= MAX_REQUESTS or misses >= MAX_MISSES:
        return True
    cache.set(requests_key, requests + 1, timeout=WINDOW_SECONDS)
    return False


def note_miss(request):
    """A token that opened nothing (unknown, expired or revoked)."""
    key = _key("miss", request)
    cache.set(key, cache.get(key, 0) + 1, timeout=WINDOW_SECONDS)
