"""Models of the patient's own link (re-exported by ``referrals.models``)."""

from .link import LinkDelivery, PatientLink, PatientLinkToken, Reminder, ReminderKind, ReminderStatus

__all__ = ["LinkDelivery", "PatientLink", "PatientLinkToken", "Reminder", "ReminderKind", "ReminderStatus"]
