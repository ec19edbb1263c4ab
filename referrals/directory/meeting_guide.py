"""Meeting Guide JSON feeds: import into a clinic's meeting list for one program, and export back.

A feed is a JSON array of meeting objects, each with at least ``name`` and a ``slug`` unique in the feed.
Import rules:

* idempotent: importing the same feed again changes nothing;
* a meeting already in the list is found by its slug and updated when the feed changed it;
* a meeting missing from a new import is marked inactive, never deleted (unless its entry was rejected,
  in which case it is left as it is);
* an invalid entry is reported (index, slug, reason) and skipped; the valid ones are imported;
* unknown type codes are kept (and shown as unknown), never fatal.

The clinic's own fields (e.g. welcoming of medication) are never touched by an import.
"""

import datetime
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from . import type_codes
from .models import Meeting, MeetingAttendance, MeetingImport

SLUG_RE = re.compile(r"^[A-Za-z0-9._~-]{1,64}$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
BATCH_SIZE = 1000
ONLINE_OPTIONS = {"online", "hybrid"}

MAX_LENGTHS = {
    "name": 200, "location_name": 200, "formatted_address": 300, "region": 120, "conference_url": 500,
    "conference_phone": 120, "group_name": 200, "website": 500, "type_codes": 400, "languages": 300,
}


class FeedError(Exception):
    """The file as a whole cannot be read as a Meeting Guide feed; nothing was imported."""


class EntryInvalid(Exception):
    """One entry cannot be imported; the message says why, in words."""


@dataclass
class EntryError:
    index: int
    slug: str
    reason: str

    def as_dict(self):
        return {"index": self.index, "slug": self.slug, "reason": self.reason}


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    rejected: list = field(default_factory=list)
    unknown_codes: set = field(default_factory=set)

    def as_text(self):
        return (f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.deactivated} marked inactive, {len(self.rejected)} rejected")


@cache
def known_time_zones():
    return frozenset(zoneinfo.available_timezones())


# Reading ----------------------------------------------------------------------------------------

def read_feed(raw):
    """Parse feed text or bytes into a list of entries, or raise FeedError."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FeedError("The file is not UTF-8 text, so it cannot be a Meeting Guide JSON feed.") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise FeedError(f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    if not isinstance(data, list):
        raise FeedError("A Meeting Guide feed is a JSON array of meetings; this file holds a single "
                        f"{type(data).__name__ if not isinstance(data, dict) else 'object'} instead.")
    return data


def _text(entry, key):
    value = entry.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise EntryInvalid(f"“{key}” should be text.")
    return str(value).strip()


def _slug(entry):
    value = entry.get("slug")
    if isinstance(value, bool) or value is None or value == "":
        raise EntryInvalid("The meeting has no slug.")
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or not SLUG_RE.match(value.strip()):
        raise EntryInvalid("The slug must be up to 64 letters, digits, dots, dashes or underscores.")
    return value.strip()


def _days(entry):
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


def _formatted_address(entry):
    address = _text(entry, "formatted_address")
    if address:
        return address
    street, city, state = _text(entry, "address"), _text(entry, "city"), _text(entry, "state")
    postal, country = _text(entry, "postal_code"), _text(entry, "country")
    state_line = " ".join(p for p in [state, postal] if p)
    return ", ".join(p for p in [street, city, state_line, country] if p)


def _region(entry):
    regions = entry.get("regions")
    if isinstance(regions, list) and regions:
        return " › ".join(str(r).strip() for r in regions if str(r).strip())
    return " › ".join(p for p in [_text(entry, "region"), _text(entry, "sub_region")] if p)


def clean_entry(entry, *, default_time_zone):
    """Turn one feed entry into the values of a Meeting, or raise EntryInvalid with the reason."""
    if not isinstance(entry, dict):
        raise EntryInvalid("The entry is not a meeting object.")
    name = _text(entry, "name")
    if not name:
        raise EntryInvalid("The meeting has no name.")
    days = _days(entry)
    start_time = _time(entry, "time")
    if days and start_time is None:
        raise EntryInvalid("The meeting has a day but no start time.")
    codes = _types(entry)
    conference_url = _url(_text(entry, "conference_url"), "online link (conference_url)")
    conference_phone = _text(entry, "conference_phone")
    has_online = bool(conference_url or conference_phone)
    said_online = (type_codes.ONLINE in codes
                   or str(entry.get("attendance_option") or "").strip().lower() in ONLINE_OPTIONS)
    if said_online and not has_online:
        raise EntryInvalid("An online meeting needs a link (conference_url) or a phone number (conference_phone).")
    address = _formatted_address(entry)
    approximate = str(entry.get("approximate") or "").strip().lower() == "yes"
    has_place = bool(address) and not approximate and type_codes.TEMPORARILY_CLOSED not in codes
    if has_online and has_place:
        attendance = MeetingAttendance.HYBRID
    elif has_online:
        attendance = MeetingAttendance.ONLINE
    elif address and not approximate:
        attendance = MeetingAttendance.IN_PERSON
    else:
        raise EntryInvalid("No place to meet: give an address, or an online link or phone number.")
    values = {
        "name": name,
        "days": days,
        "start_time": start_time,
        "end_time": _time(entry, "end_time"),
        "time_zone": _time_zone(entry, default_time_zone),
        "location_name": _text(entry, "location"),
        "formatted_address": address,
        "location_notes": _text(entry, "location_notes"),
        "region": _region(entry),
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
    }
    for key, limit in MAX_LENGTHS.items():
        if len(values[key]) > limit:
            raise EntryInvalid(f"“{key.replace('_', ' ')}” is longer than {limit} characters.")
    return values


# Importing --------------------------------------------------------------------------------------

def _no_progress(iterable):
    return iterable


def feed_name(clinic, program, given, file_name):
    """The name an import goes under: the one given; else the program's only feed in this clinic (a fresh
    download of the same feed updates it); else the file's name (a new feed)."""
    if given:
        return given[:200]
    names = list(Meeting.objects.filter(clinic=clinic, program=program, added_by_hand=False)
                 .order_by().values_list("source", flat=True).distinct()[:2])
    return names[0] if len(names) == 1 and names[0] else file_name[:200]


