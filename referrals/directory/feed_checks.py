"""Does a feed look like another program's? Checks made before an import is applied (issue 16).

The wrong file can replace a feed without a word: a SMART Recovery feed imported "into" Alcoholics Anonymous would
mark AA's meetings inactive and file SMART meetings under AA. Two signs, each asking the importer to confirm:

* most meetings of the file name another program (in their name, group or service entity, e.g. "SMART Recovery
  Westside"), or link to its website (``url``, ``entity_url``, ``entity_website_url``, ``feedback_url``), and
  fewer name the program chosen;
* none of the meetings the feed already has are in the file (no slug in common).

No Meeting Guide type code names a program (the codes are meeting attributes such as open, closed or women), so
types are not a sign.
"""

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

# Short names meetings use for a program besides its full name (matched as whole words, letter case as written).
SHORT_NAMES = {
    "alcoholics-anonymous": ["AA"],
    "al-anon": ["Alateen"],
    "smart-recovery": ["SMART"],
    "lifering": ["LifeRing"],
    "women-for-sobriety": ["WFS"],
}
TEXT_FIELDS = ("name", "group", "entity")
LINK_FIELDS = ("url", "entity_url", "entity_website_url", "feedback_url")


def _host(url):
    try:
        host = urlsplit(str(url)).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


@dataclass
class ProgramSigns:
    """How meetings of one program name it: its names (full ones in any letter case, short ones as written) and
    the host of its website."""

    program: object

    @cached_property
    def pattern(self):
        name = self.program.name
        full = {name, name.split(" (")[0]}  # "Recovery community organizations (RCOs)" → also without the brackets
        words = [rf"(?i:{re.escape(n)})" for n in sorted(full)] + \
            [re.escape(n) for n in SHORT_NAMES.get(self.program.slug, [])]
        return re.compile(rf"(?<![\w-])(?:{'|'.join(words)})(?![\w-])")

    @cached_property
    def host(self):
        return _host(self.program.website) if self.program.website else ""

    def named_in(self, entry):
        text = " · ".join(str(entry[key]) for key in TEXT_FIELDS if isinstance(entry.get(key), str))
        if self.pattern.search(text):
            return True
        if self.host:
            hosts = (_host(entry[key]) for key in LINK_FIELDS if isinstance(entry.get(key), str))
            return any(h == self.host or h.endswith("." + self.host) for h in hosts)
        return False


@dataclass(frozen=True)
class OtherProgram:
    """The file looks like ``program``'s feed: ``count`` of ``total`` meetings name it (e.g. ``example``)."""

    program: object
    count: int
    total: int
    example: str


def looks_like_another_program(entries, *, program, programs):
    """The other program most meetings of ``entries`` (valid feed entries) name, when more than half name it and
    fewer name ``program``; else None."""
    if not entries:
        return None
    signs = [ProgramSigns(p) for p in programs]
    named, examples = Counter(), {}
    for entry in entries:
        for sign in signs:
            if sign.named_in(entry):
                named[sign.program.pk] += 1
                examples.setdefault(sign.program.pk, str(entry.get("name", "")))
    others = [(count, pk) for pk, count in named.items() if pk != program.pk]
    if not others:
        return None
    count, pk = max(others)
    if count * 2 <= len(entries) or count <= named[program.pk]:
        return None
    other = next(p for p in programs if p.pk == pk)
    return OtherProgram(program=other, count=count, total=len(entries), example=examples[pk])
