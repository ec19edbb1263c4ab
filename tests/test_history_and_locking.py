"""Concurrent edits and the history of changes, for treatment plans and referrals.

A stale form (someone saved first) is refused with what the user typed kept on the page; the history shows
old and new values. (The plan editor's own conflict tests are in ``test_treatment_plans.py``; the referral
status move's in ``test_referrals_stop3.py``.) Runs on SQLite and PostgreSQL.
"""

import pytest
from django.test import Client
from django.urls import reverse

from patients import treatment_plans as plans
from patients.models import Role
from referrals.lifecycle import ReferralStatus as S
from referrals.models import ReferralChange
from referrals.support.models.referral import StaleReferral

from .factories.patients import CareTeamMemberFactory, PatientFactory
from .factories.referrals.conversations import ReferralFactory
from .factories.referrals.directory import MeetingFactory, ProgramFactory
from .factories.treatment_plans import signed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(clinic, clinician, peer, case_manager):
    patient = PatientFactory(clinic=clinic, first_name="Elena", last_name="Ibarra")
    for staff, role in [(clinician, Role.CLINICIAN), (peer, Role.PEER_SPECIALIST), (case_manager, Role.CASE_MANAGER)]:
        CareTeamMemberFactory(patient=patient, staff=staff, role=role)
    return patient


@pytest.fixture
def program(db):
    return ProgramFactory(name="SMART Recovery", slug="smart-recovery-history")


@pytest.fixture
def meetings(clinic, program):
    return (MeetingFactory(clinic=clinic, program=program, name="Tuesday Online SMART"),
            MeetingFactory(clinic=clinic, program=program, name="Saturday Library SMART"))


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def edit_url(patient, referral):
    return reverse("referrals:referral_edit", args=[patient.public_id, referral.pk])


def detail_url(patient, referral):
    return reverse("referrals:referral_detail", args=[patient.public_id, referral.pk])


# Plans: the version page shows what changed, old and new ------------------------------------------

def test_a_revised_plan_shows_old_and_new_values(patient, clinician, login):
    first = signed_plan(patient, clinician)
    draft = plans.revise(first, clinician)
    draft.medications.update(dose="100 mg")
    second = plans.sign_version(draft, clinician)
    page = login(clinician).get(reverse("patients:plan_version", args=[patient.public_id, second.number]))
    html = page.content.decode()
    assert f"What changed from version {first.number}" in html
    assert "Dose" in html and "50 mg" in html and "100 mg" in html
    history = login(clinician).get(reverse("patients:plan_history", args=[patient.public_id])).content.decode()
    assert "Started a revision" in history and history.count("Signed") >= 2


# Referrals: status moves and meeting changes in one history ------------------------------------------

def test_peer_points_a_referral_at_a_meeting_and_the_history_shows_both_values(patient, peer, case_manager,
                                                                               program, meetings):
    tuesday, saturday = meetings
    referral = ReferralFactory(patient=patient, program=program, referred_by=peer, meeting=tuesday)
    referral.move_to(status=S.DISCUSSED, by=case_manager)
    client = as_user(peer)

    form = client.get(edit_url(patient, referral))
    assert form.status_code == 200 and "Saturday Library SMART" in form.content.decode()
    response = client.post(edit_url(patient, referral), {
        "meeting": saturday.pk, "note": "Weekdays clash with her shifts", "version": referral.version})
    assert response.status_code == 302 and response.url == detail_url(patient, referral)

    referral.refresh_from_db()
    assert referral.meeting == saturday and referral.version == 3 and referral.status == S.DISCUSSED
    change = ReferralChange.objects.get(referral=referral)
    assert (change.old_value, change.new_value, change.by) == ("Tuesday Online SMART", "Saturday Library SMART", peer)

    page = client.get(detail_url(patient, referral)).content.decode()
    assert "Suggested → Discussed" in page  # the status move, old and new
    assert "Meeting changed from “Tuesday Online SMART” to “Saturday Library SMART”" in page
    assert "Weekdays clash with her shifts" in page
    assert page.index("Suggested → Discussed") < page.index("Meeting changed")  # oldest first


