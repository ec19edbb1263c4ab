"""In a real browser: one patient's whole pathway, walked by three staff of the care team.

Maya (clinician) builds and signs the treatment plan with oral naltrexone and mutual support in it (Stop 1).
Jordan (peer support specialist) assesses recovery capital with the shipped questionnaire, turns a gap into a
wellness goal (Stop 2), logs the Stop 3a conversation, refers the patient to a matched online SMART Recovery
meeting (Stop 4) and plans to go along to the first one. Sam (case manager) logs the follow-up that reports
the first meeting attended, records a transportation barrier, adds an intervention and resolves it (Stop 5).

Each staff member works in their own browser context; every page visited is photographed and checked with
axe-core (``check``).
"""

import datetime

import pytest
from playwright.sync_api import expect

from patients.models import Role
from patients.models.treatment_plan import Medication, PlanVersion
from referrals.models import Meeting

from ..factories.patients import TEST_PASSWORD, patient_with_team
from .journeys import clinic_directory, clinic_today, expect_pathway, pathway_stop

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_patient_walks_the_pathway_with_a_peer_specialist(visit):
    clinic, staff = clinic_directory()
    patient = patient_with_team(clinic, clinician=staff[Role.CLINICIAN], peer=staff[Role.PEER_SPECIALIST],
                                case_manager=staff[Role.CASE_MANAGER], first_name="Elena", last_name="Ibarra",
                                mrn="RB-3101")
    patient_path = f"/patients/{patient.public_id}/"
    referral_meeting = Meeting.objects.get(slug="smart-online-evening")
    today = clinic_today()
    in_a_month = (today + datetime.timedelta(days=30)).isoformat()

    # Stop 1 — Maya, the clinician, builds the plan with Elena and signs it. ---------------------------------
    maya = visit("clinician").login(staff[Role.CLINICIAN].username, TEST_PASSWORD)
    page = maya.page
    maya.check("clinician home")
    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_role("link", name="Ibarra, Elena").click()
    expect(page.get_by_role("heading", name="Elena Ibarra", level=1)).to_be_visible()
    # The pathway: nothing done yet; the plan is Maya's to start.
    expect_pathway(page, {"1": "Not started", "2": "Not started", "3a": "Not started", "4": "Not started",
                          "5": "Not started"}, yours={"1"})
    maya.check("patient page before the plan")
    pathway_stop(page, "1").get_by_role("link", name="Start the treatment plan").click()
    maya.check("no treatment plan yet")
    page.get_by_role("button", name="Start the treatment plan").click()
    expect(page.get_by_role("heading", name="Edit draft version 1")).to_be_visible()
    maya.check("draft plan form")

    page.get_by_role("radio", name="Abstinence (no alcohol)").check()
    page.get_by_label("Peer support").check()
    page.get_by_label("Mutual support").check()
    page.get_by_label("Next review date").fill(in_a_month)
    medication = page.get_by_role("group", name="New medication")
    medication.get_by_role("combobox", name="Medication").select_option(label="Naltrexone, oral")
    medication.get_by_label("Dose").fill("50 mg")
    medication.get_by_label("Schedule").fill("once a day")
    medication.get_by_role("combobox", name="Status").select_option(label="Started")
    page.get_by_role("button", name="Save draft").click()
    # A started medication needs its start date: the form says so next to the field and keeps the rest.
    expect(page.get_by_role("alert")).to_contain_text("Not saved.")
    expect(medication.get_by_text("Give the date the medication was started.")).to_be_visible()
    expect(medication.get_by_label("Dose")).to_have_value("50 mg")
    maya.check("draft plan form with an error")
    medication.get_by_label("Start date").fill(today.isoformat())
    medication.get_by_label("Prescriber at this clinic").select_option(label=str(staff[Role.CLINICIAN]))
    goal = page.get_by_role("group", name="New goal")
    goal.get_by_role("textbox", name="Goal").fill("Go to a mutual-support meeting each week")
    goal.get_by_label("Where the goal came from").select_option(label="Peer or mutual support")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft version 1 saved.")).to_be_visible()
    maya.check("draft plan")

    page.get_by_role("button", name="Sign version 1").click()
    expect(page.get_by_text("Version 1 signed.")).to_be_visible()
    expect(page.get_by_text("Naltrexone, oral")).to_be_visible()
    maya.check("signed plan")
    signed = PlanVersion.objects.get(plan__patient=patient, number=1)
    assert signed.is_signed and signed.includes_mutual_support
    assert signed.medications.get().medication == Medication.NALTREXONE_ORAL

    page.get_by_role("link", name="Elena Ibarra").click()
    stop1 = page.get_by_role("region", name="Stop 1 · Treatment plan")
    expect(stop1).to_contain_text("Signed")
    expect(stop1).to_contain_text("Naltrexone, oral (started)")
    assert page.url.endswith(patient_path)
    expect_pathway(page, {"1": "Done", "2": "Not started"})
    maya.check("patient page with the signed plan")

    # Stop 2 — Jordan, the peer specialist, checks in on Elena's recovery resources. -------------------------
    jordan = visit("peer-phone", width=390).login(staff[Role.PEER_SPECIALIST].username, TEST_PASSWORD)
    page = jordan.page
    jordan.check("peer home")
    page.get_by_role("button", name="Open menu").click()  # on a phone the menu is folded away
    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_role("link", name="Ibarra, Elena").click()
    # Stop 2 and the talk about mutual support (3a) wait for Jordan.
    expect_pathway(page, {"1": "Done", "2": "Not started", "3a": "Not started"}, yours={"2", "3a"})
    jordan.check("patient page with a signed plan")
    page.get_by_role("region", name="Stop 2 · Wellness plan and recovery capital").get_by_role(
        "link", name="Recovery capital").click()
    jordan.check("recovery capital, none yet")
    page.get_by_role("link", name="New assessment").click()
    expect(page.get_by_role("heading", name="Pathways recovery resources check-in")).to_be_visible()
    jordan.check("assessment form")
    # Elena's answers: her social circle is thin (a gap), the rest leans towards true.
    social = {
        "There is at least one person I can call when things get hard.": "A little true for me",
        "The people I spend the most time with back my recovery.": "Not true for me",
        "I have a peer, or someone else in recovery, I can talk to honestly.": "Not true for me",
        "I get along well enough with the people I live with or my family.": "Mostly true for me",
        "I feel alone most of the time.": "Mostly true for me",
    }
    sentences = page.get_by_role("main").get_by_role("group")
    expect(sentences).to_have_count(21)
    for index in range(21):
        sentence = sentences.nth(index)
        text = sentence.locator("legend").inner_text().split(". ", 1)[1]
        expect(sentence).to_have_accessible_name(f"{index + 1}. {text}")
        reverse = any(word in text for word in ("cannot cope", "alone most", "real struggle", "have to hide"))
        answer = social.get(text, "A little true for me" if reverse else "Mostly true for me")
        sentence.get_by_text(answer, exact=True).click()
        expect(sentence.get_by_role("radio", name=answer, exact=True)).to_be_checked()
    page.get_by_label("What we talked about (optional)").fill("Elena wants people around her who back her recovery.")
    page.get_by_role("button", name="See the results").click()
    expect(page.get_by_text("Assessment saved.")).to_be_visible()
    gaps = page.get_by_role("region", name="Gaps")
    expect(gaps).to_contain_text("Social")
    expect(gaps).not_to_contain_text("Personal")
    jordan.check("assessment results with a social gap")

    page.get_by_role("link", name="Add to wellness plan for the Social gap").click()
    expect(page.get_by_role("heading", name="Add to the wellness plan")).to_be_visible()
    jordan.check("wellness goal from the gap")
    page.get_by_label("Goal").fill("Meet people in recovery who get what I am going through")
    page.get_by_label("Small steps").fill("Try one mutual-support meeting\nSwap numbers with one person there")
    page.get_by_role("button", name="Add to the wellness plan").click()
    expect(page.get_by_text("Goal added to the wellness plan for the social gap.")).to_be_visible()
    expect(page.get_by_role("region", name="Social")).to_contain_text(
        "Meet people in recovery who get what I am going through")
    jordan.check("assessment results with the goal")
    page.get_by_role("region", name="Social").get_by_role("link", name="Wellness plan", exact=True).click()
    expect(page.get_by_role("region", name="My goals")).to_contain_text(
        "Meet people in recovery who get what I am going through")
    jordan.check("wellness plan with the goal")

    # Stop 3a — Jordan talks with Elena about mutual support and logs it. -----------------------------------
    page.get_by_role("link", name="Elena Ibarra").click()
    expect(page.get_by_role("region", name="Stop 3 · Mutual support")).to_contain_text("Stop 3a")
    expect_pathway(page, {"2": "Done", "3a": "Not started"}, yours={"3a"})
    jordan.check("patient page with stop 2 done")
    pathway_stop(page, "3a").get_by_role("link", name="Log the conversation").click()
    jordan.check("conversation form")
    explained = page.get_by_role("group", name="Kinds of groups explained")
    for kind in ("12-step", "Secular", "Online or app-based"):
        explained.get_by_label(kind, exact=True).check()
    page.get_by_label("Groups will judge my medication").check()
    page.get_by_label("No time, or hard to get there").check()
    page.get_by_label("How the concerns were addressed").fill(
        "SMART Recovery welcomes people on medication; online meetings need no ride.")
    page.get_by_label("Offered, patient accepted").check()
    page.get_by_label("Agreed next step").fill("Join an online SMART Recovery meeting together")
    # The signed plan decides the drinking goal and MAUD: shown, with a link to the plan, not asked again.
    expect(page.get_by_text("The signed treatment plan (version 1) decides these")).to_be_visible()
    expect(page.get_by_role("link", name="See the treatment plan")).to_be_visible()
    page.get_by_label("Spiritual or religious content").select_option(
        label="Prefers no spiritual or religious content")
    page.get_by_label("Transportation").select_option(label="No transportation")
    page.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_text("Conversation logged")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Jordan Lee (peer support specialist, Stop 3a)")
    jordan.check("stop 3 page with the conversation")

    # Stop 4 — the options that fit Elena, and a referral to the best-matched meeting. ----------------------
    page.get_by_role("link", name="Elena Ibarra").click()
    page.get_by_role("region", name="Stop 4 · Mutual-support options and referral").get_by_role(
        "link", name="Find options").click()
    expect(page.get_by_role("heading", name="Stop 4 · Mutual-support options and referral")).to_be_visible()
    jordan.check("matched options")
    # Elena and Jordan talked it through: Jordan refers her right here (click 2), with the match reasons.
    meetings = page.get_by_role("region", name="Meetings in the clinic's list")
    expect(meetings.get_by_role("listitem").first).to_contain_text("SMART Recovery Online Evening")
    meetings.get_by_role("button", name="Refer to SMART Recovery Online Evening").click()
    expect(page.get_by_text("SMART Recovery Online Evening: referred, with the reasons it matched.")).to_be_visible()
    expect(page.get_by_role("heading", name="Referral to SMART Recovery Online Evening")).to_contain_text("Referred")
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text(
        "Created as “Referred” in one step (skipped “Suggested” and “Discussed with patient”)")
    jordan.check("referral referred")

    page.get_by_role("link", name="Plan to go together").click()
    jordan.check("first meeting plan form")
    page.get_by_label("Who goes with the patient").select_option(label="Jordan Lee")
    page.get_by_label("Date").fill(today.isoformat())
    expect(page.get_by_label("Which meeting")).to_have_value(str(referral_meeting.pk))
    page.get_by_label("Where to meet beforehand").fill("Join the video call together from the clinic")
    page.get_by_role("button", name="Save plan").click()
    together = page.get_by_role("region", name="First meeting together")
    expect(together).to_contain_text("Jordan Lee goes with the patient to SMART Recovery Online Evening")
    jordan.check("referral with the first meeting planned")
    page.get_by_role("link", name="Elena Ibarra").click()
    expect_pathway(page, {"1": "Done", "2": "Done", "3a": "Done", "4": "Done", "5": "In progress"})
    expect(pathway_stop(page, "5")).to_contain_text("Referred; the first meeting is still to come.")
    expect(pathway_stop(page, "5")).to_contain_text("Case manager: Sam Whitfield")
    jordan.check("patient page with the referral")

    # Stop 5 — Sam, the case manager, follows up: Elena went to her first meeting; getting there is hard. ---
    sam = visit("case-manager").login(staff[Role.CASE_MANAGER].username, TEST_PASSWORD)
    page = sam.page
    # Sam's home lists Elena with what waits for him: one click from logging in to the task.
    elena = page.get_by_role("row").filter(has=page.get_by_role("link", name="Elena Ibarra", exact=True))
    expect(elena).to_contain_text("no follow-up yet")
    sam.check("case manager home")
    elena.get_by_role("link", name="Log a follow-up").click()
    sam.check("follow-up form")
    page.get_by_label("Phone call").check()
    page.get_by_label("Meetings attended since the last follow-up").fill("1")
    page.get_by_label("SMART Recovery Online Evening (referred)").check()
    page.get_by_label("How it went, in the patient's words").fill(
        "People were kind. Nobody minded that I take naltrexone.")
    page.get_by_label("Yes, felt welcome").check()
    page.get_by_label("New barrier").select_option(label="Transportation")
    page.get_by_label("What gets in the way").fill(
        "No car, and the evening bus stops at 7; she wants to try the in-person meeting too.")
    page.get_by_role("button", name="Save follow-up").click()
    expect(page.get_by_text("SMART Recovery Online Evening: now “first meeting attended”.")).to_be_visible()
    sam.check("follow-ups with the first meeting attended")
    referral = patient.referrals.get()
    assert referral.status == "first_meeting_attended"

    page.get_by_role("link", name="Transportation").first.click()
    expect(page.get_by_role("heading", name="Transportation", level=1)).to_be_visible()
    sam.check("transportation barrier")
    page.get_by_role("link", name="Use this suggestion, Bus pass for travel to meetings").click()
    sam.check("intervention form")
    page.get_by_role("button", name="Add intervention").click()
    expect(page.get_by_text("Intervention added: Bus pass for travel to meetings.")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Being addressed")
    sam.check("barrier being addressed")
    page.get_by_role("link", name="Record outcome of Bus pass for travel to meetings").click()
    sam.check("intervention outcome form")
    page.get_by_label("Done: it helped").check()
    page.get_by_label("How it went").fill("Monthly bus pass from the clinic fund; she rode to Thursday's meeting.")
    page.get_by_label("The barrier is resolved now").check()
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_text("Outcome saved: Done: it helped. The barrier is resolved.")).to_be_visible()
    sam.check("barrier resolved")
    barrier = patient.barriers.get()
    assert barrier.status == "resolved" and barrier.kind == "transportation"

    page.get_by_role("link", name="Elena Ibarra").click()
    stop5 = page.get_by_role("region", name="Stop 5 · Barriers and follow-up")
    expect(stop5).to_contain_text("No open barriers.")
    # The whole pathway is walked: all five stops done, nobody's turn.
    expect(page.get_by_role("region", name="Pathway")).to_contain_text("5 of 5 stops done")
    expect_pathway(page, {"1": "Done", "2": "Done", "3a": "Done", "4": "Done", "5": "Done"})
    expect(pathway_stop(page, "5")).to_contain_text("First meeting attended; no barrier open.")
    sam.check("patient page after the follow-up")
