"""Stop 5: follow-ups on meeting participation, and engagement over time."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from patients.models import Role

from ...directory.models import Meeting
from ...lifecycle import REFERRED_OR_FURTHER, ReferralStatus
from .barriers import ACTIVE_BARRIER_STATUSES, Barrier, BarrierKind, BarrierStatus

#: The next follow-up is offered this many days after the one being logged.
DEFAULT_FOLLOW_UP_INTERVAL = datetime.timedelta(days=14)


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")


class FollowUpMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text messages")
    PATIENT_LINK = "patient_link", _("The patient's own answer (personal link)")


#: How staff log a follow-up (the patient's own answers come through their personal link only).
STAFF_METHODS = [FollowUpMethod.IN_PERSON, FollowUpMethod.PHONE, FollowUpMethod.TEXT]


class FeltWelcome(models.TextChoices):
    """Whether the patient felt welcome at meetings as someone taking medication."""

    YES = "yes", _("Yes, felt welcome")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No, felt judged for taking medication")
    DID_NOT_SAY = "did_not_say", _("Did not say")


class FollowUpQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=FollowUpStatus.SCHEDULED)

    def done(self):
        return self.filter(status=FollowUpStatus.DONE)

    def due_by(self, day):
        return self.scheduled().filter(due_on__lte=day)


class FollowUp(models.Model):
    """A follow-up on a patient's meeting participation: scheduled ahead, then logged when it happens."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="follow_ups")
    status = models.CharField(max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED)
    due_on = models.DateField("due")
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="assigned_follow_ups", verbose_name=_("who follows up"))
    #: The patient answered "did you go?" themselves, through their personal link: no staff member logged it.
    reported_by_patient = models.BooleanField(default=False)

    # What happened (filled in when the follow-up is logged as done).
    done_on = models.DateField("date of the follow-up", null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    method = models.CharField("how", max_length=16, choices=FollowUpMethod.choices, blank=True)
    meetings_attended = models.PositiveSmallIntegerField("meetings attended since the last follow-up",
                                                         null=True, blank=True)
    in_their_words = models.TextField("how it went, in the patient's words", blank=True)
    felt_welcome = models.CharField("felt welcome as someone taking medication", max_length=16,
                                    choices=FeltWelcome.choices, blank=True)
    notes = models.TextField("staff notes", blank=True)
    next_follow_up_on = models.DateField("next follow-up", null=True, blank=True)
    resolved_barriers = models.ManyToManyField("referrals.Barrier", blank=True,
                                               related_name="resolved_at_follow_ups")
    attended_referrals = models.ManyToManyField("referrals.Referral", blank=True, related_name="follow_ups",
                                                verbose_name=_("groups they went to"))

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FollowUpQuerySet.as_manager()

    #: Referrals moved forward by ``record_done``, as (referral, new status) pairs.
    referral_moves = ()
    #: The "stigma about medication" barrier a report of feeling judged opened (or found open), if any.
    judged_barrier = None

    class Meta:
        ordering = ["-due_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=FollowUpStatus.values), name="follow_up_status_known"),
            models.CheckConstraint(condition=Q(method="") | Q(method__in=FollowUpMethod.values),
                                   name="follow_up_method_known"),
            models.CheckConstraint(condition=Q(felt_welcome="") | Q(felt_welcome__in=FeltWelcome.values),
                                   name="follow_up_felt_welcome_known"),
            models.CheckConstraint(condition=Q(meetings_attended__isnull=True) | Q(meetings_attended__gte=0),
                                   name="follow_up_meetings_not_negative",
                                   violation_error_message="Meetings attended cannot be negative."),
            models.CheckConstraint(
                condition=Q(status=FollowUpStatus.SCHEDULED, done_on__isnull=True, meetings_attended__isnull=True)
                | (Q(status=FollowUpStatus.DONE, done_on__isnull=False, meetings_attended__isnull=False)
                   & ~Q(method="")),
                name="follow_up_done_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(next_follow_up_on__isnull=True) | Q(next_follow_up_on__gt=F("done_on")),
                name="follow_up_next_after_this_one",
                violation_error_message="The next follow-up must come after this one.",
            ),
            # Staff follow-ups name who follows up and who made them; the patient's own answers name nobody.
            models.CheckConstraint(
                condition=Q(reported_by_patient=False, assigned_to__isnull=False, created_by__isnull=False)
                & ~Q(method=FollowUpMethod.PATIENT_LINK)
                | Q(reported_by_patient=True, status=FollowUpStatus.DONE, method=FollowUpMethod.PATIENT_LINK,
                    done_by__isnull=True),
                name="follow_up_by_staff_or_patient",
            ),
        ]
        indexes = [
            models.Index(fields=["assigned_to", "status", "due_on"]),
            models.Index(fields=["patient", "status", "done_on"]),
            # The latest reported meeting of each patient (participation: lapses), read for every patient of a
            # caseload by the case manager's queue, the pathway and the overview.
            models.Index(fields=["patient", "-done_on"], name="follow_up_meeting_reported",
                         condition=Q(status=FollowUpStatus.DONE, meetings_attended__gt=0)),
        ]

    def __str__(self):
        day = self.done_on or self.due_on
        return f"Follow-up {self.get_status_display().lower()} {day} (patient {self.patient_id})"

    @property
    def is_done(self):
        return self.status == FollowUpStatus.DONE

    def is_overdue(self, today=None):
        return not self.is_done and self.due_on < (today or timezone.localdate())

    def days_overdue(self, today=None):
        return max(((today or timezone.localdate()) - self.due_on).days, 0)

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.status == FollowUpStatus.DONE:
            if self.done_on and self.done_on > today:
                errors["done_on"] = _("A follow-up cannot be logged as done on a future date. "
                                      "To plan one, schedule it instead.")
            if self.meetings_attended is not None and self.meetings_attended < 0:
                errors["meetings_attended"] = _("Meetings attended cannot be negative.")
            if self.next_follow_up_on and self.done_on and self.next_follow_up_on <= self.done_on:
                errors["next_follow_up_on"] = _("The next follow-up must come after this one (%(done_on)s).") % {
                    "done_on": date_format(self.done_on, "DATE_FORMAT")}
        if errors:
            raise ValidationError(errors)


    def record_done(self, *, by, resolved_barriers=(), new_barrier=None, next_assigned_to=None,
                    attended_referrals=()):
        """Save this follow-up as done, with what it changed; all or nothing.

        The caller has filled in the follow-up's fields (date, how, meetings, ...) and validated them.
        ``resolved_barriers`` are barriers of the patient the follow-up found resolved; ``new_barrier`` an
        unsaved ``Barrier`` noted during it; a ``next_follow_up_on`` date schedules the next follow-up
        (assigned to ``next_assigned_to``, by default whoever logged this one) unless one is already
        scheduled for that day. ``attended_referrals`` are the patient's referrals whose meetings the
        patient went to; each moves forward where the lifecycle allows (see ``progress_referral``).
        Returns the next scheduled follow-up, or None. The patient's own answer (``reported_by_patient``) is
        recorded with ``by=None``.
        """
        with transaction.atomic():
            self.status = FollowUpStatus.DONE
            self.done_by = by
            if self.pk is None:
                self.due_on = self.done_on
                self.assigned_to = by
                self.created_by = by
            self.save()
            resolved = [b for b in resolved_barriers if b.patient_id == self.patient_id and not b.is_closed]
            for barrier in resolved:
                barrier.set_status(BarrierStatus.RESOLVED, by, note=f"Resolved at the follow-up of "
                                   f"{self.done_on:%b %-d, %Y}.", on=self.done_on)
            self.resolved_barriers.add(*resolved)
            if new_barrier is not None:
                new_barrier.patient = self.patient
                new_barrier.noted_by = by
                new_barrier.owner_id = new_barrier.owner_id or by.pk
                new_barrier.noted_on = self.done_on
                new_barrier.noted_at_follow_up = self
                new_barrier.save()
            attended = [r for r in attended_referrals if r.patient_id == self.patient_id]
            self.attended_referrals.add(*attended)
            self.referral_moves = [(r, moved) for r in attended if (moved := progress_referral(r, self, by))]
            if self.felt_welcome == FeltWelcome.NO:
                self.judged_barrier = judged_for_medication(self, attended, by)
            return self._schedule_next(next_assigned_to or by, by)

    def _schedule_next(self, assigned_to, by):
        if not self.next_follow_up_on:
            return None
        existing = (FollowUp.objects.scheduled().filter(patient_id=self.patient_id, due_on=self.next_follow_up_on)
                    .exclude(pk=self.pk).first())
        if existing:
            return existing
        return FollowUp.objects.create(patient_id=self.patient_id, due_on=self.next_follow_up_on,
                                       assigned_to=assigned_to, created_by=by)


def judged_for_medication(follow_up, attended, by):
    """A report of feeling judged for taking medication (a follow-up's "felt welcome: no") opens a "stigma about
    medication" barrier for the patient, owned by the case manager on the care team, unless one is open already;
    and marks the meetings the patient went to for staff review (without naming the patient). Returns the barrier.
    """
    patient = follow_up.patient
    barrier = Barrier.objects.filter(patient=patient, kind=BarrierKind.MEDICATION_STIGMA,
                                     status__in=ACTIVE_BARRIER_STATUSES).first()
    meetings = [r.meeting_id for r in attended if r.meeting_id]
    where = ", ".join(r.target_name for r in attended) or "a group"
    if barrier is None:
        managers = [m.staff for m in patient.care_team.select_related("staff").filter(role=Role.CASE_MANAGER)
                    if m.staff.is_active]
        owner = managers[0] if managers else by or (attended[0].referred_by if attended else None)
        who = "The patient said through their personal link" if by is None else "The patient said at a follow-up"
        barrier = Barrier.objects.create(
            patient=patient, kind=BarrierKind.MEDICATION_STIGMA, noted_by=by or owner, owner=owner,
            noted_on=follow_up.done_on, noted_at_follow_up=follow_up,
            details=f"{who} on {follow_up.done_on:%b %-d, %Y} that they felt judged for taking medication at "
                    f"{where}.")
    if meetings:
        Meeting.objects.filter(pk__in=meetings).update(
            review_requested_on=follow_up.done_on,
            review_reason="A patient reported feeling judged here for taking medication.")
    return barrier


def progress_referral(referral, follow_up, by):
    """Move a referral forward when a follow-up reports the patient went to its meetings.

    Referred → first meeting attended. First meeting attended → engaged, when the first meeting was
    recorded on an earlier day than this follow-up (so one meeting never counts twice). Anything else
    stays where it is. Returns the new status, or None.
    """
    note = (f"The patient answered through their personal link on {follow_up.done_on:%b %-d, %Y}."
            if follow_up.reported_by_patient else f"Reported at the follow-up of {follow_up.done_on:%b %-d, %Y}.")
    if referral.status == ReferralStatus.REFERRED:
        referral.move_to(status=ReferralStatus.FIRST_MEETING_ATTENDED, by=by, note=note, by_patient=by is None)
        return ReferralStatus.FIRST_MEETING_ATTENDED
    if (referral.status == ReferralStatus.FIRST_MEETING_ATTENDED
            and timezone.localdate(referral.status_changed_at) < follow_up.done_on):
        referral.move_to(status=ReferralStatus.ENGAGED, by=by, note=note, by_patient=by is None)
        return ReferralStatus.ENGAGED
    return None


#: Referrals a follow-up can report attendance for.
ATTENDABLE_REFERRAL_STATUSES = REFERRED_OR_FURTHER


# Engagement ------------------------------------------------------------------------------------

ENGAGEMENT_MONTHS = 6


@dataclass(frozen=True)
class MonthCount:
    month: datetime.date  # first day of the month
    meetings: int


@dataclass(frozen=True)
class Engagement:
    """Meetings a patient attended, as reported at follow-ups, counted by the date of the follow-up."""

    last_30_days: int
    last_90_days: int
    months: list  # of MonthCount, oldest first

    @property
    def peak(self):
        return max((m.meetings for m in self.months), default=0)


def _month_start(day, back=0):
    year, month = day.year, day.month - back
    while month < 1:
        month += 12
        year -= 1
    return datetime.date(year, month, 1)


def engagement_from_rows(rows, today):
    """Build ``Engagement`` from ``(done_on, meetings_attended)`` pairs of done follow-ups."""
    months = [_month_start(today, back) for back in range(ENGAGEMENT_MONTHS - 1, -1, -1)]
    per_month = dict.fromkeys(months, 0)
    last_30 = last_90 = 0
    for done_on, meetings in rows:
        if done_on > today:
            continue
        age = (today - done_on).days
        if age < 30:
            last_30 += meetings
        if age < 90:
            last_90 += meetings
        key = _month_start(done_on)
        if key in per_month:
            per_month[key] += meetings
    return Engagement(
        last_30_days=last_30,
        last_90_days=last_90,
        months=[MonthCount(m, per_month[m]) for m in months],
    )


def engagement_window_start(today):
    return min(_month_start(today, ENGAGEMENT_MONTHS - 1), today - datetime.timedelta(days=89))


def patient_engagement(patient, today=None):
    """Engagement of one patient (one query)."""
    today = today or timezone.localdate()
    rows = (FollowUp.objects.done().filter(patient=patient, done_on__gte=engagement_window_start(today))
            .values_list("done_on", "meetings_attended"))
    return engagement_from_rows(rows, today)


def follow_up_summary(patient, today=None):
    """The next scheduled follow-up, the engagement and the latest follow-up logged (in the engagement window; the
    patient's own answers included) of one patient, in one query."""
    today = today or timezone.localdate()
    follow_ups = list(
        FollowUp.objects.filter(patient=patient)
        .filter(Q(status=FollowUpStatus.SCHEDULED)
                | Q(status=FollowUpStatus.DONE, done_on__gte=engagement_window_start(today)))
        .select_related("assigned_to", "done_by")
        .order_by()  # sorted below: the database need not, nor Django compile the ordering
    )
    scheduled = sorted((f for f in follow_ups if not f.is_done), key=lambda f: (f.due_on, f.pk))
    done = sorted((f for f in follow_ups if f.is_done), key=lambda f: (f.done_on, f.pk))
    engagement = engagement_from_rows([(f.done_on, f.meetings_attended) for f in done], today)
    return (scheduled[0] if scheduled else None), engagement, (done[-1] if done else None)
