"""What a clinic would find wrong on day one (issue 13): program facts and their sources, what the cards,
handouts and matching say about them, wrong-audience referrals, the language fallback, and resources for
recovery-capital gaps."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from referrals.directory.matching import PatientNeeds, gender_fit_concern, rank_options
from referrals.lifecycle import ReferralStatus
from referrals.models import (
    DrinkingApproach,
    DrinkingGoal,
    GenderGroups,
    MedicationWelcome,
    Program,
    Referral,
    SpiritualContent,
    SpiritualPreference,
)

from .factories.patients import PatientFactory
from .factories.referrals.directory import MatchingPreferencesFactory, MeetingFactory, ProgramFactory
from .factories.wellness import AssessmentFactory, load_shipped_questionnaire

pytestmark = pytest.mark.django_db

#: Phrases the handout used to print ("a online or app-based mutual-support group").
PHRASES_THAT_READ_WRONG = [" a online", " a app", "recovery center mutual-support group"]


@pytest.fixture
def programs(db):
    call_command("load_programs", stdout=None)
    return {p.slug: p for p in Program.objects.all()}


def sources_of(program, fact):
    return [s["url"] for s in program.sources[fact]]


# Program facts, each from the program's own material --------------------------------------------------------

def test_smart_recovery_accepts_reduced_drinking_and_welcomes_medication_from_its_own_pages(programs):
    smart = programs["smart-recovery"]
    assert smart.drinking_approach == DrinkingApproach.REDUCED_ACCEPTED
    assert smart.medication_welcome == MedicationWelcome.WELCOMING
    assert smart.spiritual_content == SpiritualContent.NONE
    assert any("smartrecovery.org" in url for url in sources_of(smart, "drinking_approach"))
    assert all(s["publisher"] == "program" for s in smart.sources["drinking_approach"])


def test_harm_reduction_works_is_sourced_from_its_own_page_not_the_pathway(programs):
    hrw = programs["harm-reduction-works"]
    assert hrw.drinking_approach == DrinkingApproach.REDUCED_ACCEPTED
    assert sources_of(hrw, "drinking_approach") == ["https://www.hrh413.org/foundationsstart-here-2"]
    assert "pathway" not in hrw.description_source.lower()
    # What no page of its own said is "not known", with the reason.
    assert hrw.medication_welcome == MedicationWelcome.UNKNOWN and hrw.not_known["medication_welcome"]
    assert not hrw.formats_known and "Not known" in hrw.not_known["formats"]


def test_hams_and_lifering_as_their_own_pages_say(programs):
    assert programs["hams"].drinking_approach == DrinkingApproach.REDUCED_ACCEPTED
    assert sources_of(programs["hams"], "drinking_approach")[0].startswith("https://hams.cc/")
    lifering = programs["lifering"]
    assert lifering.drinking_approach == DrinkingApproach.ABSTINENCE
    assert sources_of(lifering, "drinking_approach") == [
        "https://lifering.org/for-professionals-menu/for-treatment-professional/"]
    assert lifering.medication_welcome == MedicationWelcome.VARIES  # two affiliates say different things


def test_wellbriety_is_shown_as_listed_secular_and_openly_spiritual_everywhere(programs, login, peer):
    wellbriety = programs["wellbriety"]
    assert wellbriety.group == "secular" and wellbriety.spiritual_content == SpiritualContent.CENTRAL
    assert "openly spiritual" in wellbriety.listing_note and "secular" in wellbriety.listing_note
    client = login(peer)
    card = client.get(reverse("referrals:directory")).content.decode()
    assert wellbriety.listing_note in card  # in full, before the shortened description
    page = client.get(wellbriety.get_absolute_url()).content.decode()
    assert wellbriety.listing_note in page and "whitebison.org" in page
    avoid = rank_options(PatientNeeds(spiritual_content=SpiritualPreference.AVOID), [wellbriety], []).programs[0]
    assert ("Listed among the pathway's secular options, but openly spiritual, grounded in Native American or "
            "Indigenous traditions; the patient prefers no spiritual content") in avoid.concerns
    any_preference = rank_options(PatientNeeds(), [wellbriety], []).programs[0]
    assert any("Listed among the pathway's secular options, but openly spiritual" in n for n in any_preference.notes)


def test_each_program_has_its_own_first_meeting_guide(programs, login, peer):
    dharma = programs["recovery-dharma"]
    guide = " ".join(dharma.first_meeting_lines).lower()
    assert "meditation" in guide and "prayer" not in guide and "scripture" not in guide
    assert all(p.first_meeting_lines for p in programs.values())
    page = login(peer).get(dharma.get_absolute_url()).content.decode()
    assert "You do not have to be Buddhist or believe in a god." in page


def test_smart_recovery_no_longer_ranks_below_unknowns_for_a_patient_drinking_less(programs):
    unknown = ProgramFactory(drinking_approach=DrinkingApproach.UNKNOWN, medication_welcome=MedicationWelcome.UNKNOWN,
                             offers_in_person=False)
    ranked = rank_options(PatientNeeds(drinking_goal=DrinkingGoal.REDUCED, on_maud=True),
                          [programs["smart-recovery"], unknown], [])
    assert [o.item for o in ranked.programs] == [programs["smart-recovery"], unknown]
    assert "Accepts reduced drinking as a goal, which is the patient's goal" in ranked.programs[0].fits


# Wrong-audience referrals -------------------------------------------------------------------------------------

def test_al_anon_by_hand_is_a_suggestion_for_someone_close_worded_so_everywhere(programs, login, clinic, peer):
    patient = PatientFactory(clinic=clinic, first_name="Dana")
    client = login(peer)
    url = reverse("referrals:referral_new", args=[patient.public_id])
    al_anon = programs["al-anon"]
    refused = client.post(url, {"program": al_anon.pk, "status": "referred"})
    assert "record it as suggested or discussed" in refused.content.decode()
    client.post(url, {"program": al_anon.pk, "status": "suggested", "for_whom": "her husband"})
    referral = Referral.objects.get()
    assert referral.for_someone_close and referral.for_whom == "her husband"
    assert str(referral).startswith("Suggestion of Al-Anon for someone close to the patient")
    detail = client.get(reverse("referrals:referral_detail", args=[patient.public_id, referral.pk])).content.decode()
    assert "Suggestion for her husband: Al-Anon" in detail and "Not the patient's own group." in detail
    assert "Plan to go together" not in detail
    stop3 = client.get(reverse("referrals:support", args=[patient.public_id])).content.decode()
    assert "not the patient's own group" in stop3
    referral.move_to(status=ReferralStatus.DISCUSSED, by=peer)
    with pytest.raises(ValidationError, match="cannot be “Referred”"):
        referral.move_to(status=ReferralStatus.REFERRED, by=peer)
    handout = client.get(reverse("referrals:handout", args=[patient.public_id, referral.pk])).content.decode()
    assert "Al-Anon: a group for the people close to you" in handout and "It is not a meeting for you" in handout
    assert "Your first Al-Anon meeting" not in handout
    # The patient's own pathway does not count it.
    page = client.get(patient.get_absolute_url()).content.decode()
    assert "Al-Anon: suggested" not in page


def test_a_women_only_group_asks_for_confirmation_with_the_reason(programs, login, clinic, peer):
    patient = PatientFactory(clinic=clinic)
    MatchingPreferencesFactory(patient=patient, gender_groups=GenderGroups.MIXED_ONLY)
    client = login(peer)
    url = reverse("referrals:referral_new", args=[patient.public_id])
    wfs = programs["women-for-sobriety"]
    refused = client.post(url, {"program": wfs.pk, "status": "suggested"})
    assert refused.status_code == 400
    assert ("Women for Sobriety is for women only, and the patient&#x27;s preferences say “Mixed groups only”"
            in refused.content.decode())
    client.post(url, {"program": wfs.pk, "status": "suggested", "fits_anyway": "on",
                      "fit_reason": "She asked for a women's group today; preferences not updated yet."})
    assert Referral.objects.get().fit_confirmation.startswith("She asked for a women's group")


def test_gender_fit_concerns_for_meetings(programs, clinic):
    men = MeetingFactory(clinic=clinic, program=programs["alcoholics-anonymous"], type_codes=",C,M,",
                         name="Men's stag")
    assert gender_fit_concern(GenderGroups.MEN, programs["alcoholics-anonymous"], men) == ""
    assert gender_fit_concern(GenderGroups.NOT_ASKED, programs["alcoholics-anonymous"], men).startswith(
        "Men's stag is a men-only meeting")


def test_a_closed_meeting_says_who_may_attend(programs, login, clinic, peer):
    closed = MeetingFactory(clinic=clinic, program=programs["alcoholics-anonymous"], type_codes=",C,")
    page = login(peer).get(closed.get_absolute_url()).content.decode()
    assert "Closed meeting: only for people who want to stop drinking" in page
    family = MeetingFactory(clinic=clinic, program=programs["al-anon"], type_codes=",C,")
    assert family.who_may_attend.startswith("Closed meeting: for family members and friends")
    assert MeetingFactory(clinic=clinic, program=programs["alcoholics-anonymous"], type_codes=",O,"
                          ).who_may_attend.startswith("Open meeting: anyone may attend")


# Handouts -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["in-the-rooms", "smart-recovery", "wellbriety", "recovery-community-organizations"])
def test_every_handout_carries_988_and_the_clinics_crisis_line_and_reads_right(programs, login, clinic, peer, slug):
    clinic.crisis_line = "(217) 555-0199"
    clinic.save()
    patient = PatientFactory(clinic=clinic)
    referral = Referral.start(patient=patient, program=programs[slug], by=peer)
    page = login(peer).get(reverse("referrals:handout", args=[patient.public_id, referral.pk])).content.decode()
    body = page.split('<article class="handout" lang="en">')[1]  # the patient's language: English
    assert "call or text 988" in body and "(217) 555-0199" in body
    for wrong in PHRASES_THAT_READ_WRONG:
        assert wrong not in body.lower()
    if slug == "in-the-rooms":
        assert "In The Rooms is an online or app-based recovery community." in body
    if slug == "wellbriety":
        assert "openly spiritual" in body and "is a secular mutual-support group" not in body


# The patient's language ---------------------------------------------------------------------------------------

def test_no_meeting_in_the_patients_language_shows_the_best_others_and_online_ones(programs, login, clinic, peer):
    patient = PatientFactory(clinic=clinic)
    MatchingPreferencesFactory(patient=patient, language="Spanish")
    MeetingFactory(clinic=clinic, program=programs["smart-recovery"], name="Tuesday SMART", languages=",English,")
    response = login(peer).get(reverse("referrals:find_options", args=[patient.public_id]))
    options = response.context["options"]
    assert options.language_fallback
    assert [o.item.name for o in options.meetings] == ["Tuesday SMART"]
    assert "Not in Spanish, the patient's preferred language (held in English)" in options.meetings[0].concerns
    assert [o.item.slug for o in options.online_in_language] == ["alcoholics-anonymous"]
    page = response.content.decode()
    assert "No meeting in Spanish can be offered" in page
    assert "Alcoholics Anonymous</a> holds online meetings in Spanish" in page


def test_meetings_in_the_language_need_no_fallback(programs, login, clinic, peer):
    patient = PatientFactory(clinic=clinic)
    MatchingPreferencesFactory(patient=patient, language="Spanish")
    MeetingFactory(clinic=clinic, program=programs["smart-recovery"], name="Martes SMART", languages=",Spanish,")
    options = login(peer).get(reverse("referrals:find_options", args=[patient.public_id])).context["options"]
    assert not options.language_fallback and [o.item.name for o in options.meetings] == ["Martes SMART"]


# Stops linked ---------------------------------------------------------------------------------------------------

def test_recovery_capital_gaps_lead_to_resources_mutual_support_first(programs, login, clinic, peer):
    load_shipped_questionnaire()
    patient = PatientFactory(clinic=clinic)
    own = ProgramFactory(clinic=clinic, slug=f"c{clinic.pk}-local-rco", name="Sangamon Recovery Hub",
                         description="Our local recovery community organization.")
    ProgramFactory(clinic=PatientFactory().clinic, slug="c-elsewhere", name="Somewhere else's center")
    assessment = AssessmentFactory(patient=patient, levels=2)  # every domain a gap
    page = login(peer).get(reverse("wellness:assessment_detail", args=[patient.public_id, assessment.pk]))
    resources = page.context["resources"]
    assert resources[0]["title"] == "Find mutual-support options"
    assert resources[0]["url"] == reverse("referrals:find_options", args=[patient.public_id])
    titles = [r["title"] for r in resources]
    assert own.name in titles and "Recovery community organizations (RCOs)" in titles
    assert "Somewhere else's center" not in titles
    assert "Resources for this gap" in page.content.decode()


def test_the_treatment_plan_shows_the_wellness_plan_and_gap_goals(login, clinic, clinician):
    from patients.models import GoalSource

    from .factories.treatment_plans import PlanGoalFactory, PlanVersionFactory, TreatmentPlanFactory
    from .factories.wellness import WellnessPlanFactory

    patient = PatientFactory(clinic=clinic)
    WellnessPlanFactory(patient=patient, vision="Mornings with my daughter and a steady job.")
    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    PlanGoalFactory(version=version, description="Find two sober friends to call",
                    source=GoalSource.RECOVERY_CAPITAL_GAP, source_note="Recovery-capital gap: Social")
    page = login(clinician).get(reverse("patients:plan", args=[patient.public_id])).content.decode()
    assert "Open the wellness plan" in page and "Mornings with my daughter" in page
    assert "Find two sober friends to call" in page and "Goals that came from recovery-capital gaps" in page
