"""Welcoming of medication, rated from experience (issue 12, part 3): patients' answers add up per meeting and per
program, per clinic, hidden below 3; matching uses them before the published stance and says so; a report of
feeling judged opens a stigma barrier and marks the meeting for review."""

import datetime
import html

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from patients.models import Role
from referrals.directory.matching import PatientNeeds, rank_options
from referrals.followup.ratings import NO_RATINGS, WelcomeRating, welcome_ratings
from referrals.lifecycle import ReferralStatus
from referrals.models import Barrier, BarrierKind, FollowUp, MedicationWelcome, Meeting
from referrals.patient_link.models import LinkDelivery
from referrals.patient_link.services import give_link, record_answer

from .factories.dates import days_from_today
from .factories.patients import CareTeamMemberFactory, PatientFactory
from .factories.referrals.barriers import DoneFollowUpFactory
from .factories.referrals.conversations import ReferralFactory
from .factories.referrals.directory import MatchingPreferencesFactory, MeetingFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def smart():
    return ProgramFactory(slug="smart-recovery", name="SMART Recovery", medication_welcome=MedicationWelcome.WELCOMING)


@pytest.fixture
def tuesday(clinic, smart):
    return MeetingFactory(clinic=clinic, program=smart, name="SMART Tuesday", online=True)


def report(clinic, meeting, answer, *, patient=None, days_ago=1, by=None):
    """A follow-up in which ``patient`` (a new one by default) said how welcome they felt at ``meeting``."""
    patient = patient or PatientFactory(clinic=clinic)
    referral = (patient.referrals.filter(meeting=meeting).first()
                or ReferralFactory(patient=patient, program=meeting.program, meeting=meeting, status="referred"))
    follow_up = DoneFollowUpFactory(patient=patient, done_on=days_from_today(-days_ago), felt_welcome=answer,
                                    **({"assigned_to": by} if by else {}))
    follow_up.attended_referrals.add(referral)
    return patient


def test_below_three_patients_nothing_is_shown_and_from_three_it_is(login, clinic, tuesday, smart, peer):
    report(clinic, tuesday, "yes")
    report(clinic, tuesday, "no")
    client = login(peer)
    page = html.unescape(client.get(tuesday.get_absolute_url()).content.decode())
    assert "Fewer than 3 of the clinic's patients have said yet" in page
    assert "of 2 patients" not in page and "1 of 2" not in page
    assert 'data-testid="program-rating"' not in client.get(reverse("referrals:directory")).content.decode()

    report(clinic, tuesday, "yes")
    page = client.get(tuesday.get_absolute_url()).content.decode()
    assert "2 of 3 patients felt welcome here as someone taking medication" in page
    directory = client.get(reverse("referrals:directory")).content.decode()
    assert "2 of 3 patients felt welcome as someone taking medication" in directory


def test_each_patient_counts_once_by_their_latest_answer_and_did_not_say_is_no_answer(clinic, tuesday):
    changed_mind = report(clinic, tuesday, "no", days_ago=20)
    report(clinic, tuesday, "yes", patient=changed_mind, days_ago=2)
    report(clinic, tuesday, "partly")
    report(clinic, tuesday, "yes")
    report(clinic, tuesday, "did_not_say")
    assert welcome_ratings(clinic.pk).for_meeting(tuesday.pk) == WelcomeRating(welcomed=2, reports=3)
    assert welcome_ratings(clinic.pk).for_program(tuesday.program_id) == WelcomeRating(welcomed=2, reports=3)


def test_another_clinics_patients_do_not_count(clinic, other_clinic, tuesday, smart):
    theirs = MeetingFactory(clinic=other_clinic, program=smart)
    for _ in range(3):
        report(other_clinic, theirs, "no")
    assert welcome_ratings(clinic.pk).for_program(smart.pk).reports == 0
    assert welcome_ratings(other_clinic.pk).for_program(smart.pk).reports == 3


def test_matching_uses_the_reports_before_the_published_stance_and_says_so(login, clinic, tuesday, smart, peer):
    for answer in ("no", "no", "partly", "yes"):
        report(clinic, tuesday, answer)
    ratings = welcome_ratings(clinic.pk)
    needs = PatientNeeds(on_maud=True)
    options = rank_options(needs, [smart], [tuesday], ratings=ratings)
    program, meeting = options.programs[0], options.meetings[0]
    reported = ("1 of 4 of the clinic's patients felt welcome in this program as someone taking medication "
                "(their reports, used before the published stance)")
    assert reported in program.concerns
    assert not any("Known to welcome" in text for text in program.fits)
    assert any(text.startswith("1 of 4 of the clinic's patients felt welcome at this meeting") for text in
               meeting.concerns)
    # Without enough reports (or for a patient not on MAUD) the published stance is used, as before.
    assert "Known to welcome people who take medication for alcohol use disorder" in \
        rank_options(needs, [smart], [], ratings=NO_RATINGS).programs[0].fits
    assert not any("reports" in text for text in
                   rank_options(PatientNeeds(on_maud=False), [smart], [], ratings=ratings).programs[0].concerns)

    patient = PatientFactory(clinic=clinic)
    MatchingPreferencesFactory(patient=patient, on_maud=True)
    page = html.unescape(login(peer).get(reverse("referrals:find_options", args=[patient.public_id])).content.decode())
    assert "From the clinic's patients: 1 of 4 patients felt welcome" in page
    assert "used before the published stance" in page


