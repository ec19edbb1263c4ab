"""Dates for test data, counted from today in the active time zone (the day the pages call today).

One helper, one meaning: ``days_from_today(n)`` is a ``datetime.date``, ``n`` days after today (before it when
``n`` is negative). A moment (an aware datetime) is written where it is needed, as
``timezone.now() - datetime.timedelta(days=n)``.
"""

import datetime

from django.utils import timezone


def today():
    """Today's date."""
    return timezone.localdate()


def days_from_today(n):
    """The date ``n`` days after today; ``days_from_today(-3)`` is three days ago."""
    return today() + datetime.timedelta(days=n)
