"""The patient's copy of a Part 2 consent (issue 17): a peer whose pages are in English records Rosa's consent to
share with a recovery center and prints her copy; it comes out in Spanish, every element of the consent in plain
words, with a line for her signature. An English-speaking patient gets it in English with the notice word for
word; a language the catalogue lacks falls back to English, and staff are told. Printing it is audited."""

import datetime
import re

import pytest
from django.urls import reverse

from patients.models import AuditAction, AuditEntry, Role
from referrals.models import Audience, InformationCategory, ProgramGroup
from referrals.support.models.consent import PART2_STATEMENT_1

from .factories.patients import CareTeamMemberFactory, PatientFactory
from .factories.referrals.conversations import ConsentFactory, ReferralFactory
from .factories.referrals.directory import ProgramFactory

pytestmark = pytest.mark.django_db


def article(html):
    """The patient's sheet: what is inside <article ...>...</article>, and its lang."""
    match = re.search(r'<article class="[^"]*consent-copy[^"]*" lang="([a-z-]+)">(.*)</article>', html, re.S)
    assert match, "no patient's copy with a lang attribute"
    return match.group(1), match.group(2)


def html_lang(html):
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def patient_of(peer, *, first_name, language):
    patient = PatientFactory(clinic=peer.clinic, first_name=first_name, last_name="Quintanilla",
                             preferred_language=language)
    CareTeamMemberFactory(patient=patient, staff=peer, role=Role.PEER_SPECIALIST)
    return patient


def consent_for(patient, **changes):
    fields = dict(
        program=ProgramFactory(name="Springfield Recovery Center"),
        recipient_name="Springfield Recovery Community Center",
        information_categories=[InformationCategory.IDENTITY, InformationCategory.MEDICATION],
        information_detail="First name and phone number",
        purpose="So the center can welcome you at your first visit",
        how_to_revoke="Give or send the clinic a signed note saying you revoke this consent.",
        signed_on=datetime.date.today(), expires_on=datetime.date(2027, 3, 5),
        expiry_event="the referral ends",
    )
    fields.update(changes)
    return ConsentFactory(patient=patient, **fields)


def print_url(consent):
    return reverse("referrals:consent_print", args=[consent.patient.public_id, consent.pk])


def test_an_english_speaking_patient_gets_every_element_of_the_consent_in_english(login, peer):
    sam = patient_of(peer, first_name="Sam", language="English")
    consent = consent_for(sam)
    page = login(peer).get(print_url(consent)).content.decode()
    lang, sheet = article(page)
    assert lang == "en"
    clinic = peer.clinic.name
    for text in (
        clinic,                                                   # the clinic's name at the top
        "Your consent to share information", "Summary in plain words",
        f"the consent that lets {consent.disclosing_party} share some of your information with Springfield "
        "Recovery Community Center",
        "Who may share it", consent.disclosing_party,
        "Who may receive it", "Springfield Recovery Community Center (Springfield Recovery Center)",
        "What may be shared", "Your name and how to reach you",
        "That you take medication for alcohol use disorder", "In detail: First name and phone number",
        "Nothing else is shared under this consent.",
        "Why", "So the center can welcome you at your first visit",
        "This consent ends on March 5, 2027, or earlier if this happens first: the referral ends",
        "You may revoke (take back) this consent in writing at any time, except to the extent that "
        f"{consent.disclosing_party} (or another lawful holder of the information that is permitted to disclose "
        "it) has already acted in reliance on it.",
        "How to revoke: Give or send the clinic a signed note saying you revoke this consent.",
        "It does not undo what was already shared.",
        "federal confidentiality rules (42 CFR part 2) protect it",
        "in the past 3 years",
        "Signature of the patient", "Date", "Name: Sam Quintanilla",
    ):
        assert text in sheet, text
    # The § 2.32(a) statement given with each disclosure, word for word (as the letter page shows it).
    assert PART2_STATEMENT_1.splitlines()[0] in sheet
    # Only what the patient agreed to share is listed.
    assert "Whether you go to meetings" not in sheet and "Who from the clinic will go with you" not in sheet


