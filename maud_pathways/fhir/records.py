"""Everything the export reads about a set of patients, loaded in a fixed number of queries.

``load_records(patients)`` answers about 17 queries whatever the number of patients or of their records,
so the per-patient download and each chunk of the clinic export cost the same number of queries. It
reads through the apps' models only (the export never writes).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from patients.models import PlanGoal, PlanMedication, PlanTherapy, PlanVersion, StaffMember
from referrals.models import Consent, Referral, ReferralTransition
from wellness.models import (
    GapGoalLink,
    PlanChange,
    QuestionnaireVersion,
    RecoveryCapitalAssessment,
    SignAndAction,
    Support,
    WellnessGoal,
    WellnessPlan,
)


@dataclass
class PlanVersionRecord:
    version: PlanVersion
    medications: list = field(default_factory=list)
    therapies: list = field(default_factory=list)
    goals: list = field(default_factory=list)


@dataclass
class WellnessRecord:
    plan: WellnessPlan
    goals: list = field(default_factory=list)
    signs: list = field(default_factory=list)
    supports: list = field(default_factory=list)
    contributor_ids: list = field(default_factory=list)


@dataclass
class PatientRecords:
    """One patient's records, each list in a stable order."""

    patient: object
    plan_versions: list = field(default_factory=list)  # signed versions, oldest first
    wellness: WellnessRecord | None = None
    assessments: list = field(default_factory=list)  # oldest first
    gap_links: list = field(default_factory=list)
    referrals: list = field(default_factory=list)  # oldest first
    transitions: dict = field(default_factory=dict)  # referral pk -> [ReferralTransition], oldest first
    consents: list = field(default_factory=list)  # oldest first


@dataclass
class Catalog:
    """What many patients share: questionnaire versions and staff, kept across the chunks of an export."""

    questionnaire_versions: dict = field(default_factory=dict)  # pk -> QuestionnaireVersion
    staff: dict = field(default_factory=dict)  # pk -> StaffMember

    def remember_staff(self, *members):
        for member in members:
            if member is not None:
                self.staff.setdefault(member.pk, member)


def _grouped(rows, key):
    groups = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return groups


def load_records(patients, catalog=None):
    """Load the records of ``patients`` (a list already scoped by the caller) and fill ``catalog``.

    Returns ``(records, catalog)``: one ``PatientRecords`` per patient, in the order given.
    """
    catalog = catalog if catalog is not None else Catalog()
    ids = [p.pk for p in patients]
    records = {p.pk: PatientRecords(patient=p) for p in patients}

    # Stop 1: signed treatment-plan versions and their entries.
    versions = list(PlanVersion.objects.signed().filter(plan__patient_id__in=ids)
                    .select_related("plan", "signed_by").order_by("plan_id", "number"))
    version_records = {v.pk: PlanVersionRecord(v) for v in versions}
    for med in PlanMedication.objects.filter(version_id__in=version_records).select_related("prescriber") \
            .order_by("version_id", "id"):
        version_records[med.version_id].medications.append(med)
        catalog.remember_staff(med.prescriber)
    for therapy in PlanTherapy.objects.filter(version_id__in=version_records).order_by("version_id", "id"):
        version_records[therapy.version_id].therapies.append(therapy)
    for goal in PlanGoal.objects.filter(version_id__in=version_records).select_related("added_by") \
            .order_by("version_id", "id"):
        version_records[goal.version_id].goals.append(goal)
        catalog.remember_staff(goal.added_by)
    for version in versions:
        catalog.remember_staff(version.signed_by)
        records[version.plan.patient_id].plan_versions.append(version_records[version.pk])

    # Stop 2: the wellness plan and recovery-capital assessments.
    plans = {plan.pk: plan for plan in WellnessPlan.objects.filter(patient_id__in=ids)}
    wellness = {pk: WellnessRecord(plan) for pk, plan in plans.items()}
    for goal in WellnessGoal.objects.filter(plan_id__in=plans).select_related("created_by").order_by("created_at",
                                                                                                      "id"):
        wellness[goal.plan_id].goals.append(goal)
        catalog.remember_staff(goal.created_by)
    for sign in SignAndAction.objects.filter(plan_id__in=plans).order_by("kind", "id"):
        wellness[sign.plan_id].signs.append(sign)
    for support in Support.objects.filter(plan_id__in=plans).order_by("-call_in_crisis", "kind", "name", "id"):
        wellness[support.plan_id].supports.append(support)
    contributors = (PlanChange.objects.filter(plan_id__in=plans, changed_by__isnull=False)
                    .values_list("plan_id", "changed_by_id").distinct().order_by("plan_id", "changed_by_id"))
    for plan_id, staff_id in contributors:
        wellness[plan_id].contributor_ids.append(staff_id)
    for record in wellness.values():
        records[record.plan.patient_id].wellness = record

    assessments = list(RecoveryCapitalAssessment.objects.filter(patient_id__in=ids)
                       .select_related("administered_by").order_by("taken_on", "created_at", "id"))
    missing = {a.version_id for a in assessments} - set(catalog.questionnaire_versions)
    for version in QuestionnaireVersion.objects.filter(pk__in=missing).select_related("questionnaire"):
        catalog.questionnaire_versions[version.pk] = version
    for assessment in assessments:
        assessment.version = catalog.questionnaire_versions[assessment.version_id]
        assessment.patient = records[assessment.patient_id].patient
        catalog.remember_staff(assessment.administered_by)
        records[assessment.patient_id].assessments.append(assessment)
    by_assessment = {a.pk: a for a in assessments}
    for link in GapGoalLink.objects.filter(assessment_id__in=by_assessment).order_by("created_at", "id"):
        link.assessment = by_assessment[link.assessment_id]
        records[link.assessment.patient_id].gap_links.append(link)

    # Stops 3-4: referrals with their history, and Part 2 consents.
    referrals = list(Referral.objects.filter(patient_id__in=ids)
                     .select_related("program", "meeting", "referred_by").order_by("created_at", "id"))
    for referral in referrals:
        catalog.remember_staff(referral.referred_by)
        referral.patient = records[referral.patient_id].patient
        records[referral.patient_id].referrals.append(referral)
    by_referral = {r.pk: r for r in referrals}
    transitions = ReferralTransition.objects.filter(referral_id__in=by_referral).select_related("by") \
        .order_by("at", "id")
    for referral_id, moves in _grouped(transitions, lambda t: t.referral_id).items():
        records[by_referral[referral_id].patient_id].transitions[referral_id] = moves
        catalog.remember_staff(*(t.by for t in moves if t.by_id is not None))  # the patient's own moves name nobody
    for consent in Consent.objects.filter(patient_id__in=ids).select_related("program", "recorded_by",
                                                                              "revoked_by").order_by("recorded_at",
                                                                                                     "id"):
        catalog.remember_staff(consent.recorded_by, consent.revoked_by)
        consent.patient = records[consent.patient_id].patient
        records[consent.patient_id].consents.append(consent)

    # Staff named only by id (wellness-plan contributors), in one query.
    unknown = {sid for record in wellness.values() for sid in record.contributor_ids} - set(catalog.staff)
    for member in StaffMember.objects.filter(pk__in=unknown):
        catalog.staff[member.pk] = member
    return [records[p.pk] for p in patients], catalog
