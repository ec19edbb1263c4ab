"""Reminders (issue 12, part 6): the day before the first meeting and "Did you go?" after it, through the contact
method the patient agreed to, at most once each, idempotent, one failure never stopping the rest."""

import datetime
import re
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from patients.models import AuditAction, AuditActor, AuditEntry, ContactMethod
from referrals.models import Reminder, ReminderKind, ReminderStatus
from referrals.patient_link import messaging
from referrals.patient_link.models import LinkDelivery
from referrals.patient_link.reminders import send_due_reminders
from referrals.patient_link.services import give_link, open_link, record_answer

from .factories.patients import PatientFactory
from .factories.referrals.conversations import ReferralFactory
from .factories.referrals.directory import MeetingFactory, ProgramFactory

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


class FailingForOneNumber:
    """A text backend whose provider refuses one number (and sends the rest to the outbox)."""

    def send_messages(self, messages):
        for message in messages:
            if message.to == "(217) 555-0666":
                raise ConnectionError("provider refused")
        messaging.outbox.extend(messages)


@pytest.fixture(autouse=True)
def empty_outbox():
    messaging.outbox.clear()
    yield
    messaging.outbox.clear()


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=CHICAGO)


@pytest.fixture
def wednesday():
    """A Wednesday (the meeting's day) a week or two ahead."""
    today = datetime.datetime.now(CHICAGO).date()
    return today + datetime.timedelta(days=(3 - today.isoweekday()) % 7 + 7)


def linked_patient(clinic, by, wednesday, *, phone="(217) 555-0101", reminders=True, contact=ContactMethod.TEXT):
    """A patient with a personal link (and reminders) to a Wednesday 6 PM meeting, given the Sunday before."""
    patient = PatientFactory(clinic=clinic, preferred_contact=contact, phone=phone, email="p@example.org")
    program = ProgramFactory(slug="smart-recovery", name="SMART Recovery")
    meeting = MeetingFactory(clinic=clinic, program=program, name="SMART Wednesday", days="3",
                             start_time=datetime.time(18, 0), end_time=datetime.time(19, 30))
    referral = ReferralFactory(patient=patient, program=program, meeting=meeting, referred_by=by, status="referred")
    with time_machine.travel(at(wednesday - datetime.timedelta(days=3), 12)):
        return give_link(referral, by=by, delivery=LinkDelivery.PRINTED, reminders=reminders).link


def test_the_day_before_one_reminder_with_a_working_link_and_never_twice(clinic, peer, wednesday):
    link = linked_patient(clinic, peer, wednesday)
    assert link.meeting_starts_at == at(wednesday, 18)
    with time_machine.travel(at(wednesday - datetime.timedelta(days=2), 12)):
        assert send_due_reminders().sent == []  # two days before: nothing yet
    with time_machine.travel(at(wednesday - datetime.timedelta(days=1), 10)):
        out = StringIO()
        call_command("send_reminders", stdout=out)
        assert out.getvalue() == "1 reminder sent, 0 failed.\n"
        call_command("send_reminders", stdout=StringIO())  # every few minutes: nothing more
        assert send_due_reminders().sent == []
    (message,) = messaging.outbox
    assert message.to == "(217) 555-0101"
    assert "SMART Wednesday is tomorrow, Wednesday at 6:00 PM" in message.body
    token = re.search(r"/p/([A-Za-z0-9_-]+)/", message.body).group(1)
    assert message.body.startswith("A reminder:") and "https://pathways.test/p/" in message.body
    assert open_link(token) == link
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.status, reminder.channel) == (ReminderKind.DAY_BEFORE, ReminderStatus.SENT, "text")
    entry = AuditEntry.objects.get(actor_kind=AuditActor.AUTOMATIC)
    assert (entry.action, entry.actor, entry.patient_public_id) == (AuditAction.SEND, None,
                                                                   link.referral.patient.public_id)


