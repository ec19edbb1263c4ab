from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.inclusion_tag("partials/breadcrumbs.html")
def patient_breadcrumbs(patient, *trail):
    """Breadcrumbs for a patient page: Patients › name › trail.

    ``trail`` alternates label and URL; the last label stands alone (the current page).
    With no trail, the patient's own page is the current page.
    """
    crumbs = [(_("Patients"), reverse("patients:list"))]
    crumbs.append((patient.display_name, patient.get_absolute_url() if trail else None))
    items = list(trail)
    while items:
        label = items.pop(0)
        url = items.pop(0) if items else None
        crumbs.append((label, url))
    return {"crumbs": crumbs}


@register.inclusion_tag("partials/role_badge.html")
def role_badge(role, label, role_text=""):
    """A coloured pill for a role; ``role_text`` names the role in words when ``label`` is a person."""
    return {"role": role, "label": label, "role_text": role_text}
