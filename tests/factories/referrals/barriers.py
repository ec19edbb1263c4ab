"""Factories for Stop 5: barriers, interventions and follow-ups."""

import factory
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

from ..dates import days_from_today, today
from ..patients import PatientFactory, StaffFactory


class BarrierFactory(DjangoModelFactory):
    class Meta:
        model = Barrier

    patient = factory.SubFactory(PatientFactory)
    kind = BarrierKind.TRANSPORTATION
    severity = BarrierSeverity.SOMEWHAT
    noted_on = factory.LazyFunction(lambda: days_from_today(-7))
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
    due_on = factory.LazyFunction(lambda: days_from_today(7))
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
