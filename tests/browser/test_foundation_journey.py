"""In a real browser: a clinic admin adds a staff member and a patient, then builds the care team."""

import pytest
from playwright.sync_api import expect

from patients.models import Patient, Role

from ..factories.patients import TEST_PASSWORD, ClinicFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_adds_a_patient_and_a_peer_specialist_to_the_care_team(visit):
    clinic = ClinicFactory(name="Riverbend Recovery Clinic")
    admin = StaffFactory(clinic=clinic, username="alex.admin", first_name="Alex", roles=[Role.CLINIC_ADMIN])
    StaffFactory(clinic=clinic, username="jordan", first_name="Jordan", last_name="Lee",
                 roles=[Role.PEER_SPECIALIST])

    v = visit("admin").login(admin.username, TEST_PASSWORD)
    page = v.page
    expect(page.get_by_role("heading", name="Good to see you, Alex")).to_be_visible()
    v.check("home")

    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_role("link", name="Add a patient").click()
    v.check("new patient form")
    page.get_by_label("First name").fill("Elena")
    page.get_by_label("Last name").fill("Ibarra")
    page.get_by_label("Date of birth").fill("2999-01-01")
    page.get_by_label("Medical record number").fill("RB-2001")
    page.get_by_label("Phone").first.fill("(217) 555-0101")
    page.get_by_role("button", name="Save patient").click()
    expect(page.get_by_text("Date of birth cannot be in the future.")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Elena")
    v.check("new patient form with an error")

    page.get_by_label("Date of birth").fill("1988-03-14")
    page.get_by_role("button", name="Save patient").click()
    expect(page.get_by_role("heading", name="Elena Ibarra")).to_be_visible()
    expect(page.get_by_text("No peer support specialist on this team.")).to_be_visible()

    page.get_by_label("Role on the team").select_option(label="Peer support specialist")
    page.get_by_label("Staff member").select_option(label="Jordan Lee")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Jordan Lee joined the care team")).to_be_visible()
    expect(page.get_by_text("No peer support specialist on this team.")).to_have_count(0)
    v.check("patient page with care team")
    assert Patient.objects.get(mrn="RB-2001").has_peer_specialist


def test_patient_list_works_on_a_phone_sized_screen(visit):
    clinic = ClinicFactory(name="Riverbend Recovery Clinic")
    clinician = StaffFactory(clinic=clinic, username="maya", roles=[Role.CLINICIAN])
    from ..factories.patients import PatientFactory

    PatientFactory.create_batch(3, clinic=clinic)
    v = visit("phone", width=390).login(clinician.username, TEST_PASSWORD)
    v.goto("/patients/")
    width = v.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways at 390 px ({width} px wide)"
    v.check("patient list at 390px")
    # The menu collapses behind a button that opens it.
    v.page.get_by_role("button", name="Open menu").click()
    expect(v.page.get_by_role("link", name="Patients", exact=True)).to_be_visible()
