from django import template
from django.urls import reverse
from django.utils import timezone

from ..models import WEEKDAY_NAMES

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


@register.filter
def days_here(meeting):
    """The meeting's weekdays in the active (clinic's) time zone when its start falls on another day there,
    e.g. "Tue" for a Monday 11 PM meeting in Los Angeles seen from New York; else ""."""
    zone = timezone.get_current_timezone_name()
    if not meeting.start_time or not meeting.days or meeting.day_shift_in(zone) == 0:
        return ""
    return ", ".join(WEEKDAY_NAMES[d][:3] for d in meeting.weekday_numbers_in(zone))
