"""In a real browser on a phone (390 px): a clinic lead who is also a clinician goes through the clinic's admin
pages and the tables of a patient's record. Every page fits the phone without scrolling sideways, its tables
stack into rows (nothing behind a sideways scroll the keyboard cannot reach), and axe-core finds no serious or
critical violation (``Visit.check``)."""

import pytest
from playwright.sync_api import expect

from patients.models import Role
from referrals.directory.meeting_guide import import_feed
from referrals.support.models.consent import record_disclosure

from ..factories.patients import TEST_PASSWORD, ClinicFactory, EmergencyAccessFactory, StaffFactory, patient_with_team
from ..factories.referrals.barriers import BarrierFactory, InterventionFactory
from ..factories.referrals.conversations import ConsentFactory
from ..factories.referrals.directory import ProgramFactory, feed_entry

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clinic_lead_goes_through_the_admin_pages_and_a_record_on_a_phone(visit):
    clinic = ClinicFactory(name="Riverbend Recovery Clinic")
    lead = StaffFactory(clinic=clinic, username="morgan.lead", first_name="Morgan", last_name="Hale",
                        roles=[Role.CLINIC_ADMIN, Role.CLINICIAN])
    case_manager = StaffFactory(clinic=clinic, first_name="Sam", last_name="Whitfield", roles=[Role.CASE_MANAGER])
    patient = patient_with_team(clinic, clinician=lead, case_manager=case_manager, first_name="Marcus",
                                last_name="Reed")
    barrier = BarrierFactory(patient=patient, owner=case_manager, noted_by=case_manager)
    InterventionFactory(barrier=barrier)
    rco = ProgramFactory(name="Springfield Recovery Community Center")
    consent = ConsentFactory(patient=patient, program=rco, recorded_by=lead)
    record_disclosure(consent, by=lead, information="Name and phone number")
    EmergencyAccessFactory(patient=patient, staff=case_manager, clinic=clinic)
    aa = ProgramFactory(slug="alcoholics-anonymous", name="Alcoholics Anonymous")
    record = import_feed([feed_entry("m1", name="Riverside Big Book"), {"name": "No slug or place"}],
                         clinic=clinic, program=aa, source="Springfield Intergroup")

    v = visit("lead-phone", width=390).login(lead.username, TEST_PASSWORD)
    page = v.page
    v.check("home")
    for path, label in [
        ("/staff/", "staff"), ("/staff/new/", "add a staff member"), ("/staff/audit/", "audit trail"),
        ("/staff/emergency-access/", "emergency access"), ("/staff/security/", "security settings"),
        ("/wellness/questionnaires/", "questionnaires"), ("/wellness/questionnaires/load/", "load a questionnaire"),
        ("/directory/import/", "import a meeting feed"), (f"/directory/import/{record.pk}/", "an import's report"),
        ("/queue/settings/", "follow-up settings"), ("/overview/", "clinic overview"), ("/patients/", "patient list"),
    ]:
        v.goto(path)
        v.check(label)

    # The patient's tables, stacked: each cell says which column it is.
    v.goto(patient.get_absolute_url())
    v.check("patient page")
    v.goto(f"/patients/{patient.public_id}/barriers/")
    expect(page.locator("td[data-label=Owner]").first).to_be_visible()
    v.check("barriers")
    v.goto(f"/patients/{patient.public_id}/support/")
    expect(page.locator("td[data-label=Expires]").first).to_be_visible()
    v.check("stop 3 with consents")
    v.goto(f"/patients/{patient.public_id}/support/disclosures/")
    v.check("accounting of disclosures")

    # Removing someone from the care team asks first, on a page of its own.
    v.goto(patient.get_absolute_url())
    page.get_by_role("button", name=f"Remove {case_manager} as Case manager").click()
    expect(page.get_by_role("heading", name="Remove from the care team?")).to_be_visible()
    v.check("confirm a removal")
    page.get_by_role("button", name="Remove from the care team").click()
    expect(page.get_by_text(f"Removed {case_manager} (case manager) from the care team.")).to_be_visible()
    assert not patient.care_team.filter(staff=case_manager).exists()