def test_a_stale_meeting_change_is_refused_keeping_what_was_typed(patient, peer, case_manager, program, meetings):
    tuesday, saturday = meetings
    referral = ReferralFactory(patient=patient, program=program, referred_by=peer)
    seen = referral.version
    referral.move_to(status=S.DISCUSSED, by=case_manager)  # meanwhile, someone else updates the referral

    client = as_user(peer)
    response = client.post(edit_url(patient, referral),
                           {"meeting": saturday.pk, "note": "She prefers the library", "version": seen})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else updated this referral" in page
    assert "She prefers the library" in page
    assert f'<option value="{saturday.pk}" selected>' in page
    referral.refresh_from_db()
    assert referral.meeting is None and not ReferralChange.objects.exists()

    # The page now carries the current version: saving again on purpose goes through.
    resubmit = client.post(edit_url(patient, referral),
                           {"meeting": saturday.pk, "note": "She prefers the library", "version": referral.version})
    assert resubmit.status_code == 302
    referral.refresh_from_db()
    assert referral.meeting == saturday


def test_two_people_changing_the_meeting_at_once_only_the_first_wins(patient, peer, case_manager, program, meetings):
    tuesday, saturday = meetings
    referral = ReferralFactory(patient=patient, program=program, referred_by=peer)
    version = referral.version
    referral.change_meeting(tuesday, peer, expected_version=version)
    with pytest.raises(StaleReferral):
        referral.change_meeting(saturday, case_manager, expected_version=version)
    referral.refresh_from_db()
    assert referral.meeting == tuesday and ReferralChange.objects.count() == 1


def test_meeting_change_rules(patient, peer, clinic, other_clinic, program, meetings):
    tuesday, _ = meetings
    referral = ReferralFactory(patient=patient, program=program, referred_by=peer)
    other_program_meeting = MeetingFactory(clinic=clinic, program=ProgramFactory(slug="other-program-history"))
    foreign_meeting = MeetingFactory(clinic=other_clinic, program=program)
    from django.core.exceptions import ValidationError

    for meeting in (other_program_meeting, foreign_meeting, None):  # None: already "any meeting"
        with pytest.raises(ValidationError):
            referral.change_meeting(meeting, peer)
    # The page offers only the program's meetings in the clinic's list.
    response = as_user(peer).post(edit_url(patient, referral), {"meeting": foreign_meeting.pk,
                                                                "version": referral.version})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()

    referral.move_to(status=S.DECLINED, by=peer, reason="not_ready")
    with pytest.raises(ValidationError):
        referral.change_meeting(tuesday, peer)
    closed = as_user(peer).get(edit_url(patient, referral), follow=True)
    assert "re-open it before changing its meeting" in closed.content.decode()
    assert not ReferralChange.objects.exists()


def test_back_to_any_meeting_of_the_program(patient, peer, program, meetings):
    tuesday, _ = meetings
    referral = ReferralFactory(patient=patient, program=program, referred_by=peer, meeting=tuesday)
    response = as_user(peer).post(edit_url(patient, referral), {"meeting": "", "version": referral.version},
                                  follow=True)
    assert "Meeting changed from “Tuesday Online SMART” to any meeting of the program" in response.content.decode()


def test_clinic_admins_do_not_change_referrals(patient, peer, clinic_admin, program, meetings):
    referral = ReferralFactory(patient=patient, program=program, referred_by=peer)
    assert as_user(clinic_admin).post(edit_url(patient, referral),
                                      {"meeting": meetings[0].pk, "version": referral.version}).status_code == 403


def test_referral_page_query_count_does_not_grow_with_changes(patient, peer, program, meetings,
                                                              django_assert_max_num_queries):
    tuesday, saturday = meetings
    few = ReferralFactory(patient=patient, program=program, referred_by=peer)
    few.change_meeting(tuesday, peer)
    many = ReferralFactory(patient=patient, program=program, referred_by=peer)
    for i in range(10):
        many.change_meeting(saturday if i % 2 else tuesday, peer)
    client = as_user(peer)
    client.get(detail_url(patient, few))
    with django_assert_max_num_queries(40) as small:
        client.get(detail_url(patient, few))
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(detail_url(patient, many))
    assert page.content.decode().count("Meeting changed from") == 10
