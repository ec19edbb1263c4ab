"""The Stop 3 pages make the same number of queries for 1 referral or 12, with any length of history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import Role
from referrals.lifecycle import CloseReason

from .factories.patients import CareTeamMemberFactory, PatientFactory
from .factories.referrals.conversations import (
    ConsentFactory,
    ConversationFactory,
    FirstMeetingPlanFactory,
    ReferralFactory,
)
from .factories.referrals.directory import MeetingFactory
from .query_budgets import PATIENT_PAGE_MAX_QUERIES

pytestmark = pytest.mark.django_db


def add_referrals(patient, staff, count):
    for _ in range(count):
        referral = ReferralFactory(patient=patient, referred_by=staff)
        referral.meeting = MeetingFactory(clinic=patient.clinic, program=referral.program)
        referral.save(update_fields=["meeting"])
        referral.move_to(status="discussed", by=staff, note="talked")
        referral.move_to(status="stopped", by=staff, reason=CloseReason.OTHER)
        referral.move_to(status="discussed", by=staff)
        FirstMeetingPlanFactory(referral=referral, companion=staff)
        ConsentFactory(patient=patient, program=referral.program, recorded_by=staff)
        ConversationFactory(patient=patient, held_by=staff)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_referrals_and_history(login, peer, clinician, django_assert_max_num_queries):
    small = PatientFactory(clinic=peer.clinic)
    large = PatientFactory(clinic=peer.clinic)
    for patient in (small, large):
        CareTeamMemberFactory(patient=patient, staff=peer, role=Role.PEER_SPECIALIST)
        CareTeamMemberFactory(patient=patient, staff=clinician, role=Role.CLINICIAN)
    add_referrals(small, peer, 1)
    add_referrals(large, peer, 12)
    client = login(peer)

    def url(patient, page):
        first = patient.referrals.order_by("pk").first()
        return {
            "patient": patient.get_absolute_url(),
            "overview": reverse("referrals:support", args=[patient.public_id]),
            "referral": reverse("referrals:referral_detail", args=[patient.public_id, first.pk]),
            "handout": reverse("referrals:handout", args=[patient.public_id, first.pk]),
        }[page]

    client.get(url(small, "patient"))  # warm caches (session, content types)
    for page in ["patient", "overview", "referral", "handout"]:
        small_count = count_queries(client, url(small, page))
        large_count = count_queries(client, url(large, page))
        assert large_count == small_count, page
        with django_assert_max_num_queries(PATIENT_PAGE_MAX_QUERIES if page == "patient" else 20):
            client.get(url(large, page))
