"""Matching (Stop 4): the rules, tested on the plain function, and the pages staff use."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from patients.models import Patient
from referrals.directory.matching import PatientNeeds, meetings_for_matching, needs_for, rank_options
from referrals.directory.meeting_guide import import_feed, read_feed
from referrals.models import (
    CulturalFocus,
    DrinkingGoal,
    GenderGroups,
    MatchingPreferences,
    MedicationWelcome,
    MeetingMedicationWelcome,
    Program,
    SpiritualPreference,
    TimeOfDay,
    Transportation,
)

from .factories.patients import PatientFactory
from .factories.referrals.directory import MatchingPreferencesFactory, MeetingFactory, ProgramFactory, online_entry
from .test_directory_import import SAMPLE_FEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs(db):
    call_command("load_programs", stdout=None)
    return {p.slug: p for p in Program.objects.all()}


def with_plan(patient):
    """The patient as the matching pages load them: with the facts of their signed treatment plan."""
    return Patient.objects.with_plan_status().get(pk=patient.pk)


def ranked(needs, meetings=()):
    return rank_options(needs, Program.objects.all(), list(meetings))


def program_slugs(options):
    return [o.item.slug for o in options.programs]


def position(options, slug):
    return program_slugs(options).index(slug)


def option_for(options, slug):
    return next(o for o in options.programs if o.item.slug == slug)


# Rules ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("needs", [
    PatientNeeds(),
    PatientNeeds(drinking_goal=DrinkingGoal.ABSTINENCE, spiritual_content=SpiritualPreference.WANTS),
    PatientNeeds(gender_groups=GenderGroups.WOMEN, transportation=Transportation.NONE),
])
def test_al_anon_is_offered_for_family_and_friends_never_as_the_patients_own_group(programs, clinic, needs):
    al_anon_meeting = MeetingFactory(clinic=clinic, program=programs["al-anon"])
    options = ranked(needs, [al_anon_meeting])
    assert "al-anon" not in program_slugs(options)
    assert [o.item.slug for o in options.family] == ["al-anon"]
    assert "Not a group for the patient" in " ".join(options.family[0].notes)
    assert al_anon_meeting not in [o.item for o in options.meetings]
    assert options.left_out_meetings["For family and friends"] == 1


def test_a_reduced_drinking_goal_brings_harm_reduction_programs_forward(programs):
    reduced = ranked(PatientNeeds(drinking_goal=DrinkingGoal.REDUCED))
    assert set(program_slugs(reduced)[:3]) == {"hams", "smart-recovery", "harm-reduction-works"}
    assert position(reduced, "hams") < position(reduced, "alcoholics-anonymous")
    assert position(reduced, "harm-reduction-works") < position(reduced, "lifering")
    hams = option_for(reduced, "hams")
    assert "Accepts reduced drinking as a goal, which is the patient's goal" in hams.fits
    aa = option_for(reduced, "alcoholics-anonymous")
    assert "Expects abstinence, while the patient's goal is to drink less" in aa.concerns

    abstinence = ranked(PatientNeeds(drinking_goal=DrinkingGoal.ABSTINENCE))
    assert option_for(abstinence, "alcoholics-anonymous").score - option_for(abstinence, "hams").score > \
        option_for(reduced, "alcoholics-anonymous").score - option_for(reduced, "hams").score


def test_women_only_groups_are_offered_only_where_they_fit(programs, clinic):
    women_meeting = MeetingFactory(clinic=clinic, program=programs["alcoholics-anonymous"], type_codes=",C,W,")
    wfs_meeting = MeetingFactory(clinic=clinic, program=programs["women-for-sobriety"], type_codes=",C,")
    mixed = MeetingFactory(clinic=clinic, program=programs["alcoholics-anonymous"], type_codes=",O,")
    for gender in (GenderGroups.NOT_ASKED, GenderGroups.MIXED_ONLY, GenderGroups.MEN):
        options = ranked(PatientNeeds(gender_groups=gender), [women_meeting, wfs_meeting, mixed])
        assert "women-for-sobriety" not in program_slugs(options)
        assert "For women only" in next(o.left_out for o in options.left_out_programs
                                        if o.item.slug == "women-for-sobriety")
        assert [o.item for o in options.meetings] == [mixed]
        assert options.left_out_meetings["Women-only"] == 2
    options = ranked(PatientNeeds(gender_groups=GenderGroups.WOMEN), [women_meeting, wfs_meeting, mixed])
    assert "women-for-sobriety" in program_slugs(options)
    assert {o.item for o in options.meetings} == {women_meeting, wfs_meeting, mixed}
    assert "A women's meeting, which fits the patient" in options.meetings[0].fits


def test_men_only_meetings_are_offered_only_where_they_fit(programs, clinic):
    men = MeetingFactory(clinic=clinic, program=programs["alcoholics-anonymous"], type_codes=",M,")
    assert ranked(PatientNeeds(), [men]).meetings == []
    assert [o.item for o in ranked(PatientNeeds(gender_groups=GenderGroups.MEN), [men]).meetings] == [men]


def test_welcoming_of_medication_counts_for_patients_on_maud_only(programs, clinic):
    # Two programs alike in every other fact matching uses: one known to welcome medication, one not known.
    welcoming = ProgramFactory(medication_welcome=MedicationWelcome.WELCOMING)
    unknown = ProgramFactory(medication_welcome=MedicationWelcome.UNKNOWN)
    on_maud = rank_options(PatientNeeds(on_maud=True), [welcoming, unknown], [])
    assert [o.item for o in on_maud.programs] == [welcoming, unknown]
    assert "Known to welcome people who take medication for alcohol use disorder" in on_maud.programs[0].fits
    assert "Not known how it treats medication: ask before the first meeting" in on_maud.programs[1].concerns
    off = rank_options(PatientNeeds(on_maud=False), [welcoming, unknown], [])
    assert off.programs[0].score == off.programs[1].score
    assert not any("medication" in text for o in off.programs for text in o.fits + o.concerns)


def test_meeting_level_medication_knowledge_wins_over_the_programs(programs, clinic):
    aa = programs["alcoholics-anonymous"]
    welcoming = MeetingFactory(clinic=clinic, program=aa, name="Welcoming",
                               medication_welcome=MeetingMedicationWelcome.WELCOMING)
    unknown = MeetingFactory(clinic=clinic, program=aa, name="Unknown")
    hostile = MeetingFactory(clinic=clinic, program=aa, name="Hostile",
                             medication_welcome=MeetingMedicationWelcome.NOT_WELCOMING)
    options = ranked(PatientNeeds(on_maud=True), [unknown, hostile, welcoming])
    assert [o.item for o in options.meetings] == [welcoming, unknown]
    assert options.left_out_meetings["Reported as unwelcoming of medication"] == 1
    assert "This meeting is known to welcome people who take medication" in options.meetings[0].fits
    not_on_maud = ranked(PatientNeeds(on_maud=False), [unknown, hostile, welcoming])
    assert len(not_on_maud.meetings) == 3


def test_no_transportation_puts_online_and_app_options_first(programs, clinic):
    aa = programs["alcoholics-anonymous"]
    in_person = [MeetingFactory(clinic=clinic, program=aa, name=f"In person {i}",
                                medication_welcome=MeetingMedicationWelcome.WELCOMING) for i in range(3)]
    online = [MeetingFactory(clinic=clinic, program=aa, online=True, name=f"Online {i}") for i in range(2)]
    hybrid = MeetingFactory(clinic=clinic, program=aa, attendance="hybrid", name="Hybrid",
                            conference_url="https://meet.example.org/j/h")
    needs = PatientNeeds(transportation=Transportation.NONE, on_maud=True, drinking_goal=DrinkingGoal.ABSTINENCE)
    options = ranked(needs, in_person + online + [hybrid])
    # Programs known to meet only in person come last; formats not known (None) rank by score among the rest.
    needs_travel = [o.travel_free is False for o in options.programs]
    assert needs_travel == sorted(needs_travel) and options.programs[0].travel_free and needs_travel[-1]
    assert [o.item.can_join_online for o in options.meetings] == [True, True, True, False, False, False]
    assert "Online, so no travel is needed" in options.meetings[0].fits
    assert any("no transportation" in c for c in options.meetings[-1].concerns)
    # With a car, the same in-person meetings (welcoming of medication) come first.
    with_car = ranked(PatientNeeds(transportation=Transportation.CAR, on_maud=True), in_person + online + [hybrid])
    assert not with_car.meetings[0].item.can_join_online


def test_online_only_leaves_out_in_person_programs_and_meetings(programs, clinic):
    in_person = MeetingFactory(clinic=clinic, program=programs["alcoholics-anonymous"])
    options = ranked(PatientNeeds(online_only=True), [in_person])
    assert options.meetings == [] and options.left_out_meetings["In person only"] == 1
    assert "celebrate-recovery" in [o.item.slug for o in options.left_out_programs]
    assert all(o.travel_free is not False for o in options.programs)


def test_a_program_whose_formats_are_not_recorded_is_ranked_by_its_score_as_formats_not_known(db):
    # Issue 16: a program with no format recorded was left out of "online only" as "does not meet online" and
    # ranked after every online program for a patient without transportation, despite the best score.
    unknown = ProgramFactory(slug="unknown-formats", name="Unknown Formats", offers_in_person=False,
                             drinking_approach="reduced_accepted")
    online = ProgramFactory(slug="online-one", name="Online One", offers_in_person=False, offers_online=True)
    in_person = ProgramFactory(slug="in-person-one", name="In Person One", drinking_approach="reduced_accepted")
    programs = [unknown, online, in_person]
    reduced = {"drinking_goal": DrinkingGoal.REDUCED}

    online_only = rank_options(PatientNeeds(online_only=True, **reduced), programs, [])
    assert [o.item for o in online_only.programs] == [unknown, online]  # by score: 4 - 1 against -3 + 4
    assert [(o.item, o.left_out) for o in online_only.left_out_programs] == \
        [(in_person, "Does not meet online or by app, and the patient joins online only")]
    unknown_option = online_only.programs[0]
    assert unknown_option.travel_free is None
    assert "Formats not known: check whether it meets online or by app before suggesting it" in \
        unknown_option.concerns
    assert not any("does not meet online" in text.lower() for text in unknown_option.concerns)

    # Without transportation the program known to meet in person only goes last; the unknown one keeps the place
    # its score gives it: ahead of the online program, which does not accept reduced drinking.
    no_car = rank_options(PatientNeeds(transportation=Transportation.NONE, **reduced), programs, [])
    assert [o.item for o in no_car.programs] == [unknown, online, in_person]
    assert no_car.programs[0].score == 4 - 1  # accepts reduced drinking; formats not known
    assert no_car.programs[1].score == -3 + 4  # expects abstinence; online, so no travel

    anyone = rank_options(PatientNeeds(), programs, [])
    assert "Formats not known yet" in next(o for o in anyone.programs if o.item == unknown).concerns


def test_spiritual_preference_moves_faith_based_and_secular_programs(programs):
    avoid = ranked(PatientNeeds(spiritual_content=SpiritualPreference.AVOID))
    assert position(avoid, "smart-recovery") < position(avoid, "celebrate-recovery")
    assert "Spiritual or religious content is central; the patient prefers none" in \
        option_for(avoid, "celebrate-recovery").concerns
    wants = ranked(PatientNeeds(spiritual_content=SpiritualPreference.WANTS))
    assert position(wants, "celebrate-recovery") < position(wants, "smart-recovery")


def test_cultural_preference_brings_wellbriety_and_matching_meetings_forward(programs, clinic):
    circle = MeetingFactory(clinic=clinic, program=programs["alcoholics-anonymous"], type_codes=",O,N,NDG,",
                            name="Circle")
    plain = MeetingFactory(clinic=clinic, program=programs["alcoholics-anonymous"], name="Plain")
    asked = ranked(PatientNeeds(cultural_focuses=frozenset({CulturalFocus.NATIVE})), [plain, circle])
    assert program_slugs(asked)[0] == "wellbriety"
    assert [o.item for o in asked.meetings] == [circle, plain]
    not_asked = ranked(PatientNeeds(), [plain, circle])
    assert "wellbriety" in program_slugs(not_asked)  # still offered, with a note to ask
    assert any("ask whether this fits" in n for n in option_for(not_asked, "wellbriety").notes)


def test_language_days_and_times(programs, clinic):
    aa = programs["alcoholics-anonymous"]
    spanish = MeetingFactory(clinic=clinic, program=aa, languages=",Spanish,", type_codes=",S,", name="ES")
    tuesday_evening = MeetingFactory(clinic=clinic, program=aa, days="2", start_time=datetime.time(19), name="Tue")
    monday_morning = MeetingFactory(clinic=clinic, program=aa, days="1", start_time=datetime.time(7), name="Mon")
    needs = PatientNeeds(available_days=frozenset({2, 4}), available_times=frozenset({TimeOfDay.EVENING}))
    options = ranked(needs, [spanish, tuesday_evening, monday_morning])
    assert [o.item.name for o in options.meetings] == ["Tue", "Mon"]
    assert "On Tuesday, when the patient is free" in options.meetings[0].fits
    assert "Not on a day the patient is free" in options.meetings[1].concerns
    assert options.left_out_meetings["Not in English"] == 1
    in_spanish = ranked(PatientNeeds(language="Spanish"), [spanish, tuesday_evening])
    assert [o.item.name for o in in_spanish.meetings] == ["ES"] and "Held in Spanish" in in_spanish.meetings[0].fits


def test_evening_means_evening_where_the_patient_lives(programs, clinic):
    # 19:00 in New York is 18:00 in Chicago; 07:00 Los Angeles is 09:00 in Chicago: both judged on Chicago time.
    aa = programs["alcoholics-anonymous"]
    east = MeetingFactory(clinic=clinic, program=aa, time_zone="America/New_York", start_time=datetime.time(17, 30))
    needs = PatientNeeds(available_times=frozenset({TimeOfDay.AFTERNOON}), time_zone="America/Chicago")
    [option] = ranked(needs, [east]).meetings
    assert "In the afternoon, when the patient is free" in option.fits


def test_a_late_meeting_in_the_west_falls_on_the_next_day_where_the_patient_lives(programs, clinic, peer, login):
    # Monday 11:30 PM in Los Angeles is Tuesday 1:30 AM in Chicago: a patient free on Tuesdays can go.
    west = MeetingFactory(clinic=clinic, program=programs["smart-recovery"], online=True, name="Night owls",
                          time_zone="America/Los_Angeles", days="1", start_time=datetime.time(23, 30), end_time=None)
    assert west.weekday_numbers_in("America/Chicago") == [2]
    needs = PatientNeeds(available_days=frozenset({2}), time_zone="America/Chicago")
    [option] = ranked(needs, [west]).meetings
    assert "On Tuesday, when the patient is free" in option.fits

    page = login(peer).get(reverse("referrals:meeting_list")).content.decode()
    assert "(starts Tue 1:30 AM here)" in page


def test_needs_come_from_saved_preferences_and_defaults_without_them(clinic):
    patient = PatientFactory(clinic=clinic, preferred_language="Spanish")
    defaults = needs_for(with_plan(patient), None)
    assert defaults.language == "Spanish" and defaults.drinking_goal == DrinkingGoal.UNDECIDED
    assert not defaults.on_maud and defaults.time_zone == clinic.time_zone
    prefs = MatchingPreferencesFactory(patient=patient, drinking_goal=DrinkingGoal.REDUCED, on_maud=True,
                                       available_days=[1, 3], cultural_focuses=["native"])
    needs = needs_for(with_plan(patient), prefs)
    assert needs.drinking_goal == DrinkingGoal.REDUCED and needs.on_maud
    assert needs.available_days == frozenset({1, 3}) and needs.cultural_focuses == frozenset({"native"})


# The story ---------------------------------------------------------------------------------------

@pytest.fixture
def springfield_meetings(programs, clinic):
    import_feed(read_feed(SAMPLE_FEED.read_bytes()), clinic=clinic, program=programs["alcoholics-anonymous"],
                source="Springfield Intergroup")
    import_feed([online_entry("smart-online", name="SMART Online Evening", time="19:00", day=[1, 3],
                              types=["O", "A", "ONL"])],
                clinic=clinic, program=programs["smart-recovery"], source="SMART")
    import_feed([online_entry("hams-chat", name="HAMS Chat", time="19:00", day=2, types=["O", "ONL"],
                              timezone="America/New_York")],
                clinic=clinic, program=programs["hams"], source="HAMS")


def test_peer_finds_options_for_a_patient_on_naltrexone_with_no_car_who_wants_to_drink_less(
        springfield_meetings, clinic, peer, login):
    patient = PatientFactory(clinic=clinic)
    client = login(peer)
    response = client.post(reverse("referrals:preferences_edit", args=[patient.public_id]), {
        "drinking_goal": "reduced", "on_maud": "on", "spiritual_content": "no_preference",
        "in_person_ok": "on", "online_ok": "on", "app_ok": "on", "transportation": "none",
        "language": "English", "gender_groups": "mixed_only", "available_times": ["evening"],
        "notes": "Takes naltrexone daily.",
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:find_options", args=[patient.public_id])
    prefs = MatchingPreferences.objects.get(patient=patient)
    assert prefs.updated_by == peer and prefs.transportation == Transportation.NONE

    response = client.get(response["Location"])
    options = response.context["options"]
    top = program_slugs(options)[:3]
    assert top[0] == "hams" and "smart-recovery" in top
    assert all(o.travel_free is not False for o in options.programs[:6])
    first_meetings = [o.item for o in options.meetings[:3]]
    assert all(m.can_join_online for m in first_meetings)
    assert first_meetings[0].name == "HAMS Chat"
    assert not any(m.is_women_only for m in (o.item for o in options.meetings))
    html = response.content.decode()
    assert "Accepts reduced drinking as a goal" in html and "Known to welcome people who take medication" in html
    assert "For family and friends" in html and "Al-Anon" in html
    assert patient.last_name not in response.content.decode().split("<title>")[1].split("</title>")[0]


def test_preferences_form_keeps_input_and_shows_the_error_next_to_the_field(clinic, peer, login):
    patient = PatientFactory(clinic=clinic)
    response = login(peer).post(reverse("referrals:preferences_edit", args=[patient.public_id]), {
        "drinking_goal": "abstinence", "spiritual_content": "avoid", "online_only": "on",
        "transportation": "none", "language": "English", "gender_groups": "not_asked",
        "cultural_notes": "Would like a group with other veterans",
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert "Online only needs" in html and "Would like a group with other veterans" in html
    assert not MatchingPreferences.objects.filter(patient=patient).exists()


def test_another_clinics_patient_is_404_on_get_and_post(other_clinic, peer, login):
    theirs = PatientFactory(clinic=other_clinic)
    client = login(peer)
    for name in ("referrals:find_options", "referrals:preferences_edit"):
        assert client.get(reverse(name, args=[theirs.public_id])).status_code == 404
    response = client.post(reverse("referrals:preferences_edit", args=[theirs.public_id]), {
        "drinking_goal": "reduced", "spiritual_content": "no_preference", "in_person_ok": "on",
        "transportation": "car", "language": "English", "gender_groups": "not_asked",
    })
    assert response.status_code == 404
    assert not MatchingPreferences.objects.exists()


def test_patient_page_shows_the_stop_4_section(clinic, clinician, login):
    patient = PatientFactory(clinic=clinic)
    client = login(clinician)
    html = client.get(patient.get_absolute_url()).content.decode()
    assert "Stop 4" in html and "No matching preferences recorded yet" in html
    assert reverse("referrals:find_options", args=[patient.public_id]) in html
    MatchingPreferencesFactory(patient=patient, drinking_goal=DrinkingGoal.REDUCED,
                               transportation=Transportation.TRANSIT)
    html = client.get(patient.get_absolute_url()).content.decode()
    assert "Reduced drinking" in html and "Uses public transit" in html


def test_find_options_without_preferences_uses_defaults_and_says_so(programs, clinic, case_manager, login):
    patient = PatientFactory(clinic=clinic)
    response = login(case_manager).get(reverse("referrals:find_options", args=[patient.public_id]))
    assert response.status_code == 200
    assert "No preferences recorded yet" in response.content.decode()
    assert len(response.context["options"].programs) >= 10


def test_find_options_query_count_does_not_grow_with_meetings(programs, clinic, peer, login,
                                                              django_assert_max_num_queries):
    patient = PatientFactory(clinic=clinic)
    MatchingPreferencesFactory(patient=patient, on_maud=True, transportation=Transportation.NONE)
    client = login(peer)
    url = reverse("referrals:find_options", args=[patient.public_id])
    MeetingFactory(clinic=clinic, program=programs["smart-recovery"])
    # 11 includes the welcome ratings (two queries) and the care team, which every patient page loads with the
    # patient (patient_for_request).
    with django_assert_max_num_queries(11):
        client.get(url)
    for slug in ("alcoholics-anonymous", "smart-recovery", "hams", "al-anon"):
        MeetingFactory.create_batch(15, clinic=clinic, program=programs[slug])
        MeetingFactory.create_batch(5, clinic=clinic, program=programs[slug], online=True)
    with django_assert_max_num_queries(11):
        response = client.get(url)
    assert response.context["options"].meetings_considered == 61


def test_matching_query_leaves_out_other_clinics_inactive_and_other_languages(programs, clinic, other_clinic):
    aa = programs["alcoholics-anonymous"]
    mine = MeetingFactory(clinic=clinic, program=aa)
    MeetingFactory(clinic=other_clinic, program=aa)
    MeetingFactory(clinic=clinic, program=aa, is_active=False)
    MeetingFactory(clinic=clinic, program=aa, languages=",Spanish,")
    MeetingFactory(clinic=clinic, program=programs["al-anon"])
    assert list(meetings_for_matching(clinic.pk, PatientNeeds())) == [mine]


# The signed treatment plan comes first -------------------------------------------------------------

def test_matching_reads_the_drinking_goal_and_maud_from_the_signed_plan(programs, clinic, clinician):
    from patients.models import DrinkingGoal as PlanGoal

    from .factories.treatment_plans import signed_plan

    patient = PatientFactory(clinic=clinic)
    # The preferences form still says what was asked before the plan was signed.
    prefs = MatchingPreferencesFactory(patient=patient, drinking_goal=DrinkingGoal.ABSTINENCE, on_maud=False)
    version = signed_plan(patient, clinician, drinking_goal=PlanGoal.REDUCED)  # naltrexone, started

    needs = needs_for(with_plan(patient), prefs)
    assert needs.drinking_goal == DrinkingGoal.REDUCED and needs.on_maud
    assert needs.goal_source.from_plan and needs.goal_source.plan_version == version.number

    options = rank_options(needs, Program.objects.all(), [])
    assert position(options, "hams") < position(options, "alcoholics-anonymous")
    assert "Accepts reduced drinking as a goal, which is the patient's goal" in option_for(options, "hams").fits
    welcoming = [o.item.slug for o in options.programs
                 if any(fit.startswith("Known to welcome people who take medication") for fit in o.fits)]
    assert welcoming  # medication-welcoming counts, though the preferences say "not on MAUD"
    from_form_only = rank_options(PatientNeeds(drinking_goal=DrinkingGoal.ABSTINENCE), Program.objects.all(), [])
    assert not any(fit.startswith("Known to welcome") for o in from_form_only.programs for fit in o.fits)


def test_a_paused_medication_in_the_signed_plan_is_not_maud(clinic, clinician):
    from patients.models import MedicationStatus

    from .factories.treatment_plans import PlanMedicationFactory, PlanVersionFactory, TreatmentPlanFactory, sign

    patient = PatientFactory(clinic=clinic)
    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    PlanMedicationFactory(version=version, prescriber=clinician, status=MedicationStatus.PAUSED,
                          status_reason="Nausea; revisit at the next visit")
    sign(version, clinician)
    prefs = MatchingPreferencesFactory(patient=patient, drinking_goal=DrinkingGoal.REDUCED, on_maud=True)
    needs = needs_for(with_plan(patient), prefs)
    assert needs.drinking_goal == DrinkingGoal.ABSTINENCE and not needs.on_maud


def test_a_draft_plan_does_not_count_until_signed(clinic, clinician):
    from .factories.treatment_plans import PlanMedicationFactory, PlanVersionFactory, TreatmentPlanFactory

    patient = PatientFactory(clinic=clinic)
    draft = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    PlanMedicationFactory(version=draft, prescriber=clinician)
    prefs = MatchingPreferencesFactory(patient=patient, drinking_goal=DrinkingGoal.REDUCED, on_maud=False)
    needs = needs_for(with_plan(patient), prefs)
    assert needs.drinking_goal == DrinkingGoal.REDUCED and not needs.on_maud
    assert not needs.goal_source.from_plan


def test_find_options_says_where_the_goal_comes_from(programs, clinic, clinician, peer, login):
    from patients.models import DrinkingGoal as PlanGoal

    from .factories.treatment_plans import signed_plan

    patient = PatientFactory(clinic=clinic)
    MatchingPreferencesFactory(patient=patient, drinking_goal=DrinkingGoal.ABSTINENCE, on_maud=False)
    client = login(peer)
    url = reverse("referrals:find_options", args=[patient.public_id])
    before = client.get(url).content.decode()
    assert "No signed treatment plan yet" in before

    version = signed_plan(patient, clinician, drinking_goal=PlanGoal.REDUCED)
    after = client.get(url).content.decode()
    assert "No signed treatment plan yet" not in after
    assert "come from the" in after and f"(version {version.number})" in after
    assert reverse("patients:plan_version", args=[patient.public_id, version.number]) in after
    assert "Reduced drinking</strong>" in after and "on MAUD" in after
    assert "{#" not in after and "#}" not in after  # template comments never leak onto the page


def test_find_options_query_count_is_the_same_with_a_signed_plan(programs, clinic, clinician, peer, login,
                                                                  django_assert_max_num_queries):
    from .factories.treatment_plans import signed_plan

    patient = PatientFactory(clinic=clinic)
    MatchingPreferencesFactory(patient=patient)
    client = login(peer)
    url = reverse("referrals:find_options", args=[patient.public_id])
    # 12: the clinic has no meeting at all, so matching also looks for meetings in other languages; the welcome
    # ratings take two.
    with django_assert_max_num_queries(12) as without_plan:
        client.get(url)
    signed_plan(patient, clinician, medications=4, therapies=3, goals=5)
    with django_assert_max_num_queries(len(without_plan.captured_queries)):
        response = client.get(url)
    assert response.context["needs"].goal_source.from_plan
