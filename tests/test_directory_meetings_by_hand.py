"""Meetings added by hand: a clinic admin adds a group no feed lists; it is found, exported and left alone by
imports of its program; only the clinic's admins add and edit them."""

import datetime
import json

import pytest
from django.urls import reverse

from referrals.directory.meeting_guide import import_feed
from referrals.models import Meeting, MeetingAttendance

from .factories.patients import StaffFactory
from .factories.referrals.directory import MeetingFactory, ProgramFactory, feed_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def smart(db):
    return ProgramFactory(slug="smart-recovery", name="SMART Recovery")


def church_group(program, **overrides):
    data = {
        "program": program.pk, "name": "Thursday Night SMART at St. Mark's", "days": ["4"],
        "start_time": "18:30", "end_time": "19:45", "time_zone": "America/Chicago",
        "location_name": "St. Mark's Church, lower hall", "formatted_address": "12 Elm St, Springfield, IL 62701",
        "location_notes": "Side door by the parking lot", "conference_url": "", "conference_phone": "",
        "language": "Spanish", "attributes": ["W", "BE"], "notes": "Coffee from 6:15",
    }
    data.update(overrides)
    return data


def test_an_admin_adds_a_local_group_and_staff_find_it_in_the_meeting_list(login, clinic_admin, peer, smart):
    response = login(clinic_admin).post(reverse("referrals:meeting_new"), church_group(smart), follow=True)

    assert "Thursday Night SMART at St. Mark&#x27;s added" in response.content.decode()
    meeting = Meeting.objects.get(clinic=clinic_admin.clinic)
    assert meeting.added_by_hand and meeting.added_by == clinic_admin
    assert (meeting.days, meeting.start_time, meeting.end_time) == ("4", datetime.time(18, 30), datetime.time(19, 45))
    assert meeting.attendance == MeetingAttendance.IN_PERSON
    assert meeting.language_list == ["Spanish"] and meeting.is_women_only
    assert "Added by hand by" in response.content.decode()

    found = login(peer).get(reverse("referrals:meeting_list"),
                            {"language": "Spanish", "day": 4, "attributes": ["W"]}).content.decode()
    assert "Thursday Night SMART at St. Mark" in found


def test_an_online_group_takes_the_town_it_belongs_to_which_a_street_address_overrides(login, clinic_admin, smart):
    clinic = clinic_admin.clinic
    clinic.city, clinic.state = "Springfield", "IL"
    clinic.save()
    client = login(clinic_admin)
    page = client.get(reverse("referrals:meeting_new")).content.decode()
    assert 'name="online_area" value="Springfield, IL"' in page  # the clinic's town, to change if need be

    online = church_group(smart, name="SMART Online", formatted_address="", location_name="",
                          conference_url="https://meet.example.org/smart", online_area="Springfield, IL, USA")
    client.post(reverse("referrals:meeting_new"), online)
    meeting = Meeting.objects.get(name="SMART Online")
    assert (meeting.attendance, meeting.formatted_address, meeting.address_approximate) == \
        (MeetingAttendance.ONLINE, "Springfield, IL, USA", True)
    edit = client.get(reverse("referrals:meeting_edit", args=[meeting.pk])).content.decode()
    assert 'name="online_area" value="Springfield, IL, USA"' in edit and 'name="formatted_address" value=' not in edit

    # The town counts only for a meeting held only online: with a street address it is a hybrid meeting there.
    client.post(reverse("referrals:meeting_new"), church_group(smart, name="Church Hybrid", online_area="Springfield",
                                                               conference_url="https://meet.example.org/c"))
    hybrid = Meeting.objects.get(name="Church Hybrid")
    assert (hybrid.attendance, hybrid.formatted_address, hybrid.address_approximate) == \
        (MeetingAttendance.HYBRID, "12 Elm St, Springfield, IL 62701", False)
    client.post(reverse("referrals:meeting_new"), church_group(smart, name="Church Only", online_area="Springfield"))
    assert Meeting.objects.get(name="Church Only").attendance == MeetingAttendance.IN_PERSON


