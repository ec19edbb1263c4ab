"""Odd input read straight from the request (issue 15, finding 8): every id in a query string or POST value is a
plain ASCII positive integer or the answer is a 404 (or a message where that is kinder), date filters refuse
dates far from any record, and uploaded or pasted JSON beyond sane limits is refused with a message. Each case
here was a server error (500) before."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from patients.models import Role
from patients.request_input import (
    MAX_JSON_DEPTH,
    JSONInputError,
    id_or_404,
    parse_id,
    read_json,
    slug_or_404,
)
from referrals.models import Consent, Meeting, MeetingImport, Referral
from wellness.models import Questionnaire

from .factories.patients import CareTeamMemberFactory, PatientFactory
from .factories.referrals.barriers import BarrierFactory
from .factories.referrals.directory import ProgramFactory, feed_entry
from .factories.wellness import BARC_SHAPED_EXAMPLE
from .test_consent import consent_data
from .test_fuzz_forms import forms_on

pytestmark = pytest.mark.django_db

DEEP = "[" * 200_000 + "]" * 200_000
HUGE_NUMBER = "9" * 5_000


@pytest.fixture
def patient(clinician):
    patient = PatientFactory(clinic=clinician.clinic)
    CareTeamMemberFactory(patient=patient, staff=clinician, role=Role.CLINICIAN)
    return patient


@pytest.fixture
def program(db):
    return ProgramFactory(slug="smart-recovery", name="SMART Recovery")


# The one helper ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["1", "42", "9" * 18])
def test_plain_ascii_ids_are_read(value):
    assert parse_id(value) == int(value) == id_or_404(value)


@pytest.mark.parametrize("value", ["²", "①", "٣", "0", "-1", "+1", " 1", "1 ", "01", "1e3", "1.0", "0x1", "9" * 19,
                                   HUGE_NUMBER, "\x00", "1\x00", "null"])
def test_anything_else_is_not_an_id(value):
    from django.http import Http404

    assert parse_id(value) is None
    with pytest.raises(Http404):
        id_or_404(value)


def test_absent_or_empty_ids_are_none_and_positions_may_be_zero():
    assert id_or_404(None) is None and id_or_404("") is None
    assert parse_id("0", zero_ok=True) == 0 and parse_id("00", zero_ok=True) is None


@pytest.mark.parametrize("value", ["\x00", "a b", "ä", "x" * 101, "../x"])
def test_slugs_are_plain_too(value):
    from django.http import Http404

    with pytest.raises(Http404):
        slug_or_404(value)
    assert slug_or_404("smart-recovery_2") == "smart-recovery_2"


@pytest.mark.parametrize("text, message", [
    (DEEP, f"more than {MAX_JSON_DEPTH} levels deep"),
    ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "levels deep"),
    (f"[{HUGE_NUMBER}]", "more than 40 digits"),
    ("[1e999]", "too large"),
    ("[NaN]", "NaN"),
    ('{"x": -Infinity}', "-Infinity"),
    ('[{"name": "A\\u0000B"}]', "NUL character (\\u0000) in item 1 → “name”"),
    ('{"a\\u0000": 1}', "in the name of a field"),
])
def test_json_beyond_the_limits_is_refused_with_a_reason(text, message):
    with pytest.raises(JSONInputError, match=message.replace("(", r"\(").replace(")", r"\)").replace("\\u", "\\\\u")):
        read_json(text)


def test_json_within_the_limits_reads_as_usual():
    text = json.dumps([{"day": [1, 2], "latitude": 41.5, "name": "Ünïcode ✓", "nested": [[[["ok"]]]]}])
    assert read_json(text) == json.loads(text)


# Each 500 of the report ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["program=%C2%B2", "meeting=%E2%91%A0", f"program={HUGE_NUMBER}", "program=-1"])
def test_referral_form_with_an_odd_id_in_the_query_is_a_404(login, clinician, patient, query):
    url = reverse("referrals:referral_new", args=[patient.public_id])
    assert login(clinician).get(f"{url}?{query}").status_code == 404


def test_referral_form_prefills_a_plain_id(login, clinician, patient, program):
    url = reverse("referrals:referral_new", args=[patient.public_id])
    response = login(clinician).get(url, {"program": program.pk})
    assert response.status_code == 200 and response.context["form"].initial["program"] == program.pk


@pytest.mark.parametrize("match", ["program:²", "meeting:①", f"program:{HUGE_NUMBER}", "program:", "²", ""])
def test_suggesting_an_odd_match_says_to_pick_again(login, clinician, patient, program, match):
    client = login(clinician)
    response = client.post(reverse("referrals:referral_new", args=[patient.public_id]), {"match": match},
                           follow=True)
    assert response.status_code == 200
    assert "no longer among the matches; pick again" in response.content.decode()
    assert not Referral.objects.exists()


def test_consent_form_with_an_odd_program_in_the_query_is_a_404(login, clinician, patient):
    url = reverse("referrals:consent_new", args=[patient.public_id])
    assert login(clinician).get(url + "?program=%C2%B2").status_code == 404


def test_a_consent_posted_with_an_odd_referral_in_the_query_is_a_404_and_nothing_is_saved(login, clinician,
                                                                                          patient, program):
    url = reverse("referrals:consent_new", args=[patient.public_id])
    response = login(clinician).post(url + "?referral=%C2%B2", consent_data(program))
    assert response.status_code == 404
    assert not Consent.objects.exists()
    # The same consent with a plain id is saved (and, the referral being unknown, shown on its own page).
    response = login(clinician).post(url + "?referral=999999", consent_data(program))
    assert response.status_code == 302 and Consent.objects.filter(patient=patient).exists()


@pytest.mark.parametrize("index", ["²", "-1", "٣", HUGE_NUMBER, "7"])
def test_an_odd_barrier_suggestion_is_a_404(login, case_manager, index):
    barrier = BarrierFactory(patient=PatientFactory(clinic=case_manager.clinic), noted_by=case_manager)
    CareTeamMemberFactory(patient=barrier.patient, staff=case_manager, role=Role.CASE_MANAGER)
    url = reverse("referrals:intervention_create", args=[barrier.patient.public_id, barrier.pk])
    client = login(case_manager)
    assert client.get(url, {"suggestion": "0"}).status_code == 200
    assert client.get(url, {"suggestion": index}).status_code == 404


@pytest.mark.parametrize("chosen", ["²", HUGE_NUMBER, "0"])
def test_an_odd_questionnaire_choice_is_a_404(login, clinician, patient, chosen):
    url = reverse("wellness:assessment_new", args=[patient.public_id])
    assert login(clinician).get(url, {"questionnaire": chosen}).status_code == 404


@pytest.mark.parametrize("lock_version", ["²", HUGE_NUMBER, "", "٣"])
def test_signing_with_an_odd_lock_version_says_the_page_was_out_of_date(login, clinician, patient, lock_version):
    from .factories.treatment_plans import PlanVersionFactory

    draft = PlanVersionFactory(plan__patient=patient)
    response = login(clinician).post(reverse("patients:plan_sign", args=[patient.public_id, draft.number]),
                                     {"lock_version": lock_version}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    # "٣" is a number to Django's IntegerField (3): not this draft's version, so the draft changed since
    assert "The page was out of date" in page or "nothing was signed" in page
    draft.refresh_from_db()
    assert not draft.is_signed


def test_overview_of_the_first_days_of_the_calendar_is_a_form_error(login, clinic_admin):
    response = login(clinic_admin).get("/overview/?since=0001-01-01&until=0001-01-02")
    assert response.status_code == 200
    assert "Pick a date from 1900 on." in response.content.decode()
    assert response.context["used_default"]


@pytest.mark.parametrize("program", ["%00", "%C2%B2", "a%20b", "x" * 101])
def test_import_page_with_an_odd_program_is_a_404(login, clinic_admin, program):
    assert login(clinic_admin).get(f"/directory/import/?program={program}").status_code == 404


def test_import_page_prefills_a_program_by_its_slug(login, clinic_admin, program):
    response = login(clinic_admin).get("/directory/import/", {"program": program.slug})
    assert response.status_code == 200 and response.context["form"].initial["program"] == program


def upload(body, name="feed.json"):
    return SimpleUploadedFile(name, body.encode() if isinstance(body, str) else body, content_type="application/json")


@pytest.mark.parametrize("body, message", [
    (json.dumps([feed_entry("tue", name="Tuesday\u0000Night")]), "NUL character"),
    (json.dumps([feed_entry("tue", notes="ok", types=["O", "D\u0000"])]), "NUL character"),
    (json.dumps([{**feed_entry("tue"), "extra\u0000": "x"}]), "NUL character"),
    (DEEP, "levels deep"),
    (f"[{HUGE_NUMBER}]", "more than 40 digits"),
    (json.dumps([feed_entry("tue", day=int(HUGE_NUMBER[:45]))]), "more than 40 digits"),
    ('[{"slug": "x", "latitude": 1e999}]', "too large"),
])
def test_a_meeting_feed_beyond_the_limits_is_refused_and_nothing_is_imported(login, clinic_admin, program, body,
                                                                              message):
    response = login(clinic_admin).post(reverse("referrals:meeting_import"),
                                        {"program": program.pk, "feed": upload(body)})
    assert response.status_code == 400
    assert message in response.content.decode() and "Nothing was imported" in response.content.decode()
    assert not Meeting.objects.exists() and not MeetingImport.objects.exists()


@pytest.mark.parametrize("change, message", [
    (lambda text: text.replace('"slug": "barc10-shaped-example"', '"slug": "barc10\\u0000"'), "NUL character"),
    (lambda text: DEEP, "levels deep"),
    (lambda text: text.replace('"format": 1', f'"format": {HUGE_NUMBER}'), "more than 40 digits"),
    (lambda text: text.replace('"format": 1', '"format": 1e999'), "too large"),
    (lambda text: text.replace('"format": 1', '"format": NaN'), "NaN"),
])
def test_a_questionnaire_beyond_the_limits_is_refused_with_a_reason(login, clinic_admin, change, message):
    text = change(BARC_SHAPED_EXAMPLE.read_text())
    assert text != BARC_SHAPED_EXAMPLE.read_text()
    client = login(clinic_admin)
    by_file = client.post(reverse("wellness:questionnaire_load"), {"file": upload(text, "q.json")})
    by_text = client.post(reverse("wellness:questionnaire_load"), {"text": text})
    for response in (by_file, by_text):
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Questionnaire.objects.exists()


# Far-past and far-future dates on every date filter ----------------------------------------------------------

FAR_DATES = ["0001-01-01", "0001-01-02", "1899-12-31", "2200-01-01", "9999-12-30", "9999-12-31"]
FILTER_PAGES = {"overview": "/overview/", "patients:list": None, "staff:audit": None}


def date_filters(client, url):
    """(action, names of its date inputs) for each GET form of the page: every filter by date, found on the page."""
    html = client.get(url).content.decode()
    return [(action, [name for name in fields if is_date_input(html, name)])
            for action, fields in forms_on(html, url, "get")]


def is_date_input(html, name):
    return any('type="date"' in tag for tag in re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html))


@pytest.mark.parametrize("page", sorted(FILTER_PAGES))
def test_far_past_and_far_future_dates_on_every_date_filter_are_form_errors(client, clinic, page):
    from .factories.patients import StaffFactory

    everyone = StaffFactory(clinic=clinic, roles=list(Role.values))
    PatientFactory(clinic=clinic)
    client.force_login(everyone)
    url = FILTER_PAGES[page] or reverse(page)
    filters = date_filters(client, url)
    dates = [name for _action, names in filters for name in names]
    assert dates, f"{page} has no date filter any more: take it out of FILTER_PAGES"
    for action, names in filters:
        for far in FAR_DATES:
            for name in names:
                response = client.get(action, {name: far})
                assert response.status_code == 200, (page, name, far)
                assert "Pick a date" in response.content.decode(), (page, name, far)
            every = client.get(action, dict.fromkeys(names, far))
            assert every.status_code == 200 and "Pick a date" in every.content.decode(), (page, far)


def test_every_page_with_a_date_filter_is_tested(client, clinic):
    """A page that gains a date filter joins FILTER_PAGES (the fuzzer's list of filter pages is the source)."""
    from .test_access_matrix import MATRIX, build_world, url_for
    from .test_fuzz_forms import PAGES_WITH_FILTER_FORMS, fuzzing_staff

    world = build_world()
    client.force_login(fuzzing_staff(world))
    with_dates = set()
    for name in PAGES_WITH_FILTER_FORMS:
        url = url_for(name, MATRIX[name], world)
        if any(names for _action, names in date_filters(client, url)):
            with_dates.add(name)
    assert with_dates == set(FILTER_PAGES)


@pytest.mark.parametrize("day", ["²", "٣", "①", " 3 ", "-1", "7"])
def test_a_feed_entry_with_an_odd_day_is_rejected_and_the_rest_imported(clinic_admin, program, day):
    from referrals.directory.meeting_guide import import_feed

    record = import_feed([feed_entry("odd", day=day), feed_entry("fine", day="3")], clinic=clinic_admin.clinic,
                         program=program, source="feed")
    if day == " 3 ":
        assert record.rejected == 0  # spaces around a plain number are harmless
        return
    assert record.rejected == 1 and "Invalid day" in record.errors[0]["reason"]
    assert list(Meeting.objects.values_list("slug", "days")) == [("fine", "3")]


@pytest.mark.parametrize("value", ["9" * 19, "²", "0", "-1", " 7"])
def test_choosing_several_records_by_an_odd_id_is_a_form_error(case_manager, value):
    """The follow-up log's 'barriers resolved' took a 19-digit id to the database: SQLite failed the query."""
    from django.core.exceptions import ValidationError

    from referrals.followup.forms import BarrierChoiceField
    from referrals.models import Barrier

    barrier = BarrierFactory(patient=PatientFactory(clinic=case_manager.clinic), noted_by=case_manager)
    field = BarrierChoiceField(queryset=Barrier.objects.all())
    assert list(field.clean([str(barrier.pk)])) == [barrier]
    with pytest.raises(ValidationError):
        field.clean([str(barrier.pk), value])
