"""Benchmark the Meeting Guide import: generate a feed of 10,000 meetings and time importing it.

    .venv/bin/python scripts/bench_import.py                      # SQLite file in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python scripts/bench_import.py
    taskset -c 0,1 .venv/bin/python scripts/bench_import.py --meetings 10000   # two cores

It runs in a throwaway test database (never your real one) and times, through the real
``import_meetings`` command: a first import (all new), the same file again (nothing changes), and a
new version of the feed (10% changed, 5% gone, 5% new), and a version where every meeting
changed. The target is under 30 s for the first import.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maud_pathways.settings_test")

TARGET_SECONDS = 30
ZONES = ["America/Chicago", "America/New_York", "America/Denver", "America/Los_Angeles"]
TYPES = ["O", "C", "D", "BE", "B", "SP", "ST", "W", "M", "X", "S", "LGBTQ", "Y", "MED", "XYZ-LOCAL"]


def generate_feed(count, rng):
    feed = []
    for i in range(count):
        online = rng.random() < 0.3
        hybrid = not online and rng.random() < 0.1
        days = sorted(rng.sample(range(7), rng.choice([1, 1, 1, 2, 5])))
        hour, minute = rng.randint(6, 21), rng.choice([0, 15, 30])
        entry = {
            "name": f"Meeting {i} {rng.choice(['Serenity', 'Hope', 'New Day', 'Lunch Bunch', 'Step Study'])}",
            "slug": f"bench-{i:06d}",
            "day": days[0] if len(days) == 1 else days,
            "time": f"{hour:02d}:{minute:02d}",
            "end_time": f"{hour + 1:02d}:{minute:02d}",
            "timezone": rng.choice(ZONES),
            "types": rng.sample(TYPES, rng.randint(1, 4)) + (["ONL"] if online else []),
            "notes": "Fictional meeting generated for the import benchmark.",
            "group": f"Group {i // 3}",
            "updated": f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 12:00:00",
            "url": f"https://intergroup.example/meetings/bench-{i:06d}/",
        }
        if online or hybrid:
            entry["conference_url"] = f"https://meet.example.org/j/{1000000 + i}"
            entry["conference_phone"] = "+1 555 010 0000"
        if not online:
            entry.update({
                "location": f"Hall {i % 300}", "address": f"{100 + i % 900} Main St", "city": "Springfield",
                "state": "IL", "postal_code": "62701", "country": "US", "region": f"Area {i % 12}",
                "latitude": 39.78 + (i % 100) / 1000, "longitude": -89.65 - (i % 100) / 1000,
            })
        else:
            entry.update({"formatted_address": "Springfield, IL, USA", "approximate": "yes"})
        feed.append(entry)
    return feed


def next_version(feed, rng):
    """The feed a week later: 10% of meetings changed, 5% gone, 5% new."""
    changed = [dict(e) for e in feed]
    for entry in rng.sample(changed, len(changed) // 10):
        entry["time"], entry["end_time"] = "18:45", "19:45"
    gone = set(rng.sample(range(len(changed)), len(changed) // 20))
    changed = [e for i, e in enumerate(changed) if i not in gone]
    extra = generate_feed(len(feed) // 20, rng)
    for i, entry in enumerate(extra):
        entry["slug"] = f"bench-new-{i:06d}"
    return changed + extra


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meetings", type=int, default=10_000)
    args = parser.parse_args()

    import django
    from django.conf import settings

    tmp = Path(tempfile.mkdtemp(prefix="bench-import-"))
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database["TEST"] = {"NAME": str(tmp / "bench.sqlite3")}  # a real file, like production SQLite
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from patients.models import Clinic
        from referrals.models import Meeting

        call_command("load_programs", stdout=StringIO())
        clinic = Clinic.objects.create(name="Benchmark Clinic")
        rng = random.Random(2026)
        first = generate_feed(args.meetings, rng)
        second = next_version(first, rng)
        everything_changed = [dict(e, notes="Every meeting edited.") for e in first]
        files = {"first": tmp / "feed.json", "second": tmp / "feed-next-week.json", "all": tmp / "feed-all.json"}
        files["first"].write_text(json.dumps(first))
        files["second"].write_text(json.dumps(second))
        files["all"].write_text(json.dumps(everything_changed))

        def timed(label, path):
            out = StringIO()
            start = time.perf_counter()
            call_command("import_meetings", str(path), clinic=clinic.name, program="alcoholics-anonymous",
                         no_progress=True, stdout=out, stderr=StringIO())
            seconds = time.perf_counter() - start
            print(f"{label:<44} {seconds:6.2f} s   {out.getvalue().strip().splitlines()[-1]}")
            return seconds

        print(f"Database: {connection.vendor}; CPUs available: {len(os.sched_getaffinity(0))}; "
              f"feed: {args.meetings:,} meetings, {files['first'].stat().st_size / 1e6:.1f} MB")
        first_import = timed("First import (all new)", files["first"])
        timed("Same file again (nothing changes)", files["first"])
        timed("Next week's feed (10% changed, 5% gone/new)", files["second"])
        timed("Every meeting changed", files["all"])
        active = Meeting.objects.filter(clinic=clinic, is_active=True).count()
        print(f"Active meetings now: {active:,}")
        verdict = "within" if first_import < TARGET_SECONDS else "OVER"
        print(f"First import {first_import:.2f} s: {verdict} the {TARGET_SECONDS} s target.")
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        for path in tmp.iterdir():
            path.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
