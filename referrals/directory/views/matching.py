"""A patient's matching preferences and "find options" (Stop 4)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from patients.access import clinic_staff_required, patient_for_request
from patients.models import Patient, Role

from ..forms import MatchingPreferencesForm
from ..matching import drinking_goal_and_maud
from ..services import matches_for, preferences_of, save_preferences

#: Who refers (the care roles; Stop 3's views check the same when the referral is posted).
REFERRING_ROLES = (Role.PEER_SPECIALIST, Role.CLINICIAN, Role.CASE_MANAGER)


@clinic_staff_required
def preferences_edit(request, public_id):
    patient = patient_for_request(request, public_id, queryset=Patient.objects.with_plan_status())
    preferences = preferences_of(patient)
    form = MatchingPreferencesForm(request.POST or None, instance=preferences,
                                   plan=drinking_goal_and_maud(patient, preferences),
                                   plan_url=reverse("patients:plan", args=[patient.public_id]))
    if request.method == "POST" and form.is_valid():
        save_preferences(form.save(commit=False), by=request.user)
        messages.success(request, _("Matching preferences saved."))
        return redirect("referrals:find_options", public_id=patient.public_id)
    return render(request, "referrals/preferences_form.html", {"patient": patient, "form": form},
                  status=400 if request.method == "POST" else 200)


@clinic_staff_required
def find_options(request, public_id):
    patient = patient_for_request(
        request, public_id, queryset=Patient.objects.select_related("clinic").with_plan_status())
    matches = matches_for(patient)
    for option in matches.options.programs:
        option.item.welcome_rating = matches.ratings.for_program(option.item.pk)
    for option in matches.options.meetings:
        option.item.welcome_rating = matches.ratings.for_meeting(option.item.pk)
    return render(request, "referrals/find_options.html", {
        "patient": patient, "preferences": matches.preferences, "needs": matches.needs, "options": matches.options,
        "can_refer": request.user.has_role(*REFERRING_ROLES),
    })
