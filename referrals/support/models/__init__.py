"""Models of Stop 3 (re-exported by ``referrals.models``)."""

from .consent import Consent, Disclosure, DisclosureMethod, InformationCategory, RevocationReceipt
from .conversation import CompanionOffer, Concern, MutualSupportConversation
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
    "RevocationReceipt",
]
