"""Staff log in, see their home page, and clinic admins manage their clinic's accounts."""

import pytest
from django.urls import reverse

from patients.models import Role, StaffMember

from .factories.patients import TEST_PASSWORD, CareTeamMemberFactory, PatientFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PEER_SPECIALIST, Role.CASE_MANAGER, Role.CLINIC_ADMIN])
def test_each_role_logs_in_and_sees_home_with_their_patients(client, clinic, role):
    staff = StaffFactory(clinic=clinic, username=f"user-{role}", roles=[role])
    patient = PatientFactory(clinic=clinic, first_name="Carmen", last_name="Castillo")
    if role != Role.CLINIC_ADMIN:
        CareTeamMemberFactory(patient=patient, staff=staff, role=role)

    response = client.post(reverse("login"), {"username": staff.username, "password": TEST_PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    body = response.content.decode()
    assert str(Role(role).label) in body
    if role == Role.CLINIC_ADMIN:
        assert "You are not on any care team yet" in body
    else:
        assert 'My patients <span class="badge text-bg-secondary">1</span>' in body
    # What waits for the patient shows by name (a case manager has nothing to do for them until a referral).
    assert ("Carmen Castillo" in body) is (role in (Role.CLINICIAN, Role.PEER_SPECIALIST))


def test_deactivated_staff_cannot_log_in(client, clinic):
    staff = StaffFactory(clinic=clinic, username="gone", is_active=False)
    response = client.post(reverse("login"), {"username": "gone", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "correct username and password" in response.content.decode()
    assert not StaffMember.objects.get(pk=staff.pk).is_active


def test_deactivated_staff_is_cut_off_on_next_request(login, clinic):
    staff = StaffFactory(clinic=clinic)
    client = login(staff)
    assert client.get(reverse("home")).status_code == 200
    StaffMember.objects.filter(pk=staff.pk).update(is_active=False)
    response = client.get(reverse("patients:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("patients:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_login_and_password_pages_render_in_the_product_look(client):
    for name in ["login", "password_reset"]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "MAUD Pathways" in response.content.decode()


def test_password_reset_sends_a_link(client, clinician, mailoutbox):
    client.post(reverse("password_reset"), {"email": clinician.email})
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_clinic_admin_creates_edits_and_deactivates_staff(login, clinic_admin):
    client = login(clinic_admin)
    response = client.post(reverse("staff:create"), {
        "username": "rosa.peer", "first_name": "Rosa", "last_name": "Martinez", "email": "rosa@clinic.example",
        "roles": [Role.PEER_SPECIALIST, Role.CASE_MANAGER],
        "password1": "a long passphrase for rosa", "password2": "a long passphrase for rosa",
    })
    assert response.status_code == 302
    rosa = StaffMember.objects.get(username="rosa.peer")
    assert rosa.clinic == clinic_admin.clinic
    assert rosa.roles == {Role.PEER_SPECIALIST, Role.CASE_MANAGER}
    assert rosa.check_password("a long passphrase for rosa")

    client.post(reverse("staff:edit", args=[rosa.pk]), {
        "username": "rosa.peer", "first_name": "Rosa", "last_name": "Martínez", "email": "rosa@clinic.example",
        "roles": [Role.PEER_SPECIALIST],
    })
    rosa = StaffMember.objects.get(pk=rosa.pk)
    assert rosa.last_name == "Martínez" and rosa.roles == {Role.PEER_SPECIALIST}

    client.post(reverse("staff:set_active", args=[rosa.pk]), {"active": "0"})
    assert not StaffMember.objects.get(pk=rosa.pk).is_active


def test_new_staff_password_must_be_long_and_uncommon(login, clinic_admin):
    client = login(clinic_admin)
    response = client.post(reverse("staff:create"), {
        "username": "weak", "first_name": "W", "last_name": "K", "email": "w@clinic.example",
        "roles": [Role.CLINICIAN], "password1": "password", "password2": "password",
    })
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not StaffMember.objects.filter(username="weak").exists()


def test_staff_pages_are_for_clinic_admins_only(login, clinician):
    assert login(clinician).get(reverse("staff:list")).status_code == 403


def test_admin_cannot_touch_another_clinics_staff(login, clinic_admin, other_clinic):
    stranger = StaffFactory(clinic=other_clinic)
    client = login(clinic_admin)
    assert client.get(reverse("staff:edit", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("staff:set_active", args=[stranger.pk]), {"active": "0"}).status_code == 404
    assert StaffMember.objects.get(pk=stranger.pk).is_active


def test_admin_cannot_deactivate_themselves(login, clinic_admin):
    login(clinic_admin).post(reverse("staff:set_active", args=[clinic_admin.pk]), {"active": "0"})
    assert StaffMember.objects.get(pk=clinic_admin.pk).is_active
