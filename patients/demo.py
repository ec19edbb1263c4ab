"""Demo records of the patients app: treatment plans (Stop 1). Safe to run more than once."""

import datetime

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from . import treatment_plans as plans
from .medication_safety import prompts_for_version
from .models import (
    CareTeamMember,
    DrinkingGoal,
    GoalSource,
    GoalStatus,
    Medication,
    MedicationStatus,
    Patient,
    PlanGoal,
    PlanMedication,
    PlanTherapy,
    PlanVersion,
    Role,
    StaffMember,
    Therapy,
    TreatmentPlan,
)

# medication, dose, schedule, status, reason
MEDICATION_PATTERNS = [
    (Medication.NALTREXONE_ORAL, "50 mg", "once a day", MedicationStatus.STARTED, ""),
    (Medication.NALTREXONE_XR, "380 mg", "injection every 4 weeks", MedicationStatus.STARTED, ""),
    (Medication.ACAMPROSATE, "666 mg", "three times a day", MedicationStatus.STARTED, ""),
    (Medication.NALTREXONE_ORAL, "50 mg", "once a day", MedicationStatus.CONSIDERING, ""),
    (Medication.DISULFIRAM, "250 mg", "once a day", MedicationStatus.PAUSED, "Nausea; revisit at next visit"),
    (Medication.GABAPENTIN, "300 mg", "three times a day", MedicationStatus.STARTED, ""),
]
THERAPY_PATTERNS = [
    [(Therapy.CBT, "weekly", "clinic counselor")],
    [(Therapy.MOTIVATIONAL, "every two weeks", ""), (Therapy.CBT, "weekly", "group, Tuesdays")],
    [(Therapy.TWELVE_STEP, "weekly", "")],
    [(Therapy.COUPLES_FAMILY, "twice a month", "family therapist"), (Therapy.CBT, "weekly", "")],
]
OWN_WORDS = {
    DrinkingGoal.REDUCED: ["Cut down to a couple of drinks on weekends, none on work nights.",
                           "Drink less so I stop missing my kids' games."],
    DrinkingGoal.ABSTINENCE: ["I want to stop drinking for good and get my weekends back.",
                              "No alcohol at all while I'm on this medication."],
}


def _wants_reduced_drinking(i):
    """Some demo patients want to drink less; never one whose plan has disulfiram, which makes any alcohol cause a
    severe reaction (the plan's safety prompt would ask for an acknowledgement)."""
    medication = MEDICATION_PATTERNS[i % len(MEDICATION_PATTERNS)][0]
    return i % 4 in (0, 3) and medication != Medication.DISULFIRAM


def _day(days_ago):
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def _moment(days_ago):
    return timezone.now() - datetime.timedelta(days=days_ago)


def _fill(draft, i, by, when):
    med, dose, schedule, status, reason = MEDICATION_PATTERNS[i % len(MEDICATION_PATTERNS)]
    start = None if status == MedicationStatus.CONSIDERING else when.date() - datetime.timedelta(days=14)
    PlanMedication.objects.create(
        version=draft, medication=med, dose=dose, schedule=schedule, status=status, status_reason=reason,
        start_date=start, stop_date=when.date() if status == MedicationStatus.PAUSED else None, prescriber=by,
    )
    for therapy, frequency, provider in THERAPY_PATTERNS[i % len(THERAPY_PATTERNS)]:
        PlanTherapy.objects.create(version=draft, therapy=therapy, frequency=frequency, provider=provider)
    # The first demo patient is the pathway's typical case (naltrexone, wants to drink less); the
    # matching preferences in referrals/directory/demo.py agree with these plans, which matching reads first.
    reduced = _wants_reduced_drinking(i)
    PlanGoal.objects.create(
        version=draft, added_by=by, added_at=when, source=GoalSource.CLINICAL,
        description="Keep a daily drinking log and bring it to each visit." if reduced
        else "Stay alcohol-free through the next review.",
        target_date=when.date() + datetime.timedelta(days=90),
    )
    if draft.includes_mutual_support:
        PlanGoal.objects.create(
            version=draft, added_by=by, added_at=when, source=GoalSource.PEER_MUTUAL_SUPPORT,
            description="Try two mutual-support meetings and talk about how they felt.",
            source_note="Discuss options that welcome people on medication.",
            target_date=when.date() + datetime.timedelta(days=45),
        )
    goal = DrinkingGoal.REDUCED if reduced else DrinkingGoal.ABSTINENCE
    PlanVersion.objects.filter(pk=draft.pk).update(
        drinking_goal=goal, drinking_goal_in_own_words=OWN_WORDS[goal][i % 2],
        created_at=when, updated_at=when,
    )
    draft.refresh_from_db()


