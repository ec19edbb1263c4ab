"""The demo data includes the directory: programs, sample feeds for both clinics, some patients' preferences."""

import pytest
from django.core.management import call_command

from patients.models import Clinic, Patient
from referrals.directory.matching import meetings_for_matching, needs_for, rank_options
from referrals.models import MatchingPreferences, Meeting, MeetingImport, Program, ProgramNote

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_directory_once(capsys):
    call_command("seed_demo")
    counts = (Program.objects.count(), Meeting.objects.count(), MeetingImport.objects.count(),
              MatchingPreferences.objects.count())
    call_command("seed_demo")
    assert counts == (Program.objects.count(), Meeting.objects.count(), MeetingImport.objects.count(),
                      MatchingPreferences.objects.count())
    assert Program.objects.shared().count() == 15 and counts[3] >= 3
    riverbend_own = Program.objects.exclude(clinic=None)
    assert [p.clinic.name for p in riverbend_own] == ["Riverbend Recovery Clinic"]  # only the demo clinic's own
    assert ProgramNote.objects.get().clinic.name == "Riverbend Recovery Clinic"
    assert not MeetingImport.objects.exclude(rejected=0).exists()
    riverbend = Clinic.objects.get(name="Riverbend Recovery Clinic")
    lakeside = Clinic.objects.get(name="Lakeside Recovery Services")
    assert riverbend.meetings.count() > 30 and lakeside.meetings.count() >= 5
    assert not riverbend.meetings.filter(slug__startswith="erie").exists()

    # The pathway's typical case: on naltrexone, no car, wants to drink less.
    prefs = MatchingPreferences.objects.get(patient__mrn="RB-10001")
    needs = needs_for(Patient.objects.with_plan_status().select_related("clinic").get(pk=prefs.patient_id), prefs)
    options = rank_options(needs, Program.objects.for_clinic(riverbend), meetings_for_matching(riverbend.pk, needs))
    assert options.programs[0].item.slug in ("hams", "smart-recovery")  # both accept drinking less, online
    assert options.meetings[0].item.can_join_online
