"""Meeting Guide export: a valid feed at a stable URL, for staff only, that re-imports to the same meetings."""

import json
import re
import zoneinfo
from pathlib import Path

import pytest
from django.urls import reverse

from referrals.directory.meeting_guide import import_feed, read_feed
from referrals.models import Meeting, MeetingMedicationWelcome

from .factories.patients import ClinicFactory, StaffFactory
from .factories.referrals.directory import ProgramFactory, feed_entry

pytestmark = pytest.mark.django_db

SAMPLE_FEED = (Path(__file__).resolve().parent.parent / "referrals" / "directory" / "data" / "sample_feeds"
               / "springfield-aa.json")


@pytest.fixture
def aa(db):
    return ProgramFactory(slug="alcoholics-anonymous", name="Alcoholics Anonymous")


@pytest.fixture
def imported(clinic, aa):
    import_feed(read_feed(SAMPLE_FEED.read_bytes()), clinic=clinic, program=aa, source="Springfield Intergroup")
    return Meeting.objects.filter(clinic=clinic, program=aa)


def export_url(program):
    return reverse("referrals:meeting_export", args=[program.slug])


def feed_values(meetings):
    return {m.slug: {f: getattr(m, f) for f in Meeting.FEED_FIELDS + ["is_active"]} for m in meetings}


def test_the_export_url_is_stable():
    assert reverse("referrals:meeting_export", args=["smart-recovery"]) == \
        "/directory/programs/smart-recovery/meetings.json"


def test_export_is_a_valid_meeting_guide_feed(imported, aa, peer, login):
    response = login(peer).get(export_url(aa))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    feed = json.loads(response.content)
    assert isinstance(feed, list) and len(feed) == imported.count()
    slugs = [entry["slug"] for entry in feed]
    assert len(set(slugs)) == len(slugs)
    zones = zoneinfo.available_timezones()
    for entry in feed:
        assert entry["name"] and re.fullmatch(r"[A-Za-z0-9._~-]{1,64}", entry["slug"])
        days = entry["day"] if isinstance(entry["day"], list) else [entry["day"]]
        assert all(isinstance(d, int) and 0 <= d <= 6 for d in days)
        assert re.fullmatch(r"\d\d:\d\d", entry["time"]) and entry["timezone"] in zones
        assert all(isinstance(code, str) for code in entry.get("types", []))
        if "ONL" in entry.get("types", []):
            assert entry.get("conference_url") or entry.get("conference_phone")
        assert "medication_welcome" not in entry  # the clinic's own field is not a Meeting Guide field
        if "updated" in entry:
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", entry["updated"])


def test_export_reimports_to_the_same_meetings(imported, clinic, aa, peer, login):
    exported = login(peer).get(export_url(aa)).content
    # Into the same clinic: nothing changes.
    record = import_feed(read_feed(exported), clinic=clinic, program=aa, source="Springfield Intergroup")
    assert (record.added, record.updated, record.deactivated, record.rejected) == (0, 0, 0, 0)
    # Into an empty clinic: the very same meetings.
    fresh = ClinicFactory(name="Fresh Clinic")
    import_feed(read_feed(exported), clinic=fresh, program=aa, source="from Riverbend")
    assert feed_values(Meeting.objects.filter(clinic=fresh)) == feed_values(imported)


def test_round_trip_keeps_hybrid_online_approximate_and_no_end_time(clinic, aa, peer, login):
    entries = [
        feed_entry("hybrid", conference_url="https://meet.example.org/j/1", types=["O", "X"]),
        feed_entry("online", formatted_address="Springfield, IL", approximate="yes", address=None,
                   conference_phone="+1 555 010 0000", types=["ONL"]),
        feed_entry("no-end", end_time=None, day=[0, 6], latitude=39.8, longitude=-89.6),
        feed_entry("closed-online", types=["TC", "ONL"], conference_url="https://meet.example.org/j/2"),
    ]
    import_feed(entries, clinic=clinic, program=aa, source="f")
    exported = login(peer).get(export_url(aa)).content
    fresh = ClinicFactory(name="Fresh Clinic")
    record = import_feed(read_feed(exported), clinic=fresh, program=aa, source="f")
    assert record.rejected == 0
    assert feed_values(Meeting.objects.filter(clinic=fresh)) == feed_values(Meeting.objects.filter(clinic=clinic))


def test_export_holds_only_the_clinics_active_meetings(imported, clinic, aa, peer, login):
    other = ClinicFactory(name="Lakeside")
    import_feed([feed_entry("lakeside-only")], clinic=other, program=aa, source="lake")
    imported.filter(slug="spr-aa-001").update(is_active=False,
                                              medication_welcome=MeetingMedicationWelcome.WELCOMING)
    slugs = {e["slug"] for e in json.loads(login(peer).get(export_url(aa)).content)}
    assert "lakeside-only" not in slugs and "spr-aa-001" not in slugs
    assert len(slugs) == imported.count() - 1


def test_export_is_for_staff_only(imported, aa, client):
    response = client.get(export_url(aa))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    superuser_without_clinic = StaffFactory(clinic=None, roles=[])
    client.force_login(superuser_without_clinic)
    assert client.get(export_url(aa)).status_code == 403


def test_export_query_count_does_not_grow_with_meetings(clinic, aa, peer, login, django_assert_max_num_queries):
    client = login(peer)
    import_feed([feed_entry("m0")], clinic=clinic, program=aa, source="f")
    with django_assert_max_num_queries(5):
        client.get(export_url(aa))
    import_feed([feed_entry(f"m{i}") for i in range(60)], clinic=clinic, program=aa, source="f")
    with django_assert_max_num_queries(5):
        assert len(json.loads(client.get(export_url(aa)).content)) == 60
