"""Concerns become barriers (issue 12, part 4): a concern raised in a Stop 3 conversation becomes a Stop 5 barrier
of the fitting kind, in one click or when the conversation is saved, linked back to the conversation."""

import pytest
from django.urls import reverse

from patients.models import Role
from referrals.followup.queue import case_manager_queue
from referrals.models import CONCERN_BARRIERS, Barrier, BarrierKind, Concern, MutualSupportConversation

from .factories.dates import days_from_today
from .factories.patients import CareTeamMemberFactory, PatientFactory, StaffFactory
from .factories.referrals.conversations import ConversationFactory
from .test_referrals_stop3 import conversation_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def elena(peer, case_manager):
    patient = PatientFactory(clinic=peer.clinic, first_name="Elena", last_name="Ibarra")
    CareTeamMemberFactory(patient=patient, staff=peer, role=Role.PEER_SPECIALIST)
    CareTeamMemberFactory(patient=patient, staff=case_manager, role=Role.CASE_MANAGER)
    return patient


def test_every_concern_has_a_barrier_of_a_known_kind():
    assert set(CONCERN_BARRIERS) == set(Concern.values)
    for fitting in CONCERN_BARRIERS.values():
        assert fitting.kind in BarrierKind.values
        assert bool(fitting.other_kind) == (fitting.kind == BarrierKind.OTHER)


def test_saving_the_conversation_opens_a_barrier_for_each_concern_for_the_case_manager(login, elena, peer,
                                                                                      case_manager):
    client = login(peer)
    response = client.post(reverse("referrals:conversation_new", args=[elena.public_id]),
                           conversation_data(concerns=["medication_judged", "fear"], open_barriers="on"),
                           follow=True)
    assert "2 Stop 5 barriers opened from the concerns." in response.content.decode()
    talk = MutualSupportConversation.objects.get(patient=elena)
    barriers = {b.kind: b for b in Barrier.objects.filter(patient=elena)}
    assert set(barriers) == {BarrierKind.MEDICATION_STIGMA, BarrierKind.ANXIETY}
    stigma = barriers[BarrierKind.MEDICATION_STIGMA]
    assert (stigma.owner, stigma.noted_by, stigma.from_conversation, stigma.from_concern) == (
        case_manager, peer, talk, "medication_judged")
    assert "“Groups will judge my medication”" in stigma.details
    assert "How it was addressed then: Explained SMART Recovery welcomes medication" in stigma.details
    # The case manager sees them: barriers they own with nothing planned yet.
    assert set(case_manager_queue(case_manager).barriers) == set(barriers.values())
    # The barrier page links back to the conversation.
    page = login(case_manager).get(reverse("referrals:barrier_detail", args=[elena.public_id, stigma.pk]))
    assert "From a concern raised in the" in page.content.decode()


def test_without_the_tick_no_barrier_is_opened_and_the_stop3_page_offers_one_click(login, elena, peer,
                                                                                   case_manager):
    client = login(peer)
    client.post(reverse("referrals:conversation_new", args=[elena.public_id]),
                conversation_data(concerns=["not_religious", "stigma"]))
    assert not Barrier.objects.exists()
    talk = MutualSupportConversation.objects.get(patient=elena)
    page = client.get(reverse("referrals:support", args=[elena.public_id])).content.decode()
    one_click = reverse("referrals:concern_barrier", args=[elena.public_id, talk.pk, "stigma"])
    assert f'action="{one_click}"' in page

    response = client.post(one_click)
    barrier = Barrier.objects.get()
    assert response.url == reverse("referrals:barrier_detail", args=[elena.public_id, barrier.pk])
    assert (barrier.kind, barrier.other_kind, barrier.owner) == (BarrierKind.OTHER,
                                                                 "Worried about being seen or labelled",
                                                                 case_manager)
    # The Stop 3 page now links to it instead of offering it again; a second click opens the same barrier.
    page = client.get(reverse("referrals:support", args=[elena.public_id])).content.decode()
    assert f'action="{one_click}"' not in page and "Stop 5 barrier: Worried about being seen or labelled" in page
    assert client.post(one_click).url == response.url
    assert Barrier.objects.count() == 1


def test_a_concern_that_was_not_raised_opens_nothing(login, elena, peer):
    talk = ConversationFactory(patient=elena, held_by=peer, concerns=["fear"], concerns_addressed="Talked")
    client = login(peer)
    response = client.post(reverse("referrals:concern_barrier", args=[elena.public_id, talk.pk, "speaking"]),
                           follow=True)
    assert "This concern was not raised in that conversation." in response.content.decode()
    assert not Barrier.objects.exists()


def test_without_a_case_manager_on_the_team_whoever_opens_it_owns_it(login, peer, clinic):
    patient = PatientFactory(clinic=clinic)
    CareTeamMemberFactory(patient=patient, staff=peer, role=Role.PEER_SPECIALIST)
    talk = ConversationFactory(patient=patient, held_by=peer, concerns=["time_or_travel"],
                               concerns_addressed="Looked at online meetings", held_on=days_from_today(-2))
    login(peer).post(reverse("referrals:concern_barrier", args=[patient.public_id, talk.pk, "time_or_travel"]))
    barrier = Barrier.objects.get()
    assert (barrier.kind, barrier.owner, barrier.noted_on) == (BarrierKind.TRANSPORTATION, peer, talk.held_on)


def test_staff_outside_the_care_team_open_barriers_only_by_joining_it(login, elena, clinic):
    covering = StaffFactory(clinic=clinic, roles=[Role.PEER_SPECIALIST], first_name="Casey")
    client = login(covering)
    talk = ConversationFactory(patient=elena, concerns=["fear"], concerns_addressed="Talked")
    assert client.post(reverse("referrals:concern_barrier", args=[elena.public_id, talk.pk, "fear"])).status_code \
        == 403
    url = reverse("referrals:conversation_new", args=[elena.public_id])
    response = client.post(url, conversation_data(open_barriers="on"))
    assert response.status_code == 400
    assert "join the care team above, or leave this unticked" in response.content.decode()
    assert MutualSupportConversation.objects.count() == 1 and not Barrier.objects.exists()
    client.post(url, conversation_data(open_barriers="on", join_care_team="on"))
    assert Barrier.objects.filter(patient=elena).count() == 2


def test_ticking_it_without_concerns_asks_for_them(login, elena, peer):
    response = login(peer).post(reverse("referrals:conversation_new", args=[elena.public_id]),
                                conversation_data(concerns=[], concerns_addressed="", open_barriers="on"))
    assert response.status_code == 400
    assert "Tick the concerns the patient raised first." in response.content.decode()
    assert not MutualSupportConversation.objects.exists()
