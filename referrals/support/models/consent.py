"""42 CFR Part 2: consent to disclose to an outside organisation, and the log of disclosures made with it."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from patients.models import Patient

# The two written statements of 42 CFR 2.32(a), verbatim (2024 final rule, 89 FR 12626, Feb. 16, 2024). One of
# them accompanies each disclosure made with the patient's written consent; the setting PART2_NOTICE chooses which.
#: § 2.32(a)(1), Statement 1.
PART2_STATEMENT_1 = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). "
    "These rules prohibit you from using or disclosing this record, or testimony that describes the information "
    "contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, "
    "State, or local authority, against the patient, unless authorized by the consent of the patient, except as "
    "provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, "
    "the Federal rules prohibit you from making any other use or disclosure of this record unless at least one of "
    "the following applies:\n"
    "(i) Further use or disclosure is expressly permitted by the written consent of the individual whose "
    "information is being disclosed in this record or as otherwise permitted by 42 CFR part 2.\n"
    "(ii) You are a covered entity or business associate and have received the record for treatment, payment, or "
    "health care operations, or\n"
    "(iii) You have received the record from a covered entity or business associate as permitted by 45 CFR part "
    "164, subparts A and E.\n"
    "A general authorization for the release of medical or other information is NOT sufficient to meet the required "
    "elements of written consent to further use or redisclose the record (see 42 CFR 2.31)."
)
#: § 2.32(a)(2), Statement 2.
PART2_STATEMENT_2 = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
PART2_STATEMENTS = {"statement_1": PART2_STATEMENT_1, "statement_2": PART2_STATEMENT_2}


def part2_notice():
    """The § 2.32(a) statement this installation gives with each disclosure (setting ``PART2_NOTICE``:
    ``statement_1``, the full statement, by default; or ``statement_2``, the short one)."""
    return PART2_STATEMENTS[getattr(settings, "PART2_NOTICE", "statement_1")]


#: What § 2.31(a)(6) asks a consent to state about revoking it, in the app's words; ``how_to_revoke`` follows.
RIGHT_TO_REVOKE = ("The patient may revoke this consent in writing at any time, except to the extent that "
                   "{party} (or another lawful holder of the information that is permitted to disclose it) has "
                   "already acted in reliance on it.")

#: How far back a patient's accounting of disclosures reaches.
ACCOUNTING_YEARS = 3


class InformationCategory(models.TextChoices):
    IDENTITY = "identity", _("Name and how to reach the patient")
    REFERRAL = "referral", _("The referral: which group or meeting, and why")
    MEDICATION = "medication", _("That the patient takes medication for alcohol use disorder")
    ACCOMPANIMENT = "accompaniment", _("Who from the clinic will go to the first meeting")
    ATTENDANCE = "attendance", _("Whether the patient attends meetings")


class RevocationReceipt(models.TextChoices):
    """How the patient's written revocation reached the clinic (§ 2.31(a)(6): revocation is in writing)."""

    LETTER = "letter", _("Letter by mail")
    HANDED_IN = "handed_in", _("Signed note or form handed in")
    EMAIL = "email", _("E-mail from the patient")
    FAX = "fax", _("Fax")
    PORTAL = "portal", _("Message through a patient portal")
    NOT_RECORDED = "not_recorded", _("Not recorded (revoked before the app asked)")


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
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        NOT_YET = "not_yet", _("Not yet in effect")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="part2_consents")
    disclosing_party = models.CharField(
        "who may disclose", max_length=200,
        help_text=_("The clinic (or named program of it) that may share the information."))
    program = models.ForeignKey(
        "referrals.Program", on_delete=models.PROTECT, related_name="+", verbose_name=_("program or organisation"),
        help_text=_("Referral letters to this program may be produced under this consent."))
    recipient_name = models.CharField(
        "recipient", max_length=200, help_text=_("The organisation (and person, if known) who may receive it."))
    information_categories = models.JSONField(
        "information to disclose", default=list,
        help_text=_("Only what is ticked here may be shared."))
    information_detail = models.TextField(
        "what exactly may be shared", help_text=_("Be specific, e.g. “first name, phone number, the meeting chosen”."))
    purpose = models.TextField(
        "purpose", help_text=_("Why it is shared, e.g. “so the recovery center can welcome the patient”."))
    right_to_revoke_explained = models.BooleanField(
        "the consent states that the patient may revoke it in writing, except where it has already been relied on, "
        "and how to revoke it", default=False)
    how_to_revoke = models.TextField(
        "how the patient may revoke it",
        help_text=_("As written on the consent, e.g. “Write to the clinic at 12 River St (a letter, or a signed note "
                  "handed to staff) saying you revoke this consent.”"))
    expires_on = models.DateField("expires on")
    expiry_event = models.CharField(
        "or ends earlier when", max_length=200, blank=True,
        help_text=_("Optional event or condition, e.g. “when the referral ends”."))
    signed_by = models.CharField("signed by (name as signed)", max_length=200)
    signed_on = models.DateField("date signed")
    signed_by_representative = models.BooleanField(
        "signed by a personal representative for the patient", default=False,
        help_text=_("Someone authorised to sign for the patient (e.g. the parent of a minor, a court-appointed "
                  "guardian). Then “signed by” is the representative's name."))
    representative_authority = models.CharField(
        "the representative's authority to sign", max_length=200, blank=True,
        help_text=_("e.g. “parent of a minor patient”, “guardian appointed by the county court”."))

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revocation_note = models.CharField(max_length=300, blank=True)
    revocation_received_as = models.CharField("written revocation received as", max_length=20,
                                              choices=RevocationReceipt.choices, blank=True)
    revocation_received_on = models.DateField("written revocation received on", null=True, blank=True)

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
            models.CheckConstraint(condition=~Q(how_to_revoke=""), name="consent_says_how_to_revoke"),
            models.CheckConstraint(
                condition=Q(signed_by_representative=False) | ~Q(representative_authority=""),
                name="consent_representative_has_authority"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True)
                | (Q(revocation_received_as__in=RevocationReceipt.values) & Q(revocation_received_on__isnull=False))
                | Q(revocation_received_as=RevocationReceipt.NOT_RECORDED),
                name="consent_revocation_says_how_received"),
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
                "A Part 2 consent must state the right to revoke it in writing and how; confirm the signed consent "
                "says so.")
        if not (self.how_to_revoke or "").strip():
            errors["how_to_revoke"] = "Say how the patient may revoke the consent, as the signed consent says."
        if self.signed_by_representative and not (self.representative_authority or "").strip():
            errors["representative_authority"] = "Say what authorises the representative to sign for the patient."
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

    @property
    def right_to_revoke_text(self):
        """The § 2.31(a)(6) statement: revoke in writing, except where already relied on, and how."""
        return f"{RIGHT_TO_REVOKE.format(party=self.disclosing_party)} How to revoke: {self.how_to_revoke.strip()}"

    @property
    def signed_by_text(self):
        if self.signed_by_representative:
            return f"{self.signed_by}, {self.representative_authority}, for the patient"
        return self.signed_by

    def summary(self):
        """A clear explanation of the scope of the consent (§ 2.32(b)), printed with every disclosure."""
        until = f"until {self.expires_on:%B %-d, %Y}"
        if self.expiry_event:
            until += f" or {self.expiry_event}, whichever comes first"
        family = ""
        if self.is_for_someone_close:
            family = (f" {self.program.name} is for family and friends: this consent covers suggesting it for "
                      "someone close to the patient, not a group of the patient's own.")
        return (
            f"{self.signed_by_text} consented on {self.signed_on:%B %-d, %Y} to {self.disclosing_party} sharing "
            f"{'; '.join(label.lower() for label in self.information_labels)} ({self.information_detail}) "
            f"with {self.recipient_name}, for this purpose: {self.purpose}.{family} The consent is valid {until}. "
            f"{self.right_to_revoke_text}"
        )

    @property
    def is_for_someone_close(self):
        """A consent to share with a program for family and friends (Al-Anon): on behalf of a suggestion for
        someone close to the patient."""
        return self.program.is_for_family_and_friends

    def was_active_at(self, moment):
        """Whether a disclosure at ``moment`` was covered: signed by then, not expired that day, not yet revoked."""
        day = timezone.localdate(moment)
        return (self.signed_on <= day <= self.expires_on
                and (self.revoked_at is None or moment < self.revoked_at))

    def revoke(self, by, *, received_as, received_on, note=""):
        """Record the patient's written revocation: how and when it was received. Stops future disclosures; past
        disclosures stay in the accounting."""
        if received_as not in RevocationReceipt.values or received_as == RevocationReceipt.NOT_RECORDED:
            raise ValidationError(_("Say how the patient's written revocation was received."))
        if received_on is None or received_on > timezone.localdate():
            raise ValidationError(_("Give the date the written revocation was received (today or earlier)."))
        if received_on < self.signed_on:
            raise ValidationError(_("The revocation cannot have been received before the consent was signed."))
        with transaction.atomic():
            locked = Consent.objects.select_for_update().get(pk=self.pk)
            if locked.revoked_at:
                raise ValidationError(_("This consent was already revoked."))
            locked.revoked_at = timezone.now()
            locked.revoked_by = by
            locked.revocation_note = note
            locked.revocation_received_as, locked.revocation_received_on = received_as, received_on
            locked.save(update_fields=["revoked_at", "revoked_by", "revocation_note", "revocation_received_as",
                                       "revocation_received_on"])
        for name in ("revoked_at", "revoked_by", "revocation_note", "revocation_received_as", "revocation_received_on"):
            setattr(self, name, getattr(locked, name))


