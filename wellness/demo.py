"""Demo wellness plans and recovery-capital assessments for ``manage.py seed_demo``. Safe to run again."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from patients.models import Role

from .loading import SHIPPED_QUESTIONNAIRE
from .models import (
    GapGoalLink,
    PlanChange,
    Questionnaire,
    RecoveryCapitalAssessment,
    SignAndAction,
    Support,
    WellnessDimension,
    WellnessGoal,
    WellnessPlan,
)

PLAN_TEXT = {
    "vision": "Waking up clear-headed, keeping a steady job, and being someone my kids can count on.",
    "values": "Honesty, my family, being useful to other people.",
    "strengths": "I am stubborn in a good way. I am good with my hands and I show up when I say I will.",
    "daily_routine": "Up at 6:30, medication with breakfast, walk the dog, work, dinner with the family.",
    "daily_goals": "Take my medication.\nOne call or text to someone who supports me.\nTwenty minutes outside.",
    "coping_strategies": "Leave the room and breathe for two minutes. Text my sister. Play guitar.",
    "stress_management": "Walking, cooking a proper meal, turning my phone off after 9 pm.",
    "crisis_plan": "Call my sister first, then the clinic. Stay away from the bar on 5th Street.",
}
GOALS = [
    ("Go to a mutual-support meeting every week", WellnessDimension.SOCIAL,
     "Look at the meeting list with my peer specialist\nGo to one meeting with Jordan\nTry two different groups"),
    ("Get back into playing music", WellnessDimension.EMOTIONAL, "Restring the guitar\nPlay 15 minutes on Sundays"),
    ("Save a little each month", WellnessDimension.FINANCIAL, "Open a savings account\nPut $20 aside each payday"),
]
SIGNS = [
    (SignAndAction.Kind.TRIGGER, "Payday Fridays", "Plan the evening ahead: dinner with my sister, then a meeting."),
    (SignAndAction.Kind.TRIGGER, "Arguments at home",
     "Take a walk before I answer. Call my sponsor if I am still upset."),
    (SignAndAction.Kind.WARNING_SIGN, "Skipping meals and staying up late",
     "Tell my peer specialist, get back to my morning routine."),
]
SUPPORTS = [
    (Support.Kind.PERSON, "Ana", "sister", "(217) 555-0170", True),
    (Support.Kind.PERSON, "Chris", "friend from work", "text (217) 555-0188", False),
    (Support.Kind.GROUP, "Tuesday evening recovery group", "peer-led group", "Tuesdays 6 pm, community center", False),
]


def _answers(definition, level_by_domain):
    """Answers that give each domain roughly the requested level on the scale (reverse items mirrored)."""
    answers = {}
    for item in definition.items:
        level = level_by_domain[item.domain]
        answers[item.id] = definition.scale.min + definition.scale.max - level if item.reverse else level
    return answers


def seed_wellness_demo(clinic, staff):
    """Load the shipped questionnaire; give some patients a wellness plan and one or two assessments."""
    call_command("load_questionnaire", str(SHIPPED_QUESTIONNAIRE), verbosity=0)
    questionnaire = Questionnaire.objects.select_related("current_version").get(
        clinic__isnull=True, slug="pathways-recovery-resources")
    version = questionnaire.current_version
    definition = version.parsed
    today = timezone.localdate()
    patients = [p for p in clinic.patients.prefetch_related("care_team__staff").order_by("mrn")
                if p.has_peer_specialist][:8]
    for n, patient in enumerate(patients):
        peer = patient.care_team_with_role(Role.PEER_SPECIALIST)[0]
        if n < 5 and not WellnessPlan.objects.filter(patient=patient).exists():
            plan = WellnessPlan.objects.create(patient=patient, updated_by=peer, **PLAN_TEXT)
            plan.record(peer, "Plan", PlanChange.Action.CREATED, "Wellness plan started")
            for goal, dimension, steps in GOALS[: 1 + n % 3]:
                WellnessGoal.objects.create(plan=plan, goal=goal, dimension=dimension, steps=steps, created_by=peer)
            SignAndAction.objects.bulk_create(
                SignAndAction(plan=plan, kind=k, what=w, my_action=a) for k, w, a in SIGNS)
            Support.objects.bulk_create(
                Support(plan=plan, kind=k, name=name, relationship=rel, how_to_reach=reach, call_in_crisis=crisis)
                for k, name, rel, reach, crisis in SUPPORTS
            )
            plan.record(peer, "About me", PlanChange.Action.CHANGED, "Written together at the first visit")
        if n >= 6 or RecoveryCapitalAssessment.objects.filter(patient=patient).exists():
            continue
        # Two assessments a month apart for most: social and community start low, then improve a little.
        visits = [(today - datetime.timedelta(days=34), {"personal": 3, "social": 2, "community": 2, "cultural": 3})]
        if n < 4:
            visits.append((today - datetime.timedelta(days=3),
                           {"personal": 3, "social": 3, "community": 2, "cultural": 3}))
        for taken_on, levels in visits:
            assessment = RecoveryCapitalAssessment(patient=patient, version=version, taken_on=taken_on,
                                                   answers=_answers(definition, levels), administered_by=peer)
            assessment.apply_scores()
            assessment.save()
        first = RecoveryCapitalAssessment.objects.filter(patient=patient).order_by("taken_on").first()
        plan = WellnessPlan.objects.filter(patient=patient).first()
        if plan and "social" in first.gap_domains:
            goal = plan.goals.filter(dimension=WellnessDimension.SOCIAL).first()
            if goal:
                GapGoalLink.objects.create(assessment=first, domain="social", wellness_goal=goal, created_by=peer)
