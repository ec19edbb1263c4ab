"""Factories for Stop 3: programs and meetings to refer to, conversations, referrals, consents."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from referrals.models import (
    Consent,
    FirstMeetingPlan,
    InformationCategory,
    MeetingAttendance,
    MutualSupportConversation,
    ProgramGroup,
    Referral,
)
from referrals.support.lead import Stop3Track

from . import factories_referrals as directory_factories
from .factories import PatientFactory, StaffFactory


class ProgramFactory(directory_factories.ProgramFactory):
    """A program that offers online meetings (the directory's factory, one shared sequence)."""

    offers_online = True


class MeetingFactory(directory_factories.MeetingFactory):
    """An online Tuesday-evening meeting (the directory's factory, one shared slug sequence)."""

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Tuesday evening meeting {n}")
    days = "2"
    start_time = datetime.time(18, 30)
    end_time = None
    location_name = ""
    formatted_address = ""
    attendance = MeetingAttendance.ONLINE
    conference_url = "https://meet.example/smart-tuesday"


class ReferralFactory(DjangoModelFactory):
    """A referral created through ``Referral.start`` so its first history entry exists."""

    class Meta:
        model = Referral

    patient = factory.SubFactory(PatientFactory)
    program = factory.SubFactory(ProgramFactory)
    meeting = None
    referred_by = factory.SubFactory(StaffFactory, clinic=factory.SelfAttribute("..patient.clinic"))
    status = Referral.Status.SUGGESTED

    @classmethod
    def _create(cls, model_class, *, patient, program, referred_by, meeting=None, status, **kwargs):
        return model_class.start(patient=patient, program=program, meeting=meeting, by=referred_by,
                                 status=status, **kwargs)


class FirstMeetingPlanFactory(DjangoModelFactory):
    class Meta:
        model = FirstMeetingPlan

    referral = factory.SubFactory(ReferralFactory)
    companion = factory.SelfAttribute("referral.referred_by")
    planned_by = factory.SelfAttribute("referral.referred_by")
    meeting = factory.SubFactory(MeetingFactory, clinic=factory.SelfAttribute("..referral.patient.clinic"),
                                 program=factory.SelfAttribute("..referral.program"))
    planned_for = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    patient = factory.SubFactory(PatientFactory)
    program = factory.SubFactory(ProgramFactory)
    disclosing_party = factory.LazyAttribute(lambda o: o.patient.clinic.name)
    recipient_name = "Springfield Recovery Community Center"
    information_categories = factory.LazyFunction(lambda: [InformationCategory.IDENTITY, InformationCategory.REFERRAL])
    information_detail = "First name, phone number and the group chosen"
    purpose = "So the center can welcome the patient at their first visit"
    right_to_revoke_explained = True
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=180))
    signed_by = factory.LazyAttribute(lambda o: o.patient.display_name)
    signed_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SubFactory(StaffFactory, clinic=factory.SelfAttribute("..patient.clinic"))


class ConversationFactory(DjangoModelFactory):
    class Meta:
        model = MutualSupportConversation

    patient = factory.SubFactory(PatientFactory)
    held_by = factory.SubFactory(StaffFactory, clinic=factory.SelfAttribute("..patient.clinic"))
    held_by_role = "peer_specialist"
    track = Stop3Track.PEER
    options_explained = factory.LazyFunction(lambda: [ProgramGroup.SECULAR, ProgramGroup.ONLINE_APP])
    next_step = "Try an online meeting this week"
