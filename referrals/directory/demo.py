"""Demo data for the directory and matching (Stop 4). Safe to run again: nothing is duplicated."""

from pathlib import Path

from django.core.management import call_command

from .meeting_guide import import_feed, read_feed
from .models import (
    Audience,
    CulturalFocus,
    DrinkingApproach,
    DrinkingGoal,
    GenderGroups,
    MatchingPreferences,
    MedicationWelcome,
    MeetingImport,
    MeetingMedicationWelcome,
    Program,
    ProgramGroup,
    ProgramNote,
    SpiritualContent,
    SpiritualPreference,
    TimeOfDay,
    Transportation,
)

SAMPLE_FEEDS = Path(__file__).resolve().parent / "data" / "sample_feeds"

# (file, program slug, feed name shown to staff)
DEMO_CLINIC_FEEDS = [
    ("springfield-aa.json", "alcoholics-anonymous", "Springfield Area Intergroup (sample)"),
    ("springfield-al-anon.json", "al-anon", "Al-Anon Illinois (sample)"),
    ("springfield-smart.json", "smart-recovery", "SMART Recovery Illinois (sample)"),
    ("springfield-hams.json", "hams", "HAMS online meetings (sample)"),
    ("springfield-recovery-dharma.json", "recovery-dharma", "Recovery Dharma Springfield (sample)"),
    ("springfield-celebrate-recovery.json", "celebrate-recovery", "Celebrate Recovery at Grace (sample)"),
    ("springfield-lifering.json", "lifering", "LifeRing Springfield (sample)"),
    ("springfield-wellbriety.json", "wellbriety", "Wellbriety circle (sample)"),
    ("springfield-women-for-sobriety.json", "women-for-sobriety", "Women for Sobriety Springfield (sample)"),
    ("springfield-recovery-community-organizations.json", "recovery-community-organizations",
     "Capital Area Recovery Center (sample)"),
]
OTHER_CLINIC_FEEDS = [
    ("erie-aa.json", "alcoholics-anonymous", "Erie Area Intergroup (sample)"),
    ("erie-smart.json", "smart-recovery", "SMART Recovery Pennsylvania (sample)"),
]

# What peers at the demo clinic have learned about a few meetings.
MEETING_KNOWLEDGE = [
    ("spr-aa-004", MeetingMedicationWelcome.WELCOMING,
     "The group's notes welcome people on MAUD (peer visit, 2026-02)."),
    ("spr-aa-018", MeetingMedicationWelcome.NOT_WELCOMING,
     "Two patients were told to stop naltrexone here (peer report, 2026-01)."),
]

# Preferences for a few demo patients, by medical record number.
DEMO_PREFERENCES = {
    # On naltrexone, no car, wants to drink less: the pathway's typical Stop 4 case.
    "RB-10001": dict(drinking_goal=DrinkingGoal.REDUCED, on_maud=True, transportation=Transportation.NONE,
                     spiritual_content=SpiritualPreference.NO_PREFERENCE, gender_groups=GenderGroups.WOMEN,
                     available_times=[TimeOfDay.EVENING], notes="Works days; phone only, no laptop."),
    "RB-10002": dict(drinking_goal=DrinkingGoal.ABSTINENCE, on_maud=True, transportation=Transportation.CAR,
                     spiritual_content=SpiritualPreference.WANTS, gender_groups=GenderGroups.MIXED_ONLY,
                     available_days=[2, 4, 6]),
    "RB-10003": dict(drinking_goal=DrinkingGoal.ABSTINENCE, on_maud=True, transportation=Transportation.TRANSIT,
                     spiritual_content=SpiritualPreference.AVOID, gender_groups=GenderGroups.NOT_ASKED,
                     available_times=[TimeOfDay.EVENING]),
    "RB-10004": dict(drinking_goal=DrinkingGoal.UNDECIDED, on_maud=False, transportation=Transportation.CAR,
                     cultural_focuses=[CulturalFocus.NATIVE], gender_groups=GenderGroups.NOT_ASKED),
}


# The demo clinic's own directory: a note next to a shared program, and a program of its own (only it sees both).
CLINIC_NOTE = ("alcoholics-anonymous", "Springfield Area Intergroup office (sample), (217) 555-0160",
               "Peers keep a list of the Big Book groups that welcome members on medication; ask Jordan.")
CLINIC_PROGRAM = dict(
    name="SMART Recovery Family & Friends (Springfield)", group=ProgramGroup.SECULAR,
    audience=Audience.FAMILY_AND_FRIENDS, drinking_approach=DrinkingApproach.NOT_APPLICABLE,
    spiritual_content=SpiritualContent.NONE, medication_welcome=MedicationWelcome.UNKNOWN,
    medication_note="For the people close to a patient, not the patient's own group.", offers_in_person=True,
    description="A local group for family members and friends, using SMART's tools and CRAFT "
                "(community reinforcement and family training). Meets Wednesday evenings at the library (sample).",
    description_source="Riverbend peer staff, from the group's flyer (sample demo data)",
    first_meeting="Bring any questions; the facilitator explains the tools.\nYou may listen without speaking.",
)


def seed(clinic, other_clinic, stdout=None):
    call_command("load_programs", stdout=stdout)
    slug, contact, note = CLINIC_NOTE
    ProgramNote.objects.get_or_create(clinic=clinic, program=Program.objects.get(slug=slug),
                                      defaults={"local_contact": contact, "note": note})
    if not Program.objects.of_clinic(clinic).filter(name=CLINIC_PROGRAM["name"]).exists():
        Program.objects.create(clinic=clinic, slug=f"c{clinic.pk}-smart-family-friends", **CLINIC_PROGRAM)
    for clinic_, feeds in [(clinic, DEMO_CLINIC_FEEDS), (other_clinic, OTHER_CLINIC_FEEDS)]:
        for filename, program_slug, source in feeds:
            _import_once(clinic_, filename, program_slug, source)
    for slug, welcome, note in MEETING_KNOWLEDGE:
        clinic.meetings.filter(slug=slug, medication_welcome=MeetingMedicationWelcome.UNKNOWN).update(
            medication_welcome=welcome, medication_note=note
        )
    for mrn, values in DEMO_PREFERENCES.items():
        patient = clinic.patients.filter(mrn=mrn).first()
        if patient is not None and not MatchingPreferences.objects.filter(patient=patient).exists():
            MatchingPreferences.objects.create(patient=patient, language=patient.preferred_language, **values)


def _import_once(clinic, filename, program_slug, source):
    program = Program.objects.get(slug=program_slug)
    if MeetingImport.objects.filter(clinic=clinic, program=program, source=source).exists():
        return
    entries = read_feed((SAMPLE_FEEDS / filename).read_bytes())
    import_feed(entries, clinic=clinic, program=program, source=source)
