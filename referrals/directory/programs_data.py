"""Load the directory's programs from the data file (``referrals/directory/data/programs.json``)."""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .models import Program

PROGRAMS_FILE = Path(__file__).resolve().parent / "data" / "programs.json"

PROGRAM_FIELDS = [
    "name", "group", "sort_order", "drinking_approach", "spiritual_content", "audience", "cultural_focus",
    "medication_welcome", "medication_note", "medication_source", "offers_in_person", "offers_online",
    "offers_app", "website", "description", "description_source",
]


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


@transaction.atomic
def load_programs(path=PROGRAMS_FILE, *, overwrite=False):
    """Create the programs of the data file that are missing.

    Programs already present keep what clinic admins changed, unless ``overwrite`` is set.
    Each entry is validated with the model's own rules before it is saved.
    """
    entries, reviewed = read_programs(path)
    existing = {p.slug: p for p in Program.objects.all()}
    result = LoadResult()
    for entry in entries:
        values = {name: entry[name] for name in PROGRAM_FIELDS if name in entry}
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
