"""Languages: which one a staff member's pages are in.

Staff: their own setting (``StaffMember.language``) when they chose one, else the browser's (Django's
``LocaleMiddleware`` reads ``Accept-Language`` first; this middleware runs after authentication and overrides it).
"""

from django.utils import translation


class StaffLanguageMiddleware:
    """Pages in the logged-in staff member's chosen language; blank leaves the browser's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language and translation.check_for_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
