"""The demo command sets up a clinic a newcomer can explore, and can run again safely."""

import pytest
from django.core.management import call_command

from patients.models import CareTeamMember, Clinic, Patient, Role, StaffMember

pytestmark = pytest.mark.django_db


def test_demo_command_runs_twice_without_duplicating(capsys):
    call_command("seed_demo")
    counts = (Clinic.objects.count(), StaffMember.objects.count(), Patient.objects.count(),
              CareTeamMember.objects.count())
    call_command("seed_demo")
    assert counts == (Clinic.objects.count(), StaffMember.objects.count(), Patient.objects.count(),
                      CareTeamMember.objects.count())
    out = capsys.readouterr().out
    assert "pathways-demo-2026" in out and "clinician" in out

    demo = Clinic.objects.get(name="Riverbend Recovery Clinic")
    assert demo.patients.count() == 40
    assert Clinic.objects.count() == 2
    held = {r for s in StaffMember.objects.filter(clinic=demo) for r in s.roles}
    assert held == set(Role.values)
    without_peer = [p for p in demo.patients.prefetch_related("care_team") if not p.has_peer_specialist]
    assert 5 <= len(without_peer) < 40
    assert StaffMember.objects.get(username="peer").check_password("pathways-demo-2026")


def test_the_demo_clinic_director_who_is_also_a_clinician_has_patients_of_their_own(client):
    call_command("seed_demo")
    director = StaffMember.objects.get(username="admin")
    theirs = [m.patient for m in CareTeamMember.objects.filter(staff=director, role=Role.CLINICIAN)
              .select_related("patient")]
    assert len(theirs) >= 3
    client.force_login(director)
    home = client.get("/").content.decode()
    assert all(patient.display_name in home for patient in theirs)
