"""What a request sends that no Django form field reads: ids and slugs in the query string or in POST values,
and JSON files. Forms validate everything else.

Every id a view reads straight from the request goes through ``parse_id`` (or ``id_or_404``): a plain ASCII
positive integer of at most 18 digits (it fits the database's 64-bit keys) or nothing. ``str.isdigit`` is not
enough: it accepts "²" and "①", which ``int`` then refuses with a server error, and ``int`` itself accepts
" 7", "٧" and "+7". Slugs go through ``slug_or_404``. JSON that staff upload or paste goes through
``read_json``, which refuses what would otherwise break further on: nesting deeper than any real file (a
200,000-deep array exhausts Python's stack), numbers too long to be real (``int`` refuses over 4,300 digits),
NaN and Infinity (not JSON; PostgreSQL refuses them) and NUL characters (PostgreSQL refuses them in text).

Defined in ``patients`` because every app reads requests and every app may import ``patients``.
"""

import json
import math
import re

from django.http import Http404

MAX_ID_DIGITS = 18
_NUMBER = re.compile(rf"0|[1-9][0-9]{{0,{MAX_ID_DIGITS - 1}}}")
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")

#: Deeper than any Meeting Guide feed or questionnaire definition (they nest three or four levels).
MAX_JSON_DEPTH = 32
#: Longer numbers are not counts, days, scores or coordinates.
MAX_JSON_NUMBER_DIGITS = 40


def parse_id(value, *, zero_ok=False):
    """``value`` (a string from the request, or None) as a database id, or None when it is not one.
    ``zero_ok`` also takes 0 (for positions in a list, counted from 0)."""
    if isinstance(value, str) and _NUMBER.fullmatch(value) and (zero_ok or value != "0"):
        return int(value)
    return None


def id_or_404(value, what="record", *, zero_ok=False):
    """``value`` as a database id; None when it is absent or empty; a 404 when it is anything else."""
    if value is None or value == "":
        return None
    number = parse_id(value, zero_ok=zero_ok)
    if number is None:
        raise Http404(f"No such {what}.")
    return number


def slug_or_404(value, what="record"):
    """``value`` as a slug (ASCII letters, digits, dashes and underscores); None when absent or empty; else 404."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise Http404(f"No such {what}.")
    return value


class JSONInputError(ValueError):
    """The text is JSON, but not JSON this product reads; the message says why in plain words."""


def _parse_int(text):
    if len(text.lstrip("-")) > MAX_JSON_NUMBER_DIGITS:
        raise JSONInputError(f"The file holds a number with more than {MAX_JSON_NUMBER_DIGITS} digits.")
    return int(text)


def _parse_float(text):
    number = float(text)
    if not math.isfinite(number):
        raise JSONInputError("The file holds a number too large to use.")
    return number


def _refuse_constant(name):
    raise JSONInputError(f"The file holds {name}, which is not a number JSON allows.")


def read_json(text):
    """Parse JSON text (str or bytes already decoded by the caller) within the limits above.

    Raises ``json.JSONDecodeError`` for text that is not JSON (with line and column) and ``JSONInputError``
    for JSON beyond the limits; both are ``ValueError``.
    """
    try:
        data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_refuse_constant)
    except RecursionError:
        raise JSONInputError(f"The file nests lists or objects more than {MAX_JSON_DEPTH} levels deep.") from None
    _check_depth_and_text(data)
    return data


def _check_depth_and_text(data):
    """Walk the parsed value without recursion: no deeper than ``MAX_JSON_DEPTH``, no NUL in any text. Each node
    keeps a link to its parent, so the place of a NUL is spelled out only when there is one."""
    stack = [(data, 1, None)]
    while stack:
        value, depth, place = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise JSONInputError(_nul_message(_spell(place) or "its text"))
        elif isinstance(value, (list, dict)):
            if depth > MAX_JSON_DEPTH:
                raise JSONInputError(f"The file nests lists or objects more than {MAX_JSON_DEPTH} levels deep.")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and "\x00" in key:
                    raise JSONInputError(_nul_message(f"the name of a field{' in ' if place else ''}{_spell(place)}"))
                stack.append((item, depth + 1, (place, key)))


def _spell(place):
    """A place in the file in words: item 3 → “name” (items counted from 1)."""
    steps = []
    while place is not None:
        place, key = place
        steps.append(f"“{key[:40]}”" if isinstance(key, str) else f"item {key + 1}")
    return " → ".join(reversed(steps))


def _nul_message(where):
    return f"The file holds a NUL character (\\u0000) in {where}; remove it and try again."
