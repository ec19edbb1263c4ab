"""Recovery-capital assessments: the peer's story, bad answers, results, trends, gaps to goals, scoping, speed."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import Role
from wellness.charts import line_chart
from wellness.models import GapGoalLink, PlanChange, RecoveryCapitalAssessment, WellnessGoal

from .factories.dates import days_from_today
from .factories.patients import CareTeamMemberFactory, PatientFactory, StaffFactory
from .factories.wellness import AssessmentFactory, answers_at, load_shipped_questionnaire
from .query_budgets import PATIENT_PAGE_MAX_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(db):
    return load_shipped_questionnaire()


@pytest.fixture
def patient(clinic, peer, clinician):
    patient = PatientFactory(clinic=clinic, first_name="Marcus", last_name="Bell")
    CareTeamMemberFactory(patient=patient, staff=peer, role=Role.PEER_SPECIALIST)
    CareTeamMemberFactory(patient=patient, staff=clinician, role=Role.CLINICIAN)
    return patient


def form_data(questionnaire, levels, **extra):
    definition = questionnaire.current_version.parsed
    data = {f"item_{k}": str(v) for k, v in answers_at(definition, levels).items()}
    data.update(questionnaire=questionnaire.pk, taken_on="2026-03-02", notes="")
    data.update(extra)
    return data


def test_peer_assesses_sees_two_gaps_and_turns_one_into_a_wellness_goal(login, peer, patient, questionnaire):
    client = login(peer)
    new_url = reverse("wellness:assessment_new", args=[patient.public_id])
    page = client.get(new_url)
    assert page.status_code == 200 and "I feel alone most of the time." in page.content.decode()

    levels = {"personal": 3, "social": 2, "community": 1, "cultural": 4}
    response = client.post(new_url, form_data(questionnaire, levels, notes="Talked about housing."), follow=True)
    assessment = RecoveryCapitalAssessment.objects.get()
    assert assessment.administered_by == peer and assessment.patient == patient
    assert assessment.gap_domains == ["social", "community"]
    assert assessment.domain_scores == {"personal": 15, "social": 10, "community": 6, "cultural": 20}
    assert assessment.total == 51
    results = response.content.decode()
    assert "Social, Community" in results and "Talked about housing." in results
    assert results.count(">Gap</span>") == 2
    assert "Add to wellness plan" in results

    gap_url = reverse("wellness:gap_wellness_goal", args=[patient.public_id, assessment.pk, "social"])
    form = client.get(gap_url)
    assert form.context["form"].initial["dimension"] == "social"  # suggested by the questionnaire's domain
    response = client.post(gap_url, {"goal": "Find a peer group that meets near work", "dimension": "social",
                                     "steps": "Look at the list with Jordan\nGo once", "target_date": ""},
                           follow=True)
    goal = WellnessGoal.objects.get()
    assert goal.plan.patient == patient and goal.created_by == peer
    link = GapGoalLink.objects.get()
    assert (link.assessment, link.domain, link.wellness_goal) == (assessment, "social", goal)
    results = response.content.decode()
    assert "Wellness plan</a>:</span> Find a peer group that meets near work" in results  # the gap shows its goal
    assert "No goal addresses this gap yet." in results  # community is still open
    added = PlanChange.objects.get(action="added")
    assert ["From recovery-capital gap", "", "Social (Mar 2, 2026)"] in added.changes
    plan_page = client.get(reverse("wellness:plan", args=[patient.public_id])).content.decode()
    assert "From a gap" in plan_page and "Social gap" in plan_page


def test_missing_answers_keep_the_ones_given_and_save_nothing(login, peer, patient, questionnaire):
    data = form_data(questionnaire, 3, notes="Keep this note")
    del data["item_social-alone"], data["item_cultural-values"]
    data["item_personal-hope"] = "4"
    response = login(peer).post(reverse("wellness:assessment_new", args=[patient.public_id]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Some answers are missing" in page and page.count("Choose an answer for this sentence.") == 4
    assert re.search(r'name="item_personal-hope" id="[^"]+" value="4" autocomplete="off" checked', page)
    assert re.search(r'name="item_social-peer" id="[^"]+" value="3" autocomplete="off" checked', page)
    assert "Keep this note" in page
    assert not RecoveryCapitalAssessment.objects.exists()


@pytest.mark.parametrize("field, value, message", [
    ("item_personal-hope", "5", "Choose one of the answers shown."),
    ("item_personal-hope", "0", "Choose one of the answers shown."),
    ("item_personal-hope", "three", "Choose one of the answers shown."),
    ("taken_on", "2999-01-01", "The date of the assessment must be between the patient's date of birth"),
])
def test_answers_outside_the_scale_are_refused(login, peer, patient, questionnaire, field, value, message):
    data = form_data(questionnaire, 3)
    data[field] = value
    response = login(peer).post(reverse("wellness:assessment_new", args=[patient.public_id]), data)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert not RecoveryCapitalAssessment.objects.exists()


def test_staff_not_on_the_care_team_cannot_take_an_assessment(login, clinic, patient, questionnaire):
    outsider = StaffFactory(clinic=clinic, roles=[Role.PEER_SPECIALIST])
    response = login(outsider).post(reverse("wellness:assessment_new", args=[patient.public_id]),
                                    form_data(questionnaire, 3))
    assert response.status_code == 403 and not RecoveryCapitalAssessment.objects.exists()


def test_with_two_questionnaires_staff_choose_one(login, peer, patient, questionnaire):
    from django.core.management import call_command

    from .factories.wellness import BARC_SHAPED_EXAMPLE
    call_command("load_questionnaire", str(BARC_SHAPED_EXAMPLE), "--clinic", patient.clinic.name)
    client = login(peer)
    page = client.get(reverse("wellness:assessment_new", args=[patient.public_id])).content.decode()
    assert "Choose a questionnaire" in page and "shaped like BARC-10" in page


def test_results_show_the_instruments_own_threshold_and_no_invented_bands(login, peer, patient):
    from django.core.management import call_command

    from .factories.wellness import BARC_SHAPED_EXAMPLE
    call_command("load_questionnaire", str(BARC_SHAPED_EXAMPLE), "--clinic", patient.clinic.name)
    from wellness.models import Questionnaire
    version = Questionnaire.objects.get(slug="barc10-shaped-example").current_version
    assessment = AssessmentFactory(patient=patient, version=version, levels=5)
    page = login(peer).get(assessment.get_absolute_url()).content.decode()
    assert "possible range 10–60" in page
    assert "✓ Meets</strong> the instrument's threshold (at or above 47)" in page
    assert "does not define gaps by domain" in page and ">Gap</span>" not in page


def test_trend_shows_assessments_a_month_apart_as_a_chart_that_needs_no_javascript(login, peer, patient):
    AssessmentFactory(patient=patient, taken_on=datetime.date(2026, 2, 1), levels={"personal": 3, "social": 2,
                                                                                  "community": 2, "cultural": 3})
    AssessmentFactory(patient=patient, taken_on=datetime.date(2026, 3, 3), levels=3)
    page = login(peer).get(reverse("wellness:assessment_list", args=[patient.public_id])).content.decode()
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert "total score over time" in svg and "Feb 1, 2026: 52; Mar 3, 2026: 63" in svg
    main = page.split("<main")[1].split("</main>")[0]
    assert svg.count("<circle") == 2 and "<polyline" in svg and "<script" not in main
    assert page.count("<svg") == 6  # the total (wide, and narrow for phones) and one per domain
    assert "Gap below 12.5" in page  # where a domain turns into a gap, from the questionnaire's own rule


def test_chart_places_points_by_date_and_score():
    chart = line_chart([(datetime.date(2026, 1, 1), 10), (datetime.date(2026, 1, 11), 20),
                        (datetime.date(2026, 1, 31), 30)], y_min=10, y_max=30, title="t", width=340, height=140)
    xs = [p.x for p in chart.points]
    assert xs[0] == chart.left and xs[-1] == chart.plot_right
    assert (xs[1] - xs[0]) * 2 == pytest.approx(xs[2] - xs[1])  # 10 days, then 20 days
    assert [p.y for p in chart.points] == [chart.plot_bottom, pytest.approx((chart.top + chart.plot_bottom) / 2),
                                           chart.top]
    single = line_chart([(datetime.date(2026, 1, 1), 15)], y_min=10, y_max=30, title="t")
    assert single.points[0].x == single.left + (single.plot_right - single.left) / 2


def test_a_domain_that_is_not_a_gap_cannot_become_a_gap_goal(login, peer, patient):
    assessment = AssessmentFactory(patient=patient, levels=3)
    url = reverse("wellness:gap_wellness_goal", args=[patient.public_id, assessment.pk, "social"])
    assert login(peer).post(url, {"goal": "x", "dimension": "social"}).status_code == 404
    assert not WellnessGoal.objects.exists()


def test_clinician_turns_the_other_gap_into_a_treatment_plan_goal(login, peer, clinician, patient, questionnaire):
    from patients import treatment_plans
    from patients.models import GoalSource, PlanGoal

    from .factories.treatment_plans import sign, signed_plan

    signed = signed_plan(patient, clinician, goals=1)  # the patient already has a signed treatment plan
    peer_client = login(peer)
    peer_client.post(reverse("wellness:assessment_new", args=[patient.public_id]),
                     form_data(questionnaire, {"personal": 3, "social": 2, "community": 2, "cultural": 3}))
    assessment = RecoveryCapitalAssessment.objects.get()
    peer_client.post(reverse("wellness:gap_wellness_goal", args=[patient.public_id, assessment.pk, "social"]),
                     {"goal": "Call one friend each week", "dimension": "social"})

    client = login(clinician)
    results = client.get(assessment.get_absolute_url()).content.decode()
    assert "Add to treatment plan" in results
    url = reverse("wellness:gap_treatment_goal", args=[patient.public_id, assessment.pk, "community"])
    response = client.post(url, {"description": "Work with the case manager on stable housing",
                                 "target_date": days_from_today(90).isoformat()}, follow=True)
    goal = PlanGoal.objects.get(source=GoalSource.RECOVERY_CAPITAL_GAP)
    assert goal.added_by == clinician and goal.description == "Work with the case manager on stable housing"
    assert goal.version.plan.patient == patient and not goal.version.is_signed  # a revision of the signed plan
    assert goal.version.revised_from == signed
    assert "Recovery-capital gap: Community" in goal.source_note
    link = GapGoalLink.objects.get(domain="community")
    assert (link.assessment, link.treatment_goal_key, link.wellness_goal) == (assessment, goal.key, None)
    page = response.content.decode()
    assert "Work with the case manager on stable housing <span class=\"text-body-secondary\">(draft, not signed yet)" \
        in page
    assert "Call one friend each week" in page  # the social gap keeps its wellness goal

    # The plan is signed and revised again, and the goal reworded: the gap follows the goal by its key.
    sign(goal.version, clinician)
    draft = treatment_plans.revise(treatment_plans.latest_signed_version(patient), clinician)
    PlanGoal.objects.filter(version=draft, key=goal.key).update(description="Apply for supported housing")
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert "Apply for supported housing" in page and "Work with the case manager" not in page


def test_only_clinicians_add_treatment_plan_goals(login, peer, patient):
    from patients.models import PlanGoal

    assessment = AssessmentFactory(patient=patient, levels=2)
    client = login(peer)
    url = reverse("wellness:gap_treatment_goal", args=[patient.public_id, assessment.pk, "social"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"description": "A goal"}).status_code == 403
    assert not PlanGoal.objects.exists() and not GapGoalLink.objects.exists()
    assert "Add to treatment plan" not in client.get(assessment.get_absolute_url()).content.decode()


def test_another_clinics_assessments_are_a_404(login, clinician, other_clinic, patient):
    foreign = PatientFactory(clinic=other_clinic)
    theirs = AssessmentFactory(patient=foreign, levels=2)
    client = login(clinician)
    urls = [
        reverse("wellness:assessment_list", args=[foreign.public_id]),
        reverse("wellness:assessment_new", args=[foreign.public_id]),
        reverse("wellness:assessment_detail", args=[foreign.public_id, theirs.pk]),
        reverse("wellness:gap_wellness_goal", args=[foreign.public_id, theirs.pk, "social"]),
        reverse("wellness:gap_treatment_goal", args=[foreign.public_id, theirs.pk, "social"]),
        # Another clinic's assessment under one's own patient's URL is no better.
        reverse("wellness:assessment_detail", args=[patient.public_id, theirs.pk]),
        reverse("wellness:gap_wellness_goal", args=[patient.public_id, theirs.pk, "social"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"goal": "x", "dimension": "social", "description": "x"}).status_code == 404, url
    assert not WellnessGoal.objects.exists() and not GapGoalLink.objects.exists()
    assert RecoveryCapitalAssessment.objects.count() == 1


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["trend", "detail", "patient", "plan"])
def test_page_query_counts_do_not_grow_with_the_number_of_assessments(login, peer, patient, page,
                                                                      django_assert_max_num_queries):
    client = login(peer)
    first = AssessmentFactory(patient=patient, levels=2, taken_on=datetime.date(2025, 1, 1))
    urls = {
        "trend": reverse("wellness:assessment_list", args=[patient.public_id]),
        "detail": first.get_absolute_url(),
        "patient": patient.get_absolute_url(),
        "plan": reverse("wellness:plan", args=[patient.public_id]),
    }
    client.post(reverse("wellness:gap_wellness_goal", args=[patient.public_id, first.pk, "social"]),
                {"goal": "Call a friend weekly", "dimension": "social"})
    small = _count_queries(client, urls[page])
    if page == "patient":
        assert small <= PATIENT_PAGE_MAX_QUERIES
    for month in range(2, 14):
        later = AssessmentFactory(patient=patient, levels=2, taken_on=datetime.date(2025, month % 12 + 1, 3))
        client.post(reverse("wellness:gap_wellness_goal", args=[patient.public_id, later.pk, "community"]),
                    {"goal": f"Housing step {month}", "dimension": "environmental"})
    with django_assert_max_num_queries(small):
        assert client.get(urls[page]).status_code == 200


def test_date_labels_of_the_trend_chart_never_touch_however_close_the_dates():
    from wellness.charts import _extent

    days = [datetime.date(2026, 1, 1) + datetime.timedelta(days=n) for n in (0, 3, 9, 20, 24, 40, 41, 60)]
    for width in (340, 640):
        chart = line_chart([(d, 20 + i) for i, d in enumerate(days)], y_min=10, y_max=50, title="t", width=width)
        labels = chart.x_ticks
        extents = [_extent(x, label, anchor) for x, label, anchor in labels]
        assert all(a[1] < b[0] for a, b in zip(extents, extents[1:], strict=False)), (width, labels)
        assert all(0 <= start and end <= width for start, end in extents), (width, labels)
        assert labels[-1][1] == "Mar 2, 2026"  # the latest assessment is always labelled
    assert len(line_chart([(d, 20) for d in days], y_min=10, y_max=50, title="t", width=640).x_ticks) > 2


def test_a_spanish_speaking_clinician_reads_the_charts_and_the_gap_goal_page_in_spanish(login, clinician, patient):
    """The chart titles and the gap line, and "Add to the treatment plan" worded whole, in the staff's language."""
    AssessmentFactory(patient=patient, taken_on=datetime.date(2026, 2, 1), levels={"personal": 3, "social": 2,
                                                                                  "community": 2, "cultural": 3})
    assessment = AssessmentFactory(patient=patient, taken_on=datetime.date(2026, 3, 3),
                                   levels={"personal": 3, "social": 2, "community": 2, "cultural": 3})
    clinician.language = "es"
    clinician.save()
    client = login(clinician)
    page = client.get(reverse("wellness:assessment_list", args=[patient.public_id])).content.decode()
    assert "puntuación total a lo largo del tiempo" in page and "Carencia por debajo de 12.5" in page
    assert "score over time" not in page and "Gap below" not in page
    url = reverse("wellness:gap_treatment_goal", args=[patient.public_id, assessment.pk, "community"])
    form = client.get(url).content.decode()
    assert '<h1 class="page-title">Añadir al plan de tratamiento</h1>' in form
    assert "Add to" not in form and "treatment plan" not in form
