"""Referral rules on the model: recorded transitions, refused moves, re-opening, optimistic locking."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals.lifecycle import CloseReason
from referrals.models import FirstMeetingPlan, Referral, ReferralTransition
from referrals.support.models.referral import StaleReferral

from .factories.patients import PatientFactory
from .factories.referrals.conversations import FirstMeetingPlanFactory, ReferralFactory
from .factories.referrals.directory import MeetingFactory, ProgramFactory

pytestmark = pytest.mark.django_db
S = Referral.Status


@pytest.fixture
def referral(peer):
    return ReferralFactory(patient=PatientFactory(clinic=peer.clinic), referred_by=peer)


def test_a_new_referral_records_who_created_it_and_how(referral, peer):
    (entry,) = referral.transitions.all()
    assert (entry.from_status, entry.to_status, entry.by) == ("", S.SUGGESTED, peer)
    assert entry.label == "Created as “Suggested”"


def test_each_move_records_who_when_and_the_note(referral, peer, case_manager):
    before = referral.status_changed_at
    referral.move_to(status=S.DISCUSSED, by=peer, note="Talked it through after group")
    referral.move_to(status=S.REFERRED, by=case_manager)
    assert referral.status == S.REFERRED and referral.version == 3
    assert referral.status_changed_at > before
    history = list(referral.transitions.values_list("from_status", "to_status", "by__username", "note"))
    assert history[1:] == [
        (S.SUGGESTED, S.DISCUSSED, peer.username, "Talked it through after group"),
        (S.DISCUSSED, S.REFERRED, case_manager.username, ""),
    ]


def test_an_invalid_move_is_refused_and_nothing_changes(referral, peer):
    with pytest.raises(ValidationError, match="cannot move to “Engaged”"):
        referral.move_to(status=S.ENGAGED, by=peer)
    referral.refresh_from_db()
    assert referral.status == S.SUGGESTED and referral.version == 1
    assert referral.transitions.count() == 1


def test_stopping_needs_a_reason_and_reopening_returns_to_the_step_reached(referral, peer):
    referral.move_to(status=S.DISCUSSED, by=peer)
    with pytest.raises(ValidationError):
        referral.move_to(status=S.STOPPED, by=peer)
    referral.move_to(status=S.STOPPED, by=peer, reason=CloseReason.SCHEDULE_OR_TRANSPORT, note="Works nights now")
    assert (referral.status, referral.close_reason, referral.reopen_to) == (
        S.STOPPED, CloseReason.SCHEDULE_OR_TRANSPORT, S.DISCUSSED)
    with pytest.raises(ValidationError, match="only be re-opened"):
        referral.move_to(status=S.REFERRED, by=peer)
    entry = referral.move_to(status=S.DISCUSSED, by=peer, note="New job, days free again")
    assert entry.reopened and entry.label == "Re-opened as “Discussed with patient”"
    assert (referral.status, referral.close_reason, referral.reopen_to) == (S.DISCUSSED, "", "")


def test_a_stale_version_is_refused(referral, peer, case_manager):
    seen_version = referral.version
    Referral.objects.get(pk=referral.pk).move_to(status=S.DISCUSSED, by=case_manager)
    with pytest.raises(StaleReferral):
        referral.move_to(status=S.DECLINED, by=peer, reason=CloseReason.NOT_READY, expected_version=seen_version)
    assert Referral.objects.get(pk=referral.pk).status == S.DISCUSSED


def test_no_progress_for_14_days_is_one_query(peer, django_assert_num_queries):
    patient = PatientFactory(clinic=peer.clinic)
    stale = ReferralFactory(patient=patient, referred_by=peer)
    fresh = ReferralFactory(patient=patient, referred_by=peer)
    closed = ReferralFactory(patient=patient, referred_by=peer)
    closed.move_to(status=S.DECLINED, by=peer, reason=CloseReason.NOT_READY)
    long_ago = timezone.now() - datetime.timedelta(days=20)
    Referral.objects.filter(pk__in=[stale.pk, closed.pk]).update(status_changed_at=long_ago)
    with django_assert_num_queries(1):
        found = list(Referral.objects.visible_to(peer).without_progress_since(
            timezone.now() - datetime.timedelta(days=14)))
    assert found == [stale]
    assert fresh not in found


def test_referrals_are_scoped_through_visible_patients(peer, other_clinic):
    mine = ReferralFactory(patient=PatientFactory(clinic=peer.clinic), referred_by=peer)
    ReferralFactory(patient=PatientFactory(clinic=other_clinic))
    assert list(Referral.objects.visible_to(peer)) == [mine]


def test_a_referral_to_another_clinics_meeting_is_refused(peer, other_clinic):
    program = ProgramFactory()
    foreign_meeting = MeetingFactory(clinic=other_clinic, program=program)
    with pytest.raises(ValidationError, match="not in your clinic's meeting list"):
        Referral.start(patient=PatientFactory(clinic=peer.clinic), program=program, meeting=foreign_meeting,
                       by=peer)
    assert not Referral.objects.exists() and not ReferralTransition.objects.exists()


def test_a_new_referral_cannot_start_engaged(peer):
    with pytest.raises(ValidationError):
        Referral.start(patient=PatientFactory(clinic=peer.clinic), program=ProgramFactory(), by=peer,
                       status=S.ENGAGED)


def test_logging_the_first_meeting_together_moves_a_referred_referral_forward(referral, peer):
    referral.move_to(status=S.DISCUSSED, by=peer)
    referral.move_to(status=S.REFERRED, by=peer)
    plan = FirstMeetingPlanFactory(referral=referral, companion=peer)
    with pytest.raises(ValidationError, match="still ahead"):
        plan.log_outcome(FirstMeetingPlan.Outcome.WENT_TOGETHER, peer)
    plan.log_outcome(FirstMeetingPlan.Outcome.WENT_TOGETHER, peer, note="Stayed for coffee after",
                     today=plan.planned_for)
    plan.refresh_from_db()
    referral.refresh_from_db()
    assert plan.outcome == FirstMeetingPlan.Outcome.WENT_TOGETHER and plan.logged_by == peer
    assert referral.status == S.FIRST_MEETING_ATTENDED
    assert referral.transitions.last().by == peer


def test_a_first_meeting_that_did_not_happen_leaves_the_referral_as_it_was(referral, peer):
    plan = FirstMeetingPlanFactory(referral=referral, companion=peer)
    plan.log_outcome(FirstMeetingPlan.Outcome.DID_NOT_HAPPEN, peer, today=plan.planned_for)
    referral.refresh_from_db()
    assert referral.status == S.SUGGESTED


def test_a_declined_referral_page_offers_re_opening(login, peer):
    """Found by the form fuzzer: the page of a declined referral crashed while listing its next moves."""
    from django.urls import reverse

    referral = ReferralFactory(patient__clinic=peer.clinic, referred_by=peer)
    referral.move_to(status="declined", by=peer, reason="not_ready")
    response = login(peer).get(reverse("referrals:referral_detail", args=[referral.patient.public_id, referral.pk]))
    assert response.status_code == 200
    choices = [value for value, _ in response.context["move_form"].fields["new_status"].choices]
    assert choices == ["suggested"]
