"""Who may work on a patient's barriers and follow-ups (Stop 5)."""

from django.core.exceptions import PermissionDenied

from patients.models import Role, StaffMember

#: Roles that can be asked to own a barrier, an intervention or a follow-up.
STOP5_ROLES = (Role.CASE_MANAGER, Role.PEER_SPECIALIST, Role.CLINICIAN)


def can_work_on_stop5(user, patient):
    """Case managers of the clinic, and anyone on the patient's care team, record barriers and follow-ups.

    ``patient`` must already come from ``Patient.objects.visible_to(user)``.
    """
    return user.is_case_manager or patient.has_on_care_team(user)


def require_stop5_access(user, patient):
    if not can_work_on_stop5(user, patient):
        raise PermissionDenied("Only case managers and the patient's care team record barriers and follow-ups.")


def assignable_staff(clinic_id):
    """Active staff of the clinic who can own barriers, interventions and follow-ups."""
    return (StaffMember.objects.filter(clinic_id=clinic_id, is_active=True, staff_roles__role__in=STOP5_ROLES)
            .distinct().order_by("last_name", "first_name", "username"))
