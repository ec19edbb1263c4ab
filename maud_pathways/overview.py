"""The clinic overview: clinic-wide figures for clinic admins and clinicians.

Every figure comes from an aggregate query over the patients the user may see
(``Patient.objects.visible_to(user)``), so the page runs the same few queries whatever the
number of patients. The functions here are plain and take the period as dates, so tests call
them directly; ``clinic_overview`` is the view.

What each figure means is written on the page too (templates/overview.html); keep both in step.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.db.models import (
    Case,
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Lower, Trim
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from patients.access import role_required
from patients.forms import FilterDateField
from patients.models import Patient, PlanVersion, Role
from patients.models.patient import caseload_limited
from referrals.followup.participation import lapsed_filter, not_reached_filter, with_participation
from referrals.lifecycle import ATTENDED_OR_FURTHER, REFERRED_OR_FURTHER, ReferralStatus
from referrals.models import (
    Barrier,
    BarrierKind,
    BarrierStatus,
    FollowUp,
    FollowUpStatus,
    MutualSupportConversation,
    ProgramGroup,
    Referral,
    ReferralTransition,
)
from wellness.models import PlanChange, RecoveryCapitalAssessment, WellnessPlan

from . import charts
from .shared import day

DEFAULT_PERIOD_DAYS = 90
#: "Attended a meeting in the last 30 days": the 30 days ending on the last day of the period.
ATTENDANCE_WINDOW_DAYS = 30


# The period --------------------------------------------------------------------------------------

def default_period(today):
    """The last 90 days, today included."""
    return today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


class OverviewPeriodForm(forms.Form):
    since = FilterDateField(label=_("From"))
    until = FilterDateField(label=_("Until"))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_since(self):
        since = self.cleaned_data["since"]
        if since > self.today:
            raise forms.ValidationError(_("The start cannot be in the future."))
        return since

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until > self.today:
            raise forms.ValidationError(_("The end cannot be in the future (today is %(day)s).")
                                        % {"day": day(self.today)})
        return until

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end must be on or after the start."))
        return data


def period_from(query, today):
    """``(form, since, until, used_default)`` from the GET query; the default period when the dates are
    missing or wrong (the form then carries the messages to show next to the fields)."""
    since, until = default_period(today)
    if not query.get("since") and not query.get("until"):
        form = OverviewPeriodForm(initial={"since": since, "until": until}, today=today)
        return form, since, until, True
    form = OverviewPeriodForm(query, today=today)
    if form.is_valid():
        return form, form.cleaned_data["since"], form.cleaned_data["until"], False
    return form, since, until, True


def start_of(day):
    """The first moment of ``day`` in the current time zone (the clinic's, in a request)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def end_of(day):
    """The first moment after ``day``: datetimes "on or before day" are those before it."""
    return start_of(day + datetime.timedelta(days=1))


def count_by_marks(patients, marks):
    """How many of ``patients`` have each combination of ``marks`` ({name: queryset correlated on the
    patient's pk}): a Counter of frozensets of the names a patient has. One query grouped by the marks
    themselves, so each EXISTS is worked out once per patient and at most 2**len(marks) rows come back,
    whatever the number of patients.
    """
    columns = {f"has_{name}": Exists(queryset) for name, queryset in marks.items()}
    rows = patients.annotate(**columns).values(*columns).annotate(n=Count("pk")).order_by()
    return Counter({frozenset(name for name in marks if row[f"has_{name}"]): row["n"] for row in rows})


# The funnel --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FunnelStep:
    number: int
    label: str
    meaning: str
    patients: int  # reached this step and every step before it
    reached: int  # reached this step, whatever the earlier steps
    share_of_first: float | None  # percent of the first step, None when the first step is empty


@dataclass(frozen=True)
class Funnel:
    counted: int  # patients with something on the pathway recorded in the period
    steps: list


#: The funnel's steps: a label, what it means, and the marks (``pathway_funnel``) that show a patient reached
#: it (any one of them will do).
FUNNEL_STEPS = [
    ("Signed treatment plan",
     "A version of the treatment plan was signed by a clinician (Stop 1).", {"signed_plan"}),
    ("Wellness plan or recovery-capital assessment",
     "A wellness plan was started or a recovery-capital questionnaire was taken (Stop 2).",
     {"wellness_plan", "assessment"}),
    ("Mutual-support conversation",
     "A conversation about mutual support was logged, by a peer specialist (3a) or a clinician or "
     "case manager (3b) (Stop 3).", {"conversation"}),
    ("Referred",
     "A referral to a program or meeting reached “Referred” or a later step (Stop 4).", {"referred"}),
    ("First meeting attended or engaged",
     "A referral reached “First meeting attended” or “Engaged” (Stop 5).", {"attended"}),
]


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else None


def pathway_funnel(patients, since, until):
    """How far the patients worked with in the period had come along the pathway by ``until``.

    ``patients``: a queryset of visible patients. A patient is *counted* when anything on the pathway
    is recorded for them between ``since`` and ``until`` (a plan signed, a wellness-plan change, an
    assessment, a conversation, a referral move, a follow-up logged, a barrier noted). Each step then
    counts the counted patients who had reached it, and every step before it, on or before ``until``.
    One query (``count_by_marks``).
    """
    pk = OuterRef("pk")
    end = end_of(until)  # datetimes are compared with the first moment after the period, in the clinic's zone
    marks = {
        "signed_plan": PlanVersion.objects.of_patient(pk).filter(signed_at__lt=end),
        "wellness_plan": WellnessPlan.objects.filter(patient=pk, created_at__lt=end),
        "assessment": RecoveryCapitalAssessment.objects.filter(patient=pk, taken_on__lte=until),
        "conversation": MutualSupportConversation.objects.filter(patient=pk, held_on__lte=until),
        "referred": ReferralTransition.objects.filter(referral__patient=pk, to_status__in=REFERRED_OR_FURTHER,
                                                      at__lt=end),
        "attended": ReferralTransition.objects.filter(referral__patient=pk, to_status__in=ATTENDED_OR_FURTHER,
                                                      at__lt=end),
    }
    begin = start_of(since)
    active = (
        Exists(PlanVersion.objects.of_patient(pk).filter(signed_at__gte=begin, signed_at__lt=end))
        | Exists(PlanChange.objects.filter(plan__patient=pk, changed_at__gte=begin, changed_at__lt=end))
        | Exists(RecoveryCapitalAssessment.objects.filter(patient=pk, taken_on__range=(since, until)))
        | Exists(MutualSupportConversation.objects.filter(patient=pk, held_on__range=(since, until)))
        | Exists(ReferralTransition.objects.filter(referral__patient=pk, at__gte=begin, at__lt=end))
        | Exists(FollowUp.objects.filter(patient=pk, status=FollowUpStatus.DONE, done_on__range=(since, until)))
        | Exists(Barrier.objects.filter(patient=pk, noted_on__range=(since, until)))
    )
    groups = count_by_marks(patients.filter(active), marks)

    def patients_reaching(steps):
        """Counted patients who reached every one of ``steps``."""
        return sum(n for found, n in groups.items() if all(found & step_marks for step_marks in steps))

    first = patients_reaching([FUNNEL_STEPS[0][2]])
    needed = []  # the marks of this step and of every step before it
    steps = []
    for number, (label, meaning, step_marks) in enumerate(FUNNEL_STEPS, start=1):
        needed.append(step_marks)
        along = patients_reaching(needed)
        steps.append(FunnelStep(number=number, label=label, meaning=meaning, patients=along,
                                reached=patients_reaching([step_marks]), share_of_first=_pct(along, first)))
    return Funnel(counted=sum(groups.values()), steps=steps)


# Meetings of patients on MAUD -----------------------------------------------------------------------

@dataclass(frozen=True)
class MaudAttendance:
    window_start: datetime.date
    window_end: datetime.date
    on_maud: int
    attended: int

    @property
    def share(self):
        return _pct(self.attended, self.on_maud)


def maud_attendance(patients, until):
    """Patients on MAUD (a medication marked started in their latest signed plan) who attended a
    mutual-support meeting in the 30 days ending on ``until``. One query.

    Attended means either a follow-up logged in those days reported at least one meeting attended
    (Stop 5), or one of their referrals reached "first meeting attended" in those days.
    """
    start = until - datetime.timedelta(days=ATTENDANCE_WINDOW_DAYS - 1)
    pk = OuterRef("pk")
    groups = count_by_marks(patients.on_maud(), {
        "reported_meetings": FollowUp.objects.filter(
            patient=pk, status=FollowUpStatus.DONE, done_on__range=(start, until), meetings_attended__gt=0),
        "first_meeting": ReferralTransition.objects.filter(
            referral__patient=pk, to_status=ReferralStatus.FIRST_MEETING_ATTENDED,
            at__gte=start_of(start), at__lt=end_of(until)),
    })
    return MaudAttendance(window_start=start, window_end=until, on_maud=sum(groups.values()),
                          attended=sum(n for marks, n in groups.items() if marks))


# Referrals ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class ReferralFigures:
    total: int
    by_status: list  # of Tally, in lifecycle order
    by_group: list  # of Tally, in the pathway's order of groups
    table: list  # rows: (group label, [count per status], total)


def referral_figures(patients, since, until):
    """Referrals of the patients made in the period (created between the dates), by their status now
    and by the group of their program. One query."""
    rows = (Referral.objects.filter(patient__in=patients, created_at__gte=start_of(since), created_at__lt=end_of(until))
            .values("program__group", "status").annotate(n=Count("pk")).order_by())
    cells = {(r["program__group"], r["status"]): r["n"] for r in rows}
    statuses, groups = list(ReferralStatus), list(ProgramGroup)
    by_status = [Tally(s.value, s.label, sum(cells.get((g.value, s.value), 0) for g in groups)) for s in statuses]
    by_group = [Tally(g.value, g.label, sum(cells.get((g.value, s.value), 0) for s in statuses)) for g in groups]
    table = [(g.label, [cells.get((g.value, s.value), 0) for s in statuses], c.count)
             for g, c in zip(groups, by_group, strict=True)]
    return ReferralFigures(total=sum(c.count for c in by_status), by_status=by_status, by_group=by_group,
                           table=table)


# Barriers ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BarrierRow:
    kind: str
    label: str
    noted: int
    resolved: int
    cannot_resolve: int

    @property
    def still_open(self):
        return self.noted - self.resolved - self.cannot_resolve

    @property
    def resolved_share(self):
        return _pct(self.resolved, self.noted)


@dataclass(frozen=True)
class BarrierFigures:
    rows: list  # of BarrierRow, kinds with at least one barrier, most noted first
    noted: int
    resolved: int

    @property
    def resolved_share(self):
        return _pct(self.resolved, self.noted)


def _barrier_label(labels, row):
    label = labels.get(row["kind"], row["kind"])
    return f"{label}: {row['shown_name']}" if row["name"] else label


def barrier_figures(patients, since, until):
    """Barriers noted in the period, by kind, and how many of them were resolved by ``until``. One query."""
    # "Other" barriers count under the name staff gave them (one row per name, whatever its case), so the
    # kinds a clinic keeps meeting show up on their own.
    named = Case(When(kind=BarrierKind.OTHER, then=Lower(Trim("other_kind"))), default=Value(""))
    rows = (Barrier.objects.filter(patient__in=patients, noted_on__range=(since, until))
            .annotate(name=named).values("kind", "name").order_by()
            .annotate(shown_name=Min(Trim("other_kind")), noted=Count("pk"),
                      resolved=Count("pk", filter=Q(status=BarrierStatus.RESOLVED, closed_on__lte=until)),
                      cannot=Count("pk", filter=Q(status=BarrierStatus.CANNOT_RESOLVE_NOW,
                                                  closed_on__lte=until))))
    labels = dict(BarrierKind.choices)
    result = [BarrierRow(r["kind"], _barrier_label(labels, r), r["noted"], r["resolved"], r["cannot"]) for r in rows]
    result.sort(key=lambda r: (-r.noted, r.label))
    return BarrierFigures(rows=result, noted=sum(r.noted for r in result),
                          resolved=sum(r.resolved for r in result))


# The page ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParticipationFigures:
    """Patients whose participation needs the care team now (``referrals.followup.participation``)."""

    lapsed: int
    not_reached: int
    lapse_days: int
    outreach_alert: int


def participation_figures(patients, clinic, today):
    """Lapsed and not-reached patients today (whatever the period), in one aggregate query."""
    counts = with_participation(patients).aggregate(
        lapsed=Count("pk", filter=lapsed_filter(clinic, today)), not_reached=Count("pk", filter=not_reached_filter()))
    return ParticipationFigures(lapsed=counts["lapsed"], not_reached=counts["not_reached"],
                                lapse_days=clinic.lapse_days, outreach_alert=clinic.outreach_attempts_alert)


def overview_figures(user, since, until):
    """Every figure and chart of the page for ``user`` and the period (five aggregate queries: four for the
    period, one for the patients whose participation needs the care team today)."""
    patients = Patient.objects.visible_to(user)
    funnel = pathway_funnel(patients, since, until)
    attendance = maud_attendance(patients, until)
    referrals = referral_figures(patients, since, until)
    barriers = barrier_figures(patients, since, until)
    participation = participation_figures(patients, user.clinic, timezone.localdate())
    return {
        "participation": participation,
        "funnel": funnel, "attendance": attendance, "referrals": referrals, "barriers": barriers,
        "funnel_chart": charts.funnel_chart(funnel),
        "attendance_chart": charts.share_chart(attendance),
        "status_chart": charts.bar_chart(
            [(c.label, c.count) for c in referrals.by_status],
            title="Referrals made in the period, by status now"),
        "group_chart": charts.bar_chart(
            [(c.label, c.count) for c in referrals.by_group],
            title="Referrals made in the period, by program group"),
        "barrier_chart": charts.split_bar_chart(
            [(r.label, r.resolved, r.noted) for r in barriers.rows],
            title="Barriers noted in the period, by kind, and how many were resolved"),
    }


def figures_cache_key(user, since, until):
    """The figures of a clinic and period are the same for all its staff unless the clinic limits each one to
    their caseload; then they are each staff member's own. Never shared across clinics. The section is rendered
    in the staff member's language, so the language is part of the key."""
    scope = f"staff-{user.pk}" if caseload_limited(user) else "clinic"
    return (f"overview:v3:clinic-{user.clinic_id}:{scope}:{since.isoformat()}:{until.isoformat()}:"
            f"{translation.get_language()}")


def render_figures_section(user, since, until):
    """The figures of the period and their section of the page, rendered: (figures, HTML)."""
    figures = overview_figures(user, since, until)
    html = render_to_string("partials/overview_figures.html", {
        **figures, "since": since, "until": until, "statuses": list(ReferralStatus)})
    return figures, html


def figures_section(user, since, until):
    """(figures, HTML) of the overview's figures section. The rendered section is kept ``OVERVIEW_CACHE_SECONDS``
    for the same clinic (and caseload), period and language: a busy clinic's staff opening the overview together
    ask the database, and render the tables and charts, once; figures are at most that old. From the cache only the
    HTML comes back (figures None): rendering the section was most of the page's time once the figures were
    cached."""
    seconds = settings.OVERVIEW_CACHE_SECONDS
    if seconds <= 0:
        return render_figures_section(user, since, until)
    key = figures_cache_key(user, since, until)
    html = caches["figures"].get(key)
    if html is not None:
        return None, mark_safe(html)  # noqa: S308 (our own section, rendered above with autoescaping)
    figures, html = render_figures_section(user, since, until)
    caches["figures"].set(key, html, seconds)
    return figures, html


@role_required(Role.CLINIC_ADMIN, Role.CLINICIAN)
def clinic_overview(request):
    today = timezone.localdate()
    form, since, until, used_default = period_from(request.GET, today)
    figures, html = figures_section(request.user, since, until)
    return render(request, "overview.html", {
        "form": form, "since": since, "until": until, "used_default": used_default,
        "period_has_errors": form.is_bound and not form.is_valid(),
        **(figures or {}),
        "figures_html": html,
        "cache_seconds": settings.OVERVIEW_CACHE_SECONDS,
    })
