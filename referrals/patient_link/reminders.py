"""Reminders through the patient's own link (``manage.py send_reminders``, safe to run every few minutes).

The rules
---------
* Only links whose patient agreed to reminders when the link was given (``PatientLink.reminders_by``: text or
  e-mail), still prefers that way to be reached, and whose link is active (not revoked or expired, the referral
  open) and has a meeting time.
* **The day before**: on the day before the meeting (the clinic's calendar), a reminder with a link to the page.
* **Did you go?**: once the meeting has ended and the patient has not answered, the question, with a link.
* Only between ``SEND_FROM_HOUR`` and ``SEND_UNTIL_HOUR`` on the clinic's clock: nobody is woken up.
* At most once each: a ``Reminder`` row per link and kind (a unique constraint) is claimed before sending, so two
  runs at once never both send. A message that could not be sent is recorded as failed (what went wrong, never the
  message) and tried again on later runs, ``MAX_ATTEMPTS`` times in all; a failure never stops the others. A run
  that dies while sending leaves the reminder "being sent", and it is not sent again.
* Each reminder carries a fresh token of the link (only its hash is kept), and each send is an audit entry.
"""

import datetime
import logging
import zoneinfo
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext

from patients.audit import record_without_staff
from patients.languages import patient_material
from patients.models import AuditAction, AuditActor

from ..lifecycle import OPEN_VALUES
from .messaging import send
from .models import LinkDelivery, PatientLink, Reminder, ReminderKind, ReminderStatus
from .services import add_token, agreed_channel, page_url

logger = logging.getLogger(__name__)

SEND_FROM_HOUR, SEND_UNTIL_HOUR = 9, 20
MAX_ATTEMPTS = 3


@dataclass
class RunReport:
    sent: list = field(default_factory=list)  # (link id, kind)
    failed: list = field(default_factory=list)

    def as_text(self):
        return f"{len(self.sent)} reminder{'s' if len(self.sent) != 1 else ''} sent, {len(self.failed)} failed"


def kinds_due(link, now):
    """The kinds of reminder ``link`` is due for at ``now`` (before checking what was already sent)."""
    zone = link.referral.patient.clinic.time_zone
    here = timezone.localtime(now, timezone=_zone(zone))
    if not (SEND_FROM_HOUR <= here.hour < SEND_UNTIL_HOUR):
        return []
    due = []
    meeting_day = timezone.localtime(link.meeting_starts_at, timezone=_zone(zone)).date()
    if here.date() == meeting_day - datetime.timedelta(days=1):
        due.append(ReminderKind.DAY_BEFORE)
    if now >= link.meeting_ends_at and link.answered_at is None:
        due.append(ReminderKind.DID_YOU_GO)
    return due


def _zone(name):
    return zoneinfo.ZoneInfo(name)


def candidates(now):
    """Active links with reminders and a meeting time (one query)."""
    return (PatientLink.objects.active(now).exclude(reminders_by="").filter(meeting_starts_at__isnull=False)
            .filter(referral__status__in=OPEN_VALUES)
            .select_related("referral__patient__clinic", "referral__program", "meeting")
            .prefetch_related("reminders").order_by("pk"))


def _claim(link, kind, channel):
    """Claim the reminder for sending; None when it was sent, is being sent, or failed too often."""
    existing = next((r for r in link.reminders.all() if r.kind == kind), None)
    if existing is None:
        try:
            with transaction.atomic():
                return Reminder.objects.create(link=link, kind=kind, channel=channel, attempts=1)
        except IntegrityError:  # another run claimed it a moment ago
            return None
    if existing.status != ReminderStatus.FAILED or existing.attempts >= MAX_ATTEMPTS:
        return None
    claimed = Reminder.objects.filter(pk=existing.pk, status=ReminderStatus.FAILED, attempts=existing.attempts) \
        .update(status=ReminderStatus.SENDING, attempts=existing.attempts + 1, error="")
    return Reminder.objects.get(pk=existing.pk) if claimed else None


def message(link, kind, url):
    target = link.meeting.name if link.meeting_id else link.referral.program.name
    zone = _zone(link.referral.patient.clinic.time_zone)
    start = timezone.localtime(link.meeting_starts_at, timezone=zone)
    if kind == ReminderKind.DAY_BEFORE:
        return (gettext("Your meeting tomorrow"),
                gettext("A reminder: %(group)s is tomorrow, %(day)s at %(time)s. Your page with the details: %(url)s")
                % {"group": target, "day": date_format(start, "l"), "time": time_format(start, "TIME_FORMAT"),
                   "url": url})
    return (gettext("How did your meeting go?"),
            gettext("How did %(group)s go? Tell us in a minute whether you went and how it felt: %(url)s")
            % {"group": target, "url": url})


def send_due_reminders(now=None):
    """Send every reminder due at ``now``; returns a ``RunReport``. Never raises for one message that fails."""
    now = now or timezone.now()
    report = RunReport()
    for link in candidates(now):
        patient = link.referral.patient
        if agreed_channel(patient) != link.reminders_by:
            continue  # the patient no longer wants to be reached this way (or the app cannot send by it)
        for kind in kinds_due(link, now):
            reminder = _claim(link, kind, link.reminders_by)
            if reminder is None:
                continue
            try:
                token = add_token(link, delivered=LinkDelivery.REMINDER)
                with patient_material(patient):  # in the patient's language (patients/languages.py)
                    subject, body = message(link, kind, page_url(token))
                send(link.reminders_by, patient=patient, subject=subject, body=body)
            except Exception as error:  # any failure of one message: record it and go on with the others
                Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.FAILED,
                                                               error=type(error).__name__[:200])
                logger.warning("reminder %s of personal link %s could not be sent: %s", kind, link.pk,
                               type(error).__name__)
                report.failed.append((link.pk, kind))
                continue
            Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.SENT, sent_at=timezone.now())
            record_without_staff(actor_kind=AuditActor.AUTOMATIC, patient=patient, action=AuditAction.SEND,
                                 what=f"reminder: {ReminderKind(kind).label}",
                                 detail=f"by {LinkDelivery(link.reminders_by).label.lower()}")
            report.sent.append((link.pk, kind))
    return report
