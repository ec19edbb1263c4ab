"""Password reset without leaking links, limits on reset e-mails, and password guessing spread over many
addresses: each account is slowed (never locked), and the browser its owner uses is not slowed at all."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from security import limits

from .factories.patients import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def log_in(client, username, password, address):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


# Password reset: never into the log -------------------------------------------------------------------

def settings_value(name, **environment):
    """Import the production settings in a fresh interpreter with this environment; the value of ``name``, or
    the error that stopped the import."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DEBUG", "EMAIL_HOST", "PASSWORD_RESET_BY_EMAIL", "DJANGO_SETTINGS_MODULE"}}
    env.update(SECRET_KEY="a-long-production-like-secret-for-this-check-only-0123456789", **environment)
    code = f"import maud_pathways.settings as s; print(s.{name})"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    return done.stdout.strip() if done.returncode == 0 else done.stderr


def test_without_an_email_server_password_reset_is_off_by_default():
    assert settings_value("PASSWORD_RESET_BY_EMAIL") == "False"
    assert settings_value("PASSWORD_RESET_BY_EMAIL", EMAIL_HOST="smtp.clinic.example") == "True"
    assert settings_value("EMAIL_BACKEND", EMAIL_HOST="smtp.clinic.example").endswith("smtp.EmailBackend")


def test_turning_reset_on_without_an_email_server_refuses_to_start():
    refused = settings_value("PASSWORD_RESET_BY_EMAIL", PASSWORD_RESET_BY_EMAIL="1")
    assert "ImproperlyConfigured" in refused
    assert "reset links would be written to the server's log" in refused and "Set EMAIL_HOST" in refused
    # Debugging on a laptop, the console is where the link should go.
    assert settings_value("PASSWORD_RESET_BY_EMAIL", PASSWORD_RESET_BY_EMAIL="1", DEBUG="1") == "True"


@override_settings(PASSWORD_RESET_BY_EMAIL=False)
def test_with_reset_off_the_login_page_says_what_to_do_and_no_email_is_sent(client, clinician):
    login_page = client.get(reverse("login")).content.decode()
    assert "Password reset by e-mail is switched off on this server" in login_page
    assert reverse("password_reset") not in login_page

    response = client.post(reverse("password_reset"), {"email": clinician.email})
    assert response.status_code == 404
    assert "ask your clinic admin" in response.content.decode()
    assert mail.outbox == []
    # A link made while it was on no longer opens a form either.
    assert client.get(reverse("password_reset_confirm", args=["MQ", "set-password"])).status_code == 404


