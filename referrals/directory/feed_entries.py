"""One Meeting Guide entry → the values of a Meeting, by the rules of the format's specification.

The specification is the README of github.com/code4recovery/spec; comments name its sections ("spec, Required
Fields") so each rule can be checked against it. Where the specification is silent, the rules accept what real
feeds publish (most come from the 12 Step Meeting List plugin, "TSML", whose fields such as ``attendance_option``
are not in the specification).

How a meeting can be attended (``attendance_for``):

==============================================  ==========================================================
the entry                                        stored as
==============================================  ==========================================================
``TC`` (location temporarily closed) + link      online (the address is kept: the place it will return to)
``TC``, no link                                  not meeting for now
link + an address that is a place to meet        in person and online (hybrid)
link, and no address or only an approximate one  online
no link, an address that is a place to meet      in person (not meeting for now when the feed's
                                                 ``attendance_option`` says "inactive")
no link, only an approximate address, or said    not meeting for now (spec: an online meeting needs a link
to be online (``ONL``, ``attendance_option``)    or a phone number "to be considered active")
nothing: no address, no link, nothing said       rejected: no place to meet
==============================================  ==========================================================

"Link" is a ``conference_url`` or a ``conference_phone``. Whether an address is only approximate: the feed's
``approximate`` ("yes"/"no") when given; else its ``attendance_option`` ("online" means the address is not a place
to meet; "hybrid" and "in_person" that it is); else, only for an entry with a link, the shape of the address (a
street line with a house number is a place; "Chicago, IL, USA" is not). An entry without a link and without those
flags is taken as in person: a rural hall with no house number must not be lost.
"""

import datetime
import re
import zoneinfo
from functools import cache
from urllib.parse import urlsplit

from django.utils import timezone

from . import type_codes
from .models import Meeting, MeetingAttendance


class EntryInvalid(Exception):
    """One entry cannot be imported; the message says why, in words."""


# spec, Required Fields → "name": 255 characters at most.
NAME_MAX = 255
# spec, Required Fields → "slug": unique in the feed, URL-safe, no spaces or special characters, integers allowed;
# it "should" be 64 characters at most. That is advice, not a limit: real feeds carry longer ones (WordPress post
# slugs run to 200; one real feed had 98 of 2,038 meetings over 64), so up to 255 are accepted. ``%`` is allowed
# for the percent-encoded letters WordPress puts in slugs of non-English names.
SLUG_MAX = 255
SLUG_RE = re.compile(r"^[A-Za-z0-9._~%-]+$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")

# The specification sets no length for these; the columns are generous so real feeds fit.
MAX_LENGTHS = {
    "location_name": 255, "formatted_address": 500, "conference_url": 2000, "conference_phone": 120,
    "group_name": 255, "website": 2000, "type_codes": 400, "languages": 300,
}
REGION_SHOWN_MAX = 120  # the joined regions as shown to staff; the feed's own values are kept whole

# TSML's ``attendance_option`` (not in the specification; read, never stored: the export writes it from the
# meeting's format).
ATTENDANCE_OPTIONS = {"in_person", "hybrid", "online", "inactive"}

# Meeting Guide fields with no column of their own, kept exactly as the feed gives them and exported back.
KEPT_FIELDS = (
    # spec, Region Fields: "region" and "sub_region", or "regions" (most general first).
    "region", "sub_region", "regions",
    # spec, Optional Fields.
    "group_notes", "venmo", "square", "paypal", "homegroup_online", "edit_url", "feedback_emails", "feedback_url",
    # spec, Service Entity Fields (its example writes "entity_url"; its list "entity_website_url": both are kept).
    "entity", "entity_email", "entity_location", "entity_logo", "entity_phone", "entity_url", "entity_website_url",
    # spec, Contact Fields.
    *(f"contact_{n}_{part}" for n in (1, 2, 3) for part in ("name", "email", "phone")),
)
# Fields read into the meeting's own columns (or, for "attendance_option", used to decide its format).
READ_FIELDS = frozenset({
    "name", "slug", "day", "time", "end_time", "timezone", "formatted_address", "address", "city", "state",
    "postal_code", "country", "approximate", "location", "location_notes", "latitude", "longitude",
    "conference_url", "conference_url_notes", "conference_phone", "conference_phone_notes", "types", "notes",
    "group", "updated", "url", "attendance_option",
})
SPEC_FIELDS = READ_FIELDS | frozenset(KEPT_FIELDS)


