"""The case manager's work queue: what to do next, across their patients.

``case_manager_queue(user, today)`` is a plain function so that a home page can reuse it.
Its query count does not depend on how many patients, follow-ups or barriers there are.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from patients.models import Patient

from ..lifecycle import ReferralStatus
from ..support.models import Referral
from .models import Barrier, FollowUp, Intervention, InterventionStatus
from .models.barriers import ACTIVE_BARRIER_STATUSES, BarrierSeverity
from .participation import lapsed_filter, not_reached_filter, participation_of, with_participation

#: A referral whose status has not moved for this long shows up in the queue.
NO_PROGRESS_DAYS = 14

_SEVERITY_RANK = {BarrierSeverity.A_LOT: 0, BarrierSeverity.SOMEWHAT: 1, BarrierSeverity.A_LITTLE: 2}


@dataclass
class CaseManagerQueue:
    today: object
    #: The user's patients (care team) the clinic's tries have not reached, or who lapsed (no meeting reported for
    #: the clinic's ``lapse_days``), each with ``participation`` and ``to_reach_reason``; the queue starts here.
    to_reach: list = field(default_factory=list)
    #: Scheduled follow-ups assigned to the user, due today or earlier; most overdue first.
    follow_ups: list = field(default_factory=list)
    #: Active barriers the user owns (or holds a due intervention on) with an intervention due today or
    #: earlier, or with nothing planned yet; most overdue first, then unplanned ones by severity.
    barriers: list = field(default_factory=list)
    #: Open referrals of the user's patients whose status has not changed for ``NO_PROGRESS_DAYS`` days.
    stalled_referrals: list = field(default_factory=list)

    @property
    def overdue_follow_ups(self):
        return [f for f in self.follow_ups if f.due_on < self.today]

    @property
    def follow_ups_due_today(self):
        return [f for f in self.follow_ups if f.due_on == self.today]

    @property
    def total(self):
        return len(self.to_reach) + len(self.follow_ups) + len(self.barriers) + len(self.stalled_referrals)


def due_follow_ups(user, today):
    return list(
        FollowUp.objects.due_by(today)
        .filter(assigned_to=user, patient__in=Patient.objects.visible_to(user))
        .select_related("patient")
        .order_by("due_on", "patient__last_name", "patient__first_name", "pk")
    )


def barriers_to_work_on(user, today):
    planned = Intervention.objects.filter(barrier=OuterRef("pk"), status=InterventionStatus.PLANNED)
    barriers = (
        Barrier.objects.filter(patient__in=Patient.objects.visible_to(user), status__in=ACTIVE_BARRIER_STATUSES)
        .annotate(
            next_due=Subquery(planned.order_by("due_on").values("due_on")[:1]),
            has_plan=Exists(planned),
        )
        .filter(
            Q(owner=user, next_due__lte=today)
            | Q(owner=user, has_plan=False)
            | Exists(planned.filter(owner=user, due_on__lte=today))
        )
        .select_related("patient", "owner")
        .prefetch_related(Prefetch(
            "interventions",
            queryset=Intervention.objects.filter(status=InterventionStatus.PLANNED, due_on__lte=today)
            .select_related("owner"),
            to_attr="due_interventions",
        ))
        .order_by(F("next_due").asc(nulls_last=True), "noted_on", "pk")
    )
    rows = list(barriers)
    # Unplanned barriers (no due date) go after the due ones, the ones in the way most first.
    return sorted(rows, key=lambda b: (b.next_due is None, b.next_due or today,
                                       _SEVERITY_RANK.get(b.severity, 3), b.noted_on, b.pk))


def no_progress_cutoff(today):
    """Referrals whose status last changed before this moment have gone ``NO_PROGRESS_DAYS`` days without."""
    day = today - datetime.timedelta(days=NO_PROGRESS_DAYS - 1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def stalled_referrals(user, today):
    """Open referrals of the user's patients (care team, or referred by them) with no progress for
    ``NO_PROGRESS_DAYS`` days, longest-waiting first. Engaged referrals have reached the goal and are left out, and
    so are suggestions for someone close to the patient (the clinic does not follow those).
    """
    return list(
        Referral.objects.visible_to(user).the_patients_own()
        .without_progress_since(no_progress_cutoff(today))
        .exclude(status=ReferralStatus.ENGAGED)
        .filter(Q(patient__care_team__staff=user) | Q(referred_by=user))
        .distinct()
        .select_related("patient", "program", "meeting")
        .order_by("status_changed_at", "pk")
    )


def to_reach_reason(participation):
    """Why a patient is at the top of the queue, in words."""
    reasons = []
    if participation.not_reached:
        last = timezone.localtime(participation.last_attempt_at)
        reasons.append(f"Not reached after {participation.failed_attempts} tries (last {last:%b %-d})")
    if participation.lapsed:
        reasons.append(f"No meeting reported since {participation.last_meeting_on:%b %-d, %Y}")
    return "; ".join(reasons)


def patients_to_reach(user, today):
    """The user's patients (on their care team) not reached after the clinic's number of tries, or lapsed; the
    ones not reached first (most tries first), then the longest lapsed. One query."""
    if user.clinic_id is None:
        return []
    clinic = user.clinic
    patients = list(
        with_participation(Patient.objects.visible_to(user).on_care_team_of(user))
        .filter(lapsed_filter(clinic, today) | not_reached_filter())
    )
    for patient in patients:
        patient.participation = participation_of(patient, today)
        patient.to_reach_reason = to_reach_reason(patient.participation)
    return sorted(patients, key=lambda p: (not p.participation.not_reached, -p.participation.failed_attempts,
                                           p.participation.last_meeting_on or today, p.last_name, p.pk))


def case_manager_queue(user, today=None):
    today = today or timezone.localdate()
    return CaseManagerQueue(
        today=today,
        to_reach=patients_to_reach(user, today),
        follow_ups=due_follow_ups(user, today),
        barriers=barriers_to_work_on(user, today),
        stalled_referrals=stalled_referrals(user, today),
    )
