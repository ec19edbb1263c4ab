"""The case manager's work queue: what to do next, across their patients.

``case_manager_queue(user, today)`` is a plain function so that a home page can reuse it. Each part is
limited and counted in the database (``limited``), so its query count does not grow, and no Python runs
over rows it does not show, whatever the number of patients, follow-ups or barriers. ``due_follow_ups``,
``barriers_to_work_on`` and ``stalled_referrals`` are ordered querysets for callers that show another window
of rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from patients.models import CareTeamMember, Patient

from ..lifecycle import ReferralStatus
from ..support.models import Referral
from .models import Barrier, FollowUp, Intervention, InterventionStatus
from .models.barriers import ACTIVE_BARRIER_STATUSES, BarrierSeverity
from .participation import lapsed_filter, not_reached_filter, participation_of, with_participation

#: A referral whose status has not moved for this long shows up in the queue.
NO_PROGRESS_DAYS = 14

#: Rows of each part of the queue on one page of "My queue".
PAGE_SIZE = 25

#: Unplanned barriers are ordered by how much they get in the way.
_SEVERITY_RANK = Case(
    When(severity=BarrierSeverity.A_LOT, then=Value(0)),
    When(severity=BarrierSeverity.SOMEWHAT, then=Value(1)),
    When(severity=BarrierSeverity.A_LITTLE, then=Value(2)),
    default=Value(3),
)


def limited(queryset, *, limit, offset=0, related=()):
    """``(rows, count)``: rows ``offset`` to ``offset + limit`` of ``queryset`` and how many rows it has in all.

    One query finds the rows and counts them all (a window function counts the rows before the limit cuts
    them); the objects they point to (``related``, as ``prefetch_related`` lookups) are loaded afterwards for
    the rows shown only, one query each, so the database never joins them to every row it counts. Past the
    last row, a second query counts."""
    rows = list(queryset.select_related(None).annotate(queue_total=Window(Count("pk")))[offset:offset + limit])
    if not rows:
        return rows, (queryset.count() if offset else 0)
    prefetch_related_objects(rows, *related)
    return rows, rows[0].queue_total


class PageOfRows:
    """What a page shows of a list counted in the database: ``rows`` from ``offset``, at most ``limit`` of them,
    of ``count`` in all (the attributes of the dataclasses that use it)."""

    @property
    def more(self):
        return self.count > self.offset + len(self.rows)

    @property
    def first_shown(self):
        return self.offset + 1 if self.rows else 0

    @property
    def last_shown(self):
        return self.offset + len(self.rows)

    @property
    def page(self):
        return self.offset // self.limit + 1


@dataclass
class Part(PageOfRows):
    """One part of the queue: a page of rows, the number of all rows, and where the page starts."""

    rows: list
    count: int
    offset: int = 0
    limit: int = PAGE_SIZE

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


@dataclass
class CaseManagerQueue:
    today: object
    #: The user's patients (care team) the clinic's tries have not reached, or who lapsed (no meeting reported for
    #: the clinic's ``lapse_days``), each with ``participation`` and ``to_reach_reason``; the queue starts here.
    to_reach: Part = field(default_factory=lambda: Part([], 0))
    #: Scheduled follow-ups assigned to the user, due today or earlier; most overdue first.
    follow_ups: Part = field(default_factory=lambda: Part([], 0))
    #: Active barriers the user owns (or holds a due intervention on) with an intervention due today or
    #: earlier, or with nothing planned yet; most overdue first, then unplanned ones by severity.
    barriers: Part = field(default_factory=lambda: Part([], 0))
    #: Open referrals of the user's patients whose status has not changed for ``NO_PROGRESS_DAYS`` days.
    stalled_referrals: Part = field(default_factory=lambda: Part([], 0))

    @property
    def overdue_follow_ups(self):
        """The overdue follow-ups among the rows shown."""
        return [f for f in self.follow_ups if f.due_on < self.today]

    @property
    def follow_ups_due_today(self):
        """The follow-ups due today among the rows shown."""
        return [f for f in self.follow_ups if f.due_on == self.today]

    @property
    def total(self):
        return self.to_reach.count + self.follow_ups.count + self.barriers.count + self.stalled_referrals.count


#: What the rows of each part show besides themselves (loaded for the rows shown only: ``limited``).
FOLLOW_UP_RELATED = ("patient",)
BARRIER_RELATED = ("patient", "owner")
REFERRAL_RELATED = ("patient", "program", "meeting")


def due_follow_ups(user, today):
    return (
        FollowUp.objects.due_by(today)
        .filter(assigned_to=user, patient__in=Patient.objects.visible_to(user))
        .select_related("patient")
        .order_by("due_on", "patient__last_name", "patient__first_name", "pk")
    )


def barriers_to_work_on(user, today):
    """Unplanned barriers (no due date) go after the due ones, the ones most in the way first."""
    planned = Intervention.objects.filter(barrier=OuterRef("pk"), status=InterventionStatus.PLANNED)
    return (
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
        .order_by(F("next_due").asc(nulls_last=True), _SEVERITY_RANK, "noted_on", "pk")
    )


def no_progress_cutoff(today):
    """Referrals whose status last changed before this moment have gone ``NO_PROGRESS_DAYS`` days without."""
    day = today - datetime.timedelta(days=NO_PROGRESS_DAYS - 1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def stalled_referrals(user, today):
    """Open referrals of the user's patients (care team, or referred by them) with no progress for
    ``NO_PROGRESS_DAYS`` days, longest-waiting first. Engaged referrals have reached the goal and are left out, and
    so are suggestions for someone close to the patient (the clinic does not follow those).
    """
    on_team = CareTeamMember.objects.filter(patient=OuterRef("patient"), staff=user)
    return (
        Referral.objects.visible_to(user).the_patients_own()
        .without_progress_since(no_progress_cutoff(today))
        .exclude(status=ReferralStatus.ENGAGED)
        .filter(Exists(on_team) | Q(referred_by=user))
        .select_related("patient", "program", "meeting")
        .order_by("status_changed_at", "pk")
    )


def to_reach_reason(participation):
    """Why a patient is at the top of the queue, in words."""
    reasons = []
    if participation.not_reached:
        last = timezone.localtime(participation.last_attempt_at)
        reasons.append(ngettext("Not reached after %(n)s try (last %(date)s)",
                                "Not reached after %(n)s tries (last %(date)s)", participation.failed_attempts)
                       % {"n": participation.failed_attempts, "date": date_format(last, "MONTH_DAY_FORMAT")})
    if participation.lapsed:
        reasons.append(gettext("No meeting reported since %(date)s")
                       % {"date": date_format(participation.last_meeting_on, "DATE_FORMAT")})
    return "; ".join(reasons)


def patients_to_reach(user, today):
    """The user's patients (on their care team) not reached after the clinic's number of tries, or lapsed: an
    ordered queryset (annotated by ``with_participation``), the ones not reached first (most tries first), then
    the longest lapsed. Show a window of it with ``limited`` and word the rows with ``describe_to_reach``."""
    if user.clinic_id is None:
        return Patient.objects.none()
    return (with_participation(Patient.objects.visible_to(user).on_care_team_of(user))
            .filter(lapsed_filter(user.clinic, today) | not_reached_filter())
            .annotate(pt_not_reached=ExpressionWrapper(not_reached_filter(), output_field=BooleanField()))
            .order_by(F("pt_not_reached").desc(), F("pt_failed_attempts").desc(),
                      F("pt_last_meeting_on").asc(nulls_last=True), "last_name", "pk"))


def describe_to_reach(patients, today):
    """Give each patient shown (from ``patients_to_reach``) its ``participation`` and ``to_reach_reason``."""
    for patient in patients:
        patient.participation = participation_of(patient, today)
        patient.to_reach_reason = to_reach_reason(patient.participation)
    return patients


def case_manager_queue(user, today=None, *, limit=PAGE_SIZE, offsets=None):
    """Each part's rows from its offset (``offsets``: {"follow_ups": 25, ...}; 0 when not given), at most ``limit``
    of them, with the number of all its rows."""
    today = today or timezone.localdate()
    offsets = offsets or {}

    def part(name, queryset, related):
        offset = max(0, offsets.get(name, 0))
        rows, count = limited(queryset, limit=limit, offset=offset, related=related)
        return Part(rows, count, offset, limit)

    to_reach = part("to_reach", patients_to_reach(user, today), ())
    describe_to_reach(to_reach.rows, today)
    return CaseManagerQueue(
        today=today,
        to_reach=to_reach,
        follow_ups=part("follow_ups", due_follow_ups(user, today), FOLLOW_UP_RELATED),
        barriers=part("barriers", barriers_to_work_on(user, today), BARRIER_RELATED),
        stalled_referrals=part("stalled_referrals", stalled_referrals(user, today), REFERRAL_RELATED),
    )
