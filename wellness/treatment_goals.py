"""The one place Stop 2 talks to the treatment plan (Stop 1, in the patients app).

A recovery-capital gap becomes a treatment-plan goal through ``patients.treatment_plans.add_plan_goal``
(clinicians only; it adds the goal to the current draft, starting one if needed). The wellness side keeps the
goal's ``key``, which stays the same when the goal is carried into later versions of the plan, so the gap keeps
pointing at "the same goal" after the plan is signed and revised.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.formats import date_format

from patients.models import GoalSource, PlanGoal, PlanVersion
from patients.treatment_plans import add_plan_goal

from .models import GapGoalLink


def gap_source_note(assessment, domain):
    """Where a treatment-plan goal from a gap came from, in the plan's words."""
    return (f"Recovery-capital gap: {domain.label} ({assessment.version.parsed.name}, "
            f"{date_format(assessment.taken_on, 'DATE_FORMAT')})")


def add_goal_from_gap(patient, *, assessment, domain, description, target_date=None, by):
    """Add a treatment-plan goal that answers the gap ``domain`` of ``assessment``, and link it to the gap.

    Raises PermissionDenied for non-clinicians, and ValidationError when the plan refuses the goal.
    """
    with transaction.atomic():
        goal = add_plan_goal(patient, by, description, source=GoalSource.RECOVERY_CAPITAL_GAP,
                             source_note=gap_source_note(assessment, domain), target_date=target_date)
        GapGoalLink.objects.create(assessment=assessment, domain=domain.id, treatment_goal_key=goal.key,
                                   treatment_goal_text=goal.description[:500], created_by=by)
    return goal


@dataclass(frozen=True)
class TreatmentGoal:
    description: str
    state: str  # in words: "draft", "signed", "no longer in the plan"


def goals_by_key(patient, keys):
    """{key: TreatmentGoal} as each goal reads in the newest plan version that has it (two queries)."""
    keys = [k for k in keys if k]
    if not keys:
        return {}
    newest = PlanVersion.objects.filter(plan__patient=patient).aggregate(n=Max("number"))["n"]
    found = {}
    goals = (PlanGoal.objects.filter(key__in=keys, version__plan__patient=patient)
             .select_related("version").order_by("version__number", "pk"))
    for goal in goals:
        found[goal.key] = goal  # later versions win
    return {
        key: TreatmentGoal(
            goal.description,
            "no longer in the plan" if goal.version.number != newest
            else ("signed" if goal.version.is_signed else "draft, not signed yet"),
        )
        for key, goal in found.items()
    }
