"""Page benchmark: the app's pages next to a plain Django view, both under gunicorn, loaded by wrk.

    .venv/bin/python scripts/bench_pages.py --database-url postgres://postgres@127.0.0.1:5432/maud_bench

One command. It installs Debian's ``wrk`` when it is missing (as root), migrates and seeds the 10,000-patient
benchmark clinic (``manage.py seed_benchmark``; an already seeded database is reused), starts two gunicorns with
``gunicorn.conf.py``: the app with production settings (DEBUG off, audit, login, session limits and security
headers on, behind a TLS proxy as ``X-Forwarded-Proto`` says) and a plain ``HttpResponse("ok")`` view of the same
Django (``scripts/bench_plain_wsgi.py``). It logs each benchmark staff member in through the login form and drives
``wrk`` with a Lua script that sends the session cookie and, for the patient page, a random patient of the clinic
on every request. For each page it prints requests per second, the ratio to the plain view measured in the same
run (before and after the pages, averaged), p50 and p99 latency, responses that were not 2xx, and the p50 of one
request at a time. Traffic goes to 127.0.0.1 only. A benchmark, not a test: figures depend on the machine.
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
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark-password-2026"
BENCH_CLINIC = "Benchmark Clinic"


@dataclass
class Page:
    label: str
    username: str | None  # None: anonymous
    paths: list
    ratio_target: float | None = None
    p50_target_ms: float | None = None
    server: str = "app"


def pages_to_measure(patient_ids):
    """What is measured, with the targets of issue 14 (ratio to the plain view; p50 of one request at a time)."""
    return [
        Page("plain Django view (second gunicorn)", None, ["/"], server="plain"),
        Page("/healthz of the app (no session)", None, ["/healthz"]),
        # The floor of every logged-in page: session, user and roles, the middleware, a small template; no
        # patient data, so no audit entry.
        Page("floor: logged in, no patient data (password change form)", "bench.clinician",
             ["/accounts/password/change/"]),
        Page("home: clinician (caseload 10,000)", "bench.clinician", ["/"], 0.10, 50),
        Page("home: peer specialist", "bench.peer", ["/"], 0.10, 50),
        Page("home: case manager", "bench.casemanager", ["/"], 0.10, 50),
        Page("home: clinic admin", "bench.admin", ["/"], 0.10, 50),
        Page("case manager's queue", "bench.casemanager", ["/queue/case-manager/"], 0.10),
        Page("patient page (random patients)", "bench.clinician", [f"/patients/{p}/" for p in patient_ids], 0.20, 30),
        Page("patient list", "bench.clinician", ["/patients/"], 0.15),
        Page("patient list, filtered: Stop 5 needs attention", "bench.clinician",
             ["/patients/?status=stop5-needs-attention"], 0.15),
        Page("clinic overview (last 90 days)", "bench.admin", ["/overview/"], 0.05, 150),
    ]


# Setup ---------------------------------------------------------------------------------------------------

def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install Debian's wrk (apt-get install wrk) or run this as root.")
    print("Installing Debian's wrk")
    apt = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=apt)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=apt, stdout=subprocess.DEVNULL)


def ensure_database(url):
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def patient_ids(url):
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT p.public_id FROM patients_patient p JOIN patients_clinic c ON c.id = p.clinic_id "
                            "WHERE c.name = %s ORDER BY p.id", [BENCH_CLINIC]).fetchall()
    return [str(row[0]) for row in rows]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A gunicorn started with gunicorn.conf.py on a free port; its log goes to a file."""

    def __init__(self, wsgi, env, workers, log_dir, name, extra_args=()):
        self.port = free_port()
        self.log_path = Path(log_dir) / f"{name}.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), *extra_args, wsgi],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            env=dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS=str(workers)),
        )

    def wait(self, path):
        for _ in range(300):
            try:
                status, _, _ = request(self.port, "GET", path)
                if status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise SystemExit(f"gunicorn did not start:\n{self.log_path.read_text()[-3000:]}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={**PROXY_HEADERS, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.msg.get_all("Set-Cookie") or [], response.read().decode()
    finally:
        conn.close()


def cookies_from(set_cookie_headers):
    jar = {}
    for header in set_cookie_headers:
        parsed = SimpleCookie()
        parsed.load(header)
        jar.update({name: morsel.value for name, morsel in parsed.items()})
    return jar


def log_in(port, username):
    """Log in through the login form, as a browser behind the TLS proxy would; returns the Cookie header."""
    status, set_cookie, page = request(port, "GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    csrf = cookies_from(set_cookie)["csrftoken"]
    origin = f"https://127.0.0.1:{port}"
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    status, set_cookie, _ = request(port, "POST", "/accounts/login/", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
        "Origin": origin, "Referer": origin + "/accounts/login/"})
    session = cookies_from(set_cookie).get("sessionid")
    if status != 302 or not session:
        raise SystemExit(f"could not log in as {username} (HTTP {status})")
    return f"sessionid={session}; csrftoken={csrf}"


# wrk -----------------------------------------------------------------------------------------------------

LUA = """
local paths = {%(paths)s}
local headers = {%(headers)s}
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  non2xx = 0
  math.randomseed(id * 7919)
end
function request()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), bad, e.connect + e.read + e.write + e.timeout))
end
"""


def lua_string(text):
    return json.dumps(text)  # a JSON string of ASCII is a valid Lua string literal


def write_lua(path, paths, cookie):
    headers = dict(PROXY_HEADERS)
    if cookie:
        headers["Cookie"] = cookie
    Path(path).write_text(LUA % {
        "paths": ", ".join(lua_string(p) for p in paths),
        "headers": ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()),
    })


