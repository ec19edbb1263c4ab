"""In a real browser: a clinic admin adds a local group no feed lists, on a tablet-sized screen; a clinic admin is
asked before a short download empties a feed; and a peer logs a phone call to the recovery center under the
patient's consent."""

import json

import pytest
from playwright.sync_api import expect

from patients.models import Role
from referrals.directory.meeting_guide import import_feed
from referrals.models import Disclosure, Meeting

from ..factories.patients import TEST_PASSWORD, ClinicFactory, PatientFactory, StaffFactory
from ..factories.referrals.conversations import ConsentFactory
from ..factories.referrals.directory import ProgramFactory, feed_entry

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_adds_a_church_basement_group_by_hand(visit):
    clinic = ClinicFactory(name="Riverbend Recovery Clinic")
    admin = StaffFactory(clinic=clinic, username="alex.admin", roles=[Role.CLINIC_ADMIN])
    ProgramFactory(slug="smart-recovery", name="SMART Recovery")

    v = visit("admin-tablet", width=768).login(admin.username, TEST_PASSWORD)
    page = v.page
    v.goto("/directory/")
    page.get_by_role("link", name="Add a meeting").click()
    page.get_by_label("Program").select_option(label="SMART Recovery")
    page.get_by_label("Name").fill("Thursday SMART at St. Mark's")
    page.get_by_label("Thursday").check()
    page.get_by_label("Starts").fill("18:30")
    page.get_by_role("button", name="Add meeting").click()
    expect(page.get_by_text("Give an address, or an online link or dial-in phone number.")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Thursday SMART at St. Mark's")
    # The "*" of a required field is for the eye; screen readers hear "required" from the field instead.
    expect(page.locator("label[for=id_name] .asteriskField")).to_have_attribute("aria-hidden", "true")
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_attribute("required", "")
    v.check("add a meeting with an error")

    page.get_by_label("Address").fill("12 Elm St, Springfield, IL 62701")
    page.get_by_label("Newcomer").check()
    page.get_by_role("button", name="Add meeting").click()
    expect(page.get_by_role("heading", name="Thursday SMART at St. Mark's")).to_be_visible()
    expect(page.get_by_text("Added by hand")).to_be_visible()
    v.check("meeting added by hand")
    meeting = Meeting.objects.get(clinic=clinic)
    assert meeting.added_by_hand and meeting.days == "4"


def test_peer_logs_a_phone_call_under_the_consent(visit):
    clinic = ClinicFactory(name="Riverbend Recovery Clinic")
    peer = StaffFactory(clinic=clinic, username="jordan", roles=[Role.PEER_SPECIALIST])
    patient = PatientFactory(clinic=clinic, first_name="Elena", last_name="Ibarra")
    consent = ConsentFactory(patient=patient, recorded_by=peer,
                             program=ProgramFactory(slug="rco", name="Recovery community organization"))

    v = visit("peer").login(peer.username, TEST_PASSWORD)
    page = v.page
    v.goto(f"/patients/{patient.public_id}/support/consents/{consent.pk}/")
    page.get_by_label("How").select_option(label="Phone call")
    page.get_by_label("What you shared").fill("First name and phone number, so the center can call her")
    page.get_by_role("button", name="Log disclosure").click()
    expect(page.get_by_text("logged in the accounting")).to_be_visible()
    v.check("consent with a logged phone disclosure")
    assert Disclosure.objects.get().method == "phone"


def test_admin_is_asked_before_a_download_that_came_back_short_empties_a_feed(visit, tmp_path):
    """Issue 16: an empty or cut-short download must never empty the clinic's list without a word."""
    clinic = ClinicFactory(name="Riverbend Recovery Clinic")
    admin = StaffFactory(clinic=clinic, username="alex.admin", roles=[Role.CLINIC_ADMIN])
    aa = ProgramFactory(slug="alcoholics-anonymous", name="Alcoholics Anonymous")
    import_feed([feed_entry(f"m{i}", name=f"Group {i}") for i in range(4)], clinic=clinic, program=aa,
                source="Springfield Intergroup")
    empty, short = tmp_path / "meetings.json", tmp_path / "meetings-short.json"
    empty.write_text("[]")
    short.write_text(json.dumps([feed_entry("m0", name="Group 0")]))

    v = visit("admin").login(admin.username, TEST_PASSWORD)
    page = v.page
    v.goto("/directory/import/")
    page.get_by_label("Program").select_option(label="Alcoholics Anonymous")
    page.get_by_label("Meeting Guide JSON file").set_input_files(str(empty))
    page.get_by_role("button", name="Import meetings").click()
    expect(page.get_by_role("heading", name="Confirm the import of “Springfield Intergroup”")).to_be_visible()
    expect(page.get_by_text("all 4 active meetings of the feed “Springfield Intergroup” inactive")).to_be_visible()
    v.check("empty feed held for confirmation")
    page.get_by_role("button", name="Cancel: change nothing").click()
    expect(page.get_by_text("cancelled: nothing was changed")).to_be_visible()
    assert Meeting.objects.filter(clinic=clinic, is_active=True).count() == 4

    page.get_by_label("Program").select_option(label="Alcoholics Anonymous")
    page.get_by_label("Meeting Guide JSON file").set_input_files(str(short))
    page.get_by_role("button", name="Import meetings").click()
    page.get_by_role("button", name="Import anyway").click()
    expect(page.get_by_text("Tick this box to confirm, or cancel the import.")).to_be_visible()
    v.check("confirmation missing")
    page.get_by_label("Yes, mark 3 of the 4 active meetings of “Springfield Intergroup” inactive").check()
    page.get_by_role("button", name="Import anyway").click()
    expect(page.get_by_text("Import finished: 0 added, 0 updated, 1 unchanged, 3 marked inactive")).to_be_visible()
    v.check("import confirmed")
    assert Meeting.objects.filter(clinic=clinic, is_active=True).count() == 1