def test_rosa_whose_language_is_spanish_gets_her_copy_in_spanish_from_a_peer_whose_pages_are_english(login, peer):
    rosa = patient_of(peer, first_name="Rosa", language="Spanish")
    consent = consent_for(rosa, information_categories=list(InformationCategory.values))
    page = login(peer).get(print_url(consent)).content.decode()
    # The staff page around it stays in the peer's English and says which language the copy is in.
    assert html_lang(page) == "en" and "Back to the consent" in page
    assert "Printed in the patient's language: español." in page
    lang, sheet = article(page)
    assert lang == "es"
    for text in (
        "Su consentimiento para compartir información", "Resumen en palabras sencillas",
        "Quién puede compartirla", consent.disclosing_party,        # as typed on the consent
        "Quién puede recibirla", "Springfield Recovery Community Center",
        "Qué se puede compartir", "Su nombre y cómo comunicarse con usted",
        "El grupo o la reunión que le recomendamos, y por qué",
        "Que usted toma medicamentos para el trastorno por consumo de alcohol",
        "Quién de la clínica le acompañará a su primera reunión", "Si usted va a las reuniones",
        "En detalle: First name and phone number", "Con este consentimiento no se comparte nada más.",
        "Para qué", "Hasta cuándo",
        "Este consentimiento termina el 5 de marzo de 2027, o antes si primero ocurre esto: the referral ends",
        "Su derecho a revocarlo",
        "Usted puede revocar (retirar) este consentimiento por escrito en cualquier momento, excepto en la medida "
        f"en que {consent.disclosing_party}",
        "ya haya actuado con base en él.",
        "Cómo revocarlo: Give or send the clinic",
        "Revocarlo no deshace lo que ya se compartió.",
        "Lo que se le dice a quien la recibe", "las normas federales de confidencialidad (42 CFR parte 2)",
        "El aviso, palabra por palabra (el texto legal está en inglés):",
        "en los últimos 3 años",
        "Su firma", "Fecha", "Nombre: Rosa Quintanilla", "Guarde esta copia, por favor.",
    ):
        assert text in sheet, text
    # The legal statement stays in English, marked as English for screen readers; the rest of the sheet is Spanish.
    assert re.search(r'<blockquote class="[^"]*" lang="en">This record which has been disclosed', sheet)
    for english in ("Your consent", "Who may share it", "What may be shared", "Until when", "Signature of",
                    "You may revoke", "March"):
        assert english not in sheet, english


def test_a_language_with_no_translation_is_printed_in_english_and_staff_are_told(login, peer):
    minh = patient_of(peer, first_name="Minh", language="Vietnamese")
    page = login(peer).get(print_url(consent_for(minh))).content.decode()
    assert "No Vietnamese translation yet: this is printed in English." in page
    lang, sheet = article(page)
    assert lang == "en" and "Your consent to share information" in sheet
    assert "No Vietnamese translation" not in sheet  # the note is for staff, never printed


def test_a_consent_signed_by_a_personal_representative_has_their_signature_line(login, peer):
    rosa = patient_of(peer, first_name="Rosa", language="español")
    consent = consent_for(rosa, signed_by="Marta Quintanilla", signed_by_representative=True,
                          representative_authority="guardian appointed by the county court")
    _lang, sheet = article(login(peer).get(print_url(consent)).content.decode())
    assert "Firmado en nombre de Rosa Quintanilla por un representante personal." in sheet
    assert "Firma del representante personal" in sheet and "Nombre: Marta Quintanilla" in sheet
    assert "Facultad para firmar en su nombre: guardian appointed by the county court" in sheet
    assert "Su firma" not in sheet


def test_a_revoked_consent_says_so_on_the_copy(login, peer):
    sam = patient_of(peer, first_name="Sam", language="")
    consent = consent_for(sam)
    consent.revoke(peer, received_as="handed_in", received_on=datetime.date.today())
    _lang, sheet = article(login(peer).get(print_url(consent)).content.decode())
    assert "This consent was revoked on" in sheet and "Nothing more is shared under it." in sheet


def test_an_al_anon_consent_is_about_someone_close_to_the_patient(login, peer):
    rosa = patient_of(peer, first_name="Rosa", language="Spanish")
    al_anon = ProgramFactory(slug="al-anon-test", name="Al-Anon", audience=Audience.FAMILY_AND_FRIENDS,
                             group=ProgramGroup.TWELVE_STEP)
    consent = consent_for(rosa, program=al_anon, recipient_name="Al-Anon")
    _lang, sheet = article(login(peer).get(print_url(consent)).content.decode())
    assert ("Al-Anon es un grupo para familiares y amistades. Este consentimiento cubre sugerírselo a alguien "
            "cercano a usted; no es un grupo para usted.") in sheet


def test_printing_the_copy_is_in_the_audit_trail_as_a_print(login, peer):
    sam = patient_of(peer, first_name="Sam", language="English")
    consent = consent_for(sam)
    login(peer).get(print_url(consent))
    entry = AuditEntry.objects.get(actor=peer, patient_public_id=sam.public_id)
    assert (entry.action, entry.what) == (AuditAction.PRINT, "referrals:consent_print")


def test_the_consent_page_and_the_letter_offer_the_patients_copy(login, peer):
    sam = patient_of(peer, first_name="Sam", language="English")
    consent = consent_for(sam)
    client = login(peer)
    detail = client.get(reverse("referrals:consent_detail", args=[sam.public_id, consent.pk])).content.decode()
    assert f"href=\"{print_url(consent)}\">Print the patient's copy</a>" in detail
    referral = ReferralFactory(patient=sam, program=consent.program, referred_by=peer, status="referred")
    letter = client.get(reverse("referrals:letter", args=[sam.public_id, referral.pk])).content.decode()
    assert f'href="{print_url(consent)}">print the copy of the consent to share with' in letter
