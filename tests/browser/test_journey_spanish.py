"""In a real browser: a patient whose language is Spanish (issue 17).

Jordan (peer specialist) works in English. Rosa's preferred language is Spanish. Jordan prints Rosa's wellness
plan, the handout for her first SMART Recovery meeting and her copy of the consent to share with the group: each
sheet comes out in Spanish, inside Jordan's English pages, and each says so to Jordan. Jordan gives Rosa her
personal link; Rosa opens it on her phone (390 px) and reads it in Spanish. axe finds no serious or critical
problem on any of these pages, and the language each page declares (``<html lang>``, and ``lang`` on the printed
sheet) is the language it is written in.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from patients.models import Role
from referrals.lifecycle import ReferralStatus
from referrals.models import Program

from ..factories.patients import TEST_PASSWORD, patient_with_team
from ..factories.referrals.conversations import ConsentFactory, FirstMeetingPlanFactory, ReferralFactory
from ..factories.referrals.directory import MeetingFactory
from ..factories.wellness import SupportFactory, WellnessGoalFactory, WellnessPlanFactory
from .journeys import CLINIC_ZONE, clinic_directory, clinic_today

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_english_speaking_peer_prints_in_spanish_and_rosa_reads_her_page_in_spanish(visit):
    clinic, staff = clinic_directory()
    peer = staff[Role.PEER_SPECIALIST]
    rosa = patient_with_team(clinic, peer=peer, first_name="Rosa", last_name="Quintanilla", mrn="RB-1717",
                             preferred_language="Spanish")
    plan = WellnessPlanFactory(patient=rosa, vision="Estar tranquila y presente con mis hijos.",
                               daily_goals="Tomar mi medicamento y caminar un rato.")
    WellnessGoalFactory(plan=plan, goal="Caminar con Ana los domingos", dimension="physical")
    SupportFactory(plan=plan, name="Ana", relationship="hermana", call_in_crisis=True, how_to_reach="(217) 555-0188")
    in_a_week = clinic_today() + datetime.timedelta(days=7)
    meeting = MeetingFactory(
        clinic=clinic, program=Program.objects.get(slug="smart-recovery"), time_zone=CLINIC_ZONE,
        name="SMART Recovery Riverside", slug="smart-riverside", days=str(in_a_week.isoweekday() % 7),
        start_time=datetime.time(18, 30), end_time=datetime.time(20, 0), type_codes=",O,S,", languages=",Spanish,")
    referral = ReferralFactory(patient=rosa, program=meeting.program, meeting=meeting, referred_by=peer,
                               status=ReferralStatus.REFERRED)
    FirstMeetingPlanFactory(referral=referral, companion=peer, meeting=meeting, planned_for=in_a_week,
                            meet_at="La entrada de la clínica")

    jordan = visit("peer").login(peer.username, TEST_PASSWORD)

    # Rosa's wellness plan, printed in Spanish from Jordan's English page. -------------------------------------
    page = jordan.goto(f"/patients/{rosa.public_id}/wellness/")
    page.get_by_role("link", name="Print view").click()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("link", name="Back to the plan")).to_be_visible()
    expect(page.get_by_text("Printed in the patient's language: español.")).to_be_visible()
    sheet = page.locator("article.print-sheet")
    assert sheet.get_attribute("lang") == "es"
    expect(sheet.get_by_role("heading", name="Mi plan de bienestar")).to_be_visible()
    expect(sheet).to_contain_text("Cuando estoy bien, mi vida es así")
    expect(sheet).to_contain_text("Parte de mi bienestar físico")
    expect(sheet).to_contain_text("Si necesito ayuda ahora mismo")
    expect(sheet).not_to_contain_text("My wellness plan")
    jordan.check("wellness plan printed in Spanish")

    # The handout for her first meeting. ----------------------------------------------------------------------
    page = jordan.goto(f"/patients/{rosa.public_id}/support/referrals/{referral.pk}/")
    page.get_by_role("link", name="Print handout for the patient").click()
    assert page.locator("html").get_attribute("lang") == "en"
    sheet = page.locator("article.handout")
    assert sheet.get_attribute("lang") == "es"
    expect(sheet.get_by_role("heading", name="Su primera reunión de SMART Recovery")).to_be_visible()
    expect(sheet).to_contain_text("18:30 a 20:00")
    expect(sheet).to_contain_text("Idioma: Español")
    expect(sheet).to_contain_text("Las reuniones duran entre 60 y 90 minutos")
    expect(sheet).to_contain_text(f"{peer.get_full_name()} irá con usted el")
    expect(sheet).not_to_contain_text("6:30 PM")
    jordan.check("handout printed in Spanish")

    # Her copy of the consent she signs to let the clinic tell the group she is coming. ---------------------------
    consent = ConsentFactory(patient=rosa, program=meeting.program, recorded_by=peer,
                             recipient_name="SMART Recovery Riverside (facilitator)")
    page = jordan.goto(f"/patients/{rosa.public_id}/support/consents/{consent.pk}/")
    page.get_by_role("link", name="Print the patient's copy").click()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_text("Printed in the patient's language: español.")).to_be_visible()
    sheet = page.locator("article.consent-copy")
    assert sheet.get_attribute("lang") == "es"
    expect(sheet.get_by_role("heading", name="Su consentimiento para compartir información")).to_be_visible()
    expect(sheet.get_by_role("heading", name="Su derecho a revocarlo")).to_be_visible()
    expect(sheet).to_contain_text("Resumen en palabras sencillas")
    expect(sheet).to_contain_text("Revocarlo no deshace lo que ya se compartió.")
    expect(sheet).to_contain_text("Su firma")
    assert sheet.locator("blockquote").get_attribute("lang") == "en"  # the legal statement, word for word
    expect(sheet).not_to_contain_text("Your consent")
    jordan.check("her consent copy printed in Spanish")

    # Jordan gives Rosa her link, printed. --------------------------------------------------------------------
    page = jordan.goto(f"/patients/{rosa.public_id}/support/referrals/{referral.pk}/")
    page.get_by_role("region", name="The patient's own link").get_by_role(
        "link", name="Give the patient a link").click()
    page.get_by_label("Print it: a QR code and the address on a page for the patient").check()
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", name="The personal link is ready")).to_be_visible()
    sheet = page.get_by_role("region", name="Su página sobre SMART Recovery Riverside")  # the printed sheet, for Rosa
    assert sheet.get_attribute("lang") == "es"
    expect(sheet.get_by_role("img", name="Código QR que abre la misma dirección que aparece abajo")).to_be_visible()
    jordan.check("her link printed in Spanish")
    address = sheet.locator("strong").first.inner_text()

    # Rosa, on her phone. -------------------------------------------------------------------------------------
    phone = visit("patient", width=390)
    page = phone.page
    page.goto(address)
    assert page.locator("html").get_attribute("lang") == "es"
    expect(page).to_have_title("Su reunión")
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", name="SMART Recovery Riverside", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Cuándo")).to_be_visible()
    expect(main).to_contain_text("18:30")
    expect(page.get_by_role("link", name="Agregar a mi calendario")).to_be_visible()
    expect(page.get_by_role("heading", name="Quién le acompaña")).to_be_visible()
    expect(main).to_contain_text("Jordan, de su equipo de atención, va a ir con usted.")
    expect(page.get_by_role("heading", name="Qué esperar en una primera reunión")).to_be_visible()
    expect(page.get_by_role("heading", name="Después de la reunión")).to_be_visible()
    expect(main).not_to_contain_text("Quintanilla")
    phone.check("her meeting page in Spanish")

    # After the meeting she answers, in Spanish.
    after = datetime.datetime.combine(in_a_week, datetime.time(21), tzinfo=zoneinfo.ZoneInfo(CLINIC_ZONE))
    with time_machine.travel(after):
        page.reload()
        page.get_by_role("group", name="¿Fue a la reunión?").get_by_label("Sí, fui").check()
        page.get_by_role("group", name="¿Se sintió bienvenido o bienvenida como persona que toma medicamento?") \
            .get_by_label("Sí, me sentí bienvenido o bienvenida").check()
        page.get_by_role("button", name="Enviar mi respuesta").click()
        expect(page.get_by_role("heading", name="Gracias")).to_be_visible()
        expect(page.get_by_role("main")).to_contain_text("Nos contó que fue.")
        assert page.locator("html").get_attribute("lang") == "es"
        phone.check("her thanks in Spanish")
