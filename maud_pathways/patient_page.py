"""The patient page: the pathway across the top, a section for each stop, then the care team and contact.

Composed here because it reads all three apps (``patients`` must not import the others). Its URL keeps the
name ``patients:detail`` (see ``maud_pathways/urls.py``). The template is ``pathway/patient/page.html``; each
stop's section is ``pathway/patient/stop<n>.html`` and reads its own part of the context (``stop1`` ...).

A fixed number of queries whatever the number of plans, assessments, referrals or follow-ups (pinned in
tests/query_budgets.py), and fewer when the pathway's facts (``pathway_facts``) already say there is nothing to
load: no signed plan, no wellness plan, no conversation logged, no open barrier.
"""

from django.db.models import Count

from patients.access import patient_for_request
from patients.models import Patient
from patients.treatment_plans import signed_version_in_brief
from referrals.followup.access import can_work_on_stop5
from referrals.followup.models.barriers import ACTIVE_BARRIER_STATUSES
from referrals.followup.models.followups import follow_up_summary
from referrals.support.summary import stop3_in_brief
from wellness.models import WellnessPlan

from .pathway import build_pathways, pathway_facts, referral_rows


def patient_for_page(request, public_id):
    """The patient named in the URL (through the one access rule), with the care team, the matching preferences
    (Stop 4 shows them) and the pathway's facts."""
    return pathway_facts(patient_for_request(request, public_id,
                                             queryset=Patient.objects.select_related("matching_preferences")))


def page_context(patient, user, today, *, care_team_form):
    """Everything the page shows, by section. ``patient`` comes from ``patient_for_page``; ``care_team_form``
    is None for staff who do not change care teams (``patients.care_teams``): they see the team only."""
    stop3 = stop3_in_brief(patient, any_conversation=patient.pw_conversation_on is not None)
    # The pathway's rules read the referrals Stop 3 and 4 loaded.
    pathway = build_pathways([patient], today, referrals={patient.pk: referral_rows(stop3["referrals"])})[patient.pk]
    stops = [{"stop": stop, "yours": stop.is_turn_of(user)} for stop in pathway.stops]
    return {
        "patient": patient,
        "pathway": pathway,
        "stops": stops,
        "your_stops": [item["stop"] for item in stops if item["yours"]],
        "stop1": _stop1(patient, today),
        "stop2": _stop2(patient, user, pathway.latest_assessment),
        "stop3": stop3,
        "stop5": _stop5(patient, user, today),
        "care_team_form": care_team_form,
    }


def _stop1(patient, today):
    """The plan in force with its medications, and the draft being edited (from the pathway's facts)."""
    signed = signed_version_in_brief(patient) if patient.plan_signed_number is not None else None
    return {"signed": signed, "draft_number": patient.plan_draft_number, "today": today}


def _stop2(patient, user, latest):
    """The wellness plan at a glance and the latest recovery-capital result (``latest``: the pathway loaded it)."""
    plan = None
    if patient.pw_wellness_plan:
        # One plan at most (one-to-one): a slice, not .first(), which would order it by id.
        plan = next(iter(WellnessPlan.objects.filter(patient=patient).select_related("updated_by")
                         .annotate(goal_count=Count("goals"))[:1]), None)
    if latest is not None:
        latest.patient = patient  # its link needs the patient's public id, already at hand
    return {
        "plan": plan,
        "latest": latest,
        "goal_count": plan.goal_count if plan else 0,
        "can_edit": patient.has_on_care_team(user),  # the wellness plan is co-created by the care team
    }


def _stop5(patient, user, today):
    """Open barriers, the next follow-up and the patient's engagement."""
    next_follow_up, engagement, last_follow_up = follow_up_summary(patient, today)
    return {
        "today": today,
        "last_follow_up": last_follow_up,
        "open_barriers": (list(patient.barriers.filter(status__in=ACTIVE_BARRIER_STATUSES).select_related("owner"))
                          if patient.pw_active_barriers else []),
        "next_follow_up": next_follow_up,
        "engagement": engagement,
        "can_edit": can_work_on_stop5(user, patient),
    }
