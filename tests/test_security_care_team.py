"""Who may change a care team (issue 15, finding 2): clinicians and clinic admins add and remove members; anyone
else joins only by adding themselves with a Stop 3 conversation; nobody joins on the strength of an
emergency-access grant, so access outside one's caseload still ends with the grant."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from patients import care_teams
from patients.models import AuditAction, AuditEntry, CareTeamMember, Role

from .factories.patients import CareTeamMemberFactory, PatientFactory, StaffFactory
from .test_referrals_stop3 import conversation_data

pytestmark = pytest.mark.django_db

REASON = "Covering the front desk: the patient is here and their peer is away."


def break_the_glass(client, patient):
    response = client.post(reverse("patients:emergency_access", args=[patient.public_id]),
                           {"reason": REASON, "next": patient.get_absolute_url()})
    assert response.status_code == 302
    assert client.get(patient.get_absolute_url()).status_code == 200


def opens_after_the_grant(login, staff, patient):
    """Whether ``staff`` opens ``patient``'s page five hours on (a new login: the old session timed out)."""
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=5)):
        return login(staff).get(patient.get_absolute_url()).status_code == 200


def add_url(patient):
    return reverse("patients:care_team_add", args=[patient.public_id])


# The reported bypass ---------------------------------------------------------------------------------------

def test_a_peer_on_emergency_access_cannot_add_themselves_and_loses_access_when_the_grant_ends(login, limited,
                                                                                                peer, theirs):
    client = login(peer)
    break_the_glass(client, theirs)

    response = client.post(add_url(theirs), {"role": Role.PEER_SPECIALIST, "staff": peer.pk})

    assert response.status_code == 403
    assert not CareTeamMember.objects.filter(staff=peer).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CHANGE).exists()
    assert not opens_after_the_grant(login, peer, theirs)


def test_a_peer_on_emergency_access_is_not_offered_to_join_with_a_conversation_and_cannot_force_it(
        login, limited, peer, theirs):
    client = login(peer)
    break_the_glass(client, theirs)
    url = reverse("referrals:conversation_new", args=[theirs.public_id])

    page = client.get(url).content.decode()
    assert "Add me to the care team" not in page

    response = client.post(url, conversation_data(join_care_team="on"))
    assert response.status_code == 302  # the conversation is logged: the patient was seen, that is the record
    assert theirs.support_conversations.get().held_by == peer
    assert not CareTeamMember.objects.filter(staff=peer).exists()
    assert not opens_after_the_grant(login, peer, theirs)


def test_a_clinician_on_emergency_access_cannot_add_themselves_but_may_add_a_colleague(login, limited, clinician,
                                                                                        peer, theirs):
    client = login(clinician)
    break_the_glass(client, theirs)

    response = client.post(add_url(theirs), {"role": Role.CLINICIAN, "staff": clinician.pk})
    assert response.status_code == 400
    assert "Ask a clinician or your clinic admin to add you" in response.content.decode()
    assert not CareTeamMember.objects.filter(staff=clinician).exists()

    response = client.post(add_url(theirs), {"role": Role.PEER_SPECIALIST, "staff": peer.pk})
    assert response.status_code == 302
    member = CareTeamMember.objects.get(staff=peer)
    assert (member.patient, member.role, member.added_by) == (theirs, Role.PEER_SPECIALIST, clinician)
    assert AuditEntry.objects.filter(action=AuditAction.CHANGE, actor=clinician,
                                     patient_public_id=theirs.public_id).exists()
    assert not opens_after_the_grant(login, clinician, theirs)  # the clinician's own access still ends
    assert opens_after_the_grant(login, peer, theirs)  # the peer is on the team now


def test_staff_who_see_the_patient_in_their_own_right_still_join_with_a_conversation(login, limited, clinic):
    """Under the caseload limit, the peer who registered the patient sees them without a grant, and may join."""
    registering_peer = StaffFactory(clinic=clinic, roles=[Role.PEER_SPECIALIST])
    patient = PatientFactory(clinic=clinic, created_by=registering_peer)
    client = login(registering_peer)
    url = reverse("referrals:conversation_new", args=[patient.public_id])
    assert "Add me to the care team as peer support specialist" in client.get(url).content.decode()

    client.post(url, conversation_data(join_care_team="on"))

    assert CareTeamMember.objects.filter(patient=patient, staff=registering_peer, role=Role.PEER_SPECIALIST).exists()


