"""What staff do in Stop 5, as plain functions with keyword-only arguments: plan an intervention on a barrier,
record its outcome, schedule a follow-up, and look up what a follow-up log offers. Views validate the forms and
call these; each change is all or nothing. Logging a follow-up itself is ``FollowUp.record_done``."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.models import Role

from ..support.models import Concern
from .access import assignable_staff
from .models import CONCERN_BARRIERS, Barrier, BarrierStatus, FollowUp, FollowUpStatus
from .models.barriers import ACTIVE_BARRIER_STATUSES
from .models.followups import ATTENDABLE_REFERRAL_STATUSES


# Barriers and interventions ---------------------------------------------------------------------------
def case_manager_for(patient, *, fallback):
    """Who owns a barrier nobody chose an owner for: the case manager on the patient's care team (the first, when
    there are several; the care team comes prefetched), else ``fallback``."""
    managers = [staff for staff in patient.care_team_with_role(Role.CASE_MANAGER) if staff.is_active]
    return managers[0] if managers else fallback


def barrier_from_concern(conversation, *, concern, by):
    """The Stop 5 barrier for one concern raised in a Stop 3 conversation: made now, pre-filled (the fitting kind,
    where it came from, how it was addressed; owned by the case manager on the team) and linked back to the
    conversation, or the one made before. Returns ``(barrier, created)``."""
    if concern not in conversation.concerns:
        raise ValidationError(_("This concern was not raised in that conversation."))
    existing = Barrier.objects.filter(from_conversation=conversation, from_concern=concern).first()
    if existing is not None:
        return existing, False
    patient = conversation.patient
    fitting = CONCERN_BARRIERS[concern]
    details = (f"Raised in the conversation about mutual support on {conversation.held_on:%b %-d, %Y}: "
               f"“{Concern(concern).label}”.")
    if conversation.concerns_addressed:
        details += f" How it was addressed then: {conversation.concerns_addressed}"
    barrier = Barrier(patient=patient, kind=fitting.kind, other_kind=fitting.other_kind, details=details,
                      noted_on=conversation.held_on, noted_by=by, owner=case_manager_for(patient, fallback=by),
                      from_conversation=conversation, from_concern=concern)
    barrier.full_clean()
    barrier.save()
    return barrier, True


def barriers_from_concerns(conversation, *, by):
    """A barrier for every concern of ``conversation`` (``barrier_from_concern``); returns the new ones."""
    with transaction.atomic():
        made = [barrier_from_concern(conversation, concern=concern, by=by) for concern in conversation.concerns]
    return [barrier for barrier, created in made if created]


def plan_intervention(intervention, *, by):
    """Save a new intervention on a barrier (validated by its form); an open barrier is then being addressed."""
    barrier = intervention.barrier
    with transaction.atomic():
        intervention.save()
        if barrier.status == BarrierStatus.OPEN:
            barrier.set_status(BarrierStatus.BEING_ADDRESSED, by)
    return intervention


def record_intervention_outcome(intervention, *, status, completed_on, note, barrier_resolved, by):
    """Record how a planned intervention went. When it resolved the barrier (``barrier_resolved``), an open
    barrier is resolved too, on the same day, naming the intervention."""
    barrier = intervention.barrier
    with transaction.atomic():
        intervention.status, intervention.completed_on, intervention.outcome_note = status, completed_on, note
        intervention.save(update_fields=["status", "completed_on", "outcome_note"])
        if barrier_resolved and not barrier.is_closed:
            barrier.set_status(BarrierStatus.RESOLVED, by, on=completed_on,
                               note=f"Resolved after: {intervention.what}.")
    return intervention


# Follow-ups -------------------------------------------------------------------------------------------
def schedule_follow_up(patient, *, due_on, assigned_to, by):
    """Schedule a follow-up ahead of time (refused for a date already past)."""
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "Pick today or a later date. To record a follow-up that already "
                                         "happened, log it instead."})
    return FollowUp.objects.create(patient=patient, due_on=due_on, assigned_to=assigned_to, created_by=by)


def follow_up_to_log(patient, *, scheduled=None):
    """The follow-up a log form fills in: ``scheduled`` (one not logged yet) or a new one of ``patient``. It is
    marked done before the form validates it, so that the rules of a done follow-up apply."""
    follow_up = scheduled if scheduled is not None else FollowUp(patient=patient)
    follow_up.status = FollowUpStatus.DONE
    return follow_up


@dataclass(frozen=True)
class FollowUpLogChoices:
    """What the form for logging a follow-up of one patient offers, looked up before the form is built."""

    referrals: QuerySet  # the patient's referrals a follow-up can report attendance for
    has_referrals: bool
    open_barriers: QuerySet  # barriers the follow-up may find resolved
    has_open_barriers: bool
    staff: QuerySet  # who can do the next follow-up
    already_scheduled: FollowUp | None  # the next follow-up already scheduled after today, if any


def follow_up_log_choices(patient, *, scheduled=None, today=None):
    """The choices of a follow-up log form for ``patient`` (three queries; the querysets stay lazy).
    ``scheduled`` is the follow-up being logged, if it was scheduled: it does not count as the next one."""
    today = today or timezone.localdate()
    referrals = (patient.referrals.filter(status__in=ATTENDABLE_REFERRAL_STATUSES)
                 .select_related("program", "meeting").order_by("pk"))
    open_barriers = patient.barriers.filter(status__in=ACTIVE_BARRIER_STATUSES)
    already_scheduled = (FollowUp.objects.scheduled().filter(patient=patient, due_on__gt=today)
                         .exclude(pk=scheduled.pk if scheduled is not None else None).order_by("due_on").first())
    return FollowUpLogChoices(
        referrals=referrals, has_referrals=referrals.exists(),
        open_barriers=open_barriers, has_open_barriers=open_barriers.exists(),
        staff=assignable_staff(patient.clinic_id), already_scheduled=already_scheduled,
    )
