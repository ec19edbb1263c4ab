"""Every date a staff form takes lies in a window that fits what it means (patients/date_windows.py): what
happened lies between the patient's birth and today, what is planned between today and a year or two ahead, a
goal's target within five years. An impossible date is refused with a message that says the window, and what
was typed is kept; nothing is saved."""

import datetime

import pytest
from django.urls import reverse

from patients import date_windows as windows
from patients.models import PlanVersion
from referrals.models import Barrier, Consent, FollowUp, Intervention
from wellness.models import WellnessGoal

from .factories.dates import days_from_today, today
from .factories.patients import patient_with_team
from .factories.referrals.barriers import BarrierFactory, ScheduledFollowUpFactory
from .factories.referrals.directory import ProgramFactory
from .factories.treatment_plans import PlanVersionFactory, TreatmentPlanFactory
from .test_barriers import barrier_data, intervention_data
from .test_consent import consent_data
from .test_followups import log_data
from .test_treatment_plans import edit_url, open_editor

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1980, 5, 17)  # the factories' date of birth


def in_years(n):
    return windows.add_years(today(), n)


def fmt(day):
    return windows.format_day(day)


# The windows, at their edges ----------------------------------------------------------------------------------

@pytest.mark.parametrize("window, inside, outside", [
    (windows.HAPPENED, [BIRTH, today()], [BIRTH - datetime.timedelta(days=1), days_from_today(1)]),
    (windows.SOON, [today(), in_years(2)], [days_from_today(-1), in_years(2) + datetime.timedelta(days=1)]),
    (windows.REVIEW, [today(), in_years(2)], [days_from_today(-1), in_years(2) + datetime.timedelta(days=1)]),
    (windows.TARGET, [today(), in_years(5)], [days_from_today(-1), in_years(5) + datetime.timedelta(days=1)]),
    (windows.MEDICATION, [BIRTH, in_years(1)], [BIRTH - datetime.timedelta(days=1),
                                                in_years(1) + datetime.timedelta(days=1)]),
    (windows.BIRTH_DATE, [in_years(-120), today()], [in_years(-120) - datetime.timedelta(days=1),
                                                     days_from_today(1)]),
])
def test_each_window_takes_its_edges_and_refuses_a_day_beyond_them(window, inside, outside):
    for day in inside:
        assert window.problem(day, "The date", today=today(), birth=BIRTH, cleaned={}) is None, day
    for day in outside:
        assert window.problem(day, "The date", today=today(), birth=BIRTH, cleaned={}) is not None, day


def test_the_message_says_the_window_in_words():
    assert windows.SOON.problem(datetime.date(9999, 12, 31), "The next follow-up", today=today(), birth=BIRTH,
                                cleaned={}) == f"The next follow-up must be between today and {fmt(in_years(2))}."
    assert windows.HAPPENED.problem(datetime.date(1900, 1, 1), "The date", today=today(), birth=BIRTH,
                                    cleaned={}) == ("The date must be between the patient's date of birth "
                                                    "(May 17, 1980) and today.")


def test_history_without_a_known_patient_reaches_back_a_lifetime():
    oldest = in_years(-windows.OLDEST_AGE_YEARS)
    assert windows.HAPPENED.problem(oldest, "The date", today=today(), birth=None, cleaned={}) is None
    assert f"between {fmt(oldest)} and today" in windows.HAPPENED.problem(
        oldest - datetime.timedelta(days=1), "The date", today=today(), birth=None, cleaned={})


def test_a_leap_day_moves_to_the_last_day_of_february():
    assert windows.add_years(datetime.date(2028, 2, 29), 1) == datetime.date(2029, 2, 28)


# On the forms ------------------------------------------------------------------------------------------------

