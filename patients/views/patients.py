from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import audit, care_teams
from ..access import clinic_staff_required, patient_for_request
from ..forms import PatientForm, PatientSearchForm
from ..models import CareTeamMember, Patient


@clinic_staff_required
@audit.lists_patients("patient list")
def patient_list(request):
    form = PatientSearchForm(request.GET or None)
    patients = Patient.objects.visible_to(request.user).with_care_team()
    scope = PatientSearchForm.SCOPE_ALL
    outside_caseload = None
    if form.is_valid():
        data = form.cleaned_data
        outside_caseload = Patient.objects.outside_caseload_by_mrn(request.user, data["q"])
        patients = patients.search(data["q"])
        if data["dob"]:
            patients = patients.filter(date_of_birth=data["dob"])
        scope = data["scope"] or PatientSearchForm.SCOPE_ALL
    elif request.GET:
        patients = patients.none()
    if scope == PatientSearchForm.SCOPE_MINE:
        patients = patients.on_care_team_of(request.user)
    page = Paginator(patients, per_page=settings.PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "patients/patient_list.html", {
        "form": form, "page": page, "scope": scope, "query_string": query.urlencode(),
        "outside_caseload": outside_caseload,
    })


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
    care_teams.require_care_team_editor(request.user, patient)
    member = get_object_or_404(CareTeamMember.objects.select_related("staff"), pk=member_id, patient=patient)
    care_teams.remove_member(patient=patient, member=member, by=request.user)
    messages.success(request, f"{member.staff} left the care team ({member.get_role_display().lower()}).")
    return redirect(patient)
