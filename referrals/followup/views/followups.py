"""Follow-ups on a patient's meeting participation, and their engagement (Stop 5)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients.access import clinic_staff_required, patient_for_request
from patients.models import Patient

from ...lifecycle import ReferralStatus
from ...support.models import Referral
from ..access import can_work_on_stop5, require_stop5_access
from ..forms import FollowUpLogForm, FollowUpScheduleForm, OutreachAttemptForm
from ..models import FollowUp, FollowUpStatus, patient_engagement
from ..participation import participation_of, with_participation
from ..services import follow_up_log_choices, follow_up_to_log, schedule_follow_up

#: Tries to reach the patient listed on the follow-ups page (the latest first).
ATTEMPTS_SHOWN = 10


def follow_ups_url(patient):
    return reverse("referrals:follow_up_list", args=[patient.public_id])


@clinic_staff_required
def follow_up_list(request, public_id):
    patient = patient_for_request(request, public_id, queryset=with_participation(Patient.objects.all()))
    today = timezone.localdate()
    follow_ups = list(
        patient.follow_ups.select_related("assigned_to", "done_by")
        .prefetch_related("resolved_barriers", "new_barriers",
                          Prefetch("attended_referrals",
                                   queryset=Referral.objects.select_related("program", "meeting")))
    )
    scheduled = sorted((f for f in follow_ups if not f.is_done), key=lambda f: (f.due_on, f.pk))
    return render(request, "referrals/follow_up_list.html", {
        "patient": patient,
        "today": today,
        "scheduled": scheduled,
        "done": [f for f in follow_ups if f.is_done],
        "engagement": patient_engagement(patient, today),
        "participation": participation_of(patient, today),
        "attempts": list(patient.outreach_attempts.select_related("by")[:ATTEMPTS_SHOWN]),
        "can_edit": can_work_on_stop5(request.user, patient),
        "schedule_form": FollowUpScheduleForm(patient=patient, user=request.user),
    })


@clinic_staff_required
def follow_up_log(request, public_id, pk=None):
    """Log a follow-up as done: a scheduled one (``pk``), or one that was not scheduled."""
    patient = patient_for_request(request, public_id)
    today = timezone.localdate()
    if pk is None:
        # An overdue or due-today follow-up is the one being done now, rather than a new one.
        scheduled = FollowUp.objects.due_by(today).filter(patient=patient).order_by("due_on", "pk").first()
    else:
        scheduled = get_object_or_404(FollowUp, pk=pk, patient=patient)
        if scheduled.is_done:
            messages.info(request, _("This follow-up is already logged."))
            return redirect(follow_ups_url(patient))
    require_stop5_access(request.user, patient)
    form = FollowUpLogForm(request.POST or None, instance=follow_up_to_log(patient, scheduled=scheduled),
                           choices=follow_up_log_choices(patient, scheduled=scheduled, today=today),
                           user=request.user, patient=patient)
    if request.method == "POST" and form.is_valid():
        follow_up = form.save(commit=False)
        try:
            next_scheduled = follow_up.record_done(by=request.user, **form.what_happened())
        except ValidationError as error:  # e.g. a referral changed by someone else meanwhile
            form.add_error(None, error.messages)
        else:
            text = _("Follow-up of %(done_on)s saved.") % {
                "done_on": date_format(follow_up.done_on, "MONTH_DAY_FORMAT")}
            for referral, status in follow_up.referral_moves:
                text += " " + _("%(target)s: now “%(status)s”.") % {
                    "target": referral.target_name, "status": ReferralStatus(status).label.lower()}
            if follow_up.judged_barrier:
                text += " " + _("Feeling judged for taking medication: the barrier “%(label)s” is open, owned by "
                                "%(owner)s, and the meeting is marked for review.") % {
                    "label": follow_up.judged_barrier.label, "owner": follow_up.judged_barrier.owner}
            if next_scheduled:
                text += " " + _("Next follow-up: %(due_on)s.") % {
                    "due_on": date_format(next_scheduled.due_on, "DATE_FORMAT")}
            messages.success(request, text)
            return redirect(_safe_next(request) or follow_ups_url(patient))
    return render(request, "referrals/follow_up_form.html", {
        "patient": patient, "form": form, "follow_up": scheduled, "next": _safe_next(request),
    }, status=400 if form.errors else 200)


@clinic_staff_required
def outreach_attempt_new(request, public_id):
    """Log a try to reach the patient that did not reach them (a call nobody answered): no meeting count."""
    patient = patient_for_request(request, public_id)
    require_stop5_access(request.user, patient)
    form = OutreachAttemptForm(request.POST or None, patient=patient, user=request.user)
    if request.method == "POST" and form.is_valid():
        attempt = form.save()
        messages.success(request, _("Logged: %(method)s on %(attempted_at)s did not reach the patient.") % {
            "method": attempt.get_method_display().lower(),
            "attempted_at": date_format(timezone.localtime(attempt.attempted_at), "MONTH_DAY_FORMAT")})
        return redirect(_safe_next(request) or follow_ups_url(patient))
    return render(request, "referrals/outreach_attempt_form.html", {
        "patient": patient, "form": form, "next": _safe_next(request),
    }, status=400 if form.errors else 200)


def _safe_next(request):
    """Only the case manager's queue is an allowed place to return to after saving."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target == reverse("referrals:case_manager_queue") else ""


@clinic_staff_required
def follow_up_schedule(request, public_id):
    patient = patient_for_request(request, public_id)
    require_stop5_access(request.user, patient)
    form = FollowUpScheduleForm(request.POST or None, patient=patient, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = schedule_follow_up(patient, due_on=form.cleaned_data["due_on"],
                                           assigned_to=form.cleaned_data["assigned_to"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Follow-up scheduled for %(due_on)s with %(assigned_to)s.") % {
                "due_on": date_format(follow_up.due_on, "DATE_FORMAT"), "assigned_to": follow_up.assigned_to})
            return redirect(follow_ups_url(patient))
    return render(request, "referrals/follow_up_schedule.html", {"patient": patient, "form": form},
                  status=400 if form.errors else 200)


@clinic_staff_required
@require_POST
def follow_up_cancel(request, public_id, pk):
    patient = patient_for_request(request, public_id)
    follow_up = get_object_or_404(FollowUp, pk=pk, patient=patient, status=FollowUpStatus.SCHEDULED)
    require_stop5_access(request.user, patient)
    follow_up.delete()
    messages.success(request, _("The follow-up of %(due_on)s is cancelled.")
                              % {"due_on": date_format(follow_up.due_on, "DATE_FORMAT")})
    return redirect(follow_ups_url(patient))
