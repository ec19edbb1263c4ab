"""Loading questionnaire definitions: the command, the clinic admin's pages, versions, and all-or-nothing."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from patients.models import Role
from wellness.models import Questionnaire, QuestionnaireVersion

from .factories.patients import PatientFactory, StaffFactory
from .factories.wellness import (
    BARC_SHAPED_EXAMPLE,
    AssessmentFactory,
    load_shipped_questionnaire,
    shipped_definition_data,
)

pytestmark = pytest.mark.django_db


def _write(tmp_path, data, name="def.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def test_command_loads_the_shipped_questionnaire_once(capsys):
    call_command("load_questionnaire")
    call_command("load_questionnaire")
    questionnaire = Questionnaire.objects.get(slug="pathways-recovery-resources")
    assert questionnaire.clinic is None and questionnaire.current_version.number == 1
    assert QuestionnaireVersion.objects.count() == 1
    assert "already up to date" in capsys.readouterr().out


def test_changed_definition_becomes_a_new_version_and_old_assessments_keep_theirs(tmp_path):
    assessment = AssessmentFactory()
    data = shipped_definition_data()
    data["items"][0]["text"] = "Most days I eat, sleep and move in ways that help me."
    call_command("load_questionnaire", _write(tmp_path, data))
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.current_version.number == 2
    assert questionnaire.current_version.parsed.items[0].text.startswith("Most days I eat")
    assessment.refresh_from_db()
    assert assessment.version.number == 1
    assert assessment.version.parsed.items[0].text.startswith("Most days I look after my body")


@pytest.mark.parametrize("change, message", [
    (lambda d: d["items"][0].update(domain="spiritual"), "unknown domain “spiritual”"),
    (lambda d: d["items"][1].update(id="personal-health"), "Duplicate item id “personal-health”"),
    (lambda d: d["scoring"].update(thresholds=[{"value": 100, "label": "x"}]), "outside the possible total"),
])
def test_command_refuses_a_bad_file_and_nothing_already_loaded_changes(tmp_path, change, message):
    load_shipped_questionnaire()
    before = list(QuestionnaireVersion.objects.values_list("pk", "definition"))
    data = copy.deepcopy(shipped_definition_data())
    data["items"][3]["text"] = "A change that must not be stored."
    change(data)
    with pytest.raises(CommandError, match=message):
        call_command("load_questionnaire", _write(tmp_path, data))
    assert list(QuestionnaireVersion.objects.values_list("pk", "definition")) == before


def test_command_loads_a_clinics_own_instrument_for_that_clinic_only(clinic, other_clinic):
    call_command("load_questionnaire", str(BARC_SHAPED_EXAMPLE), "--clinic", clinic.name)
    questionnaire = Questionnaire.objects.get(slug="barc10-shaped-example")
    assert questionnaire.clinic == clinic
    assert list(Questionnaire.objects.available_to(other_clinic.pk)) == []
    with pytest.raises(CommandError, match="No clinic named"):
        call_command("load_questionnaire", str(BARC_SHAPED_EXAMPLE), "--clinic", "Nowhere")


def test_clinic_admin_loads_a_licensed_instrument_from_a_file_and_sees_it(login, clinic_admin):
    client = login(clinic_admin)
    upload = SimpleUploadedFile("barc.json", BARC_SHAPED_EXAMPLE.read_bytes(), content_type="application/json")
    response = client.post(reverse("wellness:questionnaire_load"), {"file": upload}, follow=True)
    questionnaire = Questionnaire.objects.get(slug="barc10-shaped-example")
    assert questionnaire.clinic == clinic_admin.clinic and questionnaire.current_version.loaded_by == clinic_admin
    page = response.content.decode()
    assert "Loaded" in page and "NOT THE PUBLISHED INSTRUMENT" in page
    assert "Total at or above 47" in page


def test_admin_pasting_a_bad_definition_sees_every_problem_and_keeps_the_text(login, clinic_admin):
    data = shipped_definition_data()
    data["slug"] = "our-check-in"
    data["items"][0]["domain"] = "spiritual"
    data["items"][1]["id"] = "personal-hope"
    text = json.dumps(data, indent=2)
    response = login(clinic_admin).post(reverse("wellness:questionnaire_load"), {"text": text})
    assert response.status_code == 400
    errors = response.context["form"].errors["text"]
    assert any("unknown domain “spiritual”" in e for e in errors)
    assert any("Duplicate item id “personal-hope”" in e for e in errors)
    assert "our-check-in" in response.content.decode()  # what was pasted is still there
    assert not Questionnaire.objects.exists()


def test_admin_edits_their_clinics_questionnaire_as_a_new_version(login, clinic_admin):
    client = login(clinic_admin)
    client.post(reverse("wellness:questionnaire_load"), {"text": BARC_SHAPED_EXAMPLE.read_text()})
    questionnaire = Questionnaire.objects.get()
    url = reverse("wellness:questionnaire_edit", args=[questionnaire.pk])
    data = json.loads(client.get(url).context["form"].initial["text"])
    data["items"][0]["text"] = "Our licensed wording goes here."
    client.post(url, {"text": json.dumps(data)})
    questionnaire.refresh_from_db()
    assert questionnaire.current_version.number == 2
    assert questionnaire.current_version.parsed.items[0].text == "Our licensed wording goes here."
    # Changing the slug while editing is refused: it would be another questionnaire.
    data["slug"] = "something-else"
    response = client.post(url, {"text": json.dumps(data)})
    assert response.status_code == 400 and "The slug must stay" in response.content.decode()
    assert QuestionnaireVersion.objects.count() == 2


def test_shared_questionnaire_is_read_only_for_clinic_admins(login, clinic_admin):
    shared = load_shipped_questionnaire()
    client = login(clinic_admin)
    assert client.get(reverse("wellness:questionnaire_detail", args=[shared.pk])).status_code == 200
    assert client.get(reverse("wellness:questionnaire_edit", args=[shared.pk])).status_code == 404
    response = client.post(reverse("wellness:questionnaire_load"),
                           {"text": json.dumps(shipped_definition_data())})
    assert "belongs to a questionnaire shipped with MAUD Pathways" in response.content.decode()
    assert QuestionnaireVersion.objects.count() == 1


def test_only_clinic_admins_load_or_edit(login, peer):
    client = login(peer)
    assert client.get(reverse("wellness:questionnaire_list")).status_code == 200
    assert client.get(reverse("wellness:questionnaire_load")).status_code == 403
    assert client.post(reverse("wellness:questionnaire_load"),
                       {"text": BARC_SHAPED_EXAMPLE.read_text()}).status_code == 403
    assert not Questionnaire.objects.exists()


def test_another_clinics_questionnaire_is_invisible_and_not_offered(login, clinician, other_clinic):
    call_command("load_questionnaire", str(BARC_SHAPED_EXAMPLE), "--clinic", other_clinic.name)
    theirs = Questionnaire.objects.get()
    client = login(clinician)
    assert client.get(reverse("wellness:questionnaire_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("wellness:questionnaire_download", args=[theirs.pk])).status_code == 404
    patient = PatientFactory(clinic=clinician.clinic)
    patient.care_team.create(staff=clinician, role=Role.CLINICIAN)
    url = reverse("wellness:assessment_new", args=[patient.public_id])
    assert client.get(url, {"questionnaire": theirs.pk}).status_code == 404
    admin = StaffFactory(clinic=other_clinic, roles=[Role.CLINIC_ADMIN])
    assert login(admin).get(reverse("wellness:questionnaire_edit", args=[theirs.pk])).status_code == 200


def test_admin_stops_offering_a_questionnaire(login, clinic_admin):
    client = login(clinic_admin)
    client.post(reverse("wellness:questionnaire_load"), {"text": BARC_SHAPED_EXAMPLE.read_text()})
    questionnaire = Questionnaire.objects.get()
    client.post(reverse("wellness:questionnaire_set_active", args=[questionnaire.pk]), {"active": "0"})
    questionnaire.refresh_from_db()
    assert not questionnaire.is_active


def test_download_gives_back_a_definition_that_loads(login, clinician, tmp_path):
    shared = load_shipped_questionnaire()
    response = login(clinician).get(reverse("wellness:questionnaire_download", args=[shared.pk]))
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == shipped_definition_data()


def test_demo_data_loads_the_shipped_questionnaire_and_shows_a_trend_without_duplicating():
    from wellness.models import GapGoalLink, PlanChange, RecoveryCapitalAssessment, WellnessGoal, WellnessPlan

    models = [Questionnaire, QuestionnaireVersion, WellnessPlan, WellnessGoal, PlanChange, RecoveryCapitalAssessment,
              GapGoalLink]
    call_command("seed_demo", patients=12)
    counts = [m.objects.count() for m in models]
    call_command("seed_demo", patients=12)
    assert [m.objects.count() for m in models] == counts
    assert Questionnaire.objects.filter(slug="pathways-recovery-resources", clinic__isnull=True).exists()
    assert WellnessPlan.objects.exists() and GapGoalLink.objects.exists()
    dates = sorted(RecoveryCapitalAssessment.objects.filter(
        patient=RecoveryCapitalAssessment.objects.first().patient).values_list("taken_on", flat=True))
    assert len(dates) == 2 and (dates[1] - dates[0]).days >= 28  # a month apart: the trend shows
