"""Meeting Guide type codes, read from the data file copied from the format's published list.

A meeting stores the codes its feed gives (unknown ones too); here they become words. The export gives back exactly
the codes a meeting's feed gave, so a code the specification retired is written only when it came from the feed;
the app never adds one (meetings added by hand cannot carry them).
"""

import csv
from functools import cache
from pathlib import Path

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
RETIRED_CODES = {ONLINE: "Online", "NS": "Non-Smoking"}

# Codes a staff member can filter on besides language (women/men-only and other attributes).
FILTER_ATTRIBUTES = [
    "W", "M", "O", "C", "BE", "X", "LGBTQ", "POC", "N", "NDG", "Y", "SEN", "A", "ASL", "CF", "BA", "MED",
]


@cache
def type_labels():
    """Code → English meaning, from the data file (plus the retired codes, which many feeds still use)."""
    with TYPES_FILE.open(encoding="utf-8", newline="") as fh:
        labels = {row["code"]: row["en"] for row in csv.DictReader(fh, delimiter="\t")}
    for code, label in RETIRED_CODES.items():
        labels.setdefault(code, label)
    return labels


def label_for(code):
    return type_labels().get(code, f"Unknown code “{code}”")


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
