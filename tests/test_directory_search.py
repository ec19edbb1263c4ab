"""Search and filters for staff: filters combine; pages stay quick; a meeting's own medication field."""

import datetime

import pytest
from django.urls import reverse

from referrals.directory.meeting_guide import import_feed
from referrals.models import MedicationWelcome, Meeting, MeetingMedicationWelcome, ProgramGroup

from .factories.referrals.directory import MeetingFactory, ProgramFactory, feed_entry, online_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs(db):
    return {
        "aa": ProgramFactory(slug="alcoholics-anonymous", name="Alcoholics Anonymous", group=ProgramGroup.TWELVE_STEP),
        "smart": ProgramFactory(slug="smart-recovery", name="SMART Recovery", group=ProgramGroup.SECULAR,
                                medication_welcome=MedicationWelcome.WELCOMING),
    }


def aa_feed(**changed):
    """The AA feed of these tests; ``changed`` replaces entries by slug (a later download of the same feed)."""
    entries = [
        online_entry("spanish-online-evening", name="Grupo en Línea", time="19:00", types=["O", "S", "ONL"], day=3),
        online_entry("spanish-online-morning", name="Mañanas", time="08:00", types=["O", "S", "ONL"], day=3),
        online_entry("english-online-evening", name="Evening Online", time="20:00", types=["O", "ONL"], day=3),
        feed_entry("spanish-in-person-evening", name="Nueva Vida", time="19:30", types=["O", "S"], day=3),
        feed_entry("spanish-hybrid-evening", name="Hybrid Spanish", time="18:00", types=["S", "W"], day=[2, 4],
                   conference_url="https://meet.example.org/j/9"),
        feed_entry("women-in-person", name="Women's Step Study", time="12:00", types=["C", "W"], day=4),
    ]
    return [changed.get(entry["slug"].replace("-", "_"), entry) for entry in entries]


@pytest.fixture
def meetings(clinic, programs):
    import_feed(aa_feed(), clinic=clinic, program=programs["aa"], source="aa")
    import_feed([
        online_entry("smart-online-evening", name="SMART Online", time="19:00", types=["O", "S", "ONL"], day=1),
    ], clinic=clinic, program=programs["smart"], source="smart")
    return Meeting.objects.filter(clinic=clinic)


def names(response):
    return {m.name for m in response.context["page"].object_list}


def test_staff_filter_to_online_evening_spanish_and_get_sensible_results(meetings, case_manager, login):
    response = login(case_manager).get(reverse("referrals:meeting_list"),
                                       {"attendance": "online", "time_of_day": "evening", "language": "Spanish"})
    assert response.status_code == 200
    assert names(response) == {"Grupo en Línea", "Hybrid Spanish", "SMART Online"}
    html = response.content.decode()
    assert "Spanish" in html and "Online" in html


@pytest.mark.parametrize("filters, expected", [
    ({"attendance": "in_person"}, {"Nueva Vida", "Hybrid Spanish", "Women's Step Study"}),
    ({"attendance": "hybrid"}, {"Hybrid Spanish"}),
    ({"day": "3", "language": "Spanish", "attendance": "in_person"}, {"Nueva Vida"}),
    ({"day": "4", "time_of_day": "afternoon"}, {"Women's Step Study"}),
    ({"attributes": ["W"], "language": "Spanish"}, {"Hybrid Spanish"}),
    ({"attributes": ["W", "C"]}, {"Women's Step Study"}),
    ({"group": ProgramGroup.SECULAR}, {"SMART Online"}),
    ({"program": "alcoholics-anonymous", "time_of_day": "morning"}, {"Mañanas"}),
    ({"q": "nueva"}, {"Nueva Vida"}),
    ({"language": "English", "attendance": "online"}, {"Evening Online"}),
])
def test_filters_combine(meetings, peer, login, filters, expected):
    assert names(login(peer).get(reverse("referrals:meeting_list"), filters)) == expected


def test_medication_filter_uses_the_meeting_then_its_program(meetings, peer, login):
    meetings.filter(slug="spanish-in-person-evening").update(medication_welcome=MeetingMedicationWelcome.WELCOMING)
    meetings.filter(slug="english-online-evening").update(medication_welcome=MeetingMedicationWelcome.NOT_WELCOMING)
    client = login(peer)
    welcoming = names(client.get(reverse("referrals:meeting_list"), {"medication": "welcoming"}))
    assert welcoming == {"Nueva Vida", "SMART Online"}
    not_unwelcoming = names(client.get(reverse("referrals:meeting_list"), {"medication": "not_unwelcoming"}))
    assert "Evening Online" not in not_unwelcoming and len(not_unwelcoming) == meetings.count() - 1


def test_inactive_meetings_are_hidden_unless_asked_for(meetings, peer, login):
    meetings.filter(name="Mañanas").update(is_active=False)
    client = login(peer)
    assert "Mañanas" not in names(client.get(reverse("referrals:meeting_list")))
    assert "Mañanas" in names(client.get(reverse("referrals:meeting_list"), {"include_inactive": "on"}))


