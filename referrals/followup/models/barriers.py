"""Stop 5: barriers to mutual support and what the care team does about them."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ...support.models.conversation import Concern


class BarrierKind(models.TextChoices):
    ANXIETY = "anxiety", _("Anxiety or fear")
    MEDICATION_STIGMA = "medication_stigma", _("Stigma about taking medication")
    TRANSPORTATION = "transportation", _("Transportation")
    FEW_OPTIONS = "few_options", _("Too few options that fit")
    MISINFORMATION = "misinformation", _("Confusion or misinformation")
    SCHEDULE = "schedule", _("Schedule")
    CHILDCARE = "childcare", _("Childcare")
    COST = "cost", _("Cost")
    PHONE_INTERNET = "phone_internet", _("Access to a phone or internet")
    OTHER = "other", _("Other")


class BarrierSeverity(models.TextChoices):
    """How much the barrier gets in the way of going to meetings."""

    A_LITTLE = "a_little", _("A little")
    SOMEWHAT = "somewhat", _("Somewhat")
    A_LOT = "a_lot", _("A lot: keeps them from going")


class BarrierStatus(models.TextChoices):
    OPEN = "open", _("Open")
    BEING_ADDRESSED = "being_addressed", _("Being addressed")
    RESOLVED = "resolved", _("Resolved")
    CANNOT_RESOLVE_NOW = "cannot_resolve_now", _("Cannot be resolved now")


CLOSED_BARRIER_STATUSES = (BarrierStatus.RESOLVED, BarrierStatus.CANNOT_RESOLVE_NOW)
ACTIVE_BARRIER_STATUSES = (BarrierStatus.OPEN, BarrierStatus.BEING_ADDRESSED)


class InterventionKind(models.TextChoices):
    EDUCATION = "education", _("Education about medication and groups")
    PEER_GOES_ALONG = "peer_goes_along", _("A peer goes along")
    TRANSPORT_HELP = "transport_help", _("Transport help (bus pass, ride)")
    ONLINE_ALTERNATIVE = "online_alternative", _("Online or app alternative")
    DIFFERENT_GROUP = "different_group", _("A different kind of group")
    OTHER = "other", _("Other")


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELPED = "helped", _("Done: it helped")
    DID_NOT_HELP = "did_not_help", _("Done: it did not help")
    NOT_DONE = "not_done", _("Not done")


@dataclass(frozen=True)
class Suggestion:
    kind: str
    what: str

    @property
    def kind_label(self):
        return InterventionKind(self.kind).label


#: Interventions that tend to help with each kind of barrier; staff pick one and adjust it.
SUGGESTIONS = {
    BarrierKind.ANXIETY: [
        Suggestion(InterventionKind.PEER_GOES_ALONG, "A peer goes along to the first meeting"),
        Suggestion(InterventionKind.ONLINE_ALTERNATIVE,
                   "Start with an online meeting where they can listen without sharing"),
        Suggestion(InterventionKind.EDUCATION, "Walk through what happens at a first meeting; sharing is optional"),
    ],
    BarrierKind.MEDICATION_STIGMA: [
        Suggestion(InterventionKind.DIFFERENT_GROUP,
                   "Choose a program or meeting known to welcome people taking medication"),
        Suggestion(InterventionKind.EDUCATION,
                   "Education: medication for alcohol use disorder is treatment, not a crutch"),
        Suggestion(InterventionKind.PEER_GOES_ALONG, "A peer who knows medication-friendly groups goes along"),
    ],
    BarrierKind.TRANSPORTATION: [
        Suggestion(InterventionKind.ONLINE_ALTERNATIVE, "Online or app-based meetings from home"),
        Suggestion(InterventionKind.TRANSPORT_HELP, "Bus pass for travel to meetings"),
        Suggestion(InterventionKind.TRANSPORT_HELP, "Ride to meetings (ride program or volunteer driver)"),
        Suggestion(InterventionKind.DIFFERENT_GROUP, "A meeting closer to home or on a bus line"),
    ],
    BarrierKind.FEW_OPTIONS: [
        Suggestion(InterventionKind.DIFFERENT_GROUP,
                   "Try another kind of group: secular, faith-based or a peer-run center"),
        Suggestion(InterventionKind.ONLINE_ALTERNATIVE, "Online or app-based meetings widen the choice"),
    ],
    BarrierKind.MISINFORMATION: [
        Suggestion(InterventionKind.EDUCATION, "Explain what mutual-support groups are, and what they are not"),
        Suggestion(InterventionKind.EDUCATION, "Go over how medication and groups work together"),
        Suggestion(InterventionKind.PEER_GOES_ALONG, "A peer shares their own experience of groups"),
    ],
    BarrierKind.SCHEDULE: [
        Suggestion(InterventionKind.ONLINE_ALTERNATIVE,
                   "Online meetings run at many hours, including evenings and weekends"),
        Suggestion(InterventionKind.DIFFERENT_GROUP, "A meeting at a time that fits work or family"),
    ],
    BarrierKind.CHILDCARE: [
        Suggestion(InterventionKind.ONLINE_ALTERNATIVE, "Join meetings online from home"),
        Suggestion(InterventionKind.OTHER, "Find meetings that offer childcare or welcome children"),
    ],
    BarrierKind.COST: [
        Suggestion(InterventionKind.EDUCATION, "Most mutual-support groups are free; there are no dues or fees"),
        Suggestion(InterventionKind.TRANSPORT_HELP, "Bus pass so travel costs nothing"),
    ],
    BarrierKind.PHONE_INTERNET: [
        Suggestion(InterventionKind.OTHER, "Help getting a phone or data plan through an assistance program"),
        Suggestion(InterventionKind.DIFFERENT_GROUP, "An in-person meeting close to home instead of online"),
    ],
    BarrierKind.OTHER: [
        Suggestion(InterventionKind.EDUCATION, "Talk it through and share information"),
        Suggestion(InterventionKind.PEER_GOES_ALONG, "A peer goes along"),
    ],
}


@dataclass(frozen=True)
class ConcernBarrier:
    """The Stop 5 barrier a concern raised in a Stop 3 conversation becomes: its kind (and name, for "other")."""

    kind: str
    other_kind: str = ""


#: Each concern a patient may raise when talking about mutual support, as the barrier of the fitting kind.
CONCERN_BARRIERS = {
    Concern.MEDICATION_JUDGED: ConcernBarrier(BarrierKind.MEDICATION_STIGMA),
    Concern.FEAR: ConcernBarrier(BarrierKind.ANXIETY),
    Concern.SPEAKING: ConcernBarrier(BarrierKind.ANXIETY),
    Concern.NOT_RELIGIOUS: ConcernBarrier(BarrierKind.FEW_OPTIONS),
    Concern.GOAL_NOT_ABSTINENCE: ConcernBarrier(BarrierKind.FEW_OPTIONS),
    Concern.NOT_FOR_ME: ConcernBarrier(BarrierKind.MISINFORMATION),
    Concern.TIME_OR_TRAVEL: ConcernBarrier(BarrierKind.TRANSPORTATION),
    Concern.STIGMA: ConcernBarrier(BarrierKind.OTHER, "Worried about being seen or labelled"),
    Concern.OTHER: ConcernBarrier(BarrierKind.OTHER, "Concern raised in a conversation"),
}


def suggestions_for(kind):
    """Suggested interventions for a kind of barrier (a list of ``Suggestion``)."""
    return SUGGESTIONS.get(kind, SUGGESTIONS[BarrierKind.OTHER])


class Barrier(models.Model):
    """Something that gets in the way of a patient going to mutual-support meetings."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="barriers")
    kind = models.CharField("kind of barrier", max_length=32, choices=BarrierKind.choices)
    other_kind = models.CharField("name it", max_length=120, blank=True,
                                  help_text=_("Needed when the kind is “Other”."))
    details = models.TextField("what gets in the way", blank=True)
    severity = models.CharField("how much it gets in the way", max_length=16, choices=BarrierSeverity.choices,
                                default=BarrierSeverity.SOMEWHAT)
    status = models.CharField(max_length=24, choices=BarrierStatus.choices, default=BarrierStatus.OPEN)
    noted_on = models.DateField("noted on", default=timezone.localdate)
    noted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_barriers",
                              verbose_name=_("who is working on it"))
    noted_at_follow_up = models.ForeignKey("referrals.FollowUp", on_delete=models.SET_NULL, null=True,
                                           blank=True, related_name="new_barriers")
    # A barrier made from a concern raised in a Stop 3 conversation links back to it (one barrier per concern).
    from_conversation = models.ForeignKey("referrals.MutualSupportConversation", on_delete=models.SET_NULL,
                                          null=True, blank=True, related_name="concern_barriers")
    from_concern = models.CharField(max_length=32, choices=Concern.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    status_note = models.CharField("note on the status", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-noted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=BarrierKind.values), name="barrier_kind_known"),
            models.CheckConstraint(condition=Q(severity__in=BarrierSeverity.values), name="barrier_severity_known"),
            models.CheckConstraint(condition=Q(status__in=BarrierStatus.values), name="barrier_status_known"),
            models.CheckConstraint(condition=~Q(kind=BarrierKind.OTHER) | ~Q(other_kind=""),
                                   name="barrier_other_is_named",
                                   violation_error_message="Name the barrier when its kind is “Other”."),
            models.CheckConstraint(
                condition=(Q(status__in=CLOSED_BARRIER_STATUSES) & Q(closed_on__isnull=False))
                | (Q(status__in=ACTIVE_BARRIER_STATUSES) & Q(closed_on__isnull=True)),
                name="barrier_closed_has_date",
            ),
            models.CheckConstraint(condition=Q(from_concern="") | Q(from_concern__in=Concern.values),
                                   name="barrier_concern_known"),
            models.UniqueConstraint(fields=["from_conversation", "from_concern"],
                                    condition=Q(from_conversation__isnull=False),
                                    name="one_barrier_per_conversation_concern"),
        ]
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["patient", "status"])]

    def __str__(self):
        return f"{self.label} (patient {self.patient_id})"

    @property
    def label(self):
        if self.kind == BarrierKind.OTHER and self.other_kind:
            return self.other_kind
        return self.get_kind_display()

    @property
    def is_closed(self):
        return self.status in CLOSED_BARRIER_STATUSES

    @property
    def suggestions(self):
        return suggestions_for(self.kind)

    def clean(self):
        errors = {}
        if self.kind == BarrierKind.OTHER and not self.other_kind.strip():
            errors["other_kind"] = "Name the barrier when its kind is “Other”."
        if self.noted_on and self.noted_on > timezone.localdate():
            errors["noted_on"] = "A barrier cannot be noted on a future date."
        if errors:
            raise ValidationError(errors)

    def check_can_take_interventions(self):
        if self.status == BarrierStatus.RESOLVED:
            raise ValidationError(_("This barrier is resolved. Reopen it before adding an intervention."))
        if self.status == BarrierStatus.CANNOT_RESOLVE_NOW:
            raise ValidationError(_("This barrier is marked “cannot be resolved now”. Reopen it before adding an "
                                  "intervention."))

    def set_status(self, status, by, note="", on=None):
        """Move the barrier to ``status``; closing records who and when, reopening clears it."""
        self.status = status
        self.status_note = note
        if status in CLOSED_BARRIER_STATUSES:
            self.closed_on = on or timezone.localdate()
            self.closed_by = by
        else:
            self.closed_on = None
            self.closed_by = None
        self.save(update_fields=["status", "status_note", "closed_on", "closed_by", "updated_at"])


class Intervention(models.Model):
    """What is being done about a barrier, by whom, by when, and how it turned out."""

    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField("kind of help", max_length=32, choices=InterventionKind.choices)
    what = models.CharField("what exactly", max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="owned_interventions", verbose_name=_("who does it"))
    due_on = models.DateField("due")
    status = models.CharField("outcome", max_length=16, choices=InterventionStatus.choices,
                              default=InterventionStatus.PLANNED)
    outcome_note = models.TextField("how it went", blank=True)
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=InterventionKind.values), name="intervention_kind_known"),
            models.CheckConstraint(condition=Q(status__in=InterventionStatus.values),
                                   name="intervention_status_known"),
            models.CheckConstraint(
                condition=(Q(status=InterventionStatus.PLANNED) & Q(completed_on__isnull=True))
                | (~Q(status=InterventionStatus.PLANNED) & Q(completed_on__isnull=False)),
                name="intervention_outcome_has_date",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status", "due_on"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.what}"

    def clean(self):
        if self.pk is None and self.barrier_id:
            self.barrier.check_can_take_interventions()

    @property
    def is_planned(self):
        return self.status == InterventionStatus.PLANNED

    def is_overdue(self, today=None):
        return self.is_planned and self.due_on < (today or timezone.localdate())
