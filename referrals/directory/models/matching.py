"""What a patient looks for in mutual support, kept on the patient (one record each)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patients.models import Patient

from .directory import WEEKDAY_NAMES, CulturalFocus, TimeOfDay


class DrinkingGoal(models.TextChoices):
    ABSTINENCE = "abstinence", _("Abstinence")
    REDUCED = "reduced", _("Reduced drinking")
    UNDECIDED = "undecided", _("Not decided yet")


class SpiritualPreference(models.TextChoices):
    NO_PREFERENCE = "no_preference", _("No preference")
    AVOID = "avoid", _("Prefers no spiritual or religious content")
    WANTS = "wants", _("Wants spiritual or faith-based support")


class GenderGroups(models.TextChoices):
    NOT_ASKED = "not_asked", _("Not asked yet")
    MIXED_ONLY = "mixed_only", _("Mixed groups only")
    WOMEN = "women", _("Women's groups fit")
    MEN = "men", _("Men's groups fit")


class Transportation(models.TextChoices):
    NOT_ASKED = "not_asked", _("Not asked yet")
    CAR = "car", _("Has a car or a reliable ride")
    TRANSIT = "transit", _("Uses public transit")
    NONE = "none", _("No transportation")


class MatchingPreferences(models.Model):
    """The patient's preferences for mutual-support options, used by "find options"."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="matching_preferences")
    # Until the treatment plan (Stop 1) records them, the goal and medication are asked here.
    drinking_goal = models.CharField(max_length=16, choices=DrinkingGoal.choices, default=DrinkingGoal.UNDECIDED)
    on_maud = models.BooleanField("takes a medication for alcohol use disorder", default=False)
    spiritual_content = models.CharField("spiritual or religious content", max_length=16,
                                         choices=SpiritualPreference.choices,
                                         default=SpiritualPreference.NO_PREFERENCE)
    in_person_ok = models.BooleanField("open to in-person meetings", default=True)
    online_ok = models.BooleanField("open to online meetings", default=True)
    app_ok = models.BooleanField("open to apps", default=True)
    online_only = models.BooleanField("online only", default=False,
                                      help_text=_("The patient will only join online or by app."))
    language = models.CharField(max_length=60, default="English")
    gender_groups = models.CharField("gender-specific groups", max_length=16, choices=GenderGroups.choices,
                                     default=GenderGroups.NOT_ASKED)
    cultural_focuses = models.JSONField("cultural preferences", default=list, blank=True,
                                        help_text=f"Values of {CulturalFocus.__name__}.")
    cultural_notes = models.CharField("more about cultural preferences", max_length=300, blank=True)
    available_days = models.JSONField("days available", default=list, blank=True,
                                      help_text=_("Weekday numbers, 0 = Sunday; empty means any day."))
    available_times = models.JSONField("times available", default=list, blank=True,
                                       help_text=f"Values of {TimeOfDay.__name__}; empty means any time.")
    transportation = models.CharField(max_length=16, choices=Transportation.choices,
                                      default=Transportation.NOT_ASKED)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = "matching preferences"
        verbose_name_plural = "matching preferences"
        constraints = [
            models.CheckConstraint(condition=Q(drinking_goal__in=DrinkingGoal.values),
                                   name="prefs_drinking_goal_known"),
            models.CheckConstraint(condition=Q(spiritual_content__in=SpiritualPreference.values),
                                   name="prefs_spiritual_content_known"),
            models.CheckConstraint(condition=Q(gender_groups__in=GenderGroups.values),
                                   name="prefs_gender_groups_known"),
            models.CheckConstraint(condition=Q(transportation__in=Transportation.values),
                                   name="prefs_transportation_known"),
            models.CheckConstraint(condition=Q(online_only=False) | Q(online_ok=True) | Q(app_ok=True),
                                   name="prefs_online_only_needs_online_or_app"),
        ]

    def __str__(self):
        return f"Matching preferences of patient {self.patient_id}"

    @classmethod
    def new_for(cls, patient):
        """Preferences (unsaved) for a patient who has none saved yet: the defaults, in the patient's language."""
        return cls(patient=patient, language=patient.preferred_language or "English")

    @property
    def available_day_names(self):
        return [WEEKDAY_NAMES[int(d)] for d in sorted(self.available_days)]

    @property
    def available_time_labels(self):
        return [TimeOfDay(t).label for t in self.available_times if t in TimeOfDay.values]

    @property
    def cultural_focus_labels(self):
        return [CulturalFocus(c).label for c in self.cultural_focuses if c in CulturalFocus.values]

    @property
    def format_labels(self):
        if self.online_only:
            return ["Online or app only"]
        return [label for ok, label in [(self.in_person_ok, "In person"), (self.online_ok, "Online"),
                                        (self.app_ok, "App")] if ok]
