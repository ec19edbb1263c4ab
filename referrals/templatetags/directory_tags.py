from django import template
from django.urls import reverse
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("partials/breadcrumbs.html")
def directory_breadcrumbs(*trail):
    """Breadcrumbs for directory pages: Directory › trail (label, URL pairs; the last label stands alone)."""
    crumbs = [("Directory", reverse("referrals:directory") if trail else None)]
    items = list(trail)
    while items:
        label = items.pop(0)
        url = items.pop(0) if items else None
        crumbs.append((label, url))
    return {"crumbs": crumbs}


@register.filter
def start_here(meeting):
    """The meeting's start time on the clock of the active (clinic's) time zone, if its zone differs."""
    zone = timezone.get_current_timezone_name()
    if not meeting.start_time or meeting.time_zone == zone:
        return None
    return meeting.start_time_in(zone)
