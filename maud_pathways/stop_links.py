"""What one stop's page shows of another stop, composed here because the apps do not use each other.

``patients`` (the treatment plan, Stop 1) and ``wellness`` (recovery capital, Stop 2) call these through a
setting naming them (``TREATMENT_PLAN_COMPANION``, ``RECOVERY_CAPITAL_RESOURCES``), the way Django names
``AUTH_USER_MODEL``: the apps receive plain data (titles, words, links) and render it without knowing where it
came from.

* The treatment plan shows and links the patient's wellness plan (the pathway's point is that the two work
  together) and the goals that came from recovery-capital gaps.
* A recovery-capital result offers, for each low domain, the resources that address it, as the pathway asks the
  peer to do: finding mutual-support options first, then the clinic's own programs (a local recovery community
  organization, a cultural group) and the shared peer-run recovery centers.
"""

from django.db.models import F, Q
from django.urls import reverse

from patients.models import GoalSource, GoalStatus
from referrals.models import Program, ProgramGroup
from wellness.models import GapGoalLink, WellnessPlan

from .shared import day, latest_assessment_first, patient_url


def plan_companion(patient, version=None):
    """The wellness plan and the gap goals, for the treatment plan page of ``patient`` (three queries)."""
    plan = (WellnessPlan.objects.filter(patient=patient).prefetch_related("goals").first())
    wellness = {
        "url": patient_url("wellness:plan", patient),
        "exists": plan is not None and not (plan.is_empty and not plan.goals.all()),
        "vision": plan.vision if plan else "",
        "goals": [g.goal for g in plan.goals.all()][:5] if plan else [],
        "updated": day(plan.updated_at) if plan else "",
    }
    gap_goals = []
    if version is not None:
        gap_goals = [{"where": "Treatment plan", "text": g.description, "about": g.source_note}
                     for g in version.goals.all()
                     if g.source == GoalSource.RECOVERY_CAPITAL_GAP and g.status != GoalStatus.DROPPED]
    links = (GapGoalLink.objects.filter(assessment__patient=patient, wellness_goal__isnull=False)
             .select_related("wellness_goal", "assessment"))
    gap_goals += [{"where": "Wellness plan", "text": link.wellness_goal.goal,
                   "about": f"From a recovery-capital gap (check-in of {day(link.assessment.taken_on)})"}
                  for link in links]
    latest = latest_assessment_first(patient).only("pk", "taken_on").first()
    return {
        "wellness": wellness,
        "gap_goals": gap_goals,
        "assessment_url": patient_url("wellness:assessment_detail", patient, latest.pk) if latest else
        patient_url("wellness:assessment_list", patient),
    }


def gap_resources(patient):
    """Resources for the low domains of a recovery-capital result: mutual support first, then the clinic's own
    programs and the shared peer-run recovery centers (one query)."""
    resources = [{
        "title": "Find mutual-support options",
        "url": reverse("referrals:find_options", args=[patient.public_id]),
        "about": "Peer-led groups that fit the patient's preferences, ranked with the reasons: mutual support "
                 "builds social and community recovery capital.",
    }]
    programs = Program.objects.filter(
        Q(clinic_id=patient.clinic_id) | Q(clinic__isnull=True, group=ProgramGroup.PEER_RUN_CENTER)
    ).order_by(F("clinic_id").desc(nulls_last=True), "sort_order", "name")
    for program in programs:
        whose = "the clinic's own" if program.clinic_id else "peer-run recovery center"
        resources.append({"title": program.name, "url": program.get_absolute_url(),
                          "about": f"{whose}: {program.description}" if program.description else whose})
    return resources