def test_with_reset_on_the_login_page_offers_it(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


# Password reset: limits -----------------------------------------------------------------------------------

def test_reset_emails_are_limited_per_email_address(client, clinician):
    for attempt in range(limits.RESET_PER_EMAIL):
        response = client.post(reverse("password_reset"), {"email": clinician.email},
                               REMOTE_ADDR=f"198.51.100.{attempt}")
        assert response.status_code == 302
    refused = client.post(reverse("password_reset"), {"email": clinician.email.upper()}, REMOTE_ADDR="198.51.100.9")
    assert refused.status_code == 429
    assert "Too many password-reset requests" in refused.content.decode()
    assert len(mail.outbox) == limits.RESET_PER_EMAIL

    # An hour later the count starts again.
    with time_machine.travel(time.time() + limits.RESET_WINDOW + 1):
        assert client.post(reverse("password_reset"), {"email": clinician.email}).status_code == 302
    assert len(mail.outbox) == limits.RESET_PER_EMAIL + 1


def test_reset_requests_are_limited_per_address_whether_or_not_the_account_exists(client, clinician):
    for attempt in range(limits.RESET_PER_ADDRESS):
        response = client.post(reverse("password_reset"), {"email": f"nobody{attempt}@clinic.example"},
                               REMOTE_ADDR="2001:db8:5:6::1")
        assert response.status_code == 302
    # The same /64, a real account: refused the same way, nothing sent.
    refused = client.post(reverse("password_reset"), {"email": clinician.email}, REMOTE_ADDR="2001:db8:5:6::99")
    assert refused.status_code == 429 and mail.outbox == []
    # Elsewhere it works.
    assert client.post(reverse("password_reset"), {"email": clinician.email},
                       REMOTE_ADDR="203.0.113.50").status_code == 302
    assert len(mail.outbox) == 1


# Guessing from many addresses ----------------------------------------------------------------------------

def test_guessing_one_account_from_many_addresses_is_slowed_then_the_right_password_waits_too(client, clinician):
    # The probe: 4 wrong passwords from each of 5 addresses (under django-axes' 5 per address) ...
    for attempt in range(20):
        response = log_in(client, clinician.username, f"guess {attempt}", f"203.0.113.{attempt // 4}")
        if attempt < limits.FREE_FAILURES:
            assert response.status_code == 200 and "correct username and password" in response.content.decode()
    # ... then the right one from a 6th address is no longer let straight in.
    slowed = log_in(client, clinician.username, TEST_PASSWORD, "203.0.113.200")
    assert slowed.status_code == 200 and "_auth_user_id" not in client.session
    assert "many wrong passwords recently" in slowed.content.decode()
    # Waiting is all it takes: the account is slowed, not locked.
    with time_machine.travel(time.time() + limits.MAX_WAIT + 1):
        assert log_in(client, clinician.username, TEST_PASSWORD, "203.0.113.200").status_code == 302


def test_the_wait_grows_with_each_wrong_password_up_to_five_minutes(client, clinician):
    start = 1_900_000_000
    with time_machine.travel(start, tick=False):
        for attempt in range(limits.FREE_FAILURES):
            log_in(client, clinician.username, f"guess {attempt}", f"192.0.2.{attempt}")
        assert limits.seconds_to_wait(_request(), clinician.username) == 1
    now = start
    for wait in (1, 2, 4, 8):
        now += wait
        with time_machine.travel(now, tick=False):
            assert limits.seconds_to_wait(_request(), clinician.username) == 0
            log_in(client, clinician.username, "another guess", f"192.0.2.{100 + wait}")
            assert limits.seconds_to_wait(_request(), clinician.username) == wait * 2
    with time_machine.travel(now, tick=False):
        for _ in range(40):
            limits.record_failure(clinician.username)
        assert limits.seconds_to_wait(_request(), clinician.username) == limits.MAX_WAIT


def _request():
    from django.test import RequestFactory

    return RequestFactory().get("/")


def test_attempts_during_the_wait_are_not_checked_and_do_not_count(client, clinician):
    with time_machine.travel(1_900_000_000, tick=False):
        for attempt in range(limits.FREE_FAILURES + 3):
            log_in(client, clinician.username, f"guess {attempt}", f"192.0.2.{attempt}")
        count = limits.cache.get(limits._failures_key(clinician.username))["count"]
        for _ in range(5):
            assert "wait" in log_in(client, clinician.username, "more", "192.0.2.77").content.decode()
        assert limits.cache.get(limits._failures_key(clinician.username))["count"] == count


def test_the_browser_the_staff_member_logs_in_with_is_never_slowed(client, clinician):
    their_browser = Client()
    assert log_in(their_browser, clinician.username, TEST_PASSWORD, "203.0.113.10").status_code == 302
    cookie = their_browser.cookies[limits.KNOWN_BROWSER_COOKIE]
    assert cookie["httponly"] and clinician.username not in cookie.value
    their_browser.post(reverse("logout"))

    attacker = Client()
    for attempt in range(20):
        log_in(attacker, clinician.username, f"guess {attempt}", f"198.51.100.{attempt // 4}")
    assert "wait" in log_in(attacker, clinician.username, TEST_PASSWORD, "198.51.100.99").content.decode()

    # Their own browser, from the clinic's network, gets straight in.
    assert log_in(their_browser, clinician.username, TEST_PASSWORD, "203.0.113.10").status_code == 302
    # And the right password cleared the count for everyone.
    assert limits.seconds_to_wait(_request(), clinician.username) == 0


def test_a_forged_known_browser_cookie_does_not_help(client, clinician):
    for attempt in range(20):
        log_in(client, clinician.username, f"guess {attempt}", f"198.51.100.{attempt // 4}")
    client.cookies[limits.KNOWN_BROWSER_COOKIE] = '["' + limits._browser_tag(clinician.username) + '"]'
    assert "wait" in log_in(client, clinician.username, TEST_PASSWORD, "198.51.100.99").content.decode()


def test_django_admin_login_is_slowed_the_same_way(client, clinician):
    for attempt in range(limits.FREE_FAILURES + 4):
        client.post(reverse("admin:login"), {"username": clinician.username, "password": f"guess {attempt}"},
                    REMOTE_ADDR=f"198.51.100.{attempt // 4}")
    response = client.post(reverse("admin:login"), {"username": clinician.username, "password": TEST_PASSWORD},
                           REMOTE_ADDR="198.51.100.99")
    assert "wait" in response.content.decode() and "_auth_user_id" not in client.session


def test_guessing_an_unknown_username_looks_the_same(client):
    for attempt in range(limits.FREE_FAILURES + 2):
        log_in(client, "no.such.person", f"guess {attempt}", f"198.51.100.{attempt // 4}")
    assert "wait" in log_in(client, "no.such.person", "x" * 12, "198.51.100.99").content.decode()
