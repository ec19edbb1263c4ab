import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.urls import reverse

from . import limits, sessions, two_factor

IDLE_MESSAGE = "For privacy you were logged out after {minutes} minutes without activity. Please log in again."
ABSOLUTE_MESSAGE = "Your session reached its {hours}-hour limit. Please log in again."


def _login_redirect(request):
    login_url = resolve_url(settings.LOGIN_URL)
    if request.method == "GET":
        return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
    return redirect(login_url)


class SessionTimeoutMiddleware:
    """Log staff out after ``SESSION_IDLE_TIMEOUT`` seconds without a request, and after the absolute
    limit ``SESSION_COOKIE_AGE``, whatever the browser does. The session-status URL (polled by the
    idle warning) does not count as activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            reason = sessions.expiry_reason(request.session, now)
            if reason is not None:
                logout(request)
                if reason == sessions.IDLE:
                    text = IDLE_MESSAGE.format(minutes=round(settings.SESSION_IDLE_TIMEOUT / 60))
                else:
                    text = ABSOLUTE_MESSAGE.format(hours=round(settings.SESSION_COOKIE_AGE / 3600))
                messages.info(request, text)
                if request.path not in (resolve_url(settings.LOGIN_URL), reverse("security:session_status")):
                    return _login_redirect(request)
            elif request.path != reverse("security:session_status"):
                sessions.record_activity(request, now)
        return self.get_response(request)


class TwoFactorMiddleware:
    """Staff with two-factor on verify a code after their password before any page; when two-factor is
    required for them (their clinic requires it, or their account can open Django admin), staff without it are
    sent to set it up before any page, Django admin included."""

    VERIFY_PATHS = ("security:two_factor_verify", "logout", "security:session_status",
                    "security:session_keepalive")
    ENROL_PATHS = ("security:two_factor_setup", "security:confirm_password",
                   "logout", "security:session_status", "security:session_keepalive")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not two_factor.is_verified(request):
            enrolled = request.session.get(two_factor.ENROLLED_KEY)
            if enrolled is None:
                enrolled = two_factor.has_two_factor(user)
                two_factor.remember_status(request, enrolled)
            if enrolled:
                if request.path not in {reverse(name) for name in self.VERIFY_PATHS}:
                    return self._send_to("security:two_factor_verify", request)
            elif two_factor.requirement(user):
                if request.path not in {reverse(name) for name in self.ENROL_PATHS}:
                    return self._send_to("security:two_factor_setup", request)
        return self.get_response(request)

    @staticmethod
    def _send_to(name, request):
        url = reverse(name)
        if request.method == "GET" and request.path != "/":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


class KnownBrowserMiddleware:
    """Writes the "known browser" cookie after a successful password (``limits.record_success``), whichever
    login page it was typed into."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return limits.set_known_browser_cookie(request, self.get_response(request))
