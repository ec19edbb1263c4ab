"""Stop 1 and Stop 2 plans: a CarePlan per signed treatment-plan version, the wellness plan as a CarePlan,
Goals for plan goals and wellness goals, and a MedicationStatement per MAUD medication.

Treatment-plan entries keep a stable ``key`` from version to version, so a goal or a medication is one
Goal / MedicationStatement (``plan-goal-<key>``, ``plan-medication-<key>``) described as the latest
signed version that has it says; every version's CarePlan points at the ones it contains.
"""

from django.utils import timezone
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.dosage import Dosage
from fhir.resources.R4B.goal import Goal, GoalTarget
from fhir.resources.R4B.medicationstatement import MedicationStatement

from patients.models import GoalSource, GoalStatus, Medication, MedicationStatus
from wellness.models import WellnessGoal

from . import codes
from .assessments import domain_observation_id
from .datatypes import (
    coding,
    concept,
    labelled,
    note,
    notes,
    part2_meta,
    patient_ref,
    period,
    ref,
    resource_id,
    staff_ref,
)


def careplan_id(version):
    return resource_id("careplan", version.pk)


def plan_goal_id(goal):
    return resource_id("plan-goal", goal.key)


def medication_id(medication):
    return resource_id("plan-medication", medication.key)


def medication_concept(medication):
    app = coding(codes.MEDICATION_SYSTEM, medication.medication, codes.MEDICATIONS[medication.medication])
    rxnorm = codes.RXNORM_INGREDIENTS.get(medication.medication)
    if rxnorm is None:
        return concept(app, text=medication.name)
    return concept(coding(codes.RXNORM, *rxnorm), app, text=medication.name)


def treatment_plan_resources(record, gap_observations):
    """CarePlans of the signed versions, then the Goals and MedicationStatements they point at.

    ``gap_observations`` maps a treatment-goal key to the Observation ids of the gaps it answers.
    """
    versions = record.plan_versions
    if not versions:
        return []
    patient = record.patient
    latest_goal, latest_medication, goal_since = {}, {}, {}
    for entry in versions:
        for goal in entry.goals:
            latest_goal[goal.key] = (goal, entry.version)
            goal_since.setdefault(goal.key, entry.version)
        for medication in entry.medications:
            latest_medication[medication.key] = (medication, entry.version)
    current = versions[-1].version
    resources = []
    for index, entry in enumerate(versions):
        following = versions[index + 1].version if index + 1 < len(versions) else None
        previous = versions[index - 1].version if index else None
        resources.append(_careplan(patient, entry, previous, following))
    for goal, version in latest_goal.values():
        resources.append(_plan_goal(patient, goal, version, goal_since[goal.key], current,
                                    gap_observations.get(goal.key, [])))
    for medication, version in latest_medication.values():
        resources.append(_medication_statement(patient, medication, version, current))
    return resources


def _careplan(patient, entry, previous, following):
    version = entry.version
    activities = [CarePlanActivity(outcomeReference=[ref("MedicationStatement", medication_id(m))],
                                   detail=_medication_detail(m)) for m in entry.medications]
    activities += [CarePlanActivity(detail=CarePlanActivityDetail(
        kind="ServiceRequest", status="unknown",
        code=concept(coding(codes.THERAPY_SYSTEM, t.therapy, codes.THERAPIES[t.therapy]), text=t.name),
        description="; ".join(filter(None, [labelled("How often", t.frequency), labelled("Provided by", t.provider)]))
        or None,
    )) for t in entry.therapies]
    for key, included in (("peer_support", version.includes_peer_support),
                          ("mutual_support", version.includes_mutual_support)):
        if included:
            activities.append(CarePlanActivity(detail=CarePlanActivityDetail(
                kind="ServiceRequest", status="unknown",
                code=concept(coding(codes.PLAN_SUPPORT_SYSTEM, key, codes.PLAN_SUPPORTS[key])))))
    return CarePlan(
        id=careplan_id(version),
        meta=part2_meta(),
        status="active" if following is None else "revoked",
        intent="plan",
        category=[concept(coding(codes.CAREPLAN_CATEGORY_SYSTEM, "treatment", codes.CAREPLAN_CATEGORIES["treatment"]))],
        title=f"Treatment plan, version {version.number}",
        description=f"Drinking goal: {version.get_drinking_goal_display()}" if version.drinking_goal else None,
        subject=patient_ref(patient),
        period=period(version.signed_at, following.signed_at if following else None),
        created=version.created_at,
        author=staff_ref(version.signed_by),
        replaces=[ref("CarePlan", careplan_id(previous))] if previous else None,
        goal=[ref("Goal", plan_goal_id(g)) for g in entry.goals] or None,
        activity=activities or None,
        note=notes(
            note(labelled("Drinking goal in the patient's own words", version.drinking_goal_in_own_words)),
            note(labelled("Next review", version.next_review_date.isoformat() if version.next_review_date else "")),
            note(labelled("Other notes", version.notes)),
        ),
    )


