"""The pathway on the patient page: composed here because ``patients`` must not import the other apps."""

from django import template
from django.utils import timezone

from ..pathway import StopStatus, pathway_for

register = template.Library()


@register.inclusion_tag("pathway/_patient_pathway.html", takes_context=True)
def patient_pathway(context, patient):
    """The five stops of one patient, with whose turn it is; the logged-in staff member's stops stand out.

    ``patient`` comes from ``Patient.objects.get_visible_or_404`` (the patient page); a fixed number of
    queries whatever the number of plans, assessments, referrals or follow-ups.
    """
    user = context["request"].user
    pathway = pathway_for(patient, timezone.localdate())
    stops = [{"stop": stop, "yours": stop.is_turn_of(user)} for stop in pathway.stops]
    return {
        "patient": patient,
        "pathway": pathway,
        "stops": stops,
        "your_stops": [s["stop"] for s in stops if s["yours"]],
        "statuses": StopStatus,
    }
