from django import template

from ..models import RecoveryCapitalAssessment, WellnessPlan

register = template.Library()


@register.inclusion_tag("wellness/_patient_section_body.html", takes_context=True)
def wellness_section(context, patient):
    """Stop 2 on the patient page: the wellness plan at a glance and the latest recovery-capital result."""
    user = context["request"].user
    plan = WellnessPlan.objects.filter(patient=patient).select_related("updated_by").first()
    latest = (RecoveryCapitalAssessment.objects.filter(patient=patient)
              .select_related("version__questionnaire").first())
    if latest is not None:
        latest.patient = patient  # its link needs the patient's public id, already at hand
    return {
        "patient": patient, "plan": plan, "latest": latest,
        "goal_count": plan.goals.count() if plan else 0,
        "can_edit": patient.has_on_care_team(user),
    }
