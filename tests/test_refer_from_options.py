"""Refer where the choice is made (issue 12, part 1): from Find options, or from a meeting page opened from it,
straight to "referred" (one move naming the steps it skipped) or as a suggestion, with the match reasons."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patients.models import AuditAction, AuditEntry, Role
from referrals.lifecycle import ReferralStatus, skipped_at_start
from referrals.models import ProgramGroup, Referral

from .factories.patients import CareTeamMemberFactory, PatientFactory
from .factories.referrals.conversations import ConsentFactory
from .factories.referrals.directory import MatchingPreferencesFactory, MeetingFactory, ProgramFactory

pytestmark = pytest.mark.django_db
S = ReferralStatus


@pytest.fixture
def elena(peer, case_manager):
    patient = PatientFactory(clinic=peer.clinic, first_name="Elena", last_name="Ibarra")
    CareTeamMemberFactory(patient=patient, staff=peer, role=Role.PEER_SPECIALIST)
    CareTeamMemberFactory(patient=patient, staff=case_manager, role=Role.CASE_MANAGER)
    MatchingPreferencesFactory(patient=patient, online_only=True, transportation="none")
    return patient


@pytest.fixture
def smart(peer):
    program = ProgramFactory(slug="smart-recovery", name="SMART Recovery", group=ProgramGroup.SECULAR,
                             offers_online=True)
    MeetingFactory(clinic=peer.clinic, program=program, name="SMART Online Tuesday", online=True, days="2",
                   start_time=datetime.time(18, 30))
    return program


def meeting_named(name):
    from referrals.models import Meeting

    return Meeting.objects.get(name=name)


def test_from_the_patient_page_a_matched_meeting_is_referred_in_two_clicks(login, elena, smart, peer):
    client = login(peer)
    # Click 1: the patient page's Stop 4 links to Find options.
    page = client.get(elena.get_absolute_url()).content.decode()
    options_url = reverse("referrals:find_options", args=[elena.public_id])
    assert f'href="{options_url}"' in page
    # Click 2: Find options has Refer next to each meeting, posting to the referral page.
    options = client.get(options_url)
    tuesday = meeting_named("SMART Online Tuesday")
    option = next(o for o in options.context["options"].meetings if o.item == tuesday)
    html = options.content.decode()
    assert f'value="meeting:{tuesday.pk}"' in html and "Refer<span" in html and "Save as suggestion" in html

    response = client.post(reverse("referrals:referral_new", args=[elena.public_id]),
                           {"match": f"meeting:{tuesday.pk}", "status": "referred"})
    referral = Referral.objects.get(patient=elena)
    assert response.url == reverse("referrals:referral_detail", args=[elena.public_id, referral.pk])
    assert (referral.status, referral.source, referral.meeting, referral.program) == (S.REFERRED, "matching",
                                                                                     tuesday, smart)
    assert referral.match_reasons == "; ".join(option.fits)

    # One page: the referral, referred by the peer, with the one move that skipped two steps.
    detail = client.get(response.url).content.decode()
    assert "referred by Jordan Bell" in detail
    assert "Created as “Referred” in one step (skipped “Suggested” and “Discussed with patient”)" in detail
    transition = referral.transitions.get()
    assert (transition.by, transition.skipped, transition.from_status) == (peer, "suggested,discussed", "")


def test_save_as_suggestion_keeps_it_to_talk_over_and_says_suggested_by(login, elena, smart, peer):
    client = login(peer)
    client.post(reverse("referrals:referral_new", args=[elena.public_id]),
                {"match": f"program:{smart.pk}", "status": "suggested"})
    referral = Referral.objects.get(patient=elena)
    assert (referral.status, referral.meeting, referral.program) == (S.SUGGESTED, None, smart)
    assert referral.transitions.get().skipped == ""
    detail = client.get(reverse("referrals:referral_detail", args=[elena.public_id, referral.pk])).content.decode()
    assert "suggested by Jordan Bell" in detail and "referred by" not in detail
    assert "Created as “Suggested”</" not in detail and "Created as “Suggested”" in detail


def test_a_suggestion_referred_later_names_who_referred(login, elena, smart, peer, case_manager):
    login(peer).post(reverse("referrals:referral_new", args=[elena.public_id]),
                     {"match": f"program:{smart.pk}", "status": "suggested"})
    referral = Referral.objects.get(patient=elena)
    referral.move_to(status=S.DISCUSSED, by=peer)
    referral.move_to(status=S.REFERRED, by=case_manager)
    detail = login(case_manager).get(reverse("referrals:referral_detail", args=[elena.public_id, referral.pk]))
    assert "referred by Sam Whitaker" in detail.content.decode()


def test_only_suggested_or_referred_can_be_posted_and_left_out_options_are_refused(login, elena, smart, peer):
    women = MeetingFactory(clinic=peer.clinic, program=smart, name="Women Online", online=True,
                           type_codes=",W,ONL,")
    client = login(peer)
    url = reverse("referrals:referral_new", args=[elena.public_id])
    tuesday = meeting_named("SMART Online Tuesday")
    for data in ({"match": f"meeting:{tuesday.pk}", "status": "engaged"},
                 {"match": f"meeting:{tuesday.pk}", "status": "first_meeting_attended"},
                 {"match": "meeting:999999", "status": "referred"},
                 {"match": "meeting:١٢", "status": "referred"},
                 {"match": "meeting:" + "9" * 40, "status": "referred"},
                 {"match": f"nothing:{tuesday.pk}", "status": "referred"}):
        response = client.post(url, data, follow=True)
        assert "no longer among the matches" in response.content.decode()
    response = client.post(url, {"match": f"meeting:{women.pk}", "status": "referred"}, follow=True)
    assert "Matching does not offer Women Online to this patient: Women-only" in response.content.decode()
    assert not Referral.objects.filter(patient=elena).exists()


def test_staff_without_a_care_role_see_options_but_no_refer_buttons(login, elena, smart, clinic_admin):
    client = login(clinic_admin)
    page = client.get(reverse("referrals:find_options", args=[elena.public_id])).content.decode()
    assert "SMART Online Tuesday" in page and "Save as suggestion" not in page
    tuesday = meeting_named("SMART Online Tuesday")
    response = client.post(reverse("referrals:referral_new", args=[elena.public_id]),
                           {"match": f"meeting:{tuesday.pk}", "status": "referred"})
    assert response.status_code == 403 and not Referral.objects.exists()


def test_a_meeting_opened_from_the_options_keeps_the_patient_and_refers_them(login, elena, smart, peer):
    client = login(peer)
    tuesday = meeting_named("SMART Online Tuesday")
    options = client.get(reverse("referrals:find_options", args=[elena.public_id])).content.decode()
    link = f"{tuesday.get_absolute_url()}?patient={elena.public_id}"
    assert f'href="{link}"' in options

    page = client.get(link)
    html = page.content.decode()
    assert "For Elena" in html and "Back to Elena's options" in html
    assert f'value="meeting:{tuesday.pk}"' in html and "Online, so no travel is needed" in html
    assert AuditEntry.objects.filter(patient_public_id=elena.public_id, action=AuditAction.VIEW,
                                     what="referrals:meeting_detail").count() == 1
    # Without a patient the page is the plain directory page.
    plain = client.get(tuesday.get_absolute_url()).content.decode()
    assert "For Elena" not in plain and "Save as suggestion" not in plain


def test_a_meeting_page_for_another_clinics_patient_or_a_bad_id_is_a_404(login, elena, smart, peer, outsider):
    tuesday = meeting_named("SMART Online Tuesday")
    stranger = PatientFactory(clinic=outsider.clinic)
    client = login(peer)
    for value in (stranger.public_id, uuid.uuid4(), "not-a-uuid", "x" * 500):
        assert client.get(f"{tuesday.get_absolute_url()}?patient={value}").status_code == 404


def test_the_referral_page_says_whether_a_part2_consent_covers_a_letter(login, elena, smart, peer):
    client = login(peer)
    client.post(reverse("referrals:referral_new", args=[elena.public_id]),
                {"match": f"program:{smart.pk}", "status": "referred"})
    referral = Referral.objects.get(patient=elena)
    url = reverse("referrals:referral_detail", args=[elena.public_id, referral.pk])
    page = client.get(url).content.decode()
    assert "No active consent." in page and reverse("referrals:consent_new", args=[elena.public_id]) in page
    ConsentFactory(patient=elena, program=smart, recorded_by=peer)
    assert "An active consent covers SMART Recovery" in client.get(url).content.decode()


def test_skipped_at_start_names_the_path_before_the_start_step():
    assert skipped_at_start(S.SUGGESTED) == []
    assert skipped_at_start(S.DISCUSSED) == [S.SUGGESTED]
    assert skipped_at_start(S.REFERRED) == [S.SUGGESTED, S.DISCUSSED]
    with pytest.raises(ValidationError):
        skipped_at_start(S.ENGAGED)


def test_query_counts_of_find_options_and_the_meeting_page_for_a_patient(login, elena, smart, peer,
                                                                        django_assert_num_queries):
    client = login(peer)
    for n in range(5):
        MeetingFactory(clinic=peer.clinic, program=smart, name=f"More {n}", online=True)
    tuesday = meeting_named("SMART Online Tuesday")
    client.get(reverse("referrals:find_options", args=[elena.public_id]))  # warm the session
    with django_assert_num_queries(11):  # the welcome ratings of the clinic: two queries
        client.get(reverse("referrals:find_options", args=[elena.public_id]))
    with django_assert_num_queries(12):
        client.get(f"{tuesday.get_absolute_url()}?patient={elena.public_id}")


def test_a_spanish_speaking_peer_reads_the_referral_and_its_history_in_spanish(login, elena, smart, peer):
    """Who made it and the history's first move are whole Spanish sentences, the statuses in Spanish too."""
    peer.language = "es"
    peer.save()
    client = login(peer)
    response = client.post(reverse("referrals:referral_new", args=[elena.public_id]),
                           {"match": f"program:{smart.pk}", "status": "referred"})
    detail = client.get(response.url).content.decode()
    assert "derivada por Jordan Bell" in detail
    assert ("Creada con el estado «Derivado» en un solo paso (se saltaron «Sugerido» y «Hablado con el paciente»)"
            in detail)
    assert "referred by" not in detail and "Created as" not in detail and "skipped" not in detail
