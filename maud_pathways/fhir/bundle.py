"""Putting the resources together: one patient's Bundle, and the resources of many patients as NDJSON."""

import uuid
from collections import defaultdict

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle, BundleEntry

from .assessments import assessment_resources, questionnaire_resource
from .datatypes import clinic_ref, fhir_base_url, part2_meta
from .people import clinic_resource, patient_resource, practitioner_resource, program_resource
from .plans import gap_observations, treatment_plan_resources, wellness_plan_resources
from .provenance import assessment_records, consent_records, plan_signatures, referral_moves
from .records import load_records
from .referrals import consent_resource, referral_resources

#: The resource types the export writes (each checked against R4 4.0.1: see the README).
RESOURCE_TYPES = ("Patient", "Organization", "Practitioner", "CarePlan", "Goal", "MedicationStatement",
                  "Questionnaire", "QuestionnaireResponse", "Observation", "ServiceRequest", "Task", "Consent",
                  "Provenance")


def patient_resources(record, catalog, today=None):
    """The resources that belong to one patient (the shared ones come from ``shared_resources``)."""
    today = today or timezone.localdate()
    patient, clinic = record.patient, record.patient.clinic
    treatment_gaps, wellness_gaps = gap_observations(record)
    consents = defaultdict(list)
    for consent in record.consents:
        consents[consent.program_id].append(consent)
    resources = [patient_resource(patient)]
    resources += treatment_plan_resources(record, treatment_gaps)
    resources += wellness_plan_resources(record, catalog, wellness_gaps)
    for assessment in record.assessments:
        resources += assessment_resources(assessment)
    for referral in record.referrals:
        resources += referral_resources(referral, consents.get(referral.program_id, []))
    resources += [consent_resource(consent, today) for consent in record.consents]
    on_behalf = clinic_ref(clinic)
    resources += plan_signatures(record, on_behalf)
    resources += assessment_records(record, on_behalf)
    resources += referral_moves(record, on_behalf)
    resources += consent_records(record, on_behalf)
    return resources


class SharedResources:
    """Practitioners, Organizations and Questionnaires that patients share, each made once."""

    def __init__(self):
        self.made = set()

    def for_record(self, record, staff):
        """The shared resources a patient's resources refer to that were not made before; ``staff`` are the
        staff members (``{pk: member}``) to make Practitioners of."""
        clinic = record.patient.clinic
        wanted = [("Organization", f"clinic-{clinic.pk}", lambda: clinic_resource(clinic))]
        programs = {r.program.pk: r.program for r in record.referrals}
        programs.update({c.program.pk: c.program for c in record.consents})
        wanted += [("Organization", f"program-{pk}", lambda p=program: program_resource(p))
                   for pk, program in sorted(programs.items())]
        wanted += [("Questionnaire", f"questionnaire-{a.version_id}", lambda v=a.version: questionnaire_resource(v))
                   for a in record.assessments]
        wanted += [("Practitioner", f"staff-{pk}", lambda m=member: practitioner_resource(m))
                   for pk, member in sorted(staff.items())]
        made = []
        for resource_type, rid, build in wanted:
            if (resource_type, rid) not in self.made:
                self.made.add((resource_type, rid))
                made.append(build())
        return made


def full_url(resource):
    return f"{fhir_base_url()}/{resource.get_resource_type()}/{resource.id}"


def patient_bundle(patient, today=None):
    """One patient's FHIR R4 Bundle (type ``collection``), validated by the library's models as it is built.

    ``patient`` must come from the one scoping rule (``patient_for_request`` / ``get_visible_or_404``).
    """
    (record,), catalog = load_records([patient])
    resources = patient_resources(record, catalog, today)
    # Practitioners: only those this patient's resources name.
    named = {ref for resource in resources for ref in references_in(resource.model_dump(mode="json"))}
    staff = {pk: m for pk, m in catalog.staff.items() if f"Practitioner/staff-{pk}" in named}
    resources += SharedResources().for_record(record, staff)
    return Bundle(
        id=str(uuid.uuid4()),
        meta=part2_meta(),
        type="collection",
        timestamp=timezone.now(),
        entry=[BundleEntry(fullUrl=full_url(r), resource=r) for r in resources],
    )


def references_in(data):
    """Every ``reference`` string in a resource's JSON (at any depth)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from references_in(value)
