from django import template

from ..lifecycle import CLOSED_STATUSES

register = template.Library()


@register.inclusion_tag("referrals/_status_badge.html")
def referral_status(status, label):
    """The referral status in words, with a shape marker so it never relies on colour alone."""
    closed = status in CLOSED_STATUSES
    return {"status": status, "label": label, "closed": closed}
