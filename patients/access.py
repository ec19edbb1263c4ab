"""Who may do what. The patient scoping rule itself lives in ``PatientQuerySet.visible_to``."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .models import Patient


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


def patient_for_request(request, public_id, *, queryset=None):
    """The one way a view loads the patient named in its URL: scoped by ``Patient.objects.visible_to``
    (another clinic's patient, or an unknown id, is a 404), with the care team prefetched so that
    ``patient.has_on_care_team(user)`` asks no query. ``queryset`` adds what the view needs
    (``select_related``, annotations); it is scoped here, never by the caller."""
    queryset = queryset if queryset is not None else Patient.objects.all()
    return Patient.objects.get_visible_or_404(request.user, public_id, queryset=queryset.with_care_team())


def require_care_team(user, patient, message="Only the patient's care team can do this."):
    """403 unless ``user`` is on ``patient``'s care team."""
    if not patient.has_on_care_team(user):
        raise PermissionDenied(message)
