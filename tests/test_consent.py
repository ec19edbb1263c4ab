"""42 CFR Part 2: consents with every element, letters only under an active consent, disclosures and revocation.

The notices are § 2.32(a)'s statements word for word (2024 final rule), and the consent states the right to
revoke as § 2.31(a)(6) asks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from patients.models import AuditAction, AuditEntry
from referrals.models import Audience, Consent, Disclosure, InformationCategory, ProgramGroup, RevocationReceipt
from referrals.support.models.consent import (
    PART2_STATEMENT_1,
    PART2_STATEMENT_2,
    part2_notice,
    record_disclosure,
)

from .factories.dates import today
from .factories.patients import PatientFactory
from .factories.referrals.conversations import ConsentFactory, ReferralFactory
from .factories.referrals.directory import ProgramFactory

pytestmark = pytest.mark.django_db

# 42 CFR 2.32(a), as amended by the 2024 final rule (89 FR 12626, Feb. 16, 2024), copied from the eCFR text.
STATEMENT_1_VERBATIM = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). "
    "These rules prohibit you from using or disclosing this record, or testimony that describes the information "
    "contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, "
    "State, or local authority, against the patient, unless authorized by the consent of the patient, except as "
    "provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, "
    "the Federal rules prohibit you from making any other use or disclosure of this record unless at least one of "
    "the following applies: "
    "(i) Further use or disclosure is expressly permitted by the written consent of the individual whose "
    "information is being disclosed in this record or as otherwise permitted by 42 CFR part 2. "
    "(ii) You are a covered entity or business associate and have received the record for treatment, payment, or "
    "health care operations, or "
    "(iii) You have received the record from a covered entity or business associate as permitted by 45 CFR part "
    "164, subparts A and E. "
    "A general authorization for the release of medical or other information is NOT sufficient to meet the "
    "required elements of written consent to further use or redisclose the record (see 42 CFR 2.31)."
)


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
        "how_to_revoke": "Give or send the clinic a signed note saying you revoke this consent.",
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
    assert disclosure.notice == PART2_STATEMENT_1  # the full statement unless the setting asks for the short one
    assert "This record which has been disclosed to you is protected by Federal confidentiality rules" in page
    assert "NOT sufficient to meet the required elements of written consent" in page
    assert "Elena Ibarra consented on" in page  # the consent summary travels with the disclosure
    assert "may revoke this consent in writing at any time, except to the extent" in page


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
    ({"how_to_revoke": ""}, "how_to_revoke", "required"),
    ({"signed_by_representative": "on"}, "representative_authority", "what authorises the representative"),
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
    client.post(reverse("referrals:consent_revoke", args=[patient.public_id, consent.pk]),
                {"received_as": "handed_in", "received_on": today().isoformat(), "note": "Signed note in the chart"})
    consent.refresh_from_db()
    assert consent.status == Consent.Status.REVOKED and consent.revoked_by == peer
    assert (consent.revocation_received_as, consent.revocation_received_on) == (RevocationReceipt.HANDED_IN, today())
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
    body = page.split('<article class="handout" lang="en">')[1]  # the patient's language: English
    assert "Ibarra" not in body and "555-0101" not in body
    assert "Recovery community organization" in body


def disclose_url(patient, consent):
    return reverse("referrals:consent_disclose", args=[patient.public_id, consent.pk])


def test_a_phone_call_under_the_consent_is_logged_in_the_accounting_and_the_audit_trail(login, peer, patient, rco):
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
    assert disclosure.notice == part2_notice() == PART2_STATEMENT_1
    accounting = client.get(reverse("referrals:accounting", args=[patient.public_id])).content.decode()
    assert "First name and phone number" in accounting and "Phone call" in accounting
    letter_url = reverse("referrals:disclosure_letter", args=[patient.public_id, disclosure.pk])
    record = client.get(letter_url).content.decode()
    assert "Record of a disclosure" in record and "Referral to mutual support" not in record
    audit = AuditEntry.objects.get(action=AuditAction.DISCLOSE)
    assert audit.patient_public_id == patient.public_id and audit.detail.endswith("(Phone call)")
    assert "First name" not in audit.detail  # what was shared stays in the accounting, not the audit log


def test_the_printed_letter_is_audited_as_a_disclosure(login, peer, patient, referral, rco):
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer)
    login(peer).post(reverse("referrals:letter", args=[patient.public_id, referral.pk]), {"consent": consent.pk})
    disclosure = Disclosure.objects.get()
    entry = AuditEntry.objects.get(action=AuditAction.DISCLOSE)
    assert entry.patient_public_id == patient.public_id and entry.actor == peer
    assert entry.detail.startswith(f"disclosure {disclosure.pk} to Springfield Recovery Community Center")


@pytest.mark.parametrize("change, message", [
    ({"disclosed_on": (today() + datetime.timedelta(days=1)).isoformat()}, "in the future"),
    ({"disclosed_on": (today() - datetime.timedelta(days=30)).isoformat()},
     "must be between the date the consent was signed"),
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


def revoke(consent, by, **kwargs):
    consent.revoke(by, received_as=RevocationReceipt.LETTER, received_on=today(), **kwargs)


def test_nothing_disclosed_after_a_revocation_can_be_logged_under_it(login, peer, patient, rco):
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer)
    revoke(consent, peer)
    Consent.objects.filter(pk=consent.pk).update(revoked_at=timezone.now() - datetime.timedelta(minutes=10))
    client = login(peer)
    response = client.post(disclose_url(patient, consent), {
        "method": "phone", "disclosed_on": today().isoformat(),
        "disclosed_at_time": timezone.localtime().strftime("%H:%M"), "information": "Name"})
    assert response.status_code == 400
    with translation.override("en"):  # Dec 7, 2026, 6:30 PM
        revoked_at = date_format(timezone.localtime(Consent.objects.get().revoked_at), "DATETIME_FORMAT")
    assert (f"The consent to share with {consent.recipient_name} was revoked on {revoked_at}; nothing may be "
            "disclosed under it now.") in response.content.decode()
    assert not Disclosure.objects.exists()


def test_the_refusal_after_a_revocation_is_a_whole_spanish_sentence_for_a_spanish_speaking_peer(
        login, peer, patient, rco):
    """The reason and the moment are worded in the sentence, and the date in the language's own format."""
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer)
    revoke(consent, peer)
    Consent.objects.filter(pk=consent.pk).update(revoked_at=timezone.now() - datetime.timedelta(minutes=10))
    peer.language = "es"
    peer.save()
    response = login(peer).post(disclose_url(patient, consent), {
        "method": "phone", "disclosed_on": today().isoformat(),
        "disclosed_at_time": timezone.localtime().strftime("%H:%M"), "information": "Name"})
    assert response.status_code == 400
    page = response.content.decode()
    with translation.override("es"):
        revoked_at = date_format(timezone.localtime(Consent.objects.get().revoked_at), "DATETIME_FORMAT")
    assert (f"El consentimiento para compartir con {consent.recipient_name} se revocó el {revoked_at}; ya no se "
            "puede divulgar nada en virtud de él.") in page
    assert "was revoked" not in page and "may be disclosed" not in page and " PM" not in revoked_at


