"""The referral lifecycle as a small state machine.

    suggested → discussed → referred → first meeting attended → engaged
    any open step → stopped (with a reason)
    suggested / discussed / referred / first meeting attended → declined (with a reason)
    declined or stopped → re-opened at the step the referral had reached before it closed

A new referral starts as suggested, discussed or referred. Staff who have just talked it through with the patient
create it at "referred" directly: that is one move, and its history entry names the steps it skipped
(``skipped_at_start``).

Pure Python: the ``Referral`` model calls ``check_move`` before it records a transition.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    DISCUSSED = "discussed", _("Discussed with patient")
    REFERRED = "referred", _("Referred")
    FIRST_MEETING_ATTENDED = "first_meeting_attended", _("First meeting attended")
    ENGAGED = "engaged", _("Engaged")
    DECLINED = "declined", _("Declined")
    STOPPED = "stopped", _("Stopped")


#: The forward path, in order.
PATH = [ReferralStatus.SUGGESTED, ReferralStatus.DISCUSSED, ReferralStatus.REFERRED,
        ReferralStatus.FIRST_MEETING_ATTENDED, ReferralStatus.ENGAGED]


def from_step(status):
    """``status`` and every step after it on the path: the statuses of a referral that got at least that far."""
    return frozenset(PATH[PATH.index(status):])


OPEN_STATUSES = frozenset(PATH)
#: Every status off the path closes the referral: declined and stopped.
CLOSED_STATUSES = frozenset(ReferralStatus) - OPEN_STATUSES
#: The same as ordered lists of values (stable in migrations and SQL).
OPEN_VALUES = [s.value for s in PATH]
CLOSED_VALUES = [s.value for s in ReferralStatus if s in CLOSED_STATUSES]
#: Where a new referral may start: a suggestion from matching, or by hand after a talk or a direct referral.
START_STATUSES = frozenset({ReferralStatus.SUGGESTED, ReferralStatus.DISCUSSED, ReferralStatus.REFERRED})
#: The patient has been referred: "referred" or further along (Stop 4 is done).
REFERRED_OR_FURTHER = from_step(ReferralStatus.REFERRED)
#: The patient has been to a meeting: "first meeting attended" or "engaged".
ATTENDED_OR_FURTHER = from_step(ReferralStatus.FIRST_MEETING_ATTENDED)

def skipped_at_start(status):
    """The steps of the path a referral created at ``status`` skips: ``[suggested, discussed]`` for a referral
    made at "referred", nothing for one that starts as a suggestion."""
    status = ReferralStatus(status)
    if status not in START_STATUSES:
        raise ValidationError(_("A new referral starts as suggested, discussed or referred."), code="start")
    return PATH[:PATH.index(status)]

#: The steps of a suggestion for someone close to the patient (Al-Anon for a family member): the clinic suggests
#: and talks it over with the patient; it never follows the relative or friend as a referral of its own.
SOMEONE_CLOSE_STATUSES = frozenset({ReferralStatus.SUGGESTED, ReferralStatus.DISCUSSED, ReferralStatus.DECLINED,
                                    ReferralStatus.STOPPED})
SOMEONE_CLOSE_VALUES = [s.value for s in ReferralStatus if s in SOMEONE_CLOSE_STATUSES]

#: Moves allowed from each open status (closing moves included).
OPEN_MOVES = {
    ReferralStatus.SUGGESTED: {ReferralStatus.DISCUSSED, ReferralStatus.DECLINED, ReferralStatus.STOPPED},
    ReferralStatus.DISCUSSED: {ReferralStatus.REFERRED, ReferralStatus.DECLINED, ReferralStatus.STOPPED},
    ReferralStatus.REFERRED: {ReferralStatus.FIRST_MEETING_ATTENDED, ReferralStatus.DECLINED,
                              ReferralStatus.STOPPED},
    ReferralStatus.FIRST_MEETING_ATTENDED: {ReferralStatus.ENGAGED, ReferralStatus.DECLINED,
                                            ReferralStatus.STOPPED},
    ReferralStatus.ENGAGED: {ReferralStatus.STOPPED},
}

#: Moves that need a reason.
NEEDS_REASON = CLOSED_STATUSES
#: What a move that needs a reason asks for without one (whole sentences, each language words the status its way).
REASON_NEEDED = {
    ReferralStatus.DECLINED: _("Say why the referral is declined."),
    ReferralStatus.STOPPED: _("Say why the referral is stopped."),
}


class CloseReason(models.TextChoices):
    NOT_READY = "not_ready", _("Patient not ready now")
    PREFERS_OTHER = "prefers_other", _("Prefers another group or option")
    MEDICATION_NOT_WELCOME = "medication_not_welcome", _("Medication use not welcome at the group")
    DID_NOT_FIT = "did_not_fit", _("Group did not feel like a fit")
    SCHEDULE_OR_TRANSPORT = "schedule_or_transport", _("Schedule or transport")
    MEETING_ENDED = "meeting_ended", _("Meeting no longer held")
    LOST_CONTACT = "lost_contact", _("Lost contact with patient")
    OTHER = "other", _("Other (see note)")


def allowed_moves(status, reopen_to=None, *, for_someone_close=False):
    """Statuses a referral in ``status`` may move to next, in path order.

    ``reopen_to`` is the open status the referral held before it was declined or stopped;
    a closed referral may only be re-opened there. A suggestion for someone close to the patient stays within
    ``SOMEONE_CLOSE_STATUSES``.
    """
    if status in CLOSED_STATUSES:
        return [ReferralStatus(reopen_to)] if reopen_to in OPEN_STATUSES else []
    targets = OPEN_MOVES.get(status, set())
    if for_someone_close:
        targets = targets & SOMEONE_CLOSE_STATUSES
    return [s for s in ReferralStatus if s in targets]


def check_move(current, new, *, reopen_to=None, reason="", for_someone_close=False):
    """Raise ``ValidationError`` unless moving from ``current`` to ``new`` is allowed."""
    if new not in ReferralStatus.values:
        raise ValidationError(_("Unknown referral status “%(new)s”."), params={"new": new}, code="unknown")
    new = ReferralStatus(new)
    current = ReferralStatus(current)
    if new == current:
        raise ValidationError(_("The referral is already “%(label)s”."), params={"label": new.label}, code="same")
    if new not in allowed_moves(current, reopen_to, for_someone_close=for_someone_close):
        if for_someone_close and new not in SOMEONE_CLOSE_STATUSES:
            raise ValidationError(
                _("This is a suggestion for someone close to the patient; the clinic does not follow it as a "
                "referral of the patient's own, so it cannot be “%(label)s”."), params={"label": new.label},
                code="someone_close")
        if current in CLOSED_STATUSES and reopen_to in OPEN_STATUSES:
            message = _("This referral is %(status)s; it can only be re-opened (back to “%(reopen)s”).") % {
                "status": current.label.lower(), "reopen": ReferralStatus(reopen_to).label}
        elif current in CLOSED_STATUSES:
            message = _("This referral is %(status)s and cannot be re-opened.") % {"status": current.label.lower()}
        else:
            nxt = [str(s.label) for s in allowed_moves(current, for_someone_close=for_someone_close)]
            message = _("A referral that is “%(current)s” cannot move to “%(new)s”. Next possible: %(next)s.") % {
                "current": current.label, "new": new.label, "next": ", ".join(nxt)}
        raise ValidationError(message, code="invalid_move")
    if new in NEEDS_REASON:
        if reason not in CloseReason.values:
            raise ValidationError({"reason": REASON_NEEDED[new]}, code="reason")
    elif reason:
        raise ValidationError({"reason": _("A reason is only recorded when a referral is declined or stopped.")},
                              code="reason")
    return new


def is_reopen(current, new):
    return current in CLOSED_STATUSES and new in OPEN_STATUSES
