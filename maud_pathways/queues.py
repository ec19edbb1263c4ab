"""Work queues: what each role should do next, across their patients.

Plain functions that tests and pages call. Each kind of work (``KINDS``) is an ordered queryset of the work,
scoped by ``Patient.objects.visible_to(user)``, and a function that words a handful of its rows. ``queue(user,
key, today, limit=..., offset=...)`` loads one window of it and counts all of it in one query (a window
function; ``referrals.followup.queue.limited``), then what those rows point to, so a queue costs the same few
queries whatever the size of the caseload, and no Python runs over rows it does not show. "My patients" are
those whose care team the user is on.

The home page shows, for each care role the user holds, the count of each kind of work (each a link to the
whole queue: ``/queues/<key>/``, or the case manager's "My queue") and one row per patient with everything
waiting for them, the patients whose work has waited longest first (``waiting_by_patient``).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from patients.models import CareTeamMember, Patient, PlanVersion, Role, StaffMember, review_is_due_q
from referrals.followup.queue import (
    BARRIER_RELATED,
    FOLLOW_UP_RELATED,
    NO_PROGRESS_DAYS,
    REFERRAL_RELATED,
    PageOfRows,
    barriers_to_work_on,
    describe_to_reach,
    due_follow_ups,
    limited,
    no_progress_cutoff,
    patients_to_reach,
    stalled_referrals,
)
from referrals.lifecycle import ReferralStatus
from referrals.models import FirstMeetingPlan, FollowUp, MutualSupportConversation, Referral
from referrals.support.lead import NEXT_STEP_NOTICE_DAYS
from wellness.models import RecoveryCapitalAssessment, WellnessPlan

from .pathway import ASSESSMENT_FRESH_DAYS
from .shared import UnansweredGap, day, days, gaps_of, latest_assessments, patient_url

#: Rows of each queue the home page reads (it shows one row per patient, built from these).
QUEUE_LIMIT = 10
#: Rows per page of a whole queue (``/queues/<key>/``).
PAGE_SIZE = 25


@dataclass
class Row:
    patient: object
    what: str
    action_label: str
    action_url: str
    urgent: str = ""  # e.g. "Overdue by 3 days": shown as words, never colour alone
    since: datetime.date | None = None  # since when this work has waited (a future date: not due yet)
    kind: str = ""


@dataclass
class Queue(PageOfRows):
    key: str
    title: str
    rows: list
    count: int
    empty: str
    see_all_url: str = ""
    offset: int = 0
    limit: int = QUEUE_LIMIT


@dataclass
class PatientWork:
    """One patient and everything waiting for them in one role's queues, the longest-waiting first."""

    patient: object
    items: list  # of Row

    @property
    def first(self):
        return self.items[0]

    @property
    def others(self):
        return self.items[1:]

    @property
    def since(self):
        return self.first.since


@dataclass
class RoleQueues:
    role: str
    queues: list = field(default_factory=list)

    @property
    def label(self):
        return Role(self.role).label

    @property
    def patients(self):
        return waiting_by_patient(self.queues)

    @property
    def total(self):
        return sum(q.count for q in self.queues)


def my_patients(user):
    return Patient.objects.visible_to(user).on_care_team_of(user)


def _date(value):
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def _overdue(due, today):
    return gettext("Due today") if due == today else gettext("Overdue by %(days)s") % {"days": days((today - due).days)}


# Clinician -----------------------------------------------------------------------------------------

def plans_due(user, today):
    """Plans in force of my patients whose review is due (the signed versions, with their patient)."""
    return (PlanVersion.objects.in_force().filter(review_is_due_q(today, field="next_review_date"),
                                                  plan__patient__in=my_patients(user))
            .select_related("plan__patient").only("pk", "next_review_date", "plan__patient")
            .order_by("next_review_date", "pk"))


def plans_due_rows(versions, today):
    return [Row(v.plan.patient, gettext("Review was due %(date)s") % {"date": day(v.next_review_date)},
                gettext("Review the plan"),
                patient_url("patients:plan", v.plan.patient), _overdue(v.next_review_date, today),
                since=v.next_review_date)
            for v in versions]