def _medication_detail(medication):
    stopped = medication.status in (MedicationStatus.PAUSED, MedicationStatus.STOPPED)
    return CarePlanActivityDetail(
        kind="MedicationRequest",
        status=codes.CAREPLAN_ACTIVITY_STATUS[medication.status],
        statusReason=concept(text=medication.status_reason) if stopped and medication.status_reason else None,
        productCodeableConcept=medication_concept(medication),
        description=", ".join(filter(None, [medication.dose, medication.schedule])) or None,
        performer=[staff_ref(medication.prescriber)] if medication.prescriber_id else None,
    )


def _medication_statement(patient, medication, version, current):
    stopped = medication.status in (MedicationStatus.PAUSED, MedicationStatus.STOPPED)
    dosage = ", ".join(filter(None, [medication.dose, medication.schedule]))
    removed = version.pk != current.pk
    return MedicationStatement(
        id=medication_id(medication),
        meta=part2_meta(),
        basedOn=[ref("CarePlan", careplan_id(version))],
        status=codes.MEDICATION_STATEMENT_STATUS[medication.status],
        statusReason=[concept(text=medication.status_reason)] if stopped and medication.status_reason else None,
        medicationCodeableConcept=medication_concept(medication),
        subject=patient_ref(patient),
        effectivePeriod=period(medication.start_date, medication.stop_date),
        dateAsserted=version.signed_at,
        informationSource=staff_ref(medication.prescriber or version.signed_by),
        dosage=[Dosage(text=dosage,
                       route=concept(text="Intramuscular injection")
                       if medication.medication == Medication.NALTREXONE_XR else None)] if dosage else None,
        note=notes(
            note(labelled("Prescribed outside the clinic by", medication.outside_prescriber)),
            note(f"No longer in the treatment plan (last in version {version.number})." if removed else ""),
        ),
    )


def _plan_goal(patient, goal, version, since, current, addresses):
    removed = version.pk != current.pk
    return Goal(
        id=plan_goal_id(goal),
        meta=part2_meta(),
        lifecycleStatus=codes.PLAN_GOAL_LIFECYCLE[goal.status],
        achievementStatus=concept(coding(codes.GOAL_ACHIEVEMENT, "achieved", "Achieved"))
        if goal.status == GoalStatus.MET else None,
        category=[concept(coding(codes.GOAL_SOURCE_SYSTEM, goal.source, codes.GOAL_SOURCES[goal.source]))],
        description=concept(text=goal.description),
        subject=patient_ref(patient),
        startDate=timezone.localdate(since.signed_at),
        target=[GoalTarget(dueDate=goal.target_date)] if goal.target_date else None,
        expressedBy=staff_ref(goal.added_by),
        addresses=[ref("Observation", oid) for oid in addresses] or None,
        note=notes(
            note(labelled("About the source", goal.source_note)),
            note(f"No longer in the treatment plan (last in version {version.number})." if removed else ""),
        ),
    )


