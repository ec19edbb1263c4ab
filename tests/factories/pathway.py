"""Helpers for the pathway and home-queue tests: patients at a given point of the pathway."""

import datetime

from django.utils import timezone

from patients.models import Role

from .patients import CareTeamMemberFactory, PatientFactory
from .referrals.barriers import BarrierFactory, DoneFollowUpFactory, InterventionFactory, ScheduledFollowUpFactory
from .referrals.conversations import ConversationFactory, FirstMeetingPlanFactory, ReferralFactory
from .treatment_plans import PlanVersionFactory, signed_plan
from .wellness import AssessmentFactory, WellnessPlanFactory


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def patient_with_team(clinic, *, clinician=None, peer=None, case_manager=None, **kwargs):
    patient = PatientFactory(clinic=clinic, **kwargs)
    for staff, role in ((clinician, Role.CLINICIAN), (peer, Role.PEER_SPECIALIST),
                        (case_manager, Role.CASE_MANAGER)):
        if staff is not None:
            CareTeamMemberFactory(patient=patient, staff=staff, role=role)
    return patient


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
                          taken_on=days(-10 - n))
        ConversationFactory(patient=patient, held_by=peer, held_on=days(-5 - n))
        referral = ReferralFactory(patient=patient, referred_by=peer, status="referred")
        FirstMeetingPlanFactory(referral=referral, companion=peer, planned_for=days(2 + n))
        DoneFollowUpFactory(patient=patient, assigned_to=case_manager, done_on=days(-3 - n))
        barrier = BarrierFactory(patient=patient, noted_by=case_manager, owner=case_manager)
        InterventionFactory(barrier=barrier, due_on=days(5))
        BarrierFactory(patient=patient, noted_by=case_manager, owner=case_manager)
        ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days(-1 - n))
    return patient
