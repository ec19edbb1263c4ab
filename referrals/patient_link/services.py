"""What happens with a patient's own link, as plain functions with keyword-only arguments: staff give one (printed,
or sent by the contact method the patient agreed to) and revoke it; the patient opens it and answers "Did you go?".
Views validate and call these; each change is all or nothing."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from patients.languages import patient_material
from patients.models import ContactMethod

from ..followup.models import FeltWelcome, FollowUp, FollowUpMethod, FollowUpStatus
from .messaging import can_send, send
from .models import LinkDelivery, PatientLink, PatientLinkToken
from .models.link import hash_token, new_token

#: How a contact method the patient agreed to (``Patient.preferred_contact``) carries a link.
CHANNEL_OF_CONTACT = {ContactMethod.TEXT: LinkDelivery.TEXT, ContactMethod.EMAIL: LinkDelivery.EMAIL}


def link_days():
    """How long a link stays open after the meeting (``PATIENT_LINK_DAYS``, default 30)."""
    return datetime.timedelta(days=getattr(settings, "PATIENT_LINK_DAYS", 30))


def agreed_channel(patient):
    """The channel the patient agreed to be reached by (text or e-mail) when the app may send by it, else None."""
    channel = CHANNEL_OF_CONTACT.get(patient.preferred_contact)
    if channel is None or not can_send(channel):
        return None
    if (channel == LinkDelivery.TEXT and not patient.phone) or (channel == LinkDelivery.EMAIL and not patient.email):
        return None
    return channel


def _at(day, clock, zone):
    return datetime.datetime.combine(day, clock, tzinfo=zone)


def _end(meeting, start):
    """When a meeting that starts at ``start`` ends (its end time, or an hour later; past midnight if need be)."""
    end = _at(start.date(), meeting.effective_end_time, start.tzinfo)
    return end if end > start else end + datetime.timedelta(days=1)


def next_meeting_time(meeting, now):
    """(start, end) of the meeting's next time from ``now`` on its own clock, or (None, None) without one."""
    zone = meeting.zone
    if zone is None or not meeting.days or meeting.start_time is None:
        return None, None
    here = now.astimezone(zone)
    for ahead in range(8):
        day = here.date() + datetime.timedelta(days=ahead)
        if (day.isoweekday() % 7) in meeting.weekday_numbers:  # 0 = Sunday, as in the Meeting Guide format
            start = _at(day, meeting.start_time, zone)
            if start > here:
                return start, _end(meeting, start)
    return None, None


def meeting_of(referral, now):
    """The meeting a personal link is about, and when: the planned first meeting together, else the referral's
    meeting's next time, else no time (a referral to a program as a whole). Returns (meeting, start, end)."""
    plans = sorted((p for p in referral.first_meeting_plans.all() if p.is_planned),
                   key=lambda p: (p.planned_for, p.pk))
    for plan in plans:
        meeting = plan.meeting
        if meeting.zone is not None and meeting.start_time is not None:
            start = _at(plan.planned_for, meeting.start_time, meeting.zone)
            if _end(meeting, start) > now:
                return meeting, start, _end(meeting, start)
    if referral.meeting_id:
        start, end = next_meeting_time(referral.meeting, now)
        return referral.meeting, start, end
    return None, None, None


def page_url(token, *, request=None):
    """The address of the patient's page for ``token``: absolute, from the request or from ``SITE_URL``."""
    path = reverse("referrals:patient_link", args=[token])
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class GivenLink:
    link: PatientLink
    token: str  # shown once, in the page that made it (for the printed QR code); never stored
    url: str
    sent_by: str  # "" when printed


def add_token(link, *, delivered):
    """A new token for ``link`` (only its hash is kept); returns the token."""
    token = new_token()
    PatientLinkToken.objects.create(link=link, token_hash=hash_token(token), delivered=delivered)
    return token


def message_for(link, url):
    """The words of a message that carries the link: the group, and nothing about the patient or their health."""
    target = link.meeting.name if link.meeting_id else link.referral.program.name
    return gettext("Here is your page about %(group)s: when and where it meets, what to expect, and a calendar "
                   "file. After the meeting you can tell us how it went. %(url)s") % {"group": target, "url": url}


