"""A patient's material is in the patient's language (issue 17): a peer whose pages are in English prints a wellness
plan and a handout for Rosa, whose language is Spanish, and both come out in Spanish, dates and all; her own
pages, her reminders and the questionnaire taken with her too. A language the catalogue lacks falls back to
English, and staff are told."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from patients.languages import language_code_for, material_language, patient_material
from patients.models import Role, StaffMember
from referrals.models import Program
from referrals.patient_link import messaging
from referrals.patient_link.models import LinkDelivery
from referrals.patient_link.reminders import send_due_reminders
from referrals.patient_link.services import give_link
from referrals.support.handout import handout_for
from wellness.loading import load_definition

from .factories.patients import CareTeamMemberFactory, PatientFactory
from .factories.referrals.conversations import FirstMeetingPlanFactory, ReferralFactory
from .factories.referrals.directory import MeetingFactory
from .factories.wellness import (
    SignAndActionFactory,
    SupportFactory,
    WellnessGoalFactory,
    WellnessPlanFactory,
    answers_at,
    load_shipped_questionnaire,
    shipped_definition_data,
)

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def article(html):
    """The patient's sheet of a print page: what is inside <article ...>...</article>, and its lang."""
    match = re.search(r'<article class="[^"]*" lang="([a-z-]+)">(.*)</article>', html, re.S)
    assert match, "no patient sheet with a lang attribute"
    return match.group(1), match.group(2)


def html_lang(html):
    return re.search(r'<html lang="([^"]+)"', html).group(1)


@pytest.fixture
def rosa(peer):
    patient = PatientFactory(clinic=peer.clinic, first_name="Rosa", last_name="Quintanilla", mrn="RB-1701",
                             preferred_language="Spanish")
    CareTeamMemberFactory(patient=patient, staff=peer, role=Role.PEER_SPECIALIST)
    return patient


@pytest.fixture
def programs(db):
    call_command("load_programs", stdout=None)
    return {p.slug: p for p in Program.objects.shared()}


@pytest.fixture
def smart_referral(rosa, peer, programs):
    meeting = MeetingFactory(clinic=peer.clinic, program=programs["smart-recovery"], name="SMART Martes",
                             days="2", start_time=datetime.time(18, 30), end_time=datetime.time(20, 0))
    return ReferralFactory(patient=rosa, program=programs["smart-recovery"], meeting=meeting, referred_by=peer,
                           status="referred")


# The rule -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("recorded", ["Spanish", "spanish ", "Español", "espanol", "es", "es-MX", "Spanish (Mexico)"])
def test_the_ways_a_record_names_spanish_all_pick_the_spanish_catalogue(recorded):
    assert language_code_for(recorded) == "es"


@pytest.mark.parametrize("recorded", ["Vietnamese", "ASL", "", "e"])
def test_a_language_the_catalogue_lacks_picks_nothing(recorded):
    assert language_code_for(recorded) is None


def test_a_language_without_a_translation_falls_back_to_english_and_staff_are_told(clinic):
    material = material_language(PatientFactory(clinic=clinic, preferred_language="Vietnamese"))
    assert (material.code, material.fell_back) == ("en", True)
    assert material.staff_notice == "No Vietnamese translation yet: this is printed in English."
    with translation.override("es"):  # said in the staff member's language
        assert material.staff_notice == "Todavía no hay traducción al Vietnamese: esto se imprime en inglés."
    english = material_language(PatientFactory(clinic=clinic, preferred_language="English"))
    assert (english.code, english.fell_back, english.staff_notice) == ("en", False, None)


def test_the_patient_language_holds_whatever_the_staff_language(rosa, clinic, smart_referral):
    for staff_language in ("en", "es"):
        with translation.override(staff_language):
            with patient_material(rosa) as material:
                assert material.code == "es"
                assert handout_for(smart_referral).title == "Su primera reunión de SMART Recovery"
            assert translation.get_language() == staff_language  # and back to the staff member's after
    english_patient = PatientFactory(clinic=clinic, preferred_language="English")
    referral = ReferralFactory(patient=english_patient, program=smart_referral.program)
    with translation.override("es"), patient_material(english_patient):
        assert handout_for(referral).title == "Your first SMART Recovery meeting"


# The printed wellness plan --------------------------------------------------------------------------------------

