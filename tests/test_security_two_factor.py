"""Two-factor authentication: staff set it up from their account menu, verify after the password,
a clinic can require it for everyone, and every change needs the password again."""

import base64
import datetime
import importlib
import re
import time

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from patients.models import Clinic
from security import two_factor
from security.models import RecoveryCode, RecoveryCodeDevice, StaffSession

from .factories.patients import TEST_PASSWORD, ClinicFactory, StaffFactory
from .factories.security import AuthenticatorFactory, code_now, plain_recovery_codes, with_two_factor

pytestmark = pytest.mark.django_db

RECOVERY_CODE = re.compile(r"(?<=<li>)[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}(?=</li>)")
SETUP = "/accounts/two-factor/set-up/"
VERIFY = "/accounts/two-factor/verify/"


def password_login(client, user, next_url=None):
    data = {"username": user.username, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def test_staff_member_sets_up_two_factor_from_the_account_menu(client, clinician):
    password_login(client, clinician)
    home = client.get(reverse("home")).content.decode()
    assert reverse("security:two_factor") in home  # in the account menu

    overview = client.get(reverse("security:two_factor")).content.decode()
    assert "Off" in overview and "Set up two-factor authentication" in overview

    page = client.get(reverse("security:two_factor_setup"))
    body = page.content.decode()
    assert page.status_code == 200
    # The QR code is drawn here as SVG (no outside service) and the key is offered for typing.
    qr = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', body)
    assert qr
    assert "<svg" in base64.b64decode(qr.group(1)).decode()
    device = TOTPDevice.objects.get(user=clinician, confirmed=False)
    assert two_factor.secret_for_display(device) in body

    wrong_code = "000000" if code_now(device) != "000000" else "111111"
    wrong = client.post(reverse("security:two_factor_setup"), {"code": wrong_code})
    assert "did not match" in wrong.content.decode()
    assert not two_factor.has_two_factor(clinician)

    with time_machine.travel(time.time() + 5):  # after a wrong code, the next try waits a moment
        response = client.post(reverse("security:two_factor_setup"), {"code": code_now(device)})
    # The codes are in the answer to the set-up itself: shown this once, and kept nowhere in readable form.
    assert response.status_code == 200
    codes = RECOVERY_CODE.findall(response.content.decode())
    assert len(codes) == 10
    assert two_factor.has_two_factor(clinician)
    assert two_factor.recovery_codes_left(clinician) == 10
    assert_kept_only_as_hashes(clinician, codes)
    assert not any(code.replace("-", "") in str(client.session.items()) for code in codes)
    assert client.get(reverse("security:two_factor")).content.decode().count(codes[0]) == 0
    # This session was verified by the set-up itself.
    assert client.get(reverse("patients:list")).status_code == 200


def assert_kept_only_as_hashes(user, codes):
    stored = list(RecoveryCode.objects.filter(device__user=user).values_list("code_hash", flat=True))
    assert len(stored) == len(codes) and not StaticToken.objects.exists()
    for code in codes:
        bare = code.replace("-", "")
        assert not any(bare in value for value in stored)
    assert all(value.startswith("recovery_pbkdf2_sha256$") for value in stored)
    assert len(set(value.split("$")[2] for value in stored)) == len(stored)  # a salt of its own each


def test_recovery_codes_are_kept_only_as_salted_hashes(clinician):
    _, codes = with_two_factor(clinician)
    assert all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}", code) for code in codes)
    assert_kept_only_as_hashes(clinician, codes)
    device = RecoveryCodeDevice.objects.get(user=clinician)
    assert device.verify_token(two_factor.normalise_code(codes[3]))
    assert not device.verify_token(two_factor.normalise_code(codes[3]))  # once only
    assert two_factor.recovery_codes_left(clinician) == 9


