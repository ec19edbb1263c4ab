from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    PRINT = "print", _("Printed")
    EXPORT = "export", _("Exported")
    DISCLOSE = "disclose", _("Disclosed")
    EMERGENCY_ACCESS = "emergency", _("Emergency access")
    SEND = "send", _("Sent to the patient")


class AuditActor(models.TextChoices):
    """Who acted: a staff member (named in ``actor``), or someone who is not staff."""

    STAFF = "staff", _("Staff member")
    PATIENT = "patient", _("The patient, through their personal link")
    AUTOMATIC = "automatic", _("Automatic (reminders)")


class AuditEntryQuerySet(models.QuerySet):
    def for_clinic(self, clinic_id):
        return self.filter(clinic_id=clinic_id)


class AuditEntry(models.Model):
    """Who did what to which patient's data, when and from where. Append-only.

    The patient is kept by public id (not a foreign key) so that the trail outlives the record it
    describes and never cascades away with it.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    clinic = models.ForeignKey("patients.Clinic", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_entries",
                              null=True, blank=True)
    #: Staff (named in ``actor``), the patient through their personal link, or the reminders command.
    actor_kind = models.CharField(max_length=16, choices=AuditActor.choices, default=AuditActor.STAFF)
    patient_public_id = models.UUIDField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    what = models.CharField(max_length=120, help_text=_("The page or record type, by URL name; no patient data."))
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["clinic", "-at"]), models.Index(fields=["actor", "-at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=AuditAction.values), name="audit_action_known"),
            models.CheckConstraint(
                condition=models.Q(actor_kind=AuditActor.STAFF, actor__isnull=False)
                | (models.Q(actor_kind__in=[AuditActor.PATIENT, AuditActor.AUTOMATIC], actor__isnull=True)),
                name="audit_staff_entries_name_the_staff",
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id or self.actor_kind} {self.action} {self.what}"

    @property
    def actor_label(self):
        return str(self.actor) if self.actor_id else self.get_actor_kind_display()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are never deleted.")
