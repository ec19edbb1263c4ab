"""Django admin (/django-admin/): accounts that can open it need two-factor (superusers included), and every
page of it that shows patient data, and every change made there, is in the audit trail of the patient's clinic."""

import pytest
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse

from patients.admin import PatientDataAdmin
from patients.models import AuditAction, AuditEntry, Clinic, Patient, Role
from security import two_factor

from .factories.patients import TEST_PASSWORD, ClinicFactory, PatientFactory, StaffFactory
from .factories.referrals.directory import MatchingPreferencesFactory
from .factories.security import code_now, site_administrator, with_two_factor

pytestmark = pytest.mark.django_db

ADMIN = "/django-admin/"
SETUP = "/accounts/two-factor/set-up/"
VERIFY = "/accounts/two-factor/verify/"


@pytest.fixture
def superuser(db):
    return site_administrator()


def admin_login(client, user):
    return client.post(reverse("admin:login"), {"username": user.username, "password": TEST_PASSWORD,
                                                "next": ADMIN})


@pytest.fixture
def site_admin(client, superuser):
    """A superuser who has set up two-factor and verified a code in this browser."""
    device, _ = with_two_factor(superuser)
    admin_login(client, superuser)
    assert client.post(VERIFY, {"code": code_now(device), "next": ADMIN}).status_code == 302
    return client


# Two-factor ------------------------------------------------------------------------------------------

def test_a_superuser_without_two_factor_sets_it_up_before_django_admin_opens(client, superuser):
    response = admin_login(client, superuser)
    assert response.status_code == 302
    for url in [ADMIN, reverse("admin:patients_patient_changelist"), reverse("home")]:
        blocked = client.get(url)
        assert blocked.status_code == 302 and blocked.url.startswith(SETUP), url
    setup = client.get(SETUP).content.decode()
    assert "site administration (Django admin), which needs two-factor authentication" in setup

    device = superuser.totpdevice_set.get(confirmed=False)
    client.post(SETUP, {"code": code_now(device)})
    assert client.get(ADMIN).status_code == 200

    # And it stays on: a superuser cannot turn it off.
    client.post(reverse("security:two_factor_disable"))
    assert two_factor.has_two_factor(superuser)


def test_a_superuser_with_two_factor_verifies_a_code_before_django_admin_opens(client, superuser):
    device, _ = with_two_factor(superuser)
    admin_login(client, superuser)
    blocked = client.get(ADMIN)
    assert blocked.status_code == 302 and blocked.url.startswith(VERIFY)
    client.post(VERIFY, {"code": code_now(device)})
    assert client.get(ADMIN).status_code == 200


def test_staff_status_alone_needs_two_factor_too(client, clinic):
    staff_user = StaffFactory(clinic=clinic, is_staff=True)
    client.post(reverse("login"), {"username": staff_user.username, "password": TEST_PASSWORD})
    assert client.get(ADMIN).url.startswith(SETUP)
    assert client.get(reverse("home")).url.startswith(SETUP)


# Audit ------------------------------------------------------------------------------------------------

def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


def test_every_read_and_change_of_a_patient_in_django_admin_is_audited(site_admin, superuser, clinic,
                                                                       other_clinic):
    ours = PatientFactory(clinic=clinic, last_name="Auditedperson")
    PatientFactory.create_batch(2, clinic=other_clinic)

    # The list: one entry per clinic whose patients it shows, in that clinic's trail.
    page = site_admin.get(reverse("admin:patients_patient_changelist"))
    assert "Auditedperson" in page.content.decode()
    listed = entries(action=AuditAction.VIEW)
    assert {(e.clinic_id, e.actor_id, e.patient_public_id) for e in listed} == {
        (clinic.pk, superuser.pk, None), (other_clinic.pk, superuser.pk, None)}
    assert sorted(e.detail for e in listed) == ["Django admin: list of patients (1 patient)",
                                                "Django admin: list of patients (2 patients)"]
    AuditEntry.objects.all()._raw_delete(AuditEntry.objects.db)

    change_url = reverse("admin:patients_patient_change", args=[ours.pk])
    site_admin.get(change_url)
    site_admin.get(reverse("admin:patients_patient_history", args=[ours.pk]))
    data = {
        "clinic": clinic.pk, "first_name": ours.first_name, "last_name": "Renamed", "mrn": ours.mrn,
        "date_of_birth": ours.date_of_birth.isoformat(), "preferred_language": "English",
        "preferred_contact": "do_not_contact",
        "care_team-TOTAL_FORMS": "0", "care_team-INITIAL_FORMS": "0",
    }
    changed = site_admin.post(change_url, data)
    assert changed.status_code == 302, changed.context["adminform"].form.errors
    site_admin.get(reverse("admin:patients_patient_delete", args=[ours.pk]))
    site_admin.post(reverse("admin:patients_patient_delete", args=[ours.pk]), {"post": "yes"})
    assert not Patient.objects.filter(pk=ours.pk).exists()

    trail = entries(patient_public_id=ours.public_id)
    assert [e.action for e in trail] == [AuditAction.VIEW, AuditAction.VIEW, AuditAction.CHANGE,
                                         AuditAction.VIEW, AuditAction.DELETE]
    assert {(e.clinic_id, e.actor_id) for e in trail} == {(clinic.pk, superuser.pk)}
    assert [e.what for e in trail][:3] == ["admin:patients_patient_change", "admin:patients_patient_history",
                                           "admin:patients_patient_change"]


