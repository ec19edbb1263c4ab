from django import template
from django.utils import timezone

from .. import treatment_plans
from ..models import PlanVersion

register = template.Library()


@register.inclusion_tag("patients/plan/_patient_section.html")
def treatment_plan_summary(patient):
    """The treatment-plan card of the patient page: latest signed version and any draft (5 queries)."""
    return {
        "patient": patient,
        "summary": {
            "signed": treatment_plans.latest_signed_version(patient),
            "draft_number": PlanVersion.objects.filter(plan__patient=patient).drafts()
            .values_list("number", flat=True).first(),
            "today": timezone.localdate(),
        },
    }
