"""Who may do what in Stop 2. Patient lookups always go through ``Patient.objects.get_visible_or_404``."""

from django.core.exceptions import PermissionDenied

from patients.models import Patient
from patients.views.patients import care_team_prefetch


def visible_patient(request, public_id):
    """The patient (with care team prefetched), or a 404 for anyone outside the user's clinic."""
    return Patient.objects.get_visible_or_404(
        request.user, public_id, queryset=Patient.objects.select_related("clinic").prefetch_related(
            care_team_prefetch())
    )


def is_on_care_team(user, patient):
    return any(member.staff_id == user.pk for member in patient.care_team.all())


def require_care_team(user, patient):
    """The wellness plan is co-created: anyone on the patient's care team may change it, others only read."""
    if not is_on_care_team(user, patient):
        raise PermissionDenied("Only the patient's care team can change the wellness plan.")
