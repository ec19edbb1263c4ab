"""A feed import never silently empties a clinic's list or files another program's meetings (issue 16, items 1-2).

An empty file, a file whose every entry is rejected, an import that would mark more than half of a feed's active
meetings inactive, and a file that looks like another program's feed are refused until the importer confirms:
``--allow-mass-deactivation`` / ``--confirm-program`` on the command line, a confirmation page on the web.
"""

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from referrals.directory.meeting_guide import ImportRefused, import_feed, read_feed
from referrals.models import Meeting, MeetingImport, PendingMeetingImport

from .factories.patients import ClinicFactory, StaffFactory
from .factories.referrals.directory import ProgramFactory, feed_entry

pytestmark = pytest.mark.django_db

SAMPLE_FEEDS = Path(__file__).resolve().parent.parent / "referrals" / "directory" / "data" / "sample_feeds"


@pytest.fixture
def aa(db):
    return ProgramFactory(slug="alcoholics-anonymous", name="Alcoholics Anonymous", website="https://www.aa.org/")


@pytest.fixture
def smart(db):
    return ProgramFactory(slug="smart-recovery", name="SMART Recovery", website="https://www.smartrecovery.org/")


def ten_meetings(clinic, program, source="Springfield Intergroup"):
    import_feed([feed_entry(f"m{i}") for i in range(10)], clinic=clinic, program=program, source=source)
    return Meeting.objects.filter(clinic=clinic, program=program)


def active_slugs(clinic, program):
    return set(Meeting.objects.filter(clinic=clinic, program=program, is_active=True).values_list("slug", flat=True))


def command(path, clinic, program="alcoholics-anonymous", **flags):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_meetings", str(path), clinic=clinic.name, program=program, stdout=out, stderr=err, **flags)
    return out.getvalue(), err.getvalue()


def write(tmp_path, entries, name="feed.json"):
    path = tmp_path / name
    path.write_text(json.dumps(entries))
    return path


# 1. Empty or broken downloads ----------------------------------------------------------------------------------

def test_an_empty_feed_is_refused_and_marks_nothing_inactive(clinic, aa, tmp_path):
    ten_meetings(clinic, aa)
    empty = write(tmp_path, [])
    with pytest.raises(CommandError) as refused:
        command(empty, clinic)
    message = str(refused.value)
    assert message.startswith("Nothing imported. The file holds no meetings.")
    assert "all 10 active meetings of the feed “Springfield Intergroup” inactive" in message
    assert "--allow-mass-deactivation" in message
    assert len(active_slugs(clinic, aa)) == 10 and MeetingImport.objects.count() == 1

    out, _ = command(empty, clinic, allow_mass_deactivation=True)
    assert "0 added, 0 updated, 0 unchanged, 10 marked inactive, 0 rejected" in out
    assert "Confirmed: The file holds no meetings." in out
    assert active_slugs(clinic, aa) == set() and Meeting.objects.filter(clinic=clinic).count() == 10
    assert MeetingImport.objects.latest("pk").confirmed[0].startswith("The file holds no meetings.")


def test_a_feed_whose_every_entry_is_rejected_is_refused_with_each_reason(clinic, aa, tmp_path):
    ten_meetings(clinic, aa)
    broken = write(tmp_path, [{"title": "Tuesday"}, feed_entry("m1", day="Tuesday"), feed_entry("new", time="7pm")])
    with pytest.raises(CommandError, match=r"Every entry of the file \(3\) was rejected") as refused:
        out, err = command(broken, clinic)
    assert "9 of the 10 active meetings of the feed “Springfield Intergroup” would be marked inactive" in \
        str(refused.value)
    assert len(active_slugs(clinic, aa)) == 10


def test_the_refusal_lists_the_rejected_entries(clinic, aa, tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_meetings", str(write(tmp_path, [feed_entry("x", day=9)])), clinic=clinic.name,
                     program="alcoholics-anonymous", stdout=io.StringIO(), stderr=err)
    assert "Entry 0 (slug “x”) rejected: Invalid day 9" in err.getvalue()


