"""Stop 1: clinicians build, sign and revise treatment plans; the care team reads them."""

import datetime

import pytest
from django import forms as django_forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients import treatment_plans as plans
from patients.models import (
    DrinkingGoal,
    GoalSource,
    GoalStatus,
    Medication,
    MedicationStatus,
    Patient,
    PlanActivity,
    PlanGoal,
    PlanMedication,
    PlanTherapy,
    PlanVersion,
    Role,
    SignedVersionError,
    Therapy,
    TreatmentPlan,
)

from .factories.dates import days_from_today, today
from .factories.patients import CareTeamMemberFactory, PatientFactory, StaffFactory
from .factories.treatment_plans import (
    PlanGoalFactory,
    PlanMedicationFactory,
    PlanTherapyFactory,
    PlanVersionFactory,
    TreatmentPlanFactory,
    sign,
    signed_plan,
)
from .query_budgets import PATIENT_PAGE_MAX_QUERIES

pytestmark = pytest.mark.django_db



@pytest.fixture
def patient(clinic):
    return PatientFactory(clinic=clinic, first_name="Elena", last_name="Ibarra")


def form_data(response):
    """Everything the edit page shows, as the browser would post it back unchanged."""
    edit = response.context["forms"]
    data = {}

    def add(form):
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if isinstance(field, django_forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
                continue
            if value is None:
                value = ""
            if isinstance(value, datetime.date):
                value = value.isoformat()
            data[bound.html_name] = str(value)

    add(edit.plan)
    for formset in edit.formsets:
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = str(management[name].value())
        for form in formset.forms:
            add(form)
    return data


def edit_url(patient, number):
    return reverse("patients:plan_edit", args=[patient.public_id, number])


def open_editor(client, patient, number):
    response = client.get(edit_url(patient, number))
    assert response.status_code == 200
    return form_data(response)


# The clinician's story -------------------------------------------------------------------------

def test_clinician_builds_signs_and_revises_a_plan_and_sees_both_versions_and_the_difference(
    login, clinician, patient
):
    client = login(clinician)
    plan_url = reverse("patients:plan", args=[patient.public_id])
    assert "There is no treatment plan yet" in client.get(plan_url).content.decode()

    response = client.post(reverse("patients:plan_start", args=[patient.public_id]))
    assert response.url == edit_url(patient, 1)

    # First save: goal, review date, naltrexone, one therapy, one goal; "save and add more" for the rest.
    data = open_editor(client, patient, 1)
    data.update({
        "plan-drinking_goal": DrinkingGoal.REDUCED,
        "plan-drinking_goal_in_own_words": "Only on weekends, two drinks at most.",
        "plan-includes_mutual_support": "on",
        "plan-next_review_date": days_from_today(60).isoformat(),
        "medications-0-medication": Medication.NALTREXONE_ORAL, "medications-0-dose": "50 mg",
        "medications-0-schedule": "once a day", "medications-0-status": MedicationStatus.STARTED,
        "medications-0-start_date": days_from_today(-3).isoformat(), "medications-0-prescriber": str(clinician.pk),
        "therapies-0-therapy": Therapy.CBT, "therapies-0-frequency": "weekly",
        "goals-0-description": "Keep a drinking diary", "goals-0-source": GoalSource.CLINICAL,
        "continue": "1",
    })
    response = client.post(edit_url(patient, 1), data)
    assert response.status_code == 302 and response.url == edit_url(patient, 1)

    data = open_editor(client, patient, 1)
    data.update({
        "therapies-1-therapy": Therapy.MOTIVATIONAL, "therapies-1-frequency": "every two weeks",
        "goals-1-description": "Go to two mutual-support meetings",
        "goals-1-source": GoalSource.PEER_MUTUAL_SUPPORT, "goals-1-source_note": "SMART Recovery or HAMS",
        "goals-1-target_date": days_from_today(30).isoformat(),
    })
    response = client.post(edit_url(patient, 1), data, follow=True)
    page = response.content.decode()
    assert "Draft version 1 saved" in page
    version = PlanVersion.objects.get(plan__patient=patient, number=1)
    assert version.updated_by == clinician
    assert [m.name for m in version.medications.all()] == ["Naltrexone, oral"]
    assert {t.therapy for t in version.therapies.all()} == {Therapy.CBT, Therapy.MOTIVATIONAL}
    assert version.goals.count() == 2 and version.goals.get(source=GoalSource.PEER_MUTUAL_SUPPORT)
    assert version.includes_mutual_support and version.drinking_goal == DrinkingGoal.REDUCED
    assert all(g.added_by == clinician for g in version.goals.all())

    # Sign it.
    response = client.post(reverse("patients:plan_sign", args=[patient.public_id, 1]),
                            {"lock_version": version.lock_version + 0}, follow=True)
    version.refresh_from_db()
    assert version.is_signed and version.signed_by == clinician
    assert "Version 1 signed" in response.content.decode()
    assert "Signed · current" in response.content.decode()

    # Revise: a new draft with the same entries (and keys), then change it.
    response = client.post(reverse("patients:plan_start", args=[patient.public_id]))
    assert response.url == edit_url(patient, 2)
    draft = PlanVersion.objects.get(plan__patient=patient, number=2)
    assert draft.revised_from == version
    assert set(draft.goals.values_list("key", flat=True)) == set(version.goals.values_list("key", flat=True))

    data = open_editor(client, patient, 2)
    data.update({
        "plan-drinking_goal": DrinkingGoal.ABSTINENCE,
        "medications-0-dose": "100 mg",
        "medications-1-medication": Medication.ACAMPROSATE, "medications-1-status": MedicationStatus.CONSIDERING,
        "therapies-1-DELETE": "on",
        "goals-0-status": GoalStatus.MET,
    })
    client.post(edit_url(patient, 2), data)
    draft_page = client.get(plan_url).content.decode()
    assert "Changes since signed version 1" in draft_page
    assert "Draft · not signed" in draft_page
    for text in ["Acamprosate", "Added", "Removed", "Motivational enhancement therapy", "Changed",
                 "50 mg", "100 mg", "Reduced drinking", "Abstinence (no alcohol)", "Met"]:
        assert text in draft_page, text

    draft.refresh_from_db()
    client.post(reverse("patients:plan_sign", args=[patient.public_id, 2]), {"lock_version": draft.lock_version})
    assert PlanVersion.objects.get(pk=draft.pk).is_signed

    history = client.get(reverse("patients:plan_history", args=[patient.public_id])).content.decode()
    assert "Version 1" in history and "Version 2" in history
    assert "Signed · superseded" in history and "Signed · current" in history
    assert history.count("Signed</span>") == 0  # status words always come with their meaning
    assert "Signed (version 2)" in history and "Started the plan (version 1)" in history

    old = client.get(reverse("patients:plan_version", args=[patient.public_id, 1])).content.decode()
    assert "replaced by" in old and "50 mg" in old and "100 mg" not in old
    new = client.get(reverse("patients:plan_version", args=[patient.public_id, 2])).content.decode()
    assert "What changed from version 1" in new and "100 mg" in new


def test_patient_page_shows_the_plan_summary(login, clinician, patient):
    signed_plan(patient, clinician, includes_peer_support=True)
    PlanVersionFactory(plan=patient.treatment_plan)  # a revision being drafted
    page = login(clinician).get(patient.get_absolute_url()).content.decode()
    assert "Stop 1 · Treatment plan" in page
    assert "Naltrexone, oral (started)" in page
    assert "Version 2 is being drafted" in page


def test_patient_page_without_a_plan_says_so(login, peer, patient):
    page = login(peer).get(patient.get_absolute_url()).content.decode()
    assert "No treatment plan yet." in page


def test_discarding_a_draft_leaves_the_signed_version(login, clinician, patient):
    signed = signed_plan(patient, clinician)
    draft = plans.revise(signed, clinician)
    response = login(clinician).post(reverse("patients:plan_discard", args=[patient.public_id, draft.number]))
    assert response.status_code == 302
    assert list(PlanVersion.objects.filter(plan__patient=patient)) == [signed]


# Who may do what ------------------------------------------------------------------------------

@pytest.fixture(params=["peer", "case_manager"])
def reader(request):
    return request.getfixturevalue(request.param)


def test_peer_and_case_manager_read_the_plan_but_cannot_edit_or_sign(login, reader, clinician, patient):
    signed = signed_plan(patient, clinician)
    draft = plans.revise(signed, clinician)
    client = login(reader)
    for url in [reverse("patients:plan", args=[patient.public_id]),
                reverse("patients:plan_version", args=[patient.public_id, 1]),
                reverse("patients:plan_history", args=[patient.public_id])]:
        response = client.get(url)
        assert response.status_code == 200
        assert "Naltrexone" in response.content.decode() or "Version 1" in response.content.decode()
    assert "Edit draft" not in client.get(reverse("patients:plan", args=[patient.public_id])).content.decode()

    assert client.get(edit_url(patient, 2)).status_code == 403
    before = draft.lock_version
    assert client.post(edit_url(patient, 2), {"plan-drinking_goal": "reduced"}).status_code == 403
    assert client.post(reverse("patients:plan_sign", args=[patient.public_id, 2]),
                       {"lock_version": before}).status_code == 403
    assert client.post(reverse("patients:plan_discard", args=[patient.public_id, 2])).status_code == 403
    assert client.post(reverse("patients:plan_start", args=[patient.public_id])).status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft and draft.lock_version == before and draft.drinking_goal == DrinkingGoal.ABSTINENCE


def test_another_clinics_plan_is_a_404_for_reading_and_writing(login, outsider, clinician, patient):
    signed = signed_plan(patient, clinician)
    draft = plans.revise(signed, clinician)
    client = login(outsider)
    pid = patient.public_id
    for url in [reverse("patients:plan", args=[pid]), reverse("patients:plan_history", args=[pid]),
                reverse("patients:plan_version", args=[pid, 1]), edit_url(patient, 2)]:
        response = client.get(url)
        assert response.status_code == 404 and "Ibarra" not in response.content.decode()
    assert client.post(edit_url(patient, 2), {"plan-drinking_goal": "reduced"}).status_code == 404
    assert client.post(reverse("patients:plan_sign", args=[pid, 2]), {"lock_version": 1}).status_code == 404
    assert client.post(reverse("patients:plan_discard", args=[pid, 2])).status_code == 404
    assert client.post(reverse("patients:plan_start", args=[pid])).status_code == 404
    draft.refresh_from_db()
    assert draft.is_draft and PlanVersion.objects.count() == 2


def test_unknown_version_number_is_a_404(login, clinician, patient):
    signed_plan(patient, clinician)
    assert login(clinician).get(reverse("patients:plan_version", args=[patient.public_id, 7])).status_code == 404


def test_domain_functions_refuse_non_clinicians_and_other_clinics(peer, clinician, outsider, patient):
    for someone in (peer, outsider):
        with pytest.raises(PermissionDenied):
            plans.get_or_start_draft(patient, someone)
    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    with pytest.raises(PermissionDenied):
        plans.sign_version(version, peer)
    assert not PlanVersion.objects.signed().exists()


# Signed versions never change -----------------------------------------------------------------

def test_a_signed_version_and_its_entries_cannot_be_saved_or_deleted(clinician, patient):
    version = signed_plan(patient, clinician, medications=1, therapies=1, goals=1)
    medication, therapy, goal = version.medications.get(), version.therapies.get(), version.goals.get()

    version.drinking_goal = DrinkingGoal.REDUCED
    with pytest.raises(SignedVersionError):
        version.save()
    medication.dose = "100 mg"
    with pytest.raises(SignedVersionError):
        medication.save()
    for entry in (medication, therapy, goal):
        with pytest.raises(SignedVersionError):
            entry.delete()
    with pytest.raises(SignedVersionError):
        PlanGoal(version=version, description="Sneaked in").save()
    with pytest.raises(SignedVersionError):
        PlanVersion.objects.filter(pk=version.pk).update(drinking_goal=DrinkingGoal.REDUCED)
    with pytest.raises(SignedVersionError):
        PlanMedication.objects.filter(version=version).update(dose="1 g")
    with pytest.raises(SignedVersionError):
        PlanTherapy.objects.filter(version=version).delete()
    with pytest.raises(SignedVersionError):
        PlanGoal.objects.bulk_create([PlanGoal(version=version, description="Bulk")])
    with pytest.raises(SignedVersionError):
        version.delete()

    version.refresh_from_db()
    assert version.drinking_goal == DrinkingGoal.ABSTINENCE
    assert version.medications.get().dose == "50 mg"
    assert (version.medications.count(), version.therapies.count(), version.goals.count()) == (1, 1, 1)


def test_moving_a_draft_entry_into_a_signed_version_is_refused(clinician, patient):
    signed = signed_plan(patient, clinician)
    draft = plans.revise(signed, clinician)
    medication = draft.medications.get()
    medication.version = signed
    with pytest.raises(SignedVersionError):
        medication.save()


def test_a_crafted_post_to_edit_a_signed_version_is_refused_and_changes_nothing(login, clinician, patient):
    version = signed_plan(patient, clinician)
    medication = version.medications.get()
    response = login(clinician).post(edit_url(patient, 1), {
        "plan-lock_version": str(version.lock_version), "plan-drinking_goal": DrinkingGoal.REDUCED,
        "plan-next_review_date": days_from_today(10).isoformat(),
        "medications-TOTAL_FORMS": "1", "medications-INITIAL_FORMS": "1",
        "medications-0-id": str(medication.pk), "medications-0-version": str(version.pk),
        "medications-0-medication": Medication.DISULFIRAM, "medications-0-status": "started",
        "medications-0-start_date": days_from_today(-1).isoformat(),
        "therapies-TOTAL_FORMS": "0", "therapies-INITIAL_FORMS": "0",
        "goals-TOTAL_FORMS": "0", "goals-INITIAL_FORMS": "0",
    })
    assert response.status_code == 409
    assert "cannot be changed" in response.content.decode()
    version.refresh_from_db()
    assert version.drinking_goal == DrinkingGoal.ABSTINENCE
    assert version.medications.get().medication == Medication.NALTREXONE_ORAL


def test_signing_twice_or_discarding_a_signed_version_is_refused(login, clinician, patient):
    version = signed_plan(patient, clinician)
    signed_at = version.signed_at
    client = login(clinician)
    response = client.post(reverse("patients:plan_sign", args=[patient.public_id, 1]),
                           {"lock_version": version.lock_version}, follow=True)
    assert "already signed" in response.content.decode()
    response = client.post(reverse("patients:plan_discard", args=[patient.public_id, 1]), follow=True)
    assert "cannot be discarded" in response.content.decode()
    version.refresh_from_db()
    assert version.signed_at == signed_at


def test_a_signed_version_needs_a_drinking_goal_and_a_review_date_today_or_later(login, clinician, patient):
    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient), drinking_goal="",
                                 next_review_date=days_from_today(-1))
    response = login(clinician).post(reverse("patients:plan_sign", args=[patient.public_id, 1]),
                                     {"lock_version": version.lock_version}, follow=True)
    page = response.content.decode()
    assert "Not signed: Choose the drinking goal." in page
    assert "review date is in the past" in page
    version.refresh_from_db()
    assert version.is_draft
    with pytest.raises(ValidationError):
        plans.sign_version(version, clinician)