def test_a_call_made_while_the_consent_was_active_is_logged_after_it_was_revoked(login, peer, patient, rco):
    """A disclosure made while the consent was active is logged later, dated when it happened."""
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer,
                             signed_on=today() - datetime.timedelta(days=10))
    Consent.objects.filter(pk=consent.pk).update(
        revoked_at=timezone.now() - datetime.timedelta(days=2), revoked_by=peer,
        revocation_received_as=RevocationReceipt.LETTER, revocation_received_on=today() - datetime.timedelta(days=2))
    call = timezone.localtime() - datetime.timedelta(days=5)
    client = login(peer)
    page = client.get(reverse("referrals:consent_detail", args=[patient.public_id, consent.pk])).content.decode()
    assert "you can still log a disclosure made while it was active" in page
    response = client.post(disclose_url(patient, consent), {
        "method": "phone", "disclosed_on": call.date().isoformat(), "disclosed_at_time": call.strftime("%H:%M"),
        "information": "First name, so the center could call"})
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert timezone.localtime(disclosure.disclosed_at).date() == call.date()
    assert disclosure.notice == PART2_STATEMENT_1


def test_a_disclosure_after_expiry_is_refused_but_one_before_it_is_logged(peer, patient, rco):
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer,
                             signed_on=today() - datetime.timedelta(days=30),
                             expires_on=today() - datetime.timedelta(days=3))
    with pytest.raises(ValidationError, match="expired"):
        record_disclosure(consent, by=peer, information="x")
    before = timezone.now() - datetime.timedelta(days=10)
    assert record_disclosure(consent, by=peer, information="x", disclosed_at=before).disclosed_at == before


