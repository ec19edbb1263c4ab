"""Access matrix: every URL of the product, for anonymous visitors, each role, and another clinic's object.

A URL that is not listed in ``MATRIX`` fails ``test_every_url_is_in_the_matrix``: no page can be added
without deciding who may open it.

Expectation codes: 200 page, 302 redirect (for anonymous: to the login page), 403 role not allowed,
404 not found, 405 method not allowed (POST-only views opened with GET).
"""

import re
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from patients.models import Role
from referrals.models import MeetingImport, PendingMeetingImport
from referrals.patient_link.models import LinkDelivery
from referrals.patient_link.services import give_link
from referrals.support.models.consent import record_disclosure

from .factories.patients import (
    CareTeamMemberFactory,
    ClinicFactory,
    EmergencyAccessFactory,
    PatientFactory,
    StaffFactory,
)
from .factories.referrals.barriers import BarrierFactory, InterventionFactory, ScheduledFollowUpFactory
from .factories.referrals.conversations import (
    ConsentFactory,
    ConversationFactory,
    FirstMeetingPlanFactory,
    ReferralFactory,
)
from .factories.referrals.directory import MeetingFactory, ProgramFactory
from .factories.treatment_plans import PlanVersionFactory

ROLES = ["clinician", "peer", "case_manager", "clinic_admin"]
ALL_STAFF = dict.fromkeys(ROLES, 200)
ADMIN_ONLY = {"clinician": 403, "peer": 403, "case_manager": 403, "clinic_admin": 200}
CLINICIAN_ONLY = {"clinician": 200, "peer": 403, "case_manager": 403, "clinic_admin": 403}
# Only the patient's care team (in the world below: the clinician) changes the wellness plan.
CARE_TEAM_ONLY = {"clinician": 200, "peer": 403, "case_manager": 403, "clinic_admin": 403}
POST_ONLY = dict.fromkeys(ROLES, 405)


@dataclass
class World:
    clinic: object
    staff: dict
    patient: object
    foreign_patient: object
    foreign_staff: object
    extra: dict = field(default_factory=dict)


