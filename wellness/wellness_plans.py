"""The wellness plan (Stop 2): reading it, and every change to it saved with its entry in the plan's history,
all or nothing. Plain functions with keyword-only arguments, as ``patients.treatment_plans`` does for Stop 1.

The plan is co-created: anyone on the patient's care team may change it, everyone in the clinic reads it
(``CARE_TEAM_ONLY`` is what the others are told). Views validate the forms and call these; ``changes`` are
(label, before, after) rows for the history (``wellness.forms.changed_fields`` / ``filled_fields``).
"""

from django.db import transaction
from django.db.models import Prefetch
from django.utils.formats import date_format

from .models import GapGoalLink, PlanChange, WellnessGoal, WellnessPlan

CARE_TEAM_ONLY = "Only the patient's care team can change the wellness plan."

ABOUT_ME = "About me"  # the history's name for the plan's own text sections
GOALS = "Goals"


def plan_for(patient, *, with_lists=False):
    """The patient's plan or None; with its lists prefetched when asked."""
    queryset = WellnessPlan.objects.filter(patient=patient)
    if with_lists:
        queryset = queryset.prefetch_related(
            Prefetch("goals", queryset=WellnessGoal.objects.prefetch_related(
                Prefetch("gap_links", queryset=GapGoalLink.objects.select_related(
                    "assessment__version__questionnaire", "assessment__patient"))
            )),
            "signs", "supports",
        )
    plan = queryset.first()
    if plan is not None:
        plan.patient = patient
    return plan


def get_or_start_plan(patient, *, by):
    """The patient's plan, started (and the start recorded) if there is none yet. Call inside a transaction."""
    plan, created = WellnessPlan.objects.get_or_create(patient=patient, defaults={"updated_by": by})
    if created:
        plan.record(by, "Plan", PlanChange.Action.CREATED, PlanChange.STARTED)
    plan.patient = patient
    return plan


def _touched(plan, by):
    plan.updated_by = by
    plan.save(update_fields=["updated_by", "updated_at"])


def save_sections(patient, *, sections, changes, by):
    """Save the plan's text sections (``sections``: every name in ``WellnessPlan.TEXT_SECTIONS``), starting the
    plan if needed; the changed ones go into the history."""
    with transaction.atomic():
        plan = get_or_start_plan(patient, by=by)
        for name in WellnessPlan.TEXT_SECTIONS:
            setattr(plan, name, sections[name])
        plan.updated_by = by
        plan.save()
        if changes:
            plan.record(by, ABOUT_ME, PlanChange.Action.CHANGED, ", ".join(str(label) for label, _b, _a in changes),
                        changes)
    return plan


def save_item(patient, *, item, section, changes, by):
    """Add ``item`` (unsaved) to one of the plan's lists (goals, triggers and warning signs, supports), or save a
    change to it; the history names ``section``. A new goal records who set it."""
    is_new = item.pk is None
    with transaction.atomic():
        plan = get_or_start_plan(patient, by=by)
        item.plan = plan
        if is_new and isinstance(item, WellnessGoal):
            item.created_by = by
        item.save()
        if is_new:
            plan.record(by, section, PlanChange.Action.ADDED, str(item), changes)
        elif changes:
            plan.record(by, section, PlanChange.Action.CHANGED, str(item), changes)
        _touched(plan, by)
    return item


def remove_item(plan, *, item, section, by):
    """Remove an item from one of the plan's lists; the history keeps what it was."""
    with transaction.atomic():
        plan.record(by, section, PlanChange.Action.REMOVED, str(item))
        item.delete()
        _touched(plan, by)


def add_goal_from_gap(patient, *, goal, assessment, domain, changes, by):
    """Add a goal (unsaved) co-created from a recovery-capital gap: saved in the plan, linked to the gap (``domain``
    of ``assessment``, as the questionnaire defines it), and in the history with the gap it answers."""
    with transaction.atomic():
        plan = get_or_start_plan(patient, by=by)
        goal.plan, goal.created_by = plan, by
        goal.save()
        GapGoalLink.objects.create(assessment=assessment, domain=domain.id, wellness_goal=goal, created_by=by)
        plan.record(by, GOALS, PlanChange.Action.ADDED, str(goal), [*changes, (
            "From recovery-capital gap", "", f"{domain.label} ({date_format(assessment.taken_on, 'DATE_FORMAT')})")])
        _touched(plan, by)
    return goal
