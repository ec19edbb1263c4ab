from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EmergencyAccessQuerySet(models.QuerySet):
    def current(self, now=None):
        """Grants in force at ``now``: not yet expired and not ended by a clinic admin."""
        return self.filter(expires_at__gt=now or timezone.now(), ended_at__isnull=True)


class EmergencyAccess(models.Model):
    """"Break the glass": a staff member opened a record outside their caseload, and said why.

    Only made when the clinic limits staff to their caseload. Gives that staff member access to that
    patient until ``expires_at``; a clinic admin reviews every grant and may end one early.
    """

    clinic = models.ForeignKey("patients.Clinic", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_access")
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="emergency_access")
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = "emergency access"
        verbose_name_plural = "emergency access grants"
        indexes = [models.Index(fields=["staff", "patient", "expires_at"]),
                   models.Index(fields=["clinic", "-granted_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("granted_at")),
                                   name="emergency_access_expires_after_grant"),
            models.CheckConstraint(condition=~Q(reason=""), name="emergency_access_has_reason"),
        ]

    def __str__(self):
        return (f"Emergency access of {self.staff_id} to patient {self.patient_id} "
                f"until {self.expires_at:%Y-%m-%d %H:%M}")

    def is_current(self, now=None):
        return self.ended_at is None and self.expires_at > (now or timezone.now())
