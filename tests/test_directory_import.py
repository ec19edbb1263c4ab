"""Meeting Guide import: idempotent, updates by slug, deactivates missing meetings, reports bad entries."""

import datetime
import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from referrals.directory.meeting_guide import FeedError, import_feed, read_feed
from referrals.models import Meeting, MeetingAttendance, MeetingImport, MeetingMedicationWelcome

from .factories.patients import ClinicFactory, StaffFactory
from .factories.referrals.directory import ProgramFactory, feed_entry, online_entry

pytestmark = pytest.mark.django_db

SAMPLE_FEED = (Path(__file__).resolve().parent.parent / "referrals" / "directory" / "data" / "sample_feeds"
               / "springfield-aa.json")


@pytest.fixture
def aa(db):
    return ProgramFactory(slug="alcoholics-anonymous", name="Alcoholics Anonymous")


def run_import(entries, clinic, program, source="test feed"):
    return import_feed(json.loads(json.dumps(entries)), clinic=clinic, program=program, source=source)


def snapshot(clinic, program):
    return {m.slug: tuple(getattr(m, f) for f in Meeting.FEED_FIELDS + ["is_active"])
            for m in Meeting.objects.filter(clinic=clinic, program=program)}


# Import, re-import, update, deactivate ----------------------------------------------------------

def test_importing_the_sample_feed_twice_gives_the_same_meetings(clinic, aa):
    entries = read_feed(SAMPLE_FEED.read_bytes())
    first = import_feed(entries, clinic=clinic, program=aa, source="Springfield Intergroup")
    assert (first.added, first.updated, first.deactivated, first.rejected) == (len(entries), 0, 0, 0)
    before = snapshot(clinic, aa)
    second = import_feed(read_feed(SAMPLE_FEED.read_bytes()), clinic=clinic, program=aa,
                         source="Springfield Intergroup")
    assert (second.added, second.updated, second.unchanged, second.deactivated) == (0, 0, len(entries), 0)
    assert snapshot(clinic, aa) == before


def test_sample_feed_is_read_into_words_and_formats(clinic, aa):
    import_feed(read_feed(SAMPLE_FEED.read_bytes()), clinic=clinic, program=aa, source="sample")
    spanish_women = Meeting.objects.get(clinic=clinic, name="Mujeres en Recuperación")
    assert spanish_women.language_list == ["Spanish"]
    assert "Women" in spanish_women.attribute_labels and spanish_women.is_women_only
    assert spanish_women.attendance == MeetingAttendance.IN_PERSON
    assert spanish_women.weekday_names == ["Wednesday"]
    online = Meeting.objects.get(clinic=clinic, name="Evening Reflections Online")
    assert online.attendance == MeetingAttendance.ONLINE and online.days == "12345"
    hybrid = Meeting.objects.get(clinic=clinic, name="Rainbow Group")
    assert hybrid.attendance == MeetingAttendance.HYBRID
    closed = Meeting.objects.get(clinic=clinic, name="Downtown Literature")
    assert closed.is_temporarily_closed and not closed.can_attend_in_person


def test_a_changed_meeting_is_updated_by_its_slug_and_the_clinics_own_fields_are_kept(clinic, aa):
    run_import([feed_entry("tue-night", day=2), feed_entry("sat-morning", day=6, time="09:00")], clinic, aa)
    meeting = Meeting.objects.get(slug="tue-night")
    meeting.medication_welcome = MeetingMedicationWelcome.WELCOMING
    meeting.medication_note = "Secretary says people on MAUD are welcome."
    meeting.save()

    record = run_import([feed_entry("tue-night", day=2, time="19:30", end_time="21:00", name="Tuesday Night Group"),
                         feed_entry("sat-morning", day=6, time="09:00")], clinic, aa)
    assert (record.added, record.updated, record.unchanged) == (0, 1, 1)
    meeting.refresh_from_db()
    assert meeting.pk == Meeting.objects.get(slug="tue-night").pk
    assert meeting.name == "Tuesday Night Group"
    assert (meeting.start_time, meeting.end_time) == (datetime.time(19, 30), datetime.time(21, 0))
    assert meeting.medication_welcome == MeetingMedicationWelcome.WELCOMING
    assert meeting.medication_note == "Secretary says people on MAUD are welcome."