def no_signed_plan(user, today):
    """My patients with no signed plan; those waiting longest (registered first) first."""
    versions = PlanVersion.objects.of_patient(OuterRef("pk"))
    return (my_patients(user).exclude(Exists(versions.signed())).annotate(has_draft=Exists(versions.drafts()))
            .order_by("created_at", "pk"))


def no_signed_plan_rows(patients, today):
    return [Row(p, gettext("A draft is being written") if p.has_draft else gettext("No treatment plan yet"),
                gettext("Finish the draft") if p.has_draft else gettext("Start the plan"),
                patient_url("patients:plan", p),
                since=_date(p.created_at))
            for p in patients]


def gaps_without_treatment_goal(user, today):
    """The latest assessment of each of my patients when one of its gaps has no treatment-plan goal yet."""
    return (latest_assessments().filter(patient__in=my_patients(user))
            .filter(UnansweredGap("gap_domains", "patient_id", treatment_only=True))
            .select_related("patient").defer("answers", "domain_scores", "notes").order_by("taken_on", "pk"))


def gaps_rows(assessments, today):
    gaps = gaps_of(assessments)  # two queries for the rows shown
    rows = []
    for a in assessments:
        open_gaps = [gap for gap in gaps[a.pk] if not gap.has_treatment_goal]
        names = ", ".join(gap.label for gap in open_gaps)
        what = ngettext("Gap: %(names)s (assessed %(date)s)", "Gaps: %(names)s (assessed %(date)s)",
                        len(open_gaps)) % {"names": names, "date": day(a.taken_on)}
        rows.append(Row(a.patient, what, gettext("Add a treatment-plan goal"),
                        patient_url("wellness:gap_treatment_goal", a.patient, a.pk, open_gaps[0].domain),
                        since=a.taken_on))
    return rows


# Any care role ---------------------------------------------------------------------------------------

def next_steps(role):
    def query(user, today):
        """Next steps the user agreed with a patient in a Stop 3 conversation (held in ``role``), due within
        ``NEXT_STEP_NOTICE_DAYS`` or overdue, not yet marked done, and not replaced by a later conversation."""
        later = MutualSupportConversation.objects.filter(patient=OuterRef("patient")).filter(
            Q(held_on__gt=OuterRef("held_on")) | Q(held_on=OuterRef("held_on"), pk__gt=OuterRef("pk")))
        return (MutualSupportConversation.objects
                .filter(held_by=user, held_by_role=role, next_step_done_on__isnull=True,
                        next_step_on__lte=today + datetime.timedelta(days=NEXT_STEP_NOTICE_DAYS),
                        patient__in=Patient.objects.visible_to(user))
                .exclude(Exists(later)).select_related("patient").order_by("next_step_on", "pk"))
    return query


def next_steps_rows(conversations, today):
    return [Row(c.patient, gettext("%(step)s (by %(date)s)") % {"step": c.next_step, "date": day(c.next_step_on)},
                gettext("Open Stop 3"),
                patient_url("referrals:support", c.patient),
                _overdue(c.next_step_on, today) if c.next_step_on <= today else "", since=c.next_step_on)
            for c in conversations]


# Peer support specialist ---------------------------------------------------------------------------

def wellness_plans_to_create(user, today):
    return (my_patients(user).exclude(Exists(WellnessPlan.objects.filter(patient=OuterRef("pk"))))
            .order_by("created_at", "pk"))


def wellness_plans_rows(patients, today):
    return [Row(p, gettext("No wellness plan yet"), gettext("Start the wellness plan"),
                patient_url("wellness:plan_edit", p),
                since=_date(p.created_at)) for p in patients]


def assessments_due(user, today):
    """My patients with no assessment in the last ``ASSESSMENT_FRESH_DAYS`` days, never assessed first, then
    the longest ago."""
    since = today - datetime.timedelta(days=ASSESSMENT_FRESH_DAYS)
    assessments = RecoveryCapitalAssessment.objects.filter(patient=OuterRef("pk"))
    return (my_patients(user).exclude(Exists(assessments.filter(taken_on__gt=since)))
            .annotate(last_assessed=Subquery(assessments.order_by("-taken_on").values("taken_on")[:1]))
            .order_by(F("last_assessed").asc(nulls_first=True), "created_at", "pk"))


