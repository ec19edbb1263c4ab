"""The per-patient download of the FHIR R4 bundle (clinicians and clinic admins)."""

from django.http import HttpResponse

from patients.access import patient_for_request, role_required
from patients.audit import record
from patients.models import AuditAction, Patient, Role

from .bundle import patient_bundle

FHIR_JSON = "application/fhir+json; fhirVersion=4.0"


def can_export(user):
    """Who may download a patient's FHIR bundle: clinicians and clinic admins of the patient's clinic."""
    return user.has_role(Role.CLINICIAN, Role.CLINIC_ADMIN)


@role_required(Role.CLINICIAN, Role.CLINIC_ADMIN)
def patient_fhir_export(request, public_id):
    patient = patient_for_request(request, public_id, queryset=Patient.objects.select_related("clinic"))
    bundle = patient_bundle(patient)
    record(request, AuditAction.EXPORT, patient=patient, what="FHIR R4 bundle",
           detail=f"{len(bundle.entry)} resources")
    response = HttpResponse(bundle.model_dump_json(), content_type=FHIR_JSON)
    response["Content-Disposition"] = f'attachment; filename="patient-{patient.public_id}-fhir-r4.json"'
    return response
