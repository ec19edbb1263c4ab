"""Bad input everywhere: generated data posted to every form of the product never causes a server error,
never stores a script that is rendered unescaped, and valid data round-trips.

Forms are discovered from the pages themselves (every URL of the access matrix that a staff member holding all
roles, and on the patient's care team in every care role, can open), so a new form is fuzzed without anyone
listing it here. Every page must show at least one form to post unless ``PAGES_WITHOUT_FORMS`` says it has
none, so a page that stops rendering its form (or stops opening for the fuzzer) fails instead of passing quietly.
Search and filter forms (GET) get generated query strings the same way; ``PAGES_WITH_FILTER_FORMS`` lists the
pages that have one. A formset's count fields (``…-TOTAL_FORMS``) get huge and odd counts.
"""

import time
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patients.models import Patient, Role

from .factories.patients import CareTeamMemberFactory, StaffFactory
from .test_access_matrix import MATRIX, build_world, url_for, wellness_world

SCRIPT = '<script>alert("pwned")</script>'
NASTY = [
    SCRIPT, '"><img src=x onerror=alert(1)>', "'; DROP TABLE patients_patient; --", "1 OR 1=1",
    "\u202e\u0000\ufeff", "💊🍷" * 40, "x" * 5000, "-1", "1e309", "2023-02-30", "99:99", "NaN", "",
    "../../etc/passwd", "%00", "{{ 7*7 }}", "\\", "null",
]
SKIP_ACTIONS = {"/accounts/logout/"}
SLOW_POST_SECONDS = 10


class FormParser(HTMLParser):
    """Collect forms: their method, action and fields (name -> list of offered values)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                          "fields": {}}
        elif self._form is None:
            return
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


def forms_on(html, page_url, method):
    parser = FormParser()
    parser.feed(html)
    found = []
    for form in parser.forms:
        action = urljoin(page_url, form["action"]) if form["action"] else page_url
        if form["method"] == method and action not in SKIP_ACTIONS and form["fields"]:
            found.append((action, form["fields"]))
    return found


# A formset's count fields (medications-TOTAL_FORMS and the like) claim how many entries a post carries: a
# post claiming thousands must be refused with a form error, not build thousands of forms.
FORM_COUNTS = ["2000", "1000000", "9" * 5000, "-1", "0", "1e3", " 3", "٣"]


def field_value(offered, name=""):
    """Either one of the values the page offers, or something nasty (for a formset's count fields: counts).

    The offered values (e.g. database ids in a select) differ between examples, so the strategy draws an
    index rather than sampling the list itself: its shape must not depend on the data.
    """
    pick = st.integers(min_value=0, max_value=999).map(lambda i: offered[i % len(offered)] if offered else "")
    if name.endswith("_FORMS"):
        return st.one_of(pick, st.sampled_from(FORM_COUNTS), st.integers(-5, 10**7).map(str))
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
    "referrals:accounting", "referrals:disclosure_letter", "referrals:handout", "referrals:support",
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
    filters = forms_on(html, page_url, "get")
    assert bool(filters) == (name in PAGES_WITH_FILTER_FORMS), (
        f"{name}: its filter form appeared or disappeared: update PAGES_WITH_FILTER_FORMS")
    for action, fields in filters:
        params = {field: data.draw(field_value(offered), label=f"filter {field}") for field, offered in fields.items()}
        response = client.get(action, params)
        assert response.status_code < 500
        assert SCRIPT not in response.content.decode(), f"unescaped script after filtering {action}"
    forms = forms_on(html, page_url, "post")
    if name in PAGES_WITHOUT_FORMS:
        assert not forms, f"{name} now has a form: take it out of PAGES_WITHOUT_FORMS"
    else:
        assert forms, f"{name} shows no form to post: is it still rendered? (else list it in PAGES_WITHOUT_FORMS)"
    for action, fields in forms:
        payload = {field: data.draw(field_value(offered, field), label=field) for field, offered in fields.items()}
        client.force_login(everyone)
        started = time.monotonic()
        response = client.post(action + ("?" + urlencode(query) if query and action == page_url else ""),
                               payload, follow=True)
        took = time.monotonic() - started
        assert response.status_code < 500
        # Generous for a busy CI machine; a post that builds thousands of forms takes far longer.
        assert took < SLOW_POST_SECONDS, f"posting to {action} took {took:.1f} s"
        assert SCRIPT not in response.content.decode(), f"unescaped script after posting to {action}"


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