def assessments_due_rows(patients, today):
    fresh = datetime.timedelta(days=ASSESSMENT_FRESH_DAYS)
    return [Row(p, gettext("Last assessed %(date)s") % {"date": day(p.last_assessed)} if p.last_assessed
                else gettext("Never assessed"),
                gettext("Assess recovery capital"), patient_url("wellness:assessment_new", p),
                urgent="" if p.last_assessed is None else gettext("Over %(days)s ago") % {
                    "days": days(ASSESSMENT_FRESH_DAYS)},
                since=(p.last_assessed + fresh) if p.last_assessed else _date(p.created_at))
            for p in patients]


def conversations_to_have(user, today):
    """Stop 3a: patients whose care team has the user as peer specialist and no conversation logged."""
    as_peer = CareTeamMember.objects.filter(staff=user, role=Role.PEER_SPECIALIST).values("patient_id")
    return (Patient.objects.visible_to(user).filter(pk__in=as_peer)
            .exclude(Exists(MutualSupportConversation.objects.filter(patient=OuterRef("pk"))))
            .order_by("created_at", "pk"))


def conversations_rows(patients, today):
    return [Row(p, gettext("No conversation logged yet"), gettext("Log the conversation"),
                patient_url("referrals:conversation_new", p), since=_date(p.created_at)) for p in patients]


def first_meetings(user, today):
    return (FirstMeetingPlan.objects.filter(companion=user, outcome=FirstMeetingPlan.Outcome.PLANNED,
                                            referral__patient__in=Patient.objects.visible_to(user))
            .select_related("referral__patient", "meeting").order_by("planned_for", "pk"))


def first_meetings_rows(plans, today):
    rows = []
    for plan in plans:
        patient = plan.referral.patient
        past = plan.planned_for < today
        rows.append(Row(patient, f"{plan.meeting.name}, {day(plan.planned_for)}"
                        + (f" · {plan.meet_at}" if plan.meet_at else ""),
                        gettext("Log how it went") if past else gettext("Open the referral"),
                        patient_url("referrals:referral_detail", patient, plan.referral_id),
                        urgent=gettext("Happened: log it") if past else (
                            gettext("Today") if plan.planned_for == today else ""),
                        since=plan.planned_for))
    return rows


# Case manager (the Stop 5 queue of ``referrals.followup.queue``) -------------------------------------

def to_reach_rows(patients, today):
    rows = []
    for p in describe_to_reach(patients, today):
        taking_part = p.participation
        if taking_part.not_reached:
            since = _date(taking_part.last_attempt_at)
        else:
            since = taking_part.last_meeting_on + datetime.timedelta(days=taking_part.lapse_days)
        rows.append(Row(p, p.to_reach_reason, gettext("Log a follow-up"),
                        patient_url("referrals:follow_up_log_new", p),
                        urgent=gettext("Not reached") if taking_part.not_reached else gettext("Lapsed"), since=since))
    return rows


def referred_without_follow_up(user, today):
    """Referrals of the user's patients (as case manager) referred in the last ``NO_PROGRESS_DAYS`` days with no
    follow-up scheduled: Stop 5 starts with a follow-up on the first meeting. (Older ones are stalled referrals.)"""
    as_case_manager = CareTeamMember.objects.filter(patient=OuterRef("patient"), staff=user, role=Role.CASE_MANAGER)
    return (Referral.objects.visible_to(user).filter(status=ReferralStatus.REFERRED,
                                                     status_changed_at__gte=no_progress_cutoff(today))
            .filter(Exists(as_case_manager))
            .exclude(Exists(FollowUp.objects.scheduled().filter(patient=OuterRef("patient"))))
            .select_related("patient", "program", "meeting").order_by("status_changed_at", "pk"))


def referred_rows(referrals, today):
    return [Row(r.patient, gettext("%(target)s: referred %(date)s, no follow-up yet") % {
                    "target": r.target_name, "date": day(timezone.localdate(r.status_changed_at))},
                gettext("Log a follow-up"), patient_url("referrals:follow_up_log_new", r.patient),
                since=timezone.localdate(r.status_changed_at))
            for r in referrals]


