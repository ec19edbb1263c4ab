"""Models of the wellness app (Stop 2): the patient's wellness plan, recovery-capital questionnaires,
assessments, and the goals that answer recovery-capital gaps."""

from .plan import (
    PlanChange,
    SignAndAction,
    Support,
    WellnessDimension,
    WellnessGoal,
    WellnessPlan,
)
from .recovery_capital import (
    GapGoalLink,
    Questionnaire,
    QuestionnaireVersion,
    RecoveryCapitalAssessment,
)

__all__ = [
    "GapGoalLink",
    "PlanChange",
    "Questionnaire",
    "QuestionnaireVersion",
    "RecoveryCapitalAssessment",
    "SignAndAction",
    "Support",
    "WellnessDimension",
    "WellnessGoal",
    "WellnessPlan",
]
