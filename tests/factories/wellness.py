"""Factories of the wellness app (Stop 2): wellness plans and recovery-capital assessments."""

import datetime
import json

import factory
from factory.django import DjangoModelFactory

from wellness.loading import SHIPPED_DIR, SHIPPED_QUESTIONNAIRE, load_definition
from wellness.models import (
    PlanChange,
    RecoveryCapitalAssessment,
    SignAndAction,
    Support,
    WellnessDimension,
    WellnessGoal,
    WellnessPlan,
)

from .patients import PatientFactory

BARC_SHAPED_EXAMPLE = SHIPPED_DIR / "examples" / "barc10-shaped-example.json"


def shipped_definition_data():
    return json.loads(SHIPPED_QUESTIONNAIRE.read_text())


def load_shipped_questionnaire():
    """The questionnaire shipped with the product, loaded as it is in production (shared by all clinics)."""
    questionnaire, _version, _changed = load_definition(SHIPPED_QUESTIONNAIRE.read_bytes())
    return questionnaire


def answers_at(definition, levels):
    """Answers giving each domain the level in ``levels`` (a dict, or one level for all) after reverse scoring."""
    answers = {}
    for item in definition.items:
        level = levels[item.domain] if isinstance(levels, dict) else levels
        answers[item.id] = definition.scale.min + definition.scale.max - level if item.reverse else level
    return answers


class WellnessPlanFactory(DjangoModelFactory):
    class Meta:
        model = WellnessPlan

    patient = factory.SubFactory(PatientFactory)
    vision = "A calm home and a job I like."
    strengths = "I keep my word."


class WellnessGoalFactory(DjangoModelFactory):
    class Meta:
        model = WellnessGoal

    plan = factory.SubFactory(WellnessPlanFactory)
    goal = factory.Sequence(lambda n: f"Walk with a friend, week {n}")
    dimension = WellnessDimension.PHYSICAL
    steps = "Pick a day\nAsk a friend"


class SignAndActionFactory(DjangoModelFactory):
    class Meta:
        model = SignAndAction

    plan = factory.SubFactory(WellnessPlanFactory)
    kind = SignAndAction.Kind.TRIGGER
    what = factory.Sequence(lambda n: f"Payday evening {n}")
    my_action = "Plan the evening with my sister."


class SupportFactory(DjangoModelFactory):
    class Meta:
        model = Support

    plan = factory.SubFactory(WellnessPlanFactory)
    name = factory.Sequence(lambda n: f"Friend {n}")
    relationship = "friend"
    how_to_reach = "(555) 010-0100"


class PlanChangeFactory(DjangoModelFactory):
    class Meta:
        model = PlanChange

    plan = factory.SubFactory(WellnessPlanFactory)
    section = "About me"
    action = PlanChange.Action.CHANGED
    summary = "My strengths"
    changes = [["My strengths", "", "I keep my word."]]


class AssessmentFactory(DjangoModelFactory):
    """An assessment of the shipped questionnaire (pass ``version`` for another), scored like a real one."""

    class Meta:
        model = RecoveryCapitalAssessment

    class Params:
        levels = 3

    patient = factory.SubFactory(PatientFactory)
    version = factory.LazyFunction(lambda: load_shipped_questionnaire().current_version)
    taken_on = factory.LazyFunction(lambda: datetime.date(2026, 3, 2))
    answers = factory.LazyAttribute(lambda o: answers_at(o.version.parsed, o.levels))
    total = 0
    domain_scores = factory.LazyFunction(dict)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        assessment = model_class(*args, **kwargs)
        assessment.apply_scores()
        assessment.save()
        return assessment
