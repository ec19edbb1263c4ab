"""Forms of the referrals app, one module per area (re-exported here)."""

from .directory import MeetingFilterForm, MeetingForm, MeetingImportForm, MeetingMedicationForm, ProgramForm
from .matching import MatchingPreferencesForm

__all__ = [
    "MatchingPreferencesForm",
    "MeetingFilterForm",
    "MeetingForm",
    "MeetingImportForm",
    "MeetingMedicationForm",
    "ProgramForm",
]
