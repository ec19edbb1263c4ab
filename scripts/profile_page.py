"""Profile one page of the benchmark clinic with pyinstrument, through Django's test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maud_bench \
        .venv/bin/python scripts/profile_page.py bench.clinician /            # the clinician's home page
    ... scripts/profile_page.py bench.clinician patient                       # a patient page (a random patient)
    ... scripts/profile_page.py bench.admin /overview/ --repeat 5 --html out.html

Seed the clinic first (``manage.py seed_benchmark``). The request runs with production settings (DEBUG off,
audit and login on) after one warm-up request; prints the time of each request, its queries and the time
they took, then pyinstrument's call tree of the last request (or writes it as HTML). Not a test.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maud_pathways.settings")
    os.environ.setdefault("SECRET_KEY", "profile-only-secret-key-0123456789abcdef")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("username")
    parser.add_argument("path", help='a URL path, or "patient" for a random patient page of the clinic')
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--html", help="write the call tree as HTML to this file")
    args = parser.parse_args()
    setup()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from patients.models import Patient, StaffMember

    user = StaffMember.objects.get(username=args.username)
    ids = list(Patient.objects.filter(clinic_id=user.clinic_id).values_list("public_id", flat=True))
    rng = random.Random(1)

    def path():
        return f"/patients/{rng.choice(ids)}/" if args.path == "patient" else args.path

    client = Client(secure=True)
    client.force_login(user)
    client.get(path())  # warm up: URL resolver, templates, connection
    profiler = None
    for n in range(args.repeat):
        last = n == args.repeat - 1
        profiler = Profiler(interval=0.0005) if last else None
        with CaptureQueriesContext(connection) as queries:
            if profiler:
                profiler.start()
            start = time.perf_counter()
            response = client.get(path())
            elapsed = time.perf_counter() - start
            if profiler:
                profiler.stop()
        sql = sum(float(q["time"]) for q in queries.captured_queries)
        print(f"{response.status_code} {elapsed * 1000:.1f} ms, {len(queries.captured_queries)} queries, "
              f"{sql * 1000:.1f} ms of SQL")
    if args.html:
        Path(args.html).write_text(profiler.output_html())
        print(f"call tree: {args.html}")
    else:
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
