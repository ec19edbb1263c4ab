"""The plain Django view the page benchmark compares pages with (scripts/bench_pages.py).

    gunicorn -c gunicorn.conf.py --chdir scripts bench_plain_wsgi

The same Django, served by the same gunicorn configuration, answering ``HttpResponse("ok")`` with no middleware,
no database and no templates: how fast this machine serves a Django request at all, in the same run as the pages.
"""

import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="plain-view-benchmark-only",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok)]

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402 (after settings, as Django needs)

application = get_wsgi_application()
