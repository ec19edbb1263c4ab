"""Stop 1 on day one: the undecided goal, the behavioral therapies, and the medication safety prompts that inform
and never silently block (only disulfiram with a goal of drinking less needs an acknowledgement to sign)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from patients import treatment_plans as plans
from patients.medication_safety import prompts_for
from patients.models import (
    DrinkingGoal,
    Medication,
    MedicationStatus,
    PlanMedication,
    PlanSafetyCheck,
    PlanVersion,
    SafetyPrompt,
    SignedVersionError,
    Therapy,
)
from referrals.models import Program

from .factories.patients import PatientFactory
from .factories.treatment_plans import PlanMedicationFactory, PlanVersionFactory, TreatmentPlanFactory

pytestmark = pytest.mark.django_db


def codes(prompts):
    return [p.code for p in prompts]


# The rules, on the plain function --------------------------------------------------------------------------

@pytest.mark.parametrize("goal, medications, expected", [
    (DrinkingGoal.REDUCED, [Medication.DISULFIRAM],
     [SafetyPrompt.DISULFIRAM_REDUCED_DRINKING, SafetyPrompt.LIVER_DISEASE]),
    (DrinkingGoal.ABSTINENCE, [Medication.DISULFIRAM], [SafetyPrompt.LIVER_DISEASE]),
    (DrinkingGoal.REDUCED, [Medication.NALTREXONE_ORAL],
     [SafetyPrompt.NALTREXONE_OPIOIDS, SafetyPrompt.LIVER_DISEASE]),
    (DrinkingGoal.ABSTINENCE, [Medication.NALTREXONE_XR],
     [SafetyPrompt.NALTREXONE_OPIOIDS, SafetyPrompt.LIVER_DISEASE]),
    (DrinkingGoal.UNDECIDED, [Medication.ACAMPROSATE], [SafetyPrompt.ACAMPROSATE_KIDNEYS]),
    (DrinkingGoal.REDUCED, [Medication.GABAPENTIN, Medication.TOPIRAMATE], []),
    (DrinkingGoal.REDUCED, [], []),
])
def test_each_medication_asks_its_own_questions(goal, medications, expected):
    assert codes(prompts_for(drinking_goal=goal, medications=medications)) == expected


def test_only_disulfiram_with_drinking_less_must_be_answered():
    needing = [p for p in prompts_for(drinking_goal=DrinkingGoal.REDUCED,
                                      medications=list(Medication.values)) if p.needs_acknowledgement]
    assert codes(needing) == [SafetyPrompt.DISULFIRAM_REDUCED_DRINKING]


# Signing ---------------------------------------------------------------------------------------------------

def draft_with(patient, goal, *medications, **entry):
    version = PlanVersionFactory(plan=TreatmentPlanFactory(patient=patient), drinking_goal=goal)
    for medication in medications:
        PlanMedicationFactory(version=version, medication=medication, **entry)
    return version


def test_a_stopped_medication_asks_nothing(clinic, clinician):
    version = draft_with(PatientFactory(clinic=clinic), DrinkingGoal.REDUCED, Medication.DISULFIRAM,
                         status=MedicationStatus.STOPPED, status_reason="Nausea", stop_date=None)
    signed = plans.sign_version(version, clinician)
    assert not signed.safety_checks.exists()


def test_disulfiram_with_drinking_less_is_not_signed_without_an_acknowledgement_and_a_reason(clinic, clinician):
    version = draft_with(PatientFactory(clinic=clinic), DrinkingGoal.REDUCED, Medication.DISULFIRAM)
    with pytest.raises(ValidationError, match="needs an acknowledgement with a reason"):
        plans.sign_version(version, clinician)
    with pytest.raises(ValidationError, match="needs an acknowledgement with a reason"):
        plans.sign_version(version, clinician,
                           safety_answers={SafetyPrompt.DISULFIRAM_REDUCED_DRINKING: ("acknowledged", " ")})
    assert not PlanVersion.objects.get(pk=version.pk).is_signed
    assert not PlanSafetyCheck.objects.exists()
    reason = "Agreed with the patient: no drinking on dose days."
    plans.sign_version(version, clinician,
                       safety_answers={SafetyPrompt.DISULFIRAM_REDUCED_DRINKING: ("acknowledged", reason)})
    checks = {c.prompt: c for c in PlanSafetyCheck.objects.filter(version=version)}
    ack = checks[SafetyPrompt.DISULFIRAM_REDUCED_DRINKING]
    assert (ack.answer, ack.note, ack.answered_by) == ("acknowledged", reason, clinician)
    assert ack.question.startswith("Disulfiram makes any alcohol cause a severe reaction")
    # Informational questions are kept as "not answered" rather than holding the signature back.
    liver = checks[SafetyPrompt.LIVER_DISEASE]
    assert (liver.answer, liver.answer_label) == ("", "Not answered")


def test_the_answers_kept_with_a_signed_version_never_change(clinic, clinician):
    version = draft_with(PatientFactory(clinic=clinic), DrinkingGoal.ABSTINENCE, Medication.ACAMPROSATE)
    plans.sign_version(version, clinician, safety_answers={SafetyPrompt.ACAMPROSATE_KIDNEYS: ("normal", "")})
    check = PlanSafetyCheck.objects.get()
    assert check.answer_label == "Kidney function known to be normal"
    check.answer = "reduced"
    with pytest.raises(SignedVersionError):
        check.save()
    with pytest.raises(SignedVersionError):
        PlanSafetyCheck.objects.filter(pk=check.pk).update(note="changed")


def test_the_database_refuses_an_unacknowledged_disulfiram_entry(clinic, clinician):
    version = draft_with(PatientFactory(clinic=clinic), DrinkingGoal.REDUCED, Medication.DISULFIRAM)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanSafetyCheck.objects.create(version=version, prompt=SafetyPrompt.DISULFIRAM_REDUCED_DRINKING,
                                       question="q", answer="acknowledged", note="", answered_by=clinician)


def test_a_clinician_signs_through_the_page_answers_kept_on_a_mistake(login, clinic, clinician):
    patient = PatientFactory(clinic=clinic)
    version = draft_with(patient, DrinkingGoal.REDUCED, Medication.DISULFIRAM, Medication.NALTREXONE_ORAL)
    client = login(clinician)
    page = client.get(reverse("patients:plan", args=[patient.public_id])).content.decode()
    for title in ("Disulfiram with a goal of drinking less", "Naltrexone and opioids", "Liver disease"):
        assert title in page
    url = reverse("patients:plan_sign", args=[patient.public_id, version.number])
    data = {"lock_version": version.lock_version, "naltrexone_opioids": "no", "liver_disease": "not_checked",
            "disulfiram_reduced_drinking_note": "She chose it."}
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Not signed." in html and "Tick the acknowledgement and give the reason to sign" in html
    assert response.context["sign_form"]["naltrexone_opioids"].value() == "no"  # the answers are kept
    assert not PlanVersion.objects.get(pk=version.pk).is_signed
    response = client.post(url, {**data, "disulfiram_reduced_drinking": "on"})
    assert response.status_code == 302
    signed = PlanVersion.objects.get(pk=version.pk)
    assert signed.is_signed
    answers = dict(PlanSafetyCheck.objects.filter(version=signed).values_list("prompt", "answer"))
    assert answers == {"disulfiram_reduced_drinking": "acknowledged", "naltrexone_opioids": "no",
                       "liver_disease": "not_checked"}
    page = client.get(reverse("patients:plan_version", args=[patient.public_id, signed.number])).content.decode()
    assert "Medication safety questions, as answered when signed" in page
    assert "No current opioid use and no opioid pain treatment" in page and "She chose it." in page


# Goal, therapies, demo data ----------------------------------------------------------------------------------

def test_undecided_is_a_signable_goal_and_matching_treats_it_as_open_to_both(login, clinic, clinician, peer):
    from django.core.management import call_command

    call_command("load_programs", stdout=None)
    patient = PatientFactory(clinic=clinic)
    version = draft_with(patient, DrinkingGoal.UNDECIDED, Medication.ACAMPROSATE)
    assert plans.sign_version(version, clinician).drinking_goal == DrinkingGoal.UNDECIDED
    response = login(peer).get(reverse("referrals:find_options", args=[patient.public_id]))
    options = {o.item.slug: o for o in response.context["options"].programs}
    assert response.context["needs"].drinking_goal == DrinkingGoal.UNDECIDED
    assert "Built around stopping, one of the goals the patient is weighing" in options["lifering"].fits
    assert "Welcomes stopping or drinking less, so it fits while the patient decides" in options["hams"].fits
    assert "Not decided yet" in response.content.decode()  # as the treatment plan signed it


def test_the_behavioral_therapies_a_clinic_offers():
    labels = dict(Therapy.choices)
    for therapy in (Therapy.CRA, Therapy.CRAFT, Therapy.MOTIVATIONAL_INTERVIEWING, Therapy.MEDICAL_MANAGEMENT,
                    Therapy.OTHER):
        assert therapy in labels
    assert "for family members" in labels[Therapy.CRAFT]


def test_no_demo_patient_pairs_disulfiram_with_drinking_less():
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    assert Program.objects.exists()
    assert PlanMedication.objects.filter(medication=Medication.DISULFIRAM).exists()
    paired = (PlanMedication.objects.filter(medication=Medication.DISULFIRAM)
              .filter(version__drinking_goal=DrinkingGoal.REDUCED).exclude(status=MedicationStatus.STOPPED))
    assert not paired.exists()
    assert PlanSafetyCheck.objects.exists()  # the demo clinician answered the questions when signing
