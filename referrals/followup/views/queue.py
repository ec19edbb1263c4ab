"""The case manager's queue page."""

from django.contrib import messages
from django.shortcuts import redirect, render

from patients.access import role_required
from patients.models import Role

from ..forms import FollowUpSettingsForm
from ..queue import NO_PROGRESS_DAYS, case_manager_queue


@role_required(Role.CASE_MANAGER)
def case_manager_queue_view(request):
    return render(request, "referrals/case_manager_queue.html", {
        "queue": case_manager_queue(request.user),
        "no_progress_days": NO_PROGRESS_DAYS,
    })


@role_required(Role.CLINIC_ADMIN)
def follow_up_settings(request):
    """The clinic's thresholds: days without a reported meeting before a lapse, failed tries before a flag."""
    form = FollowUpSettingsForm(request.POST or None, instance=request.user.clinic)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Follow-up settings saved; the pathway and the queues use them from now on.")
        return redirect("referrals:follow_up_settings")
    return render(request, "referrals/follow_up_settings.html", {"form": form},
                  status=400 if form.errors else 200)