@cache
def known_time_zones():
    return frozenset(zoneinfo.available_timezones())


# Single fields ----------------------------------------------------------------------------------

def _text(entry, key):
    value = entry.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise EntryInvalid(f"“{key}” should be text.")
    return str(value).strip()


def slug_of(entry):
    """The entry's slug (spec, Required Fields → "slug"), or EntryInvalid."""
    value = entry.get("slug")
    if isinstance(value, bool) or value is None or value == "":
        raise EntryInvalid("The meeting has no slug.")
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or not SLUG_RE.match(value.strip()):
        raise EntryInvalid("The slug must be letters, digits, dots, dashes, underscores or tildes, with no spaces.")
    if len(value.strip()) > SLUG_MAX:
        raise EntryInvalid(f"The slug is longer than {SLUG_MAX} characters.")
    return value.strip()


def raw_slug(entry):
    """The slug as written, for the error report, even when it is not a valid slug."""
    if isinstance(entry, dict) and entry.get("slug") not in (None, ""):
        return str(entry["slug"])[:80]
    return ""


def _name(entry):
    name = _text(entry, "name")
    if not name:
        raise EntryInvalid("The meeting has no name.")
    if len(name) > NAME_MAX:  # spec, Required Fields → "name"
        raise EntryInvalid(f"The name is longer than {NAME_MAX} characters.")
    return name


def _days(entry):
    """spec, Time Fields → "day": an integer 0-6 (Sunday to Saturday) or an array of them."""
    value = entry.get("day")
    if value is None or value == "" or value == []:
        return ""
    values = value if isinstance(value, list) else [value]
    days = set()
    for day in values:
        if isinstance(day, bool):
            raise EntryInvalid(f"Invalid day {day!r}: use 0 (Sunday) to 6 (Saturday).")
        if isinstance(day, str) and day.strip().isdigit():
            day = int(day.strip())
        if not isinstance(day, int) or not 0 <= day <= 6:
            raise EntryInvalid(f"Invalid day {day!r}: use 0 (Sunday) to 6 (Saturday).")
        days.add(day)
    return "".join(str(d) for d in sorted(days))


def _time(entry, key):
    """spec, Time Fields → "time", "end_time": "HH:MM", 24-hour (seconds, which real feeds add, are accepted)."""
    value = entry.get(key)
    if value is None or value == "":
        return None
    match = TIME_RE.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        raise EntryInvalid(f"Invalid {'start time' if key == 'time' else 'end time'} {value!r}: use HH:MM (24-hour).")
    return datetime.time(int(match.group(1)), int(match.group(2)))


def _time_zone(entry, default):
    value = entry.get("timezone")
    if value is None or value == "":
        return default
    if not isinstance(value, str) or value.strip() not in known_time_zones():
        raise EntryInvalid(f"Unknown time zone {value!r}: use a name such as America/Chicago.")
    return value.strip()


def _updated(entry):
    value = entry.get("updated")
    if value is None or value == "":
        return None
    try:
        moment = datetime.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise EntryInvalid(f"Invalid “updated” {value!r}: use YYYY-MM-DD HH:MM:SS (UTC).") from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def _coordinate(entry, key, limit):
    value = entry.get(key)
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise EntryInvalid(f"Invalid {key} {value!r}.") from None
    if isinstance(value, bool) or not -limit <= number <= limit:
        raise EntryInvalid(f"Invalid {key} {value!r}.")
    return number


def _types(entry):
    value = entry.get("types")
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        raise EntryInvalid("“types” should be a list of codes.")
    codes = []
    for code in value:
        if not isinstance(code, str) or not code.strip() or "," in code:
            raise EntryInvalid(f"Invalid type code {code!r}.")
        code = code.strip()
        if code not in codes:
            codes.append(code)
    return codes


