from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from patients import audit, care_teams
from patients.access import clinic_staff_required
from patients.forms import CareTeamMemberForm
from patients.models import Patient

from .pathway import STATUS_ICONS, StopStatus, build_pathways, with_pathway
from .patient_page import page_context, patient_for_page
from .queues import clinic_summary, my_patients, queues_for

HOME_PATIENT_LIMIT = 15


@login_required
@audit.lists_patients("home page")
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


@clinic_staff_required
def patient_page(request, public_id):
    """The patient page (``patients:detail``): the pathway and a section for each stop."""
    patient = patient_for_page(request, public_id)
    form = CareTeamMemberForm(patient=patient) if care_teams.can_change_care_team(request.user, patient) else None
    return render(request, "pathway/patient/page.html", page_context(
        patient, request.user, timezone.localdate(), care_team_form=form))


@clinic_staff_required
@require_POST
def care_team_add(request, public_id):
    """The care-team form of the patient page (``patients:care_team_add``); a mistake shows the page again.
    Who may add whom is ``patients.care_teams``' rule."""
    patient = patient_for_page(request, public_id)
    care_teams.require_care_team_editor(request.user, patient)
    form = CareTeamMemberForm(request.POST, patient=patient)
    if form.is_valid():
        try:
            member = care_teams.add_member(patient=patient, staff=form.cleaned_data["staff"],
                                           role=form.cleaned_data["role"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request,
                             f"{member.staff} joined the care team as {member.get_role_display().lower()}.")
            return redirect(patient)
    return render(request, "pathway/patient/page.html", page_context(
        patient, request.user, timezone.localdate(), care_team_form=form), status=400)


@never_cache
def healthz(request):
    """Liveness probe for load balancers: no database, no session, no patient data."""
    return HttpResponse("ok", content_type="text/plain")
