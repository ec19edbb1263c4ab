"""What staff do with the directory (Stop 4): keep a patient's matching preferences and find the options that fit
them (the matching rules themselves are in ``matching.py``), and keep the clinic's own programs and notes."""

from dataclasses import dataclass

from django.db import transaction
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
from .models import MatchingPreferences, Meeting, Program


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