def follow_ups_rows(follow_ups, today):
    return [Row(f.patient, gettext("Follow-up due %(date)s") % {"date": day(f.due_on)}, gettext("Log the follow-up"),
                patient_url("referrals:follow_up_log", f.patient, f.pk), _overdue(f.due_on, today), since=f.due_on)
            for f in follow_ups]


def barriers_rows(barriers, today):
    rows = []
    for b in barriers:
        first = b.due_interventions[0] if b.due_interventions else None
        if first:
            rows.append(Row(b.patient, f"{b.label}: {first.what}", gettext("Record the outcome"),
                            patient_url("referrals:intervention_outcome", b.patient, b.pk, first.pk),
                            urgent=gettext("Due today") if first.due_on == today else gettext("Overdue"),
                            since=first.due_on))
        else:
            rows.append(Row(b.patient, gettext("%(barrier)s: nothing planned yet") % {"barrier": b.label},
                            gettext("Plan help"), patient_url("referrals:barrier_detail", b.patient, b.pk),
                            urgent=gettext("Nothing planned"),
                            since=b.noted_on))
    return rows


def stalled_rows(referrals, today):
    return [Row(r.patient, gettext("%(target)s: %(status)s since %(date)s") % {
                    "target": r.target_name, "status": r.get_status_display().lower(),
                    "date": day(timezone.localdate(r.status_changed_at))},
                gettext("Open the referral"), patient_url("referrals:referral_detail", r.patient, r.pk),
                since=timezone.localdate(r.status_changed_at))
            for r in referrals]


# The kinds of work ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    key: str
    role: str
    title: str
    empty: str
    query: Callable  # (user, today) -> an ordered queryset of the work
    rows: Callable  # (a window of that queryset, today) -> [Row]
    related: tuple = ()  # what the rows show besides themselves, loaded for the rows shown (prefetch lookups)
    see_all: str = ""  # the URL name of a page of its own; else /queues/<key>/


_KINDS = [
    Kind("plans-due", Role.CLINICIAN, _("Plans due for review"), _("No plan of your patients is due for review."),
         plans_due, plans_due_rows, ("plan__patient",)),
    Kind("gaps", Role.CLINICIAN, _("Recovery-capital gaps with no treatment-plan goal"),
         _("No open gaps: every gap has a treatment-plan goal."), gaps_without_treatment_goal, gaps_rows, ("patient",)),
    Kind("no-plan", Role.CLINICIAN, _("Patients with no signed plan"),
         _("Every one of your patients has a signed plan."), no_signed_plan, no_signed_plan_rows),
    Kind("first-meetings", Role.PEER_SPECIALIST, _("First meetings to go to together"),
         _("No first meetings planned with you."), first_meetings, first_meetings_rows,
         ("referral__patient", "meeting")),
    Kind("conversations", Role.PEER_SPECIALIST, _("Conversations about mutual support to have (Stop 3a)"),
         _("You have talked about mutual support with all your patients."), conversations_to_have, conversations_rows),
    Kind("wellness-plans", Role.PEER_SPECIALIST, _("Wellness plans to create together"),
         _("Every one of your patients has a wellness plan."), wellness_plans_to_create, wellness_plans_rows),
    Kind("assessments-due", Role.PEER_SPECIALIST, _("Recovery-capital assessments due"),
         format_lazy(_("Every one of your patients was assessed in the last {days} days."),
                     days=ASSESSMENT_FRESH_DAYS), assessments_due,
         assessments_due_rows),
    Kind("to-reach", Role.CASE_MANAGER, _("Patients to reach"), _("Everyone has been reached and keeps going."),
         lambda user, today: patients_to_reach(user, today), to_reach_rows, (), "referrals:case_manager_queue"),
    Kind("follow-ups", Role.CASE_MANAGER, _("Follow-ups due"), _("No follow-ups due."),
         lambda user, today: due_follow_ups(user, today), follow_ups_rows, FOLLOW_UP_RELATED,
         "referrals:case_manager_queue"),
    Kind("barriers", Role.CASE_MANAGER, _("Barriers to work on"), _("No barriers need you today."),
         lambda user, today: barriers_to_work_on(user, today), barriers_rows, BARRIER_RELATED,
         "referrals:case_manager_queue"),
    Kind("referred", Role.CASE_MANAGER, _("Referred, no follow-up yet"),
         _("Every patient you referred lately has a follow-up planned."), referred_without_follow_up, referred_rows,
         REFERRAL_RELATED),
    Kind("stalled", Role.CASE_MANAGER,
         format_lazy(_("Referrals with no progress for {days} days"), days=NO_PROGRESS_DAYS),
         format_lazy(_("Every referral has moved in the last {days} days."), days=NO_PROGRESS_DAYS),
         lambda user, today: stalled_referrals(user, today), stalled_rows, REFERRAL_RELATED,
         "referrals:case_manager_queue"),
    *(Kind(f"next-steps-{role}", role, _("Next steps agreed in conversations"), _("No next steps of yours are due."),
           next_steps(role), next_steps_rows, ("patient",))
      for role in (Role.CLINICIAN, Role.PEER_SPECIALIST, Role.CASE_MANAGER)),
]
KINDS = {kind.key: kind for kind in _KINDS}
#: The care roles with queues, in the order the home page shows them.
QUEUE_ROLES = [Role.CLINICIAN, Role.PEER_SPECIALIST, Role.CASE_MANAGER]

