"""Who may do what. The patient scoping rule itself lives in ``PatientQuerySet.visible_to``."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def clinic_staff_required(view):
    """Logged in and attached to a clinic (superusers without a clinic use Django admin)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.clinic_id is None:
            raise PermissionDenied("This page is for clinic staff.")
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*roles):
    """Clinic staff holding at least one of ``roles``; others get 403."""

    def decorator(view):
        @clinic_staff_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