def test_the_database_refuses_a_signed_version_without_who(clinician, patient):
    from django.db import IntegrityError, transaction

    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersion.objects.filter(pk=version.pk).update(signed_at=timezone.now())


# Bad input -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"medications-0-stop_date": "2020-01-01", "medications-0-status": "stopped",
          "medications-0-status_reason": "side effects"}, "stop_date", "cannot be before the start date"),
        ({"plan-next_review_date": "2020-01-01"}, "next_review_date", "The next review must be between today and"),
        ({"medications-0-medication": "wonder-pill"}, "medication", "Select a valid choice"),
        ({"medications-0-medication": "other", "medications-0-other_name": ""}, "other_name", "Name the medication"),
        ({"medications-0-status": "paused"}, "status_reason", "Say why the medication is paused"),
        ({"medications-0-status": "teleported"}, "status", "Select a valid choice"),
        ({"therapies-0-therapy": "other"}, "other_name", "Name the therapy"),
    ],
)
def test_bad_plan_input_is_refused_with_a_message_and_keeps_what_was_typed(
    login, clinician, patient, changes, field, message
):
    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    PlanMedicationFactory(version=version, start_date=datetime.date(2024, 5, 1))
    PlanTherapyFactory(version=version)
    client = login(clinician)
    data = open_editor(client, patient, 1)
    data.update({"plan-drinking_goal_in_own_words": "Typed by the clinician just now", **changes})
    response = client.post(edit_url(patient, 1), data)
    assert response.status_code == 200
    forms = response.context["forms"]
    all_errors = [forms.plan.errors] + [f.errors for fs in forms.formsets for f in fs.forms]
    assert any(message in " ".join(errors.get(field, [])) for errors in all_errors)
    assert "Typed by the clinician just now" in response.content.decode()
    version.refresh_from_db()
    assert version.drinking_goal_in_own_words == "No alcohol, one day at a time."
    assert version.medications.get().status == MedicationStatus.STARTED
    assert not PlanActivity.objects.filter(action="saved").exists()


