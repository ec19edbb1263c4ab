"""The "Add to my calendar" file of a personal link: one event, the meeting, made with ``icalendar``. Its words are
the patient's: make it inside ``patients.languages.patient_material``."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event


def calendar_file(link):
    """The link's meeting as an iCalendar (.ics) file, in the meeting's own time zone; None without a meeting
    time. It names the group, the place or online link, and nothing about the patient or the clinic (nor the
    personal link: calendars are often copied to other devices)."""
    if link.meeting_starts_at is None:
        return None
    meeting = link.meeting
    zone = meeting.zone if meeting is not None and meeting.zone else datetime.UTC
    calendar = Calendar()
    calendar.add("prodid", "-//MAUD Pathways//Personal link//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"personal-link-{link.pk}@maud-pathways")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", link.meeting_starts_at.astimezone(zone))
    event.add("dtend", link.meeting_ends_at.astimezone(zone))
    event.add("summary", meeting.name if meeting is not None else link.referral.program.name)
    where = meeting.formatted_address if meeting is not None and meeting.can_attend_in_person else ""
    if meeting is not None and meeting.location_name and where:
        where = f"{meeting.location_name}, {where}"
    if where:
        event.add("location", where)
    lines = []
    if meeting is not None and meeting.conference_url:
        lines.append(gettext("Join online: %(url)s") % {"url": meeting.conference_url})
        event.add("url", meeting.conference_url)
    if meeting is not None and meeting.conference_phone:
        lines.append(gettext("Join by phone: %(phone)s") % {"phone": meeting.conference_phone})
    if lines:
        event.add("description", "\n".join(lines))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
