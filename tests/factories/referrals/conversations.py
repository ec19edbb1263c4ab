"""Factories for Stop 3: conversations about mutual support, referrals, first-meeting plans and consents."""

import factory
from factory.django import DjangoModelFactory

from patients.models import Role
from referrals.lifecycle import ReferralStatus
from referrals.models import (
    Consent,
    FirstMeetingPlan,
    InformationCategory,
    MutualSupportConversation,
    ProgramGroup,
    Referral,
)
from referrals.support.lead import Stop3Track

from ..dates import days_from_today, today
from ..patients import PatientFactory, StaffFactory
from .directory import MeetingFactory, ProgramFactory


class ReferralFactory(DjangoModelFactory):
    """A referral created through ``Referral.start`` so its first history entry exists."""

    class Meta:
        model = Referral

    patient = factory.SubFactory(PatientFactory)
    program = factory.SubFactory(ProgramFactory)
    meeting = None
    referred_by = factory.SubFactory(StaffFactory, clinic=factory.SelfAttribute("..patient.clinic"))
    status = ReferralStatus.SUGGESTED

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
    planned_for = factory.LazyFunction(lambda: days_from_today(3))


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
    how_to_revoke = "Give or send the clinic a signed note saying you revoke this consent."
    expires_on = factory.LazyFunction(lambda: days_from_today(180))
    signed_by = factory.LazyAttribute(lambda o: o.patient.display_name)
    signed_on = factory.LazyFunction(today)
    recorded_by = factory.SubFactory(StaffFactory, clinic=factory.SelfAttribute("..patient.clinic"))


class ConversationFactory(DjangoModelFactory):
    class Meta:
        model = MutualSupportConversation

    patient = factory.SubFactory(PatientFactory)
    held_by = factory.SubFactory(StaffFactory, clinic=factory.SelfAttribute("..patient.clinic"))
    held_by_role = Role.PEER_SPECIALIST
    track = Stop3Track.PEER
    options_explained = factory.LazyFunction(lambda: [ProgramGroup.SECULAR, ProgramGroup.ONLINE_APP])
    next_step = "Try an online meeting this week"
