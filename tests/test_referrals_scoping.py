"""Stop 3 pages of another clinic's patient (or another patient's objects) are a 404, for GET and POST."""

import pytest
from django.urls import reverse

from referrals.models import FirstMeetingPlan, Referral

from .factories.patients import PatientFactory
from .factories.referrals.conversations import (
    ConsentFactory,
    ConversationFactory,
    FirstMeetingPlanFactory,
    ReferralFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(other_clinic):
    referral = ReferralFactory(patient=PatientFactory(clinic=other_clinic, last_name="Elsewhere"))
    plan = FirstMeetingPlanFactory(referral=referral)
    consent = ConsentFactory(patient=referral.patient, program=referral.program)
    ConversationFactory(patient=referral.patient)
    return {"patient": referral.patient, "referral": referral, "plan": plan, "consent": consent}


def foreign_urls(f, patient_id=None):
    p = patient_id or f["patient"].public_id
    r, c, plan = f["referral"].pk, f["consent"].pk, f["plan"].pk
    return [
        ("get", reverse("referrals:support", args=[p])),
        ("get", reverse("referrals:conversation_new", args=[p])),
        ("post", reverse("referrals:conversation_new", args=[p])),
        ("post", reverse("referrals:referral_new", args=[p])),
        ("get", reverse("referrals:referral_detail", args=[p, r])),
        ("post", reverse("referrals:referral_move", args=[p, r])),
        ("post", reverse("referrals:first_meeting_new", args=[p, r])),
        ("post", reverse("referrals:first_meeting_outcome", args=[p, r, plan])),
        ("get", reverse("referrals:handout", args=[p, r])),
        ("post", reverse("referrals:letter", args=[p, r])),
        ("get", reverse("referrals:consent_detail", args=[p, c])),
        ("post", reverse("referrals:consent_revoke", args=[p, c])),
        ("get", reverse("referrals:accounting", args=[p])),
    ]


def test_another_clinics_patient_is_a_404_everywhere(login, peer, foreign):
    client = login(peer)
    for method, url in foreign_urls(foreign):
        response = getattr(client, method)(url, {"new_status": "discussed", "version": 1, "outcome": "did_not_happen",
                                                 "program": foreign["referral"].program_id, "status": "suggested"})
        assert response.status_code == 404, (method, url)
        assert "Elsewhere" not in response.content.decode()
    referral = Referral.objects.get()
    assert referral.status == "suggested" and referral.transitions.count() == 1
    assert FirstMeetingPlan.objects.get().is_planned
    assert foreign["consent"].__class__.objects.get().revoked_at is None


def test_another_patients_referral_under_my_patients_url_is_a_404(login, peer, foreign):
    mine = PatientFactory(clinic=peer.clinic)
    client = login(peer)
    for method, url in foreign_urls(foreign, patient_id=mine.public_id)[4:-1]:  # object pages only
        assert getattr(client, method)(url).status_code == 404, (method, url)
