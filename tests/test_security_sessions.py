"""Sessions: idle and absolute limits with a warning, ending sessions, and password changes."""

import datetime
import re
from io import StringIO

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from patients.models import StaffMember
from security import sessions
from security.models import StaffSession

from .factories.patients import TEST_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

T0 = 1_900_000_000


def password_login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def test_sessions_are_kept_in_the_database(client, clinician):
    password_login(client, clinician)
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()
    assert StaffSession.objects.get(session_key=key).staff == clinician


def test_idle_staff_are_logged_out_after_fifteen_minutes(client, clinician):
    with time_machine.travel(T0, tick=False):
        password_login(client, clinician)
    with time_machine.travel(T0 + 14 * 60, tick=False):
        assert client.get(reverse("patients:list")).status_code == 200
    # Activity moved the clock: 14 more quiet minutes are fine, 15 are not.
    with time_machine.travel(T0 + 28 * 60, tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(T0 + 43 * 60, tick=False):
        response = client.get(reverse("patients:list"))
        assert response.status_code == 302
        assert response.url == reverse("login") + "?next=%2Fpatients%2F"
        login_page = client.get(response.url).content.decode()
        assert "logged out after 15 minutes without activity" in login_page
        assert client.get(reverse("home")).status_code == 302
    assert not StaffSession.objects.filter(staff=clinician).exists()


@override_settings(SESSION_IDLE_TIMEOUT=5 * 60)
def test_the_idle_limit_is_configurable(client, clinician):
    with time_machine.travel(T0, tick=False):
        password_login(client, clinician)
    with time_machine.travel(T0 + 5 * 60, tick=False):
        assert client.get(reverse("home")).status_code == 302


def test_sessions_end_after_twelve_hours_however_busy(client, clinician):
    with time_machine.travel(T0, tick=False):
        password_login(client, clinician)
    for minutes in range(10, 12 * 60, 10):
        with time_machine.travel(T0 + minutes * 60, tick=False):
            assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(T0 + 12 * 3600, tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert "12-hour limit" in client.get(response.url).content.decode()


def test_pages_tell_the_warning_script_how_long_is_left(client, clinician):
    with time_machine.travel(T0, tick=False):
        password_login(client, clinician)
        body = client.get(reverse("home")).content.decode()
    assert 'data-session-seconds-left="900"' in body
    assert 'data-session-warning-seconds="120"' in body
    assert 'src="/static/js/session-timeout.js"' in body
    with time_machine.travel(T0 + 200, tick=False):
        assert client.get(reverse("security:session_status")).json() == {"seconds_left": 700}


def test_asking_for_the_time_left_is_not_activity_but_stay_logged_in_is(client, clinician):
    with time_machine.travel(T0, tick=False):
        password_login(client, clinician)
    with time_machine.travel(T0 + 800, tick=False):
        assert client.get(reverse("security:session_status")).json() == {"seconds_left": 100}
    with time_machine.travel(T0 + 850, tick=False):
        assert client.get(reverse("security:session_status")).json() == {"seconds_left": 50}
        assert client.post(reverse("security:session_keepalive")).json() == {"seconds_left": 900}
    with time_machine.travel(T0 + 850 + 899, tick=False):
        assert client.get(reverse("patients:list")).status_code == 200


def test_time_left_after_the_session_ended_is_zero(client, clinician):
    with time_machine.travel(T0, tick=False):
        password_login(client, clinician)
    with time_machine.travel(T0 + 900, tick=False):
        assert client.get(reverse("security:session_status")).json() == {"seconds_left": 0}
        assert client.post(reverse("security:session_keepalive")).status_code in (401, 403)


def test_keepalive_needs_the_csrf_token(clinician):
    client = Client(enforce_csrf_checks=True)
    password_login_csrf = client.get(reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', password_login_csrf.content.decode()).group(1)
    client.post(reverse("login"), {"username": clinician.username, "password": TEST_PASSWORD,
                                   "csrfmiddlewaretoken": token})
    assert client.post(reverse("security:session_keepalive")).status_code == 403
    page = client.get(reverse("home")).content.decode()
    token = re.search(r'id="logout-form".*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S).group(1)
    assert client.post(reverse("security:session_keepalive"), HTTP_X_CSRFTOKEN=token).status_code == 200


def test_a_deactivated_account_is_cut_off_on_its_next_request(login, clinician):
    client = login(clinician)
    assert client.get(reverse("home")).status_code == 200
    StaffMember.objects.filter(pk=clinician.pk).update(is_active=False)
    assert client.get(reverse("home")).status_code == 302


def test_clinic_admin_ends_a_staff_members_sessions(client, clinic_admin, clinician, other_clinic):
    laptop, phone = password_login(Client(), clinician), password_login(Client(), clinician)
    password_login(client, clinic_admin)

    edit_page = client.get(reverse("staff:edit", args=[clinician.pk])).content.decode()
    assert reverse("security:staff_end_sessions", args=[clinician.pk]) in edit_page
    security_page = client.get(reverse("security:clinic_security")).content.decode()
    assert re.search(rf"{clinician.username}</div></td>\s*<td[^>]*>.*?</td>\s*<td[^>]*>2</td>", security_page, re.S)

    response = client.post(reverse("security:staff_end_sessions", args=[clinician.pk]),
                           {"next": reverse("staff:edit", args=[clinician.pk])}, follow=True)
    assert "Ended 2 sessions" in response.content.decode()
    for device in (laptop, phone):
        assert device.get(reverse("home")).status_code == 302
    assert client.get(reverse("home")).status_code == 200  # the admin is still in
    assert StaffMember.objects.get(pk=clinician.pk).is_active

    stranger = StaffFactory(clinic=other_clinic)
    stranger_client = password_login(Client(), stranger)
    assert client.post(reverse("security:staff_end_sessions", args=[stranger.pk])).status_code == 404
    assert stranger_client.get(reverse("home")).status_code == 200


def test_only_clinic_admins_end_sessions(login, clinician, peer):
    peer_client = password_login(Client(), peer)
    response = login(clinician).post(reverse("security:staff_end_sessions", args=[peer.pk]))
    assert response.status_code == 403
    assert peer_client.get(reverse("home")).status_code == 200


def test_changing_the_password_ends_every_other_session(client, clinician):
    other_browser = password_login(Client(), clinician)
    password_login(client, clinician)
    response = client.post(reverse("password_change"), {
        "old_password": TEST_PASSWORD,
        "new_password1": "a brand new passphrase for spring", "new_password2": "a brand new passphrase for spring",
    })
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert other_browser.get(reverse("home")).status_code == 302
    # The other session is gone from the server, not only refused.
    assert StaffSession.objects.filter(staff=clinician).count() == 1
    live_keys = set(Session.objects.values_list("session_key", flat=True))
    assert other_browser.cookies["sessionid"].value not in live_keys
    assert client.cookies["sessionid"].value in live_keys


def test_resetting_a_forgotten_password_ends_existing_sessions(client, clinician):
    old_browser = password_login(Client(), clinician)
    client.post(reverse("password_reset"), {"email": clinician.email})
    link = re.search(r"/accounts/password/reset/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": "another long passphrase here",
                           "new_password2": "another long passphrase here"})
    assert StaffMember.objects.get(pk=clinician.pk).check_password("another long passphrase here")
    assert old_browser.get(reverse("home")).status_code == 302
    assert not StaffSession.objects.filter(staff=clinician).exists()
    assert not Session.objects.filter(session_key=old_browser.cookies["sessionid"].value).exists()


def test_end_sessions_counts_only_live_sessions(clinician):
    first = password_login(Client(), clinician)
    password_login(Client(), clinician)
    first.post(reverse("logout"))
    assert sessions.end_sessions(clinician) == 1
    assert not StaffSession.objects.exists()


def test_activity_is_written_at_most_once_a_minute(client, clinician):
    """Busy pages do not rewrite the session row on every request."""
    with time_machine.travel(T0, tick=False):
        password_login(client, clinician)
        client.get(reverse("home"))
    with time_machine.travel(T0 + 30, tick=False):
        before = Session.objects.get(session_key=client.cookies["sessionid"].value).session_data
        client.get(reverse("home"))
        assert Session.objects.get(session_key=client.cookies["sessionid"].value).session_data == before
    with time_machine.travel(T0 + 90, tick=False):
        client.get(reverse("home"))
        session = Session.objects.get(session_key=client.cookies["sessionid"].value).get_decoded()
        assert session[sessions.LAST_SEEN_KEY] == T0 + 90


@pytest.mark.parametrize("next_value", ['"><img src=x onerror=alert(1)>', "https://evil.example/", "//evil.example/"])
def test_going_back_after_ending_sessions_never_leaves_the_product(login, clinic_admin, clinician, next_value):
    """Found by the form fuzzer: a bare word as ``next`` used to end in a server error."""
    response = login(clinic_admin).post(reverse("security:staff_end_sessions", args=[clinician.pk]),
                                        {"next": next_value})
    assert response.status_code == 302
    assert response.url == reverse("security:clinic_security")


def test_clear_staff_sessions_removes_records_of_ended_sessions_only(clinician, peer):
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=13), tick=False):
        closed_browser = password_login(Client(), clinician).cookies["sessionid"].value  # never logged out
    live = password_login(Client(), peer).cookies["sessionid"].value
    StaffSession.objects.create(session_key="gone-from-the-session-table", staff=peer)
    assert StaffSession.objects.count() == 3

    out = StringIO()
    call_command("clear_staff_sessions", stdout=out)

    assert list(StaffSession.objects.values_list("session_key", flat=True)) == [live]
    assert not Session.objects.filter(session_key=closed_browser).exists()
    assert Session.objects.filter(session_key=live).exists()
    assert "Removed 2 ended staff session records." in out.getvalue()


def test_a_session_that_idled_out_no_longer_counts_as_open_and_is_cleared(client, clinic_admin, clinician):
    with time_machine.travel(T0, tick=False):
        idle_browser = password_login(Client(), clinician)
        idle_key = idle_browser.cookies["sessionid"].value
    with time_machine.travel(T0 + 10 * 60, tick=False):
        busy_browser = password_login(Client(), clinician)
    with time_machine.travel(T0 + 20 * 60, tick=False):
        busy_browser.get(reverse("home"))  # activity moves the busy session's idle clock
        assert sessions.live_sessions().filter(staff=clinician).count() == 1  # the first idled out at T0 + 15 min
        password_login(client, clinic_admin)
        security_page = client.get(reverse("security:clinic_security")).content.decode()
        assert re.search(rf"{clinician.username}</div></td>\s*<td[^>]*>.*?</td>\s*<td[^>]*>1</td>", security_page, re.S)

        call_command("clear_staff_sessions", stdout=StringIO())

        assert not Session.objects.filter(session_key=idle_key).exists()
        assert not StaffSession.objects.filter(session_key=idle_key).exists()
    with time_machine.travel(T0 + 30 * 60, tick=False):
        assert busy_browser.get(reverse("home")).status_code == 200
