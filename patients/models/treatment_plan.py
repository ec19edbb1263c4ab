"""Stop 1: the clinical treatment plan, kept as numbered versions.

A patient has at most one ``TreatmentPlan``. Its ``PlanVersion`` rows are the versions: at most one
draft at a time, which clinicians edit; signing a draft freezes it for good. "Revise" copies the
latest signed version into a new draft. Medications, therapies and goals hang off a version; each
carries a stable ``key`` that is copied on revise, so an entry can be followed from version to version.

Signed versions are immutable in the model layer: saving or deleting a signed version or one of
its entries raises ``SignedVersionError``, whichever view or script tries it.

The facts other parts of the product read about a patient's plan live here once: the version in force
(``PlanVersion.objects.of_patient(...).latest_signed_first()``), whether it is due for review
(``review_is_due``), whether the patient takes MAUD (``PlanMedication.objects.started_in_force()``), and
the same facts as annotations of patient rows (``plan_status_annotations``, read
through ``Patient.objects.with_plan_status()``).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignedVersionError(Exception):
    """Someone tried to change a signed plan version (or one of its entries)."""

    def __init__(self, message="A signed treatment-plan version cannot be changed; revise the plan instead."):
        super().__init__(message)


# Choices ------------------------------------------------------------------------------------------

class DrinkingGoal(models.TextChoices):
    ABSTINENCE = "abstinence", _("Abstinence (no alcohol)")
    REDUCED = "reduced", _("Reduced drinking")
    UNDECIDED = "undecided", _("Undecided, still exploring")


class Medication(models.TextChoices):
    NALTREXONE_ORAL = "naltrexone_oral", _("Naltrexone, oral")
    NALTREXONE_XR = "naltrexone_xr", _("Naltrexone, extended-release injectable")
    ACAMPROSATE = "acamprosate", _("Acamprosate")
    DISULFIRAM = "disulfiram", _("Disulfiram")
    TOPIRAMATE = "topiramate", _("Topiramate (off-label)")
    GABAPENTIN = "gabapentin", _("Gabapentin (off-label)")
    OTHER = "other", _("Other (name it)")


class MedicationStatus(models.TextChoices):
    CONSIDERING = "considering", _("Considering")
    STARTED = "started", _("Started")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")


class Therapy(models.TextChoices):
    CBT = "cbt", _("Cognitive behavioral therapy")
    MOTIVATIONAL_INTERVIEWING = "motivational_interviewing", _("Motivational interviewing")
    MOTIVATIONAL = "motivational", _("Motivational enhancement therapy")
    CRA = "cra", _("Community reinforcement approach (CRA)")
    CRAFT = "craft", _("CRAFT (community reinforcement and family training), for family members")
    CONTINGENCY = "contingency", _("Contingency management")
    MEDICAL_MANAGEMENT = "medical_management", _("Medical management")
    TWELVE_STEP = "twelve_step", _("Twelve-step facilitation")
    COUPLES_FAMILY = "couples_family", _("Couples or family therapy")
    OTHER = "other", _("Other (name it)")


class SafetyPrompt(models.TextChoices):
    """Medication safety questions the plan asks (the rules are in ``patients/medication_safety.py``)."""

    DISULFIRAM_REDUCED_DRINKING = "disulfiram_reduced_drinking", _("Disulfiram with a goal of drinking less")
    NALTREXONE_OPIOIDS = "naltrexone_opioids", _("Naltrexone and opioids")
    ACAMPROSATE_KIDNEYS = "acamprosate_kidneys", _("Acamprosate and kidney function")
    LIVER_DISEASE = "liver_disease", _("Liver disease")


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MET = "met", _("Met")
    DROPPED = "dropped", _("Dropped")


class GoalSource(models.TextChoices):
    CLINICAL = "clinical", _("Clinical")
    RECOVERY_CAPITAL_GAP = "recovery_capital_gap", _("Recovery-capital gap")
    PEER_MUTUAL_SUPPORT = "peer_mutual_support", _("Peer or mutual support")


class PlanAction(models.TextChoices):
    STARTED = "started", _("Started the plan")
    SAVED = "saved", _("Saved the draft")
    GOAL_ADDED = "goal_added", _("Added a goal")
    SIGNED = "signed", _("Signed")
    REVISED = "revised", _("Started a revision")
    DISCARDED = "discarded", _("Discarded the draft")


# Guards -------------------------------------------------------------------------------------------

class PlanVersionQuerySet(models.QuerySet):
    def signed(self):
        return self.filter(signed_at__isnull=False)

    def drafts(self):
        return self.filter(signed_at__isnull=True)

    def of_patient(self, patient):
        """The versions of one patient's plan; ``patient`` may be a patient, its pk or an ``OuterRef``."""
        return self.filter(plan__patient=patient)

    def latest_signed_first(self):
        """Signed versions, the latest first: the first one is the plan in force."""
        return self.signed().order_by("-number")

    def in_force(self):
        """The version in force of each plan: signed, and no later signed version follows it. Asked with an
        anti-join, so the database answers for a whole clinic without one lookup per patient."""
        later_signed = PlanVersion.objects.signed().filter(plan_id=OuterRef("plan_id"), number__gt=OuterRef("number"))
        return self.signed().filter(~Exists(later_signed))

    def update(self, **kwargs):
        if self.signed().exists():
            raise SignedVersionError()
        return super().update(**kwargs)

    def delete(self):
        if self.signed().exists():
            raise SignedVersionError()
        return super().delete()


