"""Helpers for the clinic overview tests: patients at a given point of the pathway, with dated records."""

import datetime

from django.utils import timezone

from patients.models import Role
from referrals.models import Referral, ReferralTransition

from .factories import CareTeamMemberFactory, PatientFactory
from .factories_plans import PlanMedicationFactory, PlanVersionFactory, TreatmentPlanFactory, sign
from .factories_stop3 import ReferralFactory

PATH = ["suggested", "discussed", "referred", "first_meeting_attended", "engaged"]


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def moment_days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def patient_with_plan(clinician, *, medication_status="started", signed_days_ago=0, **kwargs):
    """A patient of the clinician's clinic with one signed plan holding one medication entry."""
    patient = PatientFactory(clinic=clinician.clinic, **kwargs)
    CareTeamMemberFactory(patient=patient, staff=clinician, role=Role.CLINICIAN)
    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    extra = {"status_reason": "Side effects", "stop_date": days_ago(1)} if medication_status in (
        "paused", "stopped") else {}
    PlanMedicationFactory(version=version, prescriber=clinician, status=medication_status,
                          start_date=days_ago(signed_days_ago + 30), **extra)
    sign(version, clinician, at=moment_days_ago(signed_days_ago))
    return patient


def referral_reaching(patient, by, status, *, program, days_back=0):
    """A referral walked through the lifecycle to ``status``; its creation and every move dated ``days_back``."""
    referral = ReferralFactory(patient=patient, program=program, referred_by=by, status="suggested")
    target = PATH.index(status) if status in PATH else None
    if target is None:  # declined or stopped from "referred"
        for step in PATH[1:3]:
            referral.move_to(status=step, by=by)
        referral.move_to(status=status, by=by, reason="not_ready")
    else:
        for step in PATH[1: target + 1]:
            referral.move_to(status=step, by=by)
    when = moment_days_ago(days_back)
    Referral.objects.filter(pk=referral.pk).update(created_at=when, status_changed_at=when)
    ReferralTransition.objects.filter(referral=referral).update(at=when)
    referral.refresh_from_db()
    return referral