def test_bulk_deletes_and_records_that_belong_to_a_patient_are_audited(site_admin, clinic):
    first, second = PatientFactory.create_batch(2, clinic=clinic)
    preferences = MatchingPreferencesFactory(patient=first)

    site_admin.get(reverse("admin:referrals_matchingpreferences_change", args=[preferences.pk]))
    assert entries(patient_public_id=first.public_id)[-1].action == AuditAction.VIEW

    selected = {"action": "delete_selected", "_selected_action": [first.pk, second.pk]}
    confirm = site_admin.post(reverse("admin:patients_patient_changelist"), selected)
    assert confirm.status_code == 200
    site_admin.post(reverse("admin:patients_patient_changelist"), {**selected, "post": "yes"})
    for patient in (first, second):
        assert [e.action for e in entries(patient_public_id=patient.public_id)][-2:] == [
            AuditAction.VIEW, AuditAction.DELETE]


def test_the_clinic_admin_sees_what_the_site_administrator_did_in_their_trail(site_admin, superuser, clinic):
    patient = PatientFactory(clinic=clinic, mrn="RB-77")
    site_admin.get(reverse("admin:patients_patient_change", args=[patient.pk]))
    clinic_admin = StaffFactory(clinic=clinic, roles=[Role.CLINIC_ADMIN])
    browser = Client()
    browser.force_login(clinic_admin)
    shown = browser.get(reverse("staff:audit"), {"mrn": "RB-77"}).context["page"].object_list
    assert [(e.actor, e.patient, e.detail) for e in shown] == [(superuser, patient, "Django admin")]


def leads_to_patient(model, depth=3):
    """Whether records of ``model`` belong to a patient: it is Patient, or a foreign key leads to one."""
    if model is Patient:
        return True
    if depth == 0:
        return False
    return any(leads_to_patient(f.related_model, depth - 1) for f in model._meta.get_fields()
               if isinstance(f, models.ForeignKey | models.OneToOneField) and f.related_model is not None
               and not f.auto_created)


def test_every_admin_of_patient_data_is_audited_and_none_offers_it_in_autocomplete():
    registered = admin.site._registry
    patient_data = {model for model in registered if leads_to_patient(model)}
    assert Patient in patient_data  # the search works
    for model in patient_data:
        assert isinstance(registered[model], PatientDataAdmin), f"{model.__name__} admin is not audited"
    for model, model_admin in registered.items():
        for name in model_admin.autocomplete_fields:
            target = model._meta.get_field(name).related_model
            assert not leads_to_patient(target), f"{model.__name__}.{name} offers patient data in autocomplete"


# Clinics made in Django admin -----------------------------------------------------------------------------

def test_a_clinic_added_in_django_admin_requires_two_factor_and_an_optional_one_needs_a_reason(
        site_admin, superuser):
    fields = {"name": "Hillside Clinic", "time_zone": "America/Chicago", "require_two_factor": "on"}
    site_admin.post(reverse("admin:patients_clinic_add"), fields)
    clinic = Clinic.objects.get(name="Hillside Clinic")
    assert clinic.require_two_factor

    change = reverse("admin:patients_clinic_change", args=[clinic.pk])
    refused = site_admin.post(change, {"name": "Hillside Clinic", "time_zone": "America/Chicago"})
    assert refused.status_code == 200 and "Say why staff may sign in without two-factor" in refused.content.decode()
    clinic.refresh_from_db()
    assert clinic.require_two_factor

    reason = "Pilot with two staff on shared tablets until phones arrive in May."
    site_admin.post(change, {"name": "Hillside Clinic", "time_zone": "America/Chicago",
                             "optional_two_factor_reason": reason})
    clinic.refresh_from_db()
    assert not clinic.require_two_factor
    assert (clinic.two_factor_optional_reason, clinic.two_factor_optional_by) == (reason, superuser)
    assert ClinicFactory(require_two_factor=True).require_two_factor
