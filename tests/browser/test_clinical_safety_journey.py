"""In a real browser: two things a clinic must get right on day one (issue 13).

Maya (clinician) drafts Dana's plan: disulfiram, and Dana wants to drink less. The plan page asks the medication
safety questions; signing without acknowledging the disulfiram one is refused with the reason on the form and
her answers kept; with the acknowledgement and a reason it is signed, and the signed version shows each question
and answer. Then Jordan (peer) suggests Al-Anon by hand for Dana's husband: it is recorded as a suggestion for
someone close to Dana, never as her own group, and the handout is written for him.
"""

import datetime

import pytest
from playwright.sync_api import expect

from patients.models import DrinkingGoal, Medication, MedicationStatus, PlanSafetyCheck, Role, SafetyPrompt
from referrals.models import Referral

from ..factories.patients import TEST_PASSWORD, patient_with_team
from ..factories.treatment_plans import PlanMedicationFactory, PlanVersionFactory, TreatmentPlanFactory
from .journeys import clinic_directory, clinic_today

pytestmark = pytest.mark.django_db(transaction=True)


def test_disulfiram_with_cutting_down_is_acknowledged_and_al_anon_is_suggested_for_someone_close(visit):
    clinic, staff = clinic_directory()
    clinician, peer = staff[Role.CLINICIAN], staff[Role.PEER_SPECIALIST]
    patient = patient_with_team(clinic, clinician=clinician, peer=peer, first_name="Dana", last_name="Price",
                                mrn="RB-3301")
    today = clinic_today()
    draft = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient), drinking_goal=DrinkingGoal.REDUCED,
                               next_review_date=today + datetime.timedelta(days=60))
    PlanMedicationFactory(version=draft, medication=Medication.DISULFIRAM, dose="250 mg", schedule="once a day",
                          status=MedicationStatus.STARTED, start_date=today, prescriber=clinician)

    # Maya opens the draft: the plan asks about disulfiram with a goal of drinking less, and the liver. ---------
    maya = visit("clinician").login(clinician.username, TEST_PASSWORD)
    page = maya.goto(f"/patients/{patient.public_id}/plan/")
    sign = page.get_by_role("region", name="Sign this version")
    expect(sign).to_contain_text("Disulfiram with a goal of drinking less")
    expect(sign).to_contain_text("Disulfiram makes any alcohol cause a severe reaction")
    expect(sign).to_contain_text("Liver disease")
    maya.check("draft with safety questions")
    sign.get_by_label("No known liver disease").check()
    sign.get_by_role("button", name="Sign version 1").click()
    # Not signed: the acknowledgement is asked for next to the question, and the liver answer is kept.
    expect(page.get_by_role("alert")).to_contain_text("Not signed.")
    expect(page.get_by_text("Tick the acknowledgement and give the reason to sign")).to_be_visible()
    expect(page.get_by_label("No known liver disease")).to_be_checked()
    assert not draft.__class__.objects.get(pk=draft.pk).is_signed
    maya.check("signing refused without the acknowledgement")
    page.get_by_label("Acknowledged: the plan keeps disulfiram with a goal of drinking less").check()
    page.get_by_label("Reason").fill("Dana chose disulfiram for workdays; we agreed she drinks only on "
                                     "days she skips it, and reviewed the reaction together.")
    page.get_by_role("button", name="Sign version 1").click()
    expect(page.get_by_text("Version 1 signed.")).to_be_visible()
    kept = page.get_by_role("region", name="Medication safety questions, as answered when signed")
    expect(kept).to_contain_text("Acknowledged: the plan keeps disulfiram with a goal of drinking less")
    expect(kept).to_contain_text("Dana chose disulfiram for workdays")
    expect(kept).to_contain_text("No known liver disease")
    maya.check("signed plan with the safety answers")
    checks = {c.prompt: c for c in PlanSafetyCheck.objects.filter(version=draft)}
    assert checks[SafetyPrompt.DISULFIRAM_REDUCED_DRINKING].answer == "acknowledged"
    assert checks[SafetyPrompt.LIVER_DISEASE].answer == "none_known"

    # Jordan suggests Al-Anon by hand for Dana's husband. -------------------------------------------------------
    jordan = visit("peer").login(peer.username, TEST_PASSWORD)
    page = jordan.goto(f"/patients/{patient.public_id}/support/referrals/new/")
    by_hand = page.get_by_role("region", name="Or choose by hand")
    by_hand.get_by_role("combobox", name="Program").select_option(label="Al-Anon")
    by_hand.get_by_label("Who it is for (groups for family and friends)").fill("her husband")
    by_hand.get_by_role("button", name="Add referral").click()
    expect(page.get_by_text("Al-Anon recorded as a suggestion for someone close to the patient.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suggestion for her husband: Al-Anon")
    expect(page.get_by_text("Not the patient's own group.")).to_be_visible()
    expect(page.get_by_role("region", name="First meeting together")).to_have_count(0)
    jordan.check("al-anon suggestion")
    referral = Referral.objects.get(patient=patient)
    assert referral.for_someone_close and referral.for_whom == "her husband" and referral.meeting is None
    # The clinic does not follow it as Dana's referral: "Referred" is not among the next steps.
    update = page.get_by_role("region", name="Update the referral")
    expect(update.get_by_label("Discussed with patient")).to_be_visible()
    expect(update.get_by_label("Referred", exact=True)).to_have_count(0)

    page.get_by_role("link", name="Print a handout for someone close to the patient").click()
    article = page.get_by_role("article")
    expect(article).to_contain_text("Al-Anon: a group for the people close to you")
    expect(article).to_contain_text("It is not a meeting for you")
    expect(article).not_to_contain_text("Your first Al-Anon meeting")
    expect(article).to_contain_text("call or text 988")
    jordan.check("al-anon handout")

    # On Dana's page the suggestion does not count as her own referral. ----------------------------------------
    page.get_by_role("link", name="Dana Price").first.click()
    stop4 = page.get_by_role("region", name="Pathway").get_by_role("listitem").filter(
        has=page.get_by_text("Stop 4", exact=True))
    expect(stop4).to_contain_text("Status: Not started")
    jordan.check("patient page")