def test_codes_made_before_hashing_are_hashed_by_the_migration_and_still_work(client, clinician):
    # Before, django-otp kept the codes as plain text (8 characters) in StaticToken.
    AuthenticatorFactory(user=clinician)
    old_codes = ["abcd2345", "wxyz7654"]
    plain_recovery_codes(clinician, old_codes)
    migration = importlib.import_module("security.migrations.0003_recovery_codes_hashed")
    migration.hash_existing_codes(django_apps, None)
    assert_kept_only_as_hashes(clinician, old_codes)

    password_login(client, clinician)
    response = client.post(VERIFY, {"code": "ABCD-2345"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home") and "1 left" in response.content.decode()


def test_with_two_factor_on_the_password_alone_reaches_no_page(client, clinician):
    device, _ = with_two_factor(clinician)
    response = password_login(client, clinician, next_url=reverse("patients:list"))
    assert response.status_code == 302
    for url in [reverse("home"), reverse("patients:list"), reverse("password_change"), "/django-admin/"]:
        blocked = client.get(url)
        assert blocked.status_code == 302 and blocked.url.startswith(VERIFY), url

    page = client.get(response.url, follow=True)
    assert page.redirect_chain[-1][0].startswith(VERIFY)
    verified = client.post(VERIFY, {"code": code_now(device), "next": reverse("patients:list")})
    assert verified.status_code == 302 and verified.url == reverse("patients:list")
    assert client.get(reverse("patients:list")).status_code == 200


def test_a_code_cannot_be_used_twice(client, clinician):
    device, _ = with_two_factor(clinician)
    code = code_now(device)
    password_login(client, clinician)
    assert client.post(VERIFY, {"code": code}).status_code == 302

    # Someone who saw the code (and knows the password) tries it in another browser.
    from django.test import Client

    intruder = Client()
    password_login(intruder, clinician)
    refused = intruder.post(VERIFY, {"code": code})
    assert refused.status_code == 200
    assert "already been used" in refused.content.decode()
    assert intruder.get(reverse("home")).url.startswith(VERIFY)


def test_the_next_code_works_after_thirty_seconds(client, clinician):
    device, _ = with_two_factor(clinician)
    with time_machine.travel(1_900_000_000, tick=False):
        password_login(client, clinician)
        assert client.post(VERIFY, {"code": code_now(device)}).status_code == 302
        client.post(reverse("logout"))
    with time_machine.travel(1_900_000_031, tick=False):
        password_login(client, clinician)
        assert client.post(VERIFY, {"code": code_now(device)}).status_code == 302


def test_a_recovery_code_works_once(client, clinician):
    _, codes = with_two_factor(clinician)
    password_login(client, clinician)
    response = client.post(VERIFY, {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "9 left" in response.content.decode()
    client.post(reverse("logout"))

    password_login(client, clinician)
    refused = client.post(VERIFY, {"code": codes[0]})
    assert "already been used" in refused.content.decode()


def test_wrong_codes_slow_down_guessing(client, clinician):
    device, _ = with_two_factor(clinician)
    with time_machine.travel(1_900_000_000, tick=False):
        password_login(client, clinician)
        right = code_now(device)
        wrong = "123456" if right != "123456" else "654321"
        client.post(VERIFY, {"code": wrong})
        throttled = client.post(VERIFY, {"code": right})
        assert "Too many wrong codes" in throttled.content.decode()
        assert client.get(reverse("home")).url.startswith(VERIFY)


def test_verify_page_never_redirects_off_site(client, clinician):
    device, _ = with_two_factor(clinician)
    password_login(client, clinician)
    response = client.post(VERIFY, {"code": code_now(device), "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_changing_two_factor_needs_the_password_again(client, clinician):
    with time_machine.travel(1_900_000_000, tick=False):
        password_login(client, clinician)
        # Right after entering the password, set-up opens directly.
        assert client.get(reverse("security:two_factor_setup")).status_code == 200
        device = TOTPDevice.objects.get(user=clinician, confirmed=False)
        client.post(reverse("security:two_factor_setup"), {"code": code_now(device)})
        assert two_factor.has_two_factor(clinician)

    with time_machine.travel(1_900_000_000 + 10 * 60, tick=False):
        response = client.post(reverse("security:two_factor_disable"))
        assert response.status_code == 302 and response.url.startswith(reverse("security:confirm_password"))
        assert two_factor.has_two_factor(clinician)

        wrong = client.post(response.url, {"password": "not my password"})
        assert "not right" in wrong.content.decode()

        confirmed = client.post(response.url, {"password": TEST_PASSWORD})
        assert confirmed.url == reverse("security:two_factor")
        client.post(reverse("security:two_factor_disable"))
        assert not two_factor.has_two_factor(clinician)
        assert not TOTPDevice.objects.filter(user=clinician).exists()
        assert client.get(reverse("patients:list")).status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client, clinician):
    _, old_codes = with_two_factor(clinician)
    password_login(client, clinician)
    client.post(VERIFY, {"code": old_codes[0]})
    response = client.post(reverse("security:recovery_codes_new"))
    new_codes = RECOVERY_CODE.findall(response.content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert two_factor.recovery_codes_left(clinician) == 10
    assert_kept_only_as_hashes(clinician, new_codes)
    client.post(reverse("logout"))
    password_login(client, clinician)
    assert "already been used" in client.post(VERIFY, {"code": old_codes[1]}).content.decode()
    with time_machine.travel(time.time() + 5):  # after a wrong code, the next try waits a moment
        assert client.post(VERIFY, {"code": new_codes[0]}).status_code == 302


def test_setting_up_two_factor_ends_the_other_sessions(client, clinician):
    from django.test import Client

    other = Client()
    password_login(other, clinician)
    password_login(client, clinician)
    client.get(reverse("security:two_factor_setup"))
    device = TOTPDevice.objects.get(user=clinician, confirmed=False)
    client.post(reverse("security:two_factor_setup"), {"code": code_now(device)})
    assert other.get(reverse("home")).url.startswith(reverse("login"))
    assert StaffSession.objects.filter(staff=clinician).count() == 1


# The clinic's rule -------------------------------------------------------------------------------

def test_clinic_admin_requires_two_factor_for_all_staff(client, clinic, clinic_admin, clinician):
    from django.test import Client

    with_two_factor(clinic_admin)
    password_login(client, clinic_admin)
    client.post(VERIFY, {"code": code_now(clinic_admin.totpdevice_set.get())})
    page = client.get(reverse("security:clinic_security"))
    assert page.status_code == 200 and "Require two-factor authentication for all staff" in page.content.decode()

    client.post(reverse("security:clinic_security"), {"require_two_factor": "on"})
    clinic.refresh_from_db()
    assert clinic.require_two_factor

    # A clinician without two-factor logs in and is sent to set it up before anything else.
    staff_client = Client()
    response = password_login(staff_client, clinician, next_url=reverse("patients:list"))
    landing = staff_client.get(response.url)
    assert landing.status_code == 302 and landing.url.startswith(SETUP)
    for url in [reverse("home"), reverse("patients:list"), reverse("security:two_factor")]:
        assert staff_client.get(url).url.startswith(SETUP)
    setup = staff_client.get(landing.url)
    assert "requires two-factor authentication for all staff" in setup.content.decode()

    device = TOTPDevice.objects.get(user=clinician, confirmed=False)
    staff_client.post(SETUP, {"code": code_now(device)})
    assert staff_client.get(reverse("patients:list")).status_code == 200

    # With the rule on, two-factor cannot be turned off.
    staff_client.post(reverse("security:two_factor_disable"))
    assert two_factor.has_two_factor(clinician)


def test_a_new_clinic_requires_two_factor():
    assert Clinic.objects.create(name="Brand New Clinic").require_two_factor
    assert Clinic(name="Unsaved Clinic").require_two_factor


def test_the_database_refuses_optional_two_factor_without_a_reason(clinic):
    with pytest.raises(IntegrityError), transaction.atomic():
        Clinic.objects.filter(pk=clinic.pk).update(two_factor_optional_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Clinic.objects.filter(pk=clinic.pk).update(two_factor_optional_since=None)


def test_clinic_admin_turns_two_factor_off_only_with_a_reason_shown_with_who_and_when(client, clinic_admin):
    clinic = ClinicFactory(name="Strict Clinic", require_two_factor=True)
    clinic_admin.clinic = clinic
    clinic_admin.save()
    with_two_factor(clinic_admin)
    password_login(client, clinic_admin)
    client.post(VERIFY, {"code": code_now(clinic_admin.totpdevice_set.get())})
    page = client.get(reverse("security:clinic_security")).content.decode()
    assert "is <strong>required</strong> for all staff" in page

    # Without a reason, or with too short a reason, nothing changes and the form says why.
    for reason in ("", "   because   "):
        refused = client.post(reverse("security:clinic_security"), {"optional_two_factor_reason": reason})
        assert refused.status_code == 200
        assert "Say why staff may sign in without two-factor" in refused.content.decode()
        assert "is <strong>required</strong> for all staff" in refused.content.decode()
        clinic.refresh_from_db()
        assert clinic.require_two_factor and clinic.two_factor_optional_reason == ""

    reason = "Our outreach van has no phones; staff there sign in on a shared tablet for now."
    with time_machine.travel(datetime.datetime(2026, 3, 4, 15, 0, tzinfo=datetime.UTC)):
        response = client.post(reverse("security:clinic_security"), {"optional_two_factor_reason": reason},
                               follow=True)
    clinic.refresh_from_db()
    assert not clinic.require_two_factor
    assert (clinic.two_factor_optional_by, clinic.two_factor_optional_reason) == (clinic_admin, reason)
    body = response.content.decode()
    assert "Two-factor authentication is optional." in body
    assert "optional</strong> at this clinic since March 4, 2026" in body
    assert f"decided by {clinic_admin}" in body and reason in body

    # Saving another setting keeps the recorded reason; requiring two-factor again clears it.
    client.post(reverse("security:clinic_security"), {"limit_to_caseload": "on"})
    clinic.refresh_from_db()
    assert clinic.limit_to_caseload and clinic.two_factor_optional_reason == reason
    client.post(reverse("security:clinic_security"), {"require_two_factor": "on"})
    clinic.refresh_from_db()
    assert clinic.require_two_factor and clinic.two_factor_optional_reason == ""
    assert clinic.two_factor_optional_by is None and clinic.two_factor_optional_since is None


def test_clinic_rule_change_needs_the_admins_password_again(client, clinic, clinic_admin):
    with time_machine.travel(1_900_000_000, tick=False):
        client.force_login(clinic_admin)
        response = client.post(reverse("security:clinic_security"), {"require_two_factor": "on"})
        assert response.url.startswith(reverse("security:confirm_password"))
        clinic.refresh_from_db()
        assert not clinic.require_two_factor
        client.post(response.url, {"password": TEST_PASSWORD})
        client.post(reverse("security:clinic_security"), {"require_two_factor": "on"})
        clinic.refresh_from_db()
        assert clinic.require_two_factor


def test_only_clinic_admins_see_the_clinic_security_page(login, clinician):
    assert login(clinician).get(reverse("security:clinic_security")).status_code == 403


def test_clinic_admin_resets_two_factor_of_someone_who_lost_their_phone(client, clinic_admin, clinician,
                                                                         other_clinic):
    from django.test import Client

    with_two_factor(clinician)
    their_browser = Client()
    password_login(their_browser, clinician)
    stranger = StaffFactory(clinic=other_clinic)
    with_two_factor(stranger)

    password_login(client, clinic_admin)
    page = client.get(reverse("security:clinic_security")).content.decode()
    assert clinician.username in page and stranger.username not in page

    client.post(reverse("security:staff_reset_two_factor", args=[clinician.pk]))
    assert not two_factor.has_two_factor(clinician)
    assert their_browser.get(reverse("home")).url.startswith(reverse("login"))
    # Another clinic's staff: a 404, and nothing changes.
    assert client.post(reverse("security:staff_reset_two_factor", args=[stranger.pk])).status_code == 404
    assert two_factor.has_two_factor(stranger)


def test_without_two_factor_and_no_clinic_rule_staff_reach_pages(login, clinician):
    client = login(clinician)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("patients:list")).status_code == 200
