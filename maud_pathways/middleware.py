import zoneinfo

from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreMiddleware:
    """Pages carry patient data: never let a browser or proxy keep any page (static files excepted,
    which whitenoise answers before this middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class ClinicTimeZoneMiddleware:
    """Show dates and times in the logged-in staff member's clinic time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        clinic = getattr(user, "clinic", None) if user is not None and user.is_authenticated else None
        if clinic is None:
            return self.get_response(request)
        timezone.activate(zoneinfo.ZoneInfo(clinic.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