def test_a_bad_filter_value_shows_nothing_rather_than_everything(meetings, peer, login):
    response = login(peer).get(reverse("referrals:meeting_list"), {"day": "9"})
    assert response.status_code == 200 and names(response) == set()
    assert response.context["form"].errors["day"]


def test_meeting_list_shows_only_the_clinics_meetings(meetings, other_clinic, programs, peer, login):
    MeetingFactory(clinic=other_clinic, program=programs["aa"], name="Lakeside Only")
    assert "Lakeside Only" not in names(login(peer).get(reverse("referrals:meeting_list"), {"q": "Lakeside"}))


def test_meeting_list_query_count_does_not_grow(clinic, programs, peer, login, django_assert_max_num_queries):
    client = login(peer)
    MeetingFactory(clinic=clinic, program=programs["aa"])
    filters = {"attendance": "in_person", "language": "English", "day": 1, "time_of_day": "evening"}
    with django_assert_max_num_queries(7):
        client.get(reverse("referrals:meeting_list"), filters)
    for program, zone in zip(programs.values(), ["America/New_York", "America/Los_Angeles"], strict=True):
        MeetingFactory.create_batch(30, clinic=clinic, program=program, time_zone=zone)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("referrals:meeting_list"), filters)
    assert response.context["page"].paginator.count == 61


def test_meeting_page_shows_words_and_other_clinics_meeting_is_404(meetings, other_clinic, programs, peer, login):
    client = login(peer)
    hybrid = meetings.get(slug="spanish-hybrid-evening")
    html = client.get(reverse("referrals:meeting_detail", args=[hybrid.pk])).content.decode()
    assert "Tuesday, Thursday" in html and "In person and online" in html and "Women" in html and "Spanish" in html
    theirs = MeetingFactory(clinic=other_clinic, program=programs["aa"])
    assert client.get(reverse("referrals:meeting_detail", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("referrals:meeting_medication_edit", args=[theirs.pk]),
                           {"medication_welcome": "welcoming"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.medication_welcome == MeetingMedicationWelcome.UNKNOWN


def test_peer_records_that_a_meeting_welcomes_medication_and_a_reimport_keeps_it(meetings, clinic, programs,
                                                                                  peer, login):
    meeting = meetings.get(slug="spanish-in-person-evening")
    response = login(peer).post(reverse("referrals:meeting_medication_edit", args=[meeting.pk]), {
        "medication_welcome": "welcoming", "medication_note": "Went with a patient on naltrexone, 2026-03.",
    })
    assert response.status_code == 302
    later = feed_entry("spanish-in-person-evening", name="Nueva Vida", time="20:00", types=["O", "S"], day=3)
    import_feed(aa_feed(spanish_in_person_evening=later), clinic=clinic, program=programs["aa"], source="aa")
    meeting.refresh_from_db()
    assert meeting.start_time == datetime.time(20, 0)
    assert meeting.medication_welcome == MeetingMedicationWelcome.WELCOMING
    assert meeting.medication_note == "Went with a patient on naltrexone, 2026-03."


def test_bad_medication_choice_is_refused_next_to_the_field(meetings, peer, login):
    meeting = meetings.get(slug="spanish-in-person-evening")
    response = login(peer).post(reverse("referrals:meeting_medication_edit", args=[meeting.pk]),
                                {"medication_welcome": "maybe", "medication_note": "kept"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode() and "kept" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.medication_welcome == MeetingMedicationWelcome.UNKNOWN


def test_day_and_time_filters_use_the_clinics_clock_for_meetings_kept_in_other_zones(clinic, programs, peer, login):
    # The clinic is in Chicago. 11:30 PM Monday in Los Angeles is 1:30 AM Tuesday here; 6:30 PM Monday in New
    # York is 5:30 PM Monday here (evening); 4:30 PM Monday in New York is 3:30 PM here (afternoon).
    aa = programs["aa"]
    MeetingFactory(clinic=clinic, program=aa, name="Pacific night", time_zone="America/Los_Angeles", days="1",
                   start_time=datetime.time(23, 30), end_time=None)
    MeetingFactory(clinic=clinic, program=aa, name="Eastern evening", time_zone="America/New_York", days="1",
                   start_time=datetime.time(18, 30))
    MeetingFactory(clinic=clinic, program=aa, name="Eastern afternoon", time_zone="America/New_York", days="1",
                   start_time=datetime.time(16, 30))
    MeetingFactory(clinic=clinic, program=aa, name="Chicago Monday evening", days="1", start_time=datetime.time(19))
    client = login(peer)

    def shown(**filters):
        return names(client.get(reverse("referrals:meeting_list"), filters))

    assert shown(day=1) == {"Eastern evening", "Eastern afternoon", "Chicago Monday evening"}
    assert shown(day=2) == {"Pacific night"}
    assert shown(day=2, time_of_day="morning") == {"Pacific night"}
    assert shown(day=1, time_of_day="evening") == {"Eastern evening", "Chicago Monday evening"}
    assert shown(time_of_day="afternoon") == {"Eastern afternoon"}
