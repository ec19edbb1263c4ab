"""Emergency access: when a clinic limits staff to their caseload, a record outside it opens only after the
staff member states a reason; the access is time-limited, audited and listed for the clinic admin."""

import datetime
import time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from patients.models import AuditAction, AuditEntry, EmergencyAccess, OutsideCaseload, Patient, Role
from security.decorators import PASSWORD_CONFIRMED_KEY

from .factories.patients import CareTeamMemberFactory, EmergencyAccessFactory, PatientFactory

pytestmark = pytest.mark.django_db

REASON = "Patient is at the front desk in crisis; their clinician is away today."


@pytest.fixture
def mine(clinic, clinician):
    patient = PatientFactory(clinic=clinic, first_name="Mina", last_name="Caseload", mrn="RB-100")
    CareTeamMemberFactory(patient=patient, staff=clinician, role=Role.CLINICIAN)
    return patient


@pytest.fixture
def foreign(other_clinic):
    return PatientFactory(clinic=other_clinic, first_name="Hidden", last_name="Elsewhere", mrn="LK-1")


# The story ----------------------------------------------------------------------------------------

def test_clinician_states_a_reason_gets_in_and_the_admin_sees_it(client, limited, clinician, clinic_admin,
                                                                 mine, theirs):
    client.force_login(clinician)
    detail = reverse("patients:detail", args=[theirs.public_id])

    blocked = client.get(detail)
    assert blocked.status_code == 403
    page = blocked.content.decode()
    assert "outside your caseload" in page and "Outside, Otto" in page
    assert "<title>Emergency access" in page  # never the patient's name in the title
    assert not AuditEntry.objects.filter(patient_public_id=theirs.public_id).exists()  # nothing was shown

    too_short = client.post(reverse("patients:emergency_access", args=[theirs.public_id]),
                            {"reason": "need it", "next": detail})
    assert too_short.status_code == 400
    assert "at least 20 characters" in too_short.content.decode()
    assert "need it" in too_short.content.decode()  # what was typed stays on the form
    assert not EmergencyAccess.objects.exists()

    granted = client.post(reverse("patients:emergency_access", args=[theirs.public_id]),
                          {"reason": REASON, "next": detail})
    assert granted.status_code == 302 and granted.url == detail
    opened = client.get(detail)
    assert opened.status_code == 200 and "Otto" in opened.content.decode()

    access = EmergencyAccess.objects.get()
    assert (access.staff, access.patient, access.reason) == (clinician, theirs, REASON)
    assert access.expires_at - access.granted_at == datetime.timedelta(hours=4)
    entry = AuditEntry.objects.get(action=AuditAction.EMERGENCY_ACCESS)
    assert (entry.actor, entry.patient_public_id, entry.detail) == (clinician, theirs.public_id, REASON)
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, patient_public_id=theirs.public_id).exists()

    client.force_login(clinic_admin)
    review = client.get(reverse("staff:emergency_access")).content.decode()
    assert REASON in review and "Outside, Otto" in review and clinician.username in review and "In force" in review
    trail = client.get(reverse("staff:audit"), {"action": "emergency"}).content.decode()
    assert REASON in trail and "Outside, Otto" in trail


def test_access_expires_after_the_set_hours(client, limited, clinician, theirs, settings):
    settings.EMERGENCY_ACCESS_HOURS = 4
    client.force_login(clinician)
    detail = reverse("patients:detail", args=[theirs.public_id])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(reverse("patients:emergency_access", args=[theirs.public_id]), {"reason": REASON})
        assert client.get(detail).status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=3, minutes=59), tick=False):
        assert Patient.objects.visible_to(clinician).filter(pk=theirs.pk).exists()
    with time_machine.travel(start + datetime.timedelta(hours=4, seconds=1), tick=False):
        client.force_login(clinician)  # a new login: the old session would have timed out by now
        assert client.get(detail).status_code == 403
        assert not Patient.objects.visible_to(clinician).filter(pk=theirs.pk).exists()


