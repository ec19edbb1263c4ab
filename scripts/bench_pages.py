"""Page benchmark: seed a large clinic in PostgreSQL, serve it with gunicorn, measure pages.

    .venv/bin/python scripts/bench_pages.py            # 10,000 patients, 300 requests per page

Reports requests per second and p50/p95 latency for the home page of each role and for patient pages,
next to a trivial view (/healthz) of the same server in the same run. Traffic goes to 127.0.0.1 only;
every loop is bounded in count. Not a test: timings depend on the machine.
"""

import argparse
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"


def run(cmd, env):
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def ensure_database(url):
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


class Session:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path):
        with self.opener.open(BASE + path, timeout=30) as response:
            return response.status, response.read().decode()

    def login(self, username, password):
        _, page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(BASE + "/accounts/login/", data=data, headers={"Referer": BASE})
        with self.opener.open(request, timeout=30) as response:
            response.read()
        return self


def measure(session, path, requests, concurrency):
    latencies, errors = [], []
    lock = threading.Lock()
    per_thread = requests // concurrency

    def worker():
        for _ in range(per_thread):
            start = time.perf_counter()
            try:
                status, _ = session.get(path)
                ok = status == 200
            except Exception as exc:  # noqa: BLE001 - counted and reported
                ok, status = False, repr(exc)
            elapsed = time.perf_counter() - start
            with lock:
                (latencies if ok else errors).append(elapsed if ok else status)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    p = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {"rps": len(latencies) / wall, "p50": p[49] * 1000, "p95": p[94] * 1000, "errors": len(errors)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/maud_bench")
    args = parser.parse_args()

    env = dict(os.environ, DATABASE_URL=args.database_url, SECRET_KEY="benchmark-only-secret-key-0123456789abcdef",
               DEBUG="0", ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0",
               CSRF_COOKIE_SECURE="0", SECURE_HSTS_SECONDS="0", LOG_LEVEL="WARNING")
    python = sys.executable
    load_before = os.getloadavg()
    ensure_database(args.database_url)
    run([python, "manage.py", "migrate", "-v0"], env)
    run([python, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    seeded = time.perf_counter()
    run([python, "manage.py", "seed_benchmark", "--patients", str(args.patients)], env)
    print(f"seeding took {time.perf_counter() - seeded:.1f} s")

    server = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "maud_pathways.wsgi", "-b", f"127.0.0.1:{PORT}",
         "-w", str(args.workers), "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        os.environ.update(env)
        targets = pages_to_measure()
        rows = []
        anonymous = Session()
        rows.append(("trivial view (/healthz)", measure(anonymous, "/healthz", args.requests, args.concurrency)))
        for label, username, path in targets:
            session = Session().login(username, "benchmark-password-2026")
            session.get(path)  # warm up
            rows.append((label, measure(session, path, args.requests, args.concurrency)))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\n{args.patients} patients, {args.requests} requests per page, concurrency {args.concurrency}, "
          f"gunicorn {args.workers} workers, PostgreSQL; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{os.cpu_count()} CPUs, "
          f"load average {'/'.join(f'{x:.2f}' for x in load_before)} before and "
          f"{'/'.join(f'{x:.2f}' for x in os.getloadavg())} after (1/5/15 min)\n")
    print("| page | requests/s | p50 ms | p95 ms | errors |")
    print("|---|---:|---:|---:|---:|")
    for label, r in rows:
        print(f"| {label} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['errors']} |")


def pages_to_measure():
    """(label, username, path) of each page measured; patient pages use a patient of the seeded clinic."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maud_pathways.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from patients.models import Patient

    seeded = Patient.objects.filter(clinic__name="Benchmark Clinic").order_by("id")
    patient = seeded[seeded.count() // 2]
    return [
        ("home: clinician", "bench.clinician", "/"),
        ("home: peer specialist", "bench.peer", "/"),
        ("home: case manager", "bench.casemanager", "/"),
        ("home: clinic admin", "bench.admin", "/"),
        ("patient list", "bench.clinician", "/patients/"),
        ("patient page", "bench.clinician", f"/patients/{patient.public_id}/"),
        ("clinic overview (last 90 days)", "bench.admin", "/overview/"),
    ]


if __name__ == "__main__":
    main()
