"""The case manager's queue page."""

from django.shortcuts import render

from patients import audit
from patients.access import role_required
from patients.models import Role

from ..queue import NO_PROGRESS_DAYS, case_manager_queue


@role_required(Role.CASE_MANAGER)
@audit.lists_patients("case manager's queue")
def case_manager_queue_view(request):
    return render(request, "referrals/case_manager_queue.html", {
        "queue": case_manager_queue(request.user),
        "no_progress_days": NO_PROGRESS_DAYS,
    })
