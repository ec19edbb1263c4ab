"""What staff do with the directory (Stop 4): keep a patient's matching preferences and find the options that fit
them (the matching rules themselves are in ``matching.py``), and keep the clinic's own programs and notes."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from .matching import (
    Options,
    PatientNeeds,
    meetings_for_matching,
    meetings_in_other_languages,
    needs_for,
    rank_options,
)
from .models import MatchingPreferences, Program


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


def matches_for(patient):
    """Rank the directory's programs (shared and the clinic's own) and the clinic's meetings for ``patient``
    (three queries; a fourth when no meeting in the patient's language can be offered).

    ``patient`` comes annotated with ``Patient.objects.with_plan_status()``: the signed treatment plan's
    drinking goal and medication count before the preferences' own answers.
    """
    preferences = MatchingPreferences.objects.filter(patient=patient).first()
    needs = needs_for(patient, preferences)
    options = rank_options(needs, Program.objects.for_clinic(patient.clinic_id),
                           meetings_for_matching(patient.clinic_id, needs),
                           other_language_meetings=lambda: meetings_in_other_languages(patient.clinic_id, needs))
    return Matches(preferences=preferences, needs=needs, options=options)


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
