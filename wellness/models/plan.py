from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class WellnessDimension(models.TextChoices):
    """The eight dimensions of wellness a personal goal can be tagged with."""

    EMOTIONAL = "emotional", _("Emotional")
    ENVIRONMENTAL = "environmental", _("Environmental")
    FINANCIAL = "financial", _("Financial")
    INTELLECTUAL = "intellectual", _("Intellectual")
    OCCUPATIONAL = "occupational", _("Occupational")
    PHYSICAL = "physical", _("Physical")
    SOCIAL = "social", _("Social")
    SPIRITUAL = "spiritual", _("Spiritual")


class WellnessPlan(models.Model):
    """The patient's own plan, in their words, made together with staff on the care team.

    The text sections live here; goals, triggers and warning signs, and supports are lists of their
    own. Every change to any part is written to :class:`PlanChange` (who, when, what before and after).
    """

    patient = models.OneToOneField("patients.Patient", on_delete=models.CASCADE, related_name="wellness_plan")
    vision = models.TextField(_("When I am well, my life looks like"), blank=True)
    values = models.TextField(_("What matters most to me"), blank=True)
    strengths = models.TextField(_("My strengths"), blank=True)
    daily_routine = models.TextField(_("My daily routine"), blank=True)
    daily_goals = models.TextField(_("Small things I aim to do every day"), blank=True)
    coping_strategies = models.TextField(_("What helps me cope"), blank=True)
    stress_management = models.TextField(_("How I handle stress"), blank=True)
    crisis_plan = models.TextField(_("If I am in crisis"), blank=True,
                                   help_text=_("What helps, what does not, and who to call."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    TEXT_SECTIONS = ["vision", "values", "strengths", "daily_routine", "daily_goals", "coping_strategies",
                     "stress_management", "crisis_plan"]

    def __str__(self):
        return f"Wellness plan of patient {self.patient_id}"

    def get_absolute_url(self):
        return reverse("wellness:plan", args=[self.patient.public_id])

    @property
    def text_sections(self):
        return [(self._meta.get_field(name).verbose_name, getattr(self, name)) for name in self.TEXT_SECTIONS]

    @property
    def is_empty(self):
        return not any(getattr(self, name) for name in self.TEXT_SECTIONS)

    def record(self, by, section, action, summary, changes=()):
        """Write one entry to the plan's history. ``changes`` is a list of (label, before, after)."""
        return PlanChange.objects.create(
            plan=self, changed_by=by, section=section, action=action, summary=summary[:200],
            changes=[[str(label), before, after] for label, before, after in changes],
        )


class WellnessGoal(models.Model):
    class Status(models.TextChoices):
        WORKING_ON_IT = "working_on_it", _("Working on it")
        REACHED = "reached", _("Reached")
        SET_ASIDE = "set_aside", _("Set aside for now")

    plan = models.ForeignKey(WellnessPlan, on_delete=models.CASCADE, related_name="goals")
    goal = models.CharField("My goal", max_length=300)
    dimension = models.CharField("Part of my wellness", max_length=20, choices=WellnessDimension.choices)
    steps = models.TextField("Small steps", blank=True, help_text=_("One step per line."))
    target_date = models.DateField("Aiming for", null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WORKING_ON_IT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(dimension__in=WellnessDimension.values),
                                   name="wellness_goal_dimension_known"),
            models.CheckConstraint(condition=models.Q(status__in=["working_on_it", "reached", "set_aside"]),
                                   name="wellness_goal_status_known"),
        ]

    def __str__(self):
        return self.goal

    @property
    def step_list(self):
        return [line.strip() for line in self.steps.splitlines() if line.strip()]


class SignAndAction(models.Model):
    """A trigger or an early warning sign, and what the patient will do about it."""

    class Kind(models.TextChoices):
        TRIGGER = "trigger", _("Trigger")
        WARNING_SIGN = "warning_sign", _("Early warning sign")

    plan = models.ForeignKey(WellnessPlan, on_delete=models.CASCADE, related_name="signs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    what = models.CharField("What it is", max_length=300)
    my_action = models.TextField("What I will do")

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["trigger", "warning_sign"]),
                                   name="sign_kind_known"),
        ]

    def __str__(self):
        return self.what


class Support(models.Model):
    """Someone (or a group) the patient can lean on; some are who to call in a crisis."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        GROUP = "group", _("Group or meeting")

    plan = models.ForeignKey(WellnessPlan, on_delete=models.CASCADE, related_name="supports")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(max_length=200)
    relationship = models.CharField("Who they are to me", max_length=100, blank=True,
                                    help_text=_("e.g. sister, sponsor, neighbour; or what the group is."))
    how_to_reach = models.CharField("How to reach them", max_length=200, blank=True,
                                    help_text=_("Phone, or when and where the group meets."))
    call_in_crisis = models.BooleanField("Call in a crisis", default=False)

    class Meta:
        ordering = ["-call_in_crisis", "kind", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["person", "group"]), name="support_kind_known"),
        ]

    def __str__(self):
        return self.name


class PlanChange(models.Model):
    """One entry of a wellness plan's history: who changed which part, when, and the before and after."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        ADDED = "added", _("added")
        CHANGED = "changed", _("changed")
        REMOVED = "removed", _("removed")

    plan = models.ForeignKey(WellnessPlan, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    section = models.CharField(max_length=60)
    action = models.CharField(max_length=10, choices=Action.choices)
    summary = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=list, blank=True)  # [[label, before, after], ...]

    class Meta:
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=["created", "added", "changed", "removed"]),
                                   name="plan_change_action_known"),
        ]

    def __str__(self):
        return f"{self.section} {self.action}"

    # The history keeps the part's name as written when it was saved (in English); these are shown in the reader's
    # language. A name not here (none is written otherwise) shows as it was kept.
    SECTION_LABELS = {
        "Plan": _("Plan"),
        "About me": _("About me"),
        "Goals": _("Goals"),
        "Triggers and warning signs": _("Triggers and warning signs"),
        "Supports": _("Supports"),
    }
    STARTED = "Wellness plan started"

    @property
    def section_label(self):
        return self.SECTION_LABELS.get(self.section, self.section)

    @property
    def summary_text(self):
        """The summary; the plan's start, which the history words itself, in the reader's language."""
        return _("Wellness plan started") if self.summary == self.STARTED else self.summary
