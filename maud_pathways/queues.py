"""Work queues of the home page: what each role should do next, across their patients.

Plain functions a test can call. Each queue holds at most ``QUEUE_LIMIT`` rows plus the full count, and
each function uses a fixed number of queries whatever the number of patients or records. Every patient
lookup starts from ``Patient.objects.visible_to(user)``; "my patients" are those whose care team the
user is on.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.urls import reverse
from django.utils import timezone

from patients.models import CareTeamMember, Patient, Role, StaffMember
from referrals.followup.queue import NO_PROGRESS_DAYS, case_manager_queue
from referrals.models import FirstMeetingPlan, MutualSupportConversation
from referrals.support.lead import NEXT_STEP_NOTICE_DAYS
from wellness.models import RecoveryCapitalAssessment, WellnessPlan

from .pathway import ASSESSMENT_FRESH_DAYS
from .shared import day, days, gaps_of, latest_assessment_first, patient_url

#: Rows shown per queue on the home page.
QUEUE_LIMIT = 10


@dataclass
class Row:
    patient: object
    what: str
    action_label: str
    action_url: str
    urgent: str = ""  # e.g. "Overdue by 3 days": shown as words, never colour alone


@dataclass
class Queue:
    key: str
    title: str
    rows: list
    count: int
    empty: str
    see_all_url: str = ""

    @property
    def more(self):
        return self.count > len(self.rows)


@dataclass
class RoleQueues:
    role: str
    queues: list = field(default_factory=list)

    @property
    def label(self):
        return Role(self.role).label


def my_patients(user):
    return Patient.objects.visible_to(user).on_care_team_of(user)


def _limited(queryset):
    """The first ``QUEUE_LIMIT`` rows and the full count, in one query: a window function counts every row
    that matches before the limit cuts them."""
    rows = list(queryset.annotate(queue_total=Window(Count("pk")))[:QUEUE_LIMIT])
    return rows, rows[0].queue_total if rows else 0


# Clinician -----------------------------------------------------------------------------------------

def plans_due_queue(user, today):
    patients = (my_patients(user).plan_review_due(today)
                .order_by("plan_next_review_date", "last_name", "first_name", "pk"))
    rows, count = _limited(patients)
    return Queue("plans-due", "Plans due for review", [
        Row(p, f"Review was due {day(p.plan_next_review_date)}", "Review the plan", patient_url("patients:plan", p),
            urgent=("Due today" if p.plan_next_review_date == today
                    else f"Overdue by {days((today - p.plan_next_review_date).days)}"))
        for p in rows
    ], count, "No plan of your patients is due for review.", reverse("patients:plans_due") + "?scope=mine")


def no_plan_queue(user, today):
    patients = (my_patients(user).with_plan_status().filter(plan_signed_number__isnull=True)
                .order_by(F("plan_draft_number").asc(nulls_last=True), "last_name", "first_name", "pk"))
    rows, count = _limited(patients)
    return Queue("no-plan", "Patients with no signed plan", [
        Row(p, "No treatment plan yet" if p.plan_draft_number is None else "A draft is being written",
            "Start the plan" if p.plan_draft_number is None else "Finish the draft", patient_url("patients:plan", p))
        for p in rows
    ], count, "Every one of your patients has a signed plan.")


def _latest_assessments(patients):
    latest = latest_assessment_first(OuterRef("pk"))
    ids = patients.annotate(latest_pk=Subquery(latest.values("pk")[:1])).values("latest_pk")
    return (RecoveryCapitalAssessment.objects.filter(pk__in=ids).select_related("patient")
            .defer("answers", "domain_scores", "notes").order_by("taken_on", "pk"))


def gaps_without_treatment_goal_queue(user, today):
    """Latest assessments of my patients whose gaps have no treatment-plan goal yet (three queries)."""
    assessments = list(_latest_assessments(my_patients(user)))
    gaps = gaps_of(assessments)
    rows = []
    for a in assessments:
        open_gaps = [gap for gap in gaps[a.pk] if not gap.has_treatment_goal]
        if not open_gaps:
            continue
        names = ", ".join(gap.label for gap in open_gaps)
        rows.append(Row(a.patient, f"Gap{'s' if len(open_gaps) > 1 else ''}: {names} (assessed {day(a.taken_on)})",
                        "Add a treatment-plan goal",
                        patient_url("wellness:gap_treatment_goal", a.patient, a.pk, open_gaps[0].domain)))
    return Queue("gaps", "Recovery-capital gaps with no treatment-plan goal", rows[:QUEUE_LIMIT], len(rows),
                 "No open gaps: every gap has a treatment-plan goal.")


def clinician_queues(user, today):
    return [plans_due_queue(user, today), gaps_without_treatment_goal_queue(user, today),
            no_plan_queue(user, today), next_steps_queue(user, today, Role.CLINICIAN)]


# Any care role ---------------------------------------------------------------------------------------

def next_steps_queue(user, today, role):
    """Next steps the user agreed with a patient in a Stop 3 conversation (held in ``role``), due within
    ``NEXT_STEP_NOTICE_DAYS`` or overdue, not yet marked done, and not replaced by a later conversation."""
    later = MutualSupportConversation.objects.filter(patient=OuterRef("patient")).filter(
        Q(held_on__gt=OuterRef("held_on")) | Q(held_on=OuterRef("held_on"), pk__gt=OuterRef("pk")))
    steps = (MutualSupportConversation.objects
             .filter(held_by=user, held_by_role=role, next_step_done_on__isnull=True,
                     next_step_on__lte=today + datetime.timedelta(days=NEXT_STEP_NOTICE_DAYS),
                     patient__in=Patient.objects.visible_to(user))
             .exclude(Exists(later)).select_related("patient").order_by("next_step_on", "pk"))
    rows, count = _limited(steps)
    return Queue(f"next-steps-{role}", "Next steps agreed in conversations", [
        Row(c.patient, f"{c.next_step} (by {day(c.next_step_on)})", "Open Stop 3",
            patient_url("referrals:support", c.patient),
            urgent=("Due today" if c.next_step_on == today else
                    f"Overdue by {days((today - c.next_step_on).days)}" if c.next_step_on < today else ""))
        for c in rows
    ], count, "No next steps of yours are due.")


# Peer support specialist ---------------------------------------------------------------------------

def wellness_plans_queue(user, today):
    patients = (my_patients(user).exclude(Exists(WellnessPlan.objects.filter(patient=OuterRef("pk"))))
                .order_by("last_name", "first_name", "pk"))
    rows, count = _limited(patients)
    return Queue("wellness-plans", "Wellness plans to create together", [
        Row(p, "No wellness plan yet", "Start the wellness plan", patient_url("wellness:plan_edit", p)) for p in rows
    ], count, "Every one of your patients has a wellness plan.")


def assessments_due_queue(user, today):
    since = today - datetime.timedelta(days=ASSESSMENT_FRESH_DAYS)
    last = RecoveryCapitalAssessment.objects.filter(patient=OuterRef("pk")).order_by("-taken_on")
    patients = (my_patients(user).annotate(last_assessed=Subquery(last.values("taken_on")[:1]))
                .filter(Q(last_assessed__isnull=True) | Q(last_assessed__lte=since))
                .order_by(F("last_assessed").asc(nulls_first=True), "last_name", "first_name", "pk"))
    rows, count = _limited(patients)
    return Queue("assessments-due", "Recovery-capital assessments due", [
        Row(p, f"Last assessed {day(p.last_assessed)}" if p.last_assessed else "Never assessed",
            "Assess recovery capital", patient_url("wellness:assessment_new", p),
            urgent="" if p.last_assessed is None else f"Over {ASSESSMENT_FRESH_DAYS} days ago")
        for p in rows
    ], count, f"Every one of your patients was assessed in the last {ASSESSMENT_FRESH_DAYS} days.")


def conversations_queue(user, today):
    """Stop 3a: patients whose care team has the user as peer specialist and no conversation logged."""
    as_peer = CareTeamMember.objects.filter(staff=user, role=Role.PEER_SPECIALIST).values("patient_id")
    patients = (Patient.objects.visible_to(user).filter(pk__in=as_peer)
                .exclude(Exists(MutualSupportConversation.objects.filter(patient=OuterRef("pk"))))
                .order_by("last_name", "first_name", "pk"))
    rows, count = _limited(patients)
    return Queue("conversations", "Conversations about mutual support to have (Stop 3a)", [
        Row(p, "No conversation logged yet", "Log the conversation", patient_url("referrals:conversation_new", p))
        for p in rows
    ], count, "You have talked about mutual support with all your patients.")


def first_meetings_queue(user, today):
    plans = (FirstMeetingPlan.objects.filter(companion=user, outcome=FirstMeetingPlan.Outcome.PLANNED,
                                             referral__patient__in=Patient.objects.visible_to(user))
             .select_related("referral__patient", "meeting").order_by("planned_for", "pk"))
    rows, count = _limited(plans)
    out = []
    for plan in rows:
        patient = plan.referral.patient
        when = day(plan.planned_for)
        past = plan.planned_for < today
        out.append(Row(patient, f"{plan.meeting.name}, {when}" + (f" · {plan.meet_at}" if plan.meet_at else ""),
                       "Log how it went" if past else "Open the referral",
                       patient_url("referrals:referral_detail", patient, plan.referral_id),
                       urgent="Happened: log it" if past else ("Today" if plan.planned_for == today else "")))
    return Queue("first-meetings", "First meetings to go to together", out, count,
                 "No first meetings planned with you.")


def peer_queues(user, today):
    return [first_meetings_queue(user, today), next_steps_queue(user, today, Role.PEER_SPECIALIST),
            conversations_queue(user, today), wellness_plans_queue(user, today), assessments_due_queue(user, today)]


# Case manager ----------------------------------------------------------------------------------------

def case_manager_queues(user, today):
    """The case manager's queue (``referrals.followup.queue.case_manager_queue``), shortened for the home page."""
    queue = case_manager_queue(user, today)
    see_all = reverse("referrals:case_manager_queue")
    to_reach = [Row(p, p.to_reach_reason, "Log a follow-up", patient_url("referrals:follow_up_log_new", p),
                    urgent="Not reached" if p.participation.not_reached else "Lapsed")
                for p in queue.to_reach]
    follow_ups = [
        Row(f.patient, f"Follow-up due {day(f.due_on)}", "Log the follow-up",
            patient_url("referrals:follow_up_log", f.patient, f.pk),
            urgent="Due today" if f.due_on == today else f"Overdue by {days((today - f.due_on).days)}")
        for f in queue.follow_ups
    ]
    barriers = []
    for b in queue.barriers:
        first = b.due_interventions[0] if b.due_interventions else None
        if first:
            barriers.append(Row(b.patient, f"{b.label}: {first.what}", "Record the outcome",
                                patient_url("referrals:intervention_outcome", b.patient, b.pk, first.pk),
                                urgent="Due today" if first.due_on == today else "Overdue"))
        else:
            barriers.append(Row(b.patient, f"{b.label}: nothing planned yet", "Plan help",
                                patient_url("referrals:barrier_detail", b.patient, b.pk), urgent="Nothing planned"))
    stalled = [
        Row(r.patient, f"{r.target_name}: {r.get_status_display().lower()} since "
                       f"{day(timezone.localdate(r.status_changed_at))}",
            "Open the referral", patient_url("referrals:referral_detail", r.patient, r.pk))
        for r in queue.stalled_referrals
    ]
    return [
        Queue("to-reach", "Patients to reach", to_reach[:QUEUE_LIMIT], len(to_reach),
              "Everyone has been reached and keeps going.", see_all),
        Queue("follow-ups", "Follow-ups due", follow_ups[:QUEUE_LIMIT], len(follow_ups), "No follow-ups due.",
              see_all),
        Queue("barriers", "Barriers to work on", barriers[:QUEUE_LIMIT], len(barriers),
              "No barriers need you today.", see_all),
        Queue("stalled", f"Referrals with no progress for {NO_PROGRESS_DAYS} days", stalled[:QUEUE_LIMIT],
              len(stalled), f"Every referral has moved in the last {NO_PROGRESS_DAYS} days.", see_all),
        next_steps_queue(user, today, Role.CASE_MANAGER),
    ]


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


ROLE_QUEUES = [
    (Role.CLINICIAN, clinician_queues),
    (Role.PEER_SPECIALIST, peer_queues),
    (Role.CASE_MANAGER, case_manager_queues),
]


def queues_for(user, today):
    """One ``RoleQueues`` per care role the user holds, in a fixed order."""
    return [RoleQueues(role, build(user, today)) for role, build in ROLE_QUEUES if role in user.roles]