def give_link(referral, *, by, delivery, reminders=False, request=None, now=None):
    """Give the patient a personal link for ``referral``: printed (QR code) or sent by text or e-mail. Sending is
    only by the contact method the patient agreed to (``agreed_channel``); ``reminders`` sends the day-before
    reminder and "Did you go?" the same way. A new link replaces the referral's earlier ones (they are revoked).
    Raises ``ValidationError`` for a closed referral or a channel the patient did not agree to."""
    now = now or timezone.now()
    patient = referral.patient
    channel = agreed_channel(patient)
    if not referral.is_open:
        raise ValidationError(_("This referral is closed; re-open it before giving the patient a link."))
    if referral.for_someone_close:
        raise ValidationError(_("This is a suggestion for someone close to the patient, not the patient's own group: "
                              "a personal link is for the patient's own referrals."))
    if delivery not in (LinkDelivery.PRINTED, LinkDelivery.TEXT, LinkDelivery.EMAIL):
        raise ValidationError({"delivery": "Choose how the patient gets the link."})
    if delivery != LinkDelivery.PRINTED and delivery != channel:
        raise ValidationError({"delivery": "Send it only the way the patient agreed to be reached."})
    if reminders and channel is None:
        raise ValidationError({"reminders": "The patient has not agreed to text messages or e-mail."})
    meeting, starts_at, ends_at = meeting_of(referral, now)
    with transaction.atomic():
        PatientLink.objects.filter(referral=referral).active(now).update(revoked_at=now, revoked_by=by)
        link = PatientLink.objects.create(
            referral=referral, meeting=meeting, meeting_starts_at=starts_at, meeting_ends_at=ends_at,
            expires_at=(ends_at or now) + link_days(), reminders_by=channel if reminders else "",
            created_by=by, created_at=now)
        token = add_token(link, delivered=delivery)
        url = page_url(token, request=request)
        if delivery != LinkDelivery.PRINTED:
            with patient_material(patient):  # in the patient's language (patients/languages.py)
                subject, body = gettext("Your meeting"), message_for(link, url)
            send(delivery, patient=patient, subject=subject, body=body)
    return GivenLink(link=link, token=token, url=url, sent_by=delivery if delivery != LinkDelivery.PRINTED else "")


def revoke_link(link, *, by, now=None):
    """End a link: none of its tokens opens the page any more."""
    if link.revoked_at is not None:
        raise ValidationError(_("This link is already revoked."))
    now = now or timezone.now()
    PatientLink.objects.filter(pk=link.pk).update(revoked_at=now, revoked_by=by)
    link.revoked_at, link.revoked_by = now, by


def open_link(token, now=None):
    """The active link ``token`` opens, or None (unknown, expired, revoked or its referral closed: all the same)."""
    if not token or len(token) > 200:
        return None
    row = (PatientLinkToken.objects.select_related(
        "link__referral__patient__clinic", "link__referral__program", "link__meeting__program")
        .filter(token_hash=hash_token(token)).first())
    if row is None or not row.link.is_active(now):
        return None
    return row.link


def note_use(link, now=None):
    PatientLink.objects.filter(pk=link.pk).update(use_count=F("use_count") + 1, last_used_at=now or timezone.now())


def record_answer(link, *, went, felt_welcome="", comment="", now=None):
    """The patient's answer to "Did you go?" (and, when they went, whether they felt welcome as someone taking
    medication), recorded as a follow-up reported by the patient: going moves the referral to "first meeting
    attended". One answer per link; the care team sees it as the patient's own."""
    now = now or timezone.now()
    if not link.meeting_is_over(now):
        raise ValidationError(_("You can answer once the meeting is over."))
    if felt_welcome and felt_welcome not in FeltWelcome.values:
        raise ValidationError({"felt_welcome": "Choose one of the answers."})
    with transaction.atomic():
        locked = PatientLink.objects.select_for_update().get(pk=link.pk)
        if locked.answered_at is not None:
            raise ValidationError(_("Thank you: your answer is already with your care team."))
        follow_up = FollowUp(
            patient=link.referral.patient, status=FollowUpStatus.DONE, done_on=timezone.localdate(now),
            due_on=timezone.localdate(now), method=FollowUpMethod.PATIENT_LINK, reported_by_patient=True,
            meetings_attended=1 if went else 0, felt_welcome=felt_welcome if went else "",
            in_their_words=comment.strip())
        follow_up.record_done(by=None, attended_referrals=[link.referral] if went else [])
        PatientLink.objects.filter(pk=link.pk).update(answer=follow_up, answered_at=now)
    link.answer, link.answered_at = follow_up, now
    return follow_up
