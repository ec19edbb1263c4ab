"""Limits on guessing and on password-reset e-mails, kept in Django's cache (a database table by default, so all
gunicorn workers share them).

**Password guessing spread over many addresses.** django-axes locks one username from one address (an IPv6
/64 counts as one) after 5 wrong passwords. On top of that, each account counts its wrong passwords from
everywhere. After ``FREE_FAILURES`` of them (forgotten ``FAILURE_MEMORY`` seconds after the last one), a
login for that account must wait before the password is even checked: 1 second after the 11th wrong password,
then twice as long after each further one, at most ``MAX_WAIT`` seconds. That is a slow-down, not a lock: the
person can always get in after the wait, and a browser they have logged in with before (it carries a signed
"known browser" cookie, ``KNOWN_BROWSER_COOKIE``) does not wait at all, so someone guessing elsewhere cannot
keep staff out of their usual computer. A success resets the count.

**Password-reset e-mails.** At most ``RESET_PER_ADDRESS`` requests per hour from one address and
``RESET_PER_EMAIL`` per hour for one e-mail address (whether or not an account has it, so the answer reveals
nothing about who has an account).

Usernames and e-mail addresses are hashed in cache keys: the cache holds no names.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from .network import address_for_limits

FREE_FAILURES = 10
MAX_WAIT = 300
FAILURE_MEMORY = 60 * 60

RESET_PER_ADDRESS = 5
RESET_PER_EMAIL = 3
RESET_WINDOW = 60 * 60

KNOWN_BROWSER_COOKIE = "known_browser"
KNOWN_BROWSER_DAYS = 90
KNOWN_BROWSER_SALT = "security.limits.known-browser"
KNOWN_BROWSER_MAX_ACCOUNTS = 10  # a shared clinic computer remembers this many accounts


def _digest(value):
    return hashlib.sha256(value.casefold().encode()).hexdigest()[:32]


# Fixed-window counters ----------------------------------------------------------------------------

def counted_over_limit(scope, key, *, limit, window, now=None):
    """Count one event for ``key`` in this window; True if that makes more than ``limit`` in the window."""
    now = time.time() if now is None else now
    cache_key = f"limit:{scope}:{_digest(key)}:{int(now // window)}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count > limit


def password_reset_refused(request, email, now=None):
    """Count a reset request; a reason in words if it is over a limit (then no e-mail is sent), else None."""
    address = address_for_limits(request) or "unknown"
    too_many_here = counted_over_limit("reset-address", address, limit=RESET_PER_ADDRESS, window=RESET_WINDOW,
                                       now=now)
    too_many_for_email = counted_over_limit("reset-email", email, limit=RESET_PER_EMAIL, window=RESET_WINDOW,
                                            now=now)
    if too_many_here or too_many_for_email:
        return ("Too many password-reset requests were made from here or for this e-mail address. "
                "No e-mail was sent; try again in an hour, or ask your clinic admin.")
    return None


# Per-account slow-down ------------------------------------------------------------------------------

def _failures_key(username):
    return f"login-failures:{_digest(username)}"


def _browser_tag(username):
    return salted_hmac(KNOWN_BROWSER_SALT, username.casefold()).hexdigest()[:24]


def _known_tags(request):
    try:
        tags = signing.loads(request.COOKIES.get(KNOWN_BROWSER_COOKIE, ""), salt=KNOWN_BROWSER_SALT,
                             max_age=KNOWN_BROWSER_DAYS * 24 * 60 * 60)
    except signing.BadSignature:
        return []
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def is_known_browser(request, username):
    return _browser_tag(username) in _known_tags(request)


def seconds_to_wait(request, username, now=None):
    """How long a login for ``username`` from this browser must wait before its password is checked (0: none)."""
    record = cache.get(_failures_key(username))
    if not record or record["count"] < FREE_FAILURES or is_known_browser(request, username):
        return 0
    now = time.time() if now is None else now
    wait = min(2 ** (record["count"] - FREE_FAILURES), MAX_WAIT)
    return max(0, math.ceil(record["last"] + wait - now))


def record_failure(username, now=None):
    now = time.time() if now is None else now
    record = cache.get(_failures_key(username)) or {"count": 0}
    cache.set(_failures_key(username), {"count": record["count"] + 1, "last": now}, timeout=FAILURE_MEMORY)


def record_success(request, username):
    """The right password: forget the account's wrong ones, and remember this browser for the account (the cookie
    is written by ``security.middleware.KnownBrowserMiddleware``)."""
    cache.delete(_failures_key(username))
    tag = _browser_tag(username)
    request.known_browser_tags = [tag] + [t for t in _known_tags(request) if t != tag][:KNOWN_BROWSER_MAX_ACCOUNTS - 1]


def set_known_browser_cookie(request, response):
    tags = getattr(request, "known_browser_tags", None)
    if tags:
        response.set_cookie(
            KNOWN_BROWSER_COOKIE, signing.dumps(tags, salt=KNOWN_BROWSER_SALT),
            max_age=KNOWN_BROWSER_DAYS * 24 * 60 * 60, secure=settings.SESSION_COOKIE_SECURE, httponly=True,
            samesite="Lax",
        )
    return response


def wait_message(seconds):
    if seconds < 120:
        amount = "a second" if seconds == 1 else f"{seconds} seconds"
    else:
        amount = f"{math.ceil(seconds / 60)} minutes"
    return (f"This account had many wrong passwords recently, perhaps from someone else. For its safety, wait "
            f"{amount} and try again. Logging in from a browser you have used with this account before is not "
            f"delayed.")
