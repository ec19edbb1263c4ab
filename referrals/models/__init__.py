"""Models of the referrals app (Stops 3-5).

Each area lives in its own module; everything is re-exported here so that
``from referrals.models import Program`` keeps working.
"""

from .directory import (
    CULTURAL_TYPE_CODES,
    WEEKDAY_NAMES,
    Audience,
    CulturalFocus,
    DrinkingApproach,
    MedicationWelcome,
    Meeting,
    MeetingAttendance,
    MeetingImport,
    MeetingMedicationWelcome,
    MeetingQuerySet,
    Program,
    ProgramGroup,
    SpiritualContent,
    TimeOfDay,
)
from .matching import DrinkingGoal, GenderGroups, MatchingPreferences, SpiritualPreference, Transportation

# Stop 5: barriers with interventions, follow-ups on meeting participation, engagement.
from .barriers import (  # noqa: E402
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
from .followups import (  # noqa: E402
    DEFAULT_FOLLOW_UP_INTERVAL,
    Engagement,
    FeltWelcome,
    FollowUp,
    FollowUpMethod,
    FollowUpStatus,
    patient_engagement,
)

__all__ = [
    "CULTURAL_TYPE_CODES",
    "WEEKDAY_NAMES",
    "Audience",
    "CulturalFocus",
    "DrinkingApproach",
    "DrinkingGoal",
    "GenderGroups",
    "MatchingPreferences",
    "Meeting",
    "MeetingAttendance",
    "MeetingImport",
    "MeetingMedicationWelcome",
    "MeetingQuerySet",
    "MedicationWelcome",
    "Program",
    "ProgramGroup",
    "SpiritualContent",
    "SpiritualPreference",
    "TimeOfDay",
    "Transportation",
    # Stop 5
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
    "Suggestion",
    "patient_engagement",
    "suggestions_for",
]
