"""42 CFR Part 2: consent to disclose to an outside organisation, and the log of disclosures made with it."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from patients.models import Patient

#: Printed on every disclosure (letter, handout with patient data) made under a consent.
PART2_NOTICE = (
    "Confidentiality notice: this information comes from substance use disorder treatment records that are "
    "protected by federal law (42 CFR part 2). It was disclosed with the patient's written consent, summarised "
    "below. Any further use or disclosure of it that the consent or 42 CFR part 2 does not permit is prohibited."
)

#: How far back a patient's accounting of disclosures reaches.
ACCOUNTING_YEARS = 3


class InformationCategory(models.TextChoices):
    IDENTITY = "identity", "Name and how to reach the patient"
    REFERRAL = "referral", "The referral: which group or meeting, and why"
    MEDICATION = "medication", "That the patient takes medication for alcohol use disorder"
    ACCOMPANIMENT = "accompaniment", "Who from the clinic will go to the first meeting"
    ATTENDANCE = "attendance", "Whether the patient attends meetings"


class ConsentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(patient__in=Patient.objects.visible_to(user))

    def for_program(self, program):
        return self.filter(program=program)

    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, signed_on__lte=on, expires_on__gte=on)


class Consent(models.Model):
    """A patient's written consent to disclose specific information to a named recipient for a purpose."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        NOT_YET = "not_yet", "Not yet in effect"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="part2_consents")
    disclosing_party = models.CharField(
        "who may disclose", max_length=200,
        help_text="The clinic (or named program of it) that may share the information.")
    program = models.ForeignKey(
        "referrals.Program", on_delete=models.PROTECT, related_name="+", verbose_name="program or organisation",
        help_text="Referral letters to this program may be produced under this consent.")
    recipient_name = models.CharField(
        "recipient", max_length=200, help_text="The organisation (and person, if known) who may receive it.")
    information_categories = models.JSONField(
        "information to disclose", default=list,
        help_text="Only what is ticked here may be shared.")
    information_detail = models.TextField(
        "what exactly may be shared", help_text="Be specific, e.g. “first name, phone number, the meeting chosen”.")
    purpose = models.TextField(
        "purpose", help_text="Why it is shared, e.g. “so the recovery center can welcome the patient”.")
    right_to_revoke_explained = models.BooleanField(
        "patient was told they may revoke this consent at any time", default=False)
    expires_on = models.DateField("expires on")
    expiry_event = models.CharField(
        "or ends earlier when", max_length=200, blank=True,
        help_text="Optional event or condition, e.g. “when the referral ends”.")
    signed_by = models.CharField("signed by (name as signed)", max_length=200)
    signed_on = models.DateField("date signed")

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revocation_note = models.CharField(max_length=300, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(right_to_revoke_explained=True), name="consent_names_right_to_revoke"),
            models.CheckConstraint(condition=~Q(recipient_name=""), name="consent_names_recipient"),
            models.CheckConstraint(condition=~Q(disclosing_party=""), name="consent_names_discloser"),
            models.CheckConstraint(condition=~Q(information_detail=""), name="consent_names_information"),
            models.CheckConstraint(condition=~Q(purpose=""), name="consent_names_purpose"),
            models.CheckConstraint(condition=~Q(signed_by=""), name="consent_is_signed"),
            models.CheckConstraint(condition=Q(expires_on__gte=models.F("signed_on")),
                                   name="consent_expires_after_signing"),
            models.CheckConstraint(condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                                   name="consent_revocation_names_who"),
        ]

    def __str__(self):
        return f"Consent to share with {self.recipient_name} (until {self.expires_on:%b %-d, %Y})"

    # Rules -----------------------------------------------------------------------------------
    def clean(self):
        errors = {}
        today = timezone.localdate()
        if not self.information_categories:
            errors["information_categories"] = "Tick at least one kind of information the patient agreed to share."
        elif set(self.information_categories) - set(InformationCategory.values):
            errors["information_categories"] = "Unknown kind of information."
        if not self.right_to_revoke_explained:
            errors["right_to_revoke_explained"] = (
                "A Part 2 consent must tell the patient they may revoke it; confirm this was explained.")
        if self.signed_on and self.signed_on > today:
            errors["signed_on"] = "The signature date cannot be in the future."
        if self.expires_on and self.expires_on < today and not self.pk:
            errors["expires_on"] = "This expiry date has passed; the consent would never be in effect."
        elif self.expires_on and self.signed_on and self.expires_on < self.signed_on:
            errors["expires_on"] = "The consent must expire after the date it was signed."
        if errors:
            raise ValidationError(errors)

    def status_on(self, day=None):
        day = day or timezone.localdate()
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_on < day:
            return self.Status.EXPIRED
        if self.signed_on > day:
            return self.Status.NOT_YET
        return self.Status.ACTIVE

    @property
    def status(self):
        return self.status_on()

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    @property
    def information_labels(self):
        return [label for value, label in InformationCategory.choices if value in self.information_categories]

    def allows(self, category):
        return category in self.information_categories

    def summary(self):
        """A short written summary of the consent, printed with every disclosure."""
        until = f"until {self.expires_on:%B %-d, %Y}"
        if self.expiry_event:
            until += f" or {self.expiry_event}, whichever comes first"
        return (
            f"{self.signed_by} consented on {self.signed_on:%B %-d, %Y} to {self.disclosing_party} sharing "
            f"{'; '.join(label.lower() for label in self.information_labels)} ({self.information_detail}) "
            f"with {self.recipient_name}, for this purpose: {self.purpose}. The consent is valid {until}, "
            f"and the patient may revoke it at any time."
        )

    def revoke(self, by, note=""):
        """Revoke: stops future disclosures; past disclosures stay in the accounting."""
        with transaction.atomic():
            locked = Consent.objects.select_for_update().get(pk=self.pk)
            if locked.revoked_at:
                raise ValidationError("This consent was already revoked.")
            locked.revoked_at = timezone.now()
            locked.revoked_by = by
            locked.revocation_note = note
            locked.save(update_fields=["revoked_at", "revoked_by", "revocation_note"])
        self.revoked_at, self.revoked_by, self.revocation_note = locked.revoked_at, by, note