def test_a_meeting_missing_from_a_new_import_is_marked_inactive_never_deleted(clinic, aa):
    run_import([feed_entry("a"), feed_entry("b"), feed_entry("c")], clinic, aa)
    record = run_import([feed_entry("a"), feed_entry("c")], clinic, aa)
    assert record.deactivated == 1
    assert Meeting.objects.filter(clinic=clinic).count() == 3
    assert not Meeting.objects.get(slug="b").is_active
    # Importing the same smaller feed again changes nothing; when "b" returns it is active again.
    again = run_import([feed_entry("a"), feed_entry("c")], clinic, aa)
    assert (again.added, again.updated, again.deactivated) == (0, 0, 0)
    back = run_import([feed_entry("a"), feed_entry("b"), feed_entry("c")], clinic, aa)
    assert (back.added, back.updated) == (0, 1)
    assert Meeting.objects.get(slug="b").is_active


def test_meetings_are_clinic_local_and_programs_are_kept_apart(clinic, other_clinic, aa):
    smart = ProgramFactory(slug="smart-recovery", name="SMART Recovery")
    run_import([feed_entry("shared-slug", name="Riverbend meeting")], clinic, aa)
    run_import([feed_entry("shared-slug", name="Lakeside meeting")], other_clinic, aa)
    run_import([feed_entry("shared-slug", name="SMART meeting")], clinic, smart)
    # An empty feed, confirmed, deactivates Lakeside's AA meetings only.
    import_feed([], clinic=other_clinic, program=aa, source="test feed", allow_mass_deactivation=True)
    assert Meeting.objects.get(clinic=clinic, program=aa).is_active
    assert Meeting.objects.get(clinic=clinic, program=aa).name == "Riverbend meeting"
    assert Meeting.objects.get(clinic=clinic, program=smart).is_active
    assert not Meeting.objects.get(clinic=other_clinic, program=aa).is_active


def test_days_as_a_list_times_with_seconds_and_missing_end_time(clinic, aa):
    run_import([feed_entry("multi", day=[5, 1, "3"], time="07:00:00", end_time=None, timezone="America/Denver")],
               clinic, aa)
    meeting = Meeting.objects.get(slug="multi")
    assert meeting.days == "135" and meeting.start_time == datetime.time(7, 0)
    assert meeting.end_time is None and meeting.effective_end_time == datetime.time(8, 0)
    assert meeting.time_zone == "America/Denver"


def test_missing_time_zone_takes_the_clinics(clinic, aa):
    clinic.time_zone = "America/New_York"
    clinic.save()
    run_import([feed_entry("no-tz", timezone=None)], clinic, aa)
    assert Meeting.objects.get(slug="no-tz").time_zone == "America/New_York"


def test_unknown_type_codes_are_kept_as_unknown_not_fatal(clinic, aa):
    record = run_import([feed_entry("odd", types=["O", "ZZTOP", "W"])], clinic, aa)
    assert record.rejected == 0 and record.summary.unknown_codes == {"ZZTOP"}
    meeting = Meeting.objects.get(slug="odd")
    assert meeting.type_code_list == ["O", "ZZTOP", "W"]
    assert "Unknown code “ZZTOP”" in meeting.attribute_labels


# Bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, message", [
    (b"this is not json", "not valid JSON"),
    (b'{"name": "a meeting", "slug": "x"}', "JSON array"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
])
def test_a_file_that_is_not_a_feed_is_refused_as_a_whole(raw, message):
    with pytest.raises(FeedError, match=message):
        read_feed(raw)