def wrk(port, script, seconds, connections, threads):
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                          "-s", script, f"http://127.0.0.1:{port}/"], capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
    requests, duration_us, p50_us, p99_us, non2xx, socket_errors = map(int, line.split()[1:])
    return {"rps": requests / (duration_us / 1e6), "requests": requests, "p50": p50_us / 1000, "p99": p99_us / 1000,
            "non2xx": non2xx, "socket_errors": socket_errors}


# Main ----------------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/maud_bench")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers of each server")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--seconds", type=int, default=10, help="wrk run per page")
    parser.add_argument("--alone-seconds", type=int, default=5, help="the one-request-at-a-time run per page")
    parser.add_argument("--only", help="measure only pages whose label contains this text (and the plain view)")
    args = parser.parse_args()

    ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env = {
        **os.environ, "DATABASE_URL": args.database_url, "DJANGO_SETTINGS_MODULE": "maud_pathways.settings",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnop", "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "1", "STATIC_ROOT": str(work / "static"), "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    python = sys.executable
    ensure_database(args.database_url)
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"],
                    ["seed_benchmark", "--patients", str(args.patients)]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    ids = patient_ids(args.database_url)
    pages = pages_to_measure(ids)
    if args.only:
        pages = [p for p in pages if p.server == "plain" or args.only in p.label]

    load_before = os.getloadavg()
    app = Server("maud_pathways.wsgi", env, args.workers, work, "app")
    plain = Server("bench_plain_wsgi", env, args.workers, work, "plain", ["--chdir", str(ROOT / "scripts")])
    results = {}
    try:
        app.wait("/healthz")
        plain.wait("/")
        cookies = {}
        for page in pages:
            if page.username and page.username not in cookies:
                cookies[page.username] = log_in(app.port, page.username)
        scripts = {}
        for n, page in enumerate(pages):
            scripts[page.label] = str(work / f"page{n}.lua")
            write_lua(scripts[page.label], page.paths, cookies.get(page.username))

        def run(page, seconds, connections, threads):
            server = plain if page.server == "plain" else app
            return wrk(server.port, scripts[page.label], seconds, connections, threads)

        for page in pages:  # warm every worker: templates, URL resolver, connections
            run(page, 1, args.connections, args.threads)
        plain_page = pages[0]
        plain_before = run(plain_page, args.seconds, args.connections, args.threads)
        for page in pages[1:]:
            results[page.label] = run(page, args.seconds, args.connections, args.threads)
            print(f"  {page.label}: {results[page.label]['rps']:.1f} requests/s", file=sys.stderr)
        plain_after = run(plain_page, args.seconds, args.connections, args.threads)
        alone = {page.label: run(page, args.alone_seconds, 1, 1) for page in pages}
    finally:
        app.stop()
        plain.stop()
    load_after = os.getloadavg()

    plain_rps = (plain_before["rps"] + plain_after["rps"]) / 2
    results = {plain_page.label: {**plain_before, "rps": plain_rps}, **results}
    print(f"\n{len(ids):,} patients; wrk {args.threads} threads, {args.connections} connections, {args.seconds} s per "
          f"page; gunicorn {args.workers} workers each; PostgreSQL; production settings; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} CPUs; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min)")
    print(f"plain view: {plain_before['rps']:.0f} requests/s before the pages, {plain_after['rps']:.0f} after; "
          f"ratios use the mean, {plain_rps:.0f}\n")
    print("| page | requests/s | ratio to plain | p50 ms | p99 ms | non-2xx | p50 ms, one at a time | target |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    failed = []
    for page in pages:
        r, a = results[page.label], alone[page.label]
        ratio = r["rps"] / plain_rps
        target = []
        if page.ratio_target is not None:
            met = ratio >= page.ratio_target
            target.append(f"ratio ≥ {page.ratio_target:.2f}: {'met' if met else '**missed**'}")
            if not met:
                failed.append(f"{page.label}: ratio {ratio:.3f}")
        if page.p50_target_ms is not None:
            met = a["p50"] <= page.p50_target_ms
            target.append(f"p50 ≤ {page.p50_target_ms:g} ms: {'met' if met else '**missed**'}")
            if not met:
                failed.append(f"{page.label}: p50 {a['p50']:.1f} ms")
        print(f"| {page.label} | {r['rps']:.1f} | {ratio:.3f} | {r['p50']:.1f} | {r['p99']:.1f} | "
              f"{r['non2xx'] + r['socket_errors']} | {a['p50']:.1f} | {'; '.join(target)} |")
    if failed:
        print("\nTargets missed: " + "; ".join(failed))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
