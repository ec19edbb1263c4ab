"""Models of the referrals app (Stops 3-5).

Each area lives in its own module; everything is re-exported here so that
``from referrals.models import Program`` keeps working.
"""

# Stop 3 (consent, conversation, referral), Stop 4 (directory, matching), Stop 5 (barriers, follow-ups).
from .barriers import (
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
from .consent import Consent, Disclosure, DisclosureMethod, InformationCategory
from .conversation import CompanionOffer, Concern, MutualSupportConversation
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
from .followups import (
    DEFAULT_FOLLOW_UP_INTERVAL,
    Engagement,
    FeltWelcome,
    FollowUp,
    FollowUpMethod,
    FollowUpStatus,
    patient_engagement,
)
from .matching import DrinkingGoal, GenderGroups, MatchingPreferences, SpiritualPreference, Transportation
from .referral import FirstMeetingPlan, Referral, ReferralChange, ReferralSource, ReferralTransition

__all__ = [
    "CompanionOffer",
    "Concern",
    "Consent",
    "Disclosure",
    "DisclosureMethod",
    "FirstMeetingPlan",
    "InformationCategory",
    "MutualSupportConversation",
    "Referral",
    "ReferralChange",
    "ReferralSource",
    "ReferralTransition",
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
