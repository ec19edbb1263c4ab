from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from patients.models import Patient

from .pathway import STATUS_ICONS, StopStatus, build_pathways, with_pathway
from .queues import clinic_summary, my_patients, queues_for

HOME_PATIENT_LIMIT = 15


@login_required
def home(request):
    """The staff member's work queues, one set per role, then their patients with their pathway at a glance."""
    user = request.user
    if user.clinic_id is None:
        # Superusers without a clinic manage the system in Django admin.
        return redirect("admin:index") if user.is_superuser else render(request, "no_clinic.html", status=403)
    today = timezone.localdate()
    mine = my_patients(user)
    shown = list(with_pathway(mine)[:HOME_PATIENT_LIMIT])
    pathways = build_pathways(shown, today)
    return render(request, "home.html", {
        "today": today,
        "role_queues": queues_for(user, today),
        "summary": clinic_summary(user) if user.is_clinic_admin else None,
        "my_patients": [_patient_row(patient, pathways[patient.pk], user) for patient in shown],
        "several_roles": len(user.roles) > 1,
        "my_patient_count": mine.count(),
        "clinic_patient_count": Patient.objects.visible_to(user).count(),
        "status_icons": STATUS_ICONS.items(),
    })


def _patient_row(patient, pathway, user):
    """A row of "My patients": the pathway at a glance and the next step, the user's own first."""
    mine = [stop for stop in pathway.stops if stop.is_turn_of(user)]
    yours = next((stop for stop in mine if stop.status == StopStatus.NEEDS_ATTENTION), mine[0] if mine else None)
    return {"patient": patient, "pathway": pathway, "yours": yours, "next": yours or pathway.next_stop}


@never_cache
def healthz(request):
    """Liveness probe for load balancers: no database, no session, no patient data."""
    return HttpResponse("ok", content_type="text/plain")
