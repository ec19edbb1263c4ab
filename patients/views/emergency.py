"""Emergency access pages: stating a reason to open a record outside one's caseload, and the clinic
admin's review of every such access."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import audit, emergency
from ..access import clinic_staff_required, patient_for_request, role_required
from ..models import EmergencyAccess, OutsideCaseload, Patient, Role


@clinic_staff_required
def emergency_access(request, public_id):
    """The "break the glass" form. A patient already in the caseload needs none: straight to their page."""
    try:
        patient = patient_for_request(request, public_id)
    except OutsideCaseload as outside:
        patient = outside.patient
    else:
        return redirect(emergency.safe_next(request, patient.get_absolute_url()))
    next_url = emergency.safe_next(request, patient.get_absolute_url())
    form = emergency.EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        access = emergency.grant(request, patient, form.cleaned_data["reason"])
        until = date_format(timezone.localtime(access.expires_at), "TIME_FORMAT")
        messages.warning(request, _("Emergency access until %(until)s. Your reason was recorded; your clinic admin "
                                    "reviews it.") % {"until": until})
        return redirect(next_url)
    return emergency.break_the_glass_page(request, patient, form, next_url,
                                          status=400 if request.method == "POST" else 200)


def _clinic_grants(request):
    """Grants of the admin's clinic, with whose record it was (named through ``identifiable_by``)."""
    return EmergencyAccess.objects.filter(
        clinic_id=request.user.clinic_id, patient__in=Patient.objects.identifiable_by(request.user),
    )


@role_required(Role.CLINIC_ADMIN)
@audit.lists_patients("emergency-access review")
def emergency_access_list(request):
    grants = _clinic_grants(request).select_related("staff", "patient", "ended_by")
    page = Paginator(grants, per_page=settings.PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    for access in page.object_list:
        access.in_force = access.is_current(now)
    return render(request, "patients/emergency_access_list.html", {
        "page": page, "limited": request.user.clinic.limit_to_caseload, "hours": settings.EMERGENCY_ACCESS_HOURS,
    })


@role_required(Role.CLINIC_ADMIN)
@require_POST
def emergency_access_end(request, pk):
    access = get_object_or_404(_clinic_grants(request).select_related("staff"), pk=pk)
    if access.is_current():
        emergency.end(access, request.user)
        messages.success(request, _("Emergency access of %(staff)s ended.") % {"staff": access.staff})
    else:
        messages.info(request, _("That access had already ended."))
    return redirect("staff:emergency_access")
