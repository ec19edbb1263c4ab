"""Stop 3: the logged conversation about mutual support."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from patients.models import Patient, Role

from ...directory.models import ProgramGroup
from ..lead import Stop3Track


class Concern(models.TextChoices):
    MEDICATION_JUDGED = "medication_judged", _("Groups will judge my medication")
    FEAR = "fear", _("Fear or anxiety about going")
    NOT_RELIGIOUS = "not_religious", _("I'm not religious")
    SPEAKING = "speaking", _("Don't want to speak in front of people")
    STIGMA = "stigma", _("Worried about being seen or labelled")
    NOT_FOR_ME = "not_for_me", _("Groups are not for people like me")
    TIME_OR_TRAVEL = "time_or_travel", _("No time, or hard to get there")
    GOAL_NOT_ABSTINENCE = "goal_not_abstinence", _("My goal is to drink less, not stop")
    OTHER = "other", _("Other")


class CompanionOffer(models.TextChoices):
    NOT_OFFERED = "not_offered", _("Not offered")
    ACCEPTED = "accepted", _("Offered, patient accepted")
    DECLINED = "declined", _("Offered, patient declined")
    UNDECIDED = "undecided", _("Offered, patient will think about it")


class ConversationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(patient__in=Patient.objects.visible_to(user))


class MutualSupportConversation(models.Model):
    """Who talked with the patient about mutual support, when, and what came of it."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="support_conversations")
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("talked with the patient"))
    held_by_role = models.CharField("in the role of", max_length=32, choices=Role.choices)
    track = models.CharField("Stop 3 track at the time", max_length=2, choices=Stop3Track.choices)
    held_on = models.DateField("date of the conversation", default=timezone.localdate)

    options_explained = models.JSONField("kinds of groups explained", default=list)
    concerns = models.JSONField("concerns or misconceptions raised", default=list, blank=True)
    concerns_addressed = models.TextField(
        "how the concerns were addressed", blank=True,
        help_text=_("e.g. “many groups welcome people on medication; we looked at secular options”."))
    companion_offer = models.CharField(
        "offer to go to the first meeting together", max_length=20, choices=CompanionOffer.choices,
        default=CompanionOffer.NOT_OFFERED)
    next_step = models.CharField("agreed next step", max_length=300)
    next_step_on = models.DateField("next step by", null=True, blank=True)
    # The agreed next step is the job of whoever held the conversation until they mark it done (or a later
    # conversation with the patient agrees a new one).
    next_step_done_on = models.DateField("next step done on", null=True, blank=True)
    next_step_done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                          null=True, blank=True)
    notes = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(track__in=Stop3Track.values), name="conversation_track_known"),
            models.CheckConstraint(condition=Q(held_by_role__in=[Role.PEER_SPECIALIST, Role.CLINICIAN,
                                                                 Role.CASE_MANAGER]),
                                   name="conversation_role_is_care_role"),
            models.CheckConstraint(condition=~Q(next_step=""), name="conversation_has_next_step"),
        ]

    def __str__(self):
        return f"Mutual-support conversation on {self.held_on}"

    def mark_next_step_done(self, by):
        """Record that the agreed next step was done today; refused when it already was."""
        with transaction.atomic():
            locked = MutualSupportConversation.objects.select_for_update().get(pk=self.pk)
            if locked.next_step_done_on:
                raise ValidationError(_("This next step was already marked done on %(done_on)s.")
                                      % {"done_on": date_format(locked.next_step_done_on, "MONTH_DAY_FORMAT")})
            locked.next_step_done_on, locked.next_step_done_by = timezone.localdate(), by
            locked.save(update_fields=["next_step_done_on", "next_step_done_by"])
        self.next_step_done_on, self.next_step_done_by = locked.next_step_done_on, by

    def clean(self):
        errors = {}
        if self.held_on and self.held_on > timezone.localdate():
            errors["held_on"] = "The conversation date cannot be in the future."
        if self.next_step_on and self.held_on and self.next_step_on < self.held_on:
            errors["next_step_on"] = "The next step cannot come before the conversation."
        if not self.options_explained:
            errors["options_explained"] = "Tick the kinds of groups you explained."
        elif set(self.options_explained) - set(ProgramGroup.values):
            errors["options_explained"] = "Unknown kind of group."
        if set(self.concerns) - set(Concern.values):
            errors["concerns"] = "Unknown concern."
        if self.concerns and not self.concerns_addressed.strip():
            errors["concerns_addressed"] = "Say how the concerns raised were addressed."
        if errors:
            raise ValidationError(errors)

    @property
    def options_explained_labels(self):
        return [label for value, label in ProgramGroup.choices if value in self.options_explained]

    @property
    def concern_rows(self):
        """(value, label, the Stop 5 barrier made from it or None) for each concern raised; load the conversation
        with ``prefetch_related("concern_barriers")``."""
        barriers = {b.from_concern: b for b in self.concern_barriers.all()}
        return [(value, label, barriers.get(value)) for value, label in Concern.choices if value in self.concerns]

    @property
    def concern_labels(self):
        return [label for value, label in Concern.choices if value in self.concerns]
