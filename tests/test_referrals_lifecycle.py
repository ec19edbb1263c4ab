"""Every rule of the referral lifecycle, as a pure state machine (no database)."""

import pytest
from django.core.exceptions import ValidationError

from referrals.lifecycle import (
    ATTENDED_OR_FURTHER,
    CLOSED_STATUSES,
    REFERRED_OR_FURTHER,
    CloseReason,
    ReferralStatus,
    allowed_moves,
    check_move,
)

S = ReferralStatus

FORWARD = [
    (S.SUGGESTED, S.DISCUSSED),
    (S.DISCUSSED, S.REFERRED),
    (S.REFERRED, S.FIRST_MEETING_ATTENDED),
    (S.FIRST_MEETING_ATTENDED, S.ENGAGED),
]


@pytest.mark.parametrize("current, new", FORWARD)
def test_each_step_forward_is_allowed(current, new):
    assert check_move(current, new) == new


@pytest.mark.parametrize("current, new", [
    (S.SUGGESTED, S.ENGAGED),
    (S.SUGGESTED, S.REFERRED),
    (S.SUGGESTED, S.FIRST_MEETING_ATTENDED),
    (S.DISCUSSED, S.ENGAGED),
    (S.REFERRED, S.ENGAGED),
    (S.ENGAGED, S.REFERRED),
    (S.REFERRED, S.SUGGESTED),
    (S.ENGAGED, S.DECLINED),
])
def test_skipping_ahead_or_going_back_is_refused(current, new):
    with pytest.raises(ValidationError, match="cannot move to"):
        check_move(current, new, reason=CloseReason.OTHER if new == S.DECLINED else "")


@pytest.mark.parametrize("current", [S.SUGGESTED, S.DISCUSSED, S.REFERRED, S.FIRST_MEETING_ATTENDED, S.ENGAGED])
def test_any_open_referral_can_be_stopped_with_a_reason(current):
    assert check_move(current, S.STOPPED, reason=CloseReason.SCHEDULE_OR_TRANSPORT) == S.STOPPED


@pytest.mark.parametrize("new", [S.STOPPED, S.DECLINED])
def test_closing_without_a_reason_is_refused(new):
    with pytest.raises(ValidationError) as error:
        check_move(S.DISCUSSED, new)
    assert "reason" in error.value.message_dict


def test_a_reason_is_refused_on_a_forward_move():
    with pytest.raises(ValidationError):
        check_move(S.SUGGESTED, S.DISCUSSED, reason=CloseReason.OTHER)


@pytest.mark.parametrize("closed", [S.STOPPED, S.DECLINED])
@pytest.mark.parametrize("new", [S.SUGGESTED, S.DISCUSSED, S.ENGAGED, S.FIRST_MEETING_ATTENDED])
def test_after_closing_only_reopening_to_the_previous_step_is_allowed(closed, new):
    with pytest.raises(ValidationError, match="only be re-opened"):
        check_move(closed, new, reopen_to=S.REFERRED)
    assert check_move(closed, S.REFERRED, reopen_to=S.REFERRED) == S.REFERRED


def test_stopped_cannot_be_declined_or_stopped_again():
    with pytest.raises(ValidationError):
        check_move(S.STOPPED, S.DECLINED, reopen_to=S.REFERRED, reason=CloseReason.OTHER)
    with pytest.raises(ValidationError, match="already"):
        check_move(S.STOPPED, S.STOPPED, reopen_to=S.REFERRED, reason=CloseReason.OTHER)


def test_unknown_status_is_refused():
    with pytest.raises(ValidationError, match="Unknown"):
        check_move(S.SUGGESTED, "teleported")


def test_allowed_moves_lists_next_steps_in_path_order():
    assert allowed_moves(S.SUGGESTED) == [S.DISCUSSED, S.DECLINED, S.STOPPED]
    assert allowed_moves(S.ENGAGED) == [S.STOPPED]
    assert allowed_moves(S.DECLINED, reopen_to=S.DISCUSSED) == [S.DISCUSSED]
    assert allowed_moves(S.DECLINED) == []


def test_the_status_groups_follow_the_path():
    # The pathway, the overview and the follow-up form read these groups; they come from the path itself.
    assert REFERRED_OR_FURTHER == {S.REFERRED, S.FIRST_MEETING_ATTENDED, S.ENGAGED}
    assert ATTENDED_OR_FURTHER == {S.FIRST_MEETING_ATTENDED, S.ENGAGED}
    assert CLOSED_STATUSES == {S.DECLINED, S.STOPPED}
