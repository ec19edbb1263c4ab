"""Login, logout and failed-login receivers: session bookkeeping and the login log.

The log line carries the username and address, never the password (Django hands receivers the
credentials with the password already masked, and we do not log them anyway).
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import sessions, two_factor
from .decorators import mark_password_confirmed
from .models import StaffSession
from .network import client_ip

log = logging.getLogger("security.auth")


@receiver(user_logged_in, dispatch_uid="security_logged_in")
def on_logged_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    sessions.start(request, user)
    two_factor.remember_status(request, two_factor.has_two_factor(user))
    if request.method == "POST" and request.POST.get("password"):
        # A password typed to log in (the product's login page or Django admin's) counts as a fresh
        # re-authentication, so setting up two-factor right after logging in does not ask for it again.
        mark_password_confirmed(request)
    log.info("login succeeded username=%s address=%s", user.get_username(), client_ip(request))


@receiver(user_logged_out, dispatch_uid="security_logged_out")
def on_logged_out(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key:
        StaffSession.objects.filter(session_key=request.session.session_key).delete()
    if user is not None:
        log.info("logout username=%s address=%s", user.get_username(), client_ip(request))


@receiver(user_login_failed, dispatch_uid="security_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    address = client_ip(request) if request is not None else None
    locked = bool(getattr(request, "axes_locked_out", False))
    log.warning("login failed username=%r address=%s%s", username, address, " (locked out)" if locked else "")
