"""Who may change a patient's care team, and the changes themselves. Every path that changes a team comes
through here: the care-team form of the patient page and its *Remove* buttons (``add_member``,
``remove_member``), and "Add me to the care team" of a Stop 3 conversation (``join``, called by
``referrals.support.services.log_conversation``). The rule:

* **Clinicians and clinic admins** add and remove members: staff of the patient's clinic, each in a care role
  they hold (``CareTeamMember.clean``). Everyone else gets a 403; the page shows them no form.
* **Anyone with a care role adds themselves** only through the Stop 3 conversation they hold with the patient,
  in the role they talked in.
* **Nobody adds themselves on the strength of an emergency-access grant.** When the clinic limits staff to
  their caseload, being on the care team is what gives lasting access; a grant ("break the glass") lasts
  hours. So adding oneself, by either path, needs the patient in one's caseload already (registered by
  oneself, or on their team in another role): with only a grant, the answer says to ask a clinician or the
  clinic admin. A clinician or clinic admin who opened the record by a grant may still add *someone else*,
  which the audit trail records under their name.

Each change is audited by the request that makes it (``patients.audit``).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .models import CareTeamMember, Patient, Role

#: Roles that add and remove care-team members.
TEAM_EDITOR_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)
#: Roles one can hold on a care team.
TEAM_ROLES = frozenset(value for value, _label in CareTeamMember.TEAM_ROLES)

ONLY_EDITORS = "Only clinicians and clinic admins change a care team."
NOT_ON_A_GRANT = ("You see this record through emergency access, which ends after a few hours; joining the care "
                  "team would keep it open. Ask a clinician or your clinic admin to add you.")


def can_change_care_team(user, patient):
    """Whether ``user`` adds and removes members of ``patient``'s care team (a clinician or clinic admin of the
    patient's clinic). Asks no query."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.clinic_id is not None
                and user.clinic_id == patient.clinic_id and user.has_role(*TEAM_EDITOR_ROLES))


def require_care_team_editor(user, patient):
    if not can_change_care_team(user, patient):
        raise PermissionDenied(ONLY_EDITORS)


def sees_in_own_right(user, patient):
    """Whether ``user`` sees ``patient`` without an emergency-access grant (the same rule as every lookup,
    ``Patient.objects.visible_to``, with the grants left out). One query."""
    return Patient.objects.visible_to(user, emergency_access=False).filter(pk=patient.pk).exists()


def may_join(user, patient):
    """Whether the Stop 3 conversation may offer ``user`` to join ``patient``'s care team: not on it yet, and
    seeing the patient in their own right."""
    return not patient.has_on_care_team(user) and sees_in_own_right(user, patient)


def add_member(*, patient, staff, role, by):
    """``by`` (a clinician or clinic admin) puts ``staff`` on ``patient``'s care team in ``role``.

    Raises ``PermissionDenied`` for anyone else, and ``ValidationError`` when ``staff`` cannot join in that role
    (another clinic, a role they do not hold, deactivated, already there) or when ``by`` adds themselves while
    they see the patient only through an emergency-access grant.
    """
    require_care_team_editor(by, patient)
    if staff.pk == by.pk and not sees_in_own_right(by, patient):
        raise ValidationError(NOT_ON_A_GRANT)
    member = CareTeamMember(patient=patient, staff=staff, role=role, added_by=by)
    member.full_clean()
    member.save()
    return member


def remove_member(*, patient, member, by):
    """``by`` (a clinician or clinic admin) takes ``member`` off ``patient``'s care team."""
    require_care_team_editor(by, patient)
    if member.patient_id != patient.pk:
        raise PermissionDenied("Not a member of this patient's care team.")
    with transaction.atomic():
        member.delete()
    return member


def join(*, patient, staff, role):
    """``staff`` adds themselves to ``patient``'s care team in ``role`` (the Stop 3 conversation's "Add me").

    Raises ``PermissionDenied`` when they see the patient only through an emergency-access grant, or do not
    hold ``role``. Joining a team one is already on in that role changes nothing.
    """
    if not staff.has_role(role) or role not in TEAM_ROLES:
        raise PermissionDenied("You can join a care team only in a care role you hold.")
    if not sees_in_own_right(staff, patient):
        raise PermissionDenied(NOT_ON_A_GRANT)
    member, _created = CareTeamMember.objects.get_or_create(patient=patient, staff=staff, role=role,
                                                            defaults={"added_by": staff})
    return member
