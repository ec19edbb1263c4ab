"""Models of Stop 5 (re-exported by ``referrals.models``)."""

from .barriers import (
    CONCERN_BARRIERS,
    Barrier,
    BarrierKind,
    BarrierSeverity,
    BarrierStatus,
    Intervention,
    InterventionKind,
    InterventionStatus,
    Suggestion,
    suggestions_for,
)
from .followups import (
    DEFAULT_FOLLOW_UP_INTERVAL,
    Engagement,
    FeltWelcome,
    FollowUp,
    FollowUpMethod,
    FollowUpStatus,
    patient_engagement,
)
from .outreach import OutreachAttempt, OutreachMethod

__all__ = [
    "CONCERN_BARRIERS",
    "DEFAULT_FOLLOW_UP_INTERVAL",
    "Barrier",
    "BarrierKind",
    "BarrierSeverity",
    "BarrierStatus",
    "Engagement",
    "FeltWelcome",
    "FollowUp",
    "FollowUpMethod",
    "FollowUpStatus",
    "Intervention",
    "InterventionKind",
    "InterventionStatus",
    "OutreachAttempt",
    "OutreachMethod",
    "Suggestion",
    "patient_engagement",
    "suggestions_for",
]