def test_the_database_refuses_unknown_medications_and_stop_before_start(patient):
    from django.db import IntegrityError, transaction

    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanMedication.objects.bulk_create([PlanMedication(version=version, medication="wonder-pill",
                                                           status="considering")])
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanMedication.objects.bulk_create([PlanMedication(
            version=version, medication="acamprosate", status="stopped", status_reason="done",
            start_date=datetime.date(2025, 2, 1), stop_date=datetime.date(2025, 1, 1))])
    assert not PlanMedication.objects.exists()


# Two clinicians at once ------------------------------------------------------------------------

def test_second_save_of_the_same_draft_is_refused_and_keeps_the_typed_input(client, clinician, clinic, patient):
    from django.test import Client

    other = StaffFactory(clinic=clinic, username="dr.second", first_name="Ada", last_name="Second",
                         roles=[Role.CLINICIAN])
    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    PlanMedicationFactory(version=version)
    first, second = Client(), Client()
    first.force_login(clinician)
    second.force_login(other)
    first_data = open_editor(first, patient, 1)
    second_data = open_editor(second, patient, 1)

    first_data.update({"medications-0-dose": "100 mg", "plan-notes": "First clinician's note"})
    assert first.post(edit_url(patient, 1), first_data).status_code == 302

    second_data.update({"plan-drinking_goal_in_own_words": "Second clinician typed this",
                        "medications-0-schedule": "every evening"})
    response = second.post(edit_url(patient, 1), second_data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "saved this draft first" in page and str(clinician) in page
    assert "Second clinician typed this" in page and "every evening" in page

    version.refresh_from_db()
    medication = version.medications.get()
    assert version.notes == "First clinician's note" and medication.dose == "100 mg"
    assert version.drinking_goal_in_own_words == "No alcohol, one day at a time."
    assert medication.schedule == "once a day"
    assert version.updated_by == clinician

    # Having seen the saved draft, the second clinician saves deliberately and it goes through.
    resubmit = form_data(response)
    assert resubmit["plan-lock_version"] == str(version.lock_version)
    assert second.post(edit_url(patient, 1), resubmit).status_code == 302
    version.refresh_from_db()
    assert version.drinking_goal_in_own_words == "Second clinician typed this"


def test_signing_a_draft_that_changed_since_it_was_read_is_refused(login, clinician, patient):
    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    stale = version.lock_version
    plans.add_plan_goal(patient, clinician, "Added meanwhile", source=GoalSource.CLINICAL)
    response = login(clinician).post(reverse("patients:plan_sign", args=[patient.public_id, 1]),
                                     {"lock_version": stale}, follow=True)
    assert "changed this draft after you opened it" in response.content.decode()
    assert PlanVersion.objects.get(pk=version.pk).is_draft


def test_saving_a_draft_someone_signed_meanwhile_is_refused(login, clinician, patient):
    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    client = login(clinician)
    data = open_editor(client, patient, 1)
    sign(version, clinician)
    data["plan-notes"] = "Too late"
    response = client.post(edit_url(patient, 1), data)
    assert response.status_code == 409
    version.refresh_from_db()
    assert version.notes == ""


# The contract other stops use ------------------------------------------------------------------

def test_add_plan_goal_starts_a_plan_when_there_is_none(clinician, patient):
    goal = plans.add_plan_goal(patient, clinician, "Find a recovery-friendly gym",
                               source=GoalSource.RECOVERY_CAPITAL_GAP, source_note="Physical health gap",
                               target_date=days_from_today(30))
    assert goal.version.plan.patient == patient and goal.version.number == 1 and goal.version.is_draft
    assert goal.status == GoalStatus.ACTIVE and goal.added_by == clinician and goal.added_at is not None
    assert goal.source_note == "Physical health gap"
    assert PlanActivity.objects.filter(action="goal_added", by=clinician).exists()


def test_add_plan_goal_revises_the_signed_plan_and_goal_keys_follow_across_versions(clinician, patient):
    signed = signed_plan(patient, clinician, goals=2)
    goal = plans.add_plan_goal(patient, clinician, "Try a peer-led group", source=GoalSource.PEER_MUTUAL_SUPPORT)
    draft = goal.version
    assert draft.number == 2 and draft.revised_from == signed
    assert draft.goals.count() == 3
    assert set(signed.goals.values_list("key", flat=True)) < set(draft.goals.values_list("key", flat=True))
    # A second goal lands in the same draft.
    assert plans.add_plan_goal(patient, clinician, "Another", source=GoalSource.CLINICAL).version == draft
    assert PlanVersion.objects.filter(plan__patient=patient).count() == 2


def test_add_plan_goal_refuses_others_and_bad_input(peer, outsider, clinician, patient):
    for someone in (peer, outsider):
        with pytest.raises(PermissionDenied):
            plans.add_plan_goal(patient, someone, "x", source=GoalSource.CLINICAL)
    with pytest.raises(ValidationError):
        plans.add_plan_goal(patient, clinician, "  ", source=GoalSource.CLINICAL)
    with pytest.raises(ValidationError):
        plans.add_plan_goal(patient, clinician, "Fine", source="made-up")
    assert not PlanGoal.objects.exists()


def test_goal_sources_hold_the_agreed_values():
    assert {"clinical", "recovery_capital_gap", "peer_mutual_support"} <= set(GoalSource.values)


def test_latest_signed_version_and_on_maud(clinician, clinic):
    on_naltrexone = PatientFactory(clinic=clinic)
    signed_plan(on_naltrexone, clinician)
    stopped_later = PatientFactory(clinic=clinic)
    first = signed_plan(stopped_later, clinician)
    draft = plans.revise(first, clinician)
    medication = draft.medications.get()
    medication.status, medication.status_reason, medication.stop_date = "stopped", "side effects", today()
    medication.save()
    sign(draft, clinician)
    considering = PatientFactory(clinic=clinic)
    v = PlanVersionFactory(plan=TreatmentPlanFactory(patient=considering))
    PlanMedicationFactory(version=v, status=MedicationStatus.CONSIDERING, start_date=None)
    sign(v, clinician)
    draft_only = PatientFactory(clinic=clinic)
    PlanMedicationFactory(version=PlanVersionFactory(plan=TreatmentPlanFactory(patient=draft_only)))
    PatientFactory(clinic=clinic)  # no plan

    assert plans.latest_signed_version(stopped_later).number == 2
    assert plans.latest_signed_version(draft_only) is None
    assert [m.name for m in plans.latest_signed_version(on_naltrexone).started_medications()] == ["Naltrexone, oral"]
    with CaptureQueriesContext(connection) as queries:
        on_maud = list(Patient.objects.filter(clinic=clinic).on_maud())
    assert on_maud == [on_naltrexone] and len(queries) == 1


def test_plan_versions_say_whether_peer_and_mutual_support_are_part_of_them(clinician, clinic):
    with_peer = PatientFactory(clinic=clinic)
    CareTeamMemberFactory(patient=with_peer, staff=StaffFactory(clinic=clinic, roles=[Role.PEER_SPECIALIST]),
                          role=Role.PEER_SPECIALIST)
    draft, _ = plans.get_or_start_draft(with_peer, clinician)
    assert draft.includes_peer_support is True and draft.includes_mutual_support is False
    without = signed_plan(PatientFactory(clinic=clinic), clinician, includes_mutual_support=True)
    assert without.includes_peer_support is False and without.includes_mutual_support is True


def test_due_for_plan_review_lists_overdue_due_today_and_unsigned(clinician, clinic, other_clinic):
    long_ago = timezone.now() - datetime.timedelta(days=100)
    overdue = PatientFactory(clinic=clinic, last_name="Overdue")
    signed_plan(overdue, clinician, at=long_ago, next_review_date=days_from_today(-5))
    due_today = PatientFactory(clinic=clinic, last_name="Today")
    signed_plan(due_today, clinician, at=long_ago, next_review_date=today())
    later = PatientFactory(clinic=clinic, last_name="Later")
    signed_plan(later, clinician, next_review_date=days_from_today(30))
    revised_fine = PatientFactory(clinic=clinic, last_name="Revised")
    old = signed_plan(revised_fine, clinician, at=long_ago, next_review_date=days_from_today(-50))
    new = plans.revise(old, clinician)
    PlanVersion.objects.filter(pk=new.pk).update(next_review_date=days_from_today(40))
    sign(PlanVersion.objects.get(pk=new.pk), clinician)
    draft_only = PatientFactory(clinic=clinic, last_name="Draft")
    PlanVersionFactory(plan=TreatmentPlanFactory(patient=draft_only))
    no_plan = PatientFactory(clinic=clinic, last_name="None")

    due = set(Patient.objects.filter(clinic=clinic).due_for_plan_review())
    assert due == {overdue, due_today, draft_only, no_plan}
    assert set(Patient.objects.filter(clinic=clinic).due_for_plan_review(on=days_from_today(30))) == due | {later}


# The review list -------------------------------------------------------------------------------

def test_clinician_sees_plans_due_for_review_most_overdue_first(login, clinician, clinic, other_clinic):
    long_ago = timezone.now() - datetime.timedelta(days=100)
    a = PatientFactory(clinic=clinic, last_name="Alvarez")
    signed_plan(a, clinician, at=long_ago, next_review_date=days_from_today(-3))
    b = PatientFactory(clinic=clinic, last_name="Brooks")
    signed_plan(b, clinician, at=long_ago, next_review_date=days_from_today(-20))
    PatientFactory(clinic=clinic, last_name="Carver")  # no plan
    fine = PatientFactory(clinic=clinic, last_name="Dunmore")
    signed_plan(fine, clinician)
    PatientFactory(clinic=other_clinic, last_name="Elsewhere")

    client = login(clinician)
    home = client.get(reverse("home")).content.decode()
    assert "Plans due" in home
    page = client.get(reverse("patients:plans_due")).content.decode()
    assert page.index("Carver") < page.index("Brooks") < page.index("Alvarez")
    assert "Overdue by 20 days" in page and "Overdue by 3 days" in page and "No signed plan" in page
    assert "Dunmore" not in page and "Elsewhere" not in page

    CareTeamMemberFactory(patient=a, staff=clinician)
    mine = client.get(reverse("patients:plans_due"), {"scope": "mine"}).content.decode()
    assert "Alvarez" in mine and "Brooks" not in mine


def test_review_list_is_for_clinicians(login, peer):
    client = login(peer)
    assert client.get(reverse("patients:plans_due")).status_code == 403
    assert "Plans due" not in client.get(reverse("home")).content.decode()


# Comparing versions ----------------------------------------------------------------------------

def test_compare_versions_names_added_removed_and_changed_entries(clinician, patient):
    v1 = signed_plan(patient, clinician, medications=0, therapies=0, goals=0)
    draft = plans.revise(v1, clinician)
    PlanMedicationFactory(version=draft)
    PlanTherapyFactory(version=draft, therapy=Therapy.TWELVE_STEP)
    goal = PlanGoalFactory(version=draft, description="Walk every morning")
    sign(draft, clinician)
    v3 = plans.revise(PlanVersion.objects.get(pk=draft.pk), clinician)
    v3.medications.update(dose="100 mg")
    v3.therapies.all().delete()
    v3.goals.filter(key=goal.key).update(status=GoalStatus.DROPPED)
    PlanVersion.objects.filter(pk=v3.pk).update(drinking_goal=DrinkingGoal.REDUCED, includes_mutual_support=True)

    changes = plans.compare_versions(plans.latest_signed_version(patient),
                                     plans.versions_with_entries().get(pk=v3.pk))
    sections = dict(changes.sections)
    assert [c.kind for c in sections["Medications"]] == ["changed"]
    assert sections["Medications"][0].fields == [("Dose", "50 mg", "100 mg")]
    assert [(c.kind, c.label) for c in sections["Therapies"]] == [("removed", "Twelve-step facilitation")]
    assert sections["Plan goals"][0].fields == [("Status", "Active", "Dropped")]
    plan_fields = dict((label, (a, b)) for label, a, b in sections["Drinking goal, support and review"][0].fields)
    assert plan_fields["Drinking goal"] == ("Abstinence (no alcohol)", "Reduced drinking")
    assert plan_fields["Mutual support is part of the plan"] == ("No", "Yes")

    first = plans.compare_versions(None, v1)
    assert first.base is None and not first.has_changes
    added = plans.compare_versions(v1, plans.versions_with_entries().get(pk=draft.pk))
    assert {c.kind for _, entries in added.sections for c in entries} == {"added"}


# Query counts ----------------------------------------------------------------------------------

def _plan_with(patient, clinician, n):
    signed = signed_plan(patient, clinician, medications=n, therapies=n, goals=n)
    for _ in range(n):
        signed = sign(plans.revise(signed, clinician), clinician)
    plans.revise(signed, clinician)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["plan", "plan_history", "plan_version", "detail", "plan_edit"])
