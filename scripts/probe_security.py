"""Probe a production-configured server for the findings of security round 2 (issue 15), both rounds of fixes.

    .venv/bin/python scripts/probe_security.py --database-url postgres://postgres@127.0.0.1:5432/security_probe

Makes a fresh PostgreSQL database, seeds a few accounts, serves the app with gunicorn on a free port with
DEBUG off, BEHIND_TLS_PROXY=1 and no EMAIL_HOST (requests carry the headers a TLS proxy adds), and prints one
line per probe: what was tried, what came back, and whether that is the expected answer. Traffic goes to
127.0.0.1 only; every loop is bounded. Not a test: the tests (tests/test_security_*.py) check the same rules.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "probe-passphrase-river-heron"

SEED = """
from django_otp.plugins.otp_totp.models import TOTPDevice
from patients.models import Clinic, Patient, Role, StaffMember
from patients.models import PlanVersion, TreatmentPlan
from security import two_factor
import datetime, json

clinic = Clinic(name="Probe Clinic")
clinic.set_two_factor_rule(required=False, by=None, reason="Probe clinic: password-only logins for the probes.")
clinic.save()
fresh = Clinic.objects.create(name="Fresh Clinic")
def staff(username, clinic, roles):
    user = StaffMember.objects.create_user(username, f"{username}@clinic.example", PASSWORD, clinic=clinic,
                                           first_name="Probe", last_name="Person")
    user.set_roles(roles)
    return user
clinician = staff("probe.clinician", clinic, [Role.CLINICIAN])
staff("probe.peer", clinic, [Role.PEER_SPECIALIST])
staff("probe.guessed", clinic, [Role.CASE_MANAGER])
staff("fresh.clinician", fresh, [Role.CLINICIAN])
with_codes = staff("probe.codes", clinic, [Role.CLINICIAN])
TOTPDevice.objects.create(user=with_codes, name="app", confirmed=True)
two_factor.new_recovery_codes(with_codes)
StaffMember.objects.create_superuser("probe.root", "root@example.org", PASSWORD)
patient = Patient.objects.create(clinic=clinic, first_name="Pat", last_name="Probe", mrn="P-1",
                                 date_of_birth=datetime.date(1980, 1, 1))
plan = TreatmentPlan.objects.create(patient=patient)
version = PlanVersion.objects.create(plan=plan, number=1)
from patients.models import CareTeamMember
from referrals.models import Program
CareTeamMember.objects.create(patient=patient, staff=clinician, role=Role.CLINICIAN)
CareTeamMember.objects.create(patient=patient, staff=staff("probe.casemanager", clinic, [Role.CASE_MANAGER]),
                              role=Role.CASE_MANAGER)
staff("probe.admin", clinic, [Role.CLINIC_ADMIN])
program = Program.objects.create(slug="probe-program", name="Probe Program", group="secular")
# A clinic that limits staff to their caseload: the peer is on no care team there.
limited = Clinic(name="Caseload Clinic", limit_to_caseload=True)
limited.set_two_factor_rule(required=False, by=None, reason="Probe clinic: password-only logins for the probes.")
limited.save()
staff("limited.peer", limited, [Role.PEER_SPECIALIST])
theirs = Patient.objects.create(clinic=limited, first_name="Otto", last_name="Outside", mrn="C-1",
                                date_of_birth=datetime.date(1975, 5, 5))
CareTeamMember.objects.create(patient=theirs, staff=staff("limited.clinician", limited, [Role.CLINICIAN]),
                              role=Role.CLINICIAN)
