"""Load the shared programs from the data file (``referrals/directory/data/programs.json``).

The data file is where site administrators keep the facts every clinic shares. Every fact carries its sources
(title, address, what the page says and who published it); a fact that could not be sourced is "unknown" with a
note saying so. ``unsourced_facts`` names what an entry is missing, and the loader refuses such an entry.

An entry's ``translations`` give the texts a patient reads in other languages, by language code:
``{"es": {"description": "...", "listing_note": "...", "first_meeting": ["...", ...]}}``. They say the same facts
as the English texts, so they carry the same sources; a translated text needs its English one
(``translation_problems``). A field with no translation is shown in English.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import DrinkingApproach, MedicationWelcome, Program, SpiritualContent
from .models.directory import SOURCE_PUBLISHERS, SOURCED_FACTS, TRANSLATED_FIELDS

PROGRAMS_FILE = Path(__file__).resolve().parent / "data" / "programs.json"

PROGRAM_FIELDS = [
    "name", "group", "sort_order", "drinking_approach", "spiritual_content", "audience", "cultural_focus",
    "medication_welcome", "medication_note", "offers_in_person", "offers_online", "offers_app", "website",
    "description", "listing_note", "online_languages",
]
UNKNOWN = {"drinking_approach": DrinkingApproach.UNKNOWN, "spiritual_content": SpiritualContent.UNKNOWN,
           "medication_welcome": MedicationWelcome.UNKNOWN}


@dataclass
class LoadResult:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    kept: list = field(default_factory=list)


def read_programs(path=PROGRAMS_FILE):
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    reviewed = datetime.date.fromisoformat(data["reviewed_on"]) if data.get("reviewed_on") else None
    return data["programs"], reviewed


def _source_problems(fact, source):
    problems = []
    for key in ("title", "url", "says"):
        if not str(source.get(key, "")).strip():
            problems.append(f"a source of {fact} has no {key}")
    if not str(source.get("url", "")).startswith(("https://", "http://")):
        problems.append(f"a source of {fact} has no web address")
    if source.get("publisher") not in SOURCE_PUBLISHERS:
        problems.append(f"a source of {fact} does not say who published it ({', '.join(SOURCE_PUBLISHERS)})")
    return problems


def unsourced_facts(entry):
    """What is wrong with the sources of one data-file entry (an empty list when every fact is sourced).

    A fact with a value needs at least one source; a fact that is "unknown" (or no format, no language) needs a
    note in ``not_known`` saying so instead. Sources name their title, address, what they say and who published
    them."""
    sources, not_known = entry.get("sources", {}), entry.get("not_known", {})
    problems = [f"unknown fact “{key}” in sources" for key in [*sources, *not_known] if key not in SOURCED_FACTS]
    for fact, unknown in UNKNOWN.items():
        if entry.get(fact, unknown) == unknown:
            if not not_known.get(fact):
                problems.append(f"{fact} is unknown without a note saying so")
        elif not sources.get(fact):
            problems.append(f"{fact} has no source")
    has = {
        "audience": True,
        "formats": any(entry.get(flag) for flag in ("offers_in_person", "offers_online", "offers_app")),
        "online_languages": bool(entry.get("online_languages")),
        "description": bool(entry.get("description")),
        "listing_note": bool(entry.get("listing_note")),
        "first_meeting": bool(entry.get("first_meeting")),
    }
    for fact, present in has.items():
        if present and not sources.get(fact):
            problems.append(f"{fact} has no source")
        elif not present and fact in ("formats", "online_languages") and not not_known.get(fact):
            problems.append(f"{fact} is not known without a note saying so")
    if not entry.get("medication_note"):
        problems.append("medication_note is empty")
    for fact, found in sources.items():
        for source in found:
            problems += _source_problems(fact, source)
    return problems


def translation_problems(entry):
    """What is wrong with an entry's ``translations`` (an empty list when nothing is)."""
    problems = []
    languages = {code for code, _name in settings.LANGUAGES} - {"en"}
    for language, texts in (entry.get("translations") or {}).items():
        if language not in languages:
            problems.append(f"translations into “{language}”, a language the site does not have "
                            f"({', '.join(sorted(languages))})")
            continue
        for key, text in texts.items():
            if key not in TRANSLATED_FIELDS:
                problems.append(f"{language}: “{key}” is not a translated text ({', '.join(TRANSLATED_FIELDS)})")
            elif not entry.get(key):
                problems.append(f"{language}: {key} is translated, but the entry has no English {key} to source it")
            elif key == "first_meeting" and not (isinstance(text, list) and all(isinstance(t, str) for t in text)):
                problems.append(f"{language}: first_meeting is a list of lines, as in English")
            elif key != "first_meeting" and not isinstance(text, str):
                problems.append(f"{language}: {key} is text")
    return problems


def _translations(entry):
    """The entry's translations as ``Program.translations`` keeps them (the first-meeting guide one line a point)."""
    return {language: {key: "\n".join(text) if key == "first_meeting" else text for key, text in texts.items()}
            for language, texts in (entry.get("translations") or {}).items()}


def _titles(entry, fact):
    return "; ".join(s["title"] for s in entry.get("sources", {}).get(fact, []))[:300]


@transaction.atomic
def load_programs(path=PROGRAMS_FILE, *, overwrite=False):
    """Create the shared programs of the data file that are missing.

    Programs already present keep what site administrators changed in Django admin, unless ``overwrite`` is set.
    An entry with an unsourced fact is refused (``ValidationError`` naming each problem; nothing is loaded).
    Each entry is validated with the model's own rules before it is saved.
    """
    entries, reviewed = read_programs(path)
    problems = [f"{entry.get('slug', '?')}: {problem}" for entry in entries
                for problem in [*unsourced_facts(entry), *translation_problems(entry)]]
    if problems:
        raise ValidationError(problems)
    existing = {p.slug: p for p in Program.objects.shared()}
    result = LoadResult()
    for entry in entries:
        values = {name: entry[name] for name in PROGRAM_FIELDS if name in entry}
        values.update(
            first_meeting="\n".join(entry.get("first_meeting", [])), sources=entry.get("sources", {}),
            not_known=entry.get("not_known", {}), description_source=_titles(entry, "description"),
            medication_source=_titles(entry, "medication_welcome"), translations=_translations(entry),
        )
        program = existing.get(entry["slug"])
        if program is not None and not overwrite:
            result.kept.append(program.name)
            continue
        if program is None:
            program = Program(slug=entry["slug"])
            bucket = result.created
        else:
            bucket = result.updated
        for name, value in values.items():
            setattr(program, name, value)
        program.reviewed_on = reviewed
        program.full_clean(validate_constraints=False)  # choices are checked by the fields; the database checks again
        program.save()
        bucket.append(program.name)
    return result