def test_a_report_of_feeling_judged_opens_a_stigma_barrier_and_marks_the_meeting(login, clinic, tuesday,
                                                                                 case_manager, peer):
    patient = PatientFactory(clinic=clinic, first_name="Wilhelmina")
    CareTeamMemberFactory(patient=patient, staff=case_manager, role=Role.CASE_MANAGER)
    referral = ReferralFactory(patient=patient, program=tuesday.program, meeting=tuesday, referred_by=peer,
                               status=ReferralStatus.REFERRED)
    client = login(case_manager)
    response = client.post(reverse("referrals:follow_up_log_new", args=[patient.public_id]), {
        "done_on": timezone.localdate().isoformat(), "method": "phone", "meetings_attended": "1",
        "felt_welcome": "no", "attended_referrals": [referral.pk], "in_their_words": "They said pills are cheating",
        "new_barrier_kind": "", "new_barrier_severity": "somewhat", "next_assigned_to": case_manager.pk,
    }, follow=True)
    assert "Feeling judged for taking medication" in response.content.decode()
    barrier = Barrier.objects.get(patient=patient)
    assert (barrier.kind, barrier.owner, barrier.noted_at_follow_up) == (
        BarrierKind.MEDICATION_STIGMA, case_manager, FollowUp.objects.get(patient=patient))
    tuesday.refresh_from_db()
    assert tuesday.review_requested_on == timezone.localdate()

    page = login(peer).get(tuesday.get_absolute_url()).content.decode()
    assert "Marked for review" in page and "A patient reported feeling judged here" in page
    assert "Wilhelmina" not in page and "pills are cheating" not in page
    login(peer).post(reverse("referrals:meeting_review_done", args=[tuesday.pk]))
    tuesday.refresh_from_db()
    assert tuesday.review_requested_on is None


def test_the_patients_own_answer_of_feeling_judged_does_the_same_once(clinic, tuesday, case_manager, peer):
    patient = PatientFactory(clinic=clinic)
    CareTeamMemberFactory(patient=patient, staff=case_manager, role=Role.CASE_MANAGER)
    referral = ReferralFactory(patient=patient, program=tuesday.program, meeting=tuesday, referred_by=peer,
                               status=ReferralStatus.REFERRED)
    link = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED).link
    with time_machine.travel(link.meeting_ends_at + datetime.timedelta(hours=1)):
        record_answer(link, went=True, felt_welcome="no")
    barrier = Barrier.objects.get(patient=patient)
    assert (barrier.kind, barrier.owner) == (BarrierKind.MEDICATION_STIGMA, case_manager)
    assert "through their personal link" in barrier.details
    assert Meeting.objects.get(pk=tuesday.pk).review_requested_on is not None
    # A second report while the barrier is open adds no second barrier.
    report(clinic, tuesday, "no", patient=patient)
    follow_up = FollowUp(patient=patient, status="done", done_on=timezone.localdate(), method="phone",
                         meetings_attended=1, felt_welcome="no")
    follow_up.record_done(by=case_manager, attended_referrals=[referral])
    assert Barrier.objects.filter(patient=patient).count() == 1


def test_ratings_take_two_queries_whatever_the_number_of_reports(clinic, tuesday, django_assert_num_queries):
    for answer in ("yes", "no", "yes", "partly", "yes"):
        report(clinic, tuesday, answer)
    with django_assert_num_queries(2):
        welcome_ratings(clinic.pk)


def test_the_rating_is_worded_in_the_active_language():
    assert WelcomeRating(2, 3).label == "2 of 3 patients felt welcome"
    assert WelcomeRating(1, 2).label == "Fewer than 3 of the clinic's patients have said yet"
    with translation.override("es"):
        assert WelcomeRating(2, 3).label == "2 de 3 pacientes se sintieron bienvenidos"
        assert WelcomeRating(1, 2).label == "Todavía han respondido menos de 3 pacientes de la clínica"
