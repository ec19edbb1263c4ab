"""The patient's own link (issue 12, part 2): staff give it (printed, or sent the way the patient agreed), the
patient opens it without an account, adds the meeting to a calendar and answers "Did you go?"; wrong, expired and
revoked tokens all get the same page; it is rate-limited and every use is an audit entry."""

import datetime
import hashlib
import re

import icalendar
import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from patients.models import AuditAction, AuditActor, AuditEntry, ContactMethod, Role
from referrals.lifecycle import ReferralStatus
from referrals.models import FollowUp, PatientLink, PatientLinkToken, ReferralTransition
from referrals.patient_link import limits, messaging
from referrals.patient_link.models import LinkDelivery
from referrals.patient_link.services import give_link, open_link, record_answer

from .factories.patients import CareTeamMemberFactory, PatientFactory
from .factories.referrals.conversations import FirstMeetingPlanFactory, ReferralFactory
from .factories.referrals.directory import MeetingFactory, ProgramFactory

pytestmark = pytest.mark.django_db
S = ReferralStatus


@pytest.fixture(autouse=True)
def empty_outbox():
    messaging.outbox.clear()
    yield
    messaging.outbox.clear()


@pytest.fixture
def elena(peer):
    patient = PatientFactory(clinic=peer.clinic, first_name="Elenora", last_name="Ibarrazabal", mrn="RB-77001",
                             preferred_contact=ContactMethod.TEXT, phone="(217) 555-0101")
    CareTeamMemberFactory(patient=patient, staff=peer, role=Role.PEER_SPECIALIST)
    return patient


@pytest.fixture
def referral(elena, peer):
    smart = ProgramFactory(slug="smart-recovery", name="SMART Recovery", group="secular")
    meeting = MeetingFactory(clinic=peer.clinic, program=smart, name="SMART Tuesday Evening", days="2",
                             start_time=datetime.time(18, 30), end_time=datetime.time(20, 0))
    return ReferralFactory(patient=elena, program=smart, meeting=meeting, referred_by=peer, status=S.REFERRED)


def give(client, referral, **data):
    url = reverse("referrals:patient_link_give", args=[referral.patient.public_id, referral.pk])
    return client.post(url, {"delivery": "printed", **data})


def token_in(html):
    return re.search(r"/p/([A-Za-z0-9_-]{40,})/", html).group(1)


def after_the_meeting(link):
    return time_machine.travel(link.meeting_ends_at + datetime.timedelta(hours=1))


def test_staff_print_a_link_shown_once_and_only_its_hash_is_kept(login, referral, peer):
    response = give(login(peer), referral)
    html = response.content.decode()
    assert response.status_code == 200 and "The personal link is ready" in html
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, drawn on the server
    token = token_in(html)
    assert len(token) >= 43
    row = PatientLinkToken.objects.get()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash
    assert row.delivered == LinkDelivery.PRINTED
    link = row.link
    assert (link.referral, link.meeting, link.created_by) == (referral, referral.meeting, peer)
    local_start = timezone.localtime(link.meeting_starts_at)
    assert (local_start.isoweekday(), local_start.time()) == (2, datetime.time(18, 30))  # next Tuesday
    assert link.expires_at == link.meeting_ends_at + datetime.timedelta(days=30)
    assert AuditEntry.objects.filter(actor=peer, action=AuditAction.PRINT,
                                     patient_public_id=referral.patient.public_id).exists()


