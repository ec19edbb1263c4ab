"""Every page the access matrix lists asks a pinned number of queries, the same at 1x and at 10x data.

The world of the access matrix (tests/test_access_matrix.py) is filled once with one patient walked along the
whole pathway (on the clinician's, peer's and case manager's care teams), then with nine more and nine times the
records of the matrix's own patient (assessments, conversations, referrals, consents and disclosures, barriers,
follow-ups), more staff, meetings and imports. Each page is opened by the first role allowed to open it (every
role for the home page), after a request that warms the session, and its queries are counted both times.

A page whose count changes with the data grows with the clinic: make it load a window of rows and count the rest
in the database. A page whose count changes with the code: look at why, then update ``PAGE_QUERIES``.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from referrals.models import MeetingImport
from referrals.support.models.consent import record_disclosure

from .factories.dates import days_from_today
from .factories.pathway import walked_patient
from .factories.patients import EmergencyAccessFactory, StaffFactory
from .factories.referrals.barriers import (
    BarrierFactory,
    DoneFollowUpFactory,
    InterventionFactory,
    ScheduledFollowUpFactory,
)
from .factories.referrals.conversations import (
    ConsentFactory,
    ConversationFactory,
    FirstMeetingPlanFactory,
    ReferralFactory,
)
from .factories.referrals.directory import MeetingFactory
from .factories.wellness import AssessmentFactory, WellnessGoalFactory
from .test_access_matrix import MATRIX, ROLES, build_world, url_for, wellness_world

#: Queries of each page, opened by the first role the matrix allows (``home`` by every role). Session, user
#: and roles are three of each logged-in page; pages about one patient, and pages that list patients (home, the
#: work queues, the patient list, the audit pages), add an audit entry.
PAGE_QUERIES = {
    "healthz": 3,
    "home[clinician]": 13,
    "home[peer]": 14,
    "home[case_manager]": 16,
    "home[clinic_admin]": 10,
    "login": 3,
    "overview": 8,
    "password_change": 3,
    "password_change_done": 3,
    "account_language": 3,  # session, user (its language comes with it), messages: like password_change
    "password_reset": 3,
    "password_reset_complete": 3,
    "password_reset_confirm": 4,
    "password_reset_done": 3,
    "patient_fhir_export": 18,
    "patients:create": 3,
    "patients:detail": 19,
    "patients:edit": 6,
    "patients:emergency_access": 6,
    "patients:list": 10,
    "patients:plan": 17,
    "patients:plan_edit": 11,
    "patients:plan_history": 8,
    "patients:plan_version": 17,
    "patients:plans_due": 7,
    "queue": 5,
    "referrals:accounting": 8,
    "referrals:barrier_create": 9,
    "referrals:barrier_detail": 8,
    "referrals:barrier_list": 8,
    "referrals:case_manager_queue": 12,
    "referrals:consent_detail": 8,
    "referrals:consent_new": 8,
    "referrals:consent_print": 8,
    "referrals:conversation_new": 7,
    "referrals:directory": 7,
    "referrals:disclosure_letter": 8,
    "referrals:find_options": 11,
    "referrals:first_meeting_new": 10,
    "referrals:follow_up_list": 14,
    "referrals:follow_up_log": 15,
    "referrals:follow_up_log_new": 15,
    "referrals:outreach_attempt_new": 7,
    "referrals:follow_up_settings": 3,
    "referrals:follow_up_schedule": 8,
    "referrals:handout": 11,
    "referrals:import_detail": 4,
    "referrals:import_confirm": 5,
    "referrals:intervention_create": 10,
    "referrals:intervention_outcome": 9,
    "referrals:letter": 12,
    "referrals:meeting_detail": 6,
    "referrals:meeting_edit": 5,
    "referrals:meeting_export": 5,
    "referrals:meeting_import": 6,
    "referrals:meeting_list": 6,
    "referrals:meeting_medication_edit": 6,
    "referrals:meeting_new": 4,
    "referrals:preferences_edit": 7,
    "referrals:program_detail": 6,
    "referrals:program_edit": 4,
    "referrals:program_new": 3,
    "referrals:program_note": 5,
    "referrals:referral_detail": 15,
    "referrals:patient_link_give": 10,
    "referrals:patient_link_calendar": 12,
    "referrals:patient_link": 13,
    "referrals:referral_edit": 9,
    "referrals:referral_new": 14,
    "referrals:support": 13,
    "security:clinic_security": 5,
    "security:confirm_password": 3,
    "security:recovery_codes": 3,
    "security:session_status": 3,
    "security:two_factor": 5,
    "security:two_factor_setup": 3,
    "security:two_factor_verify": 4,
    "staff:audit": 8,
    "staff:create": 3,
    "staff:edit": 5,
    "staff:emergency_access": 6,
    "staff:list": 5,
    "wellness:assessment_detail": 9,
    "wellness:assessment_list": 8,
    "wellness:assessment_new": 7,
    "wellness:gap_treatment_goal": 7,
    "wellness:gap_wellness_goal": 7,
    "wellness:plan": 12,
    "wellness:plan_edit": 7,
    "wellness:plan_history": 8,
    "wellness:plan_item_add": 7,
    "wellness:plan_item_edit": 8,
    "wellness:plan_print": 11,
    "wellness:questionnaire_detail": 5,
    "wellness:questionnaire_download": 4,
    "wellness:questionnaire_edit": 4,
    "wellness:questionnaire_list": 4,
    "wellness:questionnaire_load": 3,
}


def pages():
    """(key, URL name, role) of each page to count: GET pages that answer 200 (or only redirect)."""
    out = []
    for name in sorted(MATRIX):
        row = MATRIX[name]
        if name == "home":
            out += [(f"home[{role}]", name, role) for role in ROLES]
            continue
        allowed = [role for role in ROLES if row.staff[role] == 200] or [
            role for role in ROLES if row.staff[role] == 302]
        if allowed:
            out.append((name, name, allowed[0]))
        elif row.anonymous == 200:
            out.append((name, name, None))
    return out


def grow(world, times):
    """``times`` more of everything: walked patients on the staff's care teams, records of the matrix's patient,
    staff, meetings, feed imports and emergency-access grants."""
    clinic, staff, patient = world.clinic, world.staff, world.patient
    clinician, peer, case_manager = staff["clinician"], staff["peer"], staff["case_manager"]
    program = world.extra["program"]
    for n in range(times):
        walked_patient(clinic, clinician, peer, case_manager, records=1 + n % 2)
        StaffFactory(clinic=clinic, roles=["clinician"])
        meeting = MeetingFactory(clinic=clinic, program=program)
        MeetingImport.objects.create(clinic=clinic, program=program, source=f"feed-{n}.json")
        EmergencyAccessFactory(patient=patient, staff=case_manager)
        AssessmentFactory(patient=patient, levels=2, taken_on=days_from_today(-30 - n))
        ConversationFactory(patient=patient, held_by=clinician, held_by_role="clinician", track="3b",
                            held_on=days_from_today(-40 - n))
        referral = ReferralFactory(patient=patient, program=program, meeting=meeting, referred_by=clinician)
        FirstMeetingPlanFactory(referral=referral)
        consent = ConsentFactory(patient=patient, program=program, recorded_by=clinician)
        record_disclosure(consent, by=clinician, information="first name", referral=referral)
        barrier = BarrierFactory(patient=patient, noted_by=clinician)
        InterventionFactory(barrier=barrier)
        ScheduledFollowUpFactory(patient=patient, assigned_to=clinician, due_on=days_from_today(-n))
        DoneFollowUpFactory(patient=patient, assigned_to=clinician, done_on=days_from_today(-5 - n))
        WellnessGoalFactory(plan=world.extra["goal"].plan)


def count_queries(client, world):
    counts, statuses = {}, {}
    for key, name, role in pages():
        row = MATRIX[name]
        url = url_for(name, row, world)
        if role is None:
            client.logout()
        else:
            client.force_login(world.staff[role])
        client.get(url)  # warms the session (its last-seen time) and the caches of the process
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts[key] = len(queries.captured_queries)
        statuses[key] = response.status_code
    return counts, statuses


@pytest.mark.django_db
def test_every_page_asks_a_pinned_number_of_queries_at_1x_and_10x_data(client):
    world = build_world()
    wellness_world(world)
    grow(world, 1)
    small, small_statuses = count_queries(client, world)
    grow(world, 9)
    large, large_statuses = count_queries(client, world)

    assert small_statuses == large_statuses
    grows = {key: (small[key], large[key]) for key in small if small[key] != large[key]}
    assert not grows, f"queries grow with the data (1x, 10x): {grows}"
    changed = {key: (PAGE_QUERIES.get(key), n) for key, n in small.items() if PAGE_QUERIES.get(key) != n}
    assert not changed, ("pinned query counts differ (pinned, now); if the change is meant, update PAGE_QUERIES:\n"
                         + "\n".join(f'    "{key}": {now},  # was {was}' for key, (was, now) in changed.items()))
