"""Audit gaps (issue 15, finding 9): every page that names patients writes an audit entry, home, *Plans due* and
the case manager's queue included, and a post that saves nothing is not recorded as a change."""

import pytest
from django.urls import reverse

from maud_pathways.queues import KINDS
from patients.models import AuditAction, AuditEntry, Role

from .factories.patients import CareTeamMemberFactory, PatientFactory
from .factories.referrals.barriers import ScheduledFollowUpFactory
from .factories.treatment_plans import PlanVersionFactory
from .test_access_matrix import MATRIX, build_world, url_for
from .test_fuzz_forms import fuzzing_staff

pytestmark = pytest.mark.django_db


def list_entries(user):
    return list(AuditEntry.objects.filter(actor=user, patient_public_id__isnull=True)
                .order_by("id").values_list("action", "what", "detail"))


# Lists -------------------------------------------------------------------------------------------------------

def test_a_clinician_opening_home_and_plans_due_leaves_one_entry_each(login, clinician):
    patient = PatientFactory(clinic=clinician.clinic, last_name="Quintero")
    CareTeamMemberFactory(patient=patient, staff=clinician, role=Role.CLINICIAN)
    client = login(clinician)

    assert "Quintero" in client.get(reverse("home")).content.decode()
    assert "Quintero" in client.get(reverse("patients:plans_due")).content.decode()

    assert list_entries(clinician) == [(AuditAction.VIEW, "home", "home page"),
                                       (AuditAction.VIEW, "patients:plans_due", "plans due")]
    assert clinician.clinic_id == AuditEntry.objects.values_list("clinic", flat=True).distinct().get()


def test_a_case_manager_opening_the_queue_leaves_one_entry(login, case_manager):
    patient = PatientFactory(clinic=case_manager.clinic, last_name="Quintero")
    CareTeamMemberFactory(patient=patient, staff=case_manager, role=Role.CASE_MANAGER)
    ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager)

    page = login(case_manager).get(reverse("referrals:case_manager_queue")).content.decode()

    assert "Quintero" in page
    assert list_entries(case_manager) == [(AuditAction.VIEW, "referrals:case_manager_queue",
                                           "case manager's queue")]


def test_a_list_refused_to_a_role_leaves_no_entry(login, peer):
    assert login(peer).get(reverse("referrals:case_manager_queue")).status_code == 403
    assert login(peer).get(reverse("patients:plans_due")).status_code == 403
    assert not AuditEntry.objects.exists()


#: Pages without a patient in their URL that name patients. The test below finds them on the pages themselves;
#: this list only makes sure that it still finds them all (it fails when a page stops naming the patient).
LISTS = {"home", "patients:list", "patients:plans_due", "queue", "referrals:case_manager_queue", "staff:audit",
         "staff:emergency_access"}


def test_every_page_that_names_a_patient_writes_an_audit_entry(client):
    world = build_world()
    everyone = fuzzing_staff(world)
    ScheduledFollowUpFactory(patient=world.patient, assigned_to=everyone)  # in the case manager's queue
    client.force_login(everyone)
    client.get(world.patient.get_absolute_url())  # an entry about the patient, for the audit trail to name
    pages = {name: url_for(name, row, world) for name, row in MATRIX.items()}
    pages.update({f"queue[{key}]": reverse("queue", args=[key]) for key in KINDS})  # every work queue, not one
    naming = set()
    for name, url in sorted(pages.items()):
        if str(world.patient.public_id) in url:
            continue  # pages of one patient: the audit middleware records them (tests/test_audit.py)
        before = AuditEntry.objects.count()
        response = client.get(url)
        if world.patient.last_name in response.content.decode(errors="replace"):
            naming.add(name.partition("[")[0])
            assert AuditEntry.objects.count() == before + 1, f"{name} names a patient but wrote no audit entry"
            assert AuditEntry.objects.latest("id").action == AuditAction.VIEW
    assert naming == LISTS


# A post that saves nothing -------------------------------------------------------------------------------------

def patient_entries(patient):
    return list(AuditEntry.objects.filter(patient_public_id=patient.public_id).order_by("id")
                .values_list("action", "detail"))


def test_a_patient_edit_sent_back_with_mistakes_is_a_view_and_the_saved_one_a_change(login, clinician):
    patient = PatientFactory(clinic=clinician.clinic)
    url = reverse("patients:edit", args=[patient.public_id])
    client = login(clinician)
    details = {"first_name": "Ada", "last_name": "Ng", "date_of_birth": "1990-01-01", "mrn": patient.mrn,
               "preferred_language": "English", "preferred_contact": "do_not_contact"}

    assert client.post(url, {**details, "date_of_birth": "not a date"}).status_code == 200  # the form again
    assert client.post(url, details).status_code == 302

    assert patient_entries(patient) == [(AuditAction.VIEW, "nothing saved"), (AuditAction.CHANGE, "")]


@pytest.mark.parametrize("url_name, data, status", [
    # The plan editor answers a post with mistakes with the page itself (200), not a 400.
    ("patients:plan_edit", {"medications-TOTAL_FORMS": "x"}, 200),
    # Signing refuses an out-of-date page with an error message, then a redirect.
    ("patients:plan_sign", {"lock_version": ""}, 302),
])
def test_a_plan_post_sent_back_or_refused_is_not_a_change(login, clinician, url_name, data, status):
    patient = PatientFactory(clinic=clinician.clinic)
    draft = PlanVersionFactory(plan__patient=patient)
    response = login(clinician).post(reverse(url_name, args=[patient.public_id, draft.number]), data)
    assert response.status_code == status
    assert patient_entries(patient) == [(AuditAction.VIEW, "nothing saved")]


def test_a_refused_care_team_change_is_not_recorded_at_all(login, peer, clinician):
    patient = PatientFactory(clinic=peer.clinic)
    response = login(peer).post(reverse("patients:care_team_add", args=[patient.public_id]),
                                {"role": Role.CLINICIAN, "staff": clinician.pk})
    assert response.status_code == 403
    assert patient_entries(patient) == []