def test_nothing_is_sent_at_night(clinic, peer, wednesday):
    linked_patient(clinic, peer, wednesday)
    with time_machine.travel(at(wednesday - datetime.timedelta(days=1), 7)):
        assert send_due_reminders().sent == []
    with time_machine.travel(at(wednesday - datetime.timedelta(days=1), 20)):
        assert send_due_reminders().sent == []
    with time_machine.travel(at(wednesday - datetime.timedelta(days=1), 9)):
        assert len(send_due_reminders().sent) == 1


def test_after_the_meeting_did_you_go_once_and_not_after_an_answer(clinic, peer, wednesday):
    link = linked_patient(clinic, peer, wednesday)
    answered = linked_patient(clinic, peer, wednesday, phone="(217) 555-0102")
    with time_machine.travel(at(wednesday, 19, 35)):
        record_answer(answered, went=True, felt_welcome="yes")
        assert send_due_reminders().sent == [(link.pk, ReminderKind.DID_YOU_GO)]
        assert send_due_reminders().sent == []
    (message,) = messaging.outbox
    assert message.body.startswith("How did SMART Wednesday go?")


def test_a_failure_does_not_stop_the_rest_and_is_tried_again_three_times_in_all(clinic, peer, wednesday):
    refused = linked_patient(clinic, peer, wednesday, phone="(217) 555-0666")
    fine = linked_patient(clinic, peer, wednesday, phone="(217) 555-0101")
    day_before = at(wednesday - datetime.timedelta(days=1), 10)
    with override_settings(TEXT_MESSAGE_BACKEND="tests.test_reminders.FailingForOneNumber"):
        for minutes in range(0, 25, 5):
            with time_machine.travel(day_before + datetime.timedelta(minutes=minutes)):
                report = send_due_reminders()
                if minutes == 0:
                    assert report.sent == [(fine.pk, ReminderKind.DAY_BEFORE)]
                    assert report.failed == [(refused.pk, ReminderKind.DAY_BEFORE)]
    failed = Reminder.objects.get(link=refused)
    assert (failed.status, failed.attempts, failed.error) == (ReminderStatus.FAILED, 3, "ConnectionError")
    assert [m.to for m in messaging.outbox] == ["(217) 555-0101"]
    out, err = StringIO(), StringIO()
    with time_machine.travel(day_before + datetime.timedelta(hours=1)):
        call_command("send_reminders", stdout=out, stderr=err)
    assert out.getvalue() == "0 reminders sent, 0 failed.\n"


def test_a_reminder_being_sent_by_another_run_is_not_sent_again(clinic, peer, wednesday):
    link = linked_patient(clinic, peer, wednesday)
    Reminder.objects.create(link=link, kind=ReminderKind.DAY_BEFORE, channel="text", attempts=1)
    with time_machine.travel(at(wednesday - datetime.timedelta(days=1), 10)):
        assert send_due_reminders().sent == []
    assert messaging.outbox == []


def test_only_patients_who_agreed_and_only_live_links(clinic, peer, wednesday, login):
    no_reminders = linked_patient(clinic, peer, wednesday, reminders=False)
    changed_mind = linked_patient(clinic, peer, wednesday, phone="(217) 555-0103")
    patient = changed_mind.referral.patient
    patient.preferred_contact = ContactMethod.DO_NOT_CONTACT
    patient.save()
    revoked = linked_patient(clinic, peer, wednesday, phone="(217) 555-0104")
    login(peer).post(reverse("referrals:patient_link_revoke",
                             args=[revoked.referral.patient.public_id, revoked.referral.pk, revoked.pk]))
    by_email = linked_patient(clinic, peer, wednesday, contact=ContactMethod.EMAIL)
    with time_machine.travel(at(wednesday - datetime.timedelta(days=1), 10)):
        assert send_due_reminders().sent == [(by_email.pk, ReminderKind.DAY_BEFORE)]
    assert messaging.outbox == [] and len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your meeting tomorrow" and mail.outbox[0].to == ["p@example.org"]
    assert no_reminders.reminders.count() == 0


@override_settings(SITE_URL="")
def test_the_command_needs_the_sites_address(clinic, peer):
    with pytest.raises(CommandError, match="Set SITE_URL"):
        call_command("send_reminders")
