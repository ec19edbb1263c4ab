"""The case manager's queue: follow-ups due, barriers to work on, referrals without progress."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from patients.models import Role, StaffMember
from referrals.followup.queue import NO_PROGRESS_DAYS, case_manager_queue
from referrals.models import Barrier, BarrierSeverity, BarrierStatus, FollowUp, InterventionStatus, Referral

from .factories.dates import days_from_today, today
from .factories.patients import PatientFactory, StaffFactory, patient_with_team
from .factories.referrals.barriers import (
    BarrierFactory,
    DoneFollowUpFactory,
    InterventionFactory,
    ScheduledFollowUpFactory,
)
from .factories.referrals.conversations import ReferralFactory
from .factories.referrals.directory import MeetingFactory

pytestmark = pytest.mark.django_db


def stale(referral, status, days_ago):
    """Put ``referral`` at ``status`` (moving it there through the lifecycle), last changed ``days_ago``."""
    path = ["suggested", "discussed", "referred", "first_meeting_attended", "engaged"]
    while referral.status != status:
        referral.move_to(status=path[path.index(referral.status) + 1], by=referral.referred_by)
    Referral.objects.filter(pk=referral.pk).update(status_changed_at=timezone.now() - datetime.timedelta(days=days_ago))
    referral.refresh_from_db()
    return referral

QUEUE_URL = "/queue/case-manager/"


def test_queue_url_and_nav_entry_for_case_managers_only(login, case_manager, clinician):
    assert reverse("referrals:case_manager_queue") == QUEUE_URL
    page = login(case_manager).get(reverse("home")).content.decode()
    assert f'href="{QUEUE_URL}"' in page and "My queue" in page
    client = login(clinician)
    assert "My queue" not in client.get(reverse("home")).content.decode()
    assert client.get(QUEUE_URL).status_code == 403


def test_follow_ups_due_today_and_overdue_most_overdue_first(case_manager):
    colleague = StaffFactory(clinic=case_manager.clinic, roles=[Role.CASE_MANAGER])
    a, b, c = (patient_with_team(case_manager=case_manager) for _ in range(3))
    due_today = ScheduledFollowUpFactory(patient=a, assigned_to=case_manager, due_on=today())
    week_late = ScheduledFollowUpFactory(patient=b, assigned_to=case_manager, due_on=days_from_today(-7))
    day_late = ScheduledFollowUpFactory(patient=c, assigned_to=case_manager, due_on=days_from_today(-1))
    ScheduledFollowUpFactory(patient=a, assigned_to=case_manager, due_on=days_from_today(1))  # not yet
    ScheduledFollowUpFactory(patient=b, assigned_to=colleague, due_on=days_from_today(-2))  # someone else's
    DoneFollowUpFactory(patient=c, assigned_to=case_manager, done_on=days_from_today(-3))  # already done

    queue = case_manager_queue(case_manager, today())
    assert queue.follow_ups.rows == [week_late, day_late, due_today]
    assert queue.overdue_follow_ups == [week_late, day_late]
    assert queue.follow_ups_due_today == [due_today]


def test_barriers_they_own_with_interventions_due_or_nothing_planned(case_manager):
    colleague = StaffFactory(clinic=case_manager.clinic, roles=[Role.CASE_MANAGER])
    patient = patient_with_team(case_manager=case_manager)

    def barrier(owner=case_manager, **kwargs):
        return BarrierFactory(patient=patient, owner=owner, noted_by=owner, **kwargs)

    overdue = barrier()
    InterventionFactory(barrier=overdue, due_on=days_from_today(-4))
    InterventionFactory(barrier=overdue, due_on=days_from_today(10))
    due_today = barrier(status=BarrierStatus.BEING_ADDRESSED)
    InterventionFactory(barrier=due_today, due_on=today())
    unplanned_minor = barrier(severity=BarrierSeverity.A_LITTLE)
    unplanned_major = barrier(severity=BarrierSeverity.A_LOT)
    later = barrier()
    InterventionFactory(barrier=later, due_on=days_from_today(3))  # not due yet
    done = barrier()
    InterventionFactory(barrier=done, due_on=days_from_today(-2), status=InterventionStatus.HELPED,
                        completed_on=today())  # finished work is not due
    InterventionFactory(barrier=done, due_on=days_from_today(5))
    resolved = barrier(status=BarrierStatus.RESOLVED, closed_on=today())
    InterventionFactory(barrier=resolved, due_on=days_from_today(-9))
    theirs = barrier(owner=colleague)
    InterventionFactory(barrier=theirs, due_on=days_from_today(-1))
    theirs_with_my_task = barrier(owner=colleague)
    InterventionFactory(barrier=theirs_with_my_task, owner=case_manager, due_on=days_from_today(-2))

    rows = case_manager_queue(case_manager, today()).barriers.rows
    assert rows == [overdue, theirs_with_my_task, due_today, unplanned_major, unplanned_minor]
    assert [i.due_on for i in rows[0].due_interventions] == [days_from_today(-4)]


def test_queue_stays_inside_the_clinic(case_manager, other_clinic):
    outsider_patient = PatientFactory(clinic=other_clinic)
    # Even if a record of another clinic were pointed at this case manager, it does not show.
    ScheduledFollowUpFactory(patient=outsider_patient, assigned_to=case_manager, due_on=days_from_today(-1))
    BarrierFactory(patient=outsider_patient, owner=case_manager, noted_by=case_manager)
    queue = case_manager_queue(case_manager, today())
    assert queue.follow_ups.rows == [] and queue.barriers.rows == [] and queue.total == 0


def test_each_row_links_to_its_action(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    follow_up = ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(-2))
    barrier = BarrierFactory(patient=patient, owner=case_manager, noted_by=case_manager)
    intervention = InterventionFactory(barrier=barrier, due_on=today())
    unplanned = BarrierFactory(patient=patient, owner=case_manager, noted_by=case_manager)
    page = login(case_manager).get(QUEUE_URL).content.decode()
    pid = patient.public_id
    assert f'{reverse("referrals:follow_up_log", args=[pid, follow_up.pk])}?next={QUEUE_URL}' in page
    assert reverse("referrals:intervention_outcome", args=[pid, barrier.pk, intervention.pk]) in page
    assert reverse("referrals:barrier_detail", args=[pid, unplanned.pk]) in page
    assert "Overdue by 2" in page and "Nothing planned yet" in page


def test_case_manager_logs_from_the_queue_and_returns_to_a_shorter_queue(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    follow_up = ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(-1))
    client = login(case_manager)
    response = client.post(reverse("referrals:follow_up_log", args=[patient.public_id, follow_up.pk]), {
        "done_on": today().isoformat(), "method": "in_person", "meetings_attended": "2", "felt_welcome": "partly",
        "next_follow_up_on": days_from_today(14).isoformat(), "next": QUEUE_URL,
        "new_barrier_severity": "somewhat",
    }, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE_URL
    assert response.context["queue"].follow_ups.rows == []
    assert "No follow-ups due" in response.content.decode()


def test_only_the_queue_is_accepted_as_a_place_to_return_to(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    response = login(case_manager).post(reverse("referrals:follow_up_log_new", args=[patient.public_id]), {
        "done_on": today().isoformat(), "method": "phone", "meetings_attended": "0",
        "new_barrier_severity": "somewhat", "next": "https://evil.example/",
    })
    assert response.url == reverse("referrals:follow_up_list", args=[patient.public_id])


def _fill(case_manager, patients):
    for _ in range(patients):
        patient = patient_with_team(case_manager=case_manager)
        ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(-1))
        DoneFollowUpFactory(patient=patient, assigned_to=case_manager, done_on=days_from_today(-15))
        due = BarrierFactory(patient=patient, owner=case_manager, noted_by=case_manager)
        InterventionFactory.create_batch(2, barrier=due, due_on=today())
        BarrierFactory(patient=patient, owner=case_manager, noted_by=case_manager)
        meeting = MeetingFactory(clinic=patient.clinic)
        stale(ReferralFactory(patient=patient, referred_by=case_manager, status="referred",
                              program=meeting.program, meeting=meeting), "referred", 30)


def test_queue_query_count_does_not_grow_with_patients_follow_ups_and_barriers(
    login, case_manager, django_assert_max_num_queries
):
    _fill(case_manager, 1)
    client = login(case_manager)
    # session, user, roles; follow-ups and their patients; barriers, their patients, owners and due
    # interventions; referrals, their patients, programs and meetings; patients to reach; the audit entry
    with django_assert_max_num_queries(15) as small:
        response = client.get(QUEUE_URL)
    assert len(response.context["queue"].follow_ups) == 1
    _fill(case_manager, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(QUEUE_URL)
    queue = response.context["queue"]
    assert (len(queue.follow_ups), len(queue.barriers), len(queue.stalled_referrals)) == (13, 25, 13)
    assert queue.barriers.count == 26  # one page of 25 shown, all 26 counted
    assert "Showing barriers 1–25 of 26" in response.content.decode()
    second = client.get(QUEUE_URL + "?barriers=2")
    assert len(second.context["queue"].barriers) == 1 and len(second.context["queue"].follow_ups) == 13


def test_referrals_with_no_progress_for_14_days_longest_waiting_first(case_manager, colleague, other_clinic):
    mine = patient_with_team(case_manager=case_manager)
    not_mine = PatientFactory(clinic=case_manager.clinic)

    def referral(patient=mine, by=case_manager, status="referred", days_ago=20):
        return stale(ReferralFactory(patient=patient, referred_by=by, status="referred"), status, days_ago)

    month = referral(days_ago=30)
    exactly_14 = referral(status="first_meeting_attended", days_ago=NO_PROGRESS_DAYS)
    referred_by_me = referral(patient=not_mine, days_ago=20)  # not on the team, but I made the referral
    referral(days_ago=NO_PROGRESS_DAYS - 1)  # moved 13 days ago: still fresh
    referral(status="engaged", days_ago=60)  # engaged is the goal, not a stall
    declined = ReferralFactory(patient=mine, referred_by=case_manager, status="referred")
    declined.move_to(status="declined", by=case_manager, reason="not_ready")
    Referral.objects.filter(pk=declined.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=40))  # closed
    referral(patient=not_mine, by=colleague, days_ago=40)  # someone else's patient and referral
    referral(patient=PatientFactory(clinic=other_clinic), by=case_manager, days_ago=40)  # another clinic

    assert case_manager_queue(case_manager, today()).stalled_referrals.rows == [month, referred_by_me, exactly_14]


def test_a_stalled_referral_row_links_to_a_follow_up_and_the_referral(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    referral = stale(ReferralFactory(patient=patient, referred_by=case_manager, status="referred"), "referred", 20)
    page = login(case_manager).get(QUEUE_URL).content.decode()
    assert f'{reverse("referrals:follow_up_log_new", args=[patient.public_id])}?next={QUEUE_URL}' in page
    assert reverse("referrals:referral_detail", args=[patient.public_id, referral.pk]) in page


def test_demo_gives_the_case_manager_a_queue_and_runs_twice_safely():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (FollowUp.objects.count(), Barrier.objects.count(), Referral.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (FollowUp.objects.count(), Barrier.objects.count(), Referral.objects.count())

    queue = case_manager_queue(StaffMember.objects.get(username="casemanager"), today())
    assert queue.overdue_follow_ups and queue.follow_ups_due_today
    assert any(b.kind == "transportation" and b.status == BarrierStatus.BEING_ADDRESSED for b in queue.barriers)
    assert queue.stalled_referrals
