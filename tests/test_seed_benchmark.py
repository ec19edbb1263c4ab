"""The benchmark seeder: a small run fills every stop's tables and keeps the models' rules."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from maud_pathways.overview import maud_attendance, pathway_funnel
from patients.models import (
    MedicationStatus,
    Patient,
    PlanActivity,
    PlanGoal,
    PlanMedication,
    PlanTherapy,
    PlanVersion,
    SignedVersionError,
    StaffMember,
    TreatmentPlan,
)
from referrals.lifecycle import check_move
from referrals.models import (
    Barrier,
    FirstMeetingPlan,
    FollowUp,
    Intervention,
    Meeting,
    MutualSupportConversation,
    Referral,
    ReferralTransition,
)
from wellness.models import GapGoalLink, PlanChange, RecoveryCapitalAssessment, WellnessGoal, WellnessPlan

pytestmark = pytest.mark.django_db

EVERY_STOP = [
    TreatmentPlan, PlanVersion, PlanMedication, PlanTherapy, PlanGoal, PlanActivity,  # Stop 1
    WellnessPlan, WellnessGoal, PlanChange, RecoveryCapitalAssessment, GapGoalLink,  # Stop 2
    MutualSupportConversation, Referral, ReferralTransition, FirstMeetingPlan, Meeting,  # Stops 3 and 4
    Barrier, Intervention, FollowUp,  # Stop 5
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One small run shared by the tests of this module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_benchmark", "--patients", "30", stdout=io.StringIO())
        yield Patient.objects.get(mrn="BM-000000").clinic
        transaction.set_rollback(True)


def test_a_small_run_gives_every_stop_rows(seeded):
    assert Patient.objects.filter(clinic=seeded).count() == 30
    empty = [model.__name__ for model in EVERY_STOP if not model.objects.exists()]
    assert not empty, f"no rows for {empty}"
    assert FollowUp.attended_referrals.through.objects.exists()
    # The biggest table is the follow-ups (about 10 per patient), as at full size.
    assert FollowUp.objects.count() > max(m.objects.count() for m in EVERY_STOP if m is not FollowUp)


def test_every_row_passes_its_models_validation(seeded):
    # Database constraints held on insert. Every row passes its model's own rules (clean); the first rows of
    # each table also pass the field checks (those look up each foreign key, so not all rows). An empty list
    # of gaps is a valid result (set by scoring, not typed), so that field is left out.
    for model in EVERY_STOP:
        for i, obj in enumerate(model.objects.all()):
            if i < 25:
                obj.full_clean(validate_unique=False, exclude=["gap_domains"])
            else:
                obj.clean()


def test_signed_plan_versions_keep_the_plan_rules(seeded):
    today = timezone.localdate()
    signed = PlanVersion.objects.signed()
    assert signed.exists()
    for version in signed.annotate(n_meds=Count("medications", distinct=True), n_goals=Count("goals", distinct=True)):
        assert version.n_meds >= 1 and version.n_goals >= 1
        assert version.signed_by_id and version.drinking_goal and version.next_review_date
        assert version.signed_at.date() <= today
    for plan in TreatmentPlan.objects.all():
        assert plan.versions.drafts().count() <= 1
    revision = PlanVersion.objects.signed().filter(revised_from__isnull=False).first()
    if revision is not None:  # a revision carries its entries over with their keys
        assert set(revision.goals.values_list("key", flat=True)) == set(
            revision.revised_from.goals.values_list("key", flat=True))
    version = signed.first()
    with pytest.raises(SignedVersionError):
        version.save()
    with pytest.raises(SignedVersionError):
        PlanMedication.objects.filter(version=version).update(dose="1 mg")
    assert Patient.objects.filter(clinic=seeded).on_maud().exists()
    started = PlanMedication.objects.filter(status=MedicationStatus.STARTED)
    assert not started.filter(start_date__isnull=True).exists()


def test_referrals_follow_the_lifecycle_in_date_order(seeded):
    for referral in Referral.objects.prefetch_related("transitions"):
        moves = list(referral.transitions.all())
        assert moves[0].from_status == "" and moves[0].to_status == "suggested"
        for before, after in zip(moves, moves[1:], strict=False):
            assert after.from_status == before.to_status and after.at >= before.at
            check_move(before.to_status, after.to_status, reason=after.reason)
        assert moves[-1].to_status == referral.status and referral.version == len(moves)
        assert referral.created_at == moves[0].at


def test_assessments_are_scored_by_the_questionnaire_rules(seeded):
    for assessment in RecoveryCapitalAssessment.objects.select_related("version"):
        result = assessment.version.parsed.score(assessment.answers)
        assert assessment.total == result.total
        assert assessment.gap_domains == list(result.gap_domains)


def test_nothing_done_is_dated_in_the_future(seeded):
    today = timezone.localdate()
    assert not FollowUp.objects.done().filter(done_on__gt=today).exists()
    assert not ReferralTransition.objects.filter(at__date__gt=today).exists()
    assert not Barrier.objects.filter(noted_on__gt=today).exists()
    assert not MutualSupportConversation.objects.filter(held_on__gt=today).exists()
    assert FollowUp.objects.scheduled().count() == MutualSupportConversation.objects.count()


def test_the_overview_has_figures_for_the_seeded_clinic(seeded):
    admin = StaffMember.objects.get(username="bench.admin")
    patients = Patient.objects.visible_to(admin)
    today = timezone.localdate()
    funnel = pathway_funnel(patients, today - timezone.timedelta(days=364), today)
    assert funnel.counted > 0 and funnel.steps[0].patients > 0 and funnel.steps[3].reached > 0
    assert maud_attendance(patients, today).on_maud > 0


def test_running_it_again_on_the_same_database_changes_nothing(seeded):
    before = FollowUp.objects.count()
    call_command("seed_benchmark", "--patients", "30", stdout=io.StringIO())
    assert FollowUp.objects.count() == before