def build_world():
    clinic = ClinicFactory(name="Matrix Clinic")
    other = ClinicFactory(name="Other Matrix Clinic")
    staff = {
        "clinician": StaffFactory(clinic=clinic, roles=[Role.CLINICIAN]),
        "peer": StaffFactory(clinic=clinic, roles=[Role.PEER_SPECIALIST]),
        "case_manager": StaffFactory(clinic=clinic, roles=[Role.CASE_MANAGER]),
        "clinic_admin": StaffFactory(clinic=clinic, roles=[Role.CLINIC_ADMIN]),
    }
    # Distinctive details, so a test can tell when they leak where they must not (page titles).
    patient = PatientFactory(clinic=clinic, first_name="Zephyrine", last_name="Quillfeather")
    foreign_patient = PatientFactory(clinic=other)
    world = World(clinic, staff, patient, foreign_patient, StaffFactory(clinic=other, roles=[Role.CLINICIAN]))
    world.extra["member"] = CareTeamMemberFactory(patient=patient, staff=staff["clinician"])
    world.extra["foreign_member"] = CareTeamMemberFactory(patient=foreign_patient, staff=world.foreign_staff)
    world.extra["draft"] = PlanVersionFactory(plan__patient=patient)
    world.extra["emergency"] = EmergencyAccessFactory(patient=patient, staff=staff["peer"])
    world.extra["foreign_emergency"] = EmergencyAccessFactory(patient=foreign_patient, staff=world.foreign_staff)
    world.extra["foreign_draft"] = PlanVersionFactory(plan__patient=foreign_patient)
    program = world.extra["program"] = ProgramFactory(slug="matrix-program")
    # Each clinic's own program: only that clinic sees it (another clinic's is a 404, like another's patient).
    world.extra["own_program"] = ProgramFactory(slug="c-matrix-own", name="Matrix own program", clinic=clinic)
    world.extra["foreign_program"] = ProgramFactory(slug="c-other-own", name="Other clinic's program", clinic=other)
    world.extra["meeting"] = MeetingFactory(clinic=clinic, program=program)
    world.extra["foreign_meeting"] = MeetingFactory(clinic=other, program=program)
    world.extra["hand_meeting"] = MeetingFactory(clinic=clinic, program=program, added_by_hand=True, source="")
    world.extra["foreign_hand_meeting"] = MeetingFactory(clinic=other, program=program, added_by_hand=True, source="")
    world.extra["import"] = MeetingImport.objects.create(clinic=clinic, program=program, source="feed.json")
    world.extra["foreign_import"] = MeetingImport.objects.create(clinic=other, program=program, source="x.json")
    world.extra["pending"] = PendingMeetingImport.objects.create(clinic=clinic, program=program, source="feed.json",
                                                                 entries=[])
    world.extra["foreign_pending"] = PendingMeetingImport.objects.create(clinic=other, program=program,
                                                                         source="x.json", entries=[])
    for prefix, who, clinician in (("", patient, staff["clinician"]), ("foreign_", foreign_patient,
                                                                     world.foreign_staff)):
        referral = world.extra[prefix + "referral"] = ReferralFactory(patient=who, program=program,
                                                                      referred_by=clinician)
        world.extra[prefix + "first_meeting"] = FirstMeetingPlanFactory(referral=referral)
        world.extra[prefix + "conversation"] = ConversationFactory(patient=who, held_by=clinician,
                                                                   held_by_role="clinician", track="3b",
                                                                   concerns=["fear"], concerns_addressed="Talked")
        consent = world.extra[prefix + "consent"] = ConsentFactory(patient=who, program=program,
                                                                   recorded_by=clinician)
        barrier = world.extra[prefix + "barrier"] = BarrierFactory(patient=who, noted_by=clinician)
        world.extra[prefix + "intervention"] = InterventionFactory(barrier=barrier)
        world.extra[prefix + "follow_up"] = ScheduledFollowUpFactory(patient=who, assigned_to=clinician)
        world.extra[prefix + "disclosure"] = record_disclosure(consent, by=clinician, information="first name",
                                                               referral=referral)
        given = give_link(referral, by=clinician, delivery=LinkDelivery.PRINTED)
        world.extra[prefix + "patient_link"], world.extra[prefix + "token"] = given.link, given.token
    # A personal link to a weekly meeting (so its calendar file exists): public, opened by its token alone.
    weekly = ReferralFactory(patient=patient, program=program, meeting=world.extra["meeting"],
                             referred_by=staff["clinician"], status="referred")
    world.extra["meeting_token"] = give_link(weekly, by=staff["clinician"], delivery=LinkDelivery.PRINTED).token
    # And one to a program as a whole (no meeting time), whose page asks "Did you go?" at once.
    whole = ReferralFactory(patient=patient, program=program, referred_by=staff["clinician"], status="referred")
    world.extra["answer_token"] = give_link(whole, by=staff["clinician"], delivery=LinkDelivery.PRINTED).token
    return world


def under_patient(*keys):
    """URL arguments for a patient's object (ours and another clinic's): public id, then object ids."""

    def ours(w):
        return [w.patient.public_id] + [w.extra[k].pk for k in keys]

    def theirs(w):
        return [w.foreign_patient.public_id] + [w.extra["foreign_" + k].pk for k in keys]

    return ours, theirs


@dataclass
class Row:
    """One URL: how to build its arguments for our clinic's objects and for another clinic's."""

    staff: dict
    args: object = None  # callable(world) -> list
    foreign_args: object = None  # callable(world) -> list; the foreign object must be a 404
    anonymous: int = 302
    foreign_method: str = "get"
    # The view finds the patient before it checks the care team, so another clinic's object is a 404 for all.
    foreign_404_for_all: bool = False
    foreign_status: int | None = None  # when another clinic's object is refused before it is looked up


