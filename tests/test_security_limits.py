"""Requests that would occupy a worker: every formset has a cap, and a post over it gets a form error fast."""

import pytest
from django.conf import settings
from django.forms.formsets import BaseFormSet
from django.urls import reverse

from patients.models import PlanMedication, Role

from .factories.patients import PatientFactory, StaffFactory
from .factories.treatment_plans import PlanVersionFactory

pytestmark = pytest.mark.django_db

PLAN_LISTS = ("medications", "therapies", "goals")
PROJECT_APPS = ("patients", "wellness", "referrals", "security", "maud_pathways")


def formset_classes():
    """Every formset class the product defines (subclasses of Django's, made by the factories)."""
    import maud_pathways.urls  # noqa: F401  (imports every view, so every module that defines a formset)

    found, todo = [], [BaseFormSet]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        form = getattr(cls, "form", None)  # only classes made by a formset factory have a form
        # The made classes are named after Django's modules; their bases or their form's bases are ours.
        if form is not None and any(c.__module__.split(".")[0] in PROJECT_APPS for c in cls.__mro__ + form.__mro__):
            found.append(cls)
    return found


def test_every_formset_is_capped_and_says_so():
    classes = formset_classes()
    assert classes, "no formsets found: the search is broken"
    for cls in classes:
        assert cls.validate_max, cls
        assert cls.max_num <= 50, cls
        assert cls.absolute_max == cls.max_num, cls


def test_a_plan_posted_with_two_thousand_entries_gets_a_form_error_fast(client, monkeypatch):
    """Fast means bounded work, counted rather than timed: no list builds more entry forms than its cap."""
    from patients.treatment_plan_forms import GoalEntries, MedicationEntries, TherapyEntries

    built = {}
    for formset in (MedicationEntries, TherapyEntries, GoalEntries):
        form_class, original = formset.form, formset.form.__init__

        def counting_init(self, *args, _original=original, _name=form_class.__name__, **kwargs):
            built[_name] = built.get(_name, 0) + 1
            _original(self, *args, **kwargs)

        monkeypatch.setattr(form_class, "__init__", counting_init)
    clinician = StaffFactory(roles=[Role.CLINICIAN])
    patient = PatientFactory(clinic=clinician.clinic)
    version = PlanVersionFactory(plan__patient=patient)
    client.force_login(clinician)
    data = {"plan-lock_version": str(version.lock_version), "plan-drinking_goal": ""}
    for prefix in PLAN_LISTS:
        data.update({f"{prefix}-TOTAL_FORMS": "2000", f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    response = client.post(reverse("patients:plan_edit", args=[patient.public_id, version.number]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please submit at most" in body
    assert not PlanMedication.objects.exists()
    assert built, "no entry form was built: the count is broken"
    for name, count in built.items():
        # The posted list and the page sent back each build at most the largest cap any list may have (50, as
        # test_every_formset_is_capped_and_says_so holds), plus the empty form; 2,000 were posted.
        assert count <= 2 * (50 + 1), f"{name}: {count} forms built for 2,000 posted"
    assert len(body) < 1_000_000


def test_the_number_of_fields_a_request_may_carry_stays_at_django_s_limit():
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000


def test_a_plan_with_every_list_full_fits_in_one_request():
    from patients.treatment_plan_forms import GoalEntries, MedicationEntries, PlanVersionForm, TherapyEntries

    fields = len(PlanVersionForm.base_fields) + 3 * 4  # the plan, and each list's four management fields
    for formset in (MedicationEntries, TherapyEntries, GoalEntries):
        # Each entry posts its form's fields, its id, its plan version and its "remove" box.
        fields += formset.max_num * (len(formset.form.base_fields) + 3)
    assert fields < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
