"""Patients at a given point of the pathway, for the pathway, home-queue and clinic-overview tests (the
composing app, ``maud_pathways``)."""

import datetime

from django.utils import timezone

from patients.models import MedicationStatus
from referrals.lifecycle import PATH, CloseReason, ReferralStatus
from referrals.models import Referral, ReferralTransition

from .dates import days_from_today
from .patients import patient_with_team
from .referrals.barriers import BarrierFactory, DoneFollowUpFactory, InterventionFactory, ScheduledFollowUpFactory
from .referrals.conversations import ConversationFactory, FirstMeetingPlanFactory, ReferralFactory
from .treatment_plans import PlanMedicationFactory, PlanVersionFactory, TreatmentPlanFactory, sign, signed_plan
from .wellness import AssessmentFactory, WellnessPlanFactory


def walked_patient(clinic, clinician, peer, case_manager, *, records=1):
    """A patient with something at every stop, ``records`` of each kind (plans, assessments, referrals...)."""
    patient = patient_with_team(clinic, clinician=clinician, peer=peer, case_manager=case_manager)
    version = signed_plan(patient, clinician, includes_mutual_support=True,
                          at=timezone.now() - datetime.timedelta(days=30 * records))
    if records > 1:
        PlanVersionFactory(plan=version.plan, includes_mutual_support=True)  # a revision being drafted
    WellnessPlanFactory(patient=patient)
    for n in range(records):
        AssessmentFactory(patient=patient, levels={"personal": 3, "social": 2, "community": 3, "cultural": 3},
                          taken_on=days_from_today(-10 - n))
        ConversationFactory(patient=patient, held_by=peer, held_on=days_from_today(-5 - n))
        referral = ReferralFactory(patient=patient, referred_by=peer, status=ReferralStatus.REFERRED)
        FirstMeetingPlanFactory(referral=referral, companion=peer, planned_for=days_from_today(2 + n))
        DoneFollowUpFactory(patient=patient, assigned_to=case_manager, done_on=days_from_today(-3 - n))
        barrier = BarrierFactory(patient=patient, noted_by=case_manager, owner=case_manager)
        InterventionFactory(barrier=barrier, due_on=days_from_today(5))
        BarrierFactory(patient=patient, noted_by=case_manager, owner=case_manager)
        ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(-1 - n))
    return patient


def patient_with_plan(clinician, *, medication_status=MedicationStatus.STARTED, signed_days_ago=0, **fields):
    """A patient of the clinician's clinic, on their care team, with one signed plan holding one medication."""
    patient = patient_with_team(clinician=clinician, **fields)
    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    extra = {"status_reason": "Side effects", "stop_date": days_from_today(-1)} if medication_status in (
        MedicationStatus.PAUSED, MedicationStatus.STOPPED) else {}
    PlanMedicationFactory(version=version, prescriber=clinician, status=medication_status,
                          start_date=days_from_today(-signed_days_ago - 30), **extra)
    sign(version, clinician, at=timezone.now() - datetime.timedelta(days=signed_days_ago))
    return patient


def referral_reaching(patient, by, status, *, program, days_back=0):
    """A referral walked through the lifecycle to ``status``; its creation and every move dated ``days_back``."""
    referral = ReferralFactory(patient=patient, program=program, referred_by=by, status=ReferralStatus.SUGGESTED)
    if status in PATH:
        for step in PATH[1: PATH.index(status) + 1]:
            referral.move_to(status=step, by=by)
    else:  # declined or stopped from "referred"
        for step in (ReferralStatus.DISCUSSED, ReferralStatus.REFERRED):
            referral.move_to(status=step, by=by)
        referral.move_to(status=status, by=by, reason=CloseReason.NOT_READY)
    when = timezone.now() - datetime.timedelta(days=days_back)
    Referral.objects.filter(pk=referral.pk).update(created_at=when, status_changed_at=when)
    ReferralTransition.objects.filter(referral=referral).update(at=when)
    referral.refresh_from_db()
    return referral
