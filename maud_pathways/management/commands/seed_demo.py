"""Create demo clinics, staff and fictional patients. Safe to run more than once."""

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from patients.demo import seed_treatment_plans
from patients.models import CareTeamMember, Clinic, ContactMethod, Patient, Role, StaffMember
from referrals.directory import demo as directory_demo
from referrals.followup import demo as followup_demo
from referrals.patient_link import demo as patient_link_demo
from referrals.support import demo as support_demo
from wellness.demo import seed_wellness_demo

DEFAULT_PASSWORD = "pathways-demo-2026"

DEMO_CLINIC = {
    "name": "Riverbend Recovery Clinic",
    "time_zone": "America/Chicago",
    "address_line1": "1200 River Road, Suite 4",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62701",
    "phone": "(217) 555-0140",
    "crisis_line": "(217) 555-0149, day and night",
    "fax": "(217) 555-0141",
    "email": "frontdesk@riverbend.example",
    "website": "https://riverbend.example",
}
OTHER_CLINIC = {
    "name": "Lakeside Recovery Services",
    "time_zone": "America/New_York",
    "address_line1": "88 Harbor Street",
    "city": "Erie",
    "state": "PA",
    "postal_code": "16501",
    "phone": "(814) 555-0199",
}

# username, first, last, job title, roles
DEMO_STAFF = [
    ("clinician", "Maya", "Okafor", "Addiction medicine physician", [Role.CLINICIAN]),
    ("clinician2", "Daniel", "Reyes", "Licensed clinical social worker", [Role.CLINICIAN]),
    ("peer", "Jordan", "Lee", "Certified peer recovery specialist", [Role.PEER_SPECIALIST]),
    ("peer2", "Rosa", "Martinez", "Peer recovery coach", [Role.PEER_SPECIALIST]),
    ("casemanager", "Sam", "Whitfield", "Case manager", [Role.CASE_MANAGER]),
    ("admin", "Alex", "Brennan", "Clinic director", [Role.CLINIC_ADMIN, Role.CLINICIAN]),
]
OTHER_STAFF = [
    ("lakeside.admin", "Priya", "Natarajan", "Clinic lead", [Role.CLINIC_ADMIN]),
    ("lakeside.clinician", "Tom", "Becker", "Nurse practitioner", [Role.CLINICIAN]),
]

FIRST_NAMES = [
    "Aaliyah", "Ben", "Carmen", "Darnell", "Elena", "Frank", "Grace", "Hector", "Imani", "Jake", "Keisha",
    "Luis", "Megan", "Nathan", "Olivia", "Pedro", "Quinn", "Rachel", "Samuel", "Tanya", "Umar", "Vanessa",
    "Wes", "Ximena", "Yusuf", "Zoe", "Andre", "Bethany", "Caleb", "Dana", "Eli", "Fatima", "Gabriel",
    "Hannah", "Isaac", "Jasmine", "Kevin", "Leah", "Marcus", "Nina",
]
LAST_NAMES = [
    "Adams", "Bell", "Castillo", "Dawson", "Evans", "Foster", "Garcia", "Hughes", "Ibarra", "Jensen",
    "Kim", "Lopez", "Morgan", "Nguyen", "Owens", "Patel", "Quintero", "Russo", "Silva", "Turner",
    "Underwood", "Vasquez", "Walsh", "Young", "Zamora", "Bishop", "Chandler", "Delgado", "Ellis", "Flores",
]
PRONOUNS = ["she/her", "he/him", "they/them", "", ""]
LANGUAGES = ["English"] * 7 + ["Spanish", "Spanish", "Vietnamese"]


DEMO_TWO_FACTOR_REASON = ("Demo clinic with fictional patients: two-factor is optional so that the printed demo "
                          "logins work at once. A real clinic keeps it required.")


