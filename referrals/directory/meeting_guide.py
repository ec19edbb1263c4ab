"""Meeting Guide JSON feeds: import into a clinic's meeting list for one program, and export back.

A feed is a JSON array of meeting objects, each with at least ``name`` and a ``slug`` unique in the feed
(github.com/code4recovery/spec). How one entry becomes a meeting is in ``feed_entries``. Import rules:

* idempotent: importing the same feed again changes nothing;
* a meeting already in the list is found by its slug and updated when the feed changed it;
* a meeting missing from a new import is marked inactive, never deleted (unless its entry was rejected,
  in which case it is left as it is);
* an invalid entry is reported (index, slug, reason) and skipped; the valid ones are imported;
* unknown type codes are kept (and shown as unknown), never fatal;
* a download that came back empty or broken never empties a clinic's list: an import is refused, until the
  importer confirms it, when the file holds no meetings, when every entry is rejected, or when it would mark
  more than half of the feed's active meetings inactive (``MASS_DEACTIVATION_SHARE``); and when the file looks
  like another program's feed (``feed_checks``).

The clinic's own fields (e.g. welcoming of medication) are never touched by an import.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from patients.request_input import JSONInputError, read_json

from . import type_codes
from .feed_checks import looks_like_another_program
from .feed_entries import (  # noqa: F401  (EntryInvalid, known_time_zones: used by forms through this module)
    EntryInvalid,
    clean_entry,
    fields_not_kept,
    known_time_zones,
    raw_slug,
    slug_of,
)
from .models import Meeting, MeetingAttendance, MeetingImport, Program

BATCH_SIZE = 1000
# An import that would mark more than this share of a feed's active meetings inactive needs a confirmation.
MASS_DEACTIVATION_SHARE = 0.5


class FeedError(Exception):
    """The file as a whole cannot be read as a Meeting Guide feed; nothing was imported."""


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
    fields_not_kept: dict = field(default_factory=dict)  # field name → how many meetings had it

    def as_text(self):
        return (f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.deactivated} marked inactive, {len(self.rejected)} rejected")


# Reading ----------------------------------------------------------------------------------------

def read_feed(raw):
    """Parse feed text or bytes into a list of entries, or raise FeedError."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FeedError("The file is not UTF-8 text, so it cannot be a Meeting Guide JSON feed.") from None
    try:
        data = read_json(raw)
    except json.JSONDecodeError as exc:
        raise FeedError(f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    except JSONInputError as exc:
        raise FeedError(str(exc)) from None
    if not isinstance(data, list):
        raise FeedError("A Meeting Guide feed is a JSON array of meetings; this file holds a single "
                        f"{type(data).__name__ if not isinstance(data, dict) else 'object'} instead.")
    return data


# Planning an import, and what needs confirming --------------------------------------------------

class Confirmation:
    """What an importer confirms (command-line flag, or a tick on the confirmation page)."""

    MASS_DEACTIVATION = "mass_deactivation"  # --allow-mass-deactivation
    PROGRAM = "program"  # --confirm-program


@dataclass(frozen=True)
class Concern:
    """Why an import is held until someone confirms it, in words, and which confirmation releases it."""

    kind: str  # "empty", "all_rejected", "mass_deactivation", "other_program", "no_slug_in_common"
    message: str
    confirmation: str


@dataclass
class ImportPlan:
    """What importing a feed would do, worked out without changing anything."""

    clinic: object
    program: object
    source: str
    summary: ImportSummary
    entry_count: int = 0
    active_before: int = 0  # the feed's active meetings before the import
    to_create: list = field(default_factory=list)
    to_update: list = field(default_factory=list)  # (pk, {field: value})
    missing: list = field(default_factory=list)  # pks of the feed's meetings to mark inactive
    concerns: list = field(default_factory=list)

    @property
    def write_count(self):
        return len(self.to_create) + len(self.to_update) + len(self.missing)

    def unconfirmed(self, confirmed):
        return [c for c in self.concerns if c.confirmation not in confirmed]

    @property
    def confirmations_needed(self):
        return sorted({c.confirmation for c in self.concerns})


class ImportRefused(Exception):
    """The import needs a confirmation it was not given; nothing was changed. ``plan`` says what it would do."""

    def __init__(self, plan, concerns):
        self.plan, self.concerns = plan, concerns
        super().__init__(" ".join(c.message for c in concerns))


class _Silent:
    def update(self, n=1):
        pass

    def close(self):
        pass


def no_progress(stage, total):
    """The default progress reporter: ``progress(stage, total)`` returns something with ``update(n)`` and
    ``close()`` (a tqdm bar in the command); stages are "Checking" (each entry) and "Writing" (each change)."""
    return _Silent()


def feed_name(clinic, program, given, file_name):
    """The name an import goes under: the one given; else the program's only feed in this clinic (a fresh
    download of the same feed updates it); else the file's name (a new feed)."""
    if given:
        return given[:200]
    names = list(Meeting.objects.filter(clinic=clinic, program=program, added_by_hand=False)
                 .order_by().values_list("source", flat=True).distinct()[:2])
    return names[0] if len(names) == 1 and names[0] else file_name[:200]


def plan_import(entries, *, clinic, program, source, progress=no_progress):
    """Work out what importing ``entries`` into ``clinic``'s meetings of ``program`` under the feed name
    ``source`` would do, and what would need confirming. Reads only (two queries).

    A program can have several feeds (a local intergroup's and an online one), each known by its ``source``
    name: an import adds and updates its own meetings and marks inactive only its own missing ones. A slug
    that belongs to another feed's meeting, or to one added by hand, is rejected.
    """
    if program.clinic_id not in (None, clinic.pk):
        raise ValueError("A program of another clinic's own cannot hold this clinic's meetings.")
    summary = ImportSummary()
    plan = ImportPlan(clinic=clinic, program=program, source=source, summary=summary, entry_count=len(entries))
    now = timezone.now()
    existing = {m.slug: m for m in Meeting.objects.filter(clinic=clinic, program=program)}
    seen = {}
    file_slugs = set()
    protected = set()  # slugs of rejected entries: their stored meeting is left alone
    valid_entries = []
    not_kept = {}
    bar = progress("Checking", len(entries))
    for index, entry in enumerate(entries):
        bar.update(1)
        slug = ""
        try:
            slug = slug_of(entry) if isinstance(entry, dict) else ""
            file_slugs.add(slug)
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
            summary.rejected.append(EntryError(index, slug or raw_slug(entry), str(exc)))
            continue
        seen[slug] = index
        valid_entries.append(entry)
        for key in fields_not_kept(entry):
            not_kept[key] = not_kept.get(key, 0) + 1
        summary.unknown_codes.update(c for c in values["type_codes"].split(",")
                                     if c and not type_codes.is_known(c))
        meeting = existing.get(slug)
        if meeting is None:
            plan.to_create.append(Meeting(clinic=clinic, program=program, slug=slug, source=source,
                                          imported_at=now, is_active=True, **values))
            continue
        changes = {name: value for name, value in values.items() if getattr(meeting, name) != value}
        if meeting.is_active and not changes:
            summary.unchanged += 1
            continue
        plan.to_update.append((meeting.pk, {**changes, "is_active": True, "source": source, "imported_at": now}))
    bar.close()
    summary.fields_not_kept = dict(sorted(not_kept.items(), key=lambda item: (-item[1], item[0])))

    # Only this feed's meetings can go missing from it: other feeds of the program keep theirs.
    feed_active = [m for m in existing.values() if m.is_active and m.source == source and not m.added_by_hand]
    plan.active_before = len(feed_active)
    plan.missing = [m.pk for m in feed_active if m.slug not in seen and m.slug not in protected]
    summary.added, summary.updated, summary.deactivated = len(plan.to_create), len(plan.to_update), len(plan.missing)
    plan.concerns = _concerns(plan, valid_entries, file_slugs, feed_active)
    return plan


def share_of_active(marked, active):
    """“7 of the 10 active meetings”, “all 10 active meetings”, or “the only active meeting”."""
    if marked == active:
        if active == 1:
            return gettext("the only active meeting")
        return ngettext("all %(count)d active meeting", "all %(count)d active meetings", active) % {"count": active}
    return ngettext("%(marked)d of the %(count)d active meeting", "%(marked)d of the %(count)d active meetings",
                    active) % {"marked": marked, "count": active}


def _concerns(plan, valid_entries, file_slugs, feed_active):
    """What would need confirming before ``plan`` is applied (see the module's docstring)."""
    concerns = []
    source = plan.source
    if plan.entry_count == 0:
        message = (gettext("The file holds no meetings. Importing it would mark %(share)s of the feed “%(source)s” "
                           "inactive; a download that came back empty does this.") % {
            "share": share_of_active(plan.active_before, plan.active_before), "source": source}
            if plan.active_before else gettext("The file holds no meetings. There is nothing to import."))
        concerns.append(Concern("empty", message, Confirmation.MASS_DEACTIVATION))
    elif not valid_entries:
        if plan.missing:
            message = ngettext(
                "Every entry of the file (%(count)d) was rejected, so nothing would be added or updated, and "
                "%(share)s of the feed “%(source)s” would be marked inactive.",
                "Every entry of the file (%(count)d) was rejected, so nothing would be added or updated, and "
                "%(share)s of the feed “%(source)s” would be marked inactive.", plan.entry_count) % {
                "count": plan.entry_count, "share": share_of_active(len(plan.missing), plan.active_before),
                "source": source}
        else:
            message = ngettext(
                "Every entry of the file (%(count)d) was rejected, so nothing would be added or updated.",
                "Every entry of the file (%(count)d) was rejected, so nothing would be added or updated.",
                plan.entry_count) % {"count": plan.entry_count}
        concerns.append(Concern("all_rejected", message, Confirmation.MASS_DEACTIVATION))
    elif plan.missing and len(plan.missing) > MASS_DEACTIVATION_SHARE * plan.active_before:
        concerns.append(Concern(
            "mass_deactivation",
            gettext("This import would mark %(share)s of the feed “%(source)s” inactive (more than %(percent)s). "
                    "A download that came back incomplete, or the file of another feed, does this.") % {
                "share": share_of_active(len(plan.missing), plan.active_before), "source": source,
                "percent": f"{MASS_DEACTIVATION_SHARE:.0%}"},
            Confirmation.MASS_DEACTIVATION))
    if not valid_entries:
        return concerns
    programs = list(Program.objects.for_clinic(plan.clinic))  # never another clinic's own programs
    other = looks_like_another_program(valid_entries, program=plan.program, programs=programs)
    if other is not None:
        concerns.append(Concern(
            "other_program",
            ngettext("%(count)d of the %(total)d meetings in this file name %(other)s (for example “%(example)s”), "
                     "not %(program)s: it looks like %(other)s's feed.",
                     "%(count)d of the %(total)d meetings in this file name %(other)s (for example “%(example)s”), "
                     "not %(program)s: it looks like %(other)s's feed.", other.total) % {
                "count": other.count, "total": other.total, "other": other.program.name,
                "example": other.example, "program": plan.program.name},
            Confirmation.PROGRAM))
    feed_slugs = {m.slug for m in feed_active}
    if feed_slugs and not feed_slugs & file_slugs:
        if len(feed_slugs) == 1:
            message = gettext("The only active meeting of the feed “%(source)s” (%(program)s) is not in this file: "
                              "it may be another feed, or another program's.")
        else:
            message = gettext("None of the %(count)d active meetings of the feed “%(source)s” (%(program)s) is in "
                              "this file: it may be another feed, or another program's.")
        concerns.append(Concern(
            "no_slug_in_common",
            message % {"count": len(feed_slugs), "source": source, "program": plan.program.name},
            Confirmation.PROGRAM))
    return concerns


def apply_import(plan, *, imported_by=None, confirmed=(), progress=no_progress):
    """Write what ``plan`` found (batched inserts, one UPDATE per changed meeting) and record the import."""
    summary = plan.summary
    bar = progress("Writing", plan.write_count)
    for start in range(0, len(plan.to_create), BATCH_SIZE):
        batch = plan.to_create[start:start + BATCH_SIZE]
        Meeting.objects.bulk_create(batch)
        bar.update(len(batch))
    # Changed meetings: one UPDATE each, of the changed columns only. (Django's bulk_update builds a CASE
    # expression per column that grows with the batch; for thousands of rows plain updates are far quicker.)
    updater = Meeting.objects.filter
    for pk, changes in plan.to_update:
        updater(pk=pk).update(**changes)
        bar.update(1)
    for start in range(0, len(plan.missing), BATCH_SIZE):
        batch = plan.missing[start:start + BATCH_SIZE]
        Meeting.objects.filter(pk__in=batch).update(is_active=False)
        bar.update(len(batch))
    bar.close()
    record = MeetingImport.objects.create(
        clinic=plan.clinic, program=plan.program, source=plan.source[:200], imported_by=imported_by,
        added=summary.added, updated=summary.updated, unchanged=summary.unchanged,
        deactivated=summary.deactivated, rejected=len(summary.rejected),
        errors=[e.as_dict() for e in summary.rejected], fields_not_kept=summary.fields_not_kept,
        confirmed=[c.message for c in plan.concerns if c.confirmation in confirmed],
    )
    record.summary = summary
    return record


@transaction.atomic
def import_feed(entries, *, clinic, program, source, imported_by=None, progress=no_progress,
                allow_mass_deactivation=False, confirm_program=False):
    """Import parsed feed entries into ``clinic``'s meetings of ``program``; return the MeetingImport record.

    Raises ImportRefused (nothing changed) when the plan has a concern the caller did not confirm:
    ``allow_mass_deactivation`` for an empty or all-rejected file or one that would mark most of the feed
    inactive, ``confirm_program`` for a file that looks like another program's or another feed's.
    ``progress`` reports checking and writing (the management command passes progress bars).
    """
    confirmed = {kind for kind, given in ((Confirmation.MASS_DEACTIVATION, allow_mass_deactivation),
                                          (Confirmation.PROGRAM, confirm_program)) if given}
    plan = plan_import(entries, clinic=clinic, program=program, source=source, progress=progress)
    unconfirmed = plan.unconfirmed(confirmed)
    if unconfirmed:
        raise ImportRefused(plan, unconfirmed)
    return apply_import(plan, imported_by=imported_by, confirmed=confirmed, progress=progress)


# Exporting --------------------------------------------------------------------------------------

# TSML's attendance_option (not in the specification; TSML UI and other readers use it) for each format.
ATTENDANCE_OPTION = {
    MeetingAttendance.IN_PERSON: "in_person", MeetingAttendance.HYBRID: "hybrid",
    MeetingAttendance.ONLINE: "online", MeetingAttendance.NOT_MEETING: "inactive",
}


def meeting_to_entry(meeting):
    """One meeting as a Meeting Guide object; importing it again gives the same meeting.

    An online meeting is written the way the Meeting Guide app accepts one (spec, Common Questions → Meeting
    Guide requirements, and why geographic information is needed for online-only meetings): its link or phone,
    its day and time, and an approximate place (the town or area it belongs to) with ``approximate`` "yes". Type
    codes are the feed's own, so a retired code appears only when the feed gave it.
    """
    entry = {"name": meeting.name, "slug": meeting.slug}
    days = meeting.weekday_numbers
    if days:
        entry["day"] = days[0] if len(days) == 1 else days
    if meeting.start_time:
        entry["time"] = meeting.start_time.strftime("%H:%M")
    if meeting.end_time:
        entry["end_time"] = meeting.end_time.strftime("%H:%M")
    entry["timezone"] = meeting.time_zone
    extras = meeting.feed_extras or {}
    optional = {
        "location": meeting.location_name,
        "formatted_address": meeting.formatted_address,
        "location_notes": meeting.location_notes,
        # Meetings imported before the feed's own region fields were kept have only the joined line.
        "region": "" if {"region", "sub_region", "regions"} & set(extras) else meeting.region,
        "conference_url": meeting.conference_url,
        "conference_url_notes": meeting.conference_url_notes,
        "conference_phone": meeting.conference_phone,
        "conference_phone_notes": meeting.conference_phone_notes,
        "notes": meeting.notes,
        "group": meeting.group_name,
        "url": meeting.website,
    }
    entry.update({key: value for key, value in optional.items() if value})
    if meeting.formatted_address:
        entry["approximate"] = "yes" if meeting.address_approximate else "no"
    if meeting.latitude is not None:
        entry["latitude"] = meeting.latitude
    if meeting.longitude is not None:
        entry["longitude"] = meeting.longitude
    codes = meeting.type_code_list
    if codes:
        entry["types"] = codes
    if meeting.source_updated:
        entry["updated"] = meeting.source_updated.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    entry["attendance_option"] = ATTENDANCE_OPTION[meeting.attendance]
    entry.update(extras)
    return entry


def export_feed(meetings):
    return [meeting_to_entry(m) for m in meetings]


def meetings_to_export(clinic, program):
    """The clinic's active meetings of one program, as the export writes them (by slug)."""
    return Meeting.objects.of_clinic(clinic).filter(program=program).active().order_by("slug")


def app_listing_gaps(meetings):
    """What keeps exported meetings out of the Meeting Guide app, in words (its importer needs a day and time,
    and a place even for online meetings: spec, Common Questions → Meeting Guide requirements)."""
    no_time = sum(1 for m in meetings if not m.days or m.start_time is None)
    online_nowhere = sum(1 for m in meetings if m.attendance == MeetingAttendance.ONLINE and not m.formatted_address)
    gaps = []
    if no_time:
        gaps.append(f"{no_time} meeting{'s have' if no_time != 1 else ' has'} no day and time (by appointment): the "
                    "Meeting Guide app lists only weekly meetings with both.")
    if online_nowhere:
        gaps.append(f"{online_nowhere} online meeting{'s have' if online_nowhere != 1 else ' has'} no town or area: "
                    "the Meeting Guide app lists online meetings only with an approximate place such as "
                    "“Springfield, IL, USA”.")
    return gaps
