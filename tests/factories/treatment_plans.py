"""Factories for treatment plans (Stop 1, in the patients app): a draft version and its entries, signed
through the domain rule."""

import factory
from django.db.models import Max
from factory.django import DjangoModelFactory

from patients import treatment_plans
from patients.models import (
    DrinkingGoal,
    GoalSource,
    Medication,
    MedicationStatus,
    PlanGoal,
    PlanMedication,
    PlanTherapy,
    PlanVersion,
    Therapy,
    TreatmentPlan,
)

from .dates import days_from_today
from .patients import PatientFactory


def _next_number(version):
    return (PlanVersion.objects.filter(plan=version.plan).aggregate(n=Max("number"))["n"] or 0) + 1


class TreatmentPlanFactory(DjangoModelFactory):
    class Meta:
        model = TreatmentPlan
        django_get_or_create = ("patient",)

    patient = factory.SubFactory(PatientFactory)


class PlanVersionFactory(DjangoModelFactory):
    """A draft version; sign it with ``sign(version, clinician)``."""

    class Meta:
        model = PlanVersion

    plan = factory.SubFactory(TreatmentPlanFactory)
    number = factory.LazyAttribute(_next_number)
    drinking_goal = DrinkingGoal.ABSTINENCE
    drinking_goal_in_own_words = "No alcohol, one day at a time."
    next_review_date = factory.LazyFunction(lambda: days_from_today(90))


class PlanMedicationFactory(DjangoModelFactory):
    class Meta:
        model = PlanMedication

    version = factory.SubFactory(PlanVersionFactory)
    medication = Medication.NALTREXONE_ORAL
    dose = "50 mg"
    schedule = "once a day"
    status = MedicationStatus.STARTED
    start_date = factory.LazyFunction(lambda: days_from_today(-30))


class PlanTherapyFactory(DjangoModelFactory):
    class Meta:
        model = PlanTherapy

    version = factory.SubFactory(PlanVersionFactory)
    therapy = Therapy.CBT
    frequency = "weekly"


class PlanGoalFactory(DjangoModelFactory):
    class Meta:
        model = PlanGoal

    version = factory.SubFactory(PlanVersionFactory)
    description = factory.Sequence(lambda n: f"Plan goal number {n}")
    source = GoalSource.CLINICAL


def sign(version, clinician, *, at=None):
    """Sign a draft through the domain rule, as a clinician would."""
    return treatment_plans.sign_version(version, clinician, at=at)


def signed_plan(patient, clinician, *, medications=1, therapies=1, goals=1, at=None, **fields):
    """A patient's plan with one signed version holding the given number of entries."""
    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient), **fields)
    PlanMedicationFactory.create_batch(medications, version=version, prescriber=clinician)
    PlanTherapyFactory.create_batch(therapies, version=version)
    PlanGoalFactory.create_batch(goals, version=version, added_by=clinician)
    return sign(version, clinician, at=at)
