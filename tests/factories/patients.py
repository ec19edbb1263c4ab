"""Factories of the patients app: clinics, staff, patients, care teams and emergency access.

A patient with a care team is made one way: ``patient_with_team(clinic, clinician=..., peer=...,
case_manager=...)``. The people the tests are about are in ``cast.py``.
"""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from patients.models import CareTeamMember, Clinic, EmergencyAccess, Patient, Role, StaffMember

TEST_PASSWORD = "correct-horse-battery-staple"


class ClinicFactory(DjangoModelFactory):
    class Meta:
        model = Clinic
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Clinic {n}")
    time_zone = "America/Chicago"
    city = "Springfield"
    state = "IL"
    # A new clinic requires two-factor (tests/test_security_two_factor.py checks that default); most tests are
    # about something else, so the test clinic has made it optional, with a reason as the rule demands.
    require_two_factor = False
    two_factor_optional_reason = factory.LazyAttribute(
        lambda o: "" if o.require_two_factor else "Test clinic: the test is about something else.")
    two_factor_optional_since = factory.LazyAttribute(lambda o: None if o.require_two_factor else timezone.now())


class StaffFactory(DjangoModelFactory):
    """A staff member who logs in with ``TEST_PASSWORD``; a clinician unless ``roles=[...]`` says otherwise."""

    class Meta:
        model = StaffMember
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@clinic.example")
    clinic = factory.SubFactory(ClinicFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        self.set_roles(extracted if extracted is not None else [Role.CLINICIAN])


class PatientFactory(DjangoModelFactory):
    class Meta:
        model = Patient

    clinic = factory.SubFactory(ClinicFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.LazyFunction(lambda: datetime.date(1980, 5, 17))
    mrn = factory.Sequence(lambda n: f"MRN-{n:05d}")
    phone = "(555) 010-0000"


class CareTeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = CareTeamMember

    patient = factory.SubFactory(PatientFactory)
    staff = factory.SubFactory(StaffFactory, clinic=factory.SelfAttribute("..patient.clinic"))
    role = Role.CLINICIAN


def patient_with_team(clinic=None, *, clinician=None, peer=None, case_manager=None, **fields):
    """A patient whose care team holds each staff member given, in that role.

    The patient belongs to ``clinic``, or to the clinic of the first staff member given; other keyword arguments
    are the patient's own fields (``last_name="Reed"``).
    """
    team = [(staff, role) for staff, role in ((clinician, Role.CLINICIAN), (peer, Role.PEER_SPECIALIST),
                                              (case_manager, Role.CASE_MANAGER)) if staff is not None]
    if clinic is None:
        clinic = team[0][0].clinic if team else ClinicFactory()
    patient = PatientFactory(clinic=clinic, **fields)
    for staff, role in team:
        CareTeamMemberFactory(patient=patient, staff=staff, role=role)
    return patient


class EmergencyAccessFactory(DjangoModelFactory):
    """Break the glass: a staff member opens a patient outside their caseload, for four hours, with a reason."""

    class Meta:
        model = EmergencyAccess

    patient = factory.SubFactory(PatientFactory)
    staff = factory.SubFactory(StaffFactory, clinic=factory.SelfAttribute("..patient.clinic"))
    clinic = factory.SelfAttribute("patient.clinic")
    reason = "Covering for the patient's clinician during a crisis call."
    granted_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.granted_at + datetime.timedelta(hours=4))
