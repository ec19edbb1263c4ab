"""Outreach attempts and lapses (issue 12, part 5): tries that did not reach a patient, the clinic's thresholds at
their edges, and Stop 5 done only while participation is current."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maud_pathways.pathway import StopStatus, pathway_for_patients
from patients.models import Patient, Role
from referrals.followup.participation import is_lapsed, participation_of, with_participation
from referrals.followup.queue import case_manager_queue
from referrals.lifecycle import ReferralStatus
from referrals.models import OutreachAttempt, OutreachMethod, ReferralTransition

from .factories.dates import days_from_today, today
from .factories.patients import CareTeamMemberFactory, PatientFactory, StaffFactory
from .factories.referrals.barriers import DoneFollowUpFactory
from .factories.referrals.conversations import ReferralFactory

pytestmark = pytest.mark.django_db
S = ReferralStatus


@pytest.fixture
def frank(case_manager):
    patient = PatientFactory(clinic=case_manager.clinic, first_name="Frank", last_name="Owens")
    CareTeamMemberFactory(patient=patient, staff=case_manager, role=Role.CASE_MANAGER)
    return patient


def went_to_a_first_meeting(patient, by, days_ago):
    """A referral moved to "first meeting attended" ``days_ago`` days ago (and nothing reported since)."""
    referral = ReferralFactory(patient=patient, referred_by=by, status=S.REFERRED)
    referral.move_to(status=S.FIRST_MEETING_ATTENDED, by=by)
    moment = timezone.make_aware(datetime.datetime.combine(days_from_today(-days_ago), datetime.time(12)))
    ReferralTransition.objects.filter(referral=referral, to_status=S.FIRST_MEETING_ATTENDED).update(at=moment)
    return referral


def stop5(patient):
    return pathway_for_patients(Patient.objects.filter(pk=patient.pk), today())[patient.pk].stop(5)


def tries(patient, by, *days_ago):
    for n in days_ago:
        OutreachAttempt.objects.create(patient=patient, by=by, method=OutreachMethod.PHONE,
                                       attempted_at=timezone.now() - datetime.timedelta(days=n))


# Lapses --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("days_ago", "lapsed"), [(29, False), (30, True)])
def test_a_lapse_starts_at_the_clinics_number_of_days_without_a_reported_meeting(frank, case_manager, days_ago,
                                                                                  lapsed):
    went_to_a_first_meeting(frank, case_manager, days_ago)
    stop = stop5(frank)
    if lapsed:
        assert stop.status == StopStatus.NEEDS_ATTENTION
        assert stop.reason == f"No meeting reported since {days_from_today(-days_ago):%b %-d, %Y}."
        assert stop.action_label == "Log a follow-up"
        assert [p.pk for p in case_manager_queue(case_manager).to_reach] == [frank.pk]
    else:
        assert stop.status == StopStatus.DONE
        assert case_manager_queue(case_manager).to_reach.rows == []


def test_a_follow_up_reporting_meetings_keeps_participation_current_and_one_reporting_none_does_not(
        frank, case_manager):
    went_to_a_first_meeting(frank, case_manager, 45)
    DoneFollowUpFactory(patient=frank, assigned_to=case_manager, done_on=days_from_today(-40), meetings_attended=0)
    assert stop5(frank).reason == f"No meeting reported since {days_from_today(-45):%b %-d, %Y}."
    DoneFollowUpFactory(patient=frank, assigned_to=case_manager, done_on=days_from_today(-3), meetings_attended=2)
    assert stop5(frank).status == StopStatus.DONE


def test_the_clinic_sets_the_lapse_days(frank, case_manager, login, clinic_admin):
    went_to_a_first_meeting(frank, case_manager, 10)
    assert stop5(frank).status == StopStatus.DONE
    client = login(clinic_admin)
    url = reverse("referrals:follow_up_settings")
    response = client.post(url, {"lapse_days": "0", "outreach_attempts_alert": "3"})
    assert response.status_code == 400 and "greater than or equal to 1" in response.content.decode()
    client.post(url, {"lapse_days": "10", "outreach_attempts_alert": "3"})
    frank.clinic.refresh_from_db()
    assert frank.clinic.lapse_days == 10
    assert stop5(frank).status == StopStatus.NEEDS_ATTENTION


def test_engaged_patients_lapse_too_and_patients_who_never_went_do_not(frank, case_manager, clinic):
    referral = went_to_a_first_meeting(frank, case_manager, 60)
    referral.move_to(status=S.ENGAGED, by=case_manager)
    ReferralTransition.objects.filter(referral=referral, to_status=S.ENGAGED).update(
        at=timezone.now() - datetime.timedelta(days=35))
    assert stop5(frank).status == StopStatus.NEEDS_ATTENTION
    only_referred = PatientFactory(clinic=clinic)
    ReferralFactory(patient=only_referred, referred_by=case_manager, status=S.REFERRED)
    assert stop5(only_referred).status == StopStatus.IN_PROGRESS


def test_is_lapsed_is_the_rule_in_words():
    day = datetime.date(2026, 3, 31)
    assert is_lapsed(attending=True, last_meeting_on=datetime.date(2026, 3, 1), lapse_days=30, today=day)
    assert not is_lapsed(attending=True, last_meeting_on=datetime.date(2026, 3, 2), lapse_days=30, today=day)
    assert not is_lapsed(attending=False, last_meeting_on=datetime.date(2026, 1, 1), lapse_days=30, today=day)


def test_the_overview_counts_lapses_and_patients_not_reached(login, clinician, frank, case_manager, clinic):
    went_to_a_first_meeting(frank, case_manager, 31)
    other = PatientFactory(clinic=clinic)
    tries(other, case_manager, 1, 2, 3)
    page = login(clinician).get(reverse("overview"))
    figures = page.context["participation"]
    assert (figures.lapsed, figures.not_reached) == (1, 1)
    assert 'data-testid="lapsed-count">1<' in page.content.decode()


# Tries to reach a patient ---------------------------------------------------------------------------------------

def test_a_case_manager_logs_a_call_nobody_answered_without_a_meeting_count(login, frank, case_manager):
    client = login(case_manager)
    url = reverse("referrals:outreach_attempt_new", args=[frank.public_id])
    now = timezone.localtime()
    response = client.post(url, {"method": "phone", "attempted_on": now.date().isoformat(),
                                 "attempted_time": (now - datetime.timedelta(minutes=5)).strftime("%H:%M"),
                                 "note": "No answer, left a message"})
    assert response.url == reverse("referrals:follow_up_list", args=[frank.public_id])
    attempt = OutreachAttempt.objects.get()
    assert (attempt.method, attempt.by, attempt.note) == ("phone", case_manager, "No answer, left a message")
    page = client.get(response.url).content.decode()
    assert "No answer, left a message" in page and "1 since the last follow-up" in page


def test_a_try_in_the_future_is_refused_and_nothing_is_saved(login, frank, case_manager):
    later = timezone.localtime() + datetime.timedelta(days=1)
    response = login(case_manager).post(reverse("referrals:outreach_attempt_new", args=[frank.public_id]),
                                        {"method": "text", "attempted_on": later.date().isoformat(),
                                         "attempted_time": "10:00", "note": "typed ahead"})
    assert response.status_code == 400
    assert "log a try once it is made" in response.content.decode() and 'value="typed ahead"' in \
        response.content.decode()
    assert not OutreachAttempt.objects.exists()


@pytest.mark.parametrize(("count", "flagged"), [(2, False), (3, True)])
def test_three_failed_tries_put_the_patient_at_the_top_of_the_queue(frank, case_manager, count, flagged, login):
    tries(frank, case_manager, *range(1, count + 1))
    queue = case_manager_queue(case_manager)
    assert bool(queue.to_reach) == flagged
    if flagged:
        assert queue.to_reach.rows[0].to_reach_reason.startswith("Not reached after 3 tries (last ")
        page = login(case_manager).get(reverse("referrals:case_manager_queue")).content.decode()
        assert page.index("Patients to reach") < page.index("Follow-ups due")
        assert "Not reached after 3 tries" in page


def test_tries_count_from_the_day_after_the_last_follow_up(frank, case_manager, clinic):
    tries(frank, case_manager, 10, 9, 8)
    DoneFollowUpFactory(patient=frank, assigned_to=case_manager, done_on=days_from_today(-5), meetings_attended=0)
    tries(frank, case_manager, 4, 3)
    patient = with_participation(Patient.objects.filter(pk=frank.pk)).get()
    participation = participation_of(patient, today())
    assert (participation.failed_attempts, participation.not_reached) == (2, False)
    clinic.outreach_attempts_alert = 2
    clinic.save()
    assert case_manager_queue(case_manager).to_reach.rows[0].pk == frank.pk


def test_only_the_patients_case_managers_and_care_team_see_them_in_their_queue(frank, case_manager, clinic):
    other_manager = StaffFactory(clinic=clinic, roles=[Role.CASE_MANAGER])
    tries(frank, case_manager, 1, 2, 3)
    assert case_manager_queue(other_manager).to_reach.rows == []
