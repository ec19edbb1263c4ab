"""The people the tests are about, so that a test reads as a role's story.

Clinic A (Riverbend) has a clinician, a peer support specialist, a case manager, a clinic admin and a colleague
(another clinician of the clinic, on no care team until a test puts them there). Clinic B (Lakeside) has an
outsider: a clinician who must never see clinic A's patients. Each logs in with ``TEST_PASSWORD``.

``tests/conftest.py`` makes them as fixtures of the same names (``clinic``, ``other_clinic``, ``clinician``,
``peer``, ``case_manager``, ``clinic_admin``, ``colleague``, ``outsider``).
"""

from patients.models import Role

from .patients import ClinicFactory, StaffFactory

CLINIC_A = "Riverbend Test Clinic"
CLINIC_B = "Lakeside Test Clinic"


def clinic_a():
    return ClinicFactory(name=CLINIC_A)


def clinic_b():
    return ClinicFactory(name=CLINIC_B)


def clinician(clinic):
    """Dr. Okafor reviews and signs treatment plans (Stop 1) and leads Stop 3b when there is no peer."""
    return StaffFactory(clinic=clinic, username="dr.okafor", first_name="Grace", last_name="Okafor",
                        roles=[Role.CLINICIAN])


def peer(clinic):
    """Jordan, a peer support specialist: wellness plans, recovery capital, talks about mutual support (Stop 2, 3a)."""
    return StaffFactory(clinic=clinic, username="jordan.peer", first_name="Jordan", last_name="Bell",
                        roles=[Role.PEER_SPECIALIST])


def case_manager(clinic):
    """Sam, a case manager: follow-ups on meetings and barriers such as transportation (Stop 5)."""
    return StaffFactory(clinic=clinic, username="sam.cm", first_name="Sam", last_name="Whitaker",
                        roles=[Role.CASE_MANAGER])


def clinic_admin(clinic):
    """Alex leads the clinic: staff accounts, the directory and its feeds, clinic-wide figures; no care role."""
    return StaffFactory(clinic=clinic, username="alex.admin", first_name="Alex", last_name="Moreau",
                        roles=[Role.CLINIC_ADMIN])


def colleague(clinic):
    """Dr. Halvorsen, another clinician of the same clinic, who is not on the patient's care team."""
    return StaffFactory(clinic=clinic, username="dr.halvorsen", first_name="Ruth", last_name="Halvorsen",
                        roles=[Role.CLINICIAN])


def outsider(other_clinic):
    """Dr. Kowalski, a clinician of the other clinic: clinic A's patients are a 404 to him."""
    return StaffFactory(clinic=other_clinic, username="lk.clinician", first_name="Lee", last_name="Kowalski",
                        roles=[Role.CLINICIAN])