@pytest.mark.parametrize("kept, refused", [(5, False), (4, True), (0, True)])
def test_marking_more_than_half_of_a_feeds_meetings_inactive_needs_confirming(clinic, aa, kept, refused):
    ten_meetings(clinic, aa)
    entries = [feed_entry(f"m{i}") for i in range(kept)] + [feed_entry("brand-new")]
    if not refused:
        assert import_feed(entries, clinic=clinic, program=aa, source="Springfield Intergroup").deactivated == 5
        return
    with pytest.raises(ImportRefused) as held:
        import_feed(entries, clinic=clinic, program=aa, source="Springfield Intergroup")
    assert (f"would mark {10 - kept} of the 10 active meetings" if kept else "would mark all 10 active meetings") \
        in str(held.value)
    assert len(active_slugs(clinic, aa)) == 10 and not Meeting.objects.filter(slug="brand-new").exists()
    record = import_feed(entries, clinic=clinic, program=aa, source="Springfield Intergroup",
                         allow_mass_deactivation=True, confirm_program=True)
    assert record.deactivated == 10 - kept and active_slugs(clinic, aa) == {f"m{i}" for i in range(kept)} | {
        "brand-new"}


def test_only_the_feeds_own_meetings_count_towards_the_share(clinic, aa):
    ten_meetings(clinic, aa, source="Online Intergroup")
    import_feed([feed_entry("hall-1"), feed_entry("hall-2")], clinic=clinic, program=aa, source="Local")
    record = import_feed([feed_entry("hall-1")], clinic=clinic, program=aa, source="Local")  # 1 of 2: half
    assert record.deactivated == 1 and len(active_slugs(clinic, aa)) == 11


# 2. Another program's file -----------------------------------------------------------------------------------

def test_a_smart_feed_imported_into_aa_without_a_name_is_refused_naming_why(clinic, aa, smart, tmp_path):
    # Issue 16: the SMART feed replaced the AA feed's meetings and filed SMART meetings under AA.
    import_feed(read_feed((SAMPLE_FEEDS / "springfield-aa.json").read_bytes()), clinic=clinic, program=aa,
                source="Springfield Intergroup")
    aa_before = active_slugs(clinic, aa)
    with pytest.raises(CommandError) as refused:
        command(SAMPLE_FEEDS / "springfield-smart.json", clinic)
    message = str(refused.value)
    assert "5 of the 5 meetings in this file name SMART Recovery (for example “SMART Recovery Springfield”), not " \
           "Alcoholics Anonymous: it looks like SMART Recovery's feed." in message
    assert f"None of the {len(aa_before)} active meetings of the feed “Springfield Intergroup” " \
           "(Alcoholics Anonymous) is in this file" in message
    assert f"would mark all {len(aa_before)} active meetings" in message
    assert "--allow-mass-deactivation and --confirm-program" in message
    assert active_slugs(clinic, aa) == aa_before and not Meeting.objects.filter(program=aa, name__contains="SMART")

    # Into its own program it imports without a word.
    out, _ = command(SAMPLE_FEEDS / "springfield-smart.json", clinic, program="smart-recovery")
    assert "5 added" in out and active_slugs(clinic, aa) == aa_before


def test_a_program_is_recognised_by_its_website_too(clinic, aa, smart):
    entries = [feed_entry(f"s{i}", name=f"Tuesday Group {i}", url=f"https://meetings.smartrecovery.org/m/{i}")
               for i in range(3)]
    with pytest.raises(ImportRefused, match="3 of the 3 meetings in this file name SMART Recovery"):
        import_feed(entries, clinic=clinic, program=aa, source="new")
    record = import_feed(entries, clinic=clinic, program=aa, source="new", confirm_program=True)
    assert record.added == 3 and record.confirmed == [
        "3 of the 3 meetings in this file name SMART Recovery (for example “Tuesday Group 0”), not Alcoholics "
        "Anonymous: it looks like SMART Recovery's feed."]


def test_another_clinics_own_program_is_never_named_in_a_warning(clinic, other_clinic, aa):
    ProgramFactory(slug="c-secret-circle", name="Secret Circle", clinic=other_clinic)
    entries = [feed_entry(f"e{i}", name=f"Secret Circle {i}") for i in range(3)]
    assert import_feed(entries, clinic=clinic, program=aa, source="f").added == 3  # no word of it here
    with pytest.raises(ImportRefused, match="3 of the 3 meetings in this file name Secret Circle"):
        import_feed(entries, clinic=other_clinic, program=aa, source="f")  # its own clinic is warned


