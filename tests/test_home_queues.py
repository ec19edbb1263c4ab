"""Each role's home page is a work queue: they log in, see their rows, and one click leads to the action."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from maud_pathways.queues import QUEUE_LIMIT, queues_for
from patients.models import Role

from .factories.dates import days_from_today, today
from .factories.pathway import walked_patient
from .factories.patients import TEST_PASSWORD, ClinicFactory, StaffFactory, patient_with_team
from .factories.referrals.barriers import BarrierFactory, InterventionFactory, ScheduledFollowUpFactory
from .factories.referrals.conversations import ConversationFactory, FirstMeetingPlanFactory, ReferralFactory
from .factories.treatment_plans import PlanVersionFactory, signed_plan
from .factories.wellness import AssessmentFactory, WellnessPlanFactory
from .query_budgets import HOME_MAX_QUERIES

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - datetime.timedelta(days=200)


def home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def queue(response, key):
    """The queue with ``key`` from the page's context, whichever role it belongs to."""
    return next(q for group in response.context["role_queues"] for q in group.queues if q.key == key)


def follow(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# Clinician --------------------------------------------------------------------------------------------

def test_clinician_sees_plans_due_gaps_and_patients_without_a_plan(login, clinic, clinician):
    due = patient_with_team(clinic, clinician=clinician, last_name="Due")
    signed_plan(due, clinician, next_review_date=days_from_today(-3), at=LONG_AGO)
    fine = patient_with_team(clinic, clinician=clinician, last_name="Fine")
    signed_plan(fine, clinician, next_review_date=days_from_today(60))
    no_plan = patient_with_team(clinic, clinician=clinician, last_name="Noplan")
    drafting = patient_with_team(clinic, clinician=clinician, last_name="Drafting")
    PlanVersionFactory(plan__patient=drafting)
    gap = AssessmentFactory(patient=fine, levels={"personal": 3, "social": 2, "community": 3, "cultural": 3},
                            taken_on=days_from_today(-2))
    client = login(clinician)

    page = home(client)
    plans_due = queue(page, "plans-due")
    assert [r.patient for r in plans_due.rows] == [due] and plans_due.count == 1
    assert plans_due.rows[0].urgent == "Overdue by 3 days"
    assert "Revise the plan" in follow(client, plans_due.rows[0].action_url)

    no_plans = queue(page, "no-plan")  # the longest waiting (registered first) first
    assert [(r.patient, r.action_label) for r in no_plans.rows] == [(no_plan, "Start the plan"),
                                                                    (drafting, "Finish the draft")]

    gaps = queue(page, "gaps")
    assert [r.patient for r in gaps.rows] == [fine] and "Social" in gaps.rows[0].what
    # One click: the row's button opens the form that turns the gap into a treatment-plan goal.
    assert gaps.rows[0].action_url == reverse("wellness:gap_treatment_goal", args=[fine.public_id, gap.pk, "social"])
    client.post(gaps.rows[0].action_url, {"description": "Join a weekly social group"})
    assert queue(home(client), "gaps").count == 0

    html = page.content.decode()
    assert 'data-testid="count-plans-due"' in html and f'href="{plans_due.rows[0].action_url}"' in html
    assert f'href="{reverse("queue", args=["plans-due"])}"' in html  # the count opens the whole queue


def test_clinician_queue_shows_ten_rows_and_a_link_to_all(login, clinic, clinician):
    for n in range(QUEUE_LIMIT + 2):
        signed_plan(patient_with_team(clinic, clinician=clinician), clinician, next_review_date=days_from_today(-n - 1),
                    at=LONG_AGO)
    page = home(login(clinician))
    plans_due = queue(page, "plans-due")
    assert len(plans_due.rows) == QUEUE_LIMIT and plans_due.count == QUEUE_LIMIT + 2
    assert plans_due.rows[0].urgent == f"Overdue by {QUEUE_LIMIT + 2} days"  # the longest overdue first
    assert f"See all {QUEUE_LIMIT + 2}" in page.content.decode()


def test_the_queues_only_hold_the_users_own_clinic_and_care_teams(login, clinic, clinician):
    elsewhere = ClinicFactory(name="Elsewhere")
    stranger = StaffFactory(clinic=elsewhere, roles=[Role.CLINICIAN])
    patient_with_team(elsewhere, clinician=stranger)
    # A name no factory makes up, so it cannot match the logged-in clinician's own (randomly made) name.
    not_mine = patient_with_team(clinic, first_name="Quillon", last_name="Notmine")
    page = home(login(clinician))
    assert all(q.count == 0 for group in page.context["role_queues"] for q in group.queues)
    assert not_mine.last_name not in page.content.decode()


# Peer support specialist ----------------------------------------------------------------------------

def test_peer_sees_wellness_plans_assessments_conversations_and_first_meetings(login, clinic, peer, clinician):
    new = patient_with_team(clinic, peer=peer, last_name="Newcomer")
    settled = patient_with_team(clinic, peer=peer, last_name="Settled")
    WellnessPlanFactory(patient=settled)
    AssessmentFactory(patient=settled, levels=3, taken_on=days_from_today(-120))
    ConversationFactory(patient=settled, held_by=peer)
    referral = ReferralFactory(patient=settled, referred_by=peer, status="referred")
    meeting = FirstMeetingPlanFactory(referral=referral, companion=peer, planned_for=days_from_today(2))
    without_peer = patient_with_team(clinic, clinician=clinician, last_name="Nopeer")
    client = login(peer)

    page = home(client)
    assert [r.patient for r in queue(page, "wellness-plans").rows] == [new]
    assert "When I am well" in follow(client, queue(page, "wellness-plans").rows[0].action_url)

    assessments = queue(page, "assessments-due")
    assert [(r.patient, r.what.split(" ")[0]) for r in assessments.rows] == [(new, "Never"), (settled, "Last")]
    follow(client, assessments.rows[0].action_url)

    conversations = queue(page, "conversations")
    assert [r.patient for r in conversations.rows] == [new]  # Stop 3a only: not the patient without a peer
    assert without_peer not in [r.patient for r in conversations.rows]
    assert conversations.rows[0].action_url == reverse("referrals:conversation_new", args=[new.public_id])
    follow(client, conversations.rows[0].action_url)

    meetings = queue(page, "first-meetings")
    assert [r.patient for r in meetings.rows] == [settled]
    assert meeting.meeting.name in meetings.rows[0].what
    follow(client, meetings.rows[0].action_url)


# Case manager ------------------------------------------------------------------------------------------

def test_case_manager_sees_the_stop5_queue_on_the_home_page(login, clinic, case_manager):
    patient = patient_with_team(clinic, case_manager=case_manager, last_name="Followed")
    follow_up = ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=today())
    barrier = BarrierFactory(patient=patient, noted_by=case_manager, owner=case_manager)
    intervention = InterventionFactory(barrier=BarrierFactory(patient=patient, noted_by=case_manager,
                                                              owner=case_manager), due_on=today())
    client = login(case_manager)

    page = home(client)
    follow_ups = queue(page, "follow-ups")
    assert follow_ups.rows[0].action_url == reverse("referrals:follow_up_log", args=[patient.public_id, follow_up.pk])
    assert follow_ups.rows[0].urgent == "Due today"
    follow(client, follow_ups.rows[0].action_url)
    barriers = queue(page, "barriers")
    assert {r.action_url for r in barriers.rows} == {
        reverse("referrals:intervention_outcome", args=[patient.public_id, intervention.barrier.pk,
                                                        intervention.pk]),
        reverse("referrals:barrier_detail", args=[patient.public_id, barrier.pk]),
    }
    for row in barriers.rows:
        follow(client, row.action_url)
    assert follow_ups.see_all_url == reverse("referrals:case_manager_queue") + "#queue-follow-ups"