@transaction.atomic
def import_feed(entries, *, clinic, program, source, imported_by=None, progress=_no_progress):
    """Import parsed feed entries into ``clinic``'s meetings of ``program``; return the MeetingImport record.

    A program can have several feeds (a local intergroup's and an online one), each known by its ``source``
    name: an import adds and updates its own meetings and marks inactive only its own missing ones. A slug
    that belongs to another feed's meeting, or to one added by hand, is rejected.

    ``progress`` wraps the entry loop (the management command passes a progress bar).
    Bulk operations keep it fast: one query to read the current list, then batched inserts and updates.
    """
    if program.clinic_id not in (None, clinic.pk):
        raise ValueError("A program of another clinic's own cannot hold this clinic's meetings.")
    summary = ImportSummary()
    now = timezone.now()
    existing = {m.slug: m for m in Meeting.objects.filter(clinic=clinic, program=program)}
    seen = {}
    protected = set()  # slugs of rejected entries: their stored meeting is left alone
    to_create, to_update = [], []
    for index, entry in enumerate(progress(entries)):
        slug = ""
        try:
            slug = _slug(entry) if isinstance(entry, dict) else ""
            if slug in seen:
                raise EntryInvalid(f"Duplicate slug: entry {seen[slug]} already uses it.")
            if slug in existing and existing[slug].added_by_hand:
                raise EntryInvalid("The clinic added a meeting by hand with this slug; it was left as it is.")
            if slug in existing and existing[slug].source != source:
                raise EntryInvalid(f"A meeting of the feed “{existing[slug].source}” has this slug; it was left "
                                   "as it is. To update that feed, import it under its own name.")
            values = clean_entry(entry, default_time_zone=clinic.time_zone)
        except EntryInvalid as exc:
            if slug and slug not in seen:
                protected.add(slug)
            summary.rejected.append(EntryError(index, slug or _raw_slug(entry), str(exc)))
            continue
        seen[slug] = index
        summary.unknown_codes.update(c for c in values["type_codes"].split(",") if c and not type_codes.is_known(c))
        meeting = existing.get(slug)
        if meeting is None:
            to_create.append(Meeting(clinic=clinic, program=program, slug=slug, source=source,
                                     imported_at=now, is_active=True, **values))
            continue
        changes = {name: value for name, value in values.items() if getattr(meeting, name) != value}
        if meeting.is_active and not changes:
            summary.unchanged += 1
            continue
        to_update.append((meeting.pk, {**changes, "is_active": True, "source": source, "imported_at": now}))

    Meeting.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    # Changed meetings: one UPDATE each, of the changed columns only. (Django's bulk_update builds a CASE
    # expression per column that grows with the batch; for thousands of rows plain updates are far quicker.)
    updater = Meeting.objects.filter
    for pk, changes in to_update:
        updater(pk=pk).update(**changes)
    # Only this feed's meetings can go missing from it: other feeds of the program keep theirs.
    missing = [m.pk for slug, m in existing.items()
               if m.is_active and m.source == source and not m.added_by_hand and slug not in seen
               and slug not in protected]
    for start in range(0, len(missing), BATCH_SIZE):
        Meeting.objects.filter(pk__in=missing[start:start + BATCH_SIZE]).update(is_active=False)
    summary.added, summary.updated, summary.deactivated = len(to_create), len(to_update), len(missing)

    record = MeetingImport.objects.create(
        clinic=clinic, program=program, source=source[:200], imported_by=imported_by,
        added=summary.added, updated=summary.updated, unchanged=summary.unchanged,
        deactivated=summary.deactivated, rejected=len(summary.rejected),
        errors=[e.as_dict() for e in summary.rejected],
    )
    record.summary = summary
    return record


