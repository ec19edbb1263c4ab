"""The clinic the journey tests walk through: staff, reference data and meetings."""

import datetime
import io
import zoneinfo

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from patients.models import Role
from referrals.models import MeetingAttendance, Program

from ..factories.patients import ClinicFactory, StaffFactory
from ..factories.referrals.directory import MeetingFactory

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


def pathway_stop(page, number):
    """One stop ("1", "2", "3a", "3b", "4" or "5") on the patient page's pathway."""
    pathway = page.get_by_role("region", name="Pathway")
    return pathway.get_by_role("listitem").filter(has=page.get_by_text(f"Stop {number}", exact=True))


def expect_pathway(page, statuses, *, yours=()):
    """The pathway shows each stop's status in words (never by colour alone), and "Your turn" exactly on the
    stops in ``yours`` among those listed."""
    for number, status in statuses.items():
        stop = pathway_stop(page, number)
        expect(stop).to_contain_text(f"Status: {status}")
        your_turn = stop.get_by_text("Your turn", exact=True)
        if number in yours:
            expect(your_turn).to_be_visible()
        else:
            expect(your_turn).to_have_count(0)
