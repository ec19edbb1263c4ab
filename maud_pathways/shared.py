"""What the pathway, the work queues and the clinic overview share: how they write dates and links, and how
they read a patient's latest recovery-capital assessment and its gaps (Stop 2)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import BooleanField, Exists, Func, OuterRef, Q
from django.urls import reverse
from django.utils.translation import ngettext

from patients.date_windows import format_day
from wellness.models import GapGoalLink, QuestionnaireVersion, RecoveryCapitalAssessment

#: A date as the pages write it in the active language (``DATE_FORMAT``): "Mar 4, 2026", "4 mar 2026".
day = format_day


def days(n):
    """A number of days in words: "1 day", "3 days"."""
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def patient_url(name, patient, *args):
    """The URL named ``name`` of one patient (patient URLs carry the public id first)."""
    return reverse(name, args=[patient.public_id, *args])


def latest_assessment_first(patient):
    """A patient's recovery-capital assessments, the latest first; ``patient`` may be an ``OuterRef``."""
    return RecoveryCapitalAssessment.objects.filter(patient=patient).order_by("-taken_on", "-created_at", "-id")


def latest_assessments():
    """Each patient's latest recovery-capital assessment (the first of ``latest_assessment_first``), as an
    anti-join: no assessment of the same patient comes after it."""
    later = RecoveryCapitalAssessment.objects.filter(patient=OuterRef("patient")).filter(
        Q(taken_on__gt=OuterRef("taken_on"))
        | Q(taken_on=OuterRef("taken_on"), created_at__gt=OuterRef("created_at"))
        | Q(taken_on=OuterRef("taken_on"), created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")))
    return RecoveryCapitalAssessment.objects.exclude(Exists(later))


class UnansweredGap(Func):
    """True when an assessment's gap domains (a JSON list: the first argument) hold a domain that no goal of the
    patient (the second argument) answers: the rule of ``Gap.has_goal`` (any goal, from any assessment of the
    patient), or of ``Gap.has_treatment_goal`` with ``treatment_only``. In SQL, so lists and queues filter by it."""

    output_field = BooleanField()

    def __init__(self, gaps, patient, *, treatment_only=False):
        super().__init__(gaps, patient)
        self.treatment_only = treatment_only

    def as_sql(self, compiler, connection, **extra_context):
        gaps, gap_params = compiler.compile(self.source_expressions[0])
        patient, patient_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "postgresql":
            domains, domain = f"jsonb_array_elements_text({gaps}) AS gap(domain)", "gap.domain"
        else:
            domains, domain = f"json_each({gaps}) AS gap", "gap.value"
        link, assessment = GapGoalLink._meta.db_table, RecoveryCapitalAssessment._meta.db_table
        kind = " AND link.treatment_goal_key IS NOT NULL" if self.treatment_only else ""
        sql = (f"EXISTS (SELECT 1 FROM {domains} WHERE NOT EXISTS (SELECT 1 FROM {link} link "
               f"INNER JOIN {assessment} linked ON linked.id = link.assessment_id "
               f"WHERE linked.patient_id = {patient} AND link.domain = {domain}{kind}))")
        return sql, (*gap_params, *patient_params)


@dataclass(frozen=True)
class Gap:
    """A low domain of a patient's latest assessment, and whether a goal answers it.

    A gap counts as answered when any assessment of the patient has a goal for that domain: a goal made for
    last month's "social" gap still answers this month's.
    """

    domain: str
    label: str  # the questionnaire's name for the domain
    has_goal: bool  # a wellness-plan or a treatment-plan goal
    has_treatment_goal: bool


def gaps_of(assessments):
    """``{assessment pk: [Gap]}`` for assessments that are each the latest of their patient (at most two
    queries: the gap-goal links of the patients and the questionnaire versions, for domain labels, unless the
    assessments were loaded with their versions)."""
    with_gaps = [a for a in assessments if a.gap_domains]
    if not with_gaps:
        return {a.pk: [] for a in assessments}
    goals = defaultdict(dict)  # patient id -> {domain: has a treatment goal}
    links = (GapGoalLink.objects.filter(assessment__patient_id__in={a.patient_id for a in with_gaps})
             .values_list("assessment__patient_id", "domain", "treatment_goal_key").order_by())
    for patient_id, domain, treatment_goal_key in links:
        goals[patient_id][domain] = goals[patient_id].get(domain, False) or treatment_goal_key is not None
    versions = {a.version_id: a.version for a in with_gaps if RecoveryCapitalAssessment.version.is_cached(a)}
    missing = {a.version_id for a in with_gaps} - set(versions)
    if missing:
        versions.update((v.pk, v) for v in QuestionnaireVersion.objects.filter(pk__in=missing))
    labels = {pk: {d.id: d.label for d in v.parsed.domains} for pk, v in versions.items()}
    return {
        a.pk: [Gap(domain, labels.get(a.version_id, {}).get(domain, domain), domain in goals[a.patient_id],
                   goals[a.patient_id].get(domain, False))
               for domain in a.gap_domains]
        for a in assessments
    }
