"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py maud_pathways.wsgi`."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Access log without query strings: searches may carry patient names.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Once a worker has loaded the app: the objects loaded with it (Django, the URL conf, models, about 165,000)
    live as long as the worker, so they are moved out of the garbage collector's way. Otherwise each full collection
    walked them all (175 ms, about once every 150 patient pages, measured through the test client)."""
    import gc

    gc.collect()
    gc.freeze()