def patient_args(w):
    return [w.patient.public_id]


def foreign_patient_args(w):
    return [w.foreign_patient.public_id]


def wellness_world(w):
    """Stop 2 objects for our patient and the foreign one (made once per world)."""
    if "assessment" not in w.extra:
        from django.core.management import call_command

        from .factories.wellness import BARC_SHAPED_EXAMPLE, AssessmentFactory, WellnessGoalFactory

        w.extra["assessment"] = AssessmentFactory(patient=w.patient, levels=2)  # every domain a gap
        w.extra["foreign_assessment"] = AssessmentFactory(patient=w.foreign_patient, levels=2)
        w.extra["goal"] = WellnessGoalFactory(plan__patient=w.patient)
        w.extra["foreign_goal"] = WellnessGoalFactory(plan__patient=w.foreign_patient)
        call_command("load_questionnaire", str(BARC_SHAPED_EXAMPLE), "--clinic", w.clinic.name, verbosity=0)
        w.extra["own_questionnaire"] = w.clinic.questionnaires.get()
        other = w.foreign_patient.clinic
        call_command("load_questionnaire", str(BARC_SHAPED_EXAMPLE), "--clinic", other.name, verbosity=0)
        w.extra["foreign_questionnaire"] = other.questionnaires.get()
    return w.extra


def wellness_rows():
    def p(*rest):
        return lambda w: [w.patient.public_id, *[r(wellness_world(w)) if callable(r) else r for r in rest]]

    def fp(*rest):
        return lambda w: [w.foreign_patient.public_id, *[r(wellness_world(w)) if callable(r) else r for r in rest]]

    def assessment(x):
        return x["assessment"].pk

    def foreign_assessment(x):
        return x["foreign_assessment"].pk

    def own_q(w):
        return [wellness_world(w)["own_questionnaire"].pk]

    def foreign_q(w):
        return [wellness_world(w)["foreign_questionnaire"].pk]

    team = {"foreign_404_for_all": True}
    return {
        "wellness:plan": Row(ALL_STAFF, p(), fp()),
        "wellness:plan_edit": Row(CARE_TEAM_ONLY, p(), fp(), **team),
        "wellness:plan_history": Row(ALL_STAFF, p(), fp()),
        "wellness:plan_print": Row(ALL_STAFF, p(), fp()),
        "wellness:plan_item_add": Row(CARE_TEAM_ONLY, p("goals"), fp("goals"), **team),
        "wellness:plan_item_edit": Row(CARE_TEAM_ONLY, p("goals", lambda x: x["goal"].pk),
                                       fp("goals", lambda x: x["foreign_goal"].pk), **team),
        "wellness:plan_item_remove": Row(POST_ONLY, p("goals", lambda x: x["goal"].pk),
                                         fp("goals", lambda x: x["foreign_goal"].pk), foreign_method="post"),
        "wellness:assessment_list": Row(ALL_STAFF, p(), fp()),
        "wellness:assessment_new": Row(CARE_TEAM_ONLY, p(), fp(), **team),
        "wellness:assessment_detail": Row(ALL_STAFF, p(assessment), fp(foreign_assessment)),
        "wellness:gap_wellness_goal": Row(CARE_TEAM_ONLY, p(assessment, "social"), fp(foreign_assessment, "social"),
                                          **team),
        "wellness:gap_treatment_goal": Row(CLINICIAN_ONLY, p(assessment, "social"),
                                           fp(foreign_assessment, "social"), **team),
        "wellness:questionnaire_list": Row(ALL_STAFF),
        "wellness:questionnaire_load": Row(ADMIN_ONLY),
        "wellness:questionnaire_detail": Row(ALL_STAFF, own_q, foreign_q),
        "wellness:questionnaire_download": Row(ALL_STAFF, own_q, foreign_q),
        "wellness:questionnaire_edit": Row(ADMIN_ONLY, own_q, foreign_q),
        "wellness:questionnaire_set_active": Row(
            {**POST_ONLY, "clinician": 403, "peer": 403, "case_manager": 403}, own_q, foreign_q,
            foreign_method="post",
        ),
    }


