"""Demo barriers, interventions and follow-ups (Stop 5) for the patients of the ``casemanager`` demo user.

Safe to run again: patients that already have any follow-up or barrier are left alone.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from patients.models import Patient, Role, StaffMember

from ..directory.models import Program
from ..lifecycle import ReferralStatus
from ..support.models import Referral
from .models import (
    Barrier,
    BarrierKind,
    BarrierSeverity,
    BarrierStatus,
    FeltWelcome,
    FollowUp,
    FollowUpMethod,
    FollowUpStatus,
    Intervention,
    InterventionKind,
    InterventionStatus,
)

# For each demo patient (in MRN order): done follow-ups as (days ago, meetings, felt welcome, their words),
# the next scheduled follow-up in days from today (negative: overdue), and barriers.
PLANS = [
    {
        "history": [(75, 0, "", "Not ready yet."), (60, 1, FeltWelcome.PARTLY, "Went once, sat in the back."),
                    (45, 2, FeltWelcome.YES, "People were kind about my naltrexone."),
                    (31, 2, FeltWelcome.YES, "Getting there is the hard part."),
                    (17, 1, FeltWelcome.YES, "Missed one because the bus was late.")],
        "next": -3,
        "barriers": [{
            "kind": BarrierKind.TRANSPORTATION, "severity": BarrierSeverity.A_LOT,
            "status": BarrierStatus.BEING_ADDRESSED, "noted": 31,
            "details": "No car; the bus to the Tuesday meeting runs once an hour.",
            "interventions": [
                (InterventionKind.ONLINE_ALTERNATIVE, "Online or app-based meetings from home", -20,
                 InterventionStatus.HELPED, "Joined two online meetings from home."),
                (InterventionKind.TRANSPORT_HELP, "Bus pass for travel to meetings", -1, None, ""),
            ],
        }],
    },
    {
        "history": [(40, 0, "", "Worried what people will think of the medication."),
                    (14, 1, FeltWelcome.NO, "Someone said I wasn't really sober.")],
        "next": 0,
        "barriers": [{"kind": BarrierKind.MEDICATION_STIGMA, "severity": BarrierSeverity.SOMEWHAT,
                      "status": BarrierStatus.OPEN, "noted": 14,
                      "details": "Felt judged at a meeting for taking acamprosate.", "interventions": []}],
    },
    {
        "history": [(50, 1, FeltWelcome.YES, "Liked the secular group."), (19, 3, FeltWelcome.YES, "Going weekly.")],
        "next": -5,
        "barriers": [{
            "kind": BarrierKind.ANXIETY, "severity": BarrierSeverity.SOMEWHAT, "status": BarrierStatus.BEING_ADDRESSED,
            "noted": 50, "details": "Nervous about speaking in a group.",
            "interventions": [(InterventionKind.PEER_GOES_ALONG, "A peer goes along to the first meeting", 5,
                               None, "")],
        }],
    },
    {"history": [(16, 2, FeltWelcome.YES, "Two meetings, both good.")], "next": 0, "barriers": [],
     "stalled_referral_days": 20},
    {
        "history": [(35, 0, "", "Works evenings."), (20, 2, FeltWelcome.PARTLY, "Online at lunch works.")],
        "next": 7,
        "barriers": [{"kind": BarrierKind.SCHEDULE, "severity": BarrierSeverity.A_LITTLE,
                      "status": BarrierStatus.RESOLVED, "noted": 35, "details": "Works evenings.",
                      "interventions": [(InterventionKind.ONLINE_ALTERNATIVE, "Online meetings at lunchtime", -25,
                                         InterventionStatus.HELPED, "Found a noon meeting online.")]}],
    },
    {"history": [], "next": 2, "barriers": []},
]


def case_manager_patients(case_manager, count):
    return list(Patient.objects.filter(clinic=case_manager.clinic, care_team__staff=case_manager,
                                       care_team__role=Role.CASE_MANAGER).order_by("mrn")[:count])


@transaction.atomic
def seed(username="casemanager", today=None):
    """Create the Stop 5 demo records; returns how many patients got new records."""
    today = today or timezone.localdate()
    case_manager = StaffMember.objects.filter(username=username).first()
    if case_manager is None or case_manager.clinic_id is None:
        return 0
    patients = case_manager_patients(case_manager, len(PLANS))
    created = 0
    for patient, plan in zip(patients, PLANS, strict=False):
        if patient.follow_ups.exists() or patient.barriers.exists():
            continue
        created += 1
        _seed_patient(patient, plan, case_manager, today)
        if plan.get("stalled_referral_days") and not patient.referrals.exists():
            _stalled_referral(patient, case_manager, plan["stalled_referral_days"])
    return created


def _stalled_referral(patient, case_manager, days_ago):
    """A referral made weeks ago that has not moved since: it shows in the case manager's queue."""
    program = (Program.objects.filter(Q(name__icontains="SMART") | Q(name__icontains="LifeRing")).order_by("name")
               .first() or Program.objects.order_by("name").first())
    if program is None:
        return
    referral = Referral.start(patient=patient, program=program, by=case_manager, status=ReferralStatus.REFERRED,
                              note="Gave the meeting list; patient will try a meeting this week.")
    when = timezone.now() - datetime.timedelta(days=days_ago)
    referral.transitions.update(at=when)
    Referral.objects.filter(pk=referral.pk).update(status_changed_at=when)


def _seed_patient(patient, plan, case_manager, today):
    for days_ago, meetings, welcome, words in plan["history"]:
        done_on = today - datetime.timedelta(days=days_ago)
        FollowUp.objects.create(
            patient=patient, status=FollowUpStatus.DONE, due_on=done_on, done_on=done_on, assigned_to=case_manager,
            done_by=case_manager, created_by=case_manager, method=FollowUpMethod.PHONE,
            meetings_attended=meetings, felt_welcome=welcome, in_their_words=words,
            next_follow_up_on=done_on + datetime.timedelta(days=14),
        )
    FollowUp.objects.create(patient=patient, due_on=today + datetime.timedelta(days=plan["next"]),
                            assigned_to=case_manager, created_by=case_manager)
    for spec in plan["barriers"]:
        closed = spec["status"] in (BarrierStatus.RESOLVED, BarrierStatus.CANNOT_RESOLVE_NOW)
        barrier = Barrier.objects.create(
            patient=patient, kind=spec["kind"], severity=spec["severity"], status=spec["status"],
            details=spec["details"], noted_on=today - datetime.timedelta(days=spec["noted"]), noted_by=case_manager,
            owner=case_manager, closed_on=today - datetime.timedelta(days=10) if closed else None,
            closed_by=case_manager if closed else None,
        )
        for kind, what, due_in, outcome, note in spec["interventions"]:
            Intervention.objects.create(
                barrier=barrier, kind=kind, what=what, owner=case_manager,
                due_on=today + datetime.timedelta(days=due_in),
                status=outcome or InterventionStatus.PLANNED, outcome_note=note,
                completed_on=today + datetime.timedelta(days=due_in) if outcome else None, created_by=case_manager,
            )
