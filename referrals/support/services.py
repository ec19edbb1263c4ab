"""What staff do in Stop 3, as plain functions with keyword-only arguments: log a conversation about mutual
support, and share a referral letter under a Part 2 consent. Views validate the forms and call these; each
change is all or nothing. A referral's own moves are ``Referral.start`` / ``move_to`` (``models/referral.py``)."""

from django.db import transaction

from patients import care_teams
from patients.models import Role

from ..directory.services import save_preferences
from ..followup.services import barriers_from_concerns
from .lead import Stop3Track, conversation_role, stop3_lead
from .models import InformationCategory
from .models.consent import record_disclosure


def log_conversation(conversation, *, patient, by, preferences, join_care_team=False, open_barriers=False):
    """Save a conversation ``by`` held with ``patient`` (validated by its form), with the preferences heard,
    which become the patient's matching preferences.

    The conversation records the role ``by`` talked in (``conversation_role``) and the Stop 3 track of the care
    team (``stop3_lead``). Staff outside the care team may join it with the conversation (``join_care_team``), in
    that role (``patients.care_teams.join``: not while they see the patient only through emergency access); a
    peer support specialist who joins a team without one makes it Stop 3a, this conversation included. Without
    joining, the team stays as it was. With ``open_barriers`` each concern raised becomes a Stop 5 barrier
    (``followup.services.barrier_from_concern``), linked back to this conversation.
    """
    role = conversation_role(by, patient)
    track = stop3_lead(patient).track
    with transaction.atomic():
        if join_care_team:
            care_teams.join(patient=patient, staff=by, role=role)
            if role == Role.PEER_SPECIALIST:
                track = Stop3Track.PEER
        save_preferences(preferences, by=by)
        conversation.patient, conversation.held_by, conversation.held_by_role = patient, by, role
        conversation.track = track
        conversation.save()
        if open_barriers:
            if join_care_team:
                patient = type(patient).objects.with_care_team().get(pk=patient.pk)  # the team as it is now
                conversation.patient = patient
            barriers_from_concerns(conversation, by=by)
    return conversation


def letter_information(referral, consent):
    """What a referral letter shares: only the kinds of information the consent allows, as (label, text) pairs."""
    patient = referral.patient
    rows = []
    if consent.allows(InformationCategory.IDENTITY):
        reach = ", ".join(v for v in [patient.phone, patient.email] if v) or "through the clinic"
        rows.append(("Patient", f"{patient.display_name}; reach at {reach} "
                                f"(prefers {patient.get_preferred_contact_display().lower()})"))
    else:
        rows.append(("Patient", "Name withheld (not covered by the consent)"))
    if consent.allows(InformationCategory.REFERRAL):
        target = referral.program.name + (f", {referral.meeting.name}" if referral.meeting_id else "")
        if referral.for_someone_close:
            whom = referral.for_whom or "someone close to the patient"
            rows.append(("Suggested for", f"{whom}: {target} (a group for family and friends, not the patient's own)"))
        else:
            rows.append(("Referred to", target))
    if consent.allows(InformationCategory.MEDICATION):
        rows.append(("Medication", "Takes a medication for alcohol use disorder as part of treatment"))
    if consent.allows(InformationCategory.ACCOMPANIMENT):
        plans = [p for p in referral.first_meeting_plans.all() if p.is_planned]
        if plans:
            plan = plans[0]
            rows.append(("First meeting", f"{plan.companion} from {patient.clinic.name} plans to come along "
                                          f"on {plan.planned_for:%B %-d, %Y}"))
    if consent.allows(InformationCategory.ATTENDANCE):
        rows.append(("Referral status", referral.get_status_display()))
    return rows


def disclose_by_letter(referral, *, consent, by):
    """Record the referral letter as a disclosure under ``consent`` (refused with ``ValidationError`` when the
    consent does not allow it), sharing only what ``letter_information`` lets through."""
    rows = letter_information(referral, consent)
    return record_disclosure(consent, by=by, referral=referral,
                             information="\n".join(f"{label}: {text}" for label, text in rows))
