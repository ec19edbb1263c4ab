"""Run the app under gunicorn with the production config file, for tests that need a real server."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url, extra_env=None):
    """Start gunicorn (one worker, one thread) on a free port; yields (base_url, read_log)."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "maud_pathways.settings",
        "DEBUG": "1",  # plain static storage: no collectstatic needed for the test
        "SECRET_KEY": "gunicorn-test-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "1",
        **(extra_env or {}),
    }
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "maud_pathways.wsgi"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def read_log():
        log.flush()
        log.seek(0)
        return log.read()

    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # not a page the tests count in the log
                break
            except OSError:  # refused while booting, or a slow first answer (URLError, TimeoutError)
                if process.poll() is not None:
                    raise RuntimeError("gunicorn did not start:\n" + read_log()) from None
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not answer:\n" + read_log())
        yield base, read_log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
