"""Languages: which one a staff member's pages are in, and which one a patient's material is in.

Staff: their own setting (``StaffMember.language``) when they chose one, else the browser's (Django's
``LocaleMiddleware`` reads ``Accept-Language`` first; this middleware runs after authentication and overrides it).
"""

import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
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


# The patient's language -----------------------------------------------------------------------------------------
#
# The rule, for everything a patient reads or takes home (the printed wellness plan, the first-meeting handout,
# the patient's own pages and reminders, the recovery-capital questionnaire taken with them): it is written in the
# patient's preferred language when the catalogue has that language (``settings.LANGUAGES``), else in English, and
# staff are told so ("No Spanish translation yet: printed in English"). Whatever language the staff member's own
# pages are in, patient material is rendered inside ``translation.override(material.code)`` (or the template's
# ``{% language material.code %}``), and the element holding it carries ``lang="{{ material.code }}"``.

#: Patient material falls back to this language.
FALLBACK_LANGUAGE = "en"


def _plain(text):
    """Lower case, no accents, no extra spaces: "Español " and "espanol" are the same wish."""
    decomposed = unicodedata.normalize("NFKD", str(text or "")).strip().lower()
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _names(code):
    """What a patient's record may say for this language: its code, its English name, its own name."""
    info = translation.get_language_info(code)
    return {_plain(code), _plain(info["name"]), _plain(info["name_local"]), _plain(dict(settings.LANGUAGES)[code])}


def language_code_for(wanted):
    """The catalogue's code for a language as a patient's record names it ("Spanish", "español", "es", "Spanish
    (Mexico)"), or None when the catalogue does not have it."""
    plain = _plain(wanted)
    if not plain:
        return None
    base = plain.split("(", 1)[0].replace("_", "-").strip()
    for code, _name in settings.LANGUAGES:
        names = _names(code)
        if plain in names or base in names or base.split("-", 1)[0] == code:
            return code
    return None


@dataclass(frozen=True)
class MaterialLanguage:
    """The language one patient's material is written in. ``wanted`` is the patient's preferred language as
    recorded; ``fell_back`` says the catalogue does not have it and the material is in English."""

    code: str
    wanted: str
    fell_back: bool

    @property
    def staff_notice(self):
        """What staff see beside the material when the patient's language has no translation (None otherwise):
        in the staff member's language, so call it outside the override."""
        if not self.fell_back:
            return None
        return translation.gettext("No %(language)s translation yet: this is printed in English.") % {
            "language": self.wanted}


def material_language(patient):
    """The language of this patient's material, by the rule above."""
    wanted = (patient.preferred_language or "").strip()
    code = language_code_for(wanted)
    if code is None:
        return MaterialLanguage(code=FALLBACK_LANGUAGE, wanted=wanted,
                                fell_back=bool(wanted) and _plain(wanted) not in _names(FALLBACK_LANGUAGE))
    return MaterialLanguage(code=code, wanted=wanted, fell_back=False)


@contextmanager
def patient_material(patient):
    """Render what the patient reads inside this: ``with patient_material(patient) as material: ...``."""
    material = material_language(patient)
    with translation.override(material.code):
        yield material
