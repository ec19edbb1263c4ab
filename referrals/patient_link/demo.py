"""Demo data of the patient's own link: a printed personal link for the demo referral of RB-10001 (the peer's
online SMART Recovery meeting), whose address ``seed_demo`` prints so the patient's page can be tried."""

from django.conf import settings

from patients.models import Patient

from ..support.models import Referral
from .models import LinkDelivery
from .services import give_link


def seed(clinic, *, stdout=None):
    """Give a fresh link (the old one is revoked: tokens are never stored, so the address cannot be shown again)."""
    patient = Patient.objects.filter(clinic=clinic, mrn="RB-10001").first()
    referral = (Referral.objects.filter(patient=patient).open().select_related("patient", "meeting", "program")
                .prefetch_related("first_meeting_plans__meeting").first()) if patient else None
    if referral is None or not settings.SITE_URL:
        return None
    given = give_link(referral, by=referral.referred_by, delivery=LinkDelivery.PRINTED)
    if stdout is not None:
        stdout.write(f"The demo patient's own page (RB-10001's referral): {given.url}")
    return given