def _sign(draft, by, when, review_in_days):
    review = when.date() + datetime.timedelta(days=review_in_days)
    PlanVersion.objects.filter(pk=draft.pk).update(next_review_date=review)
    draft.refresh_from_db()
    # The demo clinician answers each safety question with its first answer (no opioids, no known liver disease,
    # kidneys normal); no demo plan pairs disulfiram with drinking less.
    answers = {prompt.code: (prompt.answers[0][0], "") for prompt in prompts_for_version(draft)
               if not prompt.needs_acknowledgement}
    return plans.sign_version(draft, by, at=when, safety_answers=answers)


def _revise(signed, by, when, i):
    draft = plans.revise(plans.versions_with_entries(PlanVersion.objects.filter(pk=signed.pk)).get(), by, at=when)
    PlanVersion.objects.filter(pk=draft.pk).update(created_at=when, updated_at=when)
    medication = draft.medications.first()
    if medication.status == MedicationStatus.CONSIDERING:
        medication.status = MedicationStatus.STARTED
        medication.start_date = when.date()
        medication.save()
    elif medication.status == MedicationStatus.PAUSED:
        medication.status = MedicationStatus.STOPPED
        medication.status_reason = "Nausea did not settle; switched to naltrexone."
        medication.save()
        PlanMedication.objects.create(version=draft, medication=Medication.NALTREXONE_ORAL, dose="50 mg",
                                      schedule="once a day", status=MedicationStatus.STARTED,
                                      start_date=when.date(), prescriber=by)
    else:
        PlanTherapy.objects.create(version=draft, therapy=Therapy.CONTINGENCY, frequency="weekly")
    goal = draft.goals.first()
    goal.status = GoalStatus.MET
    goal.save()
    PlanGoal.objects.create(version=draft, added_by=by, added_at=when, source=GoalSource.RECOVERY_CAPITAL_GAP,
                            description="Find steady housing near the bus line.",
                            source_note="Housing was the weakest area in the recovery-capital check.",
                            target_date=when.date() + datetime.timedelta(days=120))
    return draft


def seed_treatment_plans(*clinics):
    """Plans for most demo patients: signed (some overdue for review, some revised), some drafts, some none."""
    for clinic in clinics:
        clinicians = list(StaffMember.objects.filter(clinic=clinic, staff_roles__role=Role.CLINICIAN, is_active=True)
                          .order_by("username"))
        if not clinicians:
            continue
        patients = (Patient.objects.filter(clinic=clinic).order_by("mrn")
                    .prefetch_related(Prefetch("care_team", queryset=CareTeamMember.objects.select_related("staff"))))
        for i, patient in enumerate(patients):
            if TreatmentPlan.objects.filter(patient=patient).exists() or i % 10 == 9:
                continue  # already seeded, or one in ten has no plan yet
            team = patient.care_team_with_role(Role.CLINICIAN)
            by = team[0] if team else clinicians[i % len(clinicians)]
            with transaction.atomic():
                _seed_patient_plan(patient, by, i)


def _seed_patient_plan(patient, by, i):
    overdue = i % 10 in (0, 6)
    first_signed = _moment(200 if overdue else 75)
    draft, _ = plans.get_or_start_draft(patient, by, at=first_signed)
    PlanVersion.objects.filter(pk=draft.pk).update(includes_mutual_support=i % 3 != 0)
    draft.refresh_from_db()
    _fill(draft, i, by, first_signed)
    if i % 10 == 8:
        # Only a draft so far: no review date yet, not signed.
        return
    review_days = 90 if not overdue else 120
    version = _sign(draft, by, first_signed, review_days)
    if i % 5 == 1:
        when = _moment(20)
        draft = _revise(version, by, when, i)
        version = _sign(draft, by, when, 90 if not overdue else 14)
    if i % 7 == 2:
        _revise(version, by, _moment(1), i)  # a revision being drafted now
