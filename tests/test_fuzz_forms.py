"""Bad input everywhere: generated data posted to every form of the product never causes a server error,
never stores a script that is rendered unescaped, is not audited as a change when the form is sent back, and
valid data round-trips.

Forms are discovered from the pages themselves (every URL of the access matrix that a staff member holding all
roles, and on the patient's care team in every care role, can open), so a new form is fuzzed without anyone
listing it here. Every page must show at least one form to post unless ``PAGES_WITHOUT_FORMS`` says it has
none, so a page that stops rendering its form (or stops opening for the fuzzer) fails instead of passing quietly.
Search and filter forms (GET) get generated query strings the same way; ``PAGES_WITH_FILTER_FORMS`` lists the
pages that have one. A formset's count fields (``…-TOTAL_FORMS``) get huge and odd counts, file fields get
generated files (JSON nested too deep, numbers too long, NUL characters, bytes that are not UTF-8, and generated
JSON), and named buttons (``match=program:7``) their values or odd ones.

Values a view reads straight from the request rather than through a form (``?program=7``, ``?referral=7``,
``next``) are found in the source of the view and of the functions it calls (``request.GET.get("program")`` and
the like), so they are fuzzed too without anyone listing them: in the page's own query string, in the query
string of each form's action, and in the posted values.
"""

import inspect
import json
import re
import sys
import time
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patients.models import AuditAction, AuditEntry, Patient, Role

from .factories.patients import CareTeamMemberFactory, StaffFactory
from .test_access_matrix import MATRIX, build_world, url_for, wellness_world

SCRIPT = '<script>alert("pwned")</script>'
NASTY = [
    SCRIPT, '"><img src=x onerror=alert(1)>', "'; DROP TABLE patients_patient; --", "1 OR 1=1",
    "\u202e\u0000\ufeff", "💊🍷" * 40, "x" * 5000, "-1", "1e309", "2023-02-30", "99:99", "NaN", "",
    "../../etc/passwd", "%00", "{{ 7*7 }}", "\\", "null",
    "0001-01-01", "0001-01-02", "9999-12-31",
]
# Ids that str.isdigit() takes and int() refuses, or that int() takes and a database key cannot hold.
ODD_IDS = ["²", "①", "٣", " 7", "+7", "07", "0", "-1", "1e3", "9" * 19, "9" * 5000, "\x00", "7\x00", "program:²",
           "meeting:①", "%C2%B2"]
NASTY += ODD_IDS
SKIP_ACTIONS = {"/accounts/logout/"}
CHANGES = [AuditAction.CREATE, AuditAction.CHANGE, AuditAction.DELETE, AuditAction.DISCLOSE]
SLOW_POST_SECONDS = 10


