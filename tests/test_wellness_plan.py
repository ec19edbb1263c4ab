"""The wellness plan: co-created by the care team, its history, read-only for others, and the print view."""

import re

import pytest
from django.urls import reverse

from patients.models import Role
from wellness.models import PlanChange, SignAndAction, Support, WellnessGoal, WellnessPlan

from .factories.patients import CareTeamMemberFactory, PatientFactory
from .factories.wellness import (
    PlanChangeFactory,
    SignAndActionFactory,
    SupportFactory,
    WellnessGoalFactory,
    WellnessPlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(clinic, peer, clinician):
    patient = PatientFactory(clinic=clinic, first_name="Elena", last_name="Ibarra", mrn="RB-7001")
    CareTeamMemberFactory(patient=patient, staff=peer, role=Role.PEER_SPECIALIST)
    CareTeamMemberFactory(patient=patient, staff=clinician, role=Role.CLINICIAN)
    return patient


def plan_data(**overrides):
    data = {name: "" for name in WellnessPlan.TEXT_SECTIONS}
    data.update(vision="Back at work and cooking for my kids.", strengths="I keep going.")
    data.update(overrides)
    return data


def test_peer_starts_the_plan_with_the_patient_and_it_shows_on_the_patient_page(login, peer, patient):
    client = login(peer)
    response = client.post(reverse("wellness:plan_edit", args=[patient.public_id]), plan_data(), follow=True)
    plan = WellnessPlan.objects.get(patient=patient)
    assert plan.vision == "Back at work and cooking for my kids." and plan.updated_by == peer
    assert "Back at work and cooking for my kids." in response.content.decode()
    page = client.get(patient.get_absolute_url()).content.decode()
    assert "Stop 2 · Wellness plan and recovery capital" in page and "0 goals" in page


def test_each_change_is_kept_with_who_what_and_before_and_after(login, peer, clinician, patient):
    login(peer).post(reverse("wellness:plan_edit", args=[patient.public_id]), plan_data())
    client = login(clinician)
    client.post(reverse("wellness:plan_edit", args=[patient.public_id]),
                plan_data(strengths="I keep going, and I ask for help."))
    newest = PlanChange.objects.first()
    assert newest.changed_by == clinician and newest.action == PlanChange.Action.CHANGED
    assert newest.changes == [["My strengths", "I keep going.", "I keep going, and I ask for help."]]
    assert [c.changed_by for c in PlanChange.objects.all()] == [clinician, peer, peer]  # newest first
    history = client.get(reverse("wellness:plan_history", args=[patient.public_id])).content.decode()
    assert "I keep going, and I ask for help." in history and str(clinician) in history


def test_saving_without_changes_adds_no_history(login, peer, patient):
    client = login(peer)
    url = reverse("wellness:plan_edit", args=[patient.public_id])
    client.post(url, plan_data())
    count = PlanChange.objects.count()
    client.post(url, plan_data())
    assert PlanChange.objects.count() == count


def test_goals_signs_and_supports_are_added_changed_and_removed_with_history(login, peer, patient):
    client = login(peer)
    add = lambda kind, data: client.post(reverse("wellness:plan_item_add", args=[patient.public_id, kind]), data)  # noqa: E731
    add("goals", {"goal": "Go to a meeting each week", "dimension": "social", "steps": "Find one\nGo once",
                  "status": "working_on_it"})
    add("signs", {"kind": "warning_sign", "what": "Skipping meals", "my_action": "Call my sister"})
    add("supports", {"kind": "person", "name": "Ana", "relationship": "sister", "how_to_reach": "(555) 010-0170",
                     "call_in_crisis": "on"})
    goal = WellnessGoal.objects.get()
    assert goal.plan.patient == patient and goal.created_by == peer and goal.step_list == ["Find one", "Go once"]
    assert SignAndAction.objects.get().kind == "warning_sign" and Support.objects.get().call_in_crisis
    client.post(reverse("wellness:plan_item_edit", args=[patient.public_id, "goals", goal.pk]),
                {"goal": "Go to a meeting each week", "dimension": "social", "steps": "Find one\nGo once",
                 "status": "reached"})
    client.post(reverse("wellness:plan_item_remove", args=[patient.public_id, "supports", Support.objects.get().pk]),
                {"confirm": "yes"})
    assert not Support.objects.exists()
    log = [(c.section, c.action, c.summary) for c in PlanChange.objects.order_by("id")]
    assert log == [
        ("Plan", "created", "Wellness plan started"),
        ("Goals", "added", "Go to a meeting each week"),
        ("Triggers and warning signs", "added", "Skipping meals"),
        ("Supports", "added", "Ana"),
        ("Goals", "changed", "Go to a meeting each week"),
        ("Supports", "removed", "Ana"),
    ]
    assert PlanChange.objects.get(action="changed").changes == [["Status", "Working on it", "Reached"]]


def test_bad_goal_input_keeps_what_was_typed_and_saves_nothing(login, peer, patient):
    response = login(peer).post(reverse("wellness:plan_item_add", args=[patient.public_id, "goals"]),
                                {"goal": "", "dimension": "cosmic", "steps": "Keep this step",
                                 "status": "working_on_it"})
    form = response.context["form"]
    assert "This field is required." in form.errors["goal"]
    assert "Select a valid choice" in form.errors["dimension"][0]
    assert "Keep this step" in response.content.decode()
    assert not WellnessPlan.objects.exists() and not PlanChange.objects.exists()


def test_staff_not_on_the_care_team_can_read_but_not_change(login, clinic, patient):
    from .factories.patients import StaffFactory
    outsider = StaffFactory(clinic=clinic, roles=[Role.CASE_MANAGER])
    plan = WellnessPlanFactory(patient=patient)
    goal = WellnessGoalFactory(plan=plan)
    client = login(outsider)
    page = client.get(reverse("wellness:plan", args=[patient.public_id]))
    assert page.status_code == 200 and goal.goal in page.content.decode()
    assert "Add a goal" not in page.content.decode()
    assert client.post(reverse("wellness:plan_edit", args=[patient.public_id]), plan_data()).status_code == 403
    remove = reverse("wellness:plan_item_remove", args=[patient.public_id, "goals", goal.pk])
    assert client.post(remove, {"confirm": "yes"}).status_code == 403
    assert WellnessGoal.objects.filter(pk=goal.pk).exists()


def test_another_clinics_plan_is_a_404_for_get_and_post(login, clinician, other_clinic):
    foreign = PatientFactory(clinic=other_clinic)
    goal = WellnessGoalFactory(plan__patient=foreign)
    client = login(clinician)
    for name, args in [("wellness:plan", []), ("wellness:plan_edit", []), ("wellness:plan_history", []),
                       ("wellness:plan_print", []), ("wellness:plan_item_add", ["goals"]),
                       ("wellness:plan_item_edit", ["goals", goal.pk])]:
        url = reverse(name, args=[foreign.public_id, *args])
        assert client.get(url).status_code == 404, name
        assert client.post(url, plan_data()).status_code == 404, name
    remove = reverse("wellness:plan_item_remove", args=[foreign.public_id, "goals", goal.pk])
    assert client.post(remove, {"confirm": "yes"}).status_code == 404
    assert WellnessGoal.objects.filter(pk=goal.pk).exists()


def test_an_item_of_another_patients_plan_is_a_404_under_this_patient(login, peer, patient):
    other = PatientFactory(clinic=patient.clinic)
    CareTeamMemberFactory(patient=other, staff=peer, role=Role.PEER_SPECIALIST)
    WellnessPlanFactory(patient=patient)
    their_goal = WellnessGoalFactory(plan__patient=other)
    client = login(peer)
    url = reverse("wellness:plan_item_edit", args=[patient.public_id, "goals", their_goal.pk])
    assert client.post(url, {"goal": "Hijacked", "dimension": "social", "status": "reached"}).status_code == 404
    their_goal.refresh_from_db()
    assert their_goal.goal != "Hijacked"


def test_print_view_is_plain_language_with_the_clinic_name(login, peer, patient):
    patient.clinic.phone = "(217) 555-0140"
    patient.clinic.save()
    plan = WellnessPlanFactory(patient=patient, daily_goals="Take my medication")
    WellnessGoalFactory(plan=plan, goal="Walk with Ana on Sundays", dimension="physical")
    WellnessGoalFactory(plan=plan, goal="A goal set aside", status="set_aside")
    SignAndActionFactory(plan=plan, what="Payday", kind="trigger")
    SupportFactory(plan=plan, name="Ana", call_in_crisis=True, how_to_reach="(555) 010-0170")
    response = login(peer).get(reverse("wellness:plan_print", args=[patient.public_id]))
    page = response.content.decode()
    assert patient.clinic.name in page and "(217) 555-0140" in page
    assert "My wellness plan" in page and "Walk with Ana on Sundays" in page and "Part of my physical wellness" in page
    assert "Ana: (555) 010-0170" in page  # who to call in a crisis
    assert "A goal set aside" not in page
    # The random CSRF tokens (the log-out form) may hold any three letters, "MRN" among them: not page text.
    shown = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    for internal in ["RB-7001", "MRN", "working_on_it", "set_aside", "warning_sign", "call_in_crisis"]:
        assert internal not in shown
    assert "<title>Wellness plan (print)" in page and "Ibarra" not in page.split("</title>")[0]
    assert "wellness-print.css" in page


def _plan_with(patient, n):
    plan = WellnessPlanFactory(patient=patient)
    WellnessGoalFactory.create_batch(n, plan=plan)
    SignAndActionFactory.create_batch(n, plan=plan)
    SupportFactory.create_batch(n, plan=plan)
    PlanChangeFactory.create_batch(n * 3, plan=plan)
    return plan


@pytest.mark.parametrize("url_name", ["wellness:plan", "wellness:plan_print", "wellness:plan_history"])
def test_plan_pages_query_count_does_not_grow_with_the_plan(login, peer, patient, url_name,
                                                          django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(peer)
    _plan_with(patient, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url_name, args=[patient.public_id])).status_code == 200
    WellnessPlan.objects.all().delete()
    _plan_with(patient, 15)
    with django_assert_max_num_queries(len(small)):
        assert client.get(reverse(url_name, args=[patient.public_id])).status_code == 200


def test_the_item_pages_name_each_kind_in_a_whole_sentence_in_the_staff_members_language(login, peer, patient):
    """Spanish words the article with the noun ("una meta", "un detonante o una señal de alerta"), so each kind
    has its own sentences; no English noun is glued into the Spanish page."""
    plan = WellnessPlanFactory(patient=patient)
    goal = WellnessGoalFactory(plan=plan)
    PlanChangeFactory(plan=plan, section="Triggers and warning signs", action="added", summary="Skipping meals",
                      changes=[])
    client = login(peer)
    add_sign = reverse("wellness:plan_item_add", args=[patient.public_id, "signs"])
    edit_goal = reverse("wellness:plan_item_edit", args=[patient.public_id, "goals", goal.pk])
    english = client.get(add_sign).content.decode()
    assert "<h1 class=\"page-title\">Add a trigger or warning sign</h1>" in english
    assert "<h1 class=\"page-title\">Edit the goal</h1>" in client.get(edit_goal).content.decode()
    peer.language = "es"
    peer.save()
    spanish = client.get(add_sign).content.decode()
    assert "<h1 class=\"page-title\">Añadir un detonante o una señal de alerta</h1>" in spanish
    assert "Detonante o señal de alerta" in spanish  # the breadcrumb
    assert "trigger or warning sign" not in spanish and "Add a" not in spanish
    spanish = client.get(edit_goal).content.decode()
    assert "<h1 class=\"page-title\">Editar la meta</h1>" in spanish and "Edit the" not in spanish
    history = client.get(reverse("wellness:plan", args=[patient.public_id])).content.decode()
    assert "<strong>Detonantes y señales de alerta</strong>" in history  # kept in English, shown in Spanish
    assert "Triggers and warning signs" not in history
