"""The one place Stop 2 talks to the treatment plan (Stop 1, in the patients app).

Contract: ``patients.treatment_plans.add_plan_goal(patient, by, description, *, source, source_note="",
target_date=None) -> PlanGoal``; it raises PermissionDenied for non-clinicians, and each PlanGoal has a
``key`` that stays the same across versions of the plan.
"""

try:  # Stop 1 is built on another branch; until it is merged, the treatment-plan link is not offered.
    from patients.treatment_plans import add_plan_goal

    from patients.models import PlanGoal
except ImportError:  # pragma: no cover - removed once Stop 1 is merged
    PlanGoal = add_plan_goal = None


def available():
    return add_plan_goal is not None


def add_gap_goal(patient, by, description, *, source_note, target_date=None):
    """Add a treatment-plan goal that answers a recovery-capital gap."""
    return add_plan_goal(patient, by, description, source=PlanGoal.Source.RECOVERY_CAPITAL_GAP,
                         source_note=source_note, target_date=target_date)


def current_goals_by_key(patient, keys):
    """{key: PlanGoal} for the newest version of each treatment-plan goal with one of ``keys``."""
    keys = [k for k in keys if k]
    if not keys or not available():
        return {}
    goals = {}
    for goal in PlanGoal.objects.filter(key__in=keys, plan__patient=patient).order_by("pk"):
        goals[goal.key] = goal  # later rows (newer plan versions) win
    return goals