def test_the_patient_sees_their_meeting_in_plain_words_and_nothing_else_about_them(client, referral, peer):
    FirstMeetingPlanFactory(referral=referral, companion=peer, meeting=referral.meeting,
                            planned_for=timezone.localdate() + datetime.timedelta(days=(2 - timezone.localdate()
                                                                                         .isoweekday()) % 7 or 7),
                            meet_at="The clinic lobby, 15 minutes before")
    given = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED)
    response = client.get(reverse("referrals:patient_link", args=[given.token]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("SMART Tuesday Evening", "SMART Recovery", "6:30 PM", "Add to my calendar", "100 Main St",
                 "Open the address on a map", "Jordan from your care team is going with you",
                 "The clinic lobby, 15 minutes before", "What to expect at a first meeting",
                 "Come back to this page after the meeting"):
        assert text in html, text
    for secret in ("Elenora", "Ibarrazabal", "RB-77001", "555-0101", "Bell", "naltrexone"):
        assert secret not in html, secret
    assert '<html lang="en">' in html and '<meta name="robots" content="noindex, nofollow">' in html
    assert "<script" not in html and "Log out" not in html  # no staff navigation
    assert response["X-Robots-Tag"] == "noindex, nofollow" and response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy and "data:" not in policy
    entry = AuditEntry.objects.get(actor_kind=AuditActor.PATIENT)
    assert (entry.actor, entry.action, entry.patient_public_id) == (None, AuditAction.VIEW,
                                                                   referral.patient.public_id)
    link = PatientLink.objects.get()
    assert link.use_count == 1 and link.last_used_at is not None


def test_add_to_my_calendar_is_an_ics_file_of_the_meeting(client, referral, peer):
    given = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED)
    response = client.get(reverse("referrals:patient_link_calendar", args=[given.token]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="meeting.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    event = calendar.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "SMART Tuesday Evening"
    assert event.decoded("DTSTART") == given.link.meeting_starts_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=90)
    assert "100 Main St" in str(event["LOCATION"])
    assert "Elenora" not in response.content.decode() and given.token not in response.content.decode()
    assert AuditEntry.objects.filter(actor_kind=AuditActor.PATIENT, action=AuditAction.EXPORT).count() == 1


def test_after_the_meeting_the_patient_says_they_went_and_felt_welcome(client, login, referral, peer):
    given = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED)
    url = reverse("referrals:patient_link", args=[given.token])
    assert 'name="went"' not in client.get(url).content.decode()  # not before the meeting
    with after_the_meeting(given.link):
        page = client.get(url).content.decode()
        assert "Did you go?" in page and "Did you feel welcome as someone taking medication?" in page
        missing = client.post(url, {"went": "yes"})
        assert missing.status_code == 400 and "Please choose one answer" in missing.content.decode()
        response = client.post(url, {"went": "yes", "felt_welcome": "yes", "comment": "People were kind."})
        assert response.status_code == 302 and response.url == url
        thanks = client.get(url).content.decode()
        assert "Thank you" in thanks and "You told us you went" in thanks and 'name="went"' not in thanks
        assert client.post(url, {"went": "no"}).status_code == 400
    follow_up = FollowUp.objects.get()
    assert (follow_up.reported_by_patient, follow_up.method, follow_up.meetings_attended, follow_up.felt_welcome,
            follow_up.in_their_words, follow_up.done_by) == (True, "patient_link", 1, "yes", "People were kind.",
                                                             None)
    referral.refresh_from_db()
    assert referral.status == S.FIRST_MEETING_ATTENDED
    move = ReferralTransition.objects.get(to_status=S.FIRST_MEETING_ATTENDED)
    assert (move.by, move.by_patient) == (None, True)
    assert AuditEntry.objects.filter(actor_kind=AuditActor.PATIENT, action=AuditAction.CHANGE).count() == 1

    # The care team sees it, as the patient's own report.
    client = login(peer)
    detail = client.get(reverse("referrals:referral_detail", args=[referral.patient.public_id, referral.pk]))
    text = detail.content.decode()
    assert "Reported by the patient" in text and "felt welcome as someone taking medication: yes, felt welcome" in text
    assert "the patient (their personal link)" in text
    page = client.get(referral.patient.get_absolute_url()).content.decode()
    assert "reported by the patient</strong> through their personal link: went" in page


def test_a_patient_who_did_not_go_says_so_and_the_referral_stays(client, referral, peer):
    given = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED)
    with after_the_meeting(given.link):
        client.post(reverse("referrals:patient_link", args=[given.token]), {"went": "no", "felt_welcome": "yes"})
        assert "You told us you did not go this time" in client.get(
            reverse("referrals:patient_link", args=[given.token])).content.decode()
    follow_up = FollowUp.objects.get()
    assert (follow_up.meetings_attended, follow_up.felt_welcome) == (0, "")
    referral.refresh_from_db()
    assert referral.status == S.REFERRED