def draft_args(w):
    return [w.patient.public_id, w.extra["draft"].number]


def foreign_draft_args(w):
    return [w.foreign_patient.public_id, w.extra["foreign_draft"].number]


CARE_ROLES = {"clinician": 200, "peer": 200, "case_manager": 200, "clinic_admin": 403}
CARE_POST_ONLY = {**POST_ONLY, "clinic_admin": 403}
STOP5_WRITE = {"clinician": 200, "peer": 403, "case_manager": 200, "clinic_admin": 403}
CLINICIAN_POST_ONLY = {**POST_ONLY, "peer": 403, "case_manager": 403, "clinic_admin": 403}


MATRIX = {
    "home": Row(ALL_STAFF),
    "healthz": Row(ALL_STAFF, anonymous=200),
    "overview": Row({**ADMIN_ONLY, "clinician": 200}),  # clinic-wide figures: clinic admins and clinicians
    # A whole work queue ("See all" on the home page): staff holding the queue's role (here a clinician's).
    "queue": Row(CLINICIAN_ONLY, lambda w: ["plans-due"]),
    # The FHIR R4 download of a patient's pathway: clinicians and clinic admins.
    "patient_fhir_export": Row({**ADMIN_ONLY, "clinician": 200}, patient_args, foreign_patient_args),
    "login": Row(dict.fromkeys(ROLES, 302), anonymous=200),
    "logout": Row(POST_ONLY, anonymous=405),
    "password_change": Row(ALL_STAFF),
    "password_change_done": Row(ALL_STAFF),
    "account_language": Row(ALL_STAFF),
    "password_reset": Row(ALL_STAFF, anonymous=200),
    "password_reset_done": Row(ALL_STAFF, anonymous=200),
    "password_reset_confirm": Row(ALL_STAFF, args=lambda w: ["MQ", "set-password"], anonymous=200),
    "password_reset_complete": Row(ALL_STAFF, anonymous=200),
    "patients:list": Row(ALL_STAFF),
    "patients:create": Row(ALL_STAFF),
    "patients:detail": Row(ALL_STAFF, patient_args, foreign_patient_args),
    "patients:edit": Row(ALL_STAFF, patient_args, foreign_patient_args),
    # Emergency access: without a caseload limit (as here) the patient is in reach, so it goes straight to them.
    "patients:emergency_access": Row(dict.fromkeys(ROLES, 302), patient_args, foreign_patient_args),
    "patients:care_team_add": Row(POST_ONLY, patient_args, foreign_patient_args, foreign_method="post"),
    "patients:care_team_remove": Row(
        POST_ONLY,
        lambda w: [w.patient.public_id, w.extra["member"].pk],
        lambda w: [w.foreign_patient.public_id, w.extra["foreign_member"].pk],
        foreign_method="post",
    ),
    # Stop 1: everyone on the team reads plans; only clinicians start, edit, sign and discard them.
    "patients:plans_due": Row(CLINICIAN_ONLY),
    "patients:plan": Row(ALL_STAFF, patient_args, foreign_patient_args),
    "patients:plan_history": Row(ALL_STAFF, patient_args, foreign_patient_args),
    "patients:plan_version": Row(ALL_STAFF, draft_args, foreign_draft_args),
    "patients:plan_edit": Row(CLINICIAN_ONLY, draft_args, foreign_draft_args),
    "patients:plan_start": Row(CLINICIAN_POST_ONLY, patient_args, foreign_patient_args, foreign_method="post"),
    "patients:plan_sign": Row(CLINICIAN_POST_ONLY, draft_args, foreign_draft_args, foreign_method="post"),
    "patients:plan_discard": Row(CLINICIAN_POST_ONLY, draft_args, foreign_draft_args, foreign_method="post"),
    # Stop 4: the directory is shared reading (shared facts are kept by site administrators, in Django admin);
    # clinic admins add the clinic's own programs and notes, and import feeds. Another clinic's program is a 404.
    "referrals:directory": Row(ALL_STAFF),
    "referrals:program_detail": Row(ALL_STAFF, lambda w: [w.extra["own_program"].slug],
                                    lambda w: [w.extra["foreign_program"].slug]),
    "referrals:program_new": Row(ADMIN_ONLY),
    "referrals:program_edit": Row(ADMIN_ONLY, lambda w: [w.extra["own_program"].slug],
                                  lambda w: [w.extra["foreign_program"].slug]),
    "referrals:program_note": Row(ADMIN_ONLY, lambda w: [w.extra["program"].slug],
                                  lambda w: [w.extra["foreign_program"].slug]),
    "referrals:meeting_export": Row(ALL_STAFF, lambda w: [w.extra["own_program"].slug],
                                    lambda w: [w.extra["foreign_program"].slug]),
    "referrals:meeting_list": Row(ALL_STAFF),
    "referrals:meeting_detail": Row(ALL_STAFF, lambda w: [w.extra["meeting"].pk],
                                    lambda w: [w.extra["foreign_meeting"].pk]),
    "referrals:meeting_medication_edit": Row(ALL_STAFF, lambda w: [w.extra["meeting"].pk],
                                             lambda w: [w.extra["foreign_meeting"].pk]),
    "referrals:meeting_review_done": Row(POST_ONLY, lambda w: [w.extra["meeting"].pk],
                                         lambda w: [w.extra["foreign_meeting"].pk], foreign_method="post"),
    "referrals:meeting_import": Row(ADMIN_ONLY),
    "referrals:meeting_new": Row(ADMIN_ONLY),
    "referrals:meeting_edit": Row(ADMIN_ONLY, lambda w: [w.extra["hand_meeting"].pk],
                                  lambda w: [w.extra["foreign_hand_meeting"].pk]),
    "referrals:import_detail": Row(ADMIN_ONLY, lambda w: [w.extra["import"].pk],
                                   lambda w: [w.extra["foreign_import"].pk]),
    "referrals:import_confirm": Row(ADMIN_ONLY, lambda w: [w.extra["pending"].pk],
                                    lambda w: [w.extra["foreign_pending"].pk]),
    "referrals:find_options": Row(ALL_STAFF, patient_args, foreign_patient_args),
    "referrals:preferences_edit": Row(ALL_STAFF, patient_args, foreign_patient_args),
    # Stop 3: the whole care team reads; clinicians, peers and case managers act (not a clinic admin as such).
    "referrals:support": Row(ALL_STAFF, patient_args, foreign_patient_args),
    "referrals:conversation_new": Row(CARE_ROLES, patient_args, foreign_patient_args),
    "referrals:next_step_done": Row(CARE_POST_ONLY, *under_patient("conversation"), foreign_method="post"),
    "referrals:concern_barrier": Row(POST_ONLY, lambda w: [*under_patient("conversation")[0](w), "fear"],
                                     lambda w: [*under_patient("conversation")[1](w), "fear"], foreign_method="post"),
    "referrals:referral_new": Row(CARE_ROLES, patient_args, foreign_patient_args),
    "referrals:referral_detail": Row(ALL_STAFF, *under_patient("referral")),
    "referrals:referral_move": Row(CARE_POST_ONLY, *under_patient("referral"), foreign_method="post"),
    "referrals:referral_edit": Row(CARE_ROLES, *under_patient("referral")),
    "referrals:first_meeting_new": Row(CARE_ROLES, *under_patient("referral")),
    "referrals:first_meeting_outcome": Row(CARE_POST_ONLY, *under_patient("referral", "first_meeting"),
                                           foreign_method="post"),
    "referrals:handout": Row(ALL_STAFF, *under_patient("referral")),
    "referrals:letter": Row(CARE_ROLES, *under_patient("referral")),
    "referrals:consent_new": Row(CARE_ROLES, patient_args, foreign_patient_args),
    "referrals:consent_detail": Row(ALL_STAFF, *under_patient("consent")),
    "referrals:consent_print": Row(ALL_STAFF, *under_patient("consent")),
    "referrals:consent_revoke": Row(CARE_POST_ONLY, *under_patient("consent"), foreign_method="post"),
    "referrals:consent_disclose": Row(CARE_POST_ONLY, *under_patient("consent"), foreign_method="post"),
    "referrals:accounting": Row(ALL_STAFF, patient_args, foreign_patient_args),
    "referrals:disclosure_letter": Row(ALL_STAFF, *under_patient("disclosure")),
    # The patient's own link: public pages guarded by the token in the address (no login; anyone holding a live
    # token sees the page, staff too). Wrong, expired and revoked tokens: tests/test_patient_link.py.
    "referrals:patient_link": Row(ALL_STAFF, lambda w: [w.extra["answer_token"]], anonymous=200),
    "referrals:patient_link_calendar": Row(ALL_STAFF, lambda w: [w.extra["meeting_token"]], anonymous=200),
    # Staff give and revoke it from the referral (the care roles, as for the referral's other actions).
    "referrals:patient_link_give": Row(CARE_ROLES, *under_patient("referral")),
    "referrals:patient_link_revoke": Row(CARE_POST_ONLY, *under_patient("referral", "patient_link"),
                                         foreign_method="post"),
    # Stop 5: everyone reads; case managers and the patient's care team record barriers and follow-ups.
    # (In this world the clinician is on the care team; the peer specialist and the clinic admin are not.)
    "referrals:case_manager_queue": Row({**ALL_STAFF, "clinician": 403, "peer": 403, "clinic_admin": 403}),
    "referrals:barrier_list": Row(ALL_STAFF, patient_args, foreign_patient_args),
    "referrals:barrier_create": Row(STOP5_WRITE, patient_args, foreign_patient_args, foreign_404_for_all=True),
    "referrals:barrier_detail": Row(ALL_STAFF, *under_patient("barrier")),
    "referrals:barrier_status": Row(POST_ONLY, *under_patient("barrier"), foreign_method="post"),
    "referrals:intervention_create": Row(STOP5_WRITE, *under_patient("barrier"), foreign_404_for_all=True),
    "referrals:intervention_outcome": Row(STOP5_WRITE, *under_patient("barrier", "intervention"),
                                          foreign_404_for_all=True),
    "referrals:follow_up_list": Row(ALL_STAFF, patient_args, foreign_patient_args),
    "referrals:follow_up_log_new": Row(STOP5_WRITE, patient_args, foreign_patient_args, foreign_404_for_all=True),
    "referrals:follow_up_log": Row(STOP5_WRITE, *under_patient("follow_up"), foreign_404_for_all=True),
    "referrals:follow_up_schedule": Row(STOP5_WRITE, patient_args, foreign_patient_args, foreign_404_for_all=True),
    "referrals:follow_up_cancel": Row(POST_ONLY, *under_patient("follow_up"), foreign_method="post"),
    "referrals:outreach_attempt_new": Row(STOP5_WRITE, patient_args, foreign_patient_args, foreign_404_for_all=True),
    "referrals:follow_up_settings": Row(ADMIN_ONLY),
    # Security: each staff member's own two-factor and session pages; clinic admins' security settings.
    "security:confirm_password": Row(ALL_STAFF),
    "security:two_factor": Row(ALL_STAFF),
    "security:two_factor_setup": Row(dict.fromkeys(ROLES, 302)),  # asks for the password again first
    "security:two_factor_verify": Row(dict.fromkeys(ROLES, 302)),  # nothing to verify without a device
    "security:recovery_codes_new": Row(POST_ONLY),
    "security:two_factor_disable": Row(POST_ONLY),
    "security:session_status": Row(ALL_STAFF, anonymous=200),  # tells the idle-warning script the time left
    "security:session_keepalive": Row(POST_ONLY, anonymous=405),
    "security:clinic_security": Row(ADMIN_ONLY),
    "security:staff_end_sessions": Row({**ADMIN_ONLY, "clinic_admin": 405}, lambda w: [w.staff["peer"].pk],
                                       lambda w: [w.foreign_staff.pk], foreign_method="post"),
    # Re-authentication is asked before the staff member is looked up, so another clinic's id learns nothing.
    "security:staff_reset_two_factor": Row({**ADMIN_ONLY, "clinic_admin": 405}, lambda w: [w.staff["peer"].pk],
                                           lambda w: [w.foreign_staff.pk], foreign_method="post",
                                           foreign_status=302),
    "staff:list": Row(ADMIN_ONLY),
    "staff:create": Row(ADMIN_ONLY),
    "staff:edit": Row(ADMIN_ONLY, lambda w: [w.staff["peer"].pk], lambda w: [w.foreign_staff.pk]),
    "staff:set_active": Row(
        {**POST_ONLY, "clinician": 403, "peer": 403, "case_manager": 403},
        lambda w: [w.staff["peer"].pk], lambda w: [w.foreign_staff.pk], foreign_method="post",
    ),
    "staff:audit": Row(ADMIN_ONLY),
    "staff:emergency_access": Row(ADMIN_ONLY),
    "staff:emergency_access_end": Row({**POST_ONLY, "clinician": 403, "peer": 403, "case_manager": 403},
                                      lambda w: [w.extra["emergency"].pk], lambda w: [w.extra["foreign_emergency"].pk],
                                      foreign_method="post"),
    **wellness_rows(),
}


