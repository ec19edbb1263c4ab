from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import audit
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
        messages.success(request, "Patient added.")
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
        messages.success(request, "Patient details saved.")
        return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})


@clinic_staff_required
@require_POST
def care_team_remove(request, public_id, member_id):
    patient = patient_for_request(request, public_id)
    member = get_object_or_404(CareTeamMember, pk=member_id, patient=patient)
    with transaction.atomic():
        member.delete()
    messages.success(request, f"{member.staff} left the care team ({member.get_role_display().lower()}).")
    return redirect(patient)
