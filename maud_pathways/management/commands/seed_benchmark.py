"""Seed a large clinic for the page benchmark (scripts/bench_pages.py). Not for production databases.

Creates one clinic with --patients patients (default 10,000), their care teams, and the records of every stop,
with bulk inserts so that it takes a minute or two rather than an hour.
"""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from patients.models import CareTeamMember, Clinic, Patient, Role, StaffMember

BENCH_CLINIC = "Benchmark Clinic"
BATCH = 2000


class Command(BaseCommand):
    help = "Seed a large clinic for benchmarks (10,000 patients and their records)."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, default=10_000)
        parser.add_argument("--password", default="benchmark-password-2026")

    def handle(self, *args, patients, password, **options):
        if Clinic.objects.filter(name=BENCH_CLINIC).exists():
            clinic = Clinic.objects.get(name=BENCH_CLINIC)
            existing = clinic.patients.count()
            if existing != patients:
                raise CommandError(f"{BENCH_CLINIC} exists with {existing} patients; use a fresh database.")
            self.stdout.write(f"{BENCH_CLINIC} already seeded with {existing} patients.")
            self._vacuum()
            return
        rng = random.Random(7)
        with transaction.atomic():
            clinic = Clinic(name=BENCH_CLINIC, time_zone="America/Chicago")
            # The page benchmark logs in with a password only.
            clinic.set_two_factor_rule(required=False, by=None,
                                       reason="Benchmark clinic with generated data; its pages are measured "
                                              "after a password login.")
            clinic.save()
            staff = self._staff(clinic, password)
            patient_ids = self._patients(clinic, patients, rng)
            self._care_teams(patient_ids, staff)
            context = {"clinic": clinic, "staff": staff, "patient_ids": patient_ids, "rng": rng}
            for seed in self.feature_seeders():
                seed(context)
        self._vacuum()
        self.stdout.write(self.style.SUCCESS(f"Seeded {patients} patients in {BENCH_CLINIC}."))

    def _vacuum(self):
        """Fresh planner statistics and visibility maps after a bulk load, as autovacuum keeps them in a live
        database (where autovacuum is off, as on some test machines, the benchmark would otherwise measure
        index-only scans that visit every row: "Heap Fetches: 10000")."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM cannot run inside a transaction (the command's tests run it in one): statistics only.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")

    def feature_seeders(self):
        """Each stop adds its records here (bulk inserts; context has clinic, staff, patient_ids, rng)."""
        from maud_pathways import benchmark_data

        return benchmark_data.feature_seeders()

    def _staff(self, clinic, password):
        staff = {}
        for username, role in [("bench.clinician", Role.CLINICIAN), ("bench.peer", Role.PEER_SPECIALIST),
                               ("bench.casemanager", Role.CASE_MANAGER), ("bench.admin", Role.CLINIC_ADMIN)]:
            member = StaffMember.objects.create(username=username, clinic=clinic, first_name=role.label,
                                                last_name="Bench")
            member.set_password(password)
            member.save()
            member.set_roles([role])
            staff[role] = member
        return staff

    def _patients(self, clinic, count, rng):
        today = datetime.date.today()
        rows = [
            Patient(clinic=clinic, first_name=f"First{i}", last_name=f"Last{i:05d}", mrn=f"BM-{i:06d}",
                    date_of_birth=today - datetime.timedelta(days=rng.randint(21 * 365, 70 * 365)),
                    phone="(555) 010-0000")
            for i in range(count)
        ]
        Patient.objects.bulk_create(rows, batch_size=BATCH)
        return list(Patient.objects.filter(clinic=clinic).order_by("id").values_list("id", flat=True))

    def _care_teams(self, patient_ids, staff):
        rows = []
        for i, pid in enumerate(patient_ids):
            rows.append(CareTeamMember(patient_id=pid, staff=staff[Role.CLINICIAN], role=Role.CLINICIAN))
            if i % 4 != 3:
                rows.append(CareTeamMember(patient_id=pid, staff=staff[Role.PEER_SPECIALIST],
                                           role=Role.PEER_SPECIALIST))
            rows.append(CareTeamMember(patient_id=pid, staff=staff[Role.CASE_MANAGER], role=Role.CASE_MANAGER))
        CareTeamMember.objects.bulk_create(rows, batch_size=BATCH)