def test_wrong_expired_revoked_and_closed_links_all_get_the_same_page(client, referral, peer, elena):
    live = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED)
    answers = {}
    answers["wrong"] = client.get(reverse("referrals:patient_link", args=["x" * 43]))
    answers["garbage"] = client.get(reverse("referrals:patient_link", args=["%00" * 300]))
    with time_machine.travel(live.link.expires_at + datetime.timedelta(seconds=1)):
        answers["expired"] = client.get(reverse("referrals:patient_link", args=[live.token]))
    replaced = live
    live = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED)  # a new link revokes the earlier one
    answers["replaced"] = client.get(reverse("referrals:patient_link", args=[replaced.token]))
    other = ReferralFactory(patient=elena, program=referral.program, referred_by=peer, status=S.REFERRED)
    closed = give_link(other, by=peer, delivery=LinkDelivery.PRINTED)
    other.move_to(status=S.STOPPED, by=peer, reason="not_ready")
    answers["closed"] = client.get(reverse("referrals:patient_link", args=[closed.token]))
    answers["calendar of a wrong token"] = client.get(reverse("referrals:patient_link_calendar", args=["y" * 43]))
    bodies = {name: (r.status_code, r.content) for name, r in answers.items()}
    assert {status for status, _ in bodies.values()} == {404}
    assert len({body for _, body in bodies.values()}) == 1, "the pages differ"
    assert b"This link is no longer active" in answers["wrong"].content
    assert not AuditEntry.objects.filter(actor_kind=AuditActor.PATIENT).exists()
    assert client.get(reverse("referrals:patient_link", args=[live.token])).status_code == 200


def test_staff_revoke_a_link_and_it_stops_at_once(client, login, referral, peer):
    given = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED)
    staff = login(peer)
    detail = staff.get(reverse("referrals:referral_detail", args=[referral.patient.public_id, referral.pk]))
    assert "Active" in detail.content.decode() and "Revoke" in detail.content.decode()
    staff.post(reverse("referrals:patient_link_revoke",
                       args=[referral.patient.public_id, referral.pk, given.link.pk]))
    staff.logout()
    assert client.get(reverse("referrals:patient_link", args=[given.token])).status_code == 404
    given.link.refresh_from_db()
    assert given.link.revoked_by == peer and given.link.status_label == "Revoked"


def test_a_spanish_speaking_peer_can_revoke_a_link_too(login, referral, peer):
    """The link's status is shown in the staff member's language, and the revoke button does not depend on it."""
    give_link(referral, by=peer, delivery=LinkDelivery.PRINTED)
    peer.language = "es"
    peer.save()
    page = login(peer).get(reverse("referrals:referral_detail", args=[referral.patient.public_id, referral.pk]))
    html = page.content.decode()
    assert "<strong>Activo</strong>" in html
    assert reverse("referrals:patient_link_revoke", args=[referral.patient.public_id, referral.pk,
                                                           referral.patient_links.get().pk]) in html


def test_guessing_is_rate_limited_by_address_even_for_a_right_token(client, referral, peer):
    given = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED)
    for n in range(limits.MAX_MISSES):
        assert client.get(reverse("referrals:patient_link", args=[f"guess-{n:040d}"])).status_code == 404
    blocked = client.get(reverse("referrals:patient_link", args=[given.token]))
    assert blocked.status_code == 429 and b"Please wait a few minutes" in blocked.content
    other_address = client.get(reverse("referrals:patient_link", args=[given.token]), REMOTE_ADDR="198.51.100.7")
    assert other_address.status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=limits.WINDOW_SECONDS)):
        assert client.get(reverse("referrals:patient_link", args=[given.token])).status_code == 200


