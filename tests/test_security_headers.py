"""Security headers and deploy settings: CSP without inline code, HSTS, no-store on patient pages,
secure cookies, referrer policy, deploy checks, and an access log without query strings."""

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from .factories.patients import TEST_PASSWORD, CareTeamMemberFactory, PatientFactory
from .gunicorn_server import gunicorn

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


@pytest.fixture
def patient_pages(clinic, clinician):
    patient = PatientFactory(clinic=clinic, first_name="Carmen", last_name="Castillo")
    CareTeamMemberFactory(patient=patient, staff=clinician)
    return [reverse("home"), reverse("patients:list"), reverse("patients:list") + "?q=Castillo",
            patient.get_absolute_url()]


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_carries_a_strict_content_security_policy(client, login, clinician, patient_pages):
    for response in [client.get(reverse("login"))] + [login(clinician).get(url) for url in patient_pages]:
        directives = csp_directives(response)
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["object-src"] == ["'none'"]
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_pages_with_patient_data_are_never_stored(login, clinician, patient_pages):
    client = login(clinician)
    for url in patient_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = {p.strip() for p in response["Cache-Control"].split(",")}
        assert {"no-store", "no-cache", "private"} <= cache_control, url


def test_no_page_is_stored_not_even_redirects_and_errors(client, login, clinician):
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]
    assert "no-store" in client.get(reverse("patients:list"))["Cache-Control"]  # redirect to login
    assert "no-store" in login(clinician).get("/patients/00000000-0000-0000-0000-000000000000/")["Cache-Control"]


def test_hsts_referrer_and_framing_headers_on_https(client):
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_session_and_csrf_cookies_are_secure_and_http_only(client, clinician):
    page = client.get(reverse("login"), secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(reverse("login"), {"username": clinician.username, "password": TEST_PASSWORD,
                                              "csrfmiddlewaretoken": token}, secure=True)
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert not session["max-age"]  # gone when the browser closes; the server ends it sooner anyway


INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on*= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def inline_code_in(html):
    return [label for pattern, label in INLINE_CODE if pattern.search(html)]


def test_no_template_has_inline_script_style_or_event_handlers():
    templates = [p for p in ROOT.rglob("*.html") if ".venv" not in p.parts and "staticfiles" not in p.parts
                 and "node_modules" not in p.parts]
    assert len(templates) > 20
    problems = {str(p.relative_to(ROOT)): inline_code_in(p.read_text()) for p in templates}
    assert {path: found for path, found in problems.items() if found} == {}


def test_rendered_pages_have_no_inline_code(client, login, clinic_admin, clinician, patient_pages):
    pages = [client.get(reverse("login")).content.decode()]
    staff_client = login(clinician)
    pages += [staff_client.get(url).content.decode() for url in patient_pages + [reverse("security:two_factor")]]
    admin_client = login(clinic_admin)
    pages += [admin_client.get(url).content.decode()
              for url in [reverse("staff:list"), reverse("staff:create"), reverse("security:clinic_security")]]
    for html in pages:
        assert inline_code_in(html) == []
    assert "<script" in pages[1]  # external scripts are still there


def test_the_guide_checks_that_would_block_inline_code_work():
    assert inline_code_in('<div style="color:red">') == ["style= attribute"]
    assert inline_code_in('<button onclick="x()">') == ["on*= event handler"]
    assert inline_code_in("<script>alert(1)</script>") == ["inline <script>"]
    assert inline_code_in('<script src="/static/js/a.js"></script>') == []


def test_production_settings_pass_the_deploy_checks():
    env = {**os.environ, "SECRET_KEY": "deploy-check-" + "k3y-" * 12, "ALLOWED_HOSTS": "clinic.example",
           "DJANGO_SETTINGS_MODULE": "maud_pathways.settings"}
    env.pop("DEBUG", None)
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_gunicorn_access_log_leaves_out_query_strings(tmp_path):
    with gunicorn(f"sqlite:///{tmp_path / 'unused.sqlite3'}") as (base, read_log):
        # The start-up probe asks for /healthz, so only these two requests to the login page are counted.
        with urllib.request.urlopen(base + "/accounts/login/?next=/patients/%3Fq%3DCastillo%26dob%3D1980-05-17"):
            pass
        with urllib.request.urlopen(base + "/accounts/login/?q=Castillo"):
            pass
        for _ in range(50):  # gunicorn writes the line just after the response
            log = read_log()
            if log.count("GET /accounts/login/") >= 2:
                break
            time.sleep(0.1)
    assert log.count('"GET /accounts/login/ HTTP/1.1" 200') == 2, log
    assert "Castillo" not in log and "1980-05-17" not in log and "?" not in log
