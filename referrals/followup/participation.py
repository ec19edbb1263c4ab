"""Whether a patient's participation in mutual support is current (Stop 5): lapses, and tries to reach them.

The rules
---------
Reported meeting
    The latest day a meeting was reported for the patient: a follow-up that counted at least one meeting (logged by
    staff, or the patient's own answer through their personal link), or a referral moved to "first meeting
    attended" or "engaged".
Lapse
    The patient has a referral at "first meeting attended" or "engaged", and the last reported meeting was the
    clinic's ``lapse_days`` (default 30) or more days before today: at 29 days the patient has not lapsed, at 30
    they have. Stop 5 then needs attention ("No meeting reported since …"), the case manager's queue lists the
    patient, and the clinic overview counts them.
Not reached
    Tries to reach the patient that failed (``OutreachAttempt``), counted from the day after the patient was last
    reached (the latest follow-up logged as done, staff's or the patient's own answer). At the clinic's
    ``outreach_attempts_alert`` (default 3) or more, the patient goes to the top of the case manager's queue.

Everything is worked out in the database as annotations of a patient query (``with_participation``), so a list
of patients costs no extra query; ``participation_of`` reads them back as a ``Participation``.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, DateField, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate

from ..lifecycle import ATTENDED_OR_FURTHER
from ..support.models import Referral, ReferralTransition
from .models import FollowUp, OutreachAttempt

ATTENDED_VALUES = sorted(s.value for s in ATTENDED_OR_FURTHER)
_LONG_AGO = datetime.date(1900, 1, 1)


def _latest(queryset, field):
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


def with_participation(queryset, prefix="pt_"):
    """``queryset`` (patients) annotated, in the same query, with ``<prefix>attending``, ``last_meeting_on``,
    ``lapse_days``, ``last_contact_on``, ``failed_attempts``, ``last_attempt_at`` and ``outreach_alert``."""
    patient = OuterRef("pk")
    reported = _latest(FollowUp.objects.done().filter(patient=patient, meetings_attended__gt=0), "done_on")
    moved = Subquery(ReferralTransition.objects.filter(referral__patient=patient, to_status__in=ATTENDED_VALUES)
                     .order_by("-at").annotate(day=TruncDate("at")).values("day")[:1], output_field=DateField())
    first = queryset.annotate(**{
        prefix + "attending": Exists(Referral.objects.filter(patient=patient, status__in=ATTENDED_VALUES)),
        prefix + "last_meeting_on": Greatest(Coalesce(reported, moved), Coalesce(moved, reported),
                                             output_field=DateField()),
        prefix + "lapse_days": F("clinic__lapse_days"),
        prefix + "last_contact_on": _latest(FollowUp.objects.done().filter(patient=patient), "done_on"),
        prefix + "last_attempt_at": _latest(OutreachAttempt.objects.filter(patient=patient), "attempted_at"),
        prefix + "outreach_alert": F("clinic__outreach_attempts_alert"),
    })
    since_contact = (OutreachAttempt.objects.filter(patient=OuterRef("pk"))
                     .filter(attempted_at__date__gt=Coalesce(OuterRef(prefix + "last_contact_on"),
                                                             Value(_LONG_AGO, output_field=DateField())))
                     .order_by().values("patient").annotate(n=Count("pk")).values("n"))
    return first.annotate(**{prefix + "failed_attempts": Coalesce(Subquery(since_contact, output_field=IntegerField()),
                                                                  0)})


def is_lapsed(*, attending, last_meeting_on, lapse_days, today):
    """The lapse rule: reached a first meeting (or engaged), and no meeting reported for ``lapse_days`` days."""
    return bool(attending) and last_meeting_on is not None and (today - last_meeting_on).days >= lapse_days


@dataclass(frozen=True)
class Participation:
    """One patient's participation, read from ``with_participation``'s annotations."""

    attending: bool
    last_meeting_on: datetime.date | None
    lapse_days: int
    lapsed: bool
    last_contact_on: datetime.date | None
    failed_attempts: int
    outreach_alert: int
    last_attempt_at: datetime.datetime | None

    @property
    def not_reached(self):
        return self.failed_attempts >= self.outreach_alert


def participation_of(patient, today, prefix="pt_"):
    """The ``Participation`` of a patient loaded through ``with_participation`` (with the same ``prefix``)."""
    def value(name):
        return getattr(patient, prefix + name)

    return Participation(
        attending=value("attending"), last_meeting_on=value("last_meeting_on"), lapse_days=value("lapse_days"),
        lapsed=is_lapsed(attending=value("attending"), last_meeting_on=value("last_meeting_on"),
                         lapse_days=value("lapse_days"), today=today),
        last_contact_on=value("last_contact_on"), failed_attempts=value("failed_attempts") or 0,
        outreach_alert=value("outreach_alert"), last_attempt_at=value("last_attempt_at"),
    )


def lapse_cutoff(clinic, today):
    """Patients of ``clinic`` whose last reported meeting was on or before this day have lapsed."""
    return today - datetime.timedelta(days=clinic.lapse_days)


def lapsed_filter(clinic, today, prefix="pt_"):
    """A filter for patients annotated by ``with_participation``, all of ``clinic``: those who lapsed."""
    return Q(**{prefix + "attending": True, prefix + "last_meeting_on__lte": lapse_cutoff(clinic, today)})


def not_reached_filter(prefix="pt_"):
    """A filter for patients annotated by ``with_participation``: those the clinic's tries have not reached."""
    return Q(**{prefix + "failed_attempts__gte": F(prefix + "outreach_alert")})
