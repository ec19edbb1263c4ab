import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone “%(value)s”; use a name such as America/Chicago."),
                              params={"value": value})


MIN_TWO_FACTOR_REASON = 20
TWO_FACTOR_REASON_NEEDED = (f"Say why staff may sign in without two-factor authentication (at least "
                            f"{MIN_TWO_FACTOR_REASON} characters); it is kept with your name and the date.")


class Clinic(models.Model):
    """An addiction-treatment clinic: the unit that owns patients and staff."""

    name = models.CharField(max_length=200, unique=True)
    time_zone = models.CharField(max_length=64, default="America/Chicago", validators=[validate_time_zone])
    # Letterhead: what goes on printed plans, handouts and letters.
    address_line1 = models.CharField("address", max_length=200, blank=True)
    address_line2 = models.CharField("address (line 2)", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    crisis_line = models.CharField(
        "crisis line", max_length=120, blank=True,
        help_text=_("A number patients can call in a crisis, printed on every handout and plan next to 988 "
                  "(e.g. the clinic's after-hours line). Empty: the clinic's phone number is printed."))
    fax = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    # Security. Two-factor is required unless a clinic admin turned it off, saying why (kept with who and when).
    require_two_factor = models.BooleanField(
        "require two-factor authentication for all staff", default=True,
        help_text=_("When on, staff without two-factor authentication must set it up before they can open any page."),
    )
    two_factor_optional_reason = models.TextField("why two-factor is optional", blank=True)
    two_factor_optional_by = models.ForeignKey(
        "patients.StaffMember", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("two-factor made optional by"),
    )
    two_factor_optional_since = models.DateTimeField(null=True, blank=True)
    # Following up on participation (Stop 5): when a patient who went to meetings counts as lapsed, and how many
    # tries to reach a patient that fail put them at the top of the case manager's queue.
    lapse_days = models.PositiveSmallIntegerField(
        "days without a reported meeting before a lapse", default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A patient who went to a first meeting (or is engaged) and has no meeting reported for this many "
                  "days has lapsed: Stop 5 needs attention and the case manager's queue shows it."))
    outreach_attempts_alert = models.PositiveSmallIntegerField(
        "failed attempts to reach a patient before the queue flags them", default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Counted since the patient was last reached (a follow-up logged, or the patient answered)."))
    # Stop 1: a revision of a plan whose review date has passed proposes this many days from the day it starts.
    plan_review_days = models.PositiveSmallIntegerField(
        "days until a plan's next review", default=90, validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text=_("The next review a new draft proposes when the plan it revises was due for review already."))
    limit_to_caseload = models.BooleanField(
        "limit staff to their caseload", default=False,
        help_text=_("When on, staff see only patients on their care team (and patients they registered). "
                  "Opening anyone else's record needs a stated reason, gives access for a few hours, "
                  "and is listed for clinic admins."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            # Two-factor is optional only with a stated reason and the time it was decided.
            models.CheckConstraint(
                condition=models.Q(require_two_factor=True)
                | (models.Q(two_factor_optional_since__isnull=False) & ~models.Q(two_factor_optional_reason="")),
                name="clinic_two_factor_optional_has_reason",
            ),
            models.CheckConstraint(condition=models.Q(lapse_days__gte=1, lapse_days__lte=365),
                                   name="clinic_lapse_days_in_range"),
            models.CheckConstraint(condition=models.Q(outreach_attempts_alert__gte=1, outreach_attempts_alert__lte=20),
                                   name="clinic_outreach_attempts_in_range"),
        ]

    def __str__(self):
        return self.name

    def set_two_factor_rule(self, *, required, by, reason=""):
        """Require two-factor for all staff, or make it optional, recording who did it, when and why.

        Making it optional needs a reason of at least ``MIN_TWO_FACTOR_REASON`` characters (ValidationError
        otherwise, and nothing changes). Saving an optional clinic again without a new reason keeps the recorded
        one. The caller saves the clinic; the database refuses an optional clinic without reason and time.
        """
        reason = reason.strip()
        if required:
            self.require_two_factor = True
            self.two_factor_optional_reason = ""
            self.two_factor_optional_by = self.two_factor_optional_since = None
        elif self.require_two_factor or reason:
            if len(reason) < MIN_TWO_FACTOR_REASON:
                raise ValidationError({"two_factor_optional_reason": TWO_FACTOR_REASON_NEEDED})
            self.require_two_factor = False
            self.two_factor_optional_reason, self.two_factor_optional_by = reason, by
            self.two_factor_optional_since = timezone.now()

    @property
    def crisis_number(self):
        """What patients are told to call in a crisis at this clinic: its crisis line, else its phone number."""
        return self.crisis_line or self.phone

    @property
    def letterhead_lines(self):
        city_line = " ".join(p for p in [f"{self.city}," if self.city else "", self.state, self.postal_code] if p)
        return [line for line in [self.address_line1, self.address_line2, city_line.strip(" ,")] if line]


class Role(models.TextChoices):
    CLINICIAN = "clinician", _("Clinician")
    PEER_SPECIALIST = "peer_specialist", _("Peer support specialist")
    CASE_MANAGER = "case_manager", _("Case manager")
    CLINIC_ADMIN = "clinic_admin", _("Clinic admin")


def interface_languages():
    """The languages the interface is translated into (``settings.LANGUAGES``); a callable, so adding a language
    needs no migration."""
    return settings.LANGUAGES


class StaffMemberManager(UserManager):
    def with_roles(self):
        return self.select_related("clinic").prefetch_related("staff_roles")


class StaffMember(AbstractUser):
    """A staff account. Belongs to one clinic (superusers may have none) and holds one or more roles."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="staff")
    job_title = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Blank: the browser's language. Applied to every page by patients.languages.StaffLanguageMiddleware.
    language = models.CharField(
        _("language"), max_length=12, blank=True, choices=interface_languages,
        help_text=_("The language of the pages you see. Leave it blank to follow your browser's language."),
    )

    objects = StaffMemberManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = "staff member"

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def roles(self):
        """The set of Role values this staff member holds (uses prefetched roles when present)."""
        return frozenset(r.role for r in self.staff_roles.all())

    def has_role(self, *roles):
        return bool(self.roles.intersection(roles))

    @property
    def role_labels(self):
        return [label for value, label in Role.choices if value in self.roles]

    @property
    def role_labels_with_values(self):
        return [(value, label) for value, label in Role.choices if value in self.roles]

    @property
    def is_clinician(self):
        return Role.CLINICIAN in self.roles

    @property
    def is_peer_specialist(self):
        return Role.PEER_SPECIALIST in self.roles

    @property
    def is_case_manager(self):
        return Role.CASE_MANAGER in self.roles

    @property
    def is_clinic_admin(self):
        return Role.CLINIC_ADMIN in self.roles

    def set_roles(self, roles):
        roles = set(roles)
        self.staff_roles.exclude(role__in=roles).delete()
        existing = set(self.staff_roles.values_list("role", flat=True))
        StaffRole.objects.bulk_create(StaffRole(staff=self, role=r) for r in roles - existing)
        self.__dict__.pop("roles", None)
        if hasattr(self, "_prefetched_objects_cache"):
            self._prefetched_objects_cache.pop("staff_roles", None)


class StaffRole(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "role"], name="unique_role_per_staff"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="staff_role_known"),
        ]

    def __str__(self):
        return f"{self.staff} — {self.get_role_display()}"
