from django import template

from ..lifecycle import CLOSED_STATUSES
from ..support.summary import stop3_summary

register = template.Library()


@register.inclusion_tag("referrals/_stop3_card.html")
def stop3_section(patient):
    """The Stop 3 card on the patient page (a fixed number of queries)."""
    return stop3_summary(patient)


@register.inclusion_tag("referrals/_status_badge.html")
def referral_status(status, label):
    """The referral status in words, with a shape marker so it never relies on colour alone."""
    closed = status in CLOSED_STATUSES
    return {"status": status, "label": label, "closed": closed}