#: Where the case manager's queue page shows each kind (the anchors of its sections).
_QUEUE_PAGE_ANCHORS = {"to-reach": "queue-to-reach", "follow-ups": "queue-follow-ups", "barriers": "queue-barriers",
                       "stalled": "queue-referrals"}


def see_all_url(kind):
    if kind.see_all:
        return reverse(kind.see_all) + "#" + _QUEUE_PAGE_ANCHORS[kind.key]
    return reverse("queue", args=[kind.key])


def queue(user, key, today, *, limit=QUEUE_LIMIT, offset=0):
    """The queue ``key`` of ``user``: rows ``offset`` to ``offset + limit`` and the number of all rows."""
    kind = KINDS[key]
    items, count = limited(kind.query(user, today), limit=limit, offset=offset, related=kind.related)
    rows = kind.rows(items, today)
    for row in rows:
        row.kind = key
    return Queue(key, kind.title, rows, count, kind.empty, see_all_url(kind), offset, limit)


def kinds_of(role):
    return [kind for kind in _KINDS if kind.role == role]


def queues_for(user, today):
    """One ``RoleQueues`` per care role the user holds, in a fixed order, each queue's first rows and count."""
    return [RoleQueues(role, [queue(user, kind.key, today) for kind in kinds_of(role)])
            for role in QUEUE_ROLES if role in user.roles]


def waiting_by_patient(queues, limit=QUEUE_LIMIT):
    """One ``PatientWork`` per patient in the rows of ``queues``, with all their rows; the patients whose work
    has waited longest first, at most ``limit`` of them.

    Built from each queue's first rows (each ordered by how long its work has waited), so it reads no more
    than ``QUEUE_LIMIT`` rows of each kind whatever the caseload: a patient whose only work is past the first
    rows of its kind waits behind at least that many others of the same kind.
    """
    far_future = datetime.date.max
    by_patient = {}
    order = {q.key: n for n, q in enumerate(queues)}  # equal waits: in the order of the queues
    for q in queues:
        for row in q.rows:
            by_patient.setdefault(row.patient.pk, PatientWork(row.patient, [])).items.append(row)
    for work in by_patient.values():
        work.items.sort(key=lambda r: (r.since or far_future, order[r.kind]))
    ordered = sorted(by_patient.values(), key=lambda w: (w.since or far_future, w.patient.last_name,
                                                         w.patient.first_name, w.patient.pk))
    return ordered[:limit]


# Clinic admin ------------------------------------------------------------------------------------------

@dataclass
class ClinicSummary:
    patients: int
    on_maud: int
    without_care_team: int
    active_staff: int


def clinic_summary(user):
    patients = Patient.objects.visible_to(user)
    return ClinicSummary(
        patients=patients.count(),
        on_maud=patients.on_maud().count(),
        without_care_team=patients.exclude(Exists(CareTeamMember.objects.filter(patient=OuterRef("pk")))).count(),
        active_staff=StaffMember.objects.filter(clinic_id=user.clinic_id, is_active=True).count(),
    )