class PlanEntryQuerySet(models.QuerySet):
    """Entries of a version: bulk writes are refused when they would touch a signed version."""

    def _touches_signed(self):
        return self.filter(version__signed_at__isnull=False).exists()

    def update(self, **kwargs):
        if self._touches_signed():
            raise SignedVersionError()
        return super().update(**kwargs)

    def delete(self):
        if self._touches_signed():
            raise SignedVersionError()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        version_ids = {o.version_id for o in objs}
        if version_ids and PlanVersion.objects.filter(pk__in=version_ids).signed().exists():
            raise SignedVersionError()
        return super().bulk_create(objs, *args, **kwargs)


class PlanMedicationQuerySet(PlanEntryQuerySet):
    def started_in_force(self):
        """Medications marked "started" in the plan in force: the patient takes MAUD.

        Asked as "a started entry of a signed version that no later signed version follows", which the
        database answers with joins over whole tables instead of one lookup per patient (large clinics).
        """
        later_signed = PlanVersion.objects.signed().filter(plan_id=OuterRef("version__plan_id"),
                                                           number__gt=OuterRef("version__number"))
        return self.filter(~Exists(later_signed), status=MedicationStatus.STARTED, version__signed_at__isnull=False)


# Models -------------------------------------------------------------------------------------------

class TreatmentPlan(models.Model):
    """The patient's treatment plan: a container for its versions and its activity log."""

    patient = models.OneToOneField("patients.Patient", on_delete=models.CASCADE, related_name="treatment_plan")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self):
        return f"Treatment plan of patient {self.patient_id}"


class PlanVersion(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    revised_from = models.ForeignKey(
        "self", on_delete=models.RESTRICT, null=True, blank=True, related_name="revisions"
    )

    drinking_goal = models.CharField(max_length=20, choices=DrinkingGoal.choices, blank=True)
    drinking_goal_in_own_words = models.TextField(
        "drinking goal in the patient's own words", blank=True,
        help_text=_("What the patient says they want, in their words."),
    )
    includes_peer_support = models.BooleanField(
        "peer support is part of this plan", default=False,
        help_text=_("The patient works with a peer support specialist."),
    )
    includes_mutual_support = models.BooleanField(
        "mutual support is part of this plan", default=False,
        help_text=_("The patient will explore or attend mutual-support groups."),
    )
    next_review_date = models.DateField(null=True, blank=True)
    notes = models.TextField("other notes", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Optimistic locking: every save of the draft bumps this; a save based on an older value is refused.
    lock_version = models.PositiveIntegerField(default=1)

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.UniqueConstraint(fields=["plan"], condition=Q(signed_at__isnull=True),
                                    name="plan_one_draft_at_a_time"),
            models.CheckConstraint(condition=Q(drinking_goal__in=[*DrinkingGoal.values, ""]),
                                   name="plan_drinking_goal_known"),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True, signed_by__isnull=True)
                | Q(signed_at__isnull=False, signed_by__isnull=False),
                name="plan_signed_with_who_and_when",
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True)
                | (~Q(drinking_goal="") & Q(next_review_date__isnull=False)),
                name="plan_signed_has_goal_and_review_date",
            ),
        ]

    def __str__(self):
        return f"Treatment plan version {self.number} ({self.status_label.lower()})"

    @property
    def is_signed(self):
        return self.signed_at is not None

    @property
    def is_draft(self):
        return self.signed_at is None

    @property
    def status_label(self):
        return "Signed" if self.is_signed else "Draft"

    def save(self, *args, **kwargs):
        if self.pk and PlanVersion.objects.filter(pk=self.pk).signed().exists():
            raise SignedVersionError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and PlanVersion.objects.filter(pk=self.pk).signed().exists():
            raise SignedVersionError()
        return super().delete(*args, **kwargs)

    def started_medications(self):
        """Medication entries with status "started" (uses prefetched medications when present)."""
        return [m for m in self.medications.all() if m.status == MedicationStatus.STARTED]