def test_admin_can_end_an_access_early(client, limited, clinician, clinic_admin, theirs):
    access = EmergencyAccessFactory(patient=theirs, staff=clinician)
    client.force_login(clinic_admin)
    response = client.post(reverse("staff:emergency_access_end", args=[access.pk]))
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.ended_by == clinic_admin and access.ended_at is not None
    assert not Patient.objects.visible_to(clinician).filter(pk=theirs.pk).exists()
    assert "Ended" in client.get(reverse("staff:emergency_access")).content.decode()


def test_admin_cannot_end_another_clinics_access(client, clinic_admin, foreign):
    access = EmergencyAccessFactory(patient=foreign)
    client.force_login(clinic_admin)
    assert client.post(reverse("staff:emergency_access_end", args=[access.pk])).status_code == 404
    access.refresh_from_db()
    assert access.ended_at is None


def test_the_review_lists_only_the_admins_clinic(client, clinic_admin, theirs, foreign):
    EmergencyAccessFactory(patient=theirs, reason="Ours: covering the evening clinic for a colleague.")
    EmergencyAccessFactory(patient=foreign, reason="Theirs: must never show in another clinic.")
    client.force_login(clinic_admin)
    page = client.get(reverse("staff:emergency_access")).content.decode()
    assert "Ours: covering" in page and "Theirs" not in page and "Elsewhere" not in page


# Rules --------------------------------------------------------------------------------------------

def test_another_clinics_patient_stays_a_404_never_the_emergency_page(client, limited, clinician, foreign):
    client.force_login(clinician)
    for url in (reverse("patients:detail", args=[foreign.public_id]),
                reverse("patients:emergency_access", args=[foreign.public_id])):
        response = client.get(url)
        assert response.status_code == 404
        assert "Elsewhere" not in response.content.decode()
    response = client.post(reverse("patients:emergency_access", args=[foreign.public_id]), {"reason": REASON})
    assert response.status_code == 404
    assert not EmergencyAccess.objects.exists()


def test_lists_show_only_the_caseload(client, limited, clinician, mine, theirs):
    client.force_login(clinician)
    page = client.get(reverse("patients:list")).content.decode()
    assert "Caseload, Mina" in page and "Outside" not in page
    due = client.get(reverse("patients:plans_due")).content.decode()
    assert "Caseload" in due and "Outside" not in due
    assert list(Patient.objects.visible_to(clinician)) == [mine]


def test_the_limit_applies_to_every_role_including_clinic_admins(limited, peer, case_manager, clinic_admin, theirs):
    for staff in (peer, case_manager, clinic_admin):
        assert not Patient.objects.visible_to(staff).exists()
    CareTeamMemberFactory(patient=theirs, staff=peer, role=Role.PEER_SPECIALIST)
    assert list(Patient.objects.visible_to(peer)) == [theirs]


def test_patients_one_registered_stay_in_ones_caseload(client, limited, case_manager):
    client.force_login(case_manager)
    response = client.post(reverse("patients:create"), {
        "first_name": "New", "last_name": "Intake", "date_of_birth": "1990-01-02", "mrn": "RB-300",
        "preferred_language": "English", "preferred_contact": "do_not_contact",
    }, follow=True)
    assert response.status_code == 200 and "Intake" in response.content.decode()


def test_search_by_exact_mrn_offers_emergency_access_without_listing_the_patient(client, limited, clinician,
                                                                                theirs, foreign):
    client.force_login(clinician)
    page = client.get(reverse("patients:list"), {"q": "rb-200"}).content.decode()
    assert reverse("patients:emergency_access", args=[theirs.public_id]) in page
    assert "Otto" not in page
    other = client.get(reverse("patients:list"), {"q": "LK-1"}).content.decode()
    assert str(foreign.public_id) not in other and "outside your caseload" not in other


def test_a_post_outside_the_caseload_changes_nothing(client, limited, clinician, theirs):
    client.force_login(clinician)
    response = client.post(reverse("patients:edit", args=[theirs.public_id]), {
        "first_name": "Changed", "last_name": "Outside", "date_of_birth": "1980-05-17", "mrn": "RB-200",
        "preferred_language": "English", "preferred_contact": "do_not_contact",
    })
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.first_name == "Otto"
    # After a refused POST the form brings the staff member back to the patient's page, not the POST URL.
    assert f'value="{theirs.get_absolute_url()}"' in response.content.decode()


