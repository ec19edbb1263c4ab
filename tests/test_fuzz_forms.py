"""Bad input everywhere: generated data posted to every form of the product never causes a server error,
never stores a script that is rendered unescaped, and valid data round-trips.

Forms are discovered from the pages themselves (every URL of the access matrix that a staff member holding all
roles can open), so a new form is fuzzed without anyone listing it here.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patients.models import Patient, Role

from .factories import StaffFactory
from .test_access_matrix import MATRIX, build_world, url_for

SCRIPT = '<script>alert("pwned")</script>'
NASTY = [
    SCRIPT, '"><img src=x onerror=alert(1)>', "'; DROP TABLE patients_patient; --", "1 OR 1=1",
    "\u202e\u0000\ufeff", "💊🍷" * 40, "x" * 5000, "-1", "1e309", "2023-02-30", "99:99", "NaN", "",
    "../../etc/passwd", "%00", "{{ 7*7 }}", "\\", "null",
]
SKIP_ACTIONS = {"/accounts/logout/"}


class FormParser(HTMLParser):
    """Collect POST forms: their action and their fields (name -> list of offered values)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}}
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


def post_forms_on(html, page_url):
    parser = FormParser()
    parser.feed(html)
    found = []
    for form in parser.forms:
        action = urljoin(page_url, form["action"]) if form["action"] else page_url
        if action not in SKIP_ACTIONS and form["fields"]:
            found.append((action, form["fields"]))
    return found


def field_value(offered):
    """Either one of the values the page offers, or something nasty.

    The offered values (e.g. database ids in a select) differ between examples, so the strategy draws an
    index rather than sampling the list itself: its shape must not depend on the data.
    """
    pick = st.integers(min_value=0, max_value=999).map(lambda i: offered[i % len(offered)] if offered else "")
    return st.one_of(pick, st.sampled_from(NASTY), st.text(max_size=200))


FORM_PAGES = sorted(
    name for name, row in MATRIX.items()
    if name not in ("login", "logout") and any(code == 200 for code in row.staff.values())
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORM_PAGES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_generated_input_never_breaks_a_form(client, name, data):
    world = build_world()
    everyone = StaffFactory(clinic=world.clinic, roles=list(Role.values))
    client.force_login(everyone)
    page_url = url_for(name, MATRIX[name], world)
    page = client.get(page_url)
    if page.status_code != 200:
        return
    for action, fields in post_forms_on(page.content.decode(), page_url):
        payload = {field: data.draw(field_value(offered), label=field) for field, offered in fields.items()}
        client.force_login(everyone)
        response = client.post(action, payload, follow=True)
        assert response.status_code < 500
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