class DisclosureMethod(models.TextChoices):
    LETTER = "letter", "Printed referral letter"
    PHONE = "phone", "Phone call"
    EMAIL = "email", "E-mail"
    FAX = "fax", "Fax"
    IN_PERSON = "in_person", "In person"


class DisclosureQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(patient__in=Patient.objects.visible_to(user))

    def for_accounting(self, now=None):
        """Disclosures within the accounting period (the past three years)."""
        now = now or timezone.now()
        since = now - datetime.timedelta(days=365 * ACCOUNTING_YEARS + 1)
        return self.filter(disclosed_at__gte=since)


class Disclosure(models.Model):
    """One disclosure of a patient's information made under a consent; kept as it was (never edited)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="part2_disclosures")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="disclosures")
    referral = models.ForeignKey("referrals.Referral", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="disclosures")
    recipient_name = models.CharField("disclosed to", max_length=200)
    information = models.TextField("what was disclosed")
    purpose = models.TextField()
    method = models.CharField(max_length=20, choices=DisclosureMethod.choices, default=DisclosureMethod.LETTER)
    notice = models.TextField("notice given with it")
    consent_summary = models.TextField("consent summary given with it")
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    disclosed_at = models.DateTimeField(default=timezone.now)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-disclosed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(notice=""), name="disclosure_carries_notice"),
            models.CheckConstraint(condition=Q(method__in=DisclosureMethod.values), name="disclosure_method_known"),
        ]
        indexes = [models.Index(fields=["patient", "-disclosed_at"])]

    def __str__(self):
        return f"Disclosure to {self.recipient_name} on {self.disclosed_at:%Y-%m-%d}"


def record_disclosure(consent, *, by, information, method=DisclosureMethod.LETTER, referral=None,
                      disclosed_at=None):
    """Log a disclosure under ``consent``; refused unless the consent is active today.

    ``information`` is what is actually shared, in words. ``disclosed_at`` is when it was shared, for a
    disclosure made outside the product (a phone call earlier today); it cannot be in the future or before the
    patient signed. The consent row is locked so a revocation at the same moment cannot slip between the check
    and the record.
    """
    disclosed_at = disclosed_at or timezone.now()
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        status = locked.status
        if status != Consent.Status.ACTIVE:
            raise ValidationError(
                f"The consent to share with {locked.recipient_name} is {status.label.lower()}; "
                "nothing may be disclosed under it.")
        if referral is not None and referral.patient_id != locked.patient_id:
            raise ValidationError("This consent belongs to another patient.")
        if disclosed_at > timezone.now():
            raise ValidationError("A disclosure cannot be logged before it happens.")
        if timezone.localdate(disclosed_at) < locked.signed_on:
            raise ValidationError(f"The patient signed this consent on {locked.signed_on:%b %-d, %Y}; "
                                  "nothing disclosed before that was covered by it.")
        return Disclosure.objects.create(
            patient_id=locked.patient_id, consent=locked, referral=referral,
            recipient_name=locked.recipient_name, information=information, purpose=locked.purpose,
            method=method, notice=PART2_NOTICE, consent_summary=locked.summary(), disclosed_by=by,
            disclosed_at=disclosed_at,
        )