def _raw_slug(entry):
    """The slug as written, for the error report, even when it is not a valid slug."""
    if isinstance(entry, dict) and entry.get("slug") not in (None, ""):
        return str(entry["slug"])[:80]
    return ""


# Exporting --------------------------------------------------------------------------------------

def meeting_to_entry(meeting):
    """One meeting as a Meeting Guide object; importing it again gives the same meeting."""
    entry = {"name": meeting.name, "slug": meeting.slug}
    days = meeting.weekday_numbers
    if days:
        entry["day"] = days[0] if len(days) == 1 else days
    if meeting.start_time:
        entry["time"] = meeting.start_time.strftime("%H:%M")
    if meeting.end_time:
        entry["end_time"] = meeting.end_time.strftime("%H:%M")
    entry["timezone"] = meeting.time_zone
    optional = {
        "location": meeting.location_name,
        "formatted_address": meeting.formatted_address,
        "location_notes": meeting.location_notes,
        "region": meeting.region,
        "conference_url": meeting.conference_url,
        "conference_url_notes": meeting.conference_url_notes,
        "conference_phone": meeting.conference_phone,
        "conference_phone_notes": meeting.conference_phone_notes,
        "notes": meeting.notes,
        "group": meeting.group_name,
        "url": meeting.website,
    }
    entry.update({key: value for key, value in optional.items() if value})
    if meeting.formatted_address and meeting.attendance == MeetingAttendance.ONLINE \
            and not meeting.is_temporarily_closed:
        entry["approximate"] = "yes"  # an address that is not a place to meet (e.g. the online group's town)
    if meeting.latitude is not None:
        entry["latitude"] = meeting.latitude
    if meeting.longitude is not None:
        entry["longitude"] = meeting.longitude
    codes = meeting.type_code_list
    if codes:
        entry["types"] = codes
    if meeting.source_updated:
        entry["updated"] = meeting.source_updated.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return entry


def export_feed(meetings):
    return [meeting_to_entry(m) for m in meetings]