def test_get_visible_or_404_raises_outside_caseload_only_for_the_own_clinic(limited, clinician, theirs, foreign):
    with pytest.raises(OutsideCaseload) as raised:
        Patient.objects.get_visible_or_404(clinician, theirs.public_id)
    assert raised.value.patient == theirs
    from django.http import Http404
    with pytest.raises(Http404):
        Patient.objects.get_visible_or_404(clinician, foreign.public_id)


def test_emergency_page_for_a_patient_already_in_the_caseload_just_opens_it(client, limited, clinician, mine):
    client.force_login(clinician)
    response = client.get(reverse("patients:emergency_access", args=[mine.public_id]))
    assert response.status_code == 302 and response.url == mine.get_absolute_url()
    assert not EmergencyAccess.objects.exists()


def test_next_must_be_a_local_path(client, limited, clinician, theirs):
    client.force_login(clinician)
    response = client.post(reverse("patients:emergency_access", args=[theirs.public_id]),
                           {"reason": REASON, "next": "https://evil.example/steal"})
    assert response.url == theirs.get_absolute_url()


def test_with_the_setting_off_nothing_changes(client, clinic, clinician, mine, theirs):
    assert clinic.limit_to_caseload is False
    assert set(Patient.objects.visible_to(clinician)) == {mine, theirs}
    client.force_login(clinician)
    assert client.get(reverse("patients:detail", args=[theirs.public_id])).status_code == 200
    assert "Outside, Otto" in client.get(reverse("patients:list")).content.decode()
    # A grant left from a time when the setting was on changes nothing either.
    EmergencyAccessFactory(patient=theirs, staff=clinician, expires_at=timezone.now() + datetime.timedelta(hours=1))
    assert Patient.objects.visible_to(clinician).count() == 2


def test_admin_turns_the_limit_on_from_the_security_page(client, clinic, clinic_admin):
    client.force_login(clinic_admin)
    page = client.get(reverse("security:clinic_security")).content.decode()
    assert "limit staff to their caseload" in page.lower()
    session = client.session
    session[PASSWORD_CONFIRMED_KEY] = int(time.time())  # the page asks for the password first
    session.save()
    response = client.post(reverse("security:clinic_security"), {"limit_to_caseload": "on"}, follow=True)
    clinic.refresh_from_db()
    assert clinic.limit_to_caseload and not clinic.require_two_factor
    assert "Staff see only their caseload" in response.content.decode()


# Query counts ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("url_name", ["patients:list", "patients:detail", "patients:plans_due"])
def test_the_limit_costs_no_extra_query(client, clinic, clinician, mine, theirs, url_name,
                                        django_assert_max_num_queries):
    for _ in range(5):
        CareTeamMemberFactory(patient=PatientFactory(clinic=clinic), staff=clinician)
    url = reverse(url_name, args=[mine.public_id] if url_name == "patients:detail" else None)
    client.force_login(clinician)
    with django_assert_max_num_queries(100) as off:
        assert client.get(url).status_code == 200
    clinic.limit_to_caseload = True
    clinic.save()
    EmergencyAccessFactory(patient=theirs, staff=clinician)
    with django_assert_max_num_queries(len(off.captured_queries) + 1):
        assert client.get(url).status_code == 200


def test_lists_built_on_other_records_follow_the_caseload_too(limited, case_manager, theirs):
    """Referrals, barriers and follow-ups are scoped through the patients' rule, so they follow the limit."""
    from referrals.followup.queue import case_manager_queue
    from referrals.models import Referral

    from .factories.referrals.barriers import ScheduledFollowUpFactory
    from .factories.referrals.conversations import ReferralFactory

    mine = PatientFactory(clinic=theirs.clinic, last_name="Mine")
    CareTeamMemberFactory(patient=mine, staff=case_manager, role=Role.CASE_MANAGER)
    for patient in (mine, theirs):
        ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager)
        ReferralFactory(patient=patient, referred_by=case_manager)
    queue = case_manager_queue(case_manager)
    assert [f.patient for f in queue.follow_ups] == [mine]
    assert {r.patient for r in Referral.objects.visible_to(case_manager)} == {mine}