BAD_ENTRIES = [
    ("no-name", feed_entry("no-name", name=None), "no name"),
    ("", feed_entry("x", slug=None), "no slug"),
    ("bad slug!", feed_entry("x", slug="bad slug!"), "The slug must be letters"),
    ("day-seven", feed_entry("day-seven", day=7), "Invalid day 7"),
    ("day-word", feed_entry("day-word", day="monday"), "Invalid day"),
    ("day-list", feed_entry("day-list", day=[1, 9]), "Invalid day 9"),
    ("time-25", feed_entry("time-25", time="25:00"), "Invalid start time"),
    ("time-pm", feed_entry("time-pm", time="7pm"), "Invalid start time"),
    ("end-bad", feed_entry("end-bad", end_time="20:75"), "Invalid end time"),
    ("no-time", feed_entry("no-time", time=None), "no start time"),
    ("tz", feed_entry("tz", timezone="Mars/Olympus_Mons"), "Unknown time zone"),
    ("long-name", feed_entry("long-name", name="N" * 256), "name is longer than 255"),
    ("x" * 80, feed_entry("x", slug="x" * 256), "slug is longer than 255"),  # the report shows 80 characters
    ("spaced slug", feed_entry("x", slug="spaced slug"), "with no spaces"),
    ("bad-url", online_entry("bad-url", conference_url="zoom meeting 123"), "not a web address"),
    ("nowhere", online_entry("nowhere", conference_url=None, types=["O"]), "No place to meet"),
    ("updated", feed_entry("updated", updated="last tuesday"), "Invalid “updated”"),
    ("lat", feed_entry("lat", latitude="north"), "Invalid latitude"),
]


@pytest.mark.parametrize("slug, bad, reason", BAD_ENTRIES, ids=[r[2] for r in BAD_ENTRIES])
def test_each_bad_entry_is_reported_with_index_slug_and_reason_and_the_rest_imported(clinic, aa, slug, bad, reason):
    record = run_import([feed_entry("good-1"), bad, feed_entry("good-2")], clinic, aa)
    assert record.added == 2 and record.rejected == 1
    [error] = record.errors
    assert error["index"] == 1 and error["slug"] == slug and reason in error["reason"]
    assert set(Meeting.objects.values_list("slug", flat=True)) == {"good-1", "good-2"}


def test_a_duplicate_slug_keeps_the_first_and_rejects_the_later_entry(clinic, aa):
    record = run_import([feed_entry("dup", name="First"), feed_entry("other"), feed_entry("dup", name="Second")],
                        clinic, aa)
    assert record.errors == [{"index": 2, "slug": "dup", "reason": "Duplicate slug: entry 0 already uses it."}]
    assert Meeting.objects.get(slug="dup").name == "First"


def test_an_entry_that_is_not_an_object_is_reported(clinic, aa):
    record = run_import([feed_entry("ok"), "just text", 42], clinic, aa)
    assert [(e["index"], e["reason"]) for e in record.errors] == [
        (1, "The entry is not a meeting object."), (2, "The entry is not a meeting object.")]


def test_nothing_already_stored_is_lost_when_its_entry_turns_bad(clinic, aa):
    run_import([feed_entry("steady", time="18:00"), feed_entry("other")], clinic, aa)
    record = run_import([feed_entry("steady", time="six o'clock"), feed_entry("other")], clinic, aa)
    assert record.rejected == 1 and record.deactivated == 0
    steady = Meeting.objects.get(slug="steady")
    assert steady.is_active and steady.start_time == datetime.time(18, 0)


# The management command ---------------------------------------------------------------------------

def test_command_imports_and_prints_a_summary_and_each_rejected_entry(clinic, aa, tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([feed_entry("a"), feed_entry("b", day=8), feed_entry("c", types=["XYZ"])]))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_meetings", str(feed), clinic=clinic.name, program="alcoholics-anonymous",
                 stdout=out, stderr=err)
    assert "2 added, 0 updated, 0 unchanged, 0 marked inactive, 1 rejected" in out.getvalue()
    assert "Unknown type codes kept as they are: XYZ" in out.getvalue()
    assert "Entry 1 (slug “b”) rejected: Invalid day 8" in err.getvalue()
    assert MeetingImport.objects.get().source == "feed.json"


