"""Models of the patients app: clinics, staff and roles, patients, care teams, treatment plans.

Each area lives in its own module; everything is re-exported here so that
``from patients.models import Patient`` keeps working.
"""

from .audit import AuditAction, AuditActor, AuditEntry
from .clinic import Clinic, Role, StaffMember, StaffRole
from .emergency import EmergencyAccess
from .patient import CareTeamMember, ContactMethod, OutsideCaseload, Patient, PatientQuerySet
from .treatment_plan import (
    DrinkingGoal,
    GoalSource,
    GoalStatus,
    Medication,
    MedicationStatus,
    PlanAction,
    PlanActivity,
    PlanGoal,
    PlanMedication,
    PlanSafetyCheck,
    PlanTherapy,
    PlanVersion,
    SafetyPrompt,
    SignedVersionError,
    Therapy,
    TreatmentPlan,
    plan_status_annotations,
    review_is_due,
    review_is_due_q,
)

__all__ = [
    "AuditAction",
    "AuditActor",
    "AuditEntry",
    "CareTeamMember",
    "Clinic",
    "ContactMethod",
    "DrinkingGoal",
    "EmergencyAccess",
    "GoalSource",
    "GoalStatus",
    "Medication",
    "MedicationStatus",
    "OutsideCaseload",
    "Patient",
    "PatientQuerySet",
    "PlanAction",
    "PlanActivity",
    "PlanGoal",
    "PlanMedication",
    "PlanSafetyCheck",
    "PlanTherapy",
    "PlanVersion",
    "Role",
    "SafetyPrompt",
    "SignedVersionError",
    "StaffMember",
    "StaffRole",
    "Therapy",
    "TreatmentPlan",
    "plan_status_annotations",
    "review_is_due",
    "review_is_due_q",
]