# Clinic admin and several roles ---------------------------------------------------------------------------

def test_clinic_admin_sees_the_clinic_in_short_and_the_admin_pages(login, clinic, clinic_admin, clinician):
    patient_with_team(clinic, clinician=clinician)
    patient_with_team(clinic)
    page = home(login(clinic_admin))
    summary = page.context["summary"]
    assert (summary.patients, summary.without_care_team) == (2, 1)
    html = page.content.decode()
    for name in ("staff:list", "staff:audit", "referrals:meeting_import"):
        assert f'href="{reverse(name)}"' in html
    assert page.context["role_queues"] == []


def test_staff_with_several_roles_see_each_queue(login, clinic):
    both = StaffFactory(clinic=clinic, roles=[Role.CLINICIAN, Role.CASE_MANAGER])
    page = home(login(both))
    assert [group.role for group in page.context["role_queues"]] == [Role.CLINICIAN, Role.CASE_MANAGER]
    html = page.content.decode()
    assert "As clinician" in html and "As case manager" in html
    assert queues_for(both, today())[1].queues[0].key == "to-reach"  # patients to reach come first


def test_every_row_of_the_home_page_is_one_click_from_its_action(login, clinic, clinician, peer, case_manager):
    walked_patient(clinic, clinician, peer, case_manager)
    for user in (clinician, peer, case_manager):
        client = login(user)
        page = home(client)
        rows = [r for group in page.context["role_queues"] for q in group.queues for r in q.rows]
        assert rows, user
        html = page.content.decode()
        for row in rows:
            assert f'href="{row.action_url}"' in html
            follow(client, row.action_url)


