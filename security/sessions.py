"""Session limits (idle and absolute) and ending a staff member's sessions."""

import datetime
import time
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import StaffSession
from .network import client_ip

STARTED_KEY = "security_started_at"
LAST_SEEN_KEY = "security_last_seen"
# The last-seen time is written at most once a minute, so a busy page does not rewrite its session
# row on every request. The browser is told the exact time left, so the warning is never late.
TOUCH_INTERVAL = 60

IDLE = "idle"
ABSOLUTE = "absolute"


def session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def start(request, user):
    """Called at login: note when the session began and whose it is."""
    now = int(time.time())
    request.session[STARTED_KEY] = now
    request.session[LAST_SEEN_KEY] = now
    if request.session.session_key is None:
        request.session.save()
    StaffSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"staff": user, "started_at": timezone.now(), "ip_address": (client_ip(request) or "")[:45]},
    )


def expiry_reason(session, now=None):
    """``IDLE`` or ``ABSOLUTE`` when the session has run out, else None."""
    now = time.time() if now is None else now
    started, last_seen = session.get(STARTED_KEY), session.get(LAST_SEEN_KEY)
    if started is not None and now - started >= settings.SESSION_COOKIE_AGE:
        return ABSOLUTE
    if last_seen is not None and now - last_seen >= settings.SESSION_IDLE_TIMEOUT:
        return IDLE
    return None


def seconds_left(session, now=None):
    """Seconds until this session ends, by whichever limit comes first."""
    now = time.time() if now is None else now
    started = session.get(STARTED_KEY, now)
    last_seen = session.get(LAST_SEEN_KEY, now)
    left = min(settings.SESSION_IDLE_TIMEOUT - (now - last_seen), settings.SESSION_COOKIE_AGE - (now - started))
    return max(0, int(left))


def touch(session, now=None, force=False):
    """Record activity (at most once a minute unless ``force``); True when it was written."""
    now = int(time.time() if now is None else now)
    session.setdefault(STARTED_KEY, now)
    last_seen = session.get(LAST_SEEN_KEY)
    if force or last_seen is None or now - last_seen >= TOUCH_INTERVAL:
        session[LAST_SEEN_KEY] = now
        return True
    return False


def record_activity(request, now=None, force=False):
    """Touch the session and, when that wrote, the staff session index too."""
    now = time.time() if now is None else now
    if touch(request.session, now, force=force) and request.session.session_key:
        StaffSession.objects.filter(session_key=request.session.session_key).update(
            last_seen_at=datetime.datetime.fromtimestamp(int(now), tz=datetime.UTC))


def end_sessions(user, keep_session_key=None):
    """End every session of ``user`` (except ``keep_session_key``); returns how many were live."""
    records = StaffSession.objects.filter(staff=user)
    if keep_session_key:
        records = records.exclude(session_key=keep_session_key)
    keys = list(records.values_list("session_key", flat=True))
    store = session_store()
    ended = 0
    for key in keys:
        if store().exists(key):
            store().delete(key)
            ended += 1
    StaffSession.objects.filter(session_key__in=keys).delete()
    return ended


def live_sessions(now=None):
    """Staff sessions still open: their Django session exists and has not expired (database sessions), and
    neither the idle limit nor the absolute limit has passed."""
    now = now or timezone.now()
    live_keys = Session.objects.filter(expire_date__gt=now).values("session_key")
    return StaffSession.objects.filter(
        session_key__in=live_keys,
        last_seen_at__gt=now - datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT),
        started_at__gt=now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE),
    )


def live_session_count_subquery():
    """An annotation for a StaffMember queryset: how many live sessions each person has."""
    counts = live_sessions().filter(staff=OuterRef("pk")).order_by().values("staff").annotate(n=Count("pk"))
    return Coalesce(Subquery(counts.values("n"), output_field=IntegerField()), 0)


def clear_ended_sessions(now=None):
    """Delete expired Django sessions, sessions past the idle or absolute limit, and every ``StaffSession``
    row whose session is gone.

    Logging out removes the row at once; a browser that was simply closed (or timed out with no further
    request) leaves it behind until this runs. Returns how many ``StaffSession`` rows were removed.
    """
    now = now or timezone.now()
    # A session past its idle or absolute limit is refused on its next request: it is over already.
    over = StaffSession.objects.exclude(pk__in=live_sessions(now).values("pk"))
    Session.objects.filter(session_key__in=over.values("session_key")).delete()
    Session.objects.filter(expire_date__lte=now).delete()
    live_keys = Session.objects.filter(expire_date__gt=now).values("session_key")
    removed, _ = StaffSession.objects.exclude(session_key__in=live_keys).delete()
    return removed