def test_command_shows_a_progress_bar_for_checking_and_for_writing_on_large_files(clinic, aa, tmp_path):
    # Issue 16: the bar used to cover checking only; writing every changed meeting then took longer, unshown.
    feed = tmp_path / "big.json"
    feed.write_text(json.dumps([feed_entry(f"m{i}") for i in range(600)]))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_meetings", str(feed), clinic=clinic.name, program="alcoholics-anonymous",
                 stdout=out, stderr=err)
    checking, writing = err.getvalue().split("Writing:", 1)
    assert "Checking:" in checking and "/600 [" in checking and "/600 [" in writing
    assert "600 added" in out.getvalue()

    feed.write_text(json.dumps([feed_entry(f"m{i}", notes="Every meeting edited.") for i in range(600)]))
    err = io.StringIO()
    call_command("import_meetings", str(feed), clinic=clinic.name, program="alcoholics-anonymous",
                 stdout=io.StringIO(), stderr=err)
    assert "/600 [" in err.getvalue().split("Writing:")[1]  # 600 updates to write, each counted
    assert Meeting.objects.filter(notes="Every meeting edited.").count() == 600

    err = io.StringIO()
    call_command("import_meetings", str(feed), clinic=clinic.name, program="alcoholics-anonymous",
                 stdout=io.StringIO(), stderr=err)
    assert "Checking:" in err.getvalue() and "Writing" not in err.getvalue()  # nothing to write: no bar


def test_command_refuses_a_file_that_is_not_a_feed_and_changes_nothing(clinic, aa, tmp_path):
    run_import([feed_entry("keep")], clinic, aa)
    feed = tmp_path / "broken.json"
    feed.write_text('{"oops": ')
    with pytest.raises(CommandError, match="Nothing imported. The file is not valid JSON"):
        call_command("import_meetings", str(feed), clinic=clinic.name, program="alcoholics-anonymous")
    with pytest.raises(CommandError, match="No program with slug"):
        call_command("import_meetings", str(feed), clinic=clinic.name, program="nope")
    assert Meeting.objects.get(slug="keep").is_active and MeetingImport.objects.count() == 1


# The upload page ------------------------------------------------------------------------------------

def upload(name, entries=None, raw=None):
    body = raw if raw is not None else json.dumps(entries).encode()
    return SimpleUploadedFile(name, body, content_type="application/json")


def test_clinic_admin_uploads_a_feed_and_sees_the_per_entry_report(clinic, aa, clinic_admin, login):
    client = login(clinic_admin)
    response = client.post(reverse("referrals:meeting_import"), {
        "program": aa.pk, "source": "Springfield Intergroup",
        "feed": upload("feed.json", [feed_entry("a"), feed_entry("b", timezone="Nowhere/Land")]),
    }, follow=True)
    html = response.content.decode()
    assert "Import finished: 1 added, 0 updated, 0 unchanged, 0 marked inactive, 1 rejected." in html
    assert "Unknown time zone" in html and ">b</td>" in html
    record = MeetingImport.objects.get()
    assert record.imported_by == clinic_admin and record.clinic == clinic and record.source == "Springfield Intergroup"
    assert Meeting.objects.get(slug="a").clinic == clinic


def test_upload_of_a_non_feed_shows_the_error_on_the_form_and_changes_nothing(clinic, aa, clinic_admin, login):
    run_import([feed_entry("keep")], clinic, aa)
    response = login(clinic_admin).post(reverse("referrals:meeting_import"), {
        "program": aa.pk, "feed": upload("notes.json", raw=b"[1, 2,"),
    })
    assert response.status_code == 400
    assert "not valid JSON" in response.content.decode() and "Nothing was imported" in response.content.decode()
    assert response.context["form"]["program"].value() == str(aa.pk)
    assert MeetingImport.objects.count() == 1 and Meeting.objects.get(slug="keep").is_active


def test_only_clinic_admins_import_and_each_clinic_sees_only_its_own_reports(clinic, aa, peer, clinic_admin, login):
    record = run_import([feed_entry("a")], clinic, aa)
    assert login(peer).get(reverse("referrals:meeting_import")).status_code == 403
    assert login(peer).post(reverse("referrals:meeting_import"), {
        "program": aa.pk, "feed": upload("f.json", [feed_entry("b")])}).status_code == 403
    assert not Meeting.objects.filter(slug="b").exists()
    assert login(clinic_admin).get(reverse("referrals:import_detail", args=[record.pk])).status_code == 200
    lakeside_admin = StaffFactory(clinic=ClinicFactory(name="Lakeside"), roles=["clinic_admin"])
    assert login(lakeside_admin).get(reverse("referrals:import_detail", args=[record.pk])).status_code == 404


# Several feeds for one program ---------------------------------------------------------------------

