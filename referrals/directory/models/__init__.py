"""Models of Stop 4 (re-exported by ``referrals.models``)."""

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
]
