"""A patient with something in every area the FHIR export covers (``maud_pathways.fhir``), ``records`` of each
kind."""

import datetime

from django.utils import timezone

from patients import treatment_plans
from patients.models import GoalSource, Medication, MedicationStatus
from referrals.lifecycle import CloseReason, ReferralStatus
from referrals.models import RevocationReceipt
from wellness.models import GapGoalLink

from .dates import days_from_today, today
from .patients import patient_with_team
from .referrals.conversations import ConsentFactory, ReferralFactory
from .referrals.directory import ProgramFactory
from .treatment_plans import PlanGoalFactory, PlanMedicationFactory, PlanTherapyFactory, PlanVersionFactory, sign
from .wellness import (
    AssessmentFactory,
    PlanChangeFactory,
    SignAndActionFactory,
    SupportFactory,
    WellnessGoalFactory,
    WellnessPlanFactory,
)

MAUD_MEDICATIONS = [Medication.NALTREXONE_ORAL, Medication.NALTREXONE_XR, Medication.ACAMPROSATE,
                    Medication.DISULFIRAM, Medication.TOPIRAMATE, Medication.GABAPENTIN]


def exported_patient(clinic, clinician, peer, *, records=1):
    """Two signed plan versions (every MAUD medication, one paused and one stopped with a reason), a
    wellness plan, recovery-capital check-ins with a social gap turned into goals, referrals at each kind of
    step (engaged, declined because medication was not welcome, still a suggestion) and Part 2 consents
    (one revoked)."""
    patient = patient_with_team(clinic, clinician=clinician, peer=peer)
    first = PlanVersionFactory(plan__patient=patient, includes_mutual_support=True, includes_peer_support=True)
    for n in range(records):
        for medication in MAUD_MEDICATIONS:
            PlanMedicationFactory(version=first, medication=medication, prescriber=clinician)
        PlanMedicationFactory(version=first, medication=Medication.OTHER, other_name=f"Thiamine {n}",
                              status=MedicationStatus.CONSIDERING, start_date=None, prescriber=None,
                              outside_prescriber="Dr. Field, primary care")
        PlanTherapyFactory(version=first)
        PlanGoalFactory(version=first, added_by=clinician, target_date=days_from_today(30))
    sign(first, clinician, at=timezone.now() - datetime.timedelta(days=40))
    second = treatment_plans.revise(first, clinician, at=timezone.now() - datetime.timedelta(days=10))
    medications = list(second.medications.all())
    for med in medications[:records]:
        med.status, med.status_reason = MedicationStatus.PAUSED, "Nausea; trying again in May"
        med.stop_date = days_from_today(-5)
        med.save()
    for med in medications[records:2 * records]:
        med.status, med.status_reason, med.stop_date = MedicationStatus.STOPPED, "Liver tests", days_from_today(-4)
        med.save()
    wellness = WellnessPlanFactory(patient=patient, vision="Steady mornings.", values="My kids.")
    PlanChangeFactory(plan=wellness, changed_by=peer)
    for n in range(records):
        assessment = AssessmentFactory(patient=patient, administered_by=peer, taken_on=days_from_today(-20 - n),
                                       levels={"personal": 3, "social": 2, "community": 3, "cultural": 3})
        goal = WellnessGoalFactory(plan=wellness, created_by=peer)
        GapGoalLink.objects.create(assessment=assessment, domain="social", wellness_goal=goal, created_by=peer)
        gap_goal = PlanGoalFactory(version=second, added_by=clinician, source=GoalSource.RECOVERY_CAPITAL_GAP,
                                   source_note="Social gap in the check-in")
        GapGoalLink.objects.create(assessment=assessment, domain="social", treatment_goal_key=gap_goal.key,
                                   treatment_goal_text=gap_goal.description, created_by=clinician)
        SignAndActionFactory(plan=wellness)
        SupportFactory(plan=wellness, call_in_crisis=True)
    sign(second, clinician, at=timezone.now() - datetime.timedelta(days=9))
    for n in range(records):
        program = ProgramFactory(slug=f"fhir-program-{patient.pk}-{n}", name=f"Program {patient.pk}-{n}")
        engaged = ReferralFactory(patient=patient, program=program, referred_by=peer, status=ReferralStatus.REFERRED)
        engaged.move_to(status=ReferralStatus.FIRST_MEETING_ATTENDED, by=peer)
        engaged.move_to(status=ReferralStatus.ENGAGED, by=peer)
        declined = ReferralFactory(patient=patient, program=program, referred_by=peer, status=ReferralStatus.DISCUSSED)
        declined.move_to(status=ReferralStatus.DECLINED, by=peer, reason=CloseReason.MEDICATION_NOT_WELCOME)
        ReferralFactory(patient=patient, program=program, referred_by=clinician)
        ConsentFactory(patient=patient, program=program, recorded_by=peer)
        revoked = ConsentFactory(patient=patient, program=program, recorded_by=peer)
        revoked.revoke(clinician, received_as=RevocationReceipt.LETTER, received_on=today(),
                       note="Changed their mind")
    return patient