class DisclosureMethod(models.TextChoices):
    LETTER = "letter", _("Printed referral letter")
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("E-mail")
    FAX = "fax", _("Fax")
    IN_PERSON = "in_person", _("In person")


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


# Why nothing may be disclosed under a consent, by (reason, when): "then" for a disclosure logged afterwards, "now"
# for one made at the moment. Whole sentences, so that each language words its own.
NOT_ACTIVE_MESSAGES = {
    ("revoked", "then"): _("The consent to share with %(recipient_name)s was revoked on %(revoked_at)s; nothing may "
                           "be disclosed under it then."),
    ("revoked", "now"): _("The consent to share with %(recipient_name)s was revoked on %(revoked_at)s; nothing may "
                          "be disclosed under it now."),
    ("expired", "then"): _("The consent to share with %(recipient_name)s expired; nothing may be disclosed under it "
                           "then."),
    ("expired", "now"): _("The consent to share with %(recipient_name)s expired; nothing may be disclosed under it "
                          "now."),
    ("not_in_effect", "then"): _("The consent to share with %(recipient_name)s was not in effect; nothing may be "
                                 "disclosed under it then."),
    ("not_in_effect", "now"): _("The consent to share with %(recipient_name)s was not in effect; nothing may be "
                                "disclosed under it now."),
}


