"""The catalogues and translated data: every string a patient reads is in each language's catalogue, translated
and not fuzzy; the compiled catalogues are current; the program data and the shipped questionnaire have Spanish
for every patient-facing text, and a translation that could mislead is refused."""

import ast
import copy
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation.template import templatize

from referrals.directory.programs_data import read_programs, translation_problems
from wellness.definitions import DefinitionError, parse_definition

from .factories.referrals.directory import ProgramFactory
from .factories.wellness import shipped_definition_data

ROOT = Path(settings.BASE_DIR)
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]

#: What a patient reads or takes home: these templates and the modules that word it.
PATIENT_FACING_TEMPLATES = [
    "templates/patient_link/base.html", "templates/patient_link/page.html", "templates/patient_link/not_active.html",
    "templates/patient_link/too_many.html", "templates/wellness/plan_print.html", "templates/referrals/handout.html",
    "templates/partials/crisis_lines.html", "templates/referrals/patient_link_given.html",
    "templates/referrals/consent_print.html", "templates/partials/print_letterhead.html",
]
PATIENT_FACING_MODULES = [
    "referrals/patient_link/forms.py", "referrals/patient_link/reminders.py", "referrals/patient_link/services.py",
    "referrals/patient_link/calendar.py",
    "referrals/support/handout.py", "referrals/support/consent_copy.py",
    "referrals/directory/guides.py", "referrals/directory/type_codes.py",
    "wellness/models/plan.py",
]
GETTEXT_FUNCTIONS = {"gettext", "gettext_lazy", "gettext_noop", "_", "pgettext", "pgettext_lazy"}


def catalogue(code):
    return ROOT / "locale" / code / "LC_MESSAGES" / "django.po"


def template_msgids(path):
    """The strings a template marks for translation (``{% translate %}``, ``{% blocktranslate %}``)."""
    source = templatize((ROOT / path).read_text(encoding="utf-8"), origin=str(path))
    return {ast.literal_eval(literal) for literal in re.findall(r"gettext\((u?'(?:[^'\\]|\\.)*')\)", source)}


def module_msgids(path):
    """The literal strings a module passes to gettext and its relatives."""
    found = set()
    for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) \
                in GETTEXT_FUNCTIONS:
            args = node.args[1:] if getattr(node.func, "id", "").startswith("pgettext") else node.args
            if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                found.add(args[0].value)
    return found


def patient_facing_msgids():
    msgids = {}
    for path in PATIENT_FACING_TEMPLATES:
        msgids.update(dict.fromkeys(template_msgids(path), path))
    for path in PATIENT_FACING_MODULES:
        msgids.update(dict.fromkeys(module_msgids(path), path))
    return msgids


def test_the_patient_facing_files_mark_their_strings():
    # The lists above name real files that mark strings: a renamed or emptied file fails here, not silently.
    for path in PATIENT_FACING_TEMPLATES:
        assert (ROOT / path).exists(), path
    assert all(template_msgids(p) for p in PATIENT_FACING_TEMPLATES if "base" not in p)
    assert all(module_msgids(p) for p in PATIENT_FACING_MODULES)
    assert "Your first %(program)s meeting" in patient_facing_msgids()
    assert "Times are shown in your time zone (%(zone)s)." in patient_facing_msgids()


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_string_a_patient_reads_is_translated_and_not_fuzzy(code):
    entries = {entry.msgid: entry for entry in polib.pofile(str(catalogue(code)))}
    problems = []
    for msgid, path in sorted(patient_facing_msgids().items()):
        entry = entries.get(msgid)
        if entry is None:
            problems.append(f"missing (run bash bin/makemessages): {msgid!r} ({path})")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {msgid!r} ({path})")
        elif not entry.translated():
            problems.append(f"untranslated: {msgid!r} ({path})")
    assert problems == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalogue_is_current(code):
    compiled = catalogue(code).with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run bash bin/setup-venv (it compiles the catalogues)"
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.pofile(str(catalogue(code)))
          if e.translated() and "fuzzy" not in e.flags}
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(compiled)) if e.msgid}
    stale = sorted(msgid for key, msgid in ((k, k[1]) for k in po) if mo.get(key) != po[key])
    assert stale == [], "the compiled catalogue is older than the .po: run bash bin/setup-venv"


