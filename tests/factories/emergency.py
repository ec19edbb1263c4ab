"""Factories for emergency access (break the glass)."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from patients.models import EmergencyAccess

from .patients import PatientFactory, StaffFactory


class EmergencyAccessFactory(DjangoModelFactory):
    class Meta:
        model = EmergencyAccess

    patient = factory.SubFactory(PatientFactory)
    staff = factory.SubFactory(StaffFactory, clinic=factory.SelfAttribute("..patient.clinic"))
    clinic = factory.SelfAttribute("patient.clinic")
    reason = "Covering for the patient's clinician during a crisis call."
    granted_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.granted_at + datetime.timedelta(hours=4))
