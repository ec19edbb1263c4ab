"""The referral lifecycle as a small state machine.

    suggested → discussed → referred → first meeting attended → engaged
    any open step → stopped (with a reason)
    suggested / discussed / referred / first meeting attended → declined (with a reason)
    declined or stopped → re-opened at the step the referral had reached before it closed

Pure Python: the ``Referral`` model calls ``check_move`` before it records a transition.
"""

from django.core.exceptions import ValidationError
from django.db import models


class ReferralStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    DISCUSSED = "discussed", "Discussed with patient"
    REFERRED = "referred", "Referred"
    FIRST_MEETING_ATTENDED = "first_meeting_attended", "First meeting attended"
    ENGAGED = "engaged", "Engaged"
    DECLINED = "declined", "Declined"
    STOPPED = "stopped", "Stopped"


S = ReferralStatus

#: The forward path, in order.
PATH = [S.SUGGESTED, S.DISCUSSED, S.REFERRED, S.FIRST_MEETING_ATTENDED, S.ENGAGED]
OPEN_STATUSES = frozenset(PATH)
#: The same as ordered lists of values (stable in migrations and SQL).
OPEN_VALUES = [s.value for s in PATH]
CLOSED_VALUES = [S.DECLINED.value, S.STOPPED.value]
CLOSED_STATUSES = frozenset({S.DECLINED, S.STOPPED})
#: Where a new referral may start: a suggestion from matching, or by hand after a talk or a direct referral.
START_STATUSES = frozenset({S.SUGGESTED, S.DISCUSSED, S.REFERRED})

#: Moves allowed from each open status (closing moves included).
OPEN_MOVES = {
    S.SUGGESTED: {S.DISCUSSED, S.DECLINED, S.STOPPED},
    S.DISCUSSED: {S.REFERRED, S.DECLINED, S.STOPPED},
    S.REFERRED: {S.FIRST_MEETING_ATTENDED, S.DECLINED, S.STOPPED},
    S.FIRST_MEETING_ATTENDED: {S.ENGAGED, S.DECLINED, S.STOPPED},
    S.ENGAGED: {S.STOPPED},
}

#: Moves that need a reason.
NEEDS_REASON = CLOSED_STATUSES


class CloseReason(models.TextChoices):
    NOT_READY = "not_ready", "Patient not ready now"
    PREFERS_OTHER = "prefers_other", "Prefers another group or option"
    MEDICATION_NOT_WELCOME = "medication_not_welcome", "Medication use not welcome at the group"
    DID_NOT_FIT = "did_not_fit", "Group did not feel like a fit"
    SCHEDULE_OR_TRANSPORT = "schedule_or_transport", "Schedule or transport"
    MEETING_ENDED = "meeting_ended", "Meeting no longer held"
    LOST_CONTACT = "lost_contact", "Lost contact with patient"
    OTHER = "other", "Other (see note)"


def allowed_moves(status, reopen_to=None):
    """Statuses a referral in ``status`` may move to next, in path order.

    ``reopen_to`` is the open status the referral held before it was declined or stopped;
    a closed referral may only be re-opened there.
    """
    if status in CLOSED_STATUSES:
        return [reopen_to] if reopen_to in OPEN_STATUSES else []
    targets = OPEN_MOVES.get(status, set())
    return [s for s in ReferralStatus if s in targets]


def check_move(current, new, *, reopen_to=None, reason=""):
    """Raise ``ValidationError`` unless moving from ``current`` to ``new`` is allowed."""
    if new not in ReferralStatus.values:
        raise ValidationError("Unknown referral status “%(new)s”.", params={"new": new}, code="unknown")
    new = ReferralStatus(new)
    current = ReferralStatus(current)
    if new == current:
        raise ValidationError("The referral is already “%(label)s”.", params={"label": new.label}, code="same")
    if new not in allowed_moves(current, reopen_to):
        if current in CLOSED_STATUSES:
            message = (f"This referral is {current.label.lower()}; it can only be re-opened "
                       f"(back to “{ReferralStatus(reopen_to).label}”)." if reopen_to in OPEN_STATUSES
                       else f"This referral is {current.label.lower()} and cannot be re-opened.")
        else:
            nxt = [s.label for s in allowed_moves(current)]
            message = (f"A referral that is “{current.label}” cannot move to “{new.label}”. "
                       f"Next possible: {', '.join(nxt)}.")
        raise ValidationError(message, code="invalid_move")
    if new in NEEDS_REASON:
        if reason not in CloseReason.values:
            raise ValidationError({"reason": f"Say why the referral is {new.label.lower()}."}, code="reason")
    elif reason:
        raise ValidationError({"reason": "A reason is only recorded when a referral is declined or stopped."},
                              code="reason")
    return new


def is_reopen(current, new):
    return current in CLOSED_STATUSES and new in OPEN_STATUSES
