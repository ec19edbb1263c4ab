"""42 CFR Part 2: consents with every element, letters only under an active consent, disclosures and revocation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from referrals.models import Consent, Disclosure, InformationCategory, ProgramGroup
from referrals.support.models.consent import PART2_NOTICE, record_disclosure

from .factories.dates import today
from .factories.patients import PatientFactory
from .factories.referrals.conversations import ConsentFactory, ReferralFactory
from .factories.referrals.directory import ProgramFactory

pytestmark = pytest.mark.django_db



@pytest.fixture
def rco():
    return ProgramFactory(slug="rco", name="Recovery community organization", group=ProgramGroup.PEER_RUN_CENTER)


@pytest.fixture
def patient(peer):
    return PatientFactory(clinic=peer.clinic, first_name="Elena", last_name="Ibarra", phone="(217) 555-0101")


@pytest.fixture
def referral(patient, peer, rco):
    return ReferralFactory(patient=patient, program=rco, referred_by=peer, status="referred")


def consent_data(program, **overrides):
    data = {
        "program": program.pk, "recipient_name": "Springfield Recovery Community Center",
        "disclosing_party": "Riverbend Test Clinic",
        "information_categories": [InformationCategory.IDENTITY, InformationCategory.REFERRAL],
        "information_detail": "First name, phone number, the group chosen",
        "purpose": "So the center can call and welcome the patient",
        "expires_on": (today() + datetime.timedelta(days=90)).isoformat(), "expiry_event": "",
        "right_to_revoke_explained": "on", "signed_by": "Elena Ibarra", "signed_on": today().isoformat(),
    }
    data.update(overrides)
    return data


def test_letter_to_an_rco_is_refused_until_consent_then_logged_with_the_notice(login, peer, patient, referral, rco):
    client = login(peer)
    letter_url = reverse("referrals:letter", args=[patient.public_id, referral.pk])

    refused = client.get(letter_url)
    assert "Not allowed without consent" in refused.content.decode()
    assert client.post(letter_url, {}).status_code == 403
    assert not Disclosure.objects.exists()

    response = client.post(reverse("referrals:consent_new", args=[patient.public_id])
                           + f"?program={rco.pk}&referral={referral.pk}", consent_data(rco))
    consent = Consent.objects.get(patient=patient)
    assert response.url == letter_url
    assert consent.recorded_by == peer and consent.is_active

    response = client.post(letter_url, {"consent": consent.pk})
    disclosure = Disclosure.objects.get()
    assert response.url == reverse("referrals:disclosure_letter", args=[patient.public_id, disclosure.pk])
    assert (disclosure.consent, disclosure.referral, disclosure.disclosed_by) == (consent, referral, peer)
    assert disclosure.recipient_name == "Springfield Recovery Community Center"
    assert "Elena Ibarra" in disclosure.information and "(217) 555-0101" in disclosure.information
    assert "medication" not in disclosure.information.lower()  # not ticked on the consent

    page = client.get(response.url).content.decode()
    assert "42 CFR part 2" in page
    assert PART2_NOTICE.split(".")[0] in page
    assert "Elena Ibarra consented on" in page  # the consent summary travels with the disclosure


@pytest.mark.parametrize("overrides, field, message", [
    ({"recipient_name": ""}, "recipient_name", "required"),
    ({"disclosing_party": ""}, "disclosing_party", "required"),
    ({"information_categories": []}, "information_categories", "required"),
    ({"information_detail": ""}, "information_detail", "required"),
    ({"purpose": ""}, "purpose", "required"),
    ({"right_to_revoke_explained": ""}, "right_to_revoke_explained", "required"),
    ({"expires_on": ""}, "expires_on", "required"),
    ({"signed_by": ""}, "signed_by", "required"),
    ({"signed_on": ""}, "signed_on", "required"),
    ({"expires_on": "2020-01-01"}, "expires_on", "has passed"),
    ({"signed_on": "2999-01-01", "expires_on": "2999-06-01"}, "signed_on", "cannot be in the future"),
])
def test_a_consent_missing_an_element_is_refused(login, peer, patient, rco, overrides, field, message):
    response = login(peer).post(reverse("referrals:consent_new", args=[patient.public_id]),
                                consent_data(rco, **overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert "So the center can call" in response.content.decode() or field == "purpose"
    assert not Consent.objects.exists()


def test_the_database_refuses_a_consent_without_the_right_to_revoke(patient, rco, peer):
    from django.db import IntegrityError, transaction
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentFactory(patient=patient, program=rco, recorded_by=peer, right_to_revoke_explained=False)


def test_revocation_stops_future_disclosures_but_keeps_past_ones(login, peer, patient, referral, rco):
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer)
    first = record_disclosure(consent, by=peer, information="Patient: Elena", referral=referral)
    client = login(peer)
    client.post(reverse("referrals:consent_revoke", args=[patient.public_id, consent.pk]), {"note": "Asked in person"})
    consent.refresh_from_db()
    assert consent.status == Consent.Status.REVOKED and consent.revoked_by == peer
    with pytest.raises(ValidationError, match="revoked"):
        record_disclosure(consent, by=peer, information="Patient: Elena")
    response = client.post(reverse("referrals:letter", args=[patient.public_id, referral.pk]), {"consent": consent.pk})
    assert response.status_code == 403
    assert list(Disclosure.objects.all()) == [first]
    accounting = client.get(reverse("referrals:accounting", args=[patient.public_id])).content.decode()
    assert "Springfield Recovery Community Center" in accounting and "since revoked" in accounting


def test_an_expired_consent_or_one_for_another_program_does_not_allow_a_letter(login, peer, patient, referral, rco):
    expired = ConsentFactory(patient=patient, program=rco, recorded_by=peer,
                             signed_on=today() - datetime.timedelta(days=60),
                             expires_on=today() - datetime.timedelta(days=1))
    ConsentFactory(patient=patient, program=ProgramFactory(), recorded_by=peer)
    assert expired.status == Consent.Status.EXPIRED
    with pytest.raises(ValidationError, match="expired"):
        record_disclosure(expired, by=peer, information="x")
    page = login(peer).get(reverse("referrals:letter", args=[patient.public_id, referral.pk])).content.decode()
    assert "Not allowed without consent" in page
    assert not Disclosure.objects.exists()


def test_a_consent_of_another_patient_cannot_be_used(login, peer, patient, referral, rco):
    stranger = ConsentFactory(patient=PatientFactory(clinic=peer.clinic), program=rco, recorded_by=peer)
    response = login(peer).post(reverse("referrals:letter", args=[patient.public_id, referral.pk]),
                                {"consent": stranger.pk})
    assert response.status_code == 403
    assert not Disclosure.objects.exists()


def test_the_accounting_lists_three_years_of_disclosures(login, peer, patient, rco):
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer,
                             signed_on=today() - datetime.timedelta(days=365 * 4))
    recent = record_disclosure(consent, by=peer, information="Patient: Elena")
    old = record_disclosure(consent, by=peer, information="Patient: Elena (old)")
    Disclosure.objects.filter(pk=old.pk).update(disclosed_at=timezone.now() - datetime.timedelta(days=365 * 3 + 30))
    assert list(Disclosure.objects.filter(patient=patient).for_accounting()) == [recent]
    page = login(peer).get(reverse("referrals:accounting", args=[patient.public_id])).content.decode()
    assert "Patient: Elena" in page and "(old)" not in page


def test_the_handout_without_patient_data_is_always_possible(login, peer, patient, referral):
    page = login(peer).get(reverse("referrals:handout", args=[patient.public_id, referral.pk])).content.decode()
    body = page.split('<article class="handout">')[1]
    assert "Ibarra" not in body and "555-0101" not in body
    assert "Recovery community organization" in body


def disclose_url(patient, consent):
    return reverse("referrals:consent_disclose", args=[patient.public_id, consent.pk])


def test_a_phone_call_under_the_consent_is_logged_in_the_accounting_and_the_audit_trail(login, peer, patient, rco):
    from patients.models import AuditAction, AuditEntry

    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer,
                             signed_on=today() - datetime.timedelta(days=7))
    client = login(peer)
    assert "Log a disclosure made outside the product" in client.get(
        reverse("referrals:consent_detail", args=[patient.public_id, consent.pk])).content.decode()

    call_time = timezone.localtime() - datetime.timedelta(minutes=5)  # a call a few minutes ago
    response = client.post(disclose_url(patient, consent), {
        "method": "phone", "disclosed_on": call_time.date().isoformat(),
        "disclosed_at_time": call_time.strftime("%H:%M"),
        "information": "First name and phone number, so the center can call her",
    }, follow=True)

    assert "Disclosure to Springfield Recovery Community Center logged" in response.content.decode()
    disclosure = Disclosure.objects.get(patient=patient)
    assert (disclosure.method, disclosure.disclosed_by, disclosure.consent) == ("phone", peer, consent)
    assert timezone.localtime(disclosure.disclosed_at) == call_time.replace(second=0, microsecond=0)
    assert disclosure.notice == PART2_NOTICE
    accounting = client.get(reverse("referrals:accounting", args=[patient.public_id])).content.decode()
    assert "First name and phone number" in accounting and "Phone call" in accounting
    letter_url = reverse("referrals:disclosure_letter", args=[patient.public_id, disclosure.pk])
    record = client.get(letter_url).content.decode()
    assert "Record of a disclosure" in record and "Referral to mutual support" not in record
    audit = AuditEntry.objects.get(action=AuditAction.DISCLOSE)
    assert audit.patient_public_id == patient.public_id and audit.detail.endswith("(Phone call)")
    assert "First name" not in audit.detail  # what was shared stays in the accounting, not the audit log


def test_the_printed_letter_is_audited_as_a_disclosure(login, peer, patient, referral, rco):
    from patients.models import AuditAction, AuditEntry

    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer)
    login(peer).post(reverse("referrals:letter", args=[patient.public_id, referral.pk]), {"consent": consent.pk})
    disclosure = Disclosure.objects.get()
    entry = AuditEntry.objects.get(action=AuditAction.DISCLOSE)
    assert entry.patient_public_id == patient.public_id and entry.actor == peer
    assert entry.detail.startswith(f"disclosure {disclosure.pk} to Springfield Recovery Community Center")


@pytest.mark.parametrize("change, message", [
    ({"disclosed_on": (today() + datetime.timedelta(days=1)).isoformat()}, "in the future"),
    ({"disclosed_on": (today() - datetime.timedelta(days=30)).isoformat()}, "nothing disclosed before that"),
    ({"information": ""}, "This field is required"),
    ({"method": "letter"}, "Select a valid choice"),
    ({"disclosed_on": "2026-02-30"}, "Enter a valid date"),
])
def test_a_disclosure_that_cannot_be_right_is_refused_and_the_typing_kept(login, peer, patient, rco, change,
                                                                           message):
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer,
                             signed_on=today() - datetime.timedelta(days=2))
    data = {"method": "email", "disclosed_on": today().isoformat(), "disclosed_at_time": "00:00",
            "information": "Name and e-mail address"} | change
    response = login(peer).post(disclose_url(patient, consent), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    if data["information"]:
        assert "Name and e-mail address" in page
    assert not Disclosure.objects.exists()


def test_no_disclosure_can_be_logged_under_a_revoked_consent(login, peer, patient, rco):
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer)
    consent.revoke(peer)
    client = login(peer)
    assert "Log a disclosure made outside" not in client.get(
        reverse("referrals:consent_detail", args=[patient.public_id, consent.pk])).content.decode()
    response = client.post(disclose_url(patient, consent), {
        "method": "phone", "disclosed_on": today().isoformat(), "disclosed_at_time": "00:00",
        "information": "Name"})
    assert response.status_code == 400
    assert "nothing may be disclosed under it" in response.content.decode()
    assert not Disclosure.objects.exists()