def test_a_local_and_an_online_feed_of_one_program_live_side_by_side(clinic, aa):
    run_import([feed_entry("hall-1"), feed_entry("hall-2")], clinic, aa, source="Springfield Intergroup")
    online = run_import([online_entry("oiaa-1"), online_entry("oiaa-2")], clinic, aa, source="Online Intergroup")
    assert (online.added, online.deactivated) == (2, 0)

    again = run_import([feed_entry("hall-1")], clinic, aa, source="Springfield Intergroup")

    assert again.deactivated == 1
    active = set(Meeting.objects.filter(clinic=clinic, program=aa, is_active=True).values_list("slug", flat=True))
    assert active == {"hall-1", "oiaa-1", "oiaa-2"}


def test_a_slug_of_another_feeds_meeting_is_rejected_and_that_meeting_left_alone(clinic, aa):
    run_import([feed_entry("42", name="Tuesday Big Book")], clinic, aa, source="Springfield Intergroup")
    record = run_import([online_entry("42", name="Someone else's 42"), online_entry("7")], clinic, aa,
                        source="Online Intergroup")
    assert (record.added, record.rejected) == (1, 1)
    assert "A meeting of the feed “Springfield Intergroup” has this slug" in record.errors[0]["reason"]
    meeting = Meeting.objects.get(slug="42")
    assert (meeting.name, meeting.source, meeting.is_active) == ("Tuesday Big Book", "Springfield Intergroup", True)


def test_a_fresh_download_without_a_name_updates_the_programs_only_feed(clinic, aa, tmp_path):
    run_import([feed_entry("a"), feed_entry("b")], clinic, aa, source="Springfield Intergroup")
    feed = tmp_path / "springfield-2026-12.json"
    feed.write_text(json.dumps([feed_entry("a", name="Renamed")]))

    call_command("import_meetings", str(feed), clinic=clinic.name, program="alcoholics-anonymous",
                 stdout=io.StringIO(), stderr=io.StringIO())

    record = MeetingImport.objects.latest("pk")
    assert (record.source, record.updated, record.deactivated) == ("Springfield Intergroup", 1, 1)
    run_import([online_entry("o")], clinic, aa, source="Online Intergroup")
    before = snapshot(clinic, aa)
    # With two feeds, an unnamed file is a feed of its own: it changes neither of the others. Its only entry has
    # a slug of the Springfield feed, so it is rejected, and a file whose every entry is rejected is refused.
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"Every entry of the file \(1\) was rejected"):
        call_command("import_meetings", str(feed), clinic=clinic.name, program="alcoholics-anonymous",
                     stdout=io.StringIO(), stderr=err)
    assert "A meeting of the feed “Springfield Intergroup” has this slug" in err.getvalue()
    assert snapshot(clinic, aa) == before and MeetingImport.objects.latest("pk").source == "Online Intergroup"


def test_the_import_page_lists_each_feed_of_each_program_with_its_meetings(clinic, other_clinic, aa, clinic_admin,
                                                                          login):
    run_import([feed_entry("hall-1"), feed_entry("hall-2")], clinic, aa, source="Springfield Intergroup")
    run_import([feed_entry("hall-1")], clinic, aa, source="Springfield Intergroup")
    run_import([online_entry("o-1")], clinic, aa, source="Online Intergroup")
    run_import([online_entry("x")], other_clinic, aa, source="Lakeside feed")

    page = login(clinic_admin).get(reverse("referrals:meeting_import")).content.decode()

    feeds = page.split('id="feeds-heading"')[1].split("</table>")[0]
    cells = re.sub(r"<td[^>]*>", "<td>", feeds)  # the cells carry their column's name for phones (data-label)
    assert "<td>Springfield Intergroup</td><td>1</td><td>1</td>" in cells
    assert "<td>Online Intergroup</td><td>1</td><td>0</td>" in cells
    assert "Lakeside feed" not in feeds


def test_an_import_that_fails_half_way_changes_nothing(clinic, aa, monkeypatch):
    run_import([feed_entry("a"), feed_entry("b")], clinic, aa)
    before = snapshot(clinic, aa)

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(MeetingImport.objects, "create", broken)
    with pytest.raises(RuntimeError):
        run_import([feed_entry("a", name="Renamed"), feed_entry("c")], clinic, aa)

    assert snapshot(clinic, aa) == before  # no added "c", no renamed "a", "b" still active
