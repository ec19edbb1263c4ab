"""The clinic the journey tests walk through: staff, reference data, meetings and one patient's care team."""

import datetime
import io
import zoneinfo

from django.core.management import call_command
from django.utils import timezone

from patients.models import Role
from referrals.models import MeetingAttendance, Program

from ..factories import CareTeamMemberFactory, ClinicFactory, PatientFactory, StaffFactory
from ..factories_referrals import MeetingFactory

STAFF = {
    Role.CLINICIAN: ("maya", "Maya", "Okafor"),
    Role.PEER_SPECIALIST: ("jordan", "Jordan", "Lee"),
    Role.CASE_MANAGER: ("sam", "Sam", "Whitfield"),
}


CLINIC_ZONE = "America/Chicago"


def clinic_today():
    """Today where the clinic is (what its pages call today)."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(CLINIC_ZONE))


def clinic_directory():
    """Riverbend clinic with one staff member per care role, the shipped questionnaire and programs,
    and a few meetings in its directory (an online SMART Recovery meeting among them)."""
    clinic = ClinicFactory(name="Riverbend Recovery Clinic", time_zone=CLINIC_ZONE)
    staff = {
        role: StaffFactory(clinic=clinic, username=username, first_name=first, last_name=last, roles=[role])
        for role, (username, first, last) in STAFF.items()
    }
    call_command("load_questionnaire", verbosity=0)
    call_command("load_programs", stdout=io.StringIO())
    programs = {p.slug: p for p in Program.objects.all()}
    weekday_today = str((clinic_today().weekday() + 1) % 7)  # Meeting Guide days: 0 is Sunday
    MeetingFactory(clinic=clinic, program=programs["smart-recovery"], online=True, time_zone=CLINIC_ZONE,
                   name="SMART Recovery Online Evening", slug="smart-online-evening", days=weekday_today,
                   start_time=datetime.time(18, 30), end_time=datetime.time(20, 0),
                   type_codes=",O,ONL,", attendance=MeetingAttendance.ONLINE)
    MeetingFactory(clinic=clinic, program=programs["alcoholics-anonymous"], name="Riverside Big Book",
                   slug="riverside-big-book", days="4", type_codes=",O,BE,")
    MeetingFactory(clinic=clinic, program=programs["celebrate-recovery"], name="Friday Celebrate Recovery",
                   slug="friday-celebrate", days="5")
    return clinic, staff


def care_team_patient(clinic, staff, *, roles, **fields):
    """A patient of ``clinic`` whose care team holds the staff member of each role in ``roles``."""
    patient = PatientFactory(clinic=clinic, **fields)
    for role in roles:
        CareTeamMemberFactory(patient=patient, staff=staff[role], role=role)
    return patient