class Command(BaseCommand):
    help = "Create a demo clinic with one account per role, a second clinic, and fictional patients."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password for every demo account.")
        parser.add_argument("--patients", type=int, default=40, help="Patients in the demo clinic.")

    @transaction.atomic
    def handle(self, *args, password, patients, **options):
        clinic = self._clinic(DEMO_CLINIC)
        other = self._clinic(OTHER_CLINIC)
        staff = {row[0]: self._staff(clinic, row, password) for row in DEMO_STAFF}
        other_staff = {row[0]: self._staff(other, row, password) for row in OTHER_STAFF}

        rng = random.Random(2026)
        self._patients(clinic, "RB", patients, rng, staff)
        self._patients(other, "LK", 6, rng, {"clinician": other_staff["lakeside.clinician"]})

        # Each feature adds its own demo records below, from its app's demo module
        # (one call per line; each must be safe to run again without duplicating).
        seed_treatment_plans(clinic, other)
        directory_demo.seed(clinic, other, stdout=self.stdout)
        support_demo.seed(clinic)
        seed_wellness_demo(clinic, staff)
        followup_demo.seed()
        patient_link_demo.seed(clinic, stdout=self.stdout)

        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {clinic.name} and {other.name}."))
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for username, _first, _last, _title, roles in DEMO_STAFF + OTHER_STAFF:
            labels = ", ".join(str(Role(r).label) for r in roles)
            self.stdout.write(f"  {username:<20} {labels}")

    def _clinic(self, data):
        clinic, _ = Clinic.objects.update_or_create(name=data["name"], defaults=data)
        # New clinics require two-factor; the demo's logins are meant to work at once, so the demo clinics make
        # it optional, with their reason on the security page as the rule demands.
        clinic.set_two_factor_rule(required=False, by=None, reason=DEMO_TWO_FACTOR_REASON)
        clinic.save()
        return clinic

    def _staff(self, clinic, row, password):
        username, first, last, title, roles = row
        member, _ = StaffMember.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first, "last_name": last, "job_title": title, "clinic": clinic,
                "email": f"{username}@{clinic.name.split()[0].lower()}.example", "is_active": True,
            },
        )
        member.set_password(password)
        member.save(update_fields=["password"])
        member.set_roles(roles)
        return member

    def _patients(self, clinic, prefix, count, rng, staff):
        clinicians = [s for k, s in staff.items() if k.startswith("clinician")] or list(staff.values())[:1]
        peers = [s for k, s in staff.items() if k.startswith("peer")]
        case_managers = [s for k, s in staff.items() if k.startswith("casemanager")]
        today = datetime.date.today()
        for i in range(count):
            mrn = f"{prefix}-{10001 + i}"
            first = FIRST_NAMES[(i * 7 + len(prefix)) % len(FIRST_NAMES)]
            last = LAST_NAMES[(i * 11 + len(prefix)) % len(LAST_NAMES)]
            age_days = rng.randint(21 * 365, 70 * 365)
            prefers_text = rng.random() < 0.4
            patient, created = Patient.objects.get_or_create(
                clinic=clinic, mrn=mrn,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "preferred_name": first[:3] if rng.random() < 0.1 else "",
                    "pronouns": rng.choice(PRONOUNS),
                    "date_of_birth": today - datetime.timedelta(days=age_days),
                    "preferred_language": rng.choice(LANGUAGES),
                    "phone": f"(217) 555-{rng.randint(1000, 9999)}",
                    "email": f"{first.lower()}.{last.lower()}@mail.example" if rng.random() < 0.6 else "",
                    "preferred_contact": ContactMethod.TEXT if prefers_text else ContactMethod.PHONE,
                    "ok_to_leave_message": rng.random() < 0.5,
                    "emergency_contact_name": f"{rng.choice(FIRST_NAMES)} {last}",
                    "emergency_contact_relationship": rng.choice(["sister", "brother", "partner", "parent", "friend"]),
                    "emergency_contact_phone": f"(217) 555-{rng.randint(1000, 9999)}",
                },
            )
            if not created:
                continue
            team = [(clinicians[i % len(clinicians)], Role.CLINICIAN)]
            # The clinic director also sees a few patients, so their clinician queues are not empty.
            if i % 10 == 9 and "admin" in staff and staff["admin"].has_role(Role.CLINICIAN):
                team = [(staff["admin"], Role.CLINICIAN)]
            # About a quarter of patients have no peer specialist (Stop 3b applies to them).
            if peers and i % 4 != 3:
                team.append((peers[i % len(peers)], Role.PEER_SPECIALIST))
            if case_managers and i % 3 != 2:
                team.append((case_managers[0], Role.CASE_MANAGER))
            CareTeamMember.objects.bulk_create(
                CareTeamMember(patient=patient, staff=member, role=role) for member, role in team
            )
