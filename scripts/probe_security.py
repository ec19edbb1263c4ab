"""Probe a production-configured server for the findings of security round 2 (issue 15).

    .venv/bin/python scripts/probe_security.py --database-url postgres://postgres@127.0.0.1:5432/security_probe

Makes a fresh PostgreSQL database, seeds a few accounts, serves the app with gunicorn on a free port with
DEBUG off, BEHIND_TLS_PROXY=1 and no EMAIL_HOST (requests carry the headers a TLS proxy adds), and prints one
line per probe: what was tried, what came back, and whether that is the expected answer. Traffic goes to
127.0.0.1 only; every loop is bounded. Not a test: the tests (tests/test_security_*.py) check the same rules.
"""

import argparse
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
print(json.dumps({"patient": str(patient.public_id), "version": version.number,
                  "fresh_two_factor": fresh.require_two_factor}))
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

    def post(self, path, data, address=None):
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": self.csrf(path)}, address=address)

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


if __name__ == "__main__":
    sys.exit(main())