@pytest.mark.parametrize("names, warned", [
    (["SMART Recovery A", "SMART B", "Big Book"], True),        # two of three name SMART
    (["SMART Recovery A", "Big Book", "Step Study"], False),    # one of three: not most
    (["AA and SMART together", "SMART AA", "Big Book"], False),  # as many name AA as SMART
    (["Smart Start", "smart choices", "Big Book"], False),      # "smart" as a word, not the program's short name
])
def test_most_meetings_must_name_the_other_program(clinic, aa, smart, names, warned):
    entries = [feed_entry(f"e{i}", name=name) for i, name in enumerate(names)]
    try:
        import_feed(entries, clinic=clinic, program=aa, source="f")
    except ImportRefused as refused:
        assert warned and [c.kind for c in refused.concerns] == ["other_program"]
    else:
        assert not warned


def test_a_new_download_of_the_same_feed_raises_no_concern(clinic, aa, smart):
    entries = read_feed((SAMPLE_FEEDS / "springfield-aa.json").read_bytes())
    import_feed(entries, clinic=clinic, program=aa, source="Springfield Intergroup")
    record = import_feed(entries[:-3], clinic=clinic, program=aa, source="Springfield Intergroup")
    assert record.deactivated == 3 and record.confirmed == []


# The web page ------------------------------------------------------------------------------------------------

def upload(entries, name="feed.json"):
    return SimpleUploadedFile(name, json.dumps(entries).encode(), content_type="application/json")


def test_clinic_admin_confirms_an_import_that_marks_most_meetings_inactive(clinic, aa, clinic_admin, login):
    ten_meetings(clinic, aa)
    client = login(clinic_admin)
    response = client.post(reverse("referrals:meeting_import"), {
        "program": aa.pk, "feed": upload([feed_entry("m0"), feed_entry("m1"), feed_entry("m2")])})
    pending = PendingMeetingImport.objects.get()
    assert response["Location"] == reverse("referrals:import_confirm", args=[pending.pk])
    assert len(active_slugs(clinic, aa)) == 10 and MeetingImport.objects.count() == 1

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "This import would mark 7 of the 10 active meetings of the feed “Springfield Intergroup” inactive" in html
    assert "Yes, mark 7 of the 10 active meetings of “Springfield Intergroup” inactive" in html
    assert "nothing has been changed yet" in html

    # Without the tick nothing happens, and the box says so.
    response = client.post(response["Location"], {"expected_deactivated": "7"})
    assert response.status_code == 400 and "Tick this box to confirm" in response.content.decode()
    assert len(active_slugs(clinic, aa)) == 10

    response = client.post(reverse("referrals:import_confirm", args=[pending.pk]),
                           {"expected_deactivated": "7", "mass_deactivation": "on"}, follow=True)
    html = response.content.decode()
    assert "Import finished: 0 added, 0 updated, 3 unchanged, 7 marked inactive, 0 rejected." in html
    assert "Confirmed by" in html and "would mark 7 of the 10 active meetings" in html
    assert active_slugs(clinic, aa) == {"m0", "m1", "m2"} and not PendingMeetingImport.objects.exists()
    assert MeetingImport.objects.latest("pk").imported_by == clinic_admin


def test_an_empty_upload_waits_and_cancelling_changes_nothing(clinic, aa, clinic_admin, login):
    ten_meetings(clinic, aa)
    client = login(clinic_admin)
    response = client.post(reverse("referrals:meeting_import"), {"program": aa.pk, "feed": upload([])}, follow=True)
    html = response.content.decode()
    assert "The file holds no meetings." in html and "Import finished" not in html
    pending = PendingMeetingImport.objects.get()
    response = client.post(reverse("referrals:import_confirm", args=[pending.pk]), {"cancel": "1"}, follow=True)
    assert "cancelled: nothing was changed" in response.content.decode()
    assert len(active_slugs(clinic, aa)) == 10 and not PendingMeetingImport.objects.exists()
    assert MeetingImport.objects.count() == 1


