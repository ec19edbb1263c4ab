"""FHIR R4 export: a clinician downloads a patient's pathway as a Bundle an EHR can read; the clinic's
records go out as NDJSON for a FHIR server. Every bundle validates against the R4 models, every reference
resolves inside it, and each download is an export in the audit trail."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from maud_pathways.fhir import codes
from maud_pathways.fhir.bundle import RESOURCE_TYPES, patient_bundle, references_in
from maud_pathways.fhir.ndjson import export_clinic
from patients.models import AuditAction, AuditEntry, Patient, Role
from referrals.lifecycle import CloseReason, ReferralStatus

from .factories.cast import CLINIC_A
from .factories.fhir_export import exported_patient
from .factories.patients import PatientFactory, StaffFactory
from .fhir_checks import r4_problems

#: Queries of one patient's bundle, whatever the number of records (``records.load_records``); one more
#: when a wellness plan was changed by a staff member named nowhere else in the record.
BUNDLE_QUERIES = 15
#: The download: the bundle's queries plus the request's own (session, user, roles, the patient, its care
#: team, the audit entry).
DOWNLOAD_QUERIES = BUNDLE_QUERIES + 6


def download(client, patient):
    return client.get(reverse("patient_fhir_export", args=[patient.public_id]))


def by_type(bundle_json):
    found = {}
    for entry in bundle_json["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


# The story -------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_clinician_downloads_the_patients_pathway_for_the_ehr(client, clinic, clinician, peer):
    patient = exported_patient(clinic, clinician, peer)
    client.force_login(clinician)
    page = client.get(patient.get_absolute_url())
    link = reverse("patient_fhir_export", args=[patient.public_id])
    assert link in page.content.decode() and "Download for the health record (FHIR R4)" in page.content.decode()

    response = download(client, patient)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; fhirVersion=4.0"
    assert response["Content-Disposition"] == f'attachment; filename="patient-{patient.public_id}-fhir-r4.json"'
    data = json.loads(response.content)
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    found = by_type(data)
    assert set(found) == set(RESOURCE_TYPES)
    assert found["Patient"][0]["id"] == str(patient.public_id)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert (entry.actor, entry.patient_public_id, entry.what) == (clinician, patient.public_id, "FHIR R4 bundle")
    assert entry.detail == f"{len(data['entry'])} resources"
    assert AuditEntry.objects.filter(patient_public_id=patient.public_id, what="patient_fhir_export").count() == 0


@pytest.mark.django_db
def test_clinic_admins_download_too_other_roles_do_not_see_or_get_it(client, clinic, clinician, peer, clinic_admin,
                                                                     case_manager):
    patient = exported_patient(clinic, clinician, peer)
    client.force_login(clinic_admin)
    assert download(client, patient).status_code == 200
    for staff in (peer, case_manager):
        client.force_login(staff)
        assert "fhir-r4.json" not in client.get(patient.get_absolute_url()).content.decode()
        assert download(client, patient).status_code == 403
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 1


@pytest.mark.django_db
def test_another_clinics_patient_is_not_found_and_nothing_is_audited(client, clinician, other_clinic):
    other = PatientFactory(clinic=other_clinic)
    client.force_login(clinician)
    assert download(client, other).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


# The bundle against the R4 models ----------------------------------------------------------------

@pytest.mark.django_db
def test_every_resource_validates_and_every_reference_resolves_inside_the_bundle(clinic, clinician, peer):
    patient = exported_patient(clinic, clinician, peer, records=2)
    data = json.loads(patient_bundle(patient).model_dump_json())

    bundle = Bundle.model_validate(data)
    assert r4_problems(bundle) == []
    entries = {f"{e['resource']['resourceType']}/{e['resource']['id']}": e for e in data["entry"]}
    assert len(entries) == len(data["entry"])  # ids unique per type
    for key, entry in entries.items():
        assert entry["fullUrl"] == f"https://maud-pathways.invalid/fhir/{key}"
        resource = entry["resource"]
        assert get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert {"system": codes.V3_ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"} \
            in resource["meta"]["security"], key
    assert set(references_in(data)) <= set(entries)
    notice = data["meta"]["tag"][0]
    assert notice["code"] == codes.PART2_NOTICE_CODE and "42 CFR part 2" in notice["display"]


@pytest.mark.django_db
def test_a_patient_round_trips_json_models_json_unchanged(clinic, clinician, peer):
    patient = exported_patient(clinic, clinician, peer)
    exported = patient_bundle(patient).model_dump_json()
    again = Bundle.model_validate_json(exported).model_dump_json()
    assert again == exported
    assert json.loads(again) == json.loads(exported)


@pytest.mark.django_db
def test_the_bundle_costs_the_same_queries_for_ten_times_the_records(clinic, clinician, peer,
                                                                    django_assert_num_queries):
    small = exported_patient(clinic, clinician, peer, records=1)
    large = exported_patient(clinic, clinician, peer, records=10)
    sizes = []
    for patient in (small, large):
        patient = Patient.objects.select_related("clinic").get(pk=patient.pk)
        with django_assert_num_queries(BUNDLE_QUERIES):
            sizes.append(len(patient_bundle(patient).entry))
    assert sizes[1] > 5 * sizes[0]


# What each resource says -------------------------------------------------------------------------

@pytest.mark.django_db
def test_medications_carry_rxnorm_ingredient_codes_status_and_reason(clinic, clinician, peer):
    patient = exported_patient(clinic, clinician, peer)
    statements = by_type(json.loads(patient_bundle(patient).model_dump_json()))["MedicationStatement"]
    rxnorm = {}
    for statement in statements:
        for code in statement["medicationCodeableConcept"]["coding"]:
            if code["system"] == codes.RXNORM:
                rxnorm[code["display"]] = code["code"]
    assert rxnorm == {"naltrexone": "7243", "acamprosate": "82819", "disulfiram": "3554", "topiramate": "38404",
                      "gabapentin": "25480"}
    paused = next(s for s in statements if s["status"] == "on-hold")
    assert paused["statusReason"][0]["text"] == "Nausea; trying again in May"
    stopped = next(s for s in statements if s["status"] == "stopped")
    assert stopped["statusReason"][0]["text"] == "Liver tests"
    other = next(s for s in statements if s["status"] == "intended")
    assert other["medicationCodeableConcept"]["text"] == "Thiamine 0"
    assert all(c["system"] != codes.RXNORM for c in other["medicationCodeableConcept"]["coding"])
    assert "Dr. Field" in other["note"][0]["text"]


@pytest.mark.django_db
def test_each_signed_version_is_a_careplan_and_the_wellness_plan_is_the_patients_own(clinic, clinician, peer):
    patient = exported_patient(clinic, clinician, peer)
    found = by_type(json.loads(patient_bundle(patient).model_dump_json()))
    treatment = [p for p in found["CarePlan"] if p["category"][0]["coding"][0]["code"] == "treatment"]
    old, current = sorted(treatment, key=lambda p: p["title"])
    assert (old["status"], current["status"]) == ("revoked", "active")
    assert current["replaces"] == [{"reference": f"CarePlan/{old['id']}"}]
    assert old["period"]["end"] == current["period"]["start"]
    assert current["author"]["display"] == "Grace Okafor"
    kinds = [a["detail"]["kind"] for a in current["activity"]]
    assert kinds.count("MedicationRequest") == 7 and "ServiceRequest" in kinds
    assert len(current["goal"]) == len(old["goal"]) + 1
    wellness = next(p for p in found["CarePlan"] if p["category"][0]["coding"][0]["code"] == "wellness")
    patient_reference = {"reference": f"Patient/{patient.public_id}"}
    assert wellness["author"] == patient_reference and patient_reference in wellness["contributor"]
    assert wellness["description"] == "Steady mornings."
    assert any(n["text"] == "What matters most to me: My kids." for n in wellness["note"])


@pytest.mark.django_db
def test_goals_say_where_they_came_from_and_gap_goals_address_the_gap_score(clinic, clinician, peer):
    patient = exported_patient(clinic, clinician, peer)
    found = by_type(json.loads(patient_bundle(patient).model_dump_json()))
    sources = {g["category"][0]["coding"][0]["code"] for g in found["Goal"]}
    assert sources == {"clinical", "recovery_capital_gap"}
    social = next(o for o in found["Observation"] if o["code"]["text"] == "Social")
    assert social["interpretation"][0]["coding"][0]["code"] == "gap"
    gap_goals = [g for g in found["Goal"] if g["category"][0]["coding"][0]["code"] == "recovery_capital_gap"]
    assert len(gap_goals) == 2  # one treatment-plan goal, one wellness goal
    assert all(g["addresses"] == [{"reference": f"Observation/{social['id']}"}] for g in gap_goals)
    total = next(o for o in found["Observation"] if o["id"].endswith("-total"))
    assert total["valueInteger"] == sum(o["valueInteger"] for o in found["Observation"] if o is not total)
    assert len(total["hasMember"]) == 4
    response = found["QuestionnaireResponse"][0]
    questionnaire = found["Questionnaire"][0]
    assert response["questionnaire"] == f"{questionnaire['url']}|{questionnaire['version']}"


@pytest.mark.django_db
def test_referrals_follow_the_closed_loop_task_statuses(clinic, clinician, peer):
    patient = exported_patient(clinic, clinician, peer)
    found = by_type(json.loads(patient_bundle(patient).model_dump_json()))
    tasks = {t["businessStatus"]["coding"][0]["code"]: t for t in found["Task"]}
    assert {step: t["status"] for step, t in tasks.items()} == {
        "engaged": "completed", "declined": "rejected", "suggested": "draft"}
    assert tasks["declined"]["statusReason"]["coding"][0]["code"] == CloseReason.MEDICATION_NOT_WELCOME
    requests = {r["id"]: r for r in found["ServiceRequest"]}
    statuses = {t["businessStatus"]["coding"][0]["code"]: requests[t["focus"]["reference"].split("/")[1]]["status"]
                for t in found["Task"]}
    assert statuses == {"engaged": "completed", "declined": "revoked", "suggested": "draft"}
    moves = [p for p in found["Provenance"] if p["id"].startswith("referral-move-")]
    assert len(moves) == 3  # engaged: two moves; declined: one


@pytest.mark.parametrize(("status", "reopen_to", "reason", "task"), [
    (ReferralStatus.SUGGESTED, "", "", "draft"),
    (ReferralStatus.DISCUSSED, "", "", "draft"),
    (ReferralStatus.REFERRED, "", "", "requested"),
    (ReferralStatus.FIRST_MEETING_ATTENDED, "", "", "in-progress"),
    (ReferralStatus.ENGAGED, "", "", "completed"),
    (ReferralStatus.DECLINED, ReferralStatus.REFERRED, CloseReason.NOT_READY, "cancelled"),
    (ReferralStatus.DECLINED, ReferralStatus.REFERRED, CloseReason.MEDICATION_NOT_WELCOME, "rejected"),
    (ReferralStatus.STOPPED, ReferralStatus.FIRST_MEETING_ATTENDED, CloseReason.LOST_CONTACT, "cancelled"),
    (ReferralStatus.STOPPED, ReferralStatus.ENGAGED, CloseReason.DID_NOT_FIT, "completed"),
])
def test_task_status_of_each_referral_step(status, reopen_to, reason, task):
    assert codes.task_status(status, reopen_to, reason) == task


@pytest.mark.django_db
def test_part2_consents_point_at_the_rule_the_recipient_and_their_dates(clinic, clinician, peer):
    patient = exported_patient(clinic, clinician, peer)
    found = by_type(json.loads(patient_bundle(patient).model_dump_json()))
    active, revoked = sorted(found["Consent"], key=lambda c: c["id"])
    assert (active["status"], revoked["status"]) == ("active", "inactive")
    assert active["policyRule"]["coding"][0]["code"] == "42CFRPart2"
    assert active["policy"][0]["uri"] == codes.PART2_POLICY_URI
    recipient = active["provision"]["actor"][0]
    assert recipient["role"]["coding"][0]["code"] == "IRCP"
    assert recipient["reference"]["display"] == "Springfield Recovery Community Center"
    assert active["provision"]["period"]["end"] > active["provision"]["period"]["start"]
    assert revoked["provision"]["period"]["end"] < active["provision"]["period"]["end"]
    assert [c["coding"][0]["code"] for c in active["provision"]["code"]] == ["identity", "referral"]
    assert "may revoke this consent in writing at any time, except to the extent" in active["text"]["div"]
    recorded = {p["id"] for p in found["Provenance"] if p["target"][0]["reference"].startswith("Consent/")}
    assert len(recorded) == 3  # two recorded, one revocation


@pytest.mark.django_db
def test_provenance_names_who_signed_each_plan_version(clinic, clinician, peer):
    patient = exported_patient(clinic, clinician, peer)
    found = by_type(json.loads(patient_bundle(patient).model_dump_json()))
    signed = [p for p in found["Provenance"] if p["id"].startswith("careplan-signed-")]
    assert len(signed) == 2
    assert {p["agent"][0]["who"]["reference"] for p in signed} == {f"Practitioner/staff-{clinician.pk}"}
    assert {p["agent"][0]["type"]["coding"][0]["code"] for p in signed} == {"attester"}


# The clinic as NDJSON ------------------------------------------------------------------------------

def read_ndjson(folder):
    found = {}
    for path in sorted(folder.glob("*.ndjson")):
        found[path.stem] = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return found


@pytest.mark.django_db
def test_export_fhir_writes_ndjson_per_resource_type_for_the_clinic_only(tmp_path, clinic, clinician, peer,
                                                                         other_clinic, outsider):
    patients = [exported_patient(clinic, clinician, peer) for _ in range(3)]
    exported_patient(other_clinic, outsider, StaffFactory(clinic=other_clinic, roles=[Role.PEER_SPECIALIST]))
    out = io.StringIO()

    call_command("export_fhir", "--clinic", CLINIC_A, "--out", str(tmp_path), "--chunk-size", "2",
                 "--no-progress", stdout=out)

    files = read_ndjson(tmp_path)
    assert set(files) == set(RESOURCE_TYPES)
    assert {p["id"] for p in files["Patient"]} == {str(p.public_id) for p in patients}
    for resource_type, lines in files.items():
        model = get_fhir_model_class(resource_type)
        for line in lines:
            assert r4_problems(model.model_validate(line)) == []
        assert len({line["id"] for line in lines}) == len(lines), f"{resource_type} written twice"
        assert f"{resource_type}.ndjson  {len(lines)}" in out.getvalue()
    everything = {f"{t}/{r['id']}" for t, lines in files.items() for r in lines}
    assert set(references_in(files)) <= everything
    expected = {}
    for patient in patients:
        for entry in patient_bundle(patient).entry:
            expected.setdefault(entry.resource.get_resource_type(), set()).add(entry.resource.id)
    assert {t: {r["id"] for r in lines} for t, lines in files.items()} == expected


@pytest.mark.django_db
def test_the_bulk_export_asks_a_fixed_number_of_queries_per_chunk(tmp_path, clinic, clinician, peer):
    for _ in range(4):
        exported_patient(clinic, clinician, peer, records=1)
    counts = {}
    for chunk_size in (1, 2, 4):
        with CaptureQueriesContext(connection) as queries:
            export_clinic(clinic, tmp_path / str(chunk_size), chunk_size=chunk_size)
        counts[chunk_size] = len(queries)
    # 4, 2 and 1 chunks, each one query for the patients and BUNDLE_QUERIES for their records, plus the last
    # (empty) chunk query; shared questionnaire versions are loaded once, so later chunks ask one fewer.
    per_chunk = BUNDLE_QUERIES
    assert counts[4] == per_chunk + 1 + 1
    assert counts[2] == 2 * per_chunk - 1 + 2 + 1
    assert counts[1] == 4 * per_chunk - 3 + 4 + 1


@pytest.mark.django_db
def test_export_fhir_refuses_an_unknown_clinic(tmp_path):
    with pytest.raises(CommandError, match="No clinic is named"):
        call_command("export_fhir", "--clinic", "Nowhere", "--out", str(tmp_path), "--no-progress")


@pytest.mark.django_db
def test_the_download_costs_the_same_queries_for_ten_times_the_records(client, clinic, clinician, peer,
                                                                      django_assert_num_queries):
    client.force_login(clinician)
    for records in (1, 10):
        patient = exported_patient(clinic, clinician, peer, records=records)
        with django_assert_num_queries(DOWNLOAD_QUERIES):
            assert download(client, patient).status_code == 200