def test_opening_a_right_link_too_often_is_rate_limited_too(client, referral, peer):
    given = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED)
    url = reverse("referrals:patient_link", args=[given.token])
    with time_machine.travel(timezone.now(), tick=False):
        statuses = [client.get(url).status_code for _ in range(limits.MAX_REQUESTS + 1)]
    assert statuses[:limits.MAX_REQUESTS] == [200] * limits.MAX_REQUESTS and statuses[-1] == 429


def test_sent_by_text_only_when_the_patient_agreed(login, referral, peer):
    client = login(peer)
    response = give(client, referral, delivery="text")
    assert response.status_code == 400 and "only when the patient agreed" in response.content.decode()
    assert not PatientLink.objects.exists() and messaging.outbox == []
    response = give(client, referral, delivery="text", agreed="on", reminders="on")
    assert "Sent by text message to (217) 555-0101" in response.content.decode()
    (message,) = messaging.outbox
    assert message.to == "(217) 555-0101" and "SMART Tuesday Evening" in message.body
    token = re.search(r"/p/([A-Za-z0-9_-]+)/", message.body).group(1)
    assert message.body.count("http://testserver/p/") == 1 and "Elenora" not in message.body
    link = open_link(token)
    assert link is not None and link.reminders_by == "text"
    assert AuditEntry.objects.filter(actor=peer, action=AuditAction.SEND).count() == 1


def test_e_mail_for_a_patient_who_prefers_it_and_nothing_for_one_who_prefers_calls(login, referral, peer, elena):
    elena.preferred_contact, elena.email = ContactMethod.EMAIL, "elenora@example.org"
    elena.save()
    client = login(peer)
    give(client, referral, delivery="email", agreed="on")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["elenora@example.org"]
    assert "/p/" in mail.outbox[0].body
    elena.preferred_contact = ContactMethod.PHONE
    elena.save()
    page = client.get(reverse("referrals:patient_link_give", args=[elena.public_id, referral.pk])).content.decode()
    assert 'value="text"' not in page and 'value="email"' not in page
    assert give(client, referral, delivery="email", agreed="on").status_code == 400
    assert len(mail.outbox) == 1


@override_settings(TEXT_MESSAGE_BACKEND="referrals.patient_link.messaging.ConsoleTextBackend", DEBUG=False)
def test_a_link_is_never_sent_through_a_backend_that_writes_to_logs(login, referral, peer):
    page = login(peer).get(reverse("referrals:patient_link_give", args=[referral.patient.public_id, referral.pk]))
    assert 'value="text"' not in page.content.decode()
    assert messaging.can_send(LinkDelivery.TEXT) is False


@override_settings(PATIENT_LINK_DAYS=7)
def test_how_long_a_link_lasts_is_a_setting(referral, peer):
    link = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED).link
    assert link.expires_at == link.meeting_ends_at + datetime.timedelta(days=7)


def test_a_referral_to_a_program_as_a_whole_asks_at_once_and_has_no_calendar(client, elena, peer):
    program_only = ReferralFactory(patient=elena, program=ProgramFactory(name="In The Rooms"), referred_by=peer,
                                   status=S.REFERRED)
    given = give_link(program_only, by=peer, delivery=LinkDelivery.PRINTED)
    page = client.get(reverse("referrals:patient_link", args=[given.token])).content.decode()
    assert "In The Rooms" in page and "Add to my calendar" not in page and "Did you go?" in page
    assert client.get(reverse("referrals:patient_link_calendar", args=[given.token])).status_code == 404


def test_one_answer_per_link_even_when_posted_twice_at_once(referral, peer):
    given = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED)
    with after_the_meeting(given.link):
        record_answer(given.link, went=True, felt_welcome="yes")
        with pytest.raises(Exception, match="already with your care team"):
            record_answer(PatientLink.objects.get(), went=False)
    assert FollowUp.objects.count() == 1


def test_the_patient_page_costs_a_fixed_number_of_queries(client, referral, peer, django_assert_num_queries):
    given = give_link(referral, by=peer, delivery=LinkDelivery.PRINTED)
    url = reverse("referrals:patient_link", args=[given.token])
    client.get(url)
    with django_assert_num_queries(10):
        client.get(url)
