import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

PASSWORD_CONFIRMED_KEY = "security_password_confirmed_at"


def mark_password_confirmed(request):
    request.session[PASSWORD_CONFIRMED_KEY] = int(time.time())


def password_recently_confirmed(request):
    confirmed = request.session.get(PASSWORD_CONFIRMED_KEY)
    return confirmed is not None and time.time() - confirmed <= settings.REAUTHENTICATION_MAX_AGE


def recent_password_required(back=None):
    """Ask for the password again unless it was entered in the last few minutes.

    After confirming, the staff member comes back to the page (for a GET) or to the page named by
    ``back`` (for a POST-only action, which they then repeat).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not password_recently_confirmed(request):
                target = reverse(back) if back and request.method != "GET" else request.get_full_path()
                return redirect(f"{reverse('security:confirm_password')}?{urlencode({'next': target})}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
