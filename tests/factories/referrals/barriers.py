"""Factories for Stop 5: barriers, interventions and follow-ups."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from patients.models import Role
from referrals.models import (
    Barrier,
    BarrierKind,
    BarrierSeverity,
    FollowUp,
    FollowUpMethod,
    FollowUpStatus,
    Intervention,
    InterventionKind,
)

from ..patients import CareTeamMemberFactory, PatientFactory, StaffFactory


def today():
    return timezone.localdate()


def days(n):
    return datetime.timedelta(days=n)


def patient_of(case_manager, **kwargs):
    """A patient of the case manager's clinic with them on the care team as case manager."""
    patient = PatientFactory(clinic=case_manager.clinic, **kwargs)
    CareTeamMemberFactory(patient=patient, staff=case_manager, role=Role.CASE_MANAGER)
    return patient


class BarrierFactory(DjangoModelFactory):
    class Meta:
        model = Barrier

    patient = factory.SubFactory(PatientFactory)
    kind = BarrierKind.TRANSPORTATION
    severity = BarrierSeverity.SOMEWHAT
    noted_on = factory.LazyFunction(lambda: today() - days(7))
    noted_by = factory.SubFactory(StaffFactory, clinic=factory.SelfAttribute("..patient.clinic"),
                                  roles=[Role.CASE_MANAGER])
    owner = factory.SelfAttribute("noted_by")


class InterventionFactory(DjangoModelFactory):
    class Meta:
        model = Intervention

    barrier = factory.SubFactory(BarrierFactory)
    kind = InterventionKind.TRANSPORT_HELP
    what = "Bus pass for travel to meetings"
    owner = factory.SelfAttribute("barrier.owner")
    due_on = factory.LazyFunction(lambda: today() + days(7))
    created_by = factory.SelfAttribute("owner")


class ScheduledFollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    patient = factory.SubFactory(PatientFactory)
    due_on = factory.LazyFunction(today)
    assigned_to = factory.SubFactory(StaffFactory, clinic=factory.SelfAttribute("..patient.clinic"),
                                     roles=[Role.CASE_MANAGER])
    created_by = factory.SelfAttribute("assigned_to")


class DoneFollowUpFactory(ScheduledFollowUpFactory):
    status = FollowUpStatus.DONE
    done_on = factory.LazyFunction(today)
    due_on = factory.SelfAttribute("done_on")
    done_by = factory.SelfAttribute("assigned_to")
    method = FollowUpMethod.PHONE
    meetings_attended = 1
