from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from patients.models import Patient
from patients.views.patients import care_team_prefetch

HOME_PATIENT_LIMIT = 15


@login_required
def home(request):
    user = request.user
    if user.clinic_id is None:
        # Superusers without a clinic manage the system in Django admin.
        return redirect("admin:index") if user.is_superuser else render(request, "no_clinic.html", status=403)
    my_patients = (
        Patient.objects.visible_to(user).on_care_team_of(user).prefetch_related(care_team_prefetch())
    )
    return render(request, "home.html", {
        "my_patients": my_patients[:HOME_PATIENT_LIMIT],
        "my_patient_count": my_patients.count(),
        "clinic_patient_count": Patient.objects.visible_to(user).count(),
    })


@never_cache
def healthz(request):
    """Liveness probe for load balancers: no database, no session, no patient data."""
    return HttpResponse("ok", content_type="text/plain")
