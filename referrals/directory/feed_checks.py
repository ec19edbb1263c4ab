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


def _names_pattern(program):
    """How meetings name a program: its full names in any letter case, its short names as written."""
    name = program.name
    full = {name, name.split(" (")[0]}  # "Recovery community organizations (RCOs)" → also without the brackets
    words = [rf"(?i:{re.escape(n)})" for n in sorted(full)] + [re.escape(n) for n in SHORT_NAMES.get(program.slug, [])]
    return "|".join(words)


class ProgramSigns:
    """Which programs one feed entry names (one pass of one pattern over its text) or links to (its hosts)."""

    def __init__(self, programs):
        self.programs = list(programs)
        groups = [f"(?P<p{i}>{_names_pattern(p)})" for i, p in enumerate(self.programs)]
        self.pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(groups)})(?![\w-])")
        self.by_host = {_host(p.website): p for p in self.programs if p.website and _host(p.website)}

    def named_in(self, entry):
        """The programs ``entry`` names in its name, group or entity, or whose website it links to."""
        text = " · ".join(entry[key] for key in TEXT_FIELDS if isinstance(entry.get(key), str))
        found = {self.programs[int(match.lastgroup[1:])] for match in self.pattern.finditer(text)}
        for key in LINK_FIELDS:
            if isinstance(entry.get(key), str):
                parts = _host(entry[key]).split(".")
                # The program's host, or a host under it (meetings.smartrecovery.org).
                found.update(self.by_host[h] for h in (".".join(parts[i:]) for i in range(len(parts)))
                             if h in self.by_host)
        return found


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
    signs = ProgramSigns(programs)
    named, examples = Counter(), {}
    for entry in entries:
        for found in signs.named_in(entry):
            named[found.pk] += 1
            examples.setdefault(found.pk, str(entry.get("name", "")))
    others = [(count, pk) for pk, count in named.items() if pk != program.pk]
    if not others:
        return None
    count, pk = max(others)
    if count * 2 <= len(entries) or count <= named[program.pk]:
        return None
    other = next(p for p in programs if p.pk == pk)
    return OtherProgram(program=other, count=count, total=len(entries), example=examples[pk])
