"""Meeting Guide type codes, read from the data file copied from the format's published list.

The file has a column per language: ``en`` (the codes' meaning, used for matching, filters and the export) and
``es`` (Spanish, copied from the same published list: code4recovery/spec ``src/types.ts``). Words shown to people
come in the active language (``label_for``; English when the file has no column for it).

A meeting stores the codes its feed gives (unknown ones too); here they become words. The export gives back exactly
the codes a meeting's feed gave, so a code the specification retired is written only when it came from the feed;
the app never adds one (meetings added by hand cannot carry them).
"""

import csv
from functools import cache
from pathlib import Path

from django.utils.translation import get_language, gettext, gettext_noop

TYPES_FILE = Path(__file__).resolve().parent / "data" / "meeting-guide-types.tsv"

# Codes that name the language a meeting is held in (their meaning in the data file is the language).
LANGUAGE_CODES = frozenset({
    "AF", "AM", "AR", "ASL", "BG", "DA", "DE", "EL", "EN", "FA", "FI", "FR", "HE", "HI", "HR", "HU", "IS",
    "ITA", "JA", "KA", "KOR", "LT", "ML", "MT", "NE", "NL", "NO", "POL", "POR", "PUN", "RUS", "S", "SK",
    "SL", "SV", "TH", "TL", "TUR", "UK",
})
DEFAULT_LANGUAGE = "English"

# Codes with a meaning for matching and filters.
WOMEN = "W"
MEN = "M"
ONLINE = "ONL"  # retired from the published list (below), yet still in many feeds for online meetings
TEMPORARILY_CLOSED = "TC"
NEWCOMER = "BE"
OPEN = "O"
CLOSED = "C"
WHEELCHAIR = "X"

# Codes the specification retired: "ONL" (Online) and "NS" (Non-Smoking) were in the Meeting Types table until it
# was rewritten in early 2022 (spec, Meeting Types; the repository's history). Online meetings are now known by their
# conference_url or conference_phone (spec, Online Meeting Fields). Feeds still send them, so they are read and
# shown in words, and kept on the meetings that came with them.
RETIRED_CODES = {ONLINE: gettext_noop("Online"), "NS": gettext_noop("Non-Smoking")}

# Codes a staff member can filter on besides language (women/men-only and other attributes).
FILTER_ATTRIBUTES = [
    "W", "M", "O", "C", "BE", "X", "LGBTQ", "POC", "N", "NDG", "Y", "SEN", "A", "ASL", "CF", "BA", "MED",
]


@cache
def _rows():
    with TYPES_FILE.open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh, delimiter="\t"))


@cache
def type_labels(language="en"):
    """Code → meaning in ``language`` (a column of the data file; English where it has none), plus the retired
    codes, which many feeds still use."""
    labels = {row["code"]: row.get(language) or row["en"] for row in _rows()}
    for code, label in RETIRED_CODES.items():
        labels.setdefault(code, label)
    return labels


def _column():
    """The data file's column for the active language ("en" when it has none)."""
    language = (get_language() or "en").split("-", 1)[0]
    return language if language in _rows()[0] else "en"


def label_for(code):
    """The code in words, in the active language."""
    label = type_labels(_column()).get(code)
    if label is None:
        return gettext("Unknown code “%(code)s”") % {"code": code}
    return gettext(label) if code in RETIRED_CODES else label


def language_label(name):
    """A meeting language as stored (its English name, "Spanish") in the active language ("Español")."""
    code = code_for_language(name)
    return label_for(code) if code else name


def is_known(code):
    return code in type_labels()


def languages_for(codes):
    """Languages named by a meeting's codes, English when none is named."""
    labels = type_labels()
    found = [labels[c] for c in codes if c in LANGUAGE_CODES and c in labels]
    return found or [DEFAULT_LANGUAGE]


def language_choices():
    labels = type_labels()
    return sorted({labels[c] for c in LANGUAGE_CODES if c in labels})


def code_for_language(name):
    labels = type_labels()
    for code in LANGUAGE_CODES:
        if labels.get(code, "").lower() == (name or "").strip().lower():
            return code
    return None


def attribute_choices():
    return [(code, label_for(code)) for code in FILTER_ATTRIBUTES]