def product_url_names(patterns=None, namespace=""):
    """Every named URL of the product (Django admin excluded: it is for superusers only)."""
    names = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += product_url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(namespace + entry.name)
    return names


def test_every_url_is_in_the_matrix():
    missing = sorted(set(product_url_names()) - set(MATRIX))
    assert not missing, f"Decide who may open these URLs and add them to MATRIX: {missing}"
    stale = sorted(set(MATRIX) - set(product_url_names()))
    assert not stale, f"MATRIX lists URLs that no longer exist: {stale}"


def url_for(name, row, world, foreign=False):
    make = row.foreign_args if foreign else row.args
    return reverse(name, args=make(world) if make else None)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(client, name):
    row = MATRIX[name]
    world = build_world()
    url = url_for(name, row, world)

    anonymous = client.get(url)
    assert anonymous.status_code == row.anonymous, f"anonymous GET {name}"
    if row.anonymous == 302:
        assert anonymous.url.startswith(reverse("login"))

    for role in ROLES:
        client.force_login(world.staff[role])
        response = client.get(url)
        assert response.status_code == row.staff[role], f"{role} GET {name}"
        title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
        if title:  # tabs, history and window lists of shared devices: never patient data there
            secrets = ("Zephyrine", "Quillfeather", world.patient.mrn)
            assert not any(secret in title.group(1) for secret in secrets), title.group(1)

    if row.foreign_args:
        for role in ROLES:
            client.force_login(world.staff[role])
            foreign_url = url_for(name, row, world, foreign=True)
            response = getattr(client, row.foreign_method)(foreign_url)
            expected = 403 if row.staff[role] == 403 and not row.foreign_404_for_all else 404
            if row.foreign_status is not None and row.staff[role] != 403:
                expected = row.foreign_status
            assert response.status_code == expected, f"{role} {row.foreign_method.upper()} another clinic's {name}"


@pytest.mark.django_db
def test_django_admin_is_for_superusers_only(client):
    clinician = StaffFactory(roles=[Role.CLINICIAN])
    client.force_login(clinician)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response.url
