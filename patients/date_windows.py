"""The dates a staff form accepts, by what the date means: defined once, used by every form with a date.

A date that records something that happened (a follow-up done, a conversation held, a consent signed) lies
between the patient's birth and today; a date something is planned for (the next follow-up, a due date, the next
review of the plan) lies between today and a year or two ahead; a goal's target a few years ahead at most. Each
window is named here (``HAPPENED``, ``SOON``, ``REVIEW``, ``TARGET``...) and a form lists its date fields with
the words for each (``date_windows``); ``DateWindowsMixin`` checks them after the form's own rules, and the
message says the window in words: "The next follow-up must be between today and Nov 29, 2028."

A saved date the form shows unchanged is not checked again (a goal whose target has passed can still be edited
without inventing a new target), unless the window says ``recheck=True``.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format

#: How far back anyone's history reaches when the patient (and so their birth) is not known to the form.
OLDEST_AGE_YEARS = 120


def add_years(day, years):
    """``day`` moved by whole years (Feb 29 becomes Feb 28 in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def format_day(day):
    """The day as the active language writes dates (``DATE_FORMAT``: "Nov 29, 2028" in English)."""
    return date_format(day, "DATE_FORMAT")


@dataclass(frozen=True)
class Bound:
    """One end of a window: a day worked out from today, the patient's birth, or another date on the form, and
    how the message names it."""

    kind: str  # "today", "years" (from today), "birth", "field" (another date of the form), "fixed"
    years: int = 0
    field: str = ""
    words: str = ""
    fixed: datetime.date | None = None

    def day(self, *, today, birth, cleaned):
        if self.kind == "today":
            return today
        if self.kind == "years":
            return add_years(today, self.years)
        if self.kind == "birth":
            return birth or add_years(today, -OLDEST_AGE_YEARS)
        if self.kind == "fixed":
            return self.fixed
        value = cleaned.get(self.field)
        return value if isinstance(value, datetime.date) else None

    def describe(self, day, *, birth):
        if self.kind == "today":
            return "today"
        if self.kind == "birth" and birth is not None:
            return f"the patient's date of birth ({format_day(day)})"
        if self.kind in ("field", "fixed"):
            return f"{self.words} ({format_day(day)})"
        return format_day(day)


TODAY = Bound("today")
BIRTH = Bound("birth")


def years_ahead(years):
    return Bound("years", years=years)


def years_back(years):
    return Bound("years", years=-years)


def field_bound(name, words):
    """Another date of the same form, e.g. a consent expires no earlier than the day it was signed."""
    return Bound("field", field=name, words=words)


@dataclass(frozen=True)
class DateWindow:
    earliest: Bound
    latest: Bound
    recheck: bool = False  # check a saved date again even when the form shows it unchanged

    def problem(self, value, what, *, today, birth, cleaned):
        """The message when ``value`` lies outside the window, else None."""
        lo = self.earliest.day(today=today, birth=birth, cleaned=cleaned)
        hi = self.latest.day(today=today, birth=birth, cleaned=cleaned)
        if (lo is None or value >= lo) and (hi is None or value <= hi):
            return None
        if lo is None or hi is None:  # the other date is missing or invalid: say the end that is known
            if lo is not None:
                return f"{what} cannot be before {self.earliest.describe(lo, birth=birth)}."
            return f"{what} cannot be after {self.latest.describe(hi, birth=birth)}."
        return (f"{what} must be between {self.earliest.describe(lo, birth=birth)} and "
                f"{self.latest.describe(hi, birth=birth)}.")

    def bounds(self, *, today, birth, cleaned=None):
        cleaned = cleaned or {}
        return (self.earliest.day(today=today, birth=birth, cleaned=cleaned),
                self.latest.day(today=today, birth=birth, cleaned=cleaned))


# The named windows ------------------------------------------------------------------------------------------
#: Something that happened to or with the patient: not before they were born, not in the future.
HAPPENED = DateWindow(BIRTH, TODAY)
#: Work planned for the coming weeks: a follow-up, a next step, an intervention's due date, a first meeting.
SOON = DateWindow(TODAY, years_ahead(2))
#: The plan's next review: today at the earliest (a plan is never signed already due), two years at the most.
REVIEW = DateWindow(TODAY, years_ahead(2), recheck=True)
#: What a goal aims for: from today, up to five years ahead.
TARGET = DateWindow(TODAY, years_ahead(5))
#: A medication's start or stop: history since birth, or planned within the next year.
MEDICATION = DateWindow(BIRTH, years_ahead(1))
#: A date of birth: nobody registered is older than OLDEST_AGE_YEARS or born in the future.
BIRTH_DATE = DateWindow(years_back(OLDEST_AGE_YEARS), TODAY)
#: A Part 2 consent's expiry: not before it was signed, at most ten years ahead.
CONSENT_EXPIRY = DateWindow(field_bound("signed_on", "the date signed"), years_ahead(10))
#: When a directory entry was last checked against its source (no patient): the last 30 years.
REVIEWED = DateWindow(years_back(30), TODAY)


def after(window, name, words):
    """``window`` starting at another date of the form instead (e.g. "the day it was signed")."""
    return DateWindow(field_bound(name, words), window.latest, window.recheck)


def not_before(day, words, latest=TODAY):
    """A window from a known day (a barrier noted on Nov 2, a consent signed on Oct 1) to ``latest``."""
    return DateWindow(Bound("fixed", fixed=day, words=words), latest)


class DateWindowsMixin:
    """Checks a form's dates against their windows after the form's own rules.

    The form says ``date_windows = {"field": ("The next follow-up", SOON), ...}`` (or builds
    ``self.date_windows`` in ``__init__`` when a window depends on a record), and ``window_patient`` is the
    patient whose birth starts their history (``self.patient`` unless the form says otherwise)."""

    date_windows = {}

    def window_patient(self):
        patient = getattr(self, "patient", None)
        instance = getattr(self, "instance", None)
        if patient is None and instance is not None:  # a record's patient, when already loaded (no query)
            patient = instance._state.fields_cache.get("patient")
        return patient

    def _post_clean(self):
        # After the form's and the model's own rules, so a date they already refused gets one message, not two.
        super()._post_clean()
        cleaned = self.cleaned_data
        patient = self.window_patient()
        birth = getattr(patient, "date_of_birth", None)
        today = timezone.localdate()
        instance = getattr(self, "instance", None)
        saved = instance is not None and instance.pk is not None
        for name, (what, window) in self.date_windows.items():
            value = cleaned.get(name)
            if not isinstance(value, datetime.date) or name in self._errors:
                continue
            if saved and not window.recheck and name not in self.changed_data:
                continue  # a saved date kept as it was
            problem = window.problem(value, what, today=today, birth=birth, cleaned=cleaned)
            if problem:
                self.add_error(name, problem)
