"""Several app servers side by side on one PostgreSQL: nothing a request needs lives in one server's memory.

Two gunicorn servers share the test database (and, in the second run, a Redis cache named by CACHE_URL). One
browser (one cookie jar) talks to both, as it would behind a load balancer: a session made on one works on
the other, a stale save through one is refused after a save through the other, failed logins count across
both, and a meeting import running on one does not break reads on the other. PostgreSQL only (CI's
PostgreSQL pass runs them): two processes sharing SQLite is not a deployment.
"""

import http.cookiejar
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from maud_pathways import settings as production_settings
from patients.models import Role
from referrals.models import Meeting

from .factories.patients import TEST_PASSWORD, StaffFactory, patient_with_team
from .factories.referrals.conversations import ReferralFactory
from .factories.referrals.directory import MeetingFactory, ProgramFactory, feed_entry
from .gunicorn_server import gunicorn

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_is_up():
    try:
        import redis

        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means no Redis to test with
        return False


class Browser:
    """One browser: one cookie jar, whichever server answers."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url):
        try:
            with self.opener.open(url, timeout=60) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def post(self, url, fields, *, form_url=None, files=None):
        """Post ``fields`` with the CSRF token of the form page (``form_url``, else ``url``)."""
        _, _, page = self.get(form_url or url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        fields = {**fields, "csrfmiddlewaretoken": token}
        if files:
            boundary = uuid.uuid4().hex
            parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                     for k, v in fields.items()]
            for name, (filename, content) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                             f'filename="{filename}"\r\nContent-Type: application/json\r\n\r\n'.encode()
                             + content + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body, content_type = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type, "Referer": url})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def log_in(self, base, username, password=TEST_PASSWORD):
        return self.post(base + reverse("login"), {"username": username, "password": password})


def staff_member(clinic, username, roles):
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        member = StaffFactory(clinic=clinic, username=username, roles=roles)
        member.password = make_password(TEST_PASSWORD)
        member.save()
    return member


def database_url():
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(params=["local memory", "redis"])
def two_servers(request):
    extra = {}
    if request.param == "redis":
        if not redis_is_up():
            pytest.skip("no Redis at 127.0.0.1:6379")
        extra = {"CACHE_URL": REDIS_URL, "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    with gunicorn(database_url(), extra) as (a, log_a), gunicorn(database_url(), extra) as (b, log_b):
        yield a, b
        logs = log_a() + log_b()
    assert "Traceback" not in logs, logs


def test_a_session_made_on_one_server_works_on_the_other_and_ends_on_both(two_servers, clinic):
    a, b = two_servers
    staff_member(clinic, "side.by.side", [Role.CLINICIAN])
    browser = Browser()
    status, landed, _ = browser.log_in(a, "side.by.side")
    assert (status, landed) == (200, a + reverse("home"))

    status, landed, page = browser.get(b + reverse("home"))
    assert (status, landed) == (200, b + reverse("home")) and "Good to see you" in page
    browser.post(b + reverse("logout"), {}, form_url=b + reverse("home"))  # logging out on B ...
    _, landed, _ = browser.get(a + reverse("home"))
    assert landed.startswith(a + reverse("login"))  # ... ends the session on A too


def test_a_stale_save_through_one_server_is_refused_after_a_save_through_the_other(two_servers, clinic):
    a, b = two_servers
    peer = staff_member(clinic, "peer.a", [Role.PEER_SPECIALIST])
    staff_member(clinic, "peer.b", [Role.PEER_SPECIALIST])
    patient = patient_with_team(clinic, peer=peer)
    program = ProgramFactory()
    first, second = MeetingFactory(clinic=clinic, program=program), MeetingFactory(clinic=clinic, program=program)
    referral = ReferralFactory(patient=patient, program=program, referred_by=peer)
    edit = reverse("referrals:referral_edit", args=[patient.public_id, referral.pk])
    on_a, on_b = Browser(), Browser()
    on_a.log_in(a, "peer.a")
    on_b.log_in(b, "peer.b")
    seen = referral.version  # both opened the form at this version

    status, _, _ = on_b.post(b + edit, {"meeting": first.pk, "note": "Saved first", "version": seen})
    assert status == 200  # followed the redirect to the referral
    status, _, page = on_a.post(a + edit, {"meeting": second.pk, "note": "Saved second", "version": seen})
    assert status == 409 and "Someone else updated this referral" in page and "Saved second" in page
    referral.refresh_from_db()
    assert referral.meeting == first


def test_failed_logins_on_both_servers_count_towards_one_lockout(two_servers, clinic):
    a, b = two_servers
    staff_member(clinic, "locked.out", [Role.CASE_MANAGER])
    browser = Browser()
    statuses = [browser.log_in(base, "locked.out", password="not-the-password-at-all")[0]
                for base in (a, b, a, b, a)]  # five wrong passwords, spread over the two servers
    assert statuses == [200, 200, 200, 200, 429]  # the fifth, on A, counted the four before it on both
    status, landed, page = browser.log_in(b, "locked.out")  # now even the right password, on B
    assert status == 429 and "Log-in paused" in page
    assert landed == b + reverse("login")  # still on the login page, not logged in


def test_an_import_on_one_server_does_not_break_reads_on_the_other(two_servers, clinic):
    a, b = two_servers
    staff_member(clinic, "admin.import", [Role.CLINIC_ADMIN])
    program = ProgramFactory(slug="side-by-side-aa")
    for _ in range(3):
        patient_with_team(clinic)
    feed = json.dumps([feed_entry(f"meeting-{n:04d}") for n in range(1500)]).encode()
    admin, reader = Browser(), Browser()
    admin.log_in(a, "admin.import")
    reader.log_in(b, "admin.import")
    result = {}

    def run_import():
        result["import"] = admin.post(a + reverse("referrals:meeting_import"),
                                      {"program": program.pk, "source": "Side by side"},
                                      files={"feed": ("feed.json", feed)})

    importing = threading.Thread(target=run_import)
    importing.start()
    reads = []
    while importing.is_alive() or not reads:
        for path in (reverse("patients:list"), reverse("referrals:meeting_list"), reverse("home")):
            reads.append(reader.get(b + path)[0])
    importing.join()
    assert set(reads) == {200}, reads
    assert result["import"][0] == 200
    assert Meeting.objects.filter(program=program, clinic=clinic, is_active=True).count() == 1500