def test_re_opening_a_letter_after_revocation_is_an_audit_entry(login, peer, patient, referral, rco):
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer)
    disclosure = record_disclosure(consent, by=peer, information="Patient: Elena", referral=referral)
    client = login(peer)
    url = reverse("referrals:disclosure_letter", args=[patient.public_id, disclosure.pk])
    client.get(url)
    assert not AuditEntry.objects.filter(detail__contains="re-opened after the consent was revoked").exists()
    revoke(consent, peer)
    assert client.get(url).status_code == 200
    entry = AuditEntry.objects.get(detail__contains="re-opened after the consent was revoked")
    assert (entry.action, entry.actor, entry.patient_public_id) == (AuditAction.VIEW, peer, patient.public_id)
    assert entry.detail.startswith(f"disclosure {disclosure.pk} to Springfield Recovery Community Center")


def test_the_short_statement_is_chosen_by_the_setting(settings, peer, patient, rco):
    settings.PART2_NOTICE = "statement_2"
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer)
    disclosure = record_disclosure(consent, by=peer, information="Patient: Elena")
    assert disclosure.notice == PART2_STATEMENT_2
    assert PART2_STATEMENT_2 == "42 CFR part 2 prohibits unauthorized use or disclosure of these records."


def test_the_statements_are_the_regulations_words():
    assert " ".join(PART2_STATEMENT_1.split("\n")) == STATEMENT_1_VERBATIM
    assert PART2_STATEMENT_2 == "42 CFR part 2 prohibits unauthorized use or disclosure of these records."


def test_the_consent_states_the_right_to_revoke_in_writing_and_how(login, peer, patient, rco):
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer,
                             how_to_revoke="Write to Riverbend Test Clinic, 12 River St, saying you revoke it.")
    summary = consent.summary()
    assert ("The patient may revoke this consent in writing at any time, except to the extent that Riverbend Test "
            "Clinic (or another lawful holder of the information that is permitted to disclose it) has already "
            "acted in reliance on it. How to revoke: Write to Riverbend Test Clinic, 12 River St") in summary
    form = login(peer).get(reverse("referrals:consent_new", args=[patient.public_id])).content.decode()
    assert "may revoke it in writing, except where it has already been relied on, and how to revoke it" in form
    assert "How the patient may revoke it" in form


def test_a_revocation_records_how_the_written_request_was_received(login, peer, patient, rco):
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=peer)
    url = reverse("referrals:consent_revoke", args=[patient.public_id, consent.pk])
    client = login(peer)
    response = client.post(url, {"received_on": today().isoformat(), "note": "x"})
    assert response.status_code == 400
    assert "How the written revocation was received" in response.content.decode()
    consent.refresh_from_db()
    assert consent.revoked_at is None
    client.post(url, {"received_as": "email", "received_on": today().isoformat()})
    page = client.get(reverse("referrals:consent_detail", args=[patient.public_id, consent.pk])).content.decode()
    assert "E-mail from the patient, received" in page


def test_a_personal_representative_signs_with_name_and_authority(login, peer, patient, rco):
    client = login(peer)
    client.post(reverse("referrals:consent_new", args=[patient.public_id]), consent_data(
        rco, signed_by="Maria Ibarra", signed_by_representative="on",
        representative_authority="guardian appointed by the county court"))
    consent = Consent.objects.get()
    assert consent.signed_by_text == "Maria Ibarra, guardian appointed by the county court, for the patient"
    assert consent.summary().startswith("Maria Ibarra, guardian appointed by the county court, for the patient "
                                        "consented on")


def test_a_consent_to_share_with_al_anon_is_worded_for_someone_close(login, peer, patient):
    al_anon = ProgramFactory(slug="al-anon-test", name="Al-Anon", audience=Audience.FAMILY_AND_FRIENDS,
                             group=ProgramGroup.TWELVE_STEP)
    consent = ConsentFactory(patient=patient, program=al_anon, recorded_by=peer, recipient_name="Al-Anon district")
    assert "this consent covers suggesting it for someone close to the patient" in consent.summary()
    page = login(peer).get(reverse("referrals:consent_detail", args=[patient.public_id, consent.pk]))
    assert "not a group of the patient's own" in page.content.decode()
