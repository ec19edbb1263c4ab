"""Load a questionnaire definition into the database: all or nothing."""

from pathlib import Path

from django.db import transaction

from .definitions import DefinitionError, parse_definition
from .models import Questionnaire, QuestionnaireVersion

SHIPPED_DIR = Path(__file__).resolve().parent / "questionnaires"
SHIPPED_QUESTIONNAIRE = SHIPPED_DIR / "pathways-recovery-resources.json"


def load_definition(source, *, clinic=None, by=None, expected_slug=None):
    """Validate ``source`` (JSON text, bytes or dict) and store it as the newest version of its questionnaire.

    ``clinic=None`` stores a questionnaire shared with every clinic (the one shipped with the product).
    ``expected_slug`` (when editing an existing questionnaire) refuses a definition whose slug differs.
    Returns ``(questionnaire, version, changed)``; ``changed`` is False when the definition is identical to
    the current version (nothing is written). Raises :class:`DefinitionError`; then nothing is written.
    """
    definition = parse_definition(source)
    if expected_slug is not None and definition.slug != expected_slug:
        raise DefinitionError([f"The slug must stay “{expected_slug}”; to add another questionnaire, "
                               "load it as a new one."])
    if clinic is not None and Questionnaire.objects.filter(clinic__isnull=True, slug=definition.slug).exists():
        raise DefinitionError([f"The slug “{definition.slug}” belongs to a questionnaire shipped with "
                               "MAUD Pathways; choose another slug."])
    with transaction.atomic():
        questionnaire, _ = Questionnaire.objects.select_for_update().get_or_create(
            clinic=clinic, slug=definition.slug, defaults={"name": definition.name},
        )
        current = questionnaire.current_version
        if current is not None and current.definition == definition.raw:
            return questionnaire, current, False
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire, number=(current.number + 1) if current else 1,
            definition=definition.raw, loaded_by=by,
        )
        questionnaire.name = definition.name
        questionnaire.current_version = version
        questionnaire.save(update_fields=["name", "current_version"])
    return questionnaire, version, True
