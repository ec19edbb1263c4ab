"""The pathway status of a patient: each stop's rules, 3a vs 3b, the bulk form's queries, the patient page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from maud_pathways.pathway import (
    StopStatus,
    annotate_pathway,
    pathway_facts,
    pathway_for_patients,
    patients_with_pathway,
)
from patients.models import Patient, Role
from referrals.directory.models import Audience
from referrals.lifecycle import CloseReason
from referrals.models import OutreachAttempt, OutreachMethod
from wellness.models import GapGoalLink

from .factories.dates import days_from_today, today
from .factories.pathway import walked_patient
from .factories.patients import StaffFactory, patient_with_team
from .factories.referrals.barriers import BarrierFactory, InterventionFactory, ScheduledFollowUpFactory
from .factories.referrals.conversations import ConversationFactory, ReferralFactory
from .factories.referrals.directory import MatchingPreferencesFactory, ProgramFactory
from .factories.treatment_plans import PlanVersionFactory, signed_plan
from .factories.wellness import AssessmentFactory, WellnessGoalFactory, WellnessPlanFactory
from .query_budgets import PATIENT_PAGE_MAX_QUERIES

pytestmark = pytest.mark.django_db

NOT_STARTED, IN_PROGRESS, DONE, ATTENTION = (StopStatus.NOT_STARTED, StopStatus.IN_PROGRESS, StopStatus.DONE,
                                             StopStatus.NEEDS_ATTENTION)
NO_GAPS = 3  # every domain at "mostly true": no gap under the shipped questionnaire's rule
ONE_GAP = {"personal": 3, "social": 2, "community": 3, "cultural": 3}


def stop(patient, number, on=None):
    pathway = pathway_for_patients(Patient.objects.filter(pk=patient.pk), on or today())[patient.pk]
    return pathway.stop(number)


@pytest.fixture
def team(clinic, clinician, peer, case_manager):
    return {"clinician": clinician, "peer": peer, "case_manager": case_manager}


@pytest.fixture
def patient(clinic, team):
    return patient_with_team(clinic, **team)


# Stop 1 ------------------------------------------------------------------------------------------

def test_stop1_follows_the_treatment_plan_from_nothing_to_signed_to_due(patient, clinician):
    first = stop(patient, 1)
    assert first.status == NOT_STARTED and first.reason == "No treatment plan yet."
    assert first.turns[0].role == Role.CLINICIAN and first.turns[0].people == [clinician]
    assert first.action_url == reverse("patients:plan", args=[patient.public_id])

    draft = PlanVersionFactory(plan__patient=patient)
    assert stop(patient, 1).status == IN_PROGRESS
    assert "draft" in stop(patient, 1).reason

    draft.delete()
    signed_plan(patient, clinician, next_review_date=days_from_today(30),
                at=timezone.now() - datetime.timedelta(days=60))
    done = stop(patient, 1)
    assert done.status == DONE and done.turns == [] and "next review" in done.reason
    assert stop(patient, 1, on=days_from_today(29)).status == DONE
    assert stop(patient, 1, on=days_from_today(30)).status == ATTENTION  # due today counts, as on the "Plans due" list
    overdue = stop(patient, 1, on=days_from_today(45))
    assert overdue.status == ATTENTION and "due for review since" in overdue.reason
    assert overdue.is_turn_of(clinician)


# Stop 2 ------------------------------------------------------------------------------------------

def test_stop2_needs_a_wellness_plan_and_a_recent_assessment(patient, peer):
    assert stop(patient, 2).status == NOT_STARTED
    assert stop(patient, 2).action_url == reverse("wellness:plan_edit", args=[patient.public_id])
    assert stop(patient, 2).turns[0].people == [peer]

    WellnessPlanFactory(patient=patient)
    only_plan = stop(patient, 2)
    assert only_plan.status == IN_PROGRESS and "not assessed" in only_plan.reason
    assert only_plan.action_url == reverse("wellness:assessment_new", args=[patient.public_id])

    AssessmentFactory(patient=patient, levels=NO_GAPS, taken_on=days_from_today(-100))
    stale = stop(patient, 2)
    assert stale.status == IN_PROGRESS and "more than 90 days old" in stale.reason

    AssessmentFactory(patient=patient, levels=NO_GAPS, taken_on=days_from_today(-20))
    assert stop(patient, 2).status == DONE


def test_stop2_assessment_without_a_wellness_plan_is_in_progress(patient):
    AssessmentFactory(patient=patient, levels=NO_GAPS, taken_on=days_from_today(-3))
    assert stop(patient, 2).status == IN_PROGRESS
    assert "no wellness plan yet" in stop(patient, 2).reason


def test_stop2_a_gap_with_no_goal_needs_attention_until_a_goal_answers_it(patient, peer):
    plan = WellnessPlanFactory(patient=patient)
    assessment = AssessmentFactory(patient=patient, levels=ONE_GAP, taken_on=days_from_today(-3))
    gap = stop(patient, 2)
    assert gap.status == ATTENTION
    assert "Social" in gap.reason  # the domain's label, from the questionnaire
    assert gap.action_url == assessment.get_absolute_url()

    GapGoalLink.objects.create(assessment=assessment, domain="social",
                               wellness_goal=WellnessGoalFactory(plan=plan), created_by=peer)
    assert stop(patient, 2).status == DONE

    # A later assessment with the same gap: last month's goal still answers it.
    AssessmentFactory(patient=patient, levels=ONE_GAP, taken_on=days_from_today(-1))
    assert stop(patient, 2).status == DONE


# Stop 3 ------------------------------------------------------------------------------------------

def test_stop3a_with_a_peer_on_the_team(patient, peer, clinician):
    talk = stop(patient, 3)
    assert talk.number == "3a" and talk.status == NOT_STARTED
    assert [t.role for t in talk.turns] == [Role.PEER_SPECIALIST] and talk.turns[0].people == [peer]
    assert talk.is_turn_of(peer) and not talk.is_turn_of(clinician)
    assert talk.action_url == reverse("referrals:conversation_new", args=[patient.public_id])


def test_stop3b_without_a_peer_the_clinician_or_case_manager_leads(clinic, clinician, case_manager, peer):
    patient = patient_with_team(clinic, clinician=clinician, case_manager=case_manager)
    talk = stop(patient, 3)
    assert talk.number == "3b" and talk.status == NOT_STARTED
    assert [t.role for t in talk.turns] == [Role.CLINICIAN, Role.CASE_MANAGER]
    assert talk.is_turn_of(clinician) and talk.is_turn_of(case_manager) and not talk.is_turn_of(peer)


def test_stop3b_with_nobody_to_lead_needs_attention(clinic):
    patient = patient_with_team(clinic)
    talk = stop(patient, 3)
    assert talk.number == "3b" and talk.status == ATTENTION and "Nobody on the care team" in talk.reason


def test_stop3_is_done_when_talked_and_the_plan_says_mutual_support(patient, peer, clinician):
    ConversationFactory(patient=patient, held_by=peer, held_on=days_from_today(-2))
    talked = stop(patient, 3)
    assert talked.status == IN_PROGRESS and "no treatment plan is signed yet" in talked.reason
    assert talked.turns[0].role == Role.CLINICIAN and talked.is_turn_of(clinician)

    signed_plan(patient, clinician, includes_mutual_support=False)
    without = stop(patient, 3)
    assert without.status == IN_PROGRESS and "does not include mutual support" in without.reason

    signed_plan(patient, clinician, includes_mutual_support=True)
    assert stop(patient, 3).status == DONE


# Stop 4 ------------------------------------------------------------------------------------------

def test_stop4_from_preferences_to_a_referral(patient, peer):
    assert stop(patient, 4).status == NOT_STARTED
    MatchingPreferencesFactory(patient=patient)
    assert stop(patient, 4).status == IN_PROGRESS

    referral = ReferralFactory(patient=patient, referred_by=peer, status="suggested")
    suggested = stop(patient, 4)
    assert suggested.status == IN_PROGRESS and "not referred yet" in suggested.reason
    assert suggested.action_url == reverse("referrals:referral_detail", args=[patient.public_id, referral.pk])

    referral.move_to(status="discussed", by=peer)
    referral.move_to(status="referred", by=peer)
    assert stop(patient, 4).status == DONE


def test_stop4_needs_attention_when_every_referral_is_closed(patient, peer):
    first = ReferralFactory(patient=patient, referred_by=peer, status="referred")
    second = ReferralFactory(patient=patient, referred_by=peer, status="discussed")
    first.move_to(status="declined", by=peer, reason=CloseReason.DID_NOT_FIT)
    assert stop(patient, 4).status == IN_PROGRESS  # the second is still open
    second.move_to(status="stopped", by=peer, reason=CloseReason.NOT_READY)
    closed = stop(patient, 4)
    assert closed.status == ATTENTION and "All 2 referrals" in closed.reason
    assert closed.action_url == reverse("referrals:find_options", args=[patient.public_id])


# Stop 5 ------------------------------------------------------------------------------------------

def test_stop5_starts_with_a_referral_and_is_done_after_the_first_meeting(patient, peer, case_manager):
    assert stop(patient, 5).status == NOT_STARTED
    referral = ReferralFactory(patient=patient, referred_by=peer, status="referred")
    waiting = stop(patient, 5)
    assert waiting.status == IN_PROGRESS and waiting.turns[0].people == [case_manager]
    referral.move_to(status="first_meeting_attended", by=case_manager)
    assert stop(patient, 5).status == DONE


def test_stop5_an_open_barrier_keeps_it_in_progress_or_needs_attention(patient, peer, case_manager):
    referral = ReferralFactory(patient=patient, referred_by=peer, status="referred")
    referral.move_to(status="first_meeting_attended", by=peer)
    barrier = BarrierFactory(patient=patient, noted_by=case_manager, owner=case_manager)
    unplanned = stop(patient, 5)
    assert unplanned.status == ATTENTION and "nothing planned" in unplanned.reason
    assert unplanned.action_url == reverse("referrals:barrier_detail", args=[patient.public_id, barrier.pk])

    InterventionFactory(barrier=barrier, due_on=days_from_today(3))
    assert stop(patient, 5).status == IN_PROGRESS

    barrier.set_status("resolved", case_manager)
    assert stop(patient, 5).status == DONE


def test_stop5_an_overdue_follow_up_needs_attention(patient, peer, case_manager):
    ReferralFactory(patient=patient, referred_by=peer, status="referred")
    follow_up = ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=today())
    assert stop(patient, 5).status == IN_PROGRESS  # due today is not overdue yet
    late = stop(patient, 5, on=days_from_today(1))
    assert late.status == ATTENTION and "overdue" in late.reason
    assert late.action_url == reverse("referrals:follow_up_log", args=[patient.public_id, follow_up.pk])
    assert late.is_turn_of(case_manager)


# Whole pathway, bulk form --------------------------------------------------------------------------

def test_a_walked_patient_shows_each_stop(clinic, team):
    patient = walked_patient(clinic, **team)
    statuses = {s.number: s.status for s in pathway_for_patients(Patient.objects.filter(pk=patient.pk),
                                                                 today())[patient.pk].stops}
    # The social gap has no goal; a barrier has nothing planned; a follow-up is a day late.
    assert statuses == {"1": DONE, "2": ATTENTION, "3a": DONE, "4": DONE, "5": ATTENTION}


def test_the_bulk_form_uses_the_same_queries_for_3_or_30_patients(clinic, team):
    for _ in range(3):
        walked_patient(clinic, **team)
    with CaptureQueriesContext(connection) as small:
        assert len(pathway_for_patients(Patient.objects.filter(clinic=clinic), today())) == 3
    for n in range(27):
        walked_patient(clinic, **team, records=1 + n % 3)
    with CaptureQueriesContext(connection) as large:
        pathways = pathway_for_patients(Patient.objects.filter(clinic=clinic), today())
    assert len(pathways) == 30
    assert len(large.captured_queries) == len(small.captured_queries) <= 6


def test_the_bulk_form_agrees_with_the_single_patient_form(clinic, team):
    patients = [walked_patient(clinic, **team), patient_with_team(clinic, **team)]
    bulk = pathway_for_patients(Patient.objects.filter(clinic=clinic), today())
    for patient in patients:
        one = pathway_for_patients(Patient.objects.filter(pk=patient.pk), today())[patient.pk]
        assert [(s.number, s.status, s.reason) for s in one.stops] == \
            [(s.number, s.status, s.reason) for s in bulk[patient.pk].stops]


def test_the_bulk_form_keeps_to_the_patients_it_is_given(clinic, other_clinic, team):
    mine = walked_patient(clinic, **team)
    theirs = walked_patient(other_clinic, *(StaffFactory(clinic=other_clinic, roles=[r]) for r in
                                            (Role.CLINICIAN, Role.PEER_SPECIALIST, Role.CASE_MANAGER)))
    pathways = pathway_for_patients(Patient.objects.visible_to(team["clinician"]), today())
    assert set(pathways) == {mine.pk} and theirs.pk not in pathways


def test_the_pages_precompiled_query_reads_the_same_facts_as_the_orm(clinic, team):
    """The pages run ``annotate_pathway``'s query compiled once per process (and time zone, and number of ids):
    every fact and every field comes back as the ORM reads them, for patients in any state and any order."""
    walked = [walked_patient(clinic, **team, records=n) for n in (1, 2)]
    bare = patient_with_team(clinic, **team)
    OutreachAttempt.objects.create(patient=walked[1], by=team["case_manager"], method=OutreachMethod.PHONE,
                                   attempted_at=timezone.now() - datetime.timedelta(days=2))
    names = list(annotate_pathway().query.annotations)
    fields = [f.attname for f in Patient._meta.concrete_fields]

    def facts(patient):
        return [getattr(patient, name) for name in names + fields]

    for zone in ("America/Chicago", "Pacific/Auckland"):
        with timezone.override(zone):
            by_orm = {p.pk: facts(p) for p in annotate_pathway().filter(clinic=clinic)}
            ids = [bare.pk, walked[1].pk, walked[0].pk]
            loaded = patients_with_pathway(ids)
            assert [p.pk for p in loaded] == ids
            assert {p.pk: facts(p) for p in loaded} == by_orm
            assert [m.staff for m in loaded[1].care_team.all()] == [m.staff for m in walked[1].care_team.all()]
            one = pathway_facts(Patient.objects.get(pk=walked[1].pk))
            assert facts(one) == by_orm[walked[1].pk]
    assert by_orm[walked[1].pk][names.index("pw_last_attempt_at")] is not None


# The patient page ------------------------------------------------------------------------------------

def test_the_patient_page_opens_with_the_pathway_and_highlights_my_turn(login, patient, peer):
    page = login(peer).get(patient.get_absolute_url()).content.decode()
    assert page.index('id="pathway-heading"') < page.index("Stop 1 · Treatment plan")
    assert 'data-testid="pathway-stop-3a" data-status="not_started"' in page
    assert "Your turn" in page
    assert f'href="{reverse("referrals:conversation_new", args=[patient.public_id])}"' in page
    # Status in words and a symbol, never colour alone.
    assert "Not started" in page and "○" in page


def test_a_case_manager_sees_no_turn_of_theirs_on_a_patient_with_nothing_for_them(login, clinic, clinician):
    other_cm = StaffFactory(clinic=clinic, roles=[Role.CASE_MANAGER])
    patient = patient_with_team(clinic, clinician=clinician)
    page = login(other_cm).get(patient.get_absolute_url()).content.decode()
    assert "pathway-stop-yours" not in page


def test_the_patient_page_query_count_is_fixed_whatever_the_records(login, clinic, team):
    client = login(team["peer"])
    small = walked_patient(clinic, **team)
    large = walked_patient(clinic, **team, records=6)
    client.get(small.get_absolute_url())  # warm up the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(small.get_absolute_url()).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(large.get_absolute_url()).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries) <= PATIENT_PAGE_MAX_QUERIES


def test_the_patient_page_shows_the_pathway_of_the_rules(login, clinic, team):
    # The page skips the queries its pathway facts answer (no signed plan, wellness plan, conversation or open
    # barrier) and hands the rules the referrals its Stop 3 and 4 loaded: its pathway is still the bulk form's,
    # whether there is nothing, something or much at each stop, and a suggestion for someone close counts for no stop.
    walked = walked_patient(clinic, **team, records=2)
    close, also = patient_with_team(clinic, **team), walked_patient(clinic, **team)
    for patient in (close, also):
        ReferralFactory(patient=patient, referred_by=team["peer"],
                        program=ProgramFactory(audience=Audience.FAMILY_AND_FRIENDS))
    client = login(team["clinician"])
    for patient in (patient_with_team(clinic, **team), close, walked, also):
        page = client.get(patient.get_absolute_url()).content.decode()
        pathway = pathway_for_patients(Patient.objects.filter(pk=patient.pk), today())[patient.pk]
        for s in pathway.stops:
            assert f'data-testid="pathway-stop-{s.number}" data-status="{s.status}"' in page
            assert f'<p class="pathway-reason small mb-1">{escape(s.reason)}</p>' in page