def test_plan_pages_use_a_fixed_number_of_queries(login, clinician, clinic, page, django_assert_max_num_queries):
    small, large = PatientFactory(clinic=clinic), PatientFactory(clinic=clinic)
    _plan_with(small, clinician, 1)
    _plan_with(large, clinician, 6)
    client = login(clinician)

    def url(patient):
        if page == "detail":
            return patient.get_absolute_url()
        if page in ("plan_version", "plan_edit"):
            number = PlanVersion.objects.filter(plan__patient=patient).order_by("-number").first().number
            return reverse(f"patients:{page}", args=[patient.public_id, number])
        return reverse(f"patients:{page}", args=[patient.public_id])

    small_count = _count_queries(client, url(small))
    assert _count_queries(client, url(large)) == small_count
    with django_assert_max_num_queries(PATIENT_PAGE_MAX_QUERIES if page == "detail" else 20):
        client.get(url(large))


def test_review_list_uses_a_fixed_number_of_queries(login, clinician, clinic, django_assert_max_num_queries):
    long_ago = timezone.now() - datetime.timedelta(days=100)

    def add_due(n):
        for _ in range(n):
            p = PatientFactory(clinic=clinic)
            CareTeamMemberFactory(patient=p, staff=clinician)
            signed_plan(p, clinician, at=long_ago, next_review_date=days_from_today(-1), medications=2, goals=2)
            PatientFactory(clinic=clinic)

    client = login(clinician)
    add_due(1)
    small = _count_queries(client, reverse("patients:plans_due"))
    add_due(12)
    assert _count_queries(client, reverse("patients:plans_due")) == small
    with django_assert_max_num_queries(10):
        client.get(reverse("patients:plans_due"))


