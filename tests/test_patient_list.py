"""The patient list shows where each patient stands on the pathway and filters by it (issue 19, item 9)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maud_pathways.pathway import PATHWAY_FILTERS, pathway_for_patients
from patients.models import Patient
from referrals.lifecycle import ReferralStatus

from .factories.dates import days_from_today, today
from .factories.pathway import patient_with_plan, referral_reaching, walked_patient
from .factories.patients import PatientFactory, patient_with_team
from .factories.referrals.barriers import BarrierFactory, InterventionFactory, ScheduledFollowUpFactory
from .factories.referrals.conversations import ConversationFactory
from .factories.referrals.directory import MatchingPreferencesFactory, ProgramFactory
from .factories.treatment_plans import PlanVersionFactory, signed_plan
from .factories.wellness import AssessmentFactory, WellnessPlanFactory
from .query_budgets import PATIENT_LIST_MAX_QUERIES

pytestmark = pytest.mark.django_db


def listed(client, **params):
    response = client.get(reverse("patients:list"), params)
    assert response.status_code == 200
    return response


def a_clinic_of_patients(clinic, clinician, peer, case_manager):
    """Patients at many points of the pathway, so each filter finds some and leaves others."""
    program = ProgramFactory()
    walked_patient(clinic, clinician, peer, case_manager)  # Stop 5 needs attention: a follow-up overdue
    done = patient_with_team(clinic, clinician=clinician, case_manager=case_manager, last_name="Attended")
    signed_plan(done, clinician, includes_mutual_support=True, next_review_date=days_from_today(30))
    referral_reaching(done, case_manager, ReferralStatus.FIRST_MEETING_ATTENDED, program=program)
    due = patient_with_team(clinic, clinician=clinician, last_name="Due")  # signed long ago: the review is due
    signed_plan(due, clinician, next_review_date=days_from_today(-5), at=timezone.now() - datetime.timedelta(days=200))
    patient_with_plan(clinician, last_name="Onplan")
    drafting = patient_with_team(clinic, clinician=clinician, last_name="Drafting")
    PlanVersionFactory(plan__patient=drafting)
    nobody = PatientFactory(clinic=clinic, last_name="Noteam")  # nobody can lead Stop 3
    MatchingPreferencesFactory(patient=nobody)
    closed = patient_with_team(clinic, peer=peer, last_name="Closed")
    ConversationFactory(patient=closed, held_by=peer)
    referral_reaching(closed, peer, ReferralStatus.DECLINED, program=program)
    barrier = patient_with_team(clinic, case_manager=case_manager, last_name="Barrier")
    BarrierFactory(patient=barrier, noted_by=case_manager, owner=case_manager)  # nothing planned
    planned = patient_with_team(clinic, case_manager=case_manager, last_name="Planned")
    InterventionFactory(barrier=BarrierFactory(patient=planned, noted_by=case_manager), due_on=days_from_today(3))
    ScheduledFollowUpFactory(patient=planned, assigned_to=case_manager, due_on=days_from_today(2))
    gaps = patient_with_team(clinic, peer=peer, last_name="Gaps")
    WellnessPlanFactory(patient=gaps)
    AssessmentFactory(patient=gaps, levels=2, taken_on=days_from_today(-3))
    AssessmentFactory(patient=patient_with_team(clinic, peer=peer, last_name="Assessed"), levels=3)


def test_every_filter_finds_exactly_the_patients_the_pathway_rules_name(clinic, clinician, peer, case_manager):
    a_clinic_of_patients(clinic, clinician, peer, case_manager)
    patients = Patient.objects.filter(clinic=clinic)
    pathways = pathway_for_patients(patients, today())
    for pathway_filter in PATHWAY_FILTERS.values():
        by_sql = set(patients.filter(pathway_filter.q(today())).values_list("pk", flat=True))
        by_rules = {pk for pk, pathway in pathways.items()
                    if pathway.stop(pathway_filter.stop).status in pathway_filter.statuses}
        assert by_sql == by_rules, pathway_filter.key
        assert by_sql, f"{pathway_filter.key}: the test clinic should have a patient it finds"
        assert by_sql != set(pathways), f"{pathway_filter.key}: ... and a patient it leaves out"


def test_a_supervisor_sees_each_patients_pathway_and_filters_by_it(login, clinic, clinic_admin, clinician, peer,
                                                                    case_manager):
    a_clinic_of_patients(clinic, clinician, peer, case_manager)
    client = login(clinic_admin)

    everyone = listed(client)
    html = everyone.content.decode()
    assert 'aria-label="Pathway: ' in html and "Stop 5: Needs attention." in html and "Pathway key:" in html
    assert "Stop 5 needs attention: a follow-up overdue or a barrier with no plan" in html  # a choice of the filter

    attention = listed(client, status="stop5-needs-attention")
    rows = attention.context["page"].object_list
    assert {row["patient"].last_name for row in rows} == {
        p.last_name for p in Patient.objects.filter(clinic=clinic)
        if pathway_for_patients(Patient.objects.filter(pk=p.pk), today())[p.pk].stop(5).status == "needs_attention"}
    assert {row["pathway"].stop(5).status for row in rows} == {"needs_attention"}
    assert "Barrier" in {row["patient"].last_name for row in rows}

    no_plan = listed(client, status="stop1-no-signed-plan").context["page"].object_list
    assert "Drafting" in {row["patient"].last_name for row in no_plan}
    assert "Due" not in {row["patient"].last_name for row in no_plan}
    assert listed(client, status="no-such-status").context["form"].errors["status"]


def test_each_row_says_the_next_step_with_the_users_own_turn_first(login, clinic, case_manager):
    patient = patient_with_team(clinic, case_manager=case_manager)  # no peer: Stop 2 is the team's turn too
    referral_reaching(patient, case_manager, ReferralStatus.REFERRED, program=ProgramFactory())
    ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(-1))
    row = listed(login(case_manager), scope="mine").context["page"].object_list[0]
    assert (row["yours"].number, row["yours"].status) == ("5", "needs_attention")
    assert f'href="{row["next"].action_url}"' in listed(login(case_manager), scope="mine").content.decode()


def test_filtering_costs_the_same_queries_whatever_the_number_of_patients(login, clinic, clinician, peer,
                                                                         case_manager, django_assert_max_num_queries):
    client = login(clinician)
    counts = []
    for n in (1, 8):
        for _ in range(n):
            walked_patient(clinic, clinician, peer, case_manager, records=2)
        with django_assert_max_num_queries(PATIENT_LIST_MAX_QUERIES) as captured:
            listed(client, status="stop5-needs-attention", scope="mine")
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_pages_of_the_list_count_every_patient_and_a_page_too_far_shows_the_last(login, clinic, clinician, settings):
    settings.PATIENTS_PER_PAGE = 2
    for name in ("Adams", "Baker", "Clark"):
        PatientFactory(clinic=clinic, last_name=name)
    client = login(clinician)

    def names(response):
        return [row["patient"].last_name for row in response.context["page"].object_list]

    first = listed(client)
    assert names(first) == ["Adams", "Baker"] and first.context["page"].paginator.count == 3
    assert "3 at " in first.content.decode()
    second = listed(client, page=2)
    assert names(second) == ["Clark"] and second.context["page"].has_previous()
    assert names(listed(client, page=9)) == ["Clark"]  # past the last page: the last one
    assert names(listed(client, page="two")) == ["Adams", "Baker"]  # not a number: the first
    assert names(listed(client, page=0)) == ["Clark"]  # below the first: the last, as Django's paginator gives
    assert names(listed(client, page="9" * 19)) == ["Clark"]  # far past any clinic's last page
    empty = listed(client, q="Nobody")
    assert names(empty) == [] and empty.context["page"].paginator.count == 0