def wellness_plan_id(plan):
    return resource_id("wellness-plan", plan.pk)


def wellness_goal_id(goal):
    return resource_id("wellness-goal", goal.pk)


def wellness_plan_resources(record, catalog, gap_observations):
    """The wellness plan as a CarePlan the patient authored, and its goals.

    ``gap_observations`` maps a wellness-goal pk to the Observation ids of the gaps it answers.
    """
    wellness = record.wellness
    if wellness is None:
        return []
    patient, plan = record.patient, wellness.plan
    staff_ids = list(dict.fromkeys([*wellness.contributor_ids,
                                    *(g.created_by_id for g in wellness.goals if g.created_by_id)]))
    sections = [note(labelled(label, text)) for label, text in plan.text_sections if text]
    signs = [note(f"{sign.get_kind_display()}: {sign.what}. What I will do: {sign.my_action}")
             for sign in wellness.signs]
    supports = [note("; ".join(filter(None, [
        f"{'Group' if s.kind == s.Kind.GROUP else 'Person'} who supports me: {s.name}",
        labelled("who they are to me", s.relationship), labelled("how to reach", s.how_to_reach),
        "call in a crisis" if s.call_in_crisis else "",
    ]))) for s in wellness.supports]
    careplan = CarePlan(
        id=wellness_plan_id(plan),
        meta=part2_meta(),
        status="active",
        intent="plan",
        category=[concept(coding(codes.CAREPLAN_CATEGORY_SYSTEM, "wellness", codes.CAREPLAN_CATEGORIES["wellness"]))],
        title="Wellness plan",
        description=plan.vision or None,
        subject=patient_ref(patient),
        period=period(plan.created_at),
        created=plan.created_at,
        author=patient_ref(patient),
        contributor=[patient_ref(patient), *(staff_ref(catalog.staff[sid]) for sid in staff_ids)],
        goal=[ref("Goal", wellness_goal_id(g)) for g in wellness.goals] or None,
        note=notes(*sections, *signs, *supports),
    )
    return [careplan, *(_wellness_goal(patient, goal, gap_observations.get(goal.pk, [])) for goal in wellness.goals)]


def _wellness_goal(patient, goal, addresses):
    source = GoalSource.RECOVERY_CAPITAL_GAP if addresses else codes.WELLNESS_GOAL_SOURCE[0]
    steps = [note(f"Step: {step}") for step in goal.step_list]
    return Goal(
        id=wellness_goal_id(goal),
        meta=part2_meta(),
        lifecycleStatus=codes.WELLNESS_GOAL_LIFECYCLE[goal.status],
        achievementStatus=concept(coding(codes.GOAL_ACHIEVEMENT, "achieved", "Achieved"))
        if goal.status == WellnessGoal.Status.REACHED else None,
        category=[
            concept(coding(codes.GOAL_SOURCE_SYSTEM, source, codes.GOAL_SOURCES[source])),
            concept(coding(codes.WELLNESS_DIMENSION_SYSTEM, goal.dimension, codes.WELLNESS_DIMENSIONS[goal.dimension])),
        ],
        description=concept(text=goal.goal),
        subject=patient_ref(patient),
        startDate=timezone.localdate(goal.created_at),
        target=[GoalTarget(dueDate=goal.target_date)] if goal.target_date else None,
        expressedBy=patient_ref(patient),
        addresses=[ref("Observation", oid) for oid in addresses] or None,
        note=notes(*steps),
    )


def gap_observations(record):
    """Observation ids of the gaps each goal answers: (by treatment-goal key, by wellness-goal pk)."""
    treatment, wellness = {}, {}
    for link in record.gap_links:
        oid = domain_observation_id(link.assessment, link.domain)
        if oid is None:
            continue
        if link.treatment_goal_key is not None:
            treatment.setdefault(link.treatment_goal_key, []).append(oid)
        else:
            wellness.setdefault(link.wellness_goal_id, []).append(oid)
    return treatment, wellness
