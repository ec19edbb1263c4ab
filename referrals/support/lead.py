"""Who leads Stop 3 for a patient: 3a (peer support specialist) or 3b (clinician or case manager)."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from patients.models import Role


class Stop3Track(models.TextChoices):
    PEER = "3a", _("Stop 3a: peer-led")
    STAFF = "3b", _("Stop 3b: clinician or case manager leads")


#: A next step agreed in a conversation reaches the home queue of whoever agreed it this many days early.
NEXT_STEP_NOTICE_DAYS = 3

#: Roles that may hold the mutual-support conversation and refer (any care role; the lead is shown).
CARE_ROLES = (Role.PEER_SPECIALIST, Role.CLINICIAN, Role.CASE_MANAGER)


@dataclass(frozen=True)
class Stop3Lead:
    track: Stop3Track
    leads: list  # StaffMember objects on the care team who lead
    lead_roles: tuple

    @property
    def label(self):
        return self.track.label

    @property
    def explanation(self):
        if self.track == Stop3Track.PEER:
            return gettext("A peer support specialist is on the care team, so the peer leads the talk about mutual "
                           "support.")
        if self.leads:
            return gettext("No peer support specialist is on the care team, so a clinician or case manager leads "
                           "the talk about mutual support.")
        return gettext("No peer support specialist is on the care team, and no clinician or case manager either: "
                       "add one to the care team to lead Stop 3.")

    def is_lead(self, user):
        return any(staff.pk == user.pk for staff in self.leads)


def stop3_lead(patient):
    """Decide 3a or 3b from the patient's current care team (uses a ``care_team__staff`` prefetch if present)."""
    peers = patient.care_team_with_role(Role.PEER_SPECIALIST)
    if peers:
        return Stop3Lead(Stop3Track.PEER, peers, (Role.PEER_SPECIALIST,))
    staff = []
    for member in patient.care_team_members():
        if member.role in (Role.CLINICIAN, Role.CASE_MANAGER) and member.staff not in staff:
            staff.append(member.staff)
    return Stop3Lead(Stop3Track.STAFF, staff, (Role.CLINICIAN, Role.CASE_MANAGER))


def conversation_role(user, patient):
    """The care role ``user`` talks with the patient in: their role on the patient's care team, else their own
    first care role (peer support specialist, clinician, case manager, in that order)."""
    for role in CARE_ROLES:
        if patient.has_on_care_team(user, role):
            return role
    for role in CARE_ROLES:
        if user.has_role(role):
            return role
    return Role.CLINICIAN
