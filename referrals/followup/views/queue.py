"""The case manager's queue page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from patients import audit
from patients.access import role_required
from patients.models import Role

from ..forms import FollowUpSettingsForm
from ..queue import NO_PROGRESS_DAYS, PAGE_SIZE, case_manager_queue

#: Each part of the queue pages on its own: ``?follow_ups=2`` is the second page of follow-ups.
PARTS = ("to_reach", "follow_ups", "barriers", "stalled_referrals")


def _page_number(value):
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return 1


@role_required(Role.CASE_MANAGER)
@audit.lists_patients("case manager's queue")
def case_manager_queue_view(request):
    pages = {part: _page_number(request.GET.get(part)) for part in PARTS}
    queue = case_manager_queue(request.user, offsets={part: (page - 1) * PAGE_SIZE for part, page in pages.items()})
    links = {}
    for part in PARTS:
        shown = getattr(queue, part)
        links[part] = {
            "previous": _query(pages, part, shown.page - 1) if shown.page > 1 else "",
            "next": _query(pages, part, shown.page + 1) if shown.more else "",
        }
    return render(request, "referrals/case_manager_queue.html", {
        "queue": queue, "no_progress_days": NO_PROGRESS_DAYS, "links": links,
    })


@role_required(Role.CLINIC_ADMIN)
def follow_up_settings(request):
    """The clinic's thresholds: days without a reported meeting before a lapse, failed tries before a flag."""
    form = FollowUpSettingsForm(request.POST or None, instance=request.user.clinic)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Follow-up settings saved; the pathway and the queues use them from now on."))
        return redirect("referrals:follow_up_settings")
    return render(request, "referrals/follow_up_settings.html", {"form": form},
                  status=400 if form.errors else 200)
def _query(pages, part, page):
    """The query string of the queue with ``part`` on ``page`` and the other parts where they are."""
    chosen = {**pages, part: page}
    return "?" + "&".join(f"{name}={number}" for name, number in chosen.items() if number > 1)