def test_a_peer_whose_pages_are_english_prints_rosas_wellness_plan_in_spanish(login, peer, rosa):
    with time_machine.travel(datetime.datetime(2026, 12, 7, 10, tzinfo=CHICAGO)):
        plan = WellnessPlanFactory(patient=rosa, vision="Estar tranquila con mis hijos", daily_goals="Caminar")
        WellnessGoalFactory(plan=plan, goal="Caminar con Ana los domingos", dimension="physical",
                            target_date=datetime.date(2027, 1, 4))
        SignAndActionFactory(plan=plan, what="El día de pago", kind="trigger")
        SupportFactory(plan=plan, name="Ana", call_in_crisis=True, how_to_reach="(555) 010-0170")
    page = login(peer).get(reverse("wellness:plan_print", args=[rosa.public_id])).content.decode()
    assert html_lang(page) == "en" and "Back to the plan" in page  # the staff member's page
    assert "Printed in the patient's language: español." in page
    lang, sheet = article(page)
    assert lang == "es"
    for text in ("Mi plan de bienestar", "actualizado el 7 de diciembre de 2026", "Cuando estoy bien, mi vida es así",
                 "Pequeñas cosas que quiero hacer cada día", "Mis metas", "Parte de mi bienestar físico",
                 "para el 4 de enero de 2027", "Detonantes y señales de alerta temprana", "Detonante",
                 "Personas y grupos que me apoyan", "Llamar en una crisis", "Si necesito ayuda ahora mismo",
                 "o a Ana: (555) 010-0170", "llame o envíe un mensaje de texto al 988", "Este es su plan."):
        assert text in sheet, text
    for english in ("My wellness plan", "Part of my", "If I need help", "Call in a crisis", "December"):
        assert english not in sheet, english


def test_a_patient_whose_language_has_no_translation_gets_english_and_staff_see_why(login, peer, clinic):
    patient = PatientFactory(clinic=clinic, preferred_language="Vietnamese")
    CareTeamMemberFactory(patient=patient, staff=peer, role=Role.PEER_SPECIALIST)
    WellnessPlanFactory(patient=patient, vision="Peace at home")
    page = login(peer).get(reverse("wellness:plan_print", args=[patient.public_id])).content.decode()
    assert "No Vietnamese translation yet: this is printed in English." in page
    lang, sheet = article(page)
    assert lang == "en" and "My wellness plan" in sheet


def test_a_spanish_speaking_peer_prints_an_english_patients_plan_in_english(login, peer, clinic):
    StaffMember.objects.filter(pk=peer.pk).update(language="es")
    patient = PatientFactory(clinic=clinic, preferred_language="English")
    CareTeamMemberFactory(patient=patient, staff=peer, role=Role.PEER_SPECIALIST)
    WellnessPlanFactory(patient=patient, vision="Peace at home")
    page = login(peer).get(reverse("wellness:plan_print", args=[patient.public_id])).content.decode()
    assert html_lang(page) == "es"
    assert "Se imprime en el idioma del paciente: English." in page
    lang, sheet = article(page)
    assert lang == "en" and "My wellness plan" in sheet and "Mi plan" not in sheet


# The first-meeting handout --------------------------------------------------------------------------------------

def test_the_handout_for_rosa_is_in_spanish_with_the_programs_own_spanish_guide(login, peer, smart_referral):
    tuesday = datetime.date(2026, 12, 8)
    FirstMeetingPlanFactory(referral=smart_referral, companion=peer, meeting=smart_referral.meeting,
                            planned_for=tuesday, meet_at="La entrada de la clínica")
    url = reverse("referrals:handout", args=[smart_referral.patient.public_id, smart_referral.pk])
    page = login(peer).get(url).content.decode()
    assert html_lang(page) == "en" and ">Print</button>" in page
    lang, sheet = article(page)
    assert lang == "es"
    for text in ("Su primera reunión de SMART Recovery", "SMART Recovery es un grupo de ayuda mutua secular",
                 "Dónde y cuándo", "cada martes, 18:30 a 20:00", "Quién irá con usted",
                 "irá con usted el <strong>martes 8 de diciembre</strong>",
                 "Dónde encontrarse: La entrada de la clínica.", "Qué esperar",
                 # the program's own first-meeting guide, in Spanish from programs.json
                 "Las reuniones duran entre 60 y 90 minutos",
                 "SMART Recovery recibe con gusto a las personas que toman medicamentos recetados.",
                 "Lo que se comparte en una reunión se queda en la reunión.", "Si necesita ayuda ahora mismo"):
        assert text in sheet, text
    for english in ("Your first", "Where and when", "every Tuesday", "6:30 PM", "Meetings last about"):
        assert english not in sheet, english


def test_an_al_anon_suggestion_is_for_someone_close_in_spanish_too(login, peer, rosa, programs):
    referral = ReferralFactory(patient=rosa, program=programs["al-anon"], referred_by=peer, status="suggested")
    assert referral.for_someone_close
    page = login(peer).get(reverse("referrals:handout", args=[rosa.public_id, referral.pk])).content.decode()
    _lang, sheet = article(page)
    assert "Al-Anon: un grupo para las personas cercanas a usted" in sheet
    assert "No es una reunión para usted" in sheet
    assert "alcohólico" not in sheet  # never a label for anyone


# The patient's own pages and messages ---------------------------------------------------------------------------

