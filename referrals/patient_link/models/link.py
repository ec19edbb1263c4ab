"""A personal link for one patient and one referral, its tokens, and the reminders sent through it."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: Bytes of randomness in a token (43 URL-safe characters).
TOKEN_BYTES = 32


def hash_token(token):
    """The stored form of a token: its SHA-256 (a token has 256 random bits, so a fast hash is enough; only
    the hash is kept, so the database alone never opens a patient's page)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token():
    return secrets.token_urlsafe(TOKEN_BYTES)


class LinkDelivery(models.TextChoices):
    """How a token reached the patient."""

    PRINTED = "printed", _("Printed (QR code on the handout)")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("E-mail")
    REMINDER = "reminder", _("In a reminder")


class PatientLinkQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class PatientLink(models.Model):
    """The patient's own page for one referral. Every token of the link opens the same page; revoking the link
    (or its expiry, or the referral closing) ends them all."""

    referral = models.ForeignKey("referrals.Referral", on_delete=models.CASCADE, related_name="patient_links")
    #: The meeting the page is about, and when it (first) meets: the planned first meeting, else the referral's
    #: meeting's next time after the link was made; none for a referral to a program as a whole.
    meeting = models.ForeignKey("referrals.Meeting", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    meeting_starts_at = models.DateTimeField(null=True, blank=True)
    meeting_ends_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    #: How reminders reach the patient (the contact method they agreed to), or "" for none.
    reminders_by = models.CharField(max_length=16, blank=True,
                                    choices=[(LinkDelivery.TEXT.value, LinkDelivery.TEXT.label),
                                             (LinkDelivery.EMAIL.value, LinkDelivery.EMAIL.label)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    #: The patient's answer, recorded as a follow-up reported by the patient.
    answer = models.OneToOneField("referrals.FollowUp", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="patient_link")
    answered_at = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = PatientLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")),
                                   name="patient_link_expires_after_it_starts"),
            models.CheckConstraint(condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                                   | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                                   name="patient_link_revoked_by_someone"),
            models.CheckConstraint(condition=Q(reminders_by__in=["", "text", "email"]),
                                   name="patient_link_reminders_by_known"),
            models.CheckConstraint(condition=Q(meeting_starts_at__isnull=True) | Q(meeting_ends_at__isnull=False),
                                   name="patient_link_meeting_has_an_end"),
        ]

    def __str__(self):
        return f"Personal link for referral {self.referral_id}"

    def is_active(self, now=None):
        """Open to the patient: not revoked, not expired, and the referral not declined or stopped."""
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.referral.is_open

    @property
    def status_label(self):
        if self.revoked_at:
            return gettext("Revoked")
        if self.expires_at <= timezone.now():
            return gettext("Expired")
        if not self.referral.is_open:
            return gettext("Closed with the referral")
        return gettext("Active")

    def meeting_is_over(self, now=None):
        """Whether "Did you go?" may be asked: after the meeting ends (at once when no meeting time is known)."""
        return self.meeting_ends_at is None or (now or timezone.now()) >= self.meeting_ends_at


class PatientLinkToken(models.Model):
    """One token of a link, kept only as its hash. A printed QR code, a text message and a reminder each carry
    their own token, so the reminders command can send a working link without any token being stored."""

    link = models.ForeignKey(PatientLink, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    delivered = models.CharField("given by", max_length=16, choices=LinkDelivery.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(delivered__in=LinkDelivery.values), name="link_token_delivery_known"),
        ]

    def __str__(self):
        return f"Token ({self.get_delivered_display()}) of link {self.link_id}"


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day_before", _("Reminder the day before the first meeting")
    DID_YOU_GO = "did_you_go", _("“Did you go?” after the meeting")


class ReminderStatus(models.TextChoices):
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class Reminder(models.Model):
    """One reminder of a link: at most one of each kind, ever (the unique constraint is what makes the command
    safe to run every few minutes, also twice at once)."""

    link = models.ForeignKey(PatientLink, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    channel = models.CharField(max_length=16, choices=[(LinkDelivery.TEXT.value, LinkDelivery.TEXT.label),
                                                       (LinkDelivery.EMAIL.value, LinkDelivery.EMAIL.label)])
    status = models.CharField(max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.SENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField("what went wrong", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["link", "kind"], name="one_reminder_of_each_kind_per_link"),
            models.CheckConstraint(condition=Q(kind__in=ReminderKind.values), name="reminder_kind_known"),
            models.CheckConstraint(condition=Q(status__in=ReminderStatus.values), name="reminder_status_known"),
            models.CheckConstraint(condition=Q(channel__in=["text", "email"]), name="reminder_channel_known"),
            models.CheckConstraint(condition=~Q(status="sent") | Q(sent_at__isnull=False),
                                   name="reminder_sent_has_time"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"
