"""Stop 5: tries to reach a patient that did not reach them (a call nobody answered, a text with no reply)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutreachMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit or in person")
    LETTER = "letter", _("Letter")


class OutreachAttempt(models.Model):
    """One try to reach a patient that did not reach them: how, when, and a note. No meeting count: nothing was
    learned about meetings. Enough of them in a row (the clinic's ``outreach_attempts_alert``) put the patient at
    the top of the case manager's queue (``participation.py``)."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="outreach_attempts")
    method = models.CharField("how", max_length=16, choices=OutreachMethod.choices)
    attempted_at = models.DateTimeField("when", default=timezone.now)
    note = models.CharField(max_length=300, blank=True,
                            help_text=_("e.g. “no answer, left a message” or “number not in service”."))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(method__in=OutreachMethod.values), name="outreach_method_known"),
        ]
        indexes = [models.Index(fields=["patient", "attempted_at"])]

    def __str__(self):
        return f"{self.get_method_display()} on {self.attempted_at:%Y-%m-%d} (patient {self.patient_id})"

    def clean(self):
        if self.attempted_at and self.attempted_at > timezone.now():
            raise ValidationError({"attempted_at": "This is in the future: log a try once it is made."})
