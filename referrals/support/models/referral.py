"""Referrals to mutual-support programs and meetings, their lifecycle history, and first-meeting plans."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from patients.models import Patient

from ...lifecycle import (
    ATTENDED_OR_FURTHER,
    CLOSED_STATUSES,
    CLOSED_VALUES,
    OPEN_STATUSES,
    OPEN_VALUES,
    REFERRED_OR_FURTHER,
    SOMEONE_CLOSE_VALUES,
    START_STATUSES,
    CloseReason,
    ReferralStatus,
    allowed_moves,
    check_move,
    is_reopen,
    skipped_at_start,
)


class StaleReferral(ValidationError):
    """Someone else changed the referral since the form was opened (optimistic locking)."""


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Referrals of patients the user may see (the patients' scoping rule, applied as a subquery)."""
        return self.filter(patient__in=Patient.objects.visible_to(user))

    def open(self):
        return self.filter(status__in=OPEN_VALUES)

    def the_patients_own(self):
        """Referrals for the patient's own mutual support (not suggestions for someone close to them)."""
        return self.filter(for_someone_close=False)

    def without_progress_since(self, when):
        """Open referrals whose status has not changed since ``when`` (e.g. 14 days ago)."""
        return self.filter(status__in=OPEN_VALUES).filter(status_changed_at__lt=when)

    def with_changes(self):
        """Also load the changes to the referral's details (for ``Referral.history``)."""
        return self.prefetch_related(models.Prefetch("changes", queryset=ReferralChange.objects.select_related("by")))

    def with_history(self):
        return self.select_related("program", "meeting", "meeting__program", "referred_by").prefetch_related(
            models.Prefetch("transitions", queryset=ReferralTransition.objects.select_related("by")),
            models.Prefetch("first_meeting_plans",
                            queryset=FirstMeetingPlan.objects.select_related("companion", "meeting")),
        )


class ReferralSource(models.TextChoices):
    MATCHING = "matching", _("From matching")
    BY_HAND = "by_hand", _("Chosen by hand")


