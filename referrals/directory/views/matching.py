"""A patient's matching preferences and "find options" (Stop 4)."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from patients.access import clinic_staff_required, patient_for_request
from patients.models import Patient

from ..forms import MatchingPreferencesForm
from ..matching import meetings_for_matching, needs_for, rank_options
from ..models import MatchingPreferences, Program


def _preferences(patient):
    return MatchingPreferences.objects.filter(patient=patient).first()


@clinic_staff_required
def preferences_edit(request, public_id):
    patient = patient_for_request(request, public_id)
    preferences = _preferences(patient) or MatchingPreferences(
        patient=patient, language=patient.preferred_language or "English"
    )
    form = MatchingPreferencesForm(request.POST or None, instance=preferences)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            preferences = form.save(commit=False)
            preferences.updated_by = request.user
            preferences.save()
        messages.success(request, "Matching preferences saved.")
        return redirect("referrals:find_options", public_id=patient.public_id)
    return render(request, "referrals/preferences_form.html", {"patient": patient, "form": form},
                  status=400 if request.method == "POST" else 200)


@clinic_staff_required
def find_options(request, public_id):
    patient = patient_for_request(
        request, public_id, queryset=Patient.objects.select_related("clinic").with_signed_goal_and_maud())
    preferences = _preferences(patient)
    needs = needs_for(patient, preferences)
    options = rank_options(needs, Program.objects.all(), meetings_for_matching(patient.clinic_id, needs))
    return render(request, "referrals/find_options.html", {
        "patient": patient, "preferences": preferences, "needs": needs, "options": options,
    })
