"""Removing a wellness goal, trigger or support, or a care-team member, asks first (a confirmation page the Remove
button posts to; no JavaScript needed) and then says what was removed. Nothing goes on the first click."""

import pytest
from django.urls import reverse

from patients.models import CareTeamMember, Role
from wellness.models import PlanChange, SignAndAction, Support, WellnessGoal

from .factories.patients import patient_with_team
from .factories.wellness import SignAndActionFactory, SupportFactory, WellnessGoalFactory, WellnessPlanFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind, factory, model, noun, name", [
    ("goals", WellnessGoalFactory, WellnessGoal, "goal", "Walk with my sister on Sundays"),
    ("signs", SignAndActionFactory, SignAndAction, "trigger or warning sign", "Payday evenings alone"),
    ("supports", SupportFactory, Support, "support", "Ana Ruiz"),
])
def test_removing_from_the_wellness_plan_asks_first_then_says_what_was_removed(login, peer, kind, factory, model,
                                                                               noun, name):
    patient = patient_with_team(peer=peer)
    plan = WellnessPlanFactory(patient=patient)
    field = {"goals": "goal", "signs": "what", "supports": "name"}[kind]
    item = factory(plan=plan, **{field: name})
    client = login(peer)
    plan_page = client.get(reverse("wellness:plan", args=[patient.public_id])).content.decode()
    remove = reverse("wellness:plan_item_remove", args=[patient.public_id, kind, item.pk])
    assert f'action="{remove}"' in plan_page

    # The Remove button: a page that asks, and nothing removed yet.
    asked = client.post(remove)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert f"Remove the {noun} “{name}” from" in page
    assert f'<form method="post" action="{remove}"' in page and 'name="confirm" value="yes"' in page
    assert reverse("wellness:plan", args=[patient.public_id]) in page  # "Cancel, keep it"
    assert model.objects.filter(pk=item.pk).exists() and not PlanChange.objects.filter(action="removed").exists()

    # Confirmed: removed, kept in the history, and the message names it.
    done = client.post(remove, {"confirm": "yes"}, follow=True)
    assert f"Removed the {noun} “{name}” from the wellness plan." in done.content.decode()
    assert not model.objects.filter(pk=item.pk).exists()
    assert PlanChange.objects.get(action="removed").summary == name


def test_removing_a_care_team_member_asks_first_then_says_who_was_removed(login, clinician, peer):
    patient = patient_with_team(clinician=clinician, peer=peer)
    member = CareTeamMember.objects.get(patient=patient, role=Role.PEER_SPECIALIST)
    client = login(clinician)
    remove = reverse("patients:care_team_remove", args=[patient.public_id, member.pk])
    assert f'action="{remove}"' in client.get(patient.get_absolute_url()).content.decode()

    page = client.post(remove).content.decode()
    assert f"Remove {peer} (peer support specialist) from" in page and 'name="confirm" value="yes"' in page
    assert CareTeamMember.objects.filter(pk=member.pk).exists()

    done = client.post(remove, {"confirm": "yes"}, follow=True).content.decode()
    assert f"Removed {peer} (peer support specialist) from the care team." in done
    assert not CareTeamMember.objects.filter(pk=member.pk).exists()


def test_a_removal_is_never_a_get(login, clinician, peer):
    patient = patient_with_team(clinician=clinician, peer=peer)
    member = CareTeamMember.objects.get(patient=patient, role=Role.PEER_SPECIALIST)
    client = login(clinician)
    assert client.get(reverse("patients:care_team_remove", args=[patient.public_id, member.pk]),
                      {"confirm": "yes"}).status_code == 405
    assert CareTeamMember.objects.filter(pk=member.pk).exists()