class Referral(models.Model):
    """A patient referred to a mutual-support program, or to one of its meetings."""

    Status = ReferralStatus

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="referrals")
    program = models.ForeignKey("referrals.Program", on_delete=models.PROTECT, related_name="referrals")
    meeting = models.ForeignKey("referrals.Meeting", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="referrals",
                                help_text=_("Optional: a specific meeting of the program."))
    source = models.CharField(max_length=20, choices=ReferralSource.choices, default=ReferralSource.BY_HAND)
    match_reasons = models.TextField("why it matched", blank=True)
    # A program for family and friends (Al-Anon) is never the patient's own group: such a referral is recorded as
    # a suggestion for someone close to the patient, and worded so wherever it is shown.
    for_someone_close = models.BooleanField("a suggestion for someone close to the patient", default=False)
    for_whom = models.CharField("who it is for", max_length=120, blank=True,
                                help_text=_("Optional, in the patient's words, e.g. “her husband”, “his mother”."))
    # Why staff went ahead when a program or meeting does not fit the patient's gender preferences (by hand).
    fit_confirmation = models.CharField("why it fits anyway", max_length=300, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    status = models.CharField(max_length=32, choices=ReferralStatus.choices, default=ReferralStatus.SUGGESTED)
    #: The open status held before the referral was declined or stopped (where a re-open returns to).
    reopen_to = models.CharField(max_length=32, choices=ReferralStatus.choices, blank=True)
    close_reason = models.CharField(max_length=32, choices=CloseReason.choices, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status_changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    version = models.PositiveIntegerField(default=1)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-status_changed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReferralStatus.values), name="referral_status_known"),
            models.CheckConstraint(condition=Q(source__in=ReferralSource.values), name="referral_source_known"),
            models.CheckConstraint(
                condition=(Q(status__in=CLOSED_VALUES) & Q(close_reason__in=CloseReason.values))
                | (Q(status__in=OPEN_VALUES) & Q(close_reason="")),
                name="referral_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=(Q(status__in=CLOSED_VALUES) & Q(reopen_to__in=OPEN_VALUES))
                | (Q(status__in=OPEN_VALUES) & Q(reopen_to="")),
                name="referral_reopen_to_only_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(for_someone_close=False)
                | (Q(status__in=SOMEONE_CLOSE_VALUES) & Q(meeting__isnull=True)),
                name="referral_for_someone_close_is_a_suggestion",
            ),
            models.CheckConstraint(condition=Q(for_someone_close=True) | Q(for_whom=""),
                                   name="referral_for_whom_only_for_someone_close"),
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"])]

    def __str__(self):
        target = self.meeting.name if self.meeting_id else self.program.name
        if self.for_someone_close:
            return f"Suggestion of {target} for someone close to the patient ({self.get_status_display().lower()})"
        return f"Referral to {target} ({self.get_status_display().lower()})"

    def clean(self):
        if self.program_id and self.patient_id and self.program.clinic_id not in (None, self.patient.clinic_id):
            raise ValidationError({"program": "This program is not in your clinic's directory."})
        if self.for_someone_close and self.meeting_id:
            raise ValidationError({"meeting": "A suggestion for someone close to the patient names the program, "
                                              "not one of the clinic's meetings."})
        if self.for_someone_close and self.status not in SOMEONE_CLOSE_VALUES:
            raise ValidationError({"status": "A suggestion for someone close to the patient starts as suggested or "
                                             "discussed."})
        if self.meeting_id and self.patient_id and self.meeting.clinic_id != self.patient.clinic_id:
            raise ValidationError({"meeting": "This meeting is not in your clinic's meeting list."})
        if self.meeting_id and self.program_id and self.meeting.program_id != self.program_id:
            raise ValidationError({"meeting": "This meeting belongs to another program."})
        if not self.pk and self.status not in START_STATUSES:
            raise ValidationError({"status": "A new referral starts as suggested, discussed or referred."})

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def next_statuses(self):
        return allowed_moves(self.status, self.reopen_to, for_someone_close=self.for_someone_close)

    @property
    def kind_label(self):
        """What this is, in words: the patient's referral, or a suggestion for someone close to them."""
        if self.for_someone_close:
            if self.for_whom:
                return _("Suggestion for %(whom)s") % {"whom": self.for_whom}
            return _("Suggestion for someone close to the patient")
        return _("Referral")

    @property
    def history(self):
        """Status moves and detail changes, oldest first (load with ``with_history().with_changes()``)."""
        return sorted([*self.transitions.all(), *self.changes.all()], key=lambda entry: (entry.at, entry.pk))

    @property
    def target_name(self):
        return self.meeting.name if self.meeting_id else self.program.name

    @property
    def made_by_words(self):
        """"referred by <who>" once referred (who made that move), else "suggested by <who>" (load with
        ``with_history()``, whose transitions carry their staff)."""
        if self.status not in REFERRED_OR_FURTHER and not (self.status in CLOSED_STATUSES
                                                            and self.reopen_to in REFERRED_OR_FURTHER):
            return _("suggested by %(who)s") % {"who": self.referred_by}
        referred = next((t for t in self.transitions.all() if t.to_status == ReferralStatus.REFERRED
                         or (not t.from_status and t.to_status in REFERRED_OR_FURTHER)), None)
        return _("referred by %(who)s") % {"who": referred.by_label if referred else self.referred_by}

    # The lifecycle ------------------------------------------------------------------------------
    @classmethod
    def start(cls, *, patient, program, by, meeting=None, status=ReferralStatus.SUGGESTED,
              source=ReferralSource.BY_HAND, match_reasons="", note="", for_whom="", fit_confirmation=""):
        """Create a referral and its first history entry.

        A program for family and friends is recorded as a suggestion for someone close to the patient (never the
        patient's own referral): no meeting of the clinic, and only the steps of a suggestion."""
        for_someone_close = program.is_for_family_and_friends
        referral = cls(patient=patient, program=program, meeting=meeting, referred_by=by, status=status,
                       source=source, match_reasons=match_reasons, for_someone_close=for_someone_close,
                       for_whom=(for_whom or "").strip() if for_someone_close else "",
                       fit_confirmation=(fit_confirmation or "").strip())
        referral.full_clean()
        skipped = ",".join(skipped_at_start(status))
        with transaction.atomic():
            referral.save()
            ReferralTransition.objects.create(referral=referral, from_status="", to_status=status, by=by,
                                              note=note, at=referral.status_changed_at, skipped=skipped)
        return referral

    def move_to(self, *, status, by, note="", reason="", expected_version=None, by_patient=False):
        """Move to ``status`` and record who (``by``), when and why; refuse invalid or stale moves.

        ``by`` is the staff member; a move the patient reported themselves (through their personal link) has
        ``by=None, by_patient=True``. Raises ``ValidationError`` for a move the lifecycle does not allow, and
        ``StaleReferral`` (a ``ValidationError``) when ``expected_version`` no longer matches.
        """
        if (by is None) != by_patient:
            raise ValueError("A move is made by a staff member (by) or reported by the patient (by_patient).")
        with transaction.atomic():
            current = Referral.objects.select_for_update().get(pk=self.pk)
            if expected_version is not None and int(expected_version) != current.version:
                raise StaleReferral(
                    "Someone else updated this referral while you were looking at it. "
                    "Check its current status below, then try again.", code="stale")
            new = check_move(current.status, status, reopen_to=current.reopen_to, reason=reason,
                             for_someone_close=current.for_someone_close)
            now = timezone.now()
            if new in CLOSED_STATUSES:
                reopen_to, close_reason = current.status, reason
            else:
                reopen_to, close_reason = "", ""
            Referral.objects.filter(pk=self.pk).update(
                status=new, reopen_to=reopen_to, close_reason=close_reason, status_changed_at=now,
                updated_at=now, version=F("version") + 1,
            )
            transition = ReferralTransition.objects.create(
                referral=self, from_status=current.status, to_status=new, by=by, by_patient=by_patient,
                note=note.strip(), reason=reason, at=now, reopened=is_reopen(current.status, new),
            )
        self.refresh_from_db()
        return transition

    def change_meeting(self, meeting, by, note="", expected_version=None):
        """Point an open referral at another meeting of its program (or at the program as a whole).

        Recorded in the history with the old and new values. Raises ``StaleReferral`` when
        ``expected_version`` no longer matches, ``ValidationError`` for a closed referral, a meeting of
        another program or clinic, or no change at all.
        """
        with transaction.atomic():
            # Lock the referral row only: the meeting is an outer join, which PostgreSQL cannot lock.
            current = Referral.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=self.pk)
            if expected_version is not None and int(expected_version) != current.version:
                raise StaleReferral(
                    "Someone else updated this referral while you were editing it. "
                    "Check what it says now below, then save again.", code="stale")
            if current.status not in OPEN_STATUSES:
                raise ValidationError(_("This referral is closed; re-open it before changing its meeting."))
            if current.for_someone_close and meeting is not None:
                raise ValidationError({"meeting": "A suggestion for someone close to the patient names the program, "
                                                  "not one of the clinic's meetings."})
            if meeting is not None:
                if meeting.program_id != current.program_id:
                    raise ValidationError({"meeting": "This meeting belongs to another program."})
                if meeting.clinic_id != current.patient.clinic_id:
                    raise ValidationError({"meeting": "This meeting is not in your clinic's meeting list."})
            if (meeting.pk if meeting else None) == current.meeting_id:
                raise ValidationError({"meeting": "This is already the referral's meeting."})
            now = timezone.now()
            Referral.objects.filter(pk=self.pk).update(meeting=meeting, updated_at=now, version=F("version") + 1)
            change = ReferralChange.objects.create(
                referral=self, field=ReferralChange.Field.MEETING,
                old_value=current.meeting.name if current.meeting_id else "",
                new_value=meeting.name if meeting else "", note=note.strip(), by=by, at=now,
            )
        self.refresh_from_db()
        return change