# Next steps agreed in Stop 3 conversations -------------------------------------------------------------

def test_a_peer_sees_the_next_step_they_agreed_until_they_mark_it_done(login, clinic, peer):
    patient = patient_with_team(clinic, peer=peer)
    ConversationFactory(patient=patient, held_by=peer, held_on=days_from_today(-9),
                        next_step="Call the recovery center", next_step_on=days_from_today(-2))
    client = login(peer)

    steps = queue(home(client), "next-steps-peer_specialist")
    assert [(r.patient, r.urgent) for r in steps.rows] == [(patient, "Overdue by 2 days")]
    assert "Call the recovery center" in steps.rows[0].what
    overview = client.get(steps.rows[0].action_url).content.decode()
    assert "Mark the next step done" in overview

    conversation = patient.support_conversations.get()
    done = client.post(reverse("referrals:next_step_done", args=[patient.public_id, conversation.pk]), follow=True)

    assert "Next step done: Call the recovery center" in done.content.decode()
    conversation.refresh_from_db()
    assert conversation.next_step_done_on == today() and conversation.next_step_done_by == peer
    assert queue(home(client), "next-steps-peer_specialist").count == 0
    again = client.post(reverse("referrals:next_step_done", args=[patient.public_id, conversation.pk]), follow=True)
    assert "already marked done" in again.content.decode()


def test_only_current_due_next_steps_of_the_user_show(login, clinic, peer, case_manager):
    far, replaced, colleague = (patient_with_team(clinic, peer=peer) for _ in range(3))
    ConversationFactory(patient=far, held_by=peer, next_step_on=days_from_today(10))  # not due for a while
    ConversationFactory(patient=replaced, held_by=peer, held_on=days_from_today(-20), next_step_on=days_from_today(-10))
    ConversationFactory(patient=replaced, held_by=peer, held_on=days_from_today(-1),
                        next_step_on=days_from_today(12))  # agreed anew
    ConversationFactory(patient=colleague, held_by=case_manager, held_by_role=Role.CASE_MANAGER, track="3b",
                        next_step_on=days_from_today(-1))
    soon = patient_with_team(clinic, peer=peer)
    ConversationFactory(patient=soon, held_by=peer, next_step_on=days_from_today(2))

    steps = queue(home(login(peer)), "next-steps-peer_specialist")
    assert [(r.patient, r.urgent) for r in steps.rows] == [(soon, "")]  # coming up: not flagged as urgent
    theirs = queue(home(login(case_manager)), "next-steps-case_manager")
    assert [r.patient for r in theirs.rows] == [colleague]


# Queries ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["clinician", "peer", "case_manager", "clinic_admin"])
def test_each_home_page_uses_a_fixed_number_of_queries(login, clinic, clinician, peer, case_manager,
                                                       clinic_admin, role):
    user = {"clinician": clinician, "peer": peer, "case_manager": case_manager, "clinic_admin": clinic_admin}[role]
    client = login(user)

    def add(n):
        for i in range(n):
            walked_patient(clinic, clinician, peer, case_manager, records=1 + i % 2)
            signed_plan(patient_with_team(clinic, clinician=clinician, peer=peer, case_manager=case_manager),
                        clinician, next_review_date=days_from_today(-2), at=LONG_AGO)

    add(1)
    home(client)  # warm the session
    with CaptureQueriesContext(connection) as small:
        home(client)
    add(8)
    with CaptureQueriesContext(connection) as large:
        page = home(client)
    assert len(large.captured_queries) == len(small.captured_queries) <= HOME_MAX_QUERIES
    if role != "clinic_admin":
        waiting = page.context["role_queues"][0].patients
        assert 0 < len(waiting) <= QUEUE_LIMIT  # capped, while 18 patients have work waiting
    assert re.search(r"data-testid=\"count-", page.content.decode()) or role == "clinic_admin"


# One row per patient, longest waiting first (issue 19, item 3) ------------------------------------------