def test_the_page_asks_again_when_the_numbers_changed_since_it_was_shown(clinic, aa, clinic_admin, login):
    ten_meetings(clinic, aa)
    client = login(clinic_admin)
    client.post(reverse("referrals:meeting_import"), {"program": aa.pk, "feed": upload([feed_entry("m0")])})
    pending = PendingMeetingImport.objects.get()
    # Another import ran meanwhile: two meetings left the feed, so confirming would now mark 7, not 9, inactive.
    import_feed([feed_entry(f"m{i}") for i in range(8)], clinic=clinic, program=aa, source="Springfield Intergroup")
    response = client.post(reverse("referrals:import_confirm", args=[pending.pk]),
                           {"expected_deactivated": "9", "mass_deactivation": "on"})
    html = response.content.decode()
    assert response.status_code == 409 and "the numbers below are new" in html
    assert "Yes, mark 7 of the 8 active meetings" in html and 'value="7"' in html
    assert len(active_slugs(clinic, aa)) == 8 and PendingMeetingImport.objects.exists()


def test_another_program_s_file_waits_for_both_confirmations_on_the_page(clinic, aa, smart, clinic_admin, login):
    import_feed([feed_entry("aa-1", name="Big Book"), feed_entry("aa-2", name="Step Study")], clinic=clinic,
                program=aa, source="Springfield Intergroup")
    client = login(clinic_admin)
    smart_file = [feed_entry(f"smart-{i}", name=f"SMART Recovery {i}") for i in range(3)]
    response = client.post(reverse("referrals:meeting_import"), {"program": aa.pk, "feed": upload(smart_file)},
                           follow=True)
    html = response.content.decode()
    assert "it looks like SMART Recovery&#x27;s feed" in html
    assert "Yes, this file is the Alcoholics Anonymous feed “Springfield Intergroup”" in html
    pending = PendingMeetingImport.objects.get()
    response = client.post(reverse("referrals:import_confirm", args=[pending.pk]),
                           {"expected_deactivated": "2", "mass_deactivation": "on"})
    assert response.status_code == 400 and active_slugs(clinic, aa) == {"aa-1", "aa-2"}
    response = client.post(reverse("referrals:import_confirm", args=[pending.pk]),
                           {"expected_deactivated": "2", "mass_deactivation": "on", "program": "on"})
    assert response.status_code == 302
    assert active_slugs(clinic, aa) == {"smart-0", "smart-1", "smart-2"}
    assert len(MeetingImport.objects.latest("pk").confirmed) == 3


def test_held_uploads_are_the_clinic_admins_own_clinics_and_go_after_a_day(clinic, aa, clinic_admin, login):
    old = PendingMeetingImport.objects.create(clinic=clinic, program=aa, source="old", entries=[])
    two_days_ago = timezone.now() - PendingMeetingImport.KEPT_FOR * 2
    PendingMeetingImport.objects.filter(pk=old.pk).update(uploaded_at=two_days_ago)
    other = ClinicFactory(name="Lakeside")
    theirs = PendingMeetingImport.objects.create(clinic=other, program=aa, source="theirs", entries=[])
    client = login(clinic_admin)
    assert client.get(reverse("referrals:import_confirm", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("referrals:import_confirm", args=[theirs.pk]), {"cancel": "1"}).status_code == 404
    client.post(reverse("referrals:meeting_import"), {"program": aa.pk, "feed": upload([])})
    assert set(PendingMeetingImport.objects.values_list("source", flat=True)) == {"theirs", "feed.json"}
    lakeside_admin = StaffFactory(clinic=other, roles=["clinic_admin"])
    assert login(lakeside_admin).get(reverse("referrals:import_confirm", args=[theirs.pk])).status_code == 200


def test_confirmation_page_query_count_does_not_grow_with_the_feed(clinic, aa, clinic_admin, login,
                                                                  django_assert_num_queries):
    client = login(clinic_admin)
    for size in (3, 30):
        ten_meetings(clinic, aa)
        pending = PendingMeetingImport.objects.create(
            clinic=clinic, program=aa, source="Springfield Intergroup", entries=[feed_entry(f"x{i}")
                                                                                 for i in range(size)])
        # Session, user and roles, the held upload, the feed's meetings, the programs ("another program's?").
        with django_assert_num_queries(6):
            assert client.get(reverse("referrals:import_confirm", args=[pending.pk])).status_code == 200