# Program data ---------------------------------------------------------------------------------------------------

def test_every_shipped_program_has_spanish_for_each_text_a_patient_reads():
    entries, _reviewed = read_programs()
    for entry in entries:
        spanish = entry["translations"]["es"]
        assert translation_problems(entry) == [], entry["slug"]
        for key in ("description", "listing_note"):
            assert bool(spanish.get(key)) == bool(entry[key]), (entry["slug"], key)
        assert len(spanish["first_meeting"]) == len(entry["first_meeting"]), entry["slug"]


def test_a_translation_the_data_cannot_back_is_refused():
    entries, _reviewed = read_programs()
    entry = copy.deepcopy(next(e for e in entries if e["slug"] == "smart-recovery"))
    entry["translations"]["fr"] = {"description": "Des réunions gratuites"}
    entry["translations"]["es"]["listing_note"] = "Una nota sin su texto en inglés ni su fuente"
    entry["translations"]["es"]["medication_note"] = "No se traduce aquí"
    problems = translation_problems(entry)
    assert any("“fr”, a language the site does not have" in p for p in problems)
    assert any("listing_note is translated, but the entry has no English listing_note" in p for p in problems)
    assert any("“medication_note” is not a translated text" in p for p in problems)


def test_a_program_text_without_a_translation_is_shown_in_english(db):
    program = ProgramFactory(description="Free meetings.", first_meeting="Sit where you like.\nListen.",
                             translations={"es": {"description": "Reuniones gratuitas."}})
    assert program.text_in("description", "es") == "Reuniones gratuitas."
    assert program.first_meeting_lines_in("es") == ["Sit where you like.", "Listen."]
    assert program.text_in("description", "en") == "Free meetings."


# The questionnaire ----------------------------------------------------------------------------------------------

def test_the_shipped_questionnaire_has_every_sentence_and_answer_in_spanish():
    definition = parse_definition(shipped_definition_data())
    assert definition.has_language("es")
    spanish = definition.in_language("es")
    assert spanish.language == "es"
    assert [i.id for i in spanish.items] == [i.id for i in definition.items]
    assert [i.reverse for i in spanish.items] == [i.reverse for i in definition.items]
    assert all(s.text != e.text for s, e in zip(spanish.items, definition.items, strict=True))
    assert sorted(spanish.scale.labels) == sorted(definition.scale.labels)
    assert spanish.scale.labels[4] == "Totalmente cierto para mí"
    answers = {i.id: 2 for i in definition.items}
    in_spanish, in_english = spanish.score(answers), definition.score(answers)
    assert in_spanish.total == in_english.total
    assert _by_domain(in_spanish) == _by_domain(in_english)


def _by_domain(result):
    return [(d.domain.id, d.score, d.is_gap) for d in result.domain_scores]


def test_a_questionnaire_translation_must_name_what_the_definition_declares():
    data = shipped_definition_data()
    data["translations"]["es"]["items"]["no-such-item"] = "¿?"
    data["translations"]["es"]["scale"]["9"] = "Nueve"
    data["translations"]["xx"] = {"name": "?"}
    with pytest.raises(DefinitionError) as refused:
        parse_definition(data)
    problems = " ".join(refused.value.problems)
    assert "items has “no-such-item”, which the definition does not declare" in problems
    assert "scale has “9”" in problems
    assert "Translations “xx”: not a language of the site" in problems


def test_a_partly_translated_questionnaire_is_not_offered_in_that_language():
    data = shipped_definition_data()
    first = data["items"][0]["id"]
    del data["translations"]["es"]["items"][first]
    definition = parse_definition(data)
    assert not definition.has_language("es")
    # asked anyway, the untranslated sentence stays in English
    assert definition.in_language("es").items[0].text == definition.items[0].text
