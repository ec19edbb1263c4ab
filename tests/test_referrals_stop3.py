"""Stop 3 stories: the peer leads (3a), or a case manager when the team has no peer (3b)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import CareTeamMember, DrinkingGoal, Role
from referrals.models import (
    FirstMeetingPlan,
    MatchingPreferences,
    MutualSupportConversation,
    ProgramGroup,
    Referral,
)
from referrals.support.lead import Stop3Track, stop3_lead
from referrals.support.services import log_conversation

from .factories.patients import CareTeamMemberFactory, PatientFactory
from .factories.referrals.conversations import ReferralFactory
from .factories.referrals.directory import MatchingPreferencesFactory, MeetingFactory, ProgramFactory
from .factories.treatment_plans import signed_plan

pytestmark = pytest.mark.django_db
S = Referral.Status


def conversation_data(**overrides):
    data = {
        "held_on": timezone.localdate().isoformat(),
        "options_explained": [ProgramGroup.TWELVE_STEP, ProgramGroup.SECULAR, ProgramGroup.ONLINE_APP],
        "concerns": ["medication_judged", "not_religious"],
        "concerns_addressed": "Explained SMART Recovery welcomes medication and is not religious.",
        "companion_offer": "accepted",
        "next_step": "Join an online SMART meeting together",
        "next_step_on": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
        "notes": "",
        "prefs-drinking_goal": "abstinence", "prefs-on_maud": "on", "prefs-spiritual_content": "avoid",
        "prefs-online_ok": "on", "prefs-app_ok": "on", "prefs-online_only": "on", "prefs-language": "English",
        "prefs-transportation": "none", "prefs-gender_groups": "not_asked",
    }
    data.update(overrides)
    return data


@pytest.fixture
def team_with_peer(clinician, peer, case_manager):
    patient = PatientFactory(clinic=peer.clinic, first_name="Elena", last_name="Ibarra")
    for staff, role in [(clinician, Role.CLINICIAN), (peer, Role.PEER_SPECIALIST), (case_manager, Role.CASE_MANAGER)]:
        CareTeamMemberFactory(patient=patient, staff=staff, role=role)
    return patient


@pytest.fixture
def team_without_peer(clinician, case_manager):
    patient = PatientFactory(clinic=case_manager.clinic, first_name="Frank", last_name="Owens")
    CareTeamMemberFactory(patient=patient, staff=clinician, role=Role.CLINICIAN)
    CareTeamMemberFactory(patient=patient, staff=case_manager, role=Role.CASE_MANAGER)
    return patient


def test_3a_applies_with_a_peer_and_3b_when_the_peer_leaves(client, team_with_peer, clinician, peer, case_manager):
    lead = stop3_lead(team_with_peer)
    assert lead.track == Stop3Track.PEER and lead.leads == [peer]
    client.force_login(case_manager)
    page = client.get(team_with_peer.get_absolute_url()).content.decode()
    assert "Stop 3a" in page and "Peer-led" in page

    # The clinician takes the peer off the team (clinicians and clinic admins change care teams).
    member = CareTeamMember.objects.get(patient=team_with_peer, role=Role.PEER_SPECIALIST)
    client.force_login(clinician)
    client.post(reverse("patients:care_team_remove", args=[team_with_peer.public_id, member.pk]), {"confirm": "yes"})
    client.force_login(case_manager)
    page = client.get(team_with_peer.get_absolute_url()).content.decode()
    assert "Stop 3b" in page and "Clinician or case manager leads" in page
    assert stop3_lead(team_with_peer).track == Stop3Track.STAFF


def test_3a_story_peer_logs_refers_plans_and_prints_the_handout(login, team_with_peer, peer):
    smart = ProgramFactory(slug="smart-recovery", name="SMART Recovery", group=ProgramGroup.SECULAR)
    online = MeetingFactory(clinic=peer.clinic, program=smart, name="SMART Online Tuesday", online=True, days="2",
                            start_time=datetime.time(18, 30), conference_url="https://meet.example/smart-tue")
    client = login(peer)
    base = [team_with_peer.public_id]

    response = client.post(reverse("referrals:conversation_new", args=base), conversation_data())
    assert response.status_code == 302
    talk = MutualSupportConversation.objects.get(patient=team_with_peer)
    assert (talk.held_by, talk.held_by_role, talk.track) == (peer, Role.PEER_SPECIALIST, Stop3Track.PEER)
    assert talk.concern_labels == ["Groups will judge my medication", "I'm not religious"]
    prefs = MatchingPreferences.objects.get(patient=team_with_peer)
    assert prefs.online_only and prefs.on_maud and prefs.spiritual_content == "avoid"
    assert prefs.updated_by == peer

    page = client.get(reverse("referrals:referral_new", args=base))
    assert online in [o.item for o in page.context["match_meetings"]]
    response = client.post(reverse("referrals:referral_new", args=base), {"match": f"meeting:{online.pk}"})
    referral = Referral.objects.get(patient=team_with_peer)
    assert response.url == reverse("referrals:referral_detail", args=[*base, referral.pk])
    assert (referral.referred_by, referral.meeting, referral.program) == (peer, online, smart)
    assert (referral.source, referral.status) == ("matching", S.SUGGESTED)
    assert referral.match_reasons  # the matching's reasons, in words

    client.post(reverse("referrals:referral_move", args=[*base, referral.pk]),
                {"new_status": S.DISCUSSED, "note": "", "version": referral.version})
    referral.refresh_from_db()

    client.post(reverse("referrals:referral_move", args=[*base, referral.pk]),
                {"new_status": S.REFERRED, "note": "Patient agreed", "version": referral.version})
    referral.refresh_from_db()
    assert referral.status == S.REFERRED

    day = timezone.localdate() + datetime.timedelta(days=2)
    client.post(reverse("referrals:first_meeting_new", args=[*base, referral.pk]),
                {"companion": peer.pk, "meeting": online.pk, "planned_for": day.isoformat(),
                 "meet_at": "Join the video call together from the clinic"})
    plan = FirstMeetingPlan.objects.get(referral=referral)
    assert plan.companion == peer and plan.planned_by == peer

    handout = client.get(reverse("referrals:handout", args=[*base, referral.pk])).content.decode()
    assert "SMART Online Tuesday" in handout and "https://meet.example/smart-tue" in handout
    assert "every Tuesday" in handout and "6:30 PM" in handout
    assert str(peer.get_full_name()) in handout and "What to expect" in handout
    assert "Ibarra" not in handout.split("<main")[1].split("</nav>", 1)[1]  # no patient data in the handout itself

    detail = client.get(team_with_peer.get_absolute_url()).content.decode()
    assert "SMART Online Tuesday" in detail and "Referred" in detail and "Patient agreed" in detail


def test_3b_story_case_manager_leads_when_no_peer(login, team_without_peer, case_manager):
    client = login(case_manager)
    page = client.get(reverse("referrals:conversation_new", args=[team_without_peer.public_id])).content.decode()
    assert "Stop 3b" in page and str(case_manager) in page
    client.post(reverse("referrals:conversation_new", args=[team_without_peer.public_id]),
                conversation_data(companion_offer="declined", concerns=[], concerns_addressed=""))
    talk = MutualSupportConversation.objects.get(patient=team_without_peer)
    assert (talk.held_by_role, talk.track) == (Role.CASE_MANAGER, Stop3Track.STAFF)
    overview = client.get(reverse("referrals:support", args=[team_without_peer.public_id])).content.decode()
    assert "Case manager" in overview or "case manager" in overview
    assert "Offered, patient declined" in overview


def test_a_peer_from_outside_the_team_may_join_it_with_the_conversation_and_then_leads_3a(login, clinic,
                                                                                        team_without_peer):
    from .factories.patients import StaffFactory

    covering_peer = StaffFactory(clinic=clinic, roles=[Role.PEER_SPECIALIST])
    client = login(covering_peer)
    url = reverse("referrals:conversation_new", args=[team_without_peer.public_id])
    assert "Add me to the care team as peer support specialist" in client.get(url).content.decode()

    client.post(url, conversation_data(join_care_team="on"))

    assert CareTeamMember.objects.filter(patient=team_without_peer, staff=covering_peer,
                                         role=Role.PEER_SPECIALIST).exists()
    talk = MutualSupportConversation.objects.get(patient=team_without_peer)
    assert (talk.held_by_role, talk.track) == (Role.PEER_SPECIALIST, Stop3Track.PEER)
    assert stop3_lead(team_without_peer).track == Stop3Track.PEER


def test_a_peer_from_outside_the_team_who_does_not_join_leaves_the_team_as_it_was(login, clinic, team_without_peer):
    from .factories.patients import StaffFactory

    covering_peer = StaffFactory(clinic=clinic, roles=[Role.PEER_SPECIALIST])
    login(covering_peer).post(reverse("referrals:conversation_new", args=[team_without_peer.public_id]),
                              conversation_data())
    assert not CareTeamMember.objects.filter(staff=covering_peer).exists()
    assert MutualSupportConversation.objects.get(patient=team_without_peer).track == Stop3Track.STAFF


def test_staff_on_the_team_are_not_offered_to_join_it(login, team_with_peer, peer):
    page = login(peer).get(reverse("referrals:conversation_new", args=[team_with_peer.public_id])).content.decode()
    assert "Add me to the care team" not in page


def test_a_bad_conversation_is_refused_with_messages_and_nothing_saved(login, team_with_peer, peer):
    data = conversation_data(options_explained=[], next_step="", concerns_addressed="",
                             **{"prefs-online_ok": "", "prefs-app_ok": ""})
    response = login(peer).post(reverse("referrals:conversation_new", args=[team_with_peer.public_id]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "options_explained" in errors and "next_step" in errors and "concerns_addressed" in errors
    assert "online_only" in response.context["prefs_form"].errors
    assert "Explained SMART Recovery" not in response.content.decode()  # was blanked by the test itself
    assert "Join an online SMART" not in response.content.decode()
    assert not MutualSupportConversation.objects.exists() and not MatchingPreferences.objects.exists()


def test_an_out_of_order_move_in_the_browser_is_refused_with_a_message(login, team_with_peer, peer):
    referral = ReferralFactory(patient=team_with_peer, referred_by=peer)
    response = login(peer).post(reverse("referrals:referral_move", args=[team_with_peer.public_id, referral.pk]),
                                {"new_status": S.ENGAGED, "note": "skip ahead", "version": referral.version})
    assert response.status_code == 400
    assert "cannot move to “Engaged”" in response.content.decode()
    assert "skip ahead" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == S.SUGGESTED and referral.transitions.count() == 1


def test_a_stale_move_form_is_refused_and_keeps_what_was_typed(login, team_with_peer, peer, case_manager):
    referral = ReferralFactory(patient=team_with_peer, referred_by=peer)
    seen = referral.version
    referral.move_to(status=S.DISCUSSED, by=case_manager)
    response = login(peer).post(reverse("referrals:referral_move", args=[team_with_peer.public_id, referral.pk]),
                                {"new_status": S.DECLINED, "reason": "not_ready", "note": "Maybe in spring",
                                 "version": seen})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else updated this referral" in page and "Maybe in spring" in page
    referral.refresh_from_db()
    assert referral.status == S.DISCUSSED


def test_a_referral_by_hand_to_another_clinics_meeting_is_refused(login, team_with_peer, peer, other_clinic):
    program = ProgramFactory()
    foreign = MeetingFactory(clinic=other_clinic, program=program)
    response = login(peer).post(reverse("referrals:referral_new", args=[team_with_peer.public_id]),
                                {"program": program.pk, "meeting": foreign.pk, "status": S.SUGGESTED,
                                 "note": "by hand"})
    assert response.status_code == 400
    assert "Select a valid choice" in " ".join(response.context["form"].errors["meeting"])
    assert not Referral.objects.exists()


def test_a_clinic_admin_without_a_care_role_cannot_refer(login, team_with_peer, clinic_admin):
    response = login(clinic_admin).post(reverse("referrals:referral_new", args=[team_with_peer.public_id]),
                                        {"program": ProgramFactory().pk, "status": S.SUGGESTED})
    assert response.status_code == 403
    assert not Referral.objects.exists()


def test_planning_a_first_meeting_in_the_past_is_refused(login, team_with_peer, peer):
    referral = ReferralFactory(patient=team_with_peer, referred_by=peer)
    meeting = MeetingFactory(clinic=peer.clinic, program=referral.program)
    response = login(peer).post(
        reverse("referrals:first_meeting_new", args=[team_with_peer.public_id, referral.pk]),
        {"companion": peer.pk, "meeting": meeting.pk, "meet_at": "Lobby",
         "planned_for": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == 400 and "Plan a date from today on" in response.content.decode()
    assert 'value="Lobby"' in response.content.decode()
    assert not FirstMeetingPlan.objects.exists()


def test_the_next_step_is_dated_a_week_out_unless_changed(login, team_with_peer, peer):
    page = login(peer).get(reverse("referrals:conversation_new", args=[team_with_peer.public_id])).content.decode()
    week_out = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    assert f'name="next_step_on" value="{week_out}"' in page


@pytest.mark.parametrize("role, track", [(Role.PEER_SPECIALIST, Stop3Track.PEER), (Role.CLINICIAN, Stop3Track.STAFF)])
def test_only_a_joining_peer_turns_a_team_without_one_to_3a(clinic, team_without_peer, role, track):
    from .factories.patients import StaffFactory

    covering = StaffFactory(clinic=clinic, roles=[role])
    talk = MutualSupportConversation(held_on=timezone.localdate(), options_explained=[ProgramGroup.SECULAR],
                                     next_step="Try a meeting")
    log_conversation(talk, patient=team_without_peer, by=covering, join_care_team=True,
                     preferences=MatchingPreferences.new_for(team_without_peer))
    talk.refresh_from_db()
    assert (talk.held_by, talk.held_by_role, talk.track) == (covering, role, track)
    assert CareTeamMember.objects.filter(patient=team_without_peer, staff=covering, role=role).exists()
    assert MatchingPreferences.objects.get(patient=team_without_peer).updated_by == covering


# What a signed plan decides is shown, not asked ----------------------------------------------------------------

def _labels(page):
    return [label.strip() for label in re.findall(r"<label[^>]*>\s*([^<*]+)", page)]


def test_with_a_signed_plan_the_conversation_shows_its_goal_and_maud_and_does_not_ask(login, team_with_peer, peer,
                                                                                      clinician):
    signed_plan(team_with_peer, clinician, drinking_goal=DrinkingGoal.REDUCED)
    client = login(peer)
    url = reverse("referrals:conversation_new", args=[team_with_peer.public_id])
    page = client.get(url).content.decode()
    assert "The signed treatment plan (version 1) decides" in page
    assert "<dd>Reduced drinking</dd>" in page and "<dd>Yes</dd>" in page  # the factory's naltrexone is started
    assert f'href="{reverse("patients:plan", args=[team_with_peer.public_id])}"' in page
    assert 'name="prefs-drinking_goal"' not in page and 'name="prefs-on_maud"' not in page
    assert _labels(page).count("Notes") == 0 and "Other notes on the conversation" in _labels(page)

    # What is posted for them anyway changes nothing: the plan decides; the other preferences are saved.
    MatchingPreferencesFactory(patient=team_with_peer, drinking_goal=DrinkingGoal.REDUCED, on_maud=True)
    client.post(url, conversation_data(**{"prefs-drinking_goal": "abstinence", "prefs-on_maud": ""}))
    assert MutualSupportConversation.objects.filter(patient=team_with_peer).exists()
    preferences = MatchingPreferences.objects.get(patient=team_with_peer)
    assert (preferences.drinking_goal, preferences.on_maud) == (DrinkingGoal.REDUCED, True)
    assert preferences.spiritual_content == "avoid"


def test_without_a_signed_plan_the_conversation_asks_the_goal_and_maud(login, team_with_peer, peer):
    page = login(peer).get(reverse("referrals:conversation_new", args=[team_with_peer.public_id])).content.decode()
    assert 'name="prefs-drinking_goal"' in page and 'name="prefs-on_maud"' in page
    assert "decides these" not in page


def test_the_preferences_page_shows_the_plans_values_read_only(login, team_with_peer, peer, clinician):
    url = reverse("referrals:preferences_edit", args=[team_with_peer.public_id])
    client = login(peer)
    assert 'name="drinking_goal"' in client.get(url).content.decode()
    signed_plan(team_with_peer, clinician, drinking_goal=DrinkingGoal.ABSTINENCE, medications=0)
    page = client.get(url).content.decode()
    assert 'name="drinking_goal"' not in page and "<dd>Abstinence</dd>" in page and "<dd>No</dd>" in page
    assert _labels(page).count("Notes") <= 1