def _url(value, label):
    """A plain check (scheme, host, no spaces): quick enough for feeds of thousands of meetings."""
    if not value:
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or " " in value \
            or "." not in parts.hostname:
        raise EntryInvalid(f"The {label} {value!r} is not a web address (http or https).")
    return value


def _address(entry):
    """spec, Geographic Fields: ``formatted_address``, or ``address``, ``city``, ``state``, ``postal_code``,
    ``country``. Returns (the address as one line, whether a street line was given as its own field)."""
    address = _text(entry, "formatted_address")
    if address:
        return address, None
    street, city, state = _text(entry, "address"), _text(entry, "city"), _text(entry, "state")
    postal, country = _text(entry, "postal_code"), _text(entry, "country")
    state_line = " ".join(p for p in [state, postal] if p)
    return ", ".join(p for p in [street, city, state_line, country] if p), bool(street)


def _yes_no(value):
    """spec, Optional Fields → "approximate": a "stringified boolean", "yes" or "no" (true/false accepted)."""
    text = str(value).strip().lower() if value is not None else ""
    if text in ("yes", "true", "1"):
        return True
    if text in ("no", "false", "0"):
        return False
    return None


def _attendance_option(entry):
    value = entry.get("attendance_option")
    text = str(value).strip().lower().replace("-", "_").replace(" ", "_") if isinstance(value, str) else ""
    return text if text in ATTENDANCE_OPTIONS else ""


# A part of the address that starts with a house number ("4953 W Addison St"), or a street name followed by one
# ("Hauptstraße 12"; a word of four letters or more, so "IL 62701" is not taken for one).
HOUSE_NUMBER_FIRST = re.compile(r"^\d+[A-Za-z]?(?:[-/]\d+[A-Za-z]?)?\s+\S")
HOUSE_NUMBER_LAST = re.compile(r"[^\W\d]{4,}\.?\s+\d+[A-Za-z]?$")


def looks_like_a_place(address, street_given=None):
    """Whether an address names a place to meet rather than only a town or area (for an entry with a link and no
    ``approximate`` or ``attendance_option``). A separate street line (``address``) is a place; a one-line address
    is one when a part of it carries a house number."""
    if street_given is not None:
        return street_given
    return any(HOUSE_NUMBER_FIRST.match(part) or HOUSE_NUMBER_LAST.search(part)
               for part in (p.strip() for p in address.split(",")))


def attendance_for(*, has_link, address, street_given, approximate, attendance_option, codes):
    """How the meeting can be attended (the table in this module's docstring): (attendance, address approximate).

    spec, Geographic Fields: online meetings may have an approximate address; in-person meetings must have a
    specific one. spec, Online Meeting Fields: an online meeting needs a ``conference_url`` or
    ``conference_phone`` to be active. spec, Meeting Types: ``TC`` is "Location Temporarily Closed"."""
    if approximate is None:
        if attendance_option in ("online", "hybrid", "in_person"):
            approximate = attendance_option == "online"
        else:
            approximate = has_link and not looks_like_a_place(address, street_given)
    approximate = bool(address) and approximate
    place = bool(address) and not approximate
    said_online = type_codes.ONLINE in codes or attendance_option in ("online", "hybrid")
    if type_codes.TEMPORARILY_CLOSED in codes:
        attendance = MeetingAttendance.ONLINE if has_link else MeetingAttendance.NOT_MEETING
    elif has_link:
        attendance = MeetingAttendance.HYBRID if place else MeetingAttendance.ONLINE
    elif place:
        attendance = MeetingAttendance.NOT_MEETING if attendance_option == "inactive" else MeetingAttendance.IN_PERSON
    elif address or said_online or attendance_option == "inactive":
        attendance = MeetingAttendance.NOT_MEETING
    else:
        raise EntryInvalid("No place to meet: give a street address, or an online link or phone number.")
    return attendance, approximate


