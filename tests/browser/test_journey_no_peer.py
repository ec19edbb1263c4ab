"""In a real browser: a patient whose care team has no peer support specialist (Stop 3b).

Maya (clinician) signed Marcus's treatment plan with acamprosate and mutual support in it. With no peer on the
team, Sam (case manager) leads the talk about mutual support: he logs the Stop 3b conversation, refers Marcus to
an in-person meeting from the clinic's directory and schedules the follow-up. Sam works on a phone-sized screen
(390 px), as when sitting with the patient; every page must fit it without scrolling sideways.
"""

import datetime

import pytest
from playwright.sync_api import expect

from patients.models import Medication, Role
from referrals.models import MutualSupportConversation

from ..factories.patients import TEST_PASSWORD, patient_with_team
from ..factories.treatment_plans import PlanMedicationFactory, PlanVersionFactory, TreatmentPlanFactory, sign
from .journeys import clinic_directory, clinic_today, expect_pathway, pathway_stop

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_case_manager_leads_stop_3b_when_no_peer_is_on_the_team(visit):
    clinic, staff = clinic_directory()
    clinician, case_manager = staff[Role.CLINICIAN], staff[Role.CASE_MANAGER]
    patient = patient_with_team(clinic, clinician=clinician, case_manager=case_manager,
                                first_name="Marcus", last_name="Reed", mrn="RB-3102")
    plan = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient), includes_mutual_support=True)
    PlanMedicationFactory(version=plan, medication=Medication.ACAMPROSATE, dose="666 mg",
                          schedule="three times a day", prescriber=clinician)
    sign(plan, clinician)
    today = clinic_today()

    # Maya sees that no peer is on the team: Stop 3b, led by her or Sam. --------------------------------------
    maya = visit("clinician").login(clinician.username, TEST_PASSWORD)
    page = maya.page
    page.get_by_role("link", name="Patients", exact=True).click()
    expect(page.get_by_role("row", name="Reed, Marcus")).to_contain_text("No peer specialist")
    maya.check("patient list")
    page.get_by_role("link", name="Reed, Marcus").click()
    stop3 = page.get_by_role("region", name="Stop 3 · Mutual support")
    expect(stop3).to_contain_text("Stop 3b")
    expect(stop3).to_contain_text("Clinician or case manager leads: Sam Whitfield, Maya Okafor")
    expect(page.get_by_text("No peer support specialist on this team.")).to_be_visible()
    # The pathway knows it is 3b, and the talk is Maya's turn as much as Sam's.
    expect_pathway(page, {"1": "Done", "3b": "Not started"}, yours={"3b"})
    expect(pathway_stop(page, "3b")).to_contain_text("Clinician: Maya Okafor")
    expect(pathway_stop(page, "3b")).to_contain_text("Case manager: Sam Whitfield")
    expect(pathway_stop(page, "3a")).to_have_count(0)
    maya.check("patient page, stop 3b")

    # Sam, on a phone-sized screen, talks with Marcus about mutual support. ----------------------------------
    sam = visit("case-manager", width=390).login(case_manager.username, TEST_PASSWORD)
    page = sam.page
    sam.check("case manager home")
    page.get_by_role("button", name="Open menu").click()
    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_role("link", name="Reed, Marcus").click()
    expect_pathway(page, {"3b": "Not started"}, yours={"3b"})
    sam.check("patient page")
    page.get_by_role("region", name="Stop 3 · Mutual support").get_by_role("link", name="Open Stop 3 page").click()
    expect(page.get_by_role("main")).to_contain_text("Clinician or case manager leads")
    sam.check("stop 3 page")
    page.get_by_role("link", name="Log a conversation").click()
    sam.check("conversation form")
    explained = page.get_by_role("group", name="Kinds of groups explained")
    for kind in ("12-step", "Faith-based", "Peer-run recovery center"):
        explained.get_by_label(kind, exact=True).check()
    page.get_by_label("Groups will judge my medication").check()
    page.get_by_role("button", name="Save conversation").click()
    # Nothing is saved half-way: the missing answers are named next to their fields, the ticks are kept.
    expect(page.get_by_role("alert")).to_contain_text("Not saved.")
    expect(page.get_by_text("Say how the concerns raised were addressed.")).to_be_visible()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    expect(explained.get_by_label("Faith-based", exact=True)).to_be_checked()
    assert not MutualSupportConversation.objects.exists()
    sam.check("conversation form with errors")
    page.get_by_label("How the concerns were addressed").fill(
        "Many AA groups welcome people on prescribed medication; we read the group's own statement together.")
    page.get_by_label("Not offered").check()
    page.get_by_label("Agreed next step").fill("Go to the Thursday Big Book meeting")
    page.get_by_label("Next step by").fill((today + datetime.timedelta(days=7)).isoformat())
    # The signed plan decides the drinking goal and MAUD: shown, with a link to the plan, not asked again.
    expect(page.get_by_text("The signed treatment plan (version 1) decides these")).to_be_visible()
    expect(page.get_by_role("link", name="See the treatment plan")).to_be_visible()
    page.get_by_label("Spiritual or religious content").select_option(label="Wants spiritual or faith-based support")
    page.get_by_label("Transportation").select_option(label="Has a car or a reliable ride")
    page.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_text("Conversation logged")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Sam Whitfield (case manager, Stop 3b)")
    sam.check("stop 3 page with the conversation")
    conversation = MutualSupportConversation.objects.get(patient=patient)
    assert (conversation.track, conversation.held_by) == ("3b", case_manager)

    # Sam refers Marcus by hand to the meeting they talked about. -------------------------------------------
    page.get_by_role("link", name="Refer to a group").click()
    sam.check("refer to a group")
    by_hand = page.get_by_role("region", name="Or choose by hand")
    by_hand.get_by_label("Program").select_option(label="Alcoholics Anonymous")
    by_hand.get_by_label("Specific meeting").select_option(
        label="Alcoholics Anonymous: Riverside Big Book (Thursday 7:00 PM, in person)")
    by_hand.get_by_label("Referred", exact=True).check()
    by_hand.get_by_label("Note").fill("Marcus drives; he will go on his own and tell Sam how it went.")
    by_hand.get_by_role("button", name="Add referral").click()
    expect(page.get_by_text("Referral to Riverside Big Book added.")).to_be_visible()
    expect(page.get_by_role("heading", name="Referral to Riverside Big Book")).to_contain_text("Referred")
    sam.check("referral")

    # ...and schedules the follow-up for the week after the meeting. ----------------------------------------
    page.get_by_role("link", name="Marcus Reed").click()
    page.get_by_role("region", name="Stop 5 · Barriers and follow-up").get_by_role(
        "link", name="Follow-ups and engagement").click()
    sam.check("follow-ups, none yet")
    follow_up_on = today + datetime.timedelta(days=10)
    page.get_by_label("Date").fill(follow_up_on.isoformat())
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text(f"Follow-up scheduled for {follow_up_on:%b %-d, %Y}")).to_be_visible()
    sam.check("follow-up scheduled")
    assert patient.follow_ups.get().due_on == follow_up_on

    page.get_by_role("link", name="Marcus Reed").click()
    expect(page.get_by_role("region", name="Stop 4 · Mutual-support options and referral")).to_contain_text(
        "Riverside Big Book")
    expect(page.get_by_role("region", name="Stop 5 · Barriers and follow-up")).to_contain_text(
        f"{follow_up_on:%b %-d, %Y}")
    # Plan signed, Stop 3b talked through with mutual support in the plan, referred: done. No one has started
    # the wellness plan yet (with no peer, it is the care team's), and the follow-up is Sam's, still to come.
    expect(page.get_by_role("region", name="Pathway")).to_contain_text("3 of 5 stops done")
    expect_pathway(page, {"1": "Done", "2": "Not started", "3b": "Done", "4": "Done", "5": "In progress"},
                   yours={"2", "5"})
    expect(pathway_stop(page, "4")).to_contain_text("Riverside Big Book: referred.")
    expect(pathway_stop(page, "5")).to_contain_text("Referred; the first meeting is still to come.")
    sam.check("patient page after stop 3b")
