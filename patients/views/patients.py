from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import audit, care_teams
from ..access import clinic_staff_required, patient_for_request
from ..forms import PatientForm
from ..models import CareTeamMember


@clinic_staff_required
def patient_create(request):
    form = PatientForm(request.POST or None, clinic=request.user.clinic)
    if request.method == "POST" and form.is_valid():
        patient = form.save(commit=False)
        patient.created_by = patient.updated_by = request.user
        patient.save()
        audit.record(request, audit.AuditAction.CREATE, patient=patient)
        messages.success(request, _("Patient added."))
        return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "patient": None})


@clinic_staff_required
def patient_edit(request, public_id):
    patient = patient_for_request(request, public_id)
    form = PatientForm(request.POST or None, instance=patient, clinic=request.user.clinic)
    if request.method == "POST" and form.is_valid():
        patient = form.save(commit=False)
        patient.updated_by = request.user
        patient.save()
        messages.success(request, _("Patient details saved."))
        return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})


@clinic_staff_required
@require_POST
def care_team_remove(request, public_id, member_id):
    patient = patient_for_request(request, public_id)
    care_teams.require_care_team_editor(request.user, patient)
    member = get_object_or_404(CareTeamMember.objects.select_related("staff"), pk=member_id, patient=patient)
    who = f"{member.staff} ({member.get_role_display().lower()})"
    if request.POST.get("confirm") != "yes":  # the Remove button asks first; the confirmation posts confirm=yes
        return render(request, "confirm_remove.html", {
            "patient": patient, "title": "Remove from the care team?", "button": "Remove from the care team",
            "question": f"Remove {who} from {patient.display_name}'s care team?",
            "consequence": "They no longer follow this patient here; whose turn each stop is may change.",
            "action": request.path, "back_url": patient.get_absolute_url(), "back_label": "Care team",
        })
    care_teams.remove_member(patient=patient, member=member, by=request.user)
    messages.success(request, _("Removed %(who)s from the care team.") % {"who": who})
    return redirect(patient)
