"""What staff do with the directory (Stop 4): keep a patient's matching preferences and find the options that fit
them (the matching rules themselves are in ``matching.py``), keep the clinic's own programs and notes, and import a
meeting feed, holding it for confirmation when it needs one (the import rules are in ``meeting_guide.py``)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ..followup.ratings import Ratings, welcome_ratings
from .matching import (
    Option,
    Options,
    PatientNeeds,
    meetings_for_matching,
    meetings_in_other_languages,
    needs_for,
    rank_options,
    score_meeting,
)
from .meeting_guide import ImportRefused, apply_import, import_feed, plan_import
from .models import MatchingPreferences, Meeting, PendingMeetingImport, Program


def preferences_of(patient):
    """The patient's saved matching preferences, or new (unsaved) ones to fill in."""
    return MatchingPreferences.objects.filter(patient=patient).first() or MatchingPreferences.new_for(patient)


def save_preferences(preferences, *, by):
    """Save the patient's matching preferences (validated by their form), recording who changed them last."""
    with transaction.atomic():
        preferences.updated_by = by
        preferences.save()
    return preferences


@dataclass(frozen=True)
class Matches:
    """The options that fit a patient, ranked, and what they were ranked for."""

    preferences: MatchingPreferences | None  # the saved preferences; None while there are none
    needs: PatientNeeds
    options: Options
    ratings: Ratings  # the clinic's patients' reports of feeling welcome, per meeting and program


def matches_for(patient):
    """Rank the directory's programs (shared and the clinic's own) and the clinic's meetings for ``patient``
    (five queries: preferences, programs, meetings, and the clinic's welcome ratings in two; one more when no
    meeting in the patient's language can be offered).

    ``patient`` comes annotated with ``Patient.objects.with_plan_status()``: the signed treatment plan's
    drinking goal and medication count before the preferences' own answers.
    """
    preferences = MatchingPreferences.objects.filter(patient=patient).first()
    needs = needs_for(patient, preferences)
    ratings = welcome_ratings(patient.clinic_id)
    options = rank_options(needs, Program.objects.for_clinic(patient.clinic_id),
                           meetings_for_matching(patient.clinic_id, needs),
                           other_language_meetings=lambda: meetings_in_other_languages(patient.clinic_id, needs),
                           ratings=ratings)
    return Matches(preferences=preferences, needs=needs, options=options, ratings=ratings)


FAMILY_LEFT_OUT = "For the patient's family and friends, not the patient's own group"
#: The kinds of option a referral can be made from, as posted by Find options and the meeting page.
OPTION_KINDS = ("program", "meeting")


def matched_option(patient, matches, *, kind, pk):
    """One option of ``matches`` (the patient's, from ``matches_for``) by kind ("program" or "meeting") and id, with
    the reasons matching gave it. A meeting of the clinic's list beyond those shown is scored on its own. Returns
    None when there is no such program or active meeting in the patient's clinic, and an ``Option`` whose
    ``left_out`` says why when matching does not offer it to this patient."""
    options = matches.options
    if kind == "program":
        found = next((o for o in [*options.programs, *options.left_out_programs] if o.item.pk == pk), None)
        if found is None:
            family = next((o for o in options.family if o.item.pk == pk), None)
            if family is not None:
                found = Option(family.item, left_out=FAMILY_LEFT_OUT)
        return found
    if kind != "meeting":
        return None
    found = next((o for o in options.meetings if o.item.pk == pk), None)
    if found is not None:
        return found
    meeting = (Meeting.objects.of_clinic(patient.clinic_id).active().select_related("program")
               .filter(pk=pk).first())
    return score_meeting(matches.needs, meeting, matches.ratings.for_meeting(meeting.pk)) if meeting else None


# Meeting feeds ------------------------------------------------------------------------------------

def import_upload(*, clinic, program, source, file_name, entries, by):
    """Import an uploaded Meeting Guide feed; return (the MeetingImport, None).

    When the import needs a confirmation (it would empty or mostly empty the feed, or the file looks like another
    program's), nothing is changed: the upload is held for the confirmation page and (None, the
    PendingMeetingImport) is returned. Held uploads older than a day are dropped."""
    try:
        return import_feed(entries, clinic=clinic, program=program, source=source, imported_by=by), None
    except ImportRefused:
        pass
    PendingMeetingImport.objects.filter(
        clinic=clinic, uploaded_at__lt=timezone.now() - PendingMeetingImport.KEPT_FOR).delete()
    pending = PendingMeetingImport.objects.create(clinic=clinic, program=program, source=source, file_name=file_name,
                                                  entries=entries, uploaded_by=by)
    return None, pending


def pending_import_plan(pending):
    """What importing a held upload would do now (reads only)."""
    return plan_import(pending.entries, clinic=pending.clinic, program=pending.program, source=pending.source)


def confirm_pending_import(pending, *, confirmed, expected_deactivated, by):
    """Import a held upload with the importer's confirmations; return (the MeetingImport or None, the plan).

    The plan is worked out again: the import is applied only when every concern is confirmed and it still marks
    ``expected_deactivated`` meetings inactive (the number the importer saw); else nothing changes and the fresh
    plan is returned to show again."""
    with transaction.atomic():
        plan = pending_import_plan(pending)
        if plan.unconfirmed(confirmed) or plan.summary.deactivated != expected_deactivated:
            return None, plan
        record = apply_import(plan, imported_by=by, confirmed=set(confirmed))
        pending.delete()
    return record, plan


def cancel_pending_import(pending):
    pending.delete()


# The clinic's own directory ------------------------------------------------------------------------

def _clinic_program_slug(program):
    """A stable key for a clinic's own program: the clinic's number and the name, so it never clashes with a
    shared program's key nor says anything about another clinic's programs."""
    base = f"c{program.clinic_id}-{slugify(program.name)[:50] or 'program'}"
    slug, n = base, 2
    while Program.objects.filter(slug=slug).exclude(pk=program.pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def save_clinic_program(program, *, by):
    """Save one of a clinic's own programs (validated by its form), who changed it last, and its key once."""
    if program.clinic_id is None:
        raise ValueError("Shared programs are maintained by site administrators, not through a clinic.")
    with transaction.atomic():
        if not program.slug:
            program.slug = _clinic_program_slug(program)
        program.updated_by = by
        program.save()
    return program


def save_program_note(note, *, program, by):
    """Save the clinic's note next to a shared program (validated by its form)."""
    note.clinic_id, note.program, note.updated_by = by.clinic_id, program, by
    note.save()
    return note