def _kept_value(value):
    """A kept field's value as stored: text, a number or true/false, or a list of those; None when empty or not
    storable (an object, or text with a NUL character, which PostgreSQL cannot store)."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):
        return None if "\x00" in value else value
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, list) and all(isinstance(v, (str, bool, int, float)) for v in value):
        return None if any(isinstance(v, str) and "\x00" in v for v in value) else value
    return None


def kept_fields(entry):
    """The Meeting Guide fields with no column of their own, exactly as the entry gives them (empty ones left out)."""
    kept = {}
    for key in KEPT_FIELDS:
        if key in entry:
            value = _kept_value(entry[key])
            if value is not None:
                kept[key] = value
    return kept


def fields_not_kept(entry):
    """Keys of the entry that are not kept: fields that are not Meeting Guide fields (another system's ids, such
    as TSML's ``location_id``, which mean nothing outside it), and kept fields whose value is not text, a number or
    a list of those."""
    return [key for key, value in entry.items()
            if key not in SPEC_FIELDS
            or (key in KEPT_FIELDS and value not in (None, "", []) and _kept_value(value) is None)]


def region_label(kept):
    """The regions as one line for staff ("Illinois › Chicago › Wicker Park"), most general first.

    spec, Region Fields: ``regions`` (an array; a Google Sheet separates them with ">") replaces ``region`` and
    ``sub_region``."""
    regions = kept.get("regions")
    if isinstance(regions, str):
        regions = regions.split(">")
    if isinstance(regions, list) and regions:
        parts = [str(r).strip() for r in regions]
    else:
        parts = [str(kept.get(key, "")).strip() for key in ("region", "sub_region")]
    label = " › ".join(p for p in parts if p)
    return label if len(label) <= REGION_SHOWN_MAX else label[:REGION_SHOWN_MAX - 1] + "…"


# The whole entry ---------------------------------------------------------------------------------

def clean_entry(entry, *, default_time_zone):
    """Turn one feed entry into the values of a Meeting, or raise EntryInvalid with the reason."""
    if not isinstance(entry, dict):
        raise EntryInvalid("The entry is not a meeting object.")
    name = _name(entry)
    days = _days(entry)
    start_time = _time(entry, "time")
    if days and start_time is None:
        raise EntryInvalid("The meeting has a day but no start time.")
    codes = _types(entry)
    conference_url = _url(_text(entry, "conference_url"), "online link (conference_url)")
    conference_phone = _text(entry, "conference_phone")
    address, street_given = _address(entry)
    attendance, approximate = attendance_for(
        has_link=bool(conference_url or conference_phone), address=address, street_given=street_given,
        approximate=_yes_no(entry.get("approximate")), attendance_option=_attendance_option(entry), codes=codes)
    extras = kept_fields(entry)
    values = {
        "name": name,
        "days": days,
        "start_time": start_time,
        "end_time": _time(entry, "end_time"),
        "time_zone": _time_zone(entry, default_time_zone),
        "location_name": _text(entry, "location"),
        "formatted_address": address,
        "address_approximate": approximate,
        "location_notes": _text(entry, "location_notes"),
        "region": region_label(extras),
        "latitude": _coordinate(entry, "latitude", 90),
        "longitude": _coordinate(entry, "longitude", 180),
        "conference_url": conference_url,
        "conference_url_notes": _text(entry, "conference_url_notes"),
        "conference_phone": conference_phone,
        "conference_phone_notes": _text(entry, "conference_phone_notes"),
        "notes": _text(entry, "notes"),
        "group_name": _text(entry, "group"),
        "website": _url(_text(entry, "url"), "meeting's web page (url)"),
        "type_codes": Meeting.wrap(codes),
        "languages": Meeting.wrap(type_codes.languages_for(codes)),
        "attendance": attendance,
        "source_updated": _updated(entry),
        "feed_extras": extras,
    }
    for key, limit in MAX_LENGTHS.items():
        if len(values[key]) > limit:
            raise EntryInvalid(f"“{key.replace('_', ' ')}” is longer than {limit} characters.")
    return values
