"""factory_boy factories shared by the test modules."""

import datetime

import factory
from factory.django import DjangoModelFactory

from patients.models import CareTeamMember, Clinic, Patient, Role, StaffMember

TEST_PASSWORD = "correct-horse-battery-staple"


class ClinicFactory(DjangoModelFactory):
    class Meta:
        model = Clinic
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Clinic {n}")
    time_zone = "America/Chicago"
    city = "Springfield"
    state = "IL"


class StaffFactory(DjangoModelFactory):
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