# Demo data -------------------------------------------------------------------------------------

def test_demo_data_has_signed_overdue_draft_and_missing_plans_and_runs_twice(capsys):
    call_command("seed_demo", patients=12)
    counts = (TreatmentPlan.objects.count(), PlanVersion.objects.count(), PlanMedication.objects.count())
    call_command("seed_demo", patients=12)
    assert counts == (TreatmentPlan.objects.count(), PlanVersion.objects.count(), PlanMedication.objects.count())

    demo = Patient.objects.filter(clinic__name="Riverbend Recovery Clinic")
    with_plan = demo.filter(treatment_plan__isnull=False)
    assert 0 < demo.count() - with_plan.count() < demo.count() / 4
    status = {p.pk: p for p in demo.with_plan_status()}
    assert any(p.plan_signed_number and p.plan_next_review_date < today() for p in status.values())
    assert any(p.plan_signed_number is None and p.plan_draft_number for p in status.values())
    assert demo.on_maud().exists()
    assert PlanMedication.objects.filter(medication=Medication.ACAMPROSATE, version__signed_at__isnull=False).exists()
    assert PlanVersion.objects.filter(number=2, signed_at__isnull=False).exists()


def test_a_crafted_post_cannot_pull_in_another_patients_entries(login, clinician, clinic, patient):
    other_version = signed_plan(PatientFactory(clinic=clinic), clinician)
    foreign_medication = other_version.medications.get()
    PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient))
    client = login(clinician)
    data = open_editor(client, patient, 1)
    data.update({"medications-INITIAL_FORMS": "1", "medications-0-id": str(foreign_medication.pk),
                 "medications-0-medication": Medication.DISULFIRAM, "medications-0-status": "considering"})
    client.post(edit_url(patient, 1), data)  # the unknown entry is ignored (Django's formsets look it up in this draft)
    foreign_medication.refresh_from_db()
    assert foreign_medication.medication == Medication.NALTREXONE_ORAL
    assert not PlanMedication.objects.filter(version__plan__patient=patient).exists()


