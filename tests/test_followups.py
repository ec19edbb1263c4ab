"""Stop 5: follow-ups on meeting participation, scheduling ahead, and engagement over time."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from referrals.followup.forms import FollowUpLogForm
from referrals.followup.models.followups import engagement_from_rows
from referrals.followup.services import follow_up_log_choices, follow_up_to_log
from referrals.models import (
    Barrier,
    BarrierStatus,
    FeltWelcome,
    FollowUp,
    FollowUpStatus,
    Referral,
    patient_engagement,
)

from .factories.dates import days_from_today, today
from .factories.patients import PatientFactory, patient_with_team
from .factories.referrals.barriers import BarrierFactory, DoneFollowUpFactory, ScheduledFollowUpFactory
from .factories.referrals.conversations import ReferralFactory
from .query_budgets import PATIENT_PAGE_MAX_QUERIES

pytestmark = pytest.mark.django_db


def log_data(**overrides):
    data = {
        "done_on": today().isoformat(), "method": "phone", "meetings_attended": "3",
        "in_their_words": "The Tuesday group gets it.", "felt_welcome": "yes", "notes": "",
        "next_follow_up_on": days_from_today(14).isoformat(), "new_barrier_kind": "",
        "new_barrier_other": "", "new_barrier_severity": "somewhat", "new_barrier_details": "",
    }
    data.update(overrides)
    return data


def test_case_manager_logs_an_overdue_follow_up_and_the_next_one_is_scheduled(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    overdue = ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(-3))
    client = login(case_manager)

    page = client.get(patient.get_absolute_url()).content.decode()
    assert "Overdue" in page and "Log this follow-up" in page

    url = reverse("referrals:follow_up_log", args=[patient.public_id, overdue.pk])
    form = client.get(url).context["form"]
    assert form["next_follow_up_on"].value() == days_from_today(14)  # two weeks by default
    assert form["done_on"].value() == today()

    response = client.post(url, log_data(next_assigned_to=case_manager.pk), follow=True)
    assert f"Next follow-up: {days_from_today(14):%b %-d, %Y}" in response.content.decode()
    overdue.refresh_from_db()
    assert (overdue.status, overdue.done_on, overdue.done_by, overdue.meetings_attended) == (
        FollowUpStatus.DONE, today(), case_manager, 3)
    assert overdue.felt_welcome == FeltWelcome.YES
    following = FollowUp.objects.scheduled().get(patient=patient)
    assert (following.due_on, following.assigned_to) == (days_from_today(14), case_manager)

    # The engagement on the patient's page moved.
    engagement = client.get(patient.get_absolute_url()).context["stop5"]["engagement"]
    assert (engagement.last_30_days, engagement.last_90_days) == (3, 3)


def test_logging_without_a_schedule_completes_the_overdue_one_rather_than_adding_another(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    overdue = ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(-1))
    login(case_manager).post(reverse("referrals:follow_up_log_new", args=[patient.public_id]),
                             log_data(next_follow_up_on=""))
    overdue.refresh_from_db()
    assert overdue.is_done
    assert FollowUp.objects.filter(patient=patient).count() == 1


def test_an_unscheduled_follow_up_is_logged_as_a_new_one(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    login(case_manager).post(reverse("referrals:follow_up_log_new", args=[patient.public_id]),
                             log_data(method="text", meetings_attended="0", felt_welcome=""))
    done = FollowUp.objects.done().get(patient=patient)
    assert (done.method, done.meetings_attended, done.assigned_to, done.due_on) == ("text", 0, case_manager, today())


def test_an_already_scheduled_next_follow_up_is_offered_and_not_doubled(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    ahead = ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(10))
    client = login(case_manager)
    url = reverse("referrals:follow_up_log_new", args=[patient.public_id])
    form = client.get(url).context["form"]
    assert form["next_follow_up_on"].value() == ahead.due_on
    client.post(url, log_data(next_follow_up_on=ahead.due_on.isoformat()))
    assert list(FollowUp.objects.scheduled().filter(patient=patient)) == [ahead]


@pytest.mark.parametrize("overrides, field, message", [
    ({"done_on": (datetime.date.today() + datetime.timedelta(days=30)).isoformat()}, "done_on",
     "cannot be logged as done on a future"),
    ({"meetings_attended": "-2"}, "meetings_attended", "cannot be negative"),
    ({"meetings_attended": "lots"}, "meetings_attended", "Enter a whole number"),
    ({"next_follow_up_on": datetime.date.today().isoformat()}, "next_follow_up_on", "must come after this one"),
    ({"done_on": (datetime.date.today() - datetime.timedelta(days=5)).isoformat(),
      "next_follow_up_on": (datetime.date.today() - datetime.timedelta(days=6)).isoformat()},
     "next_follow_up_on", "must come after"),
    ({"felt_welcome": ""}, "felt_welcome", "Say whether they felt welcome"),
    ({"method": "carrier pigeon"}, "method", "Select a valid choice"),
    ({"new_barrier_kind": "other"}, "new_barrier_other", "Name the new barrier"),
])
def test_bad_follow_up_input_is_refused_and_nothing_is_lost(login, case_manager, overrides, field, message):
    patient = patient_with_team(case_manager=case_manager)
    scheduled = ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(-2))
    barrier = BarrierFactory(patient=patient, owner=case_manager, noted_by=case_manager)
    response = login(case_manager).post(
        reverse("referrals:follow_up_log", args=[patient.public_id, scheduled.pk]),
        log_data(resolved_barriers=[barrier.pk], **overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert "The Tuesday group gets it." in response.content.decode()  # what was typed is kept
    scheduled.refresh_from_db()
    barrier.refresh_from_db()
    assert scheduled.status == FollowUpStatus.SCHEDULED and scheduled.done_on is None
    assert barrier.status == BarrierStatus.OPEN
    assert FollowUp.objects.count() == 1 and Barrier.objects.count() == 1


def test_a_follow_up_can_resolve_one_barrier_and_note_a_new_one(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    transport = BarrierFactory(patient=patient, owner=case_manager, noted_by=case_manager)
    login(case_manager).post(
        reverse("referrals:follow_up_log_new", args=[patient.public_id]),
        log_data(resolved_barriers=[transport.pk], new_barrier_kind="childcare", new_barrier_severity="a_lot",
                 new_barrier_details="No sitter on Tuesdays"))
    follow_up = FollowUp.objects.done().get()
    transport.refresh_from_db()
    assert transport.status == BarrierStatus.RESOLVED and transport.closed_on == today()
    assert list(follow_up.resolved_barriers.all()) == [transport]
    childcare = Barrier.objects.get(kind="childcare")
    assert (childcare.noted_at_follow_up, childcare.noted_by, childcare.severity, childcare.details) == (
        follow_up, case_manager, "a_lot", "No sitter on Tuesdays")


def test_another_patients_barrier_cannot_be_resolved_through_a_follow_up(login, case_manager):
    patient, other = patient_with_team(case_manager=case_manager), patient_with_team(case_manager=case_manager)
    theirs = BarrierFactory(patient=other, owner=case_manager, noted_by=case_manager)
    response = login(case_manager).post(reverse("referrals:follow_up_log_new", args=[patient.public_id]),
                                        log_data(resolved_barriers=[theirs.pk]))
    assert "Select a valid choice" in " ".join(response.context["form"].errors["resolved_barriers"])
    theirs.refresh_from_db()
    assert theirs.status == BarrierStatus.OPEN and not FollowUp.objects.exists()


def test_follow_ups_are_scheduled_ahead_but_not_in_the_past(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    client = login(case_manager)
    url = reverse("referrals:follow_up_schedule", args=[patient.public_id])
    response = client.post(url, {"due_on": days_from_today(-1).isoformat(), "assigned_to": case_manager.pk})
    assert "The follow-up must be between today and" in " ".join(response.context["form"].errors["due_on"])
    assert not FollowUp.objects.exists()
    client.post(url, {"due_on": days_from_today(21).isoformat(), "assigned_to": case_manager.pk})
    assert FollowUp.objects.scheduled().get().due_on == days_from_today(21)


def test_a_scheduled_follow_up_can_be_cancelled_but_a_done_one_cannot(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    scheduled = ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(3))
    done = DoneFollowUpFactory(patient=patient, assigned_to=case_manager)
    client = login(case_manager)
    assert client.post(reverse("referrals:follow_up_cancel", args=[patient.public_id, done.pk])).status_code == 404
    client.post(reverse("referrals:follow_up_cancel", args=[patient.public_id, scheduled.pk]))
    assert list(FollowUp.objects.all()) == [done]


def test_a_done_follow_up_is_not_logged_twice(login, case_manager):
    done = DoneFollowUpFactory(patient=patient_with_team(case_manager=case_manager), assigned_to=case_manager,
                               meetings_attended=2)
    response = login(case_manager).post(reverse("referrals:follow_up_log", args=[done.patient.public_id, done.pk]),
                                        log_data(meetings_attended="9"), follow=True)
    assert "already logged" in response.content.decode()
    done.refresh_from_db()
    assert done.meetings_attended == 2


def test_the_database_refuses_negative_meetings_and_a_next_date_before_the_follow_up(case_manager):
    patient = patient_with_team(case_manager=case_manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        DoneFollowUpFactory(patient=patient, assigned_to=case_manager, meetings_attended=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        DoneFollowUpFactory(patient=patient, assigned_to=case_manager, next_follow_up_on=days_from_today(-1))
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, status=FollowUpStatus.DONE)


def test_engagement_counts_meetings_in_the_last_30_and_90_days():
    day = datetime.date(2026, 5, 20)
    rows = [(day, 2), (day - datetime.timedelta(days=29), 1), (day - datetime.timedelta(days=30), 4),
            (day - datetime.timedelta(days=89), 5), (day - datetime.timedelta(days=90), 7),
            (day + datetime.timedelta(days=1), 9)]  # a future date is ignored
    engagement = engagement_from_rows(rows, day)
    assert (engagement.last_30_days, engagement.last_90_days) == (3, 12)
    assert [m.month for m in engagement.months] == [datetime.date(2026, m, 1) for m in range(12 + 0, 12)] + [
        datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 3, 1),
        datetime.date(2026, 4, 1), datetime.date(2026, 5, 1)]
    per_month = {m.month.month: m.meetings for m in engagement.months}
    # May 20 (2), Apr 21 (1), Apr 20 (4), Feb 20 (5), Feb 19 (7)
    assert per_month == {12: 0, 1: 0, 2: 12, 3: 0, 4: 5, 5: 2}
    assert engagement.peak == 12


def test_patient_engagement_counts_only_their_done_follow_ups(case_manager):
    patient, other = patient_with_team(case_manager=case_manager), patient_with_team(case_manager=case_manager)
    DoneFollowUpFactory(patient=patient, assigned_to=case_manager, done_on=days_from_today(-3), meetings_attended=2)
    DoneFollowUpFactory(patient=patient, assigned_to=case_manager, done_on=days_from_today(-40), meetings_attended=3)
    DoneFollowUpFactory(patient=other, assigned_to=case_manager, meetings_attended=8)
    ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager)
    engagement = patient_engagement(patient, today())
    assert (engagement.last_30_days, engagement.last_90_days) == (2, 5)
    assert sum(m.meetings for m in engagement.months) == 5


def test_the_engagement_chart_shows_each_month_in_words(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    DoneFollowUpFactory(patient=patient, assigned_to=case_manager, meetings_attended=4)
    page = login(case_manager).get(reverse("referrals:follow_up_list", args=[patient.public_id])).content.decode()
    assert '<svg' in page and 'role="img"' in page
    assert f"{today():%B %Y}: 4" in page  # the chart's description reads the numbers out


def test_another_clinics_follow_ups_are_a_404(login, case_manager, other_clinic):
    theirs = ScheduledFollowUpFactory(patient=PatientFactory(clinic=other_clinic))
    mine = patient_with_team(case_manager=case_manager)
    client = login(case_manager)
    pid = theirs.patient.public_id
    assert client.get(reverse("referrals:follow_up_list", args=[pid])).status_code == 404
    assert client.post(reverse("referrals:follow_up_log", args=[pid, theirs.pk]), log_data()).status_code == 404
    assert client.post(reverse("referrals:follow_up_log", args=[mine.public_id, theirs.pk]),
                       log_data()).status_code == 404
    assert client.post(reverse("referrals:follow_up_schedule", args=[pid]),
                       {"due_on": today().isoformat()}).status_code == 404
    assert client.post(reverse("referrals:follow_up_cancel", args=[pid, theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == FollowUpStatus.SCHEDULED


def test_staff_off_the_care_team_cannot_log_follow_ups(login, clinician, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    response = login(clinician).post(reverse("referrals:follow_up_log_new", args=[patient.public_id]), log_data())
    assert response.status_code == 403
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("page", ["follow_ups", "patient", "log"])
def test_follow_up_pages_query_count_does_not_grow(login, case_manager, django_assert_max_num_queries, page):
    patient = patient_with_team(case_manager=case_manager)
    first = DoneFollowUpFactory(patient=patient, assigned_to=case_manager)
    first.resolved_barriers.add(BarrierFactory(patient=patient, owner=case_manager, noted_by=case_manager))
    first.attended_referrals.add(ReferralFactory(patient=patient, referred_by=case_manager, status="referred"))
    ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=today())
    url = {"follow_ups": reverse("referrals:follow_up_list", args=[patient.public_id]),
           "log": reverse("referrals:follow_up_log_new", args=[patient.public_id]),
           "patient": patient.get_absolute_url()}[page]
    client = login(case_manager)
    with django_assert_max_num_queries(PATIENT_PAGE_MAX_QUERIES if page == "patient" else 20) as small:
        client.get(url)
    for n in range(1, 15):
        follow_up = DoneFollowUpFactory(patient=patient, assigned_to=case_manager, done_on=days_from_today(-(7 * n)))
        barrier = BarrierFactory(patient=patient, owner=case_manager, noted_by=case_manager)
        follow_up.resolved_barriers.add(barrier)
        follow_up.attended_referrals.add(ReferralFactory(patient=patient, referred_by=case_manager,
                                                         status="referred"))
        ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(n))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_a_follow_up_moves_referrals_forward(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    referred = ReferralFactory(patient=patient, referred_by=case_manager, status="referred")
    went_before = ReferralFactory(patient=patient, referred_by=case_manager, status="referred")
    went_before.move_to(status="first_meeting_attended", by=case_manager)
    Referral.objects.filter(pk=went_before.pk).update(status_changed_at=timezone.now() - datetime.timedelta(days=10))
    response = login(case_manager).post(
        reverse("referrals:follow_up_log_new", args=[patient.public_id]),
        log_data(attended_referrals=[referred.pk, went_before.pk]), follow=True)
    referred.refresh_from_db()
    went_before.refresh_from_db()
    assert referred.status == "first_meeting_attended"
    assert went_before.status == "engaged"
    last = went_before.transitions.last()
    assert (last.by, last.note) == (case_manager, f"Reported at the follow-up of {today():%b %-d, %Y}.")
    assert "now “engaged”" in response.content.decode()
    assert set(FollowUp.objects.done().get().attended_referrals.all()) == {referred, went_before}


def test_one_meeting_does_not_count_twice_toward_engaged(case_manager):
    patient = patient_with_team(case_manager=case_manager)
    referral = ReferralFactory(patient=patient, referred_by=case_manager, status="referred")
    referral.move_to(status="first_meeting_attended", by=case_manager)  # e.g. the first meeting together, logged today
    follow_up = DoneFollowUpFactory.build(patient=patient, assigned_to=case_manager, created_by=case_manager)
    follow_up.record_done(by=case_manager, attended_referrals=[referral])
    referral.refresh_from_db()
    assert referral.status == "first_meeting_attended"


def test_only_referrals_made_can_be_ticked_and_counts_must_cover_them(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    suggested = ReferralFactory(patient=patient, referred_by=case_manager, status="suggested")
    referred = ReferralFactory(patient=patient, referred_by=case_manager, status="referred")
    client = login(case_manager)
    url = reverse("referrals:follow_up_log_new", args=[patient.public_id])
    response = client.post(url, log_data(attended_referrals=[suggested.pk]))
    assert "Select a valid choice" in " ".join(response.context["form"].errors["attended_referrals"])
    response = client.post(url, log_data(attended_referrals=[referred.pk], meetings_attended="0", felt_welcome=""))
    assert "count at least that many meetings" in " ".join(response.context["form"].errors["meetings_attended"])
    referred.refresh_from_db()
    assert referred.status == "referred" and not FollowUp.objects.exists()


def test_another_patients_referral_cannot_be_ticked(login, case_manager):
    patient, other = patient_with_team(case_manager=case_manager), patient_with_team(case_manager=case_manager)
    theirs = ReferralFactory(patient=other, referred_by=case_manager, status="referred")
    response = login(case_manager).post(reverse("referrals:follow_up_log_new", args=[patient.public_id]),
                                        log_data(attended_referrals=[theirs.pk]))
    assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.status == "referred"


def test_the_follow_up_log_form_asks_no_queries_of_its_own(case_manager, django_assert_num_queries):
    patient = patient_with_team(case_manager=case_manager)
    ahead = ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(10))
    BarrierFactory(patient=patient, noted_by=case_manager, owner=case_manager)
    with django_assert_num_queries(3):  # referrals to report on, open barriers, the next follow-up scheduled
        choices = follow_up_log_choices(patient)
    assert choices.already_scheduled == ahead and choices.has_open_barriers and not choices.has_referrals
    with django_assert_num_queries(0):
        form = FollowUpLogForm(instance=follow_up_to_log(patient), choices=choices, user=case_manager)
    assert form["next_follow_up_on"].value() == ahead.due_on
    assert form.instance.patient == patient and form.instance.status == FollowUpStatus.DONE