def test_the_peer_sees_each_patient_once_with_everything_waiting_longest_first(login, clinic, peer):
    newcomer = patient_with_team(clinic, peer=peer, last_name="Newcomer")  # no plan, talk or assessment yet
    settled = patient_with_team(clinic, peer=peer, last_name="Settled")
    WellnessPlanFactory(patient=settled)
    AssessmentFactory(patient=settled, levels=3, taken_on=days_from_today(-200))  # due since 110 days ago
    ConversationFactory(patient=settled, held_by=peer, held_on=days_from_today(-30))
    referral = ReferralFactory(patient=settled, referred_by=peer, status="referred")
    FirstMeetingPlanFactory(referral=referral, companion=peer, planned_for=days_from_today(-2))
    client = login(peer)

    page = home(client)
    waiting = page.context["role_queues"][0].patients
    assert [w.patient for w in waiting] == [settled, newcomer]  # the settled patient's assessment waited longest
    assert [r.kind for r in waiting[0].items] == ["assessments-due", "first-meetings"]
    assert [r.kind for r in waiting[1].items] == ["conversations", "wellness-plans", "assessments-due"]
    html = page.content.decode()
    assert html.count(f'href="{newcomer.get_absolute_url()}"') == 1  # each patient once, not once per queue
    for work in waiting:  # every piece of work is one click from the home page
        for row in work.items:
            assert f'href="{row.action_url}"' in html
            follow(client, row.action_url)


def test_every_count_opens_the_whole_queue_page_by_page(login, clinic, peer):
    patients = [patient_with_team(clinic, peer=peer) for _ in range(27)]
    client = login(peer)
    page = home(client)
    html = page.content.decode()
    url = reverse("queue", args=["wellness-plans"])
    assert f'href="{url}"' in html and "See all 27" in html

    first = client.get(url)
    assert first.status_code == 200
    assert [r.patient for r in first.context["queue"].rows] == patients[:25]  # registered first, waited longest
    assert "Showing 1–25 of 27" in first.content.decode() and "?page=2" in first.content.decode()
    second = client.get(url + "?page=2")
    assert [r.patient for r in second.context["queue"].rows] == patients[25:]
    assert client.get(url + "?page=x").status_code == 200
    assert client.get(reverse("queue", args=["plans-due"])).status_code == 403  # a clinician's queue
    assert client.get(reverse("queue", args=["no-such-queue"])).status_code == 404


def test_my_patients_links_to_the_list_with_their_pathway(login, clinic, case_manager):
    patient_with_team(clinic, case_manager=case_manager)
    html = home(login(case_manager)).content.decode()
    assert f'href="{reverse("patients:list")}?scope=mine"' in html


def test_from_login_a_case_manager_reaches_the_next_task_in_two_clicks(client, clinic, case_manager):
    patient = patient_with_team(clinic, case_manager=case_manager)
    follow_up = ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(-2))
    response = client.post(reverse("login"), {"username": case_manager.username, "password": TEST_PASSWORD},
                           REMOTE_ADDR="203.0.113.5", follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")  # logging in lands on the work queue
    task = reverse("referrals:follow_up_log", args=[patient.public_id, follow_up.pk])
    assert f'href="{task}"' in response.content.decode()  # ... and the task is one click away
    assert client.get(task).status_code == 200


def test_a_case_manager_sees_patients_referred_lately_with_no_follow_up_yet(login, clinic, peer, case_manager):
    patient = patient_with_team(clinic, peer=peer, case_manager=case_manager)
    ReferralFactory(patient=patient, referred_by=peer, status="referred")
    client = login(case_manager)
    referred = queue(home(client), "referred")
    assert [(r.patient, r.action_label) for r in referred.rows] == [(patient, "Log a follow-up")]
    assert "Log a follow-up" in follow(client, referred.rows[0].action_url)
    ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(7))
    assert queue(home(client), "referred").count == 0  # the follow-up is planned


def test_a_spanish_speaking_clinicians_home_names_their_work_in_spanish(login, clinic, clinician):
    """The queues' titles, each row's words and its action are in the staff member's language, dates included."""
    clinician.language = "es"
    clinician.save()
    due = patient_with_team(clinic, clinician=clinician, last_name="Due")
    review_date = days_from_today(-3)
    signed_plan(due, clinician, next_review_date=review_date, at=LONG_AGO)
    patient_with_team(clinic, clinician=clinician, last_name="Noplan")

    page = home(login(clinician)).content.decode()

    assert "Pacientes sin plan firmado" in page and "Patients with no signed plan" not in page
    assert "Todavía no hay plan de tratamiento" in page and "No treatment plan yet" not in page
    with translation.override("es"):
        assert f"La revisión tocaba el {date_format(review_date, 'DATE_FORMAT')}" in page
    assert "Review was due" not in page
    assert "Revisar el plan" in page
    assert "de atraso" in page and "Overdue by" not in page
