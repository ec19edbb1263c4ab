"""Faults: the app survives a PostgreSQL restart, and a backup restores into a fresh database with
every row (pg_dump/pg_restore on PostgreSQL, SQLite's online backup on SQLite)."""

import http.cookiejar
import os
import re
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from maud_pathways import settings as production_settings

from .factories.patients import TEST_PASSWORD, CareTeamMemberFactory, ClinicFactory, PatientFactory, StaffFactory
from .factories.security import with_two_factor
from .gunicorn_server import gunicorn

ROOT = Path(__file__).resolve().parent.parent
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")


def make_clinic_records():
    """A little of everything: clinics, staff with roles and two-factor, patients, care teams, sessions."""
    clinic = ClinicFactory(name="Backup Test Clinic", require_two_factor=False)
    staff = [StaffFactory(clinic=clinic) for _ in range(3)]
    with_two_factor(staff[0])
    for n in range(12):
        patient = PatientFactory(clinic=clinic, first_name=f"Zoë {n}", last_name="O’Brien-Ñúñez")
        CareTeamMemberFactory(patient=patient, staff=staff[n % 3])
    Client().force_login(staff[1])


def rows_of_every_table(cursor, tables):
    """Every row of every table, each value as text (the two sides may decode types differently)."""
    snapshot = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        snapshot[table] = sorted(repr(tuple(None if v is None else str(v) for v in row)) for row in cursor.fetchall())
    return snapshot


def run_manage(*args, database_url):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "maud_pathways.settings", "DEBUG": "1",
           "SECRET_KEY": "restore-test-only", "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


# Backup and restore -----------------------------------------------------------------------------

@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_every_row_into_a_fresh_database(tmp_path):
    make_clinic_records()
    backup = tmp_path / "nightly.sqlite3"
    call_command("backup_database", str(backup))
    assert backup.stat().st_mode & 0o777 == 0o600

    fresh = tmp_path / "fresh.sqlite3"
    result = run_manage("restore_database", str(backup), database_url=f"sqlite:///{fresh}")
    assert result.returncode == 0, result.stderr

    tables = connection.introspection.table_names()
    # Read both sides through plain sqlite3 (Django's connection converts types on the way out).
    original_db = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    restored_db = sqlite3.connect(fresh)
    original = rows_of_every_table(original_db.cursor(), tables)
    restored = rows_of_every_table(restored_db.cursor(), tables)
    original_db.close()
    restored_db.close()
    assert original["patients_patient"] and original["security_recoverycode"] and original["django_session"]
    assert restored == original


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_every_row_into_a_fresh_database(tmp_path):
    make_clinic_records()
    backup = tmp_path / "nightly.dump"
    call_command("backup_database", str(backup))
    assert backup.stat().st_mode & 0o777 == 0o600

    settings_dict = connection.settings_dict
    fresh_name = f"{settings_dict['NAME']}_restore"
    admin = psycopg.connect(host=settings_dict["HOST"], port=settings_dict["PORT"] or 5432,
                            user=settings_dict["USER"], password=settings_dict["PASSWORD"] or None,
                            dbname="postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{fresh_name}"')
    admin.execute(f'CREATE DATABASE "{fresh_name}"')
    try:
        fresh_url = (f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT'] or 5432}"
                     f"/{fresh_name}")
        result = run_manage("restore_database", str(backup), database_url=fresh_url)
        assert result.returncode == 0, result.stderr

        tables = connection.introspection.table_names()
        with connection.cursor() as cursor:
            original = rows_of_every_table(cursor, tables)
        with psycopg.connect(fresh_url) as restored_db:
            restored = rows_of_every_table(restored_db.cursor(), tables)
        assert original["patients_patient"] and original["security_recoverycode"] and original["django_session"]
        assert restored == original

        # Restoring over a database with data needs --replace.
        again = run_manage("restore_database", str(backup), database_url=fresh_url)
        assert again.returncode != 0 and "already has tables" in again.stderr
        replaced = run_manage("restore_database", "--replace", str(backup), database_url=fresh_url)
        assert replaced.returncode == 0, replaced.stderr
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh_name}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_to_overwrite_a_database_with_data(tmp_path):
    backup = tmp_path / "backup"
    call_command("backup_database", str(backup))
    with pytest.raises(CommandError, match="already has tables"):
        call_command("restore_database", str(backup))
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_database", str(backup))


# PostgreSQL restart ------------------------------------------------------------------------------

@on_postgres
@pytest.mark.django_db(transaction=True)
def test_after_postgres_drops_every_connection_the_next_requests_succeed():
    clinic = ClinicFactory()
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        staff = StaffFactory(clinic=clinic, username="restart.test")
        staff.password = make_password(TEST_PASSWORD)
        staff.save()
    PatientFactory(clinic=clinic)
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    marker = "maud-pathways-restart-test"

    with gunicorn(url, extra_env={"PGAPPNAME": marker, "DB_CONN_MAX_AGE": "600"}) as (base, read_log):
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        login_page = browser.open(base + "/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode({"username": "restart.test", "password": TEST_PASSWORD,
                                       "csrfmiddlewaretoken": token}).encode()
        assert browser.open(base + "/accounts/login/", data=form).geturl() == base + reverse("home")
        assert browser.open(base + reverse("patients:list")).status == 200

        # What a PostgreSQL restart does to the app: every server connection is cut.
        with psycopg.connect(host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], dbname="postgres",
                             autocommit=True) as admin:
            killed = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                   "WHERE application_name = %s", [marker]).fetchall()
        assert len(killed) >= 1

        for _ in range(3):
            assert browser.open(base + reverse("patients:list")).status == 200
        log = read_log()
    assert '"GET /patients/ HTTP/1.1" 500' not in log and "Traceback" not in log