class ReferralChange(models.Model):
    """A change to a referral's details (not its status): which detail, its old and new value, who and when.

    Values are kept as the words shown at the time, so the history still reads right after a meeting is
    renamed or removed from the directory.
    """

    class Field(models.TextChoices):
        MEETING = "meeting", _("Meeting")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=20, choices=Field.choices)
    old_value = models.CharField(max_length=300, blank=True)
    new_value = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(field__in=["meeting"]), name="referral_change_field_known"),
        ]

    def __str__(self):
        return f"{self.get_field_display()}: {self.old_value or '—'} → {self.new_value or '—'}"

    @property
    def label(self):
        if self.field == self.Field.MEETING:
            # Whole sentences: a named meeting or "any meeting of the program", before and after.
            if self.old_value and self.new_value:
                text = _("Meeting changed from “%(old)s” to “%(new)s”")
            elif self.new_value:
                text = _("Meeting changed from any meeting of the program to “%(new)s”")
            elif self.old_value:
                text = _("Meeting changed from “%(old)s” to any meeting of the program")
            else:
                text = _("Meeting changed from any meeting of the program to any meeting of the program")
            return text % {"old": self.old_value, "new": self.new_value}
        return str(self)


class ReferralTransition(models.Model):
    """One entry of a referral's history: who moved it, when, from what to what, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=32, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=ReferralStatus.choices)
    reopened = models.BooleanField(default=False)
    reason = models.CharField(max_length=32, choices=CloseReason.choices, blank=True)
    #: The steps of the path a new referral skipped (comma-separated statuses), e.g. "suggested,discussed" for
    #: a referral created at "referred" right after talking it through with the patient.
    skipped = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    #: The staff member who made the move; empty when the patient reported it (``by_patient``).
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                           blank=True)
    by_patient = models.BooleanField("reported by the patient", default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(to_status__in=ReferralStatus.values), name="transition_status_known"),
            models.CheckConstraint(condition=Q(skipped="") | Q(from_status=""),
                                   name="transition_skips_only_at_start"),
            models.CheckConstraint(condition=Q(by__isnull=False, by_patient=False)
                                   | Q(by__isnull=True, by_patient=True),
                                   name="transition_by_staff_or_patient"),
        ]
        # The latest move of each patient's referrals to "first meeting attended" or "engaged" (participation:
        # a reported meeting), read for every patient of a caseload.
        indexes = [models.Index(fields=["referral", "-at"], name="transition_to_attended",
                                condition=Q(to_status__in=sorted(s.value for s in ATTENDED_OR_FURTHER)))]

    def __str__(self):
        return f"{self.from_status or 'new'} → {self.to_status}"

    @property
    def skipped_labels(self):
        return [ReferralStatus(value).label for value in self.skipped.split(",") if value]

    @property
    def by_label(self):
        return _("the patient (their personal link)") if self.by_patient else str(self.by)

    @property
    def label(self):
        status = self.get_to_status_display()
        if not self.from_status:
            if not self.skipped:
                return _("Created as “%(status)s”") % {"status": status}
            labels = self.skipped_labels
            steps = _("“%(step)s”") % {"step": labels[0]}
            for label in labels[1:]:
                steps = _("%(steps)s and “%(step)s”") % {"steps": steps, "step": label}
            return _("Created as “%(status)s” in one step (skipped %(steps)s)") % {"status": status, "steps": steps}
        if self.reopened:
            return _("Re-opened as “%(status)s”") % {"status": status}
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class FirstMeetingPlan(models.Model):
    """A plan for someone to go to the patient's first meeting with them, then whether it happened."""

    class Outcome(models.TextChoices):
        PLANNED = "planned", _("Planned")
        WENT_TOGETHER = "went_together", _("Went together")
        PATIENT_WENT_ALONE = "patient_went_alone", _("Patient went without companion")
        DID_NOT_HAPPEN = "did_not_happen", _("Did not happen")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="first_meeting_plans")
    companion = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("who goes with the patient"))
    meeting = models.ForeignKey("referrals.Meeting", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("which meeting"))
    planned_for = models.DateField("date")
    meet_at = models.CharField("where to meet beforehand", max_length=200, blank=True,
                               help_text=_("e.g. “clinic lobby, 15 minutes before” or “join the video call together”."))
    outcome = models.CharField(max_length=24, choices=Outcome.choices, default=Outcome.PLANNED)
    outcome_note = models.TextField("how it went", blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    planned_at = models.DateTimeField(auto_now_add=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    logged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["planned_for", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=["planned", "went_together", "patient_went_alone",
                                                            "did_not_happen"]),
                                   name="first_meeting_outcome_known"),
            models.CheckConstraint(condition=Q(outcome="planned") | Q(logged_at__isnull=False),
                                   name="first_meeting_outcome_logged_when"),
        ]

    def __str__(self):
        return f"First meeting on {self.planned_for}"

    def clean(self):
        patient = self.referral.patient if self.referral_id else None
        errors = {}
        if self.referral_id and self.referral.for_someone_close:
            raise ValidationError(_("This is a suggestion for someone close to the patient; the clinic does not plan "
                                  "their first meeting."))
        if patient and self.meeting_id and self.meeting.clinic_id != patient.clinic_id:
            errors["meeting"] = "This meeting is not in your clinic's meeting list."
        if patient and self.companion_id and self.companion.clinic_id != patient.clinic_id:
            errors["companion"] = "Only staff of the patient's clinic can go with them."
        if not self.pk and self.planned_for and self.planned_for < timezone.localdate():
            errors["planned_for"] = "Plan a date from today on; for a meeting that already happened, log it."
        if errors:
            raise ValidationError(errors)

    @property
    def is_planned(self):
        return self.outcome == self.Outcome.PLANNED

    def log_outcome(self, outcome, by, note="", today=None):
        """Record whether the first meeting together happened; attending moves the referral forward."""
        today = today or timezone.localdate()
        if outcome not in self.Outcome.values or outcome == self.Outcome.PLANNED:
            raise ValidationError({"outcome": _("Choose what happened.")})
        if self.planned_for > today:
            raise ValidationError({"outcome": _("This meeting is still ahead; log how it went on or after %(day)s.")
                                   % {"day": date_format(self.planned_for, "MONTH_DAY_FORMAT")}})
        with transaction.atomic():
            self.outcome, self.outcome_note = outcome, note.strip()
            self.logged_by, self.logged_at = by, timezone.now()
            self.save(update_fields=["outcome", "outcome_note", "logged_by", "logged_at"])
            attended = outcome in (self.Outcome.WENT_TOGETHER, self.Outcome.PATIENT_WENT_ALONE)
            referral = self.referral
            if attended and referral.status == ReferralStatus.REFERRED:
                referral.move_to(status=ReferralStatus.FIRST_MEETING_ATTENDED, by=by,
                                 note=f"First meeting on {self.planned_for:%b %-d}: {self.get_outcome_display()}.")
