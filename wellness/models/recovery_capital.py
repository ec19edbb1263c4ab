from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from ..definitions import parse_definition


class QuestionnaireQuerySet(models.QuerySet):
    def available_to(self, clinic_id):
        """Questionnaires shipped with the product (no clinic) plus the clinic's own."""
        return self.filter(Q(clinic__isnull=True) | Q(clinic_id=clinic_id))


class Questionnaire(models.Model):
    """A recovery-capital instrument. Its content lives in versions; the newest one is used for new
    assessments, older ones stay so past assessments keep the wording and scoring they were taken with.

    ``clinic`` is empty for the questionnaire shipped with MAUD Pathways (every clinic can use it);
    a clinic's own instruments (e.g. one it is licensed to use) belong to that clinic alone.
    """

    clinic = models.ForeignKey("patients.Clinic", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="questionnaires")
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    current_version = models.ForeignKey("QuestionnaireVersion", on_delete=models.PROTECT, null=True,
                                        related_name="+")
    is_active = models.BooleanField("offered for new assessments", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["clinic_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "slug"], name="unique_questionnaire_slug_per_clinic"),
            models.UniqueConstraint(fields=["slug"], condition=Q(clinic__isnull=True),
                                    name="unique_shared_questionnaire_slug"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_shared(self):
        return self.clinic_id is None

    def get_absolute_url(self):
        return reverse("wellness:questionnaire_detail", args=[self.pk])


class QuestionnaireVersion(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="unique_questionnaire_version"),
            models.CheckConstraint(condition=Q(number__gte=1), name="questionnaire_version_positive"),
        ]

    def __str__(self):
        return f"{self.questionnaire} (version {self.number})"

    @cached_property
    def parsed(self):
        """The validated :class:`~wellness.definitions.Definition` (stored definitions were validated on load)."""
        return parse_definition(self.definition)


class RecoveryCapitalAssessment(models.Model):
    """One completed questionnaire for a patient. Answers are kept as given; scores are computed on save
    with the version's scoring rules so lists and trends need no re-scoring."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="recovery_assessments")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="assessments")
    taken_on = models.DateField(default=timezone.localdate)
    answers = models.JSONField()  # {item_id: answer as given on the scale}
    total = models.IntegerField()
    domain_scores = models.JSONField()  # {domain_id: score}
    gap_domains = models.JSONField(default=list)  # [domain_id, ...] by the instrument's gap rule
    notes = models.TextField("What we talked about", blank=True)
    administered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                        related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_on", "-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(total__gte=0), name="assessment_total_not_negative")]
        indexes = [models.Index(fields=["patient", "taken_on"])]

    def __str__(self):
        return f"Assessment {self.pk} of patient {self.patient_id}"

    def get_absolute_url(self):
        return reverse("wellness:assessment_detail", args=[self.patient.public_id, self.pk])

    def apply_scores(self):
        """Score ``answers`` with the version's rules (raises ValueError for incomplete/off-scale answers)."""
        result = self.version.parsed.score(self.answers)
        self.total = result.total
        self.domain_scores = {ds.domain.id: ds.score for ds in result.domain_scores}
        self.gap_domains = result.gap_domains
        return result

    @cached_property
    def result(self):
        return self.version.parsed.score(self.answers)

    def gap_labels(self):
        domains = self.version.parsed.domain_map
        return [domains[d].label for d in self.gap_domains if d in domains]


class GapGoalLink(models.Model):
    """Ties a goal to the recovery-capital gap it answers: one domain of one assessment.

    The goal is either a wellness-plan goal or a treatment-plan goal. Treatment-plan goals are kept by
    their stable ``key`` (the same across versions of the treatment plan), so the link survives re-signing.
    """

    assessment = models.ForeignKey(RecoveryCapitalAssessment, on_delete=models.CASCADE, related_name="goal_links")
    domain = models.CharField(max_length=40)
    wellness_goal = models.ForeignKey("WellnessGoal", on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="gap_links")
    treatment_goal_key = models.UUIDField(null=True, blank=True, db_index=True)
    treatment_goal_text = models.CharField(max_length=500, blank=True)  # as written when the goal was added
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(wellness_goal__isnull=False, treatment_goal_key__isnull=True)
                           | Q(wellness_goal__isnull=True, treatment_goal_key__isnull=False)),
                name="gap_link_to_exactly_one_goal",
            ),
            models.UniqueConstraint(fields=["assessment", "domain", "wellness_goal"],
                                    condition=Q(wellness_goal__isnull=False), name="unique_gap_wellness_goal"),
            models.UniqueConstraint(fields=["assessment", "domain", "treatment_goal_key"],
                                    condition=Q(treatment_goal_key__isnull=False),
                                    name="unique_gap_treatment_goal"),
        ]

    def __str__(self):
        return f"Goal for {self.domain} of assessment {self.assessment_id}"

    @property
    def domain_label(self):
        domain = self.assessment.version.parsed.domain_map.get(self.domain)
        return domain.label if domain else self.domain

    @property
    def is_treatment_goal(self):
        return self.treatment_goal_key is not None
