"""Provenance: who signed or recorded what, and when.

* each signed treatment-plan version: the clinician who signed it (agent type "attester");
* each recovery-capital assessment: who took it with the patient ("author"), for the response and scores;
* each referral: who made it ("author"), then one Provenance per later move of its step ("performer": the staff
  member, or the patient when they reported going through their personal link);
* each Part 2 consent: who recorded it ("author") and, when revoked, who recorded the revocation.
"""

from fhir.resources.R4B.provenance import Provenance, ProvenanceAgent

from . import codes
from .assessments import domain_observation_id, response_id, total_observation_id
from .datatypes import coding, concept, part2_meta, patient_ref, ref, resource_id, staff_ref
from .plans import careplan_id
from .referrals import consent_id, service_request_id, task_id

_AGENT_TYPES = {"attester": "Attester", "author": "Author", "performer": "Performer"}


def _provenance(pid, targets, recorded, who, agent_type, activity, clinic_ref_=None, who_ref=None):
    return Provenance(
        id=pid,
        meta=part2_meta(),
        target=targets,
        recorded=recorded,
        activity=concept(coding(codes.V3_DATA_OPERATION, *activity)),
        agent=[ProvenanceAgent(
            type=concept(coding(codes.PROVENANCE_AGENT_TYPE, agent_type, _AGENT_TYPES[agent_type])),
            who=who_ref or staff_ref(who), onBehalfOf=None if who_ref else clinic_ref_,
        )],
    )


def plan_signatures(record, clinic):
    return [_provenance(resource_id("careplan-signed", entry.version.pk),
                        [ref("CarePlan", careplan_id(entry.version))], entry.version.signed_at,
                        entry.version.signed_by, "attester", ("CREATE", "create"), clinic)
            for entry in record.plan_versions]


def assessment_records(record, clinic):
    result = []
    for assessment in record.assessments:
        if assessment.administered_by_id is None:
            continue
        domains = [domain_observation_id(assessment, d.id) for d in assessment.version.parsed.domains]
        targets = [ref("QuestionnaireResponse", response_id(assessment)),
                   *(ref("Observation", oid) for oid in [*domains, total_observation_id(assessment)])]
        result.append(_provenance(resource_id("assessment-recorded", assessment.pk), targets, assessment.created_at,
                                  assessment.administered_by, "author", ("CREATE", "create"), clinic))
    return result


def referral_moves(record, clinic):
    result = []
    for referral in record.referrals:
        targets = [ref("ServiceRequest", service_request_id(referral)), ref("Task", task_id(referral))]
        result.append(_provenance(resource_id("referral-made", referral.pk), targets, referral.created_at,
                                  referral.referred_by, "author", ("CREATE", "create"), clinic))
        for move in record.transitions.get(referral.pk, []):
            if not move.from_status:
                continue  # the referral's creation, recorded above
            # A move the patient reported through their personal link is performed by the patient themselves.
            result.append(_provenance(resource_id("referral-move", move.pk), [ref("Task", task_id(referral))],
                                      move.at, move.by, "performer", ("UPDATE", "revise"), clinic,
                                      who_ref=patient_ref(referral.patient) if move.by_patient else None))
    return result


def consent_records(record, clinic):
    result = []
    for consent in record.consents:
        result.append(_provenance(resource_id("consent-recorded", consent.pk), [ref("Consent", consent_id(consent))],
                                  consent.recorded_at, consent.recorded_by, "author", ("CREATE", "create"), clinic))
        if consent.revoked_at:
            result.append(_provenance(resource_id("consent-revoked", consent.pk),
                                      [ref("Consent", consent_id(consent))], consent.revoked_at, consent.revoked_by,
                                      "author", ("UPDATE", "revise"), clinic))
    return result
