"""The one access rule: clinic A never sees clinic B's patients, for GET and POST alike."""

import uuid

import pytest
from django.urls import reverse

from patients.models import CareTeamMember, Patient, Role

from .factories.patients import PatientFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign_patient(other_clinic):
    return PatientFactory(clinic=other_clinic, first_name="Hidden", last_name="Elsewhere", mrn="LK-1")


def test_visible_to_returns_only_the_users_clinic(clinician, foreign_patient):
    own = PatientFactory(clinic=clinician.clinic)
    assert list(Patient.objects.visible_to(clinician)) == [own]


def test_visible_to_is_empty_for_staff_without_a_clinic_or_inactive(clinic, foreign_patient):
    PatientFactory(clinic=clinic)
    no_clinic = StaffFactory(clinic=None)
    inactive = StaffFactory(clinic=clinic, is_active=False)
    assert not Patient.objects.visible_to(no_clinic).exists()
    assert not Patient.objects.visible_to(inactive).exists()


@pytest.mark.parametrize("url_name", ["patients:detail", "patients:edit"])
def test_another_clinics_patient_is_a_404_on_get(login, clinician, foreign_patient, url_name):
    response = login(clinician).get(reverse(url_name, args=[foreign_patient.public_id]))
    assert response.status_code == 404
    assert "Elsewhere" not in response.content.decode()


def test_another_clinics_patient_is_a_404_on_post_and_nothing_changes(login, clinician, foreign_patient):
    client = login(clinician)
    edit = client.post(reverse("patients:edit", args=[foreign_patient.public_id]),
                       {"first_name": "Changed", "last_name": "X", "date_of_birth": "1980-01-01", "mrn": "Z",
                        "preferred_language": "English", "preferred_contact": "do_not_contact"})
    add = client.post(reverse("patients:care_team_add", args=[foreign_patient.public_id]),
                      {"role": Role.CLINICIAN, "staff": clinician.pk})
    assert edit.status_code == 404 and add.status_code == 404
    foreign_patient.refresh_from_db()
    assert foreign_patient.first_name == "Hidden"
    assert not CareTeamMember.objects.exists()


def test_unknown_patient_id_is_a_404(login, clinician):
    assert login(clinician).get(reverse("patients:detail", args=[uuid.uuid4()])).status_code == 404


def test_other_clinic_patients_never_appear_in_lists_or_search(login, clinician, foreign_patient):
    client = login(clinician)
    assert "Elsewhere" not in client.get(reverse("patients:list")).content.decode()
    assert "Elsewhere" not in client.get(reverse("patients:list"), {"q": "LK-1"}).content.decode()
    assert "Elsewhere" not in client.get(reverse("home")).content.decode()


def test_patient_urls_use_opaque_ids_not_sequential_ones(clinic):
    patient = PatientFactory(clinic=clinic)
    assert f"/{patient.pk}/" not in patient.get_absolute_url()
    assert str(patient.public_id) in patient.get_absolute_url()


def test_patient_page_title_names_no_patient_data(login, clinician):
    """Titles show in tabs, history and window lists of shared devices: no names or record numbers there."""
    import re

    patient = PatientFactory(clinic=clinician.clinic, first_name="Imani", last_name="Quintero", mrn="RB-777")
    page = login(clinician).get(patient.get_absolute_url()).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert not any(secret in title for secret in ("Imani", "Quintero", "RB-777")), title