print(json.dumps({"patient": str(patient.public_id), "version": version.number, "program": program.pk,
                  "theirs": str(theirs.public_id), "fresh_two_factor": fresh.require_two_factor}))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A tiny client that keeps cookies (the Secure ones too: TLS ends at the 'proxy') and sends proxy headers."""

    def __init__(self, port, address="203.0.113.10"):
        self.port, self.address, self.cookies = port, address, {}

    def request(self, method, path, data=None, address=None):
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": f"10.6.6.6, {address or self.address}",
                   "Host": "127.0.0.1", "Referer": "https://127.0.0.1/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        started = time.monotonic()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode(errors="replace")
        took = time.monotonic() - started
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        connection.close()
        return response.status, response.getheader("Location") or "", content, took

    def csrf(self, path):
        status, _, page, _ = self.request("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        return match.group(1) if match else ""

    def post(self, path, data, address=None, token_from=None):
        """Post as the page's form would, with the CSRF token of the page at ``path`` (or at ``token_from``, for
        addresses that answer only posts)."""
        token = self.csrf(token_from or path)
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": token}, address=address)

    def post_file(self, path, data, field, content):
        """A multipart post with one file (``content``: bytes), as a browser sends an upload."""
        boundary = "probe-boundary-7d1f0c"
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                 for name, value in {**data, "csrfmiddlewaretoken": self.csrf(path)}.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="upload.json"\r\n'
                     f"Content-Type: application/json\r\n\r\n".encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": f"10.6.6.6, {self.address}", "Host": "127.0.0.1",
                   "Referer": "https://127.0.0.1/", "Content-Type": f"multipart/form-data; boundary={boundary}",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode(errors="replace")
        connection.close()
        return response.status, content

    def login(self, username, password=PASSWORD, address=None):
        return self.post("/accounts/login/", {"username": username, "password": password}, address=address)


def manage(env, *args, capture=True):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=capture,
                          text=True, check=True)


def query(env, code):
    return manage(env, "shell", "-v", "0", "-c", code).stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/security_probe")
    args = parser.parse_args()

    import psycopg

    parts = urllib.parse.urlparse(args.database_url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    port = free_port()
    static_root = tempfile.mkdtemp(prefix="probe-static-")
    env = {key: value for key, value in os.environ.items()
           if key not in {"DEBUG", "EMAIL_HOST", "PASSWORD_RESET_BY_EMAIL"}}
    env.update(DJANGO_SETTINGS_MODULE="maud_pathways.settings", SECRET_KEY="probe-only-" + "s3cr3t-" * 8,
               ALLOWED_HOSTS="127.0.0.1", BEHIND_TLS_PROXY="1", DATABASE_URL=args.database_url,
               STATIC_ROOT=static_root, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2", LOG_LEVEL="WARNING")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    world = json.loads(query({**env, "PASSWORD": PASSWORD}, f"PASSWORD = {PASSWORD!r}\n" + SEED).splitlines()[-1])

    results = []

    def report(probe, answer, expected):
        results.append(expected)
        print(f"[{'ok' if expected else 'UNEXPECTED'}] {probe}: {answer}")

    refused = subprocess.run([sys.executable, "-c", "import maud_pathways.wsgi"], cwd=ROOT,
                             env={**env, "PASSWORD_RESET_BY_EMAIL": "1"}, capture_output=True, text=True)
    report("start with PASSWORD_RESET_BY_EMAIL=1 and no EMAIL_HOST",
           "refused: " + (refused.stderr.strip().splitlines() or ["(nothing)"])[-1][:110],
           refused.returncode != 0 and "written to the server's log" in refused.stderr)

    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "maud_pathways.wsgi"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                Browser(port).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        probe_server(port, env, world, report)
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(static_root, ignore_errors=True)
    print(f"{sum(results)} of {len(results)} probes gave the expected answer.")
    return 0 if all(results) else 1


def probe_server(port, env, world, report):
    anonymous = Browser(port)
    _, _, login_page, _ = anonymous.request("GET", "/accounts/login/")
    status, _, reset_page, _ = anonymous.request("GET", "/accounts/password/reset/")
    report("password reset with no e-mail server", f"login page says it is off: {'switched off' in login_page}; "
           f"reset page -> {status}, says ask your clinic admin: {'ask your clinic admin' in reset_page}",
           "switched off" in login_page and status == 404 and "ask your clinic admin" in reset_page)

    clinician = Browser(port, address="198.51.100.23")
    clinician.login("probe.clinician")
    status, _, _, _ = clinician.request("GET", f"/patients/{world['patient']}/")
    address = query(env, "from patients.models import AuditEntry; print(AuditEntry.objects.latest('id').ip_address)")
    report("audit address behind the proxy (X-Forwarded-For: 10.6.6.6, 198.51.100.23)",
           f"page {status}, audit row says {address}", status == 200 and address == "198.51.100.23")

    edit = f"/patients/{world['patient']}/plan/versions/{world['version']}/edit/"
    data = {"plan-lock_version": "0"}
    for prefix in ("medications", "therapies", "goals"):
        data.update({f"{prefix}-TOTAL_FORMS": "2000", f"{prefix}-INITIAL_FORMS": "0"})
    status, _, page, took = clinician.post(edit, data)
    report("plan edit posted with TOTAL_FORMS=2000 in each list",
           f"{status} in {took:.2f} s, {len(page) / 1e6:.2f} MB, form error shown: {'Please submit at most' in page}",
           status == 200 and took < 5 and "Please submit at most" in page)

    known = Browser(port, address="203.0.113.10")
    known.login("probe.guessed")
    known.cookies.pop("sessionid")  # the browser was closed; its "known browser" cookie stays
    attacker = Browser(port)
    for attempt in range(20):
        attacker.login("probe.guessed", f"wrong guess {attempt}", address=f"192.0.2.{attempt // 4 + 1}")
        time.sleep(0.05)
    status, location, page, _ = attacker.login("probe.guessed", address="192.0.2.99")
    report("20 wrong passwords from 5 addresses, then the right one from a 6th",
           f"{status} {'(slowed: wait)' if 'many wrong passwords' in page else location}",
           status == 200 and "many wrong passwords" in page)
    status, location, _, _ = known.login("probe.guessed")
    report("the same account from the browser its owner used before", f"{status} -> {location}", status == 302)

    ipv6 = Browser(port)
    for attempt in range(5):
        ipv6.login("probe.peer", f"wrong {attempt}", address=f"2001:db8:1:2::{attempt + 1}")
    status, _, _, _ = ipv6.login("probe.peer", address="2001:db8:1:2:ffff::1")
    report("5 wrong passwords from one IPv6 /64, then the right one from another address in it",
           f"{status}", status == 429)

    fresh = Browser(port)
    fresh.login("fresh.clinician")
    status, location, _, _ = fresh.request("GET", "/patients/")
    report("staff of a clinic created with the defaults", f"new clinic requires two-factor: "
           f"{world['fresh_two_factor']}; /patients/ -> {status} {location}",
           world["fresh_two_factor"] and location.startswith("/accounts/two-factor/set-up/"))

    root = Browser(port)
    root.post("/django-admin/login/", {"username": "probe.root", "password": PASSWORD, "next": "/django-admin/"})
    status, location, _, _ = root.request("GET", "/django-admin/patients/patient/")
    report("superuser without two-factor opens /django-admin/", f"{status} -> {location}",
           location.startswith("/accounts/two-factor/set-up/"))

    stored = query(env, "from django_otp.plugins.otp_static.models import StaticToken; "
                        "from security.models import RecoveryCode; "
                        "print(StaticToken.objects.count(), RecoveryCode.objects.count(), "
                        "all(c.code_hash.startswith('recovery_pbkdf2_sha256$') for c in RecoveryCode.objects.all()))")
    plain, hashed, all_hashed = stored.split()
    report("recovery codes in the database", f"{plain} plain, {hashed} hashed",
           plain == "0" and hashed == "10" and all_hashed == "True")

    password = query(env, "from django.contrib.auth.password_validation import validate_password as v\n"
                          "from patients.models import StaffMember\n"
                          "u = StaffMember(username='jordan.lee', first_name='Jordan', last_name='Lee')\n"
                          "try:\n    v('jordanlee2026', u); print('accepted')\n"
                          "except Exception as e:\n    print('refused')")
    report("password jordanlee2026 for Jordan Lee", password, password == "refused")

    probe_round_two(port, env, world, report)


def probe_round_two(port, env, world, report):
    """The second round: who changes a care team (finding 2), ids and files read from the request (8), audit
    entries for lists and for posts that save nothing (9)."""
    peer = Browser(port, address="198.51.100.40")
    peer.login("limited.peer")
    theirs = f"/patients/{world['theirs']}/"
    blocked, _, _, _ = peer.request("GET", theirs)
    granted, _, _, _ = peer.post(f"{theirs}emergency-access/", {
        "reason": "Covering the front desk: the patient is here and their peer is away.", "next": theirs})
    peer_id = query(env, "from patients.models import StaffMember; "
                         "print(StaffMember.objects.get(username='limited.peer').pk)")
    added, _, page, _ = peer.post(f"{theirs}care-team/add/", {"role": "peer_specialist", "staff": peer_id},
                                  token_from=theirs)
    csrf_refused = "CSRF" in page
    query(env, "from django.utils import timezone; from patients.models import EmergencyAccess; "
               "EmergencyAccess.objects.update(expires_at=timezone.now())")  # the four hours are over
    after, _, _, _ = peer.request("GET", theirs)
    report("caseload limit: a peer breaks the glass, adds themselves to the care team, the grant ends",
           f"record {blocked}, grant {granted}, add -> {added}{' (CSRF!)' if csrf_refused else ''}, "
           f"after the grant: {after}",
           (blocked, granted, added, after) == (403, 302, 403, 403) and not csrf_refused)

    clinician = Browser(port, address="198.51.100.23")
    clinician.login("probe.clinician")
    support = f"/patients/{world['patient']}/support/"
    answers = {}
    for label, path in [("consent ?program=%C2%B2", f"{support}consents/new/?program=%C2%B2"),
                        ("referral ?program=%C2%B2", f"{support}referrals/new/?program=%C2%B2"),
                        ("referral ?meeting=%E2%91%A0", f"{support}referrals/new/?meeting=%E2%91%A0")]:
        answers[label] = clinician.request("GET", path)[0]
    answers["POST match=program:²"] = clinician.post(f"{support}referrals/new/", {"match": "program:²"})[0]
    today = datetime.date.today()
    consent = {"program": world["program"], "recipient_name": "Probe Program group", "disclosing_party": "Probe Clinic",
               "information_categories": ["identity"], "information_detail": "First name and phone number",
               "purpose": "To arrange a first meeting",
               "expires_on": (today + datetime.timedelta(days=90)).isoformat(), "right_to_revoke_explained": "on",
               "signed_by": "Pat Probe", "signed_on": today.isoformat(),
               "how_to_revoke": "Give or send the clinic a signed note saying you revoke this consent."}
    answers["consent posted with ?referral=%C2%B2"] = clinician.post(
        f"{support}consents/new/?referral=%C2%B2", consent)[0]
    saved = query(env, "from referrals.models import Consent; print(Consent.objects.count())")
    valid, _, _, _ = clinician.post(f"{support}consents/new/", consent)  # the same consent, without the odd id
    answers["the same consent without it"] = valid
    status, _, page, _ = clinician.request("GET", "/overview/?since=0001-01-01&until=0001-01-02")
    answers["/overview/?since=0001-01-01&until=0001-01-02"] = f"{status}, form error: {'Pick a date' in page}"
    report("ids and dates from the request (were 500s)", ", ".join(f"{k} -> {v}" for k, v in answers.items())
           + f"; consents saved: {saved}",
           list(answers.values())[:3] == [404, 404, 404] and answers["POST match=program:²"] == 302
           and answers["consent posted with ?referral=%C2%B2"] == 404 and saved == "0"
           and answers["the same consent without it"] == 302
           and answers["/overview/?since=0001-01-01&until=0001-01-02"] == "200, form error: True")

    admin = Browser(port, address="198.51.100.50")
    admin.login("probe.admin")
    status, _, _, _ = admin.request("GET", "/directory/import/?program=%00")
    files = {"\\u0000 in a name": json.dumps([{"name": "A\u0000B", "slug": "nul", "day": 1, "time": "19:00",
                                                "address": "1 Main St"}]).encode(),
             "nested 200,000 deep": b"[" * 200_000 + b"]" * 200_000,
             "a 5,000-digit integer": b"[" + b"9" * 5000 + b"]"}
    feeds = {label: admin.post_file("/directory/import/", {"program": world["program"], "source": "probe"}, "feed",
                                    content) for label, content in files.items()}
    questionnaires = {label: admin.post_file("/wellness/questionnaires/load/", {}, "file", content)
                      for label, content in files.items()}
    imported = query(env, "from referrals.models import Meeting; print(Meeting.objects.count())")
    report("/directory/import/?program=%00 and bad files to the meeting import and the questionnaire load",
           f"?program=%00 -> {status}; import: " + ", ".join(f"{k} -> {v[0]}" for k, v in feeds.items())
           + "; questionnaire: " + ", ".join(f"{k} -> {v[0]}" for k, v in questionnaires.items())
           + f"; meetings imported: {imported}",
           status == 404 and all(v[0] == 400 for v in [*feeds.values(), *questionnaires.values()]) and imported == "0")

    case_manager = Browser(port, address="198.51.100.60")
    case_manager.login("probe.casemanager")
    before = int(query(env, "from patients.models import AuditEntry; print(AuditEntry.objects.count())"))
    pages = {"home": case_manager.request("GET", "/")[0],
             "case manager's queue": case_manager.request("GET", "/queue/case-manager/")[0],
             "plans due": clinician.request("GET", "/patients/plans/due/")[0]}
    lists = query(env, "from patients.models import AuditEntry; "
                       f"print('|'.join(e.detail for e in AuditEntry.objects.order_by('id')[{before}:]))")
    edit = f"/patients/{world['patient']}/edit/"
    sent_back, _, _, _ = clinician.post(edit, {"first_name": "", "last_name": "", "date_of_birth": "not a date"})
    last = query(env, "from patients.models import AuditEntry; e = AuditEntry.objects.latest('id'); "
                      "print(e.action, '/', e.detail)")
    report("audit entries for lists and for a post sent back",
           f"pages {pages}; entries: {lists}; patient edit with mistakes -> {sent_back}, audited as: {last}",
           lists == "home page|case manager's queue|plans due" and last == "view / nothing saved")


if __name__ == "__main__":
    sys.exit(main())