def test_a_meeting_with_a_link_and_an_address_is_hybrid_and_exports_like_a_feed_meeting(login, clinic_admin,
                                                                                        smart):
    client = login(clinic_admin)
    client.post(reverse("referrals:meeting_new"),
                church_group(smart, conference_url="meet.example.org/stmarks", language="English"))
    meeting = Meeting.objects.get()
    assert meeting.attendance == MeetingAttendance.HYBRID
    assert meeting.conference_url == "https://meet.example.org/stmarks"

    feed = json.loads(client.get(reverse("referrals:meeting_export", args=[smart.slug])).content)
    assert [entry["slug"] for entry in feed] == [meeting.slug]
    assert feed[0]["name"] == "Thursday Night SMART at St. Mark's" and feed[0]["day"] == 4


@pytest.mark.parametrize("change, field_message", [
    ({"formatted_address": "", "conference_url": "", "conference_phone": ""}, "Give an address, or an online link"),
    ({"start_time": ""}, "Give the start time of a meeting held on set days"),
    ({"end_time": "18:00"}, "The meeting ends before it starts"),
    ({"conference_url": "not a link at all"}, "Enter a valid URL"),
    ({"days": ["9"]}, "Select a valid choice"),
    ({"time_zone": "Mars/Olympus_Mons"}, "Select a valid choice"),
    ({"name": ""}, "This field is required"),
])
def test_a_meeting_that_cannot_be_right_is_refused_with_the_reason_and_the_typing_kept(login, clinic_admin, smart,
                                                                                       change, field_message):
    response = login(clinic_admin).post(reverse("referrals:meeting_new"), church_group(smart, **change))
    assert response.status_code == 400
    page = response.content.decode()
    assert field_message in page
    assert "Side door by the parking lot" in page
    assert not Meeting.objects.exists()


def test_a_feed_import_of_the_same_program_leaves_hand_added_meetings_alone(clinic, clinic_admin, login, smart):
    login(clinic_admin).post(reverse("referrals:meeting_new"), church_group(smart))
    by_hand = Meeting.objects.get()

    first = import_feed([feed_entry("a"), feed_entry("b")], clinic=clinic, program=smart, source="Region feed")
    second = import_feed([feed_entry("a")], clinic=clinic, program=smart, source="Region feed")
    clash = import_feed([feed_entry("a"), feed_entry(by_hand.slug, name="Feed meeting")], clinic=clinic,
                        program=smart, source="Region feed")

    assert (first.added, second.deactivated) == (2, 1)
    by_hand.refresh_from_db()
    assert by_hand.is_active and by_hand.source == "" and by_hand.name == "Thursday Night SMART at St. Mark's"
    assert clash.rejected == 1 and "added a meeting by hand" in clash.errors[0]["reason"]


def test_the_admin_edits_a_hand_added_meeting_and_marks_it_stopped(login, clinic_admin, smart):
    client = login(clinic_admin)
    client.post(reverse("referrals:meeting_new"), church_group(smart))
    meeting = Meeting.objects.get()
    url = reverse("referrals:meeting_edit", args=[meeting.pk])
    form_page = client.get(url).content.decode()
    assert 'value="Thursday Night SMART at St. Mark&#x27;s"' in form_page

    client.post(url, church_group(smart, start_time="19:00", end_time="20:00", is_active=""))

    meeting.refresh_from_db()
    assert meeting.start_time == datetime.time(19) and not meeting.is_active
    assert meeting.slug.startswith("clinic-") and meeting.added_by_hand


def test_feed_meetings_are_not_edited_by_hand_and_only_admins_of_the_clinic_add_meetings(login, clinic_admin, peer,
                                                                                         other_clinic, smart):
    from_feed = MeetingFactory(clinic=clinic_admin.clinic, program=smart)
    foreign = MeetingFactory(clinic=other_clinic, program=smart, added_by_hand=True, source="")
    admin = login(clinic_admin)
    assert admin.get(reverse("referrals:meeting_edit", args=[from_feed.pk])).status_code == 404
    assert admin.get(reverse("referrals:meeting_edit", args=[foreign.pk])).status_code == 404
    assert "Edit this meeting" not in admin.get(from_feed.get_absolute_url()).content.decode()
    assert login(peer).post(reverse("referrals:meeting_new"), church_group(smart)).status_code == 403
    other_admin = StaffFactory(clinic=other_clinic, roles=["clinic_admin"])
    login(other_admin).post(reverse("referrals:meeting_new"), church_group(smart))
    assert not Meeting.objects.filter(clinic=clinic_admin.clinic, added_by_hand=True).exists()
    assert Meeting.objects.filter(clinic=other_clinic, added_by_hand=True).count() == 2