def test_a_follow_up_done_in_1900_with_the_next_in_9999_is_refused_and_the_typing_kept(login, case_manager):
    """The issue's story: the patient silently left the case manager's queue."""
    patient = patient_with_team(case_manager=case_manager)
    due = ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(-2))
    response = login(case_manager).post(
        reverse("referrals:follow_up_log", args=[patient.public_id, due.pk]),
        log_data(done_on="1900-01-01", next_follow_up_on="9999-12-31", next_assigned_to=case_manager.pk,
                 in_their_words="Keep what I typed"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["done_on"] == ["The date of the follow-up must be between the patient's date of birth "
                                 "(May 17, 1980) and today."]
    assert errors["next_follow_up_on"] == [f"The next follow-up must be between today and {fmt(in_years(2))}."]
    page = response.content.decode()
    assert "Keep what I typed" in page and "The next follow-up must be between today and" in page
    due.refresh_from_db()
    assert not due.is_done and FollowUp.objects.filter(patient=patient).count() == 1


def test_a_follow_up_at_the_edges_of_its_windows_is_saved(login, case_manager):
    patient = patient_with_team(case_manager=case_manager, date_of_birth=days_from_today(-365 * 30))
    login(case_manager).post(reverse("referrals:follow_up_log_new", args=[patient.public_id]),
                             log_data(done_on=patient.date_of_birth.isoformat(),
                                      next_follow_up_on=in_years(2).isoformat(), next_assigned_to=case_manager.pk))
    assert FollowUp.objects.get(patient=patient, status="done").done_on == patient.date_of_birth
    assert FollowUp.objects.scheduled().get(patient=patient).due_on == in_years(2)


def test_a_plan_review_in_9999_is_refused(login, clinician):
    patient = patient_with_team(clinician=clinician)
    PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    client = login(clinician)
    data = open_editor(client, patient, 1)
    data.update({"plan-next_review_date": "9999-12-31", "plan-notes": "Typed just now"})
    response = client.post(edit_url(patient, 1), data)
    assert response.context["forms"].plan.errors["next_review_date"] == [
        f"The next review must be between today and {fmt(in_years(2))}."]
    assert "Typed just now" in response.content.decode()
    assert PlanVersion.objects.get().next_review_date != datetime.date(9999, 12, 31)
    data["plan-next_review_date"] = in_years(2).isoformat()
    client.post(edit_url(patient, 1), data | {"plan-lock_version": str(PlanVersion.objects.get().lock_version)})
    assert PlanVersion.objects.get().next_review_date == in_years(2)


def test_a_wellness_goal_aimed_at_1900_is_refused_but_a_saved_one_that_passed_can_still_be_edited(login, peer):
    patient = patient_with_team(peer=peer)
    client = login(peer)
    add = reverse("wellness:plan_item_add", args=[patient.public_id, "goals"])
    response = client.post(add, {"goal": "Walk daily", "dimension": "physical", "target_date": "1900-01-01",
                                 "status": "working_on_it"})
    assert response.context["form"].errors["target_date"] == [
        f"The date aimed for must be between today and {fmt(in_years(5))}."]
    assert not WellnessGoal.objects.exists()
    client.post(add, {"goal": "Walk daily", "dimension": "physical", "target_date": days_from_today(10).isoformat(),
                      "status": "working_on_it"})
    goal = WellnessGoal.objects.get()
    WellnessGoal.objects.filter(pk=goal.pk).update(target_date=days_from_today(-30))  # time passed
    client.post(reverse("wellness:plan_item_edit", args=[patient.public_id, "goals", goal.pk]),
                {"goal": "Walk daily", "dimension": "physical", "target_date": days_from_today(-30).isoformat(),
                 "status": "reached"})
    goal.refresh_from_db()
    assert goal.status == "reached" and goal.target_date == days_from_today(-30)


def test_an_intervention_due_in_9999_is_refused_and_one_before_the_barrier_too(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    barrier = BarrierFactory(patient=patient, noted_by=case_manager, owner=case_manager,
                             noted_on=days_from_today(-10))
    client = login(case_manager)
    url = reverse("referrals:intervention_create", args=[patient.public_id, barrier.pk])
    response = client.post(url, intervention_data(case_manager, due_on="9999-12-31"))
    assert response.context["form"].errors["due_on"] == [
        f"The due date must be between the day the barrier was noted ({fmt(days_from_today(-10))}) and "
        f"{fmt(in_years(2))}."]
    response = client.post(url, intervention_data(case_manager, due_on=days_from_today(-11).isoformat()))
    assert "before the barrier was noted" in response.context["form"].errors["due_on"][0]
    assert not Intervention.objects.exists()
    client.post(url, intervention_data(case_manager, due_on=days_from_today(-10).isoformat()))
    assert Intervention.objects.get().due_on == days_from_today(-10)


def test_a_barrier_noted_before_the_patient_was_born_is_refused(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    response = login(case_manager).post(reverse("referrals:barrier_create", args=[patient.public_id]),
                                        barrier_data(noted_on="1900-01-01", owner=case_manager.pk))
    assert "must be between the patient's date of birth (May 17, 1980) and today" in \
        response.context["form"].errors["noted_on"][0]
    assert not Barrier.objects.exists()


def test_a_consent_expires_after_it_was_signed_and_within_ten_years(login, peer):
    patient = patient_with_team(peer=peer)
    program = ProgramFactory()
    client = login(peer)
    url = reverse("referrals:consent_new", args=[patient.public_id])
    response = client.post(url, consent_data(program, expires_on="9999-12-31"))
    assert response.context["form"].errors["expires_on"] == [
        f"The expiry date must be between the date signed ({fmt(today())}) and {fmt(in_years(10))}."]
    assert not Consent.objects.exists()
    client.post(url, consent_data(program, expires_on=in_years(10).isoformat()))
    assert Consent.objects.get().expires_on == in_years(10)


def test_a_date_of_birth_more_than_120_years_ago_is_refused(login, clinician):
    response = login(clinician).post(reverse("patients:create"), {
        "first_name": "Ada", "last_name": "Old", "date_of_birth": "1900-01-01", "mrn": "RB-9001",
        "preferred_language": "English", "preferred_contact": "phone"})
    assert response.context["form"].errors["date_of_birth"] == [
        f"The date of birth must be between {fmt(in_years(-120))} and today."]