def _not_active_message(consent, disclosed_at, now):
    """The refusal of a disclosure at ``disclosed_at``, when ``consent`` was not active then."""
    when = "then" if disclosed_at < now - datetime.timedelta(minutes=5) else "now"
    if consent.revoked_at and disclosed_at >= consent.revoked_at:
        reason = "revoked"
    elif timezone.localdate(disclosed_at) > consent.expires_on:
        reason = "expired"
    else:
        reason = "not_in_effect"
    revoked_at = date_format(timezone.localtime(consent.revoked_at), "DATETIME_FORMAT") if consent.revoked_at else ""
    return NOT_ACTIVE_MESSAGES[reason, when] % {"recipient_name": consent.recipient_name, "revoked_at": revoked_at}


def record_disclosure(consent, *, by, information, method=DisclosureMethod.LETTER, referral=None,
                      disclosed_at=None):
    """Log a disclosure under ``consent``; refused unless the consent covered the moment it happened.

    ``information`` is what is actually shared, in words. ``disclosed_at`` is when it was shared, for a
    disclosure made outside the product (a phone call last week): it may be logged after the consent later
    expired or was revoked, as long as the consent was active then; it cannot be in the future. A disclosure made
    now (a letter) needs the consent active now. The consent row is locked so a revocation at the same moment
    cannot slip between the check and the record. The notice is the § 2.32(a) statement of ``part2_notice()``.
    """
    now = timezone.now()
    disclosed_at = disclosed_at or now
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if referral is not None and referral.patient_id != locked.patient_id:
            raise ValidationError(_("This consent belongs to another patient."))
        if disclosed_at > now:
            raise ValidationError(_("A disclosure cannot be logged before it happens."))
        if timezone.localdate(disclosed_at) < locked.signed_on:
            raise ValidationError(_("The patient signed this consent on %(signed_on)s; nothing disclosed before that "
                                    "was covered by it.") % {"signed_on": date_format(locked.signed_on, "DATE_FORMAT")})
        if not locked.was_active_at(disclosed_at):
            raise ValidationError(_not_active_message(locked, disclosed_at, now))
        return Disclosure.objects.create(
            patient_id=locked.patient_id, consent=locked, referral=referral,
            recipient_name=locked.recipient_name, information=information, purpose=locked.purpose,
            method=method, notice=part2_notice(), consent_summary=locked.summary(), disclosed_by=by,
            disclosed_at=disclosed_at,
        )
