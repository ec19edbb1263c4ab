from django import template

register = template.Library()


@register.filter
def minutes(duration):
    """A timedelta as whole minutes, e.g. for the lockout page."""
    try:
        return int(duration.total_seconds() // 60)
    except AttributeError:
        return ""