class PlanEntry(models.Model):
    """Shared shape of a version's entries: a stable key across versions and the immutability guard."""

    key = models.UUIDField(default=uuid.uuid4, editable=False,
                           help_text=_("Stays the same when the entry is carried into a revised version."))

    objects = PlanEntryQuerySet.as_manager()

    class Meta:
        abstract = True

    def _version_is_signed(self):
        return self.version_id is not None and PlanVersion.objects.filter(pk=self.version_id).signed().exists()

    def _was_in_signed_version(self):
        if not self.pk:
            return False
        return type(self).objects.filter(pk=self.pk, version__signed_at__isnull=False).exists()

    def save(self, *args, **kwargs):
        if self._version_is_signed() or self._was_in_signed_version():
            raise SignedVersionError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._version_is_signed() or self._was_in_signed_version():
            raise SignedVersionError()
        return super().delete(*args, **kwargs)

    def copy_to(self, version):
        """A new, unsaved entry of ``version`` with this entry's content and key (revising a plan)."""
        values = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields if not f.primary_key}
        values["version_id"] = version.pk
        return type(self)(**values)


class PlanMedication(PlanEntry):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="medications")
    medication = models.CharField(max_length=30, choices=Medication.choices)
    other_name = models.CharField("name of the other medication", max_length=100, blank=True)
    dose = models.CharField(max_length=100, blank=True, help_text=_("e.g. 50 mg, 380 mg"))
    schedule = models.CharField(max_length=100, blank=True, help_text=_("e.g. once a day, every 4 weeks"))
    start_date = models.DateField(null=True, blank=True)
    stop_date = models.DateField("stop or pause date", null=True, blank=True)
    status = models.CharField(max_length=20, choices=MedicationStatus.choices, default=MedicationStatus.CONSIDERING)
    status_reason = models.CharField("reason for pausing or stopping", max_length=300, blank=True)
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("A clinician of this clinic."),
    )
    outside_prescriber = models.CharField(
        max_length=200, blank=True, help_text=_("If someone outside the clinic prescribes it."),
    )

    objects = PlanMedicationQuerySet.as_manager()

    class Meta:
        ordering = ["version", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="plan_medication_key_unique"),
            models.CheckConstraint(condition=Q(medication__in=Medication.values), name="plan_medication_known"),
            models.CheckConstraint(condition=Q(status__in=MedicationStatus.values),
                                   name="plan_medication_status_known"),
            models.CheckConstraint(condition=~Q(medication="other") | ~Q(other_name=""),
                                   name="plan_medication_other_is_named"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(stop_date__isnull=True)
                | Q(stop_date__gte=models.F("start_date")),
                name="plan_medication_stops_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["paused", "stopped"]) | ~Q(status_reason=""),
                name="plan_medication_pause_stop_has_reason",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        if self.medication == Medication.OTHER:
            return self.other_name or "Other medication"
        return self.get_medication_display()

    @property
    def prescriber_label(self):
        if self.prescriber_id:
            return str(self.prescriber)
        return self.outside_prescriber

    def clean(self):
        errors = {}
        if self.medication == Medication.OTHER and not self.other_name.strip():
            errors["other_name"] = "Name the medication."
        if self.start_date and self.stop_date and self.stop_date < self.start_date:
            errors["stop_date"] = "The stop date cannot be before the start date."
        if self.status in (MedicationStatus.PAUSED, MedicationStatus.STOPPED) and not self.status_reason.strip():
            errors["status_reason"] = f"Say why the medication is {self.get_status_display().lower()}."
        if self.status == MedicationStatus.STARTED and not self.start_date:
            errors["start_date"] = "Give the date the medication was started."
        if errors:
            raise ValidationError(errors)


class PlanTherapy(PlanEntry):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="therapies")
    therapy = models.CharField(max_length=30, choices=Therapy.choices)
    other_name = models.CharField("name of the other therapy", max_length=100, blank=True)
    frequency = models.CharField(max_length=100, blank=True, help_text=_("e.g. weekly, twice a month"))
    provider = models.CharField("who provides it", max_length=200, blank=True)

    class Meta:
        ordering = ["version", "id"]
        verbose_name_plural = "plan therapies"
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="plan_therapy_key_unique"),
            models.CheckConstraint(condition=Q(therapy__in=Therapy.values), name="plan_therapy_known"),
            models.CheckConstraint(condition=~Q(therapy="other") | ~Q(other_name=""),
                                   name="plan_therapy_other_is_named"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        if self.therapy == Therapy.OTHER:
            return self.other_name or "Other therapy"
        return self.get_therapy_display()

    def clean(self):
        if self.therapy == Therapy.OTHER and not self.other_name.strip():
            raise ValidationError({"other_name": "Name the therapy."})


class PlanGoal(PlanEntry):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="goals")
    description = models.TextField("goal")
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    source = models.CharField("where the goal came from", max_length=30, choices=GoalSource.choices,
                              default=GoalSource.CLINICAL)
    source_note = models.TextField(
        "about the source", blank=True,
        help_text=_("e.g. which recovery-capital gap, or which group or peer activity."),
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["version", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="plan_goal_key_unique"),
            models.CheckConstraint(condition=Q(status__in=GoalStatus.values), name="plan_goal_status_known"),
            models.CheckConstraint(condition=Q(source__in=GoalSource.values), name="plan_goal_source_known"),
            models.CheckConstraint(condition=~Q(description=""), name="plan_goal_has_description"),
        ]

    def __str__(self):
        return self.description[:60]


