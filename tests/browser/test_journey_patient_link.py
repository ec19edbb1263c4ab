"""In a real browser: the patient's own link, on a phone (390 px).

Jordan (peer specialist) referred Elena to an online SMART Recovery meeting and, two days ago, gave her a personal
link, printed as a QR code. Last night was the meeting. Elena opens her link on her phone, without an account:
she adds the meeting to her calendar and answers that she went and felt welcome as someone taking medication.
Sam (case manager) then sees her answer on her pathway, as reported by her, and the meeting's rating: with two
other patients' answers, three have now said, so it shows. axe finds no serious or critical problem on her pages.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from patients.models import Role
from referrals.lifecycle import ReferralStatus
from referrals.models import MeetingAttendance, Program, Referral

from ..factories.patients import TEST_PASSWORD, PatientFactory, patient_with_team
from ..factories.referrals.barriers import DoneFollowUpFactory
from ..factories.referrals.conversations import ReferralFactory
from ..factories.referrals.directory import MeetingFactory
from .journeys import CLINIC_ZONE, clinic_directory, clinic_today, expect_pathway, pathway_stop

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_patient_opens_their_link_adds_the_meeting_and_says_they_went(visit):
    clinic, staff = clinic_directory()
    peer, case_manager = staff[Role.PEER_SPECIALIST], staff[Role.CASE_MANAGER]
    elena = patient_with_team(clinic, peer=peer, case_manager=case_manager, first_name="Elena",
                              last_name="Ibarra", mrn="RB-4101")
    yesterday = clinic_today() - datetime.timedelta(days=1)
    meeting = MeetingFactory(
        clinic=clinic, program=Program.objects.get(slug="smart-recovery"), online=True, time_zone=CLINIC_ZONE,
        name="SMART Recovery Evening Online", slug="smart-evening-online",
        days=str(yesterday.isoweekday() % 7), start_time=datetime.time(18, 30), end_time=datetime.time(20, 0),
        type_codes=",O,ONL,", attendance=MeetingAttendance.ONLINE)
    referral = ReferralFactory(patient=elena, program=meeting.program, meeting=meeting, referred_by=peer,
                               status=ReferralStatus.REFERRED)
    for name in ("Ana", "Ben"):  # two other patients already said they felt welcome there
        other = PatientFactory(clinic=clinic, first_name=name)
        went = ReferralFactory(patient=other, program=meeting.program, meeting=meeting, referred_by=peer,
                               status=ReferralStatus.REFERRED)
        DoneFollowUpFactory(patient=other, assigned_to=case_manager, felt_welcome="yes").attended_referrals.add(went)

    # Two days ago, Jordan gives Elena her link, printed with a QR code. ------------------------------------
    two_days_ago = datetime.datetime.combine(yesterday - datetime.timedelta(days=1), datetime.time(10),
                                             tzinfo=zoneinfo.ZoneInfo(CLINIC_ZONE))
    with time_machine.travel(two_days_ago):
        jordan = visit("peer").login(peer.username, TEST_PASSWORD)
        page = jordan.goto(f"/patients/{elena.public_id}/support/referrals/{referral.pk}/")
        page.get_by_role("region", name="The patient's own link").get_by_role(
            "link", name="Give the patient a link").click()
        jordan.check("give the patient a link")
        page.get_by_label("Print it: a QR code and the address on a page for the patient").check()
        page.get_by_role("button", name="Make the link").click()
        expect(page.get_by_role("heading", name="The personal link is ready")).to_be_visible()
        expect(page.get_by_role("img", name="QR code that opens the same address as below")).to_be_visible()
        jordan.check("the link to print")
        address = page.get_by_role("region", name="Your page about SMART Recovery Evening Online") \
            .locator("strong").first.inner_text()
    assert "/p/" in address

    # Elena, on her phone, after the meeting. ---------------------------------------------------------------
    phone = visit("patient", width=390)
    page = phone.page
    page.goto(address)
    expect(page.get_by_role("heading", name="SMART Recovery Evening Online", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("6:30 PM")
    expect(page.get_by_role("link", name="Join the meeting online")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Ibarra")
    phone.check("her meeting page")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar").click()
    ics = open(download.value.path(), encoding="utf-8").read()
    assert "BEGIN:VEVENT" in ics and "SMART Recovery Evening Online" in ics and "Elena" not in ics
    page.get_by_role("group", name="Did you go?").get_by_label("Yes, I went").check()
    page.get_by_role("group", name="Did you feel welcome as someone taking medication?").get_by_label(
        "Yes, I felt welcome").check()
    page.get_by_label("Anything you'd like to tell us? (optional)").fill("People were kind; I'll go again.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("You told us you went.")
    phone.check("thank you")

    # Sam sees it on Elena's pathway, as reported by her, and the meeting's rating. --------------------------
    sam = visit("case-manager").login(case_manager.username, TEST_PASSWORD)
    page = sam.goto(elena.get_absolute_url())
    expect_pathway(page, {"4": "Done", "5": "Done"})
    expect(pathway_stop(page, "5")).to_contain_text("First meeting attended")
    stop5 = page.get_by_role("region", name="Stop 5 · Barriers and follow-up")
    expect(stop5).to_contain_text("reported by the patient through their personal link: went")
    expect(stop5).to_contain_text("felt welcome as someone taking medication: yes, felt welcome")
    expect(stop5).to_contain_text("“People were kind; I'll go again.”")
    sam.check("pathway with the patient's answer")
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.FIRST_MEETING_ATTENDED
    page = sam.goto(meeting.get_absolute_url())
    expect(page.get_by_test_id("meeting-rating")).to_contain_text(
        "3 of 3 patients felt welcome here as someone taking medication")
    sam.check("meeting with its rating")
