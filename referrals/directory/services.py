"""What staff do with the directory for one patient (Stop 4): keep their matching preferences, and find the
options that fit them. The matching rules themselves are in ``matching.py``."""

from dataclasses import dataclass

from django.db import transaction

from .matching import Options, PatientNeeds, meetings_for_matching, needs_for, rank_options
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
    """Rank the directory's programs and the clinic's meetings for ``patient`` (two queries).

    ``patient`` comes annotated with ``Patient.objects.with_plan_status()``: the signed treatment plan's
    drinking goal and medication count before the preferences' own answers.
    """
    preferences = MatchingPreferences.objects.filter(patient=patient).first()
    needs = needs_for(patient, preferences)
    options = rank_options(needs, Program.objects.all(), meetings_for_matching(patient.clinic_id, needs))
    return Matches(preferences=preferences, needs=needs, options=options)
