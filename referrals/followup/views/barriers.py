"""Barriers to mutual support on a patient, and interventions on them (Stop 5)."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients.access import clinic_staff_required, patient_for_request
from patients.request_input import id_or_404

from ..access import can_work_on_stop5, require_stop5_access
from ..forms import BarrierForm, BarrierStatusForm, InterventionForm, InterventionOutcomeForm
from ..models import Intervention, InterventionStatus
from ..services import plan_intervention, record_intervention_outcome


def _barriers_of(patient):
    return (patient.barriers.select_related("noted_by", "owner", "closed_by")
            .prefetch_related(Prefetch("interventions", queryset=Intervention.objects.select_related("owner"))))


def _barrier_or_404(patient, pk):
    return get_object_or_404(_barriers_of(patient), pk=pk)


def barrier_url(barrier):
    return reverse("referrals:barrier_detail", args=[barrier.patient.public_id, barrier.pk])


@clinic_staff_required
def barrier_list(request, public_id):
    patient = patient_for_request(request, public_id)
    barriers = list(_barriers_of(patient))
    return render(request, "referrals/barrier_list.html", {
        "patient": patient,
        "active": [b for b in barriers if not b.is_closed],
        "closed": [b for b in barriers if b.is_closed],
        "can_edit": can_work_on_stop5(request.user, patient),
    })


@clinic_staff_required
def barrier_create(request, public_id):
    patient = patient_for_request(request, public_id)
    require_stop5_access(request.user, patient)
    form = BarrierForm(request.POST or None, patient=patient, user=request.user)
    if request.method == "POST" and form.is_valid():
        barrier = form.save()
        messages.success(request, _("Barrier noted: %(label)s. Pick an intervention below.") % {"label": barrier.label})
        return redirect(barrier_url(barrier))
    return render(request, "referrals/barrier_form.html", {"patient": patient, "form": form},
                  status=400 if form.errors else 200)


@clinic_staff_required
def barrier_detail(request, public_id, pk):
    patient = patient_for_request(request, public_id)
    barrier = _barrier_or_404(patient, pk)
    return _render_detail(request, patient, barrier, BarrierStatusForm(barrier=barrier))


def _render_detail(request, patient, barrier, status_form, status=200):
    return render(request, "referrals/barrier_detail.html", {
        "patient": patient,
        "barrier": barrier,
        "status_form": status_form,
        "suggestions": list(enumerate(barrier.suggestions)),
        "today": timezone.localdate(),
        "can_edit": can_work_on_stop5(request.user, patient),
    }, status=status)


@clinic_staff_required
@require_POST
def barrier_status(request, public_id, pk):
    patient = patient_for_request(request, public_id)
    barrier = _barrier_or_404(patient, pk)
    require_stop5_access(request.user, patient)
    form = BarrierStatusForm(request.POST, barrier=barrier)
    if not form.is_valid():
        return _render_detail(request, patient, barrier, form, status=400)
    with transaction.atomic():
        barrier.set_status(form.cleaned_data["status"], request.user, note=form.cleaned_data["note"])
    messages.success(request, _("Barrier is now “%(status)s”.") % {"status": barrier.get_status_display()})
    return redirect(barrier_url(barrier))


@clinic_staff_required
def intervention_create(request, public_id, pk):
    patient = patient_for_request(request, public_id)
    barrier = _barrier_or_404(patient, pk)
    require_stop5_access(request.user, patient)
    suggestion = None
    index = id_or_404(request.GET.get("suggestion"), "suggestion", zero_ok=True)
    if index is not None:
        try:
            suggestion = barrier.suggestions[index]
        except IndexError:
            raise Http404("No such suggestion.") from None
    form = InterventionForm(request.POST or None, barrier=barrier, user=request.user, suggestion=suggestion)
    if request.method == "POST" and form.is_valid():
        intervention = plan_intervention(form.save(commit=False), by=request.user)
        messages.success(request, _("Intervention added: %(what)s.") % {"what": intervention.what})
        return redirect(barrier_url(barrier))
    return render(request, "referrals/intervention_form.html", {
        "patient": patient, "barrier": barrier, "form": form, "suggestion": suggestion,
    }, status=400 if form.errors else 200)


@clinic_staff_required
def intervention_outcome(request, public_id, pk, intervention_pk):
    patient = patient_for_request(request, public_id)
    barrier = _barrier_or_404(patient, pk)
    intervention = get_object_or_404(barrier.interventions.select_related("owner"), pk=intervention_pk)
    require_stop5_access(request.user, patient)
    form = InterventionOutcomeForm(request.POST or None, intervention=intervention)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record_intervention_outcome(intervention, status=data["status"], completed_on=data["completed_on"],
                                    note=data["outcome_note"], barrier_resolved=data["barrier_resolved"],
                                    by=request.user)
        text = (_("Outcome saved: %(status)s. The barrier is resolved.") if data["barrier_resolved"]
                else _("Outcome saved: %(status)s."))
        messages.success(request, text % {"status": intervention.get_status_display()})
        return redirect(barrier_url(barrier))
    return render(request, "referrals/intervention_outcome.html", {
        "patient": patient, "barrier": barrier, "intervention": intervention, "form": form,
        "InterventionStatus": InterventionStatus,
    }, status=400 if form.errors else 200)
