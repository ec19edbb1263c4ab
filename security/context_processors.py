from django.conf import settings

from . import sessions


def session_timeout(request):
    """What static/js/session-timeout.js needs to warn before the idle logout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"session_seconds_left": sessions.seconds_left(request.session),
            "session_warning_seconds": settings.SESSION_IDLE_WARNING}
