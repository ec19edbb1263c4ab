"""How dates and times read in English (over Django's own ``en`` formats). Templates name a format
(``date:"DATE_FORMAT"``) rather than writing one, so each language reads its own way.

Every language in ``LANGUAGES`` has a module like this one with the same names: the names below Django does not
know (``WEEKDAY_DATE_FORMAT`` ...) are looked up only here (``tests/test_languages.py`` checks each is defined).
"""

DATE_FORMAT = "M j, Y"  # Dec 7, 2026
LONG_DATE_FORMAT = "F j, Y"  # December 7, 2026
WEEKDAY_DATE_FORMAT = "l, F j"  # Monday, December 7
SHORT_WEEKDAY_DATE_FORMAT = "D M j, Y"  # Mon Dec 7, 2026
MONTH_DAY_FORMAT = "M j"  # Dec 7
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_FORMAT = "M"  # Dec
TIME_FORMAT = "g:i A"  # 6:30 PM
DATETIME_FORMAT = "M j, Y, g:i A"  # Dec 7, 2026, 6:30 PM
LONG_DATETIME_FORMAT = "F j, Y, g:i A"  # December 7, 2026, 6:30 PM
MONTH_DAY_TIME_FORMAT = "M j, g:i A"  # Dec 7, 6:30 PM
SECONDS_DATETIME_FORMAT = "M j, Y H:i:s"  # Dec 7, 2026 18:30:05 (the audit trail)