class PlanSafetyCheck(PlanEntry):
    """A medication safety question asked when the version was signed, and the clinician's answer.

    Kept with the signed version, like every entry, and never changed: what was asked (in the words shown), the
    answer in words, the note (for an acknowledgement, the reason), who answered and when."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="safety_checks")
    prompt = models.CharField(max_length=40, choices=SafetyPrompt.choices)
    question = models.TextField("what was asked")
    answer = models.CharField(max_length=30, blank=True, help_text=_("Empty: not answered when signed."))
    answer_label = models.CharField("answer in words", max_length=300, blank=True)
    note = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="plan_safety_check_key_unique"),
            models.UniqueConstraint(fields=["version", "prompt"], name="plan_safety_check_once_per_prompt"),
            models.CheckConstraint(condition=Q(prompt__in=SafetyPrompt.values), name="plan_safety_prompt_known"),
            # Disulfiram with a reduced-drinking goal is signed only when acknowledged, with a reason.
            models.CheckConstraint(
                condition=~Q(prompt="disulfiram_reduced_drinking") | (Q(answer="acknowledged") & ~Q(note="")),
                name="plan_disulfiram_reduced_is_acknowledged_with_reason"),
        ]

    def __str__(self):
        return f"{self.get_prompt_display()}: {self.answer_label or 'not answered'}"

    @property
    def is_answered(self):
        return bool(self.answer)


class PlanActivity(models.Model):
    """Who did what to the plan, and when: one row per start, save, sign, revise."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="activity")
    version_number = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=PlanAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "plan activity"
        constraints = [
            models.CheckConstraint(condition=Q(action__in=PlanAction.values), name="plan_activity_action_known"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} (version {self.version_number})"


# Facts about a patient's plan ---------------------------------------------------------------------

def review_is_due(next_review_date, on):
    """A signed plan is due for review on its next review date and every day after it."""
    return next_review_date is not None and next_review_date <= on


def review_is_due_q(on, field="plan_next_review_date"):
    """``review_is_due`` as a filter: of patient rows annotated with ``plan_status``, or of signed versions
    (``field="next_review_date"``)."""
    return Q(**{f"{field}__lte": on})


def plan_status_annotations():
    """What the rest of the product reads about a patient's plan, as annotations of patient rows (read them
    through ``Patient.objects.with_plan_status()``). Each is None (False for ``plan_on_maud``) without a
    signed plan:

    ``plan_signed_number``, ``plan_signed_at``, ``plan_next_review_date``, ``plan_drinking_goal``,
    ``plan_mutual_support``: the latest signed version (the plan in force);
    ``plan_on_maud``: a medication is "started" in it;
    ``plan_draft_number``: the draft being edited, if any.
    """
    patient = OuterRef("pk")
    in_force = PlanVersion.objects.of_patient(patient).latest_signed_first()
    return {
        "plan_signed_number": Subquery(in_force.values("number")[:1]),
        "plan_signed_at": Subquery(in_force.values("signed_at")[:1]),
        "plan_next_review_date": Subquery(in_force.values("next_review_date")[:1]),
        "plan_drinking_goal": Subquery(in_force.values("drinking_goal")[:1]),
        "plan_mutual_support": Subquery(in_force.values("includes_mutual_support")[:1]),
        "plan_on_maud": Exists(PlanMedication.objects.started_in_force().filter(version__plan__patient=patient)),
        "plan_draft_number": Subquery(PlanVersion.objects.of_patient(patient).drafts().values("number")[:1]),
    }