class FormParser(HTMLParser):
    """Collect forms: their method, action, fields (name -> list of offered values; named buttons offer their
    values) and file fields."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                          "fields": {}, "files": []}
        elif self._form is None:
            return
        elif tag == "input" and a.get("type") == "file" and a.get("name"):
            self._form["files"].append(a["name"])
        elif tag in ("button", "input") and a.get("type", "submit" if tag == "button" else "") == "submit":
            if a.get("name"):  # a named button sends its value: match=program:7
                self._form["fields"].setdefault(a["name"], []).append(a.get("value") or "")
        elif tag in ("input", "textarea") and a.get("name") and a.get("type") not in ("submit", "hidden"):
            self._form["fields"].setdefault(a["name"], []).append(a.get("value") or "on")
        elif tag == "input" and a.get("type") == "hidden" and a.get("name") != "csrfmiddlewaretoken":
            self._form["fields"].setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"].setdefault(self._select, [])
        elif tag == "option" and self._select:
            self._form["fields"][self._select].append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def forms_on(html, page_url, method, *, with_files=False):
    """(action, fields) of each form of ``method`` on the page; (action, fields, file fields) ``with_files``."""
    parser = FormParser()
    parser.feed(html)
    found = []
    for form in parser.forms:
        action = urljoin(page_url, form["action"]) if form["action"] else page_url
        if form["method"] == method and action not in SKIP_ACTIONS and (form["fields"] or form["files"]):
            found.append((action, form["fields"], form["files"]) if with_files else (action, form["fields"]))
    return found


# Values read straight from the request, found in the source of the view's module.
READ_STRAIGHT = re.compile(r"""request\.(GET|POST)(?:\.get(?:list)?\(|\[)\s*["']([\w-]+)["']""")


APPS = ("patients", "wellness", "referrals", "security", "maud_pathways")


def read_straight(url):
    """{"GET": names, "POST": names} the view that answers ``url`` reads from the request itself (not through a
    form): found in the view's source and in the source of the product's functions it calls by name."""
    view = inspect.unwrap(resolve(urlsplit(url).path).func)
    source = inspect.getsource(view)
    called = []
    for name, obj in vars(sys.modules[view.__module__]).items():
        if inspect.isfunction(obj) and obj is not view and obj.__module__.startswith(APPS):
            if re.search(rf"\b{name}\(", source):
                called.append(obj)
        elif inspect.ismodule(obj) and obj.__name__.startswith(APPS):  # emergency.safe_next(...)
            called += [function for function_name, function in vars(obj).items() if inspect.isfunction(function)
                       and re.search(rf"\b{name}\.{function_name}\(", source)]
    found = {"GET": set(), "POST": set()}
    for text in [source] + [inspect.getsource(inspect.unwrap(function)) for function in called]:
        for method, name in READ_STRAIGHT.findall(text):
            found[method].add(name)
    return found


def test_values_read_straight_from_the_request_are_found():
    """The finder sees the parameters the views read themselves (so a new one is fuzzed unlisted), also in a helper
    the view calls (the match buttons, the safe "next" address), and only theirs."""
    from uuid import uuid4

    consent = read_straight(reverse("referrals:consent_new", args=[uuid4()]))
    referral = read_straight(reverse("referrals:referral_new", args=[uuid4()]))
    emergency = read_straight(reverse("patients:emergency_access", args=[uuid4()]))
    assert {"program", "referral"} <= consent["GET"]
    assert {"program", "meeting"} <= referral["GET"] and "match" in referral["POST"]
    assert "next" in emergency["GET"] and "next" in emergency["POST"]
    assert read_straight(reverse("referrals:meeting_new")) == {"GET": set(), "POST": set()}


# Generated files for file fields: what broke the JSON readers before (issue 15), bytes, text and generated JSON.
FILES = [
    b"", b"\xff\xfe\x00garbage", b"[" * 200_000 + b"]" * 200_000, b"[" + b"9" * 5000 + b"]", b"[1e999]", b"[NaN]",
    b'[{"name": "A\\u0000B", "slug": "nul"}]', b'{"a\\u0000": 1}', b"{}", b"[]", b"null", b'{"format": 1}',
    "💊".encode() * 1000, b"\xef\xbb\xbf[]",
]
FEED_KEYS = ["name", "slug", "day", "time", "end_time", "timezone", "location", "address", "city", "state",
             "postal_code", "country", "formatted_address", "types", "conference_url", "conference_phone",
             "latitude", "longitude", "notes", "updated", "regions", "approximate", "attendance_option", "group",
             "url"]
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                         st.text(max_size=40), st.sampled_from(NASTY))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
feed_like = st.lists(st.dictionaries(st.sampled_from(FEED_KEYS), json_values, max_size=12), max_size=6)
file_content = st.one_of(
    st.sampled_from(FILES), st.binary(max_size=300), st.text(max_size=300).map(str.encode),
    json_values.map(lambda v: json.dumps(v).encode()), feed_like.map(lambda v: json.dumps(v).encode()),
)


def generated_file(data, name):
    content = data.draw(file_content, label=f"file {name}")
    file_name = data.draw(st.sampled_from(["upload.json", "x", "../../etc/passwd", "名前.json", "a" * 300]),
                          label=f"file name {name}")
    return SimpleUploadedFile(file_name, content, content_type="application/json")


# A formset's count fields (medications-TOTAL_FORMS and the like) claim how many entries a post carries: a
# post claiming thousands must be refused with a form error, not build thousands of forms.
FORM_COUNTS = ["2000", "1000000", "9" * 5000, "-1", "0", "1e3", " 3", "٣"]


def field_value(offered, name=""):
    """Either one of the values the page offers, or something nasty (for a formset's count fields: counts; for a
    value read straight from the request, more often an odd id).

    The offered values (e.g. database ids in a select) differ between examples, so the strategy draws an
    index rather than sampling the list itself: its shape must not depend on the data.
    """
    pick = st.integers(min_value=0, max_value=999).map(lambda i: offered[i % len(offered)] if offered else "")
    if name.endswith("_FORMS"):
        return st.one_of(pick, st.sampled_from(FORM_COUNTS), st.integers(-5, 10**7).map(str))
    if not offered:
        return st.one_of(st.sampled_from(ODD_IDS), st.sampled_from(NASTY), st.text(max_size=200))
    return st.one_of(pick, st.sampled_from(NASTY), st.text(max_size=200))


FORM_PAGES = sorted(
    name for name, row in MATRIX.items()
    if name not in ("login", "logout") and any(code == 200 for code in row.staff.values())
)

# Pages with nothing to type into (reading, printing, downloads, lists whose search is a GET form, and pages
# whose only POST forms are single buttons, such as "End now" on the emergency-access review).
PAGES_WITHOUT_FORMS = {
    "healthz", "home", "overview", "queue", "password_change_done", "password_reset_complete", "password_reset_done",
    "patient_fhir_export",  # a JSON download
    "referrals:patient_link_calendar",  # an .ics download
    "password_reset_confirm",  # the link in the test world is not a valid reset link: the page says so
    "patients:list", "patients:plan_history", "patients:plans_due",
    "referrals:barrier_list", "referrals:case_manager_queue", "referrals:directory",
    "referrals:import_detail", "referrals:meeting_export", "referrals:meeting_list", "referrals:program_detail",
    "security:session_status", "security:two_factor",
    "staff:audit", "staff:emergency_access",
    "referrals:accounting", "referrals:consent_print", "referrals:disclosure_letter", "referrals:handout",
    "referrals:support",
    "wellness:assessment_detail", "wellness:assessment_list", "wellness:plan", "wellness:plan_history",
    "wellness:plan_print", "wellness:questionnaire_download", "wellness:questionnaire_list",
}

# Pages whose search or filter is a GET form: generated input goes into the query string.
PAGES_WITH_FILTER_FORMS = {"overview", "patients:list", "patients:plans_due", "referrals:meeting_list", "staff:audit"}

# Query strings that take a page past a choice made by following a link (no form to fuzz before it).
PAGE_QUERY = {
    "wellness:assessment_new": lambda world: {"questionnaire": wellness_world(world)["own_questionnaire"].pk},
}


def fuzzing_staff(world):
    """A staff member holding every role and on the patient's care team in every care role, so that
    care-team-only forms (wellness plan, Stop 5 records) are reached too."""
    everyone = StaffFactory(clinic=world.clinic, roles=list(Role.values))
    for role in (Role.CLINICIAN, Role.PEER_SPECIALIST, Role.CASE_MANAGER):
        CareTeamMemberFactory(patient=world.patient, staff=everyone, role=role)
    return everyone


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORM_PAGES)
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_generated_input_never_breaks_a_form(client, name, data):
    # Each example starts from the same database: what one example saved is rolled back before the next, so
    # a failing example replays exactly.
    with transaction.atomic():
        post_generated_input(client, name, data)
        transaction.set_rollback(True)


def post_generated_input(client, name, data):
    world = build_world()
    everyone = fuzzing_staff(world)
    client.force_login(everyone)
    page_url = url_for(name, MATRIX[name], world)
    query = PAGE_QUERY[name](world) if name in PAGE_QUERY else {}
    page = client.get(page_url, query)
    assert page.status_code == 200, f"the fuzzer cannot open {name}"
    html = page.content.decode()
    for parameter in sorted(read_straight(page_url)["GET"]):
        value = data.draw(field_value([]), label=f"?{parameter}")
        response = client.get(page_url, {**query, parameter: value})
        assert response.status_code < 500, f"{name} with ?{parameter}={value!r}"
        assert SCRIPT not in response.content.decode(), f"unescaped script in {name} with ?{parameter}"
    filters = forms_on(html, page_url, "get")
    assert bool(filters) == (name in PAGES_WITH_FILTER_FORMS), (
        f"{name}: its filter form appeared or disappeared: update PAGES_WITH_FILTER_FORMS")
    for action, fields in filters:
        params = {field: data.draw(field_value(offered), label=f"filter {field}") for field, offered in fields.items()}
        response = client.get(action, params)
        assert response.status_code < 500
        assert SCRIPT not in response.content.decode(), f"unescaped script after filtering {action}"
    forms = forms_on(html, page_url, "post", with_files=True)
    if name in PAGES_WITHOUT_FORMS:
        assert not forms, f"{name} now has a form: take it out of PAGES_WITHOUT_FORMS"
    else:
        assert forms, f"{name} shows no form to post: is it still rendered? (else list it in PAGES_WITHOUT_FORMS)"
    for action, fields, files in forms:
        payload = {field: data.draw(field_value(offered, field), label=field) for field, offered in fields.items()}
        reads = read_straight(action)
        for field in sorted(reads["POST"] - set(payload)):
            payload[field] = data.draw(field_value([]), label=f"{field} (read straight)")
        for field in files:
            payload[field] = generated_file(data, field)
        action_query = dict(query) if action == page_url else {}
        for parameter in sorted(reads["GET"]):
            if data.draw(st.booleans(), label=f"send ?{parameter}"):
                action_query[parameter] = data.draw(field_value([]), label=f"?{parameter} of the post")
        client.force_login(everyone)
        changes_before = AuditEntry.objects.filter(action__in=CHANGES).count()
        started = time.monotonic()
        response = client.post(action + ("?" + urlencode(action_query) if action_query else ""), payload, follow=True)
        took = time.monotonic() - started
        assert response.status_code < 500
        if not response.redirect_chain:  # the form came back: nothing was saved, so nothing is audited as saved
            assert AuditEntry.objects.filter(action__in=CHANGES).count() == changes_before, (
                f"posting to {action} was sent back but audited as a change")
        # Generous for a busy CI machine; a post that builds thousands of forms takes far longer.
        assert took < SLOW_POST_SECONDS, f"posting to {action} took {took:.1f} s"
        assert SCRIPT not in response.content.decode(), f"unescaped script after posting to {action}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORM_PAGES)
def test_every_odd_id_and_bad_file_is_answered_without_a_server_error(client, name):
    """Beside the generated examples, every odd id in every value a page's view reads straight from the query
    string, and every known bad file in every file field, once each."""
    world = build_world()
    everyone = fuzzing_staff(world)
    client.force_login(everyone)
    page_url = url_for(name, MATRIX[name], world)
    query = PAGE_QUERY[name](world) if name in PAGE_QUERY else {}
    for parameter in sorted(read_straight(page_url)["GET"]):
        for value in ODD_IDS:
            response = client.get(page_url, {**query, parameter: value})
            assert response.status_code < 500, f"{name} with ?{parameter}={value!r}"
    html = client.get(page_url, query).content.decode()
    for action, fields, files in forms_on(html, page_url, "post", with_files=True):
        for content in FILES if files else []:
            payload = {field: offered[0] if offered else "" for field, offered in fields.items()}
            payload.update({field: SimpleUploadedFile("upload.json", content) for field in files})
            with transaction.atomic():
                response = client.post(action, payload)
                transaction.set_rollback(True)
            assert response.status_code < 500, f"{action} with the file {content[:40]!r}"


name_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=100,
).map(str.strip).filter(bool)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=name_text, last=name_text, language=st.sampled_from(["English", "Español", "Tiếng Việt"]))
def test_valid_patient_details_round_trip_exactly(client, clinician, first, last, language):
    from django.utils.html import escape

    client.force_login(clinician)
    Patient.objects.filter(mrn="FUZZ-1").delete()
    response = client.post(reverse("patients:create"), {
        "first_name": first, "last_name": last, "date_of_birth": "1984-07-09", "mrn": "FUZZ-1",
        "preferred_language": language, "preferred_contact": "do_not_contact",
    }, follow=True)
    assert response.status_code == 200
    patient = Patient.objects.get(mrn="FUZZ-1")
    assert (patient.first_name, patient.last_name, patient.preferred_language) == (first, last, language)
    assert escape(f"{first} {last}") in response.content.decode()