def test_rosas_own_page_opens_in_spanish(client, peer, smart_referral):
    given = give_link(smart_referral, by=peer, delivery=LinkDelivery.PRINTED)
    response = client.get(reverse("referrals:patient_link", args=[given.token]))
    page = response.content.decode()
    assert html_lang(page) == "es" and response["Content-Language"] == "es"
    for text in ("Cuándo", "18:30", "Agregar a mi calendario", "El grupo se reúne cada martes.",
                 "Qué esperar en una primera reunión", "Las reuniones duran entre 60 y 90 minutos",
                 "Esta página es privada"):
        assert text in page, text
    assert not re.search(r"\b(Monday|Tuesday|When|Add to my calendar)\b", page)


def test_the_did_you_go_questions_are_asked_in_spanish(client, peer, smart_referral):
    given = give_link(smart_referral, by=peer, delivery=LinkDelivery.PRINTED)
    with time_machine.travel(given.link.meeting_ends_at + datetime.timedelta(hours=1)):
        url = reverse("referrals:patient_link", args=[given.token])
        page = client.get(url).content.decode()
        assert "¿Fue a la reunión?" in page and "¿Se sintió bienvenido o bienvenida" in page
        response = client.post(url, {"went": "yes"})
        assert response.status_code == 400
        assert "Por favor, elija una respuesta" in response.content.decode()


def test_rosas_reminder_is_written_in_spanish(peer, rosa, programs):
    messaging.outbox.clear()
    rosa.preferred_contact, rosa.phone = "text", "(217) 555-0101"
    rosa.save()
    today = datetime.datetime.now(CHICAGO).date()
    wednesday = today + datetime.timedelta(days=(3 - today.isoweekday()) % 7 + 7)
    meeting = MeetingFactory(clinic=peer.clinic, program=programs["smart-recovery"], name="SMART Miércoles",
                             days="3", start_time=datetime.time(18, 0), end_time=datetime.time(19, 30))
    referral = ReferralFactory(patient=rosa, program=meeting.program, meeting=meeting, referred_by=peer,
                               status="referred")
    before = datetime.datetime.combine(wednesday - datetime.timedelta(days=3), datetime.time(12), tzinfo=CHICAGO)
    with time_machine.travel(before):
        give_link(referral, by=peer, delivery=LinkDelivery.PRINTED, reminders=True)
    day_before = datetime.datetime.combine(wednesday - datetime.timedelta(days=1), datetime.time(10), tzinfo=CHICAGO)
    with translation.override("en"), time_machine.travel(day_before):
        assert len(send_due_reminders().sent) == 1
    (message,) = messaging.outbox
    assert message.body.startswith("Un recordatorio: SMART Miércoles es mañana, miércoles a las 18:00.")
    messaging.outbox.clear()


# The recovery-capital questionnaire -----------------------------------------------------------------------------

def test_the_questionnaire_taken_with_rosa_is_in_spanish_and_scores_the_same(login, peer, rosa):
    questionnaire = load_shipped_questionnaire()
    client = login(peer)
    url = reverse("wellness:assessment_new", args=[rosa.public_id])
    page = client.get(url, {"questionnaire": questionnaire.pk}).content.decode()
    assert html_lang(page) == "en" and "See the results" in page  # the form around it is the peer's
    assert '<legend class="rc-question" lang="es">' in page
    for text in ("Lea cada frase y elija qué tan cierta es para usted",
                 "Tengo esperanza en el rumbo que lleva mi vida.", "Totalmente cierto para mí"):
        assert text in page, text
    assert "I feel hopeful about where my life is heading." not in page
    definition = questionnaire.current_version.parsed
    data = {f"item_{k}": str(v) for k, v in answers_at(definition, 3).items()}
    data.update(questionnaire=questionnaire.pk, taken_on="2026-03-02", notes="")
    response = client.post(url, data)
    assert response.status_code == 302
    assessment = rosa.recovery_assessments.get()
    assert assessment.total == definition.score(answers_at(definition, 3)).total == 3 * len(definition.items)


def test_a_questionnaire_without_the_patients_language_says_so(login, peer, rosa):
    data = shipped_definition_data()
    data.update(slug="english-only", name="English only check-in")
    del data["translations"]
    questionnaire, _version, _changed = load_definition(data)
    page = login(peer).get(reverse("wellness:assessment_new", args=[rosa.public_id]),
                           {"questionnaire": questionnaire.pk}).content.decode()
    assert "This questionnaire has no Spanish text yet: its sentences are shown in English." in page
    assert "I feel hopeful about where my life is heading." in page and 'lang="en"' in page



def test_rosas_calendar_file_is_worded_in_spanish(client, peer, rosa, programs):
    meeting = MeetingFactory(clinic=peer.clinic, program=programs["smart-recovery"], name="SMART en línea",
                             online=True, days="2", start_time=datetime.time(18, 30),
                             conference_url="https://meet.example/smart")
    referral = ReferralFactory(patient=rosa, program=meeting.program, meeting=meeting, referred_by=peer,
                               status="referred")
    given = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED)
    ics = client.get(reverse("referrals:patient_link_calendar", args=[given.token])).content.decode()
    assert "Entrar en línea: https://meet.example/smart" in ics and "Join online" not in ics
