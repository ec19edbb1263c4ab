"""Models of the patients app: clinics, staff and roles, patients, care teams.

Each area lives in its own module; everything is re-exported here so that
``from patients.models import Patient`` keeps working.
"""

from .audit import AuditAction, AuditEntry
from .clinic import Clinic, Role, StaffMember, StaffRole
from .patient import CareTeamMember, ContactMethod, Patient, PatientQuerySet

__all__ = [
    "AuditAction",
    "AuditEntry",
    "CareTeamMember",
    "Clinic",
    "ContactMethod",
    "Patient",
    "PatientQuerySet",
    "Role",
    "StaffMember",
    "StaffRole",
]
