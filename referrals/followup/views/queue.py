"""The case manager's queue page."""

from django.shortcuts import render

from patients.access import role_required
from patients.models import Role

from ..queue import NO_PROGRESS_DAYS, PAGE_SIZE, case_manager_queue

#: Each part of the queue pages on its own: ``?follow_ups=2`` is the second page of follow-ups.
PARTS = ("follow_ups", "barriers", "stalled_referrals")


def _page_number(value):
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return 1


@role_required(Role.CASE_MANAGER)
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


def _query(pages, part, page):
    """The query string of the queue with ``part`` on ``page`` and the other parts where they are."""
    chosen = {**pages, part: page}
    return "?" + "&".join(f"{name}={number}" for name, number in chosen.items() if number > 1)