def test_a_patient_with_revised_plans_can_still_be_deleted_as_a_whole(clinician, patient):
    signed = signed_plan(patient, clinician)
    sign(plans.revise(signed, clinician), clinician)
    patient.delete()
    assert not PlanVersion.objects.exists() and not PlanMedication.objects.exists()


# Revising an overdue plan ----------------------------------------------------------------------------------

def test_revising_an_overdue_plan_proposes_a_review_date_and_signs_on_the_first_try(login, clinician, patient):
    patient.clinic.plan_review_days = 60
    patient.clinic.save()
    signed_plan(patient, clinician, at=timezone.now() - datetime.timedelta(days=200),
                drinking_goal=DrinkingGoal.ABSTINENCE, next_review_date=days_from_today(-20))
    client = login(clinician)
    assert "Overdue" in client.get(reverse("patients:plan", args=[patient.public_id])).content.decode()

    response = client.post(reverse("patients:plan_start", args=[patient.public_id]))
    assert response.url == edit_url(patient, 2)
    draft = PlanVersion.objects.get(number=2)
    assert draft.next_review_date == days_from_today(60)  # the clinic's interval from today, not the past date
    edit_page = client.get(edit_url(patient, 2)).content.decode()
    assert f'value="{days_from_today(60).isoformat()}"' in edit_page and "has passed" not in edit_page

    response = client.post(reverse("patients:plan_sign", args=[patient.public_id, 2]),
                           {"lock_version": draft.lock_version}, follow=True)
    assert "Version 2 signed" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_signed and draft.next_review_date == days_from_today(60)


def test_a_revision_of_a_plan_not_yet_due_keeps_its_review_date(clinician, patient):
    signed = signed_plan(patient, clinician, next_review_date=days_from_today(30))
    assert plans.revise(signed, clinician).next_review_date == days_from_today(30)


def test_a_draft_with_a_past_review_date_is_flagged_before_anyone_signs(login, clinician, patient):
    PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient), drinking_goal=DrinkingGoal.ABSTINENCE,
                       next_review_date=days_from_today(-5))
    client = login(clinician)
    passed = f"({days_from_today(-5):%b} {days_from_today(-5).day}, {days_from_today(-5).year}) has passed"
    edit_page = client.get(edit_url(patient, 1)).content.decode()
    assert f"This date {passed}: choose today or a later date before signing." in edit_page
    assert 'aria-invalid="true"' in edit_page
    draft_page = client.get(reverse("patients:plan", args=[patient.public_id])).content.decode()
    assert f"The next review date {passed}" in draft_page
