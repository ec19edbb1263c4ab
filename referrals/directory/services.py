"""What staff do with the directory for one patient (Stop 4): keep their matching preferences, and find the
options that fit them. The matching rules themselves are in ``matching.py``."""

from dataclasses import dataclass

from django.db import transaction

from ..followup.ratings import Ratings, welcome_ratings
from .matching import Option, Options, PatientNeeds, meetings_for_matching, needs_for, rank_options, score_meeting
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
    """Rank the directory's programs and the clinic's meetings for ``patient`` (four queries: preferences,
    programs, meetings, and the clinic's welcome ratings in two).

    ``patient`` comes annotated with ``Patient.objects.with_plan_status()``: the signed treatment plan's
    drinking goal and medication count before the preferences' own answers.
    """
    preferences = MatchingPreferences.objects.filter(patient=patient).first()
    needs = needs_for(patient, preferences)
    ratings = welcome_ratings(patient.clinic_id)
    options = rank_options(needs, Program.objects.all(), meetings_for_matching(patient.clinic_id, needs),
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
