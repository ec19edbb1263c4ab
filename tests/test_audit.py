"""Every view and change of a patient's data leaves an audit entry that clinic admins can read, not edit."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from patients.models import AuditAction, AuditEntry
from referrals.models import Referral

from .factories.patients import PatientFactory
from .factories.referrals.directory import ProgramFactory

pytestmark = pytest.mark.django_db


def test_opening_a_patient_page_is_recorded_with_who_what_and_where(login, peer):
    patient = PatientFactory(clinic=peer.clinic)
    login(peer).get(patient.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.patient_public_id) == (peer, AuditAction.VIEW, patient.public_id)
    assert entry.what == "patients:detail" and entry.ip_address == "10.1.2.3"
    assert entry.clinic == peer.clinic


def test_creating_and_changing_a_patient_are_recorded(login, clinician):
    client = login(clinician)
    client.post(reverse("patients:create"), {
        "first_name": "Ada", "last_name": "Ng", "date_of_birth": "1990-01-01", "mrn": "A-1",
        "preferred_language": "English", "preferred_contact": "do_not_contact",
    })
    patient = clinician.clinic.patients.get()
    client.post(reverse("patients:edit", args=[patient.public_id]), {
        "first_name": "Ada", "last_name": "Ng-Lee", "date_of_birth": "1990-01-01", "mrn": "A-1",
        "preferred_language": "English", "preferred_contact": "do_not_contact",
    })
    actions = list(AuditEntry.objects.filter(patient_public_id=patient.public_id)
                   .order_by("id").values_list("action", flat=True))
    assert actions[0] == AuditAction.CREATE and AuditAction.CHANGE in actions


def test_removing_from_care_team_is_recorded_as_delete(login, clinician):
    from .factories.patients import CareTeamMemberFactory

    member = CareTeamMemberFactory(patient=PatientFactory(clinic=clinician.clinic), staff=clinician)
    login(clinician).post(reverse("patients:care_team_remove", args=[member.patient.public_id, member.pk]),
                          {"confirm": "yes"})
    assert AuditEntry.objects.get().action == AuditAction.DELETE


def test_refused_requests_leave_no_view_entry(login, clinician, other_clinic):
    foreign = PatientFactory(clinic=other_clinic)
    login(clinician).get(foreign.get_absolute_url())
    assert not AuditEntry.objects.exists()


def test_clinic_admin_filters_the_trail_by_patient_and_staff(login, clinic_admin, clinician, peer):
    first = PatientFactory(clinic=clinic_admin.clinic, mrn="RB-1", last_name="First")
    second = PatientFactory(clinic=clinic_admin.clinic, mrn="RB-2", last_name="Second")
    login(clinician).get(first.get_absolute_url())
    login(peer).get(second.get_absolute_url())

    client = login(clinic_admin)
    by_patient = client.get(reverse("staff:audit"), {"mrn": "rb-1"}).context["page"].object_list
    assert [(e.actor, e.patient) for e in by_patient] == [(clinician, first)]
    by_staff = client.get(reverse("staff:audit"), {"staff": peer.pk}).context["page"].object_list
    assert [(e.actor, e.patient) for e in by_staff] == [(peer, second)]


def test_audit_trail_is_for_clinic_admins_and_never_shows_another_clinic(login, clinician, clinic_admin,
                                                                         other_clinic, outsider):
    assert login(clinician).get(reverse("staff:audit")).status_code == 403
    login(outsider).get(PatientFactory(clinic=other_clinic).get_absolute_url())
    response = login(clinic_admin).get(reverse("staff:audit"))
    assert list(response.context["page"].object_list) == []


def test_audit_entries_cannot_be_changed_or_deleted(login, clinician):
    login(clinician).get(PatientFactory(clinic=clinician.clinic).get_absolute_url())
    entry = AuditEntry.objects.get()
    entry.action = AuditAction.DELETE
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert AuditEntry.objects.get().action == AuditAction.VIEW


def test_audit_page_query_count_does_not_grow_with_entries(login, clinic_admin, clinician,
                                                          django_assert_max_num_queries):
    client = login(clinic_admin)
    counts = []
    for n in (2, 25):
        for patient in PatientFactory.create_batch(n, clinic=clinic_admin.clinic):
            login(clinician).get(patient.get_absolute_url())
        client = login(clinic_admin)
        with django_assert_max_num_queries(8) as captured:
            client.get(reverse("staff:audit"))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# The address in each entry ---------------------------------------------------------------------------

@override_settings(BEHIND_TLS_PROXY=True)
def test_behind_the_proxy_entries_record_the_address_the_proxy_saw(login, peer):
    # The proxy appends the client's address to X-Forwarded-For; anything before it is what the client made up.
    # REMOTE_ADDR is the proxy itself. The audit entry, the lockout and the staff session use one function.
    patient = PatientFactory(clinic=peer.clinic)
    client = login(peer)
    client.get(patient.get_absolute_url(), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.6.6.6, 198.51.100.23")
    entry = AuditEntry.objects.get()
    assert entry.ip_address == "198.51.100.23"
    assert settings.AXES_CLIENT_IP_CALLABLE.startswith("security.network.")
    assert settings.CLIENT_IP_CALLABLE == "security.network.client_ip"


@override_settings(BEHIND_TLS_PROXY=True)
@pytest.mark.parametrize("forwarded, recorded", [
    ("not-an-address", "127.0.0.1"),  # a broken proxy header never reaches the database as an address
    ("::ffff:198.51.100.23", "198.51.100.23"),
    ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
])
def test_the_recorded_address_is_always_a_valid_normalised_address(login, peer, forwarded, recorded):
    patient = PatientFactory(clinic=peer.clinic)
    login(peer).get(patient.get_absolute_url(), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert AuditEntry.objects.get().ip_address == recorded


def test_opening_a_sheet_made_for_printing_is_recorded_as_printed(login, peer):
    """The first-meeting handout is a sheet to print, like the printed wellness plan: its entry says Printed."""
    patient = PatientFactory(clinic=peer.clinic)
    referral = Referral.start(patient=patient, program=ProgramFactory(), by=peer)
    client = login(peer)
    client.get(reverse("referrals:handout", args=[patient.public_id, referral.pk]))
    client.get(patient.get_absolute_url())
    entries = AuditEntry.objects.filter(patient_public_id=patient.public_id, actor=peer)
    assert entries.get(what="referrals:handout").action == AuditAction.PRINT
    assert entries.get(what="patients:detail").action == AuditAction.VIEW
