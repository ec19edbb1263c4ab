"""Stop 5: barriers to mutual support, and the interventions staff pick for them."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from patients.models import Role
from referrals.followup.services import record_intervention_outcome
from referrals.models import (
    Barrier,
    BarrierKind,
    BarrierStatus,
    Intervention,
    InterventionKind,
    InterventionStatus,
    suggestions_for,
)

from .factories.dates import days_from_today, today
from .factories.patients import PatientFactory, StaffFactory, patient_with_team
from .factories.referrals.barriers import BarrierFactory, InterventionFactory

pytestmark = pytest.mark.django_db


def barrier_data(**overrides):
    data = {"kind": "transportation", "other_kind": "", "severity": "a_lot",
            "details": "No car; the bus runs once an hour.", "noted_on": today().isoformat(), "owner": ""}
    data.update(overrides)
    return data


def intervention_data(owner, **overrides):
    data = {"kind": "online_alternative", "what": "Online meetings from home", "owner": owner.pk,
            "due_on": days_from_today(3).isoformat()}
    data.update(overrides)
    return data


def test_case_manager_works_a_transportation_barrier_to_resolved(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    client = login(case_manager)

    # Notes the barrier; lands on its page with suggestions for transportation.
    response = client.post(reverse("referrals:barrier_create", args=[patient.public_id]),
                           barrier_data(owner=case_manager.pk), follow=True)
    barrier = Barrier.objects.get(patient=patient)
    assert (barrier.kind, barrier.status, barrier.noted_by, barrier.owner) == (
        BarrierKind.TRANSPORTATION, BarrierStatus.OPEN, case_manager, case_manager)
    page = response.content.decode()
    assert "Online or app-based meetings from home" in page
    assert "Bus pass for travel to meetings" in page

    # Picks the online suggestion: the form comes filled in.
    online = next(i for i, s in enumerate(barrier.suggestions) if s.kind == InterventionKind.ONLINE_ALTERNATIVE)
    url = reverse("referrals:intervention_create", args=[patient.public_id, barrier.pk])
    form = client.get(url, {"suggestion": online}).context["form"]
    assert form["kind"].value() == InterventionKind.ONLINE_ALTERNATIVE
    assert form["what"].value() == "Online or app-based meetings from home"
    client.post(url, intervention_data(case_manager, what=form["what"].value()))
    client.post(url, intervention_data(case_manager, kind="transport_help", what="Bus pass for May"))
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.BEING_ADDRESSED
    assert list(barrier.interventions.values_list("what", flat=True)) == [
        "Online or app-based meetings from home", "Bus pass for May"]

    # The bus pass helped: records it and resolves the barrier in one step.
    bus_pass = barrier.interventions.get(what="Bus pass for May")
    response = client.post(
        reverse("referrals:intervention_outcome", args=[patient.public_id, barrier.pk, bus_pass.pk]),
        {"status": "helped", "completed_on": today().isoformat(), "outcome_note": "Uses it twice a week",
         "barrier_resolved": "on"}, follow=True)
    assert "The barrier is resolved." in response.content.decode()
    barrier.refresh_from_db()
    bus_pass.refresh_from_db()
    assert (bus_pass.status, bus_pass.completed_on) == (InterventionStatus.HELPED, today())
    assert (barrier.status, barrier.closed_on, barrier.closed_by) == (BarrierStatus.RESOLVED, today(), case_manager)

    # The patient page no longer lists it as open.
    page = client.get(patient.get_absolute_url()).content.decode()
    assert "No open barriers." in page


@pytest.mark.parametrize("kind", BarrierKind.values)
def test_every_kind_of_barrier_has_suggestions_of_known_kinds(kind):
    suggestions = suggestions_for(kind)
    assert suggestions
    assert all(s.kind in InterventionKind.values and s.what for s in suggestions)


def test_suggestions_fit_the_barrier():
    stigma = {s.kind for s in suggestions_for(BarrierKind.MEDICATION_STIGMA)}
    assert {InterventionKind.DIFFERENT_GROUP, InterventionKind.EDUCATION} <= stigma
    assert any("welcome" in s.what for s in suggestions_for(BarrierKind.MEDICATION_STIGMA))
    transport = {s.kind for s in suggestions_for(BarrierKind.TRANSPORTATION)}
    assert {InterventionKind.ONLINE_ALTERNATIVE, InterventionKind.TRANSPORT_HELP} <= transport
    assert InterventionKind.PEER_GOES_ALONG in {s.kind for s in suggestions_for(BarrierKind.ANXIETY)}


def test_an_unknown_suggestion_is_a_404(login, case_manager):
    barrier = BarrierFactory(patient=patient_with_team(case_manager=case_manager), owner=case_manager,
                             noted_by=case_manager)
    url = reverse("referrals:intervention_create", args=[barrier.patient.public_id, barrier.pk])
    assert login(case_manager).get(url, {"suggestion": "99"}).status_code == 404


@pytest.mark.parametrize("overrides, field, message", [
    ({"kind": "other", "other_kind": ""}, "other_kind", "Name the barrier"),
    ({"noted_on": "2999-01-01"}, "noted_on", "cannot be noted on a future date"),
    ({"kind": "weather"}, "kind", "Select a valid choice"),
    ({"severity": ""}, "severity", "This field is required"),
])
def test_bad_barrier_input_is_refused_and_keeps_what_was_typed(login, case_manager, overrides, field, message):
    patient = patient_with_team(case_manager=case_manager)
    response = login(case_manager).post(reverse("referrals:barrier_create", args=[patient.public_id]),
                                        barrier_data(owner=case_manager.pk, **overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert "No car; the bus runs once an hour." in response.content.decode()
    assert not Barrier.objects.exists()


def test_an_owner_from_another_clinic_is_refused(login, case_manager, other_clinic):
    outsider = StaffFactory(clinic=other_clinic, roles=[Role.CASE_MANAGER])
    patient = patient_with_team(case_manager=case_manager)
    response = login(case_manager).post(reverse("referrals:barrier_create", args=[patient.public_id]),
                                        barrier_data(owner=outsider.pk))
    assert "Select a valid choice" in " ".join(response.context["form"].errors["owner"])
    assert not Barrier.objects.exists()


@pytest.mark.parametrize("status", [BarrierStatus.RESOLVED, BarrierStatus.CANNOT_RESOLVE_NOW])
def test_no_intervention_on_a_closed_barrier(login, case_manager, status):
    barrier = BarrierFactory(patient=patient_with_team(case_manager=case_manager), owner=case_manager,
                             noted_by=case_manager, status=status, closed_on=today())
    response = login(case_manager).post(
        reverse("referrals:intervention_create", args=[barrier.patient.public_id, barrier.pk]),
        intervention_data(case_manager, what="Bus pass for June"))
    assert response.status_code == 400
    assert "Reopen it before adding an intervention" in response.content.decode()
    assert 'value="Bus pass for June"' in response.content.decode()
    assert not Intervention.objects.exists()


def test_reopening_a_resolved_barrier_allows_interventions_again(login, case_manager):
    barrier = BarrierFactory(patient=patient_with_team(case_manager=case_manager), owner=case_manager,
                             noted_by=case_manager, status=BarrierStatus.RESOLVED, closed_on=today())
    client = login(case_manager)
    client.post(reverse("referrals:barrier_status", args=[barrier.patient.public_id, barrier.pk]),
                {"status": "open", "note": "Bus route changed"})
    barrier.refresh_from_db()
    assert (barrier.status, barrier.closed_on, barrier.status_note) == ("open", None, "Bus route changed")
    client.post(reverse("referrals:intervention_create", args=[barrier.patient.public_id, barrier.pk]),
                intervention_data(case_manager))
    assert barrier.interventions.count() == 1


def test_intervention_due_before_the_barrier_was_noted_is_refused(login, case_manager):
    barrier = BarrierFactory(patient=patient_with_team(case_manager=case_manager), owner=case_manager,
                             noted_by=case_manager)
    response = login(case_manager).post(
        reverse("referrals:intervention_create", args=[barrier.patient.public_id, barrier.pk]),
        intervention_data(case_manager, due_on=(barrier.noted_on - datetime.timedelta(days=1)).isoformat()))
    assert "cannot be before the barrier was noted" in " ".join(response.context["form"].errors["due_on"])
    assert not Intervention.objects.exists()


def test_an_outcome_cannot_be_recorded_twice_or_in_the_future(login, case_manager):
    intervention = InterventionFactory(barrier__patient=patient_with_team(case_manager=case_manager),
                                       barrier__owner=case_manager, barrier__noted_by=case_manager)
    url = reverse("referrals:intervention_outcome",
                  args=[intervention.barrier.patient.public_id, intervention.barrier_id, intervention.pk])
    client = login(case_manager)
    response = client.post(url, {"status": "helped", "completed_on": days_from_today(2).isoformat()})
    assert "cannot be dated in the future" in response.content.decode()
    client.post(url, {"status": "did_not_help", "completed_on": today().isoformat()})
    response = client.post(url, {"status": "helped", "completed_on": today().isoformat()})
    assert "already recorded" in response.content.decode()
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.DID_NOT_HELP


def test_the_database_refuses_an_unnamed_other_barrier_and_a_closed_barrier_without_a_date(case_manager):
    patient = patient_with_team(case_manager=case_manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        BarrierFactory(patient=patient, kind=BarrierKind.OTHER, other_kind="", noted_by=case_manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        BarrierFactory(patient=patient, status=BarrierStatus.RESOLVED, closed_on=None, noted_by=case_manager)


def test_another_clinics_barrier_is_a_404_for_reading_and_writing(login, case_manager, other_clinic):
    theirs = BarrierFactory(patient=PatientFactory(clinic=other_clinic))
    mine = patient_with_team(case_manager=case_manager)
    client = login(case_manager)
    pid, pk = theirs.patient.public_id, theirs.pk
    assert client.get(reverse("referrals:barrier_list", args=[pid])).status_code == 404
    assert client.get(reverse("referrals:barrier_detail", args=[pid, pk])).status_code == 404
    assert client.post(reverse("referrals:barrier_create", args=[pid]), barrier_data()).status_code == 404
    assert client.post(reverse("referrals:barrier_status", args=[pid, pk]), {"status": "resolved"}).status_code == 404
    # Their barrier under my patient's URL is not found either.
    assert client.get(reverse("referrals:barrier_detail", args=[mine.public_id, pk])).status_code == 404
    assert client.post(reverse("referrals:intervention_create", args=[mine.public_id, pk]),
                       intervention_data(case_manager)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == BarrierStatus.OPEN and not Intervention.objects.exists()


def test_staff_off_the_care_team_read_but_do_not_record(login, clinic_admin, case_manager):
    barrier = BarrierFactory(patient=patient_with_team(case_manager=case_manager), owner=case_manager,
                             noted_by=case_manager)
    client = login(clinic_admin)
    detail = reverse("referrals:barrier_detail", args=[barrier.patient.public_id, barrier.pk])
    assert client.get(detail).status_code == 200
    assert client.post(reverse("referrals:barrier_create", args=[barrier.patient.public_id]),
                       barrier_data(owner=clinic_admin.pk)).status_code == 403
    assert Barrier.objects.count() == 1


def test_a_peer_on_the_care_team_can_note_a_barrier(login, peer, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    patient.care_team.create(staff=peer, role=Role.PEER_SPECIALIST)
    login(peer).post(reverse("referrals:barrier_create", args=[patient.public_id]),
                     barrier_data(kind="anxiety", owner=peer.pk))
    assert Barrier.objects.get().noted_by == peer


@pytest.mark.parametrize("url_name", ["referrals:barrier_list", "referrals:barrier_detail"])
def test_barrier_pages_query_count_does_not_grow(login, case_manager, django_assert_max_num_queries, url_name):
    patient = patient_with_team(case_manager=case_manager)
    first = BarrierFactory(patient=patient, owner=case_manager, noted_by=case_manager)
    InterventionFactory(barrier=first)
    client = login(case_manager)
    args = [patient.public_id] + ([first.pk] if url_name.endswith("detail") else [])
    with django_assert_max_num_queries(12) as small:
        client.get(reverse(url_name, args=args))
    for _ in range(8):
        barrier = BarrierFactory(patient=patient, owner=case_manager, noted_by=case_manager)
        InterventionFactory.create_batch(2, barrier=barrier)
    InterventionFactory.create_batch(6, barrier=first)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse(url_name, args=args))


@pytest.mark.parametrize("page", ["barrier_create", "intervention_create", "intervention_outcome"])
def test_barrier_form_pages_query_count_does_not_grow(login, case_manager, django_assert_max_num_queries, page):
    patient = patient_with_team(case_manager=case_manager)
    intervention = InterventionFactory(barrier__patient=patient, barrier__owner=case_manager,
                                       barrier__noted_by=case_manager)
    barrier = intervention.barrier
    url = {
        "barrier_create": reverse("referrals:barrier_create", args=[patient.public_id]),
        "intervention_create": reverse("referrals:intervention_create", args=[patient.public_id, barrier.pk]),
        "intervention_outcome": reverse("referrals:intervention_outcome",
                                        args=[patient.public_id, barrier.pk, intervention.pk]),
    }[page]
    client = login(case_manager)
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    StaffFactory.create_batch(5, clinic=case_manager.clinic, roles=[Role.CASE_MANAGER])
    InterventionFactory.create_batch(5, barrier=barrier)
    BarrierFactory.create_batch(5, patient=patient, owner=case_manager, noted_by=case_manager)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_form_offers_names_other_barriers_were_given_in_the_clinic(login, case_manager, other_clinic):
    patient = patient_with_team(case_manager=case_manager)
    neighbour = patient_with_team(case_manager=case_manager)
    BarrierFactory(patient=neighbour, noted_by=case_manager, kind=BarrierKind.OTHER, other_kind="Housing")
    BarrierFactory(patient=neighbour, noted_by=case_manager, kind=BarrierKind.OTHER, other_kind="housing ")
    stranger = PatientFactory(clinic=other_clinic)
    BarrierFactory(patient=stranger, noted_by=StaffFactory(clinic=other_clinic, roles=[Role.CASE_MANAGER]),
                   kind=BarrierKind.OTHER, other_kind="Lakeside only")

    page = login(case_manager).get(reverse("referrals:barrier_create", args=[patient.public_id])).content.decode()

    datalist = page.split('<datalist id="other-barrier-names">')[1].split("</datalist>")[0]
    assert datalist.lower().count('value="housing"') == 1
    assert "Lakeside only" not in page
    assert 'list="other-barrier-names"' in page


def test_an_outcome_that_resolved_the_barrier_resolves_it_that_day_naming_the_intervention(case_manager):
    barrier = BarrierFactory(patient=patient_with_team(case_manager=case_manager), noted_by=case_manager)
    intervention = InterventionFactory(barrier=barrier, what="Bus pass")
    record_intervention_outcome(intervention, status=InterventionStatus.HELPED, completed_on=days_from_today(-1),
                                note="Went twice", barrier_resolved=True, by=case_manager)
    barrier = Barrier.objects.get()
    assert (barrier.status, barrier.closed_on, barrier.closed_by) == (BarrierStatus.RESOLVED, days_from_today(-1),
                                                                      case_manager)
    assert barrier.status_note == "Resolved after: Bus pass."
    intervention.refresh_from_db()
    assert (intervention.status, intervention.outcome_note) == (InterventionStatus.HELPED, "Went twice")


def test_an_outcome_that_did_not_resolve_it_leaves_the_barrier_as_it_was(case_manager):
    barrier = BarrierFactory(patient=patient_with_team(case_manager=case_manager), noted_by=case_manager,
                             status=BarrierStatus.BEING_ADDRESSED)
    intervention = InterventionFactory(barrier=barrier)
    record_intervention_outcome(intervention, status=InterventionStatus.DID_NOT_HELP, completed_on=today(),
                                note="", barrier_resolved=False, by=case_manager)
    assert Barrier.objects.get().status == BarrierStatus.BEING_ADDRESSED
