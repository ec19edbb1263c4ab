"""Passwords, argon2 hashing, lockout after repeated failures, and the log of every login attempt."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import override_settings
from django.urls import reverse

from maud_pathways import settings as production_settings

from .factories.patients import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def log_in(client, username, password, address="203.0.113.10"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


# Passwords --------------------------------------------------------------------------------------

@pytest.mark.parametrize("password, problem", [
    ("Short-pass1", "at least 12 characters"),
    ("password1234", "too common"),
    ("123456789012345", "entirely numeric"),
])
def test_weak_passwords_are_refused(clinician, password, problem):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=clinician)
    assert problem in " ".join(refused.value.messages)


@pytest.mark.parametrize("password", [
    "jordanlee2026", "Lee.Jordan!1990", "JORDAN-LEE-2026-2026", "2026jordanjordan", "j0rdanl33!2026",
    "jlee20262026", "jordan.peer.2026",
])
def test_passwords_made_from_ones_own_names_are_refused(peer, password):
    peer.first_name, peer.last_name = "Jordan", "Lee"
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=peer)
    assert "made from your own name" in " ".join(refused.value.messages)


@pytest.mark.parametrize("password", ["jordan walks by the old mill at dawn", "lee-harbour-lantern-77"])
def test_passwords_that_only_mention_a_name_are_fine(peer, password):
    peer.first_name, peer.last_name = "Jordan", "Lee"
    validate_password(password, user=peer)  # no error


def test_a_very_long_password_is_checked_quickly(peer):
    import time

    peer.first_name, peer.last_name = "Aa", "A"
    started = time.monotonic()
    validate_password("a" * 20_000 + "b", user=peer)  # no error: the "b" is not a name
    assert time.monotonic() - started < 2


def test_staff_created_by_a_clinic_admin_cannot_get_a_password_made_from_their_name(login, clinic_admin):
    response = login(clinic_admin).post(reverse("staff:create"), {
        "username": "jordan.lee", "first_name": "Jordan", "last_name": "Lee", "email": "jl@clinic.example",
        "roles": ["peer_specialist"], "password1": "jordanlee2026", "password2": "jordanlee2026",
    })
    assert response.status_code == 200
    assert "made from your own name" in response.content.decode()


def test_long_passphrases_are_welcome(clinician):
    passphrase = "the river bends twice before the old mill and the heron waits " * 3
    validate_password(passphrase, user=clinician)  # no error
    clinician.set_password(passphrase)
    clinician.save()
    assert clinician.check_password(passphrase)


def test_production_settings_hash_passwords_with_argon2id():
    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        encoded = make_password("a long passphrase nobody guesses")
        assert identify_hasher(encoded).algorithm == "argon2"
        assert encoded.startswith("argon2$argon2id$")
        assert check_password("a long passphrase nobody guesses", encoded)
        assert not check_password("a long passphrase nobody guessed", encoded)


# Lockout -------------------------------------------------------------------------------------------

def test_five_wrong_passwords_lock_that_username_from_that_address(client, clinician):
    for attempt in range(4):
        response = log_in(client, clinician.username, f"wrong guess {attempt}")
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()

    fifth = log_in(client, clinician.username, "wrong guess 5")
    assert fifth.status_code == 429
    body = fifth.content.decode()
    assert "Log-in paused" in body and "15 minutes" in body and "MAUD Pathways" in body

    # Even the right password is refused from that address while the lock lasts.
    locked = log_in(client, clinician.username, TEST_PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address_so_nobody_can_lock_a_colleague_out_everywhere(
        client, clinician, peer):
    for attempt in range(5):
        log_in(client, clinician.username, f"wrong {attempt}", address="198.51.100.7")
    assert log_in(client, clinician.username, TEST_PASSWORD, address="198.51.100.7").status_code == 429

    # The real clinician at the clinic's own network still gets in ...
    assert log_in(client, clinician.username, TEST_PASSWORD, address="203.0.113.10").status_code == 302
    client.post(reverse("logout"))
    # ... and another username from the attacker's address is not locked.
    assert log_in(client, peer.username, TEST_PASSWORD, address="198.51.100.7").status_code == 302


def test_the_lock_lifts_after_fifteen_minutes(client, clinician):
    for attempt in range(5):
        log_in(client, clinician.username, f"wrong {attempt}")
    assert log_in(client, clinician.username, TEST_PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=14))
    assert log_in(client, clinician.username, TEST_PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=2))
    assert log_in(client, clinician.username, TEST_PASSWORD).status_code == 302


def test_a_successful_login_resets_the_failure_count(client, clinician):
    for attempt in range(4):
        log_in(client, clinician.username, f"wrong {attempt}")
    assert log_in(client, clinician.username, TEST_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for attempt in range(4):
        assert log_in(client, clinician.username, f"wrong again {attempt}").status_code == 200
    assert log_in(client, clinician.username, TEST_PASSWORD).status_code == 302


@override_settings(BEHIND_TLS_PROXY=True)
def test_behind_the_proxy_only_the_address_the_proxy_saw_counts(client, clinician):
    # An attacker cannot dodge the lock by making up X-Forwarded-For entries: the proxy appends
    # the real address last, and only that one is used.
    for attempt in range(5):
        client.post(reverse("login"), {"username": clinician.username, "password": f"wrong {attempt}"},
                    HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}, 192.0.2.44")
    assert AccessAttempt.objects.get().ip_address == "192.0.2.44"
    response = client.post(reverse("login"), {"username": clinician.username, "password": TEST_PASSWORD},
                           HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.44")
    assert response.status_code == 429


def test_an_ipv6_slash_64_is_one_address_for_the_lockout(client, clinician):
    # One home connection or one rented server gets a whole /64: a fresh address in it is not a fresh start.
    for attempt in range(5):
        log_in(client, clinician.username, f"wrong {attempt}", address=f"2001:db8:1:2::{attempt + 7:x}")
    assert log_in(client, clinician.username, TEST_PASSWORD, address="2001:db8:1:2:ffff::1").status_code == 429
    assert AccessAttempt.objects.get().ip_address == "2001:db8:1:2::"
    # The next /64 is someone else (the clinic's own network, say).
    assert log_in(client, clinician.username, TEST_PASSWORD, address="2001:db8:1:3::1").status_code == 302


# Login log --------------------------------------------------------------------------------------

def test_every_login_attempt_is_logged_without_the_password(client, clinician, caplog):
    caplog.set_level(logging.INFO)
    log_in(client, clinician.username, "not-the-password-xyz")
    attempt = AccessAttempt.objects.get()
    assert "not-the-password-xyz" not in attempt.post_data and "password=****" in attempt.post_data
    log_in(client, clinician.username, TEST_PASSWORD)

    auth_lines = [r.getMessage() for r in caplog.records if r.name == "security.auth"]
    assert auth_lines == [
        "login failed username='dr.okafor' address=203.0.113.10",
        "login succeeded username=dr.okafor address=203.0.113.10",
    ]
    assert "not-the-password-xyz" not in caplog.text
    assert TEST_PASSWORD not in caplog.text

    # django-axes keeps the same attempts in the database for the security officer.
    failure = AccessFailureLog.objects.get()
    assert failure.username == "dr.okafor" and failure.ip_address == "203.0.113.10"
    assert AccessLog.objects.filter(username="dr.okafor", ip_address="203.0.113.10").count() == 1