# Who changes a team ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["peer", "case_manager"])
def test_peers_and_case_managers_see_the_team_but_neither_add_nor_remove(request, login, clinician, who):
    staff = request.getfixturevalue(who)
    patient = PatientFactory(clinic=clinician.clinic)
    member = CareTeamMemberFactory(patient=patient, staff=clinician, role=Role.CLINICIAN)
    CareTeamMemberFactory(patient=patient, staff=staff, role=next(iter(staff.roles)))
    client = login(staff)

    page = client.get(patient.get_absolute_url()).content.decode()
    assert str(clinician) in page
    assert "Clinicians and clinic admins change the care team" in page
    assert add_url(patient) not in page
    assert reverse("patients:care_team_remove", args=[patient.public_id, member.pk]) not in page

    added = client.post(add_url(patient), {"role": Role.CLINICIAN, "staff": clinician.pk})
    removed = client.post(reverse("patients:care_team_remove", args=[patient.public_id, member.pk]),
                          {"confirm": "yes"})

    assert (added.status_code, removed.status_code) == (403, 403)
    assert CareTeamMember.objects.filter(patient=patient).count() == 2
    assert not AuditEntry.objects.filter(action__in=[AuditAction.CHANGE, AuditAction.DELETE]).exists()


def test_clinic_admin_adds_and_removes_members(login, clinic_admin, peer, case_manager):
    patient = PatientFactory(clinic=clinic_admin.clinic)
    client = login(clinic_admin)
    assert add_url(patient) in client.get(patient.get_absolute_url()).content.decode()

    assert client.post(add_url(patient), {"role": Role.PEER_SPECIALIST, "staff": peer.pk}).status_code == 302
    assert client.post(add_url(patient), {"role": Role.CASE_MANAGER, "staff": case_manager.pk}).status_code == 302
    member = CareTeamMember.objects.get(staff=peer)
    assert member.added_by == clinic_admin
    response = client.post(reverse("patients:care_team_remove", args=[patient.public_id, member.pk]),
                           {"confirm": "yes"})

    assert response.status_code == 302
    assert list(CareTeamMember.objects.values_list("staff", flat=True)) == [case_manager.pk]


def test_a_clinician_adds_themselves_to_a_patient_they_see_without_a_grant(login, clinician):
    patient = PatientFactory(clinic=clinician.clinic)  # no caseload limit: the whole clinic is theirs to see
    response = login(clinician).post(add_url(patient), {"role": Role.CLINICIAN, "staff": clinician.pk})
    assert response.status_code == 302
    assert CareTeamMember.objects.get().staff == clinician


# The rule itself ---------------------------------------------------------------------------------------------

def test_the_rule_refuses_every_path_for_a_grant_only_viewer(limited, clinician, peer, theirs):
    from .factories.patients import EmergencyAccessFactory

    EmergencyAccessFactory(patient=theirs, staff=peer)
    EmergencyAccessFactory(patient=theirs, staff=clinician)

    assert not care_teams.may_join(peer, theirs)
    with pytest.raises(PermissionDenied):
        care_teams.join(patient=theirs, staff=peer, role=Role.PEER_SPECIALIST)
    with pytest.raises(PermissionDenied):
        care_teams.add_member(patient=theirs, staff=peer, role=Role.PEER_SPECIALIST, by=peer)
    with pytest.raises(ValidationError):
        care_teams.add_member(patient=theirs, staff=clinician, role=Role.CLINICIAN, by=clinician)
    assert not CareTeamMember.objects.filter(staff__in=[peer, clinician]).exists()


def test_joining_needs_a_care_role_one_holds(clinic, clinician):
    patient = PatientFactory(clinic=clinic)
    with pytest.raises(PermissionDenied):
        care_teams.join(patient=patient, staff=clinician, role=Role.PEER_SPECIALIST)
    admin_only = StaffFactory(clinic=clinic, roles=[Role.CLINIC_ADMIN])
    with pytest.raises(PermissionDenied):
        care_teams.join(patient=patient, staff=admin_only, role=Role.CLINIC_ADMIN)
    assert care_teams.join(patient=patient, staff=clinician, role=Role.CLINICIAN).staff == clinician
    assert care_teams.join(patient=patient, staff=clinician, role=Role.CLINICIAN).pk == CareTeamMember.objects.get().pk


def test_the_service_checks_the_member_as_the_form_does(clinic, clinician, other_clinic, case_manager):
    patient = PatientFactory(clinic=clinic)
    stranger = StaffFactory(clinic=other_clinic, roles=[Role.PEER_SPECIALIST])
    with pytest.raises(ValidationError):
        care_teams.add_member(patient=patient, staff=stranger, role=Role.PEER_SPECIALIST, by=clinician)
    with pytest.raises(ValidationError):
        care_teams.add_member(patient=patient, staff=case_manager, role=Role.PEER_SPECIALIST, by=clinician)
    assert not CareTeamMember.objects.exists()
