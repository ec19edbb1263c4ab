from django import template
from django.urls import reverse
from django.utils.html import format_html
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


@register.simple_tag
def role_badge(role, label, role_text=""):
    """A coloured pill for a role; ``role_text`` names the role in words when ``label`` is a person.

    Built here rather than from a template: lists show one per care-team member (75 on a page of the patient list),
    and an inclusion tag's template cost more than the rest of the row."""
    if role_text:
        return format_html('<span class="badge rounded-pill role-badge role-{}" title="{}">{}'
                           '<span class="visually-hidden"> ({})</span></span>', role, role_text, label, role_text)
    return format_html('<span class="badge rounded-pill role-badge role-{}">{}</span>', role, label)
