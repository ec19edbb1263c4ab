"""Recovery-capital assessments: take one, see results and gaps, follow the trend, turn gaps into goals."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.access import clinic_staff_required, patient_for_request, require_care_team
from patients.languages import material_language
from patients.request_input import id_or_404

from .. import treatment_goals
from ..charts import line_chart
from ..definitions import GapRuleKind
from ..forms import AssessmentForm, TreatmentGoalFromGapForm, WellnessGoalForm, filled_fields
from ..gap_resources import gap_resources
from ..models import Questionnaire, RecoveryCapitalAssessment, WellnessDimension
from ..wellness_plans import CARE_TEAM_ONLY, add_goal_from_gap

# The page that adds a goal from a gap, by the plan it goes to: (breadcrumb, heading and button). Whole sentences,
# as each language words "to the ... plan" its own way.
GAP_GOAL_TEXT = {
    "wellness": (gettext_lazy("Add to wellness plan"), gettext_lazy("Add to the wellness plan")),
    "treatment": (gettext_lazy("Add to treatment plan"), gettext_lazy("Add to the treatment plan")),
}


def _assessments(patient):
    return RecoveryCapitalAssessment.objects.filter(patient=patient).select_related(
        "version__questionnaire", "administered_by")


@clinic_staff_required
def assessment_list(request, public_id):
    """All of the patient's assessments, with a trend chart per questionnaire."""
    patient = patient_for_request(request, public_id)
    assessments = list(_assessments(patient))
    by_questionnaire = defaultdict(list)
    for assessment in assessments:
        by_questionnaire[assessment.version.questionnaire].append(assessment)
    trends = [_trend(q, list(reversed(rows))) for q, rows in by_questionnaire.items()]
    questionnaires = Questionnaire.objects.available_to(request.user.clinic_id).filter(
        is_active=True, current_version__isnull=False)
    return render(request, "wellness/assessment_list.html", {
        "patient": patient, "trends": trends, "questionnaires": questionnaires,
        "can_assess": patient.has_on_care_team(request.user),
    })


def _trend(questionnaire, rows):
    """Charts of the total and of each domain over time, oldest first, on the newest version's ranges."""
    definition = rows[-1].version.parsed
    low, high = definition.total_range
    # A reference line reads "At or above 47: <the instrument's label>"; the direction words are translated and
    # read right before the value in every language of the site.
    total_refs = [(t.value, f"{capfirst(t.direction_words)} {t.value:g}: {t.label}")
                  for t in definition.thresholds_for("total")]
    total_title = _("%(name)s: total score over time") % {"name": definition.name}
    total_chart = line_chart([(a.taken_on, a.total) for a in rows], y_min=low, y_max=high,
                             title=total_title, references=total_refs)
    narrow_chart = line_chart([(a.taken_on, a.total) for a in rows], y_min=low, y_max=high, width=320, height=200,
                              title=total_title, references=total_refs)
    domain_charts = []
    for domain in definition.domains:
        d_low, d_high = definition.domain_range(domain.id)
        refs = [(t.value, f"{capfirst(t.direction_words)} {t.value:g}")
                for t in definition.thresholds_for(domain.id)]
        rule = definition.gap_rule
        if rule:
            n = len(definition.items_in(domain.id))
            gap_line = rule.value * n if rule.kind == GapRuleKind.DOMAIN_MEAN_BELOW else rule.value
            refs.append((gap_line, _("Gap below %(value)s") % {"value": f"{gap_line:g}"}))
        series = [(a.taken_on, a.domain_scores[domain.id]) for a in rows if domain.id in a.domain_scores]
        domain_charts.append((domain, line_chart(series, y_min=d_low, y_max=d_high, width=300, height=170,
                                                 y_ticks=3, title=_("%(label)s score over time") % {
                                                     "label": domain.label},
                                                 references=refs)))
    table = [(a, [a.domain_scores.get(d.id) for d in definition.domains]) for a in reversed(rows)]
    return {"questionnaire": questionnaire, "definition": definition, "total_chart": total_chart,
            "narrow_chart": narrow_chart,
            "domain_charts": domain_charts, "table": table, "latest": rows[-1]}


@clinic_staff_required
def assessment_new(request, public_id):
    patient = patient_for_request(request, public_id)
    require_care_team(request.user, patient, CARE_TEAM_ONLY)
    available = Questionnaire.objects.available_to(request.user.clinic_id).filter(
        is_active=True, current_version__isnull=False).select_related("current_version")
    chosen = id_or_404(request.POST.get("questionnaire") or request.GET.get("questionnaire"), "questionnaire")
    if chosen:
        questionnaire = get_object_or_404(available, pk=chosen)
    else:
        options = list(available)
        if len(options) != 1:
            return render(request, "wellness/assessment_choose.html", {"patient": patient, "options": options})
        questionnaire = options[0]
    version = questionnaire.current_version
    # The sentences and answers are the patient's: in their language when the questionnaire has it (scores are
    # the same in every language); the form around them stays in the staff member's.
    material = material_language(patient)
    definition = version.parsed
    if definition.has_language(material.code):
        definition = definition.in_language(material.code)
    form = AssessmentForm(request.POST or None, definition=definition, patient=patient)
    if request.method == "POST" and form.is_valid():
        assessment = RecoveryCapitalAssessment(
            patient=patient, version=version, taken_on=form.cleaned_data["taken_on"], answers=form.answers(),
            notes=form.cleaned_data["notes"], administered_by=request.user,
        )
        assessment.apply_scores()
        assessment.save()
        messages.success(request, _("Assessment saved."))
        return redirect("wellness:assessment_detail", patient.public_id, assessment.pk)
    notice = material.staff_notice
    if notice is None and definition.language != material.code:
        language = translation.get_language_info(material.code)["name_translated"]
        notice = _("This questionnaire has no %(language)s text yet: its sentences are shown in English.") % {
            "language": language}
    return render(request, "wellness/assessment_form.html", {
        "patient": patient, "form": form, "questionnaire": questionnaire, "definition": definition,
        "language_notice": notice,
    }, status=400 if form.errors else 200)


def _assessment(patient, pk):
    return get_object_or_404(_assessments(patient), pk=pk)


@clinic_staff_required
def assessment_detail(request, public_id, pk):
    patient = patient_for_request(request, public_id)
    assessment = _assessment(patient, pk)
    definition = assessment.version.parsed
    result = assessment.result
    links = list(assessment.goal_links.select_related("wellness_goal"))
    treatment = treatment_goals.goals_by_key(patient, [link.treatment_goal_key for link in links])
    goals_by_domain = defaultdict(list)
    for link in links:
        if link.is_treatment_goal:
            goal = treatment.get(link.treatment_goal_key)
            text, state = (goal.description, goal.state) if goal else (link.treatment_goal_text, "removed")
            goals_by_domain[link.domain].append(("Treatment plan", text, state))
        else:
            goals_by_domain[link.domain].append(("Wellness plan", link.wellness_goal.goal, ""))
    domains = [{
        "score": ds, "thresholds": [(t, t.is_met(ds.score)) for t in definition.thresholds_for(ds.domain.id)],
        "goals": goals_by_domain.get(ds.domain.id, []),
        "answers": [(item, assessment.answers[item.id], definition.scale.labels[assessment.answers[item.id]])
                    for item in definition.items_in(ds.domain.id)],
    } for ds in result.domain_scores]
    on_team = patient.has_on_care_team(request.user)
    return render(request, "wellness/assessment_detail.html", {
        "resources": gap_resources(patient) if result.gap_domains else [],
        "patient": patient, "assessment": assessment, "definition": definition, "result": result,
        "domains": domains, "total_range": definition.total_range,
        "total_thresholds": [(t, t.is_met(result.total)) for t in definition.thresholds_for("total")],
        "can_add_wellness_goal": on_team,
        "can_add_treatment_goal": request.user.is_clinician,
    })


def _gap(assessment, domain_id):
    """The gap domain of an assessment, or 404: goals come from gaps the instrument's rule found."""
    if domain_id not in assessment.gap_domains:
        raise Http404("This domain is not a gap in this assessment.")
    definition = assessment.version.parsed
    domain = definition.domain_map[domain_id]
    answers = [(item, definition.scale.labels[assessment.answers[item.id]]) for item in definition.items_in(domain_id)]
    return domain, answers


@clinic_staff_required
def gap_to_wellness_goal(request, public_id, pk, domain):
    """From a gap, the patient and a care-team member co-create a goal in the wellness plan."""
    patient = patient_for_request(request, public_id)
    assessment = _assessment(patient, pk)
    gap_domain, answers = _gap(assessment, domain)
    require_care_team(request.user, patient, CARE_TEAM_ONLY)
    initial = {}
    if gap_domain.wellness_dimension in WellnessDimension.values:
        initial["dimension"] = gap_domain.wellness_dimension
    form = WellnessGoalForm(request.POST or None, initial=initial, with_status=False)
    if request.method == "POST" and form.is_valid():
        add_goal_from_gap(patient, goal=form.save(commit=False), assessment=assessment, domain=gap_domain,
                          changes=filled_fields(form), by=request.user)
        messages.success(request, _("Goal added to the wellness plan for the %(label)s gap.")
                                  % {"label": gap_domain.label.lower()})
        return redirect("wellness:assessment_detail", patient.public_id, assessment.pk)
    return render(request, "wellness/gap_goal_form.html", {
        "patient": patient, "assessment": assessment, "domain": gap_domain, "answers": answers, "form": form,
        "target": "wellness", "crumb": GAP_GOAL_TEXT["wellness"][0], "heading": GAP_GOAL_TEXT["wellness"][1],
    })


@clinic_staff_required
def gap_to_treatment_goal(request, public_id, pk, domain):
    """From a gap, a clinician adds a goal to the patient's treatment plan."""
    patient = patient_for_request(request, public_id)
    assessment = _assessment(patient, pk)
    gap_domain, answers = _gap(assessment, domain)
    if not request.user.is_clinician:
        raise PermissionDenied("Only a clinician adds goals to the treatment plan.")
    form = TreatmentGoalFromGapForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            treatment_goals.add_goal_from_gap(patient, assessment=assessment, domain=gap_domain,
                                              description=form.cleaned_data["description"],
                                              target_date=form.cleaned_data["target_date"], by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("description", message)
        else:
            messages.success(request, _("Goal added to the treatment plan (draft) for the %(label)s gap. It takes "
                                        "effect when a clinician signs the plan.")
                                      % {"label": gap_domain.label.lower()})
            return redirect("wellness:assessment_detail", patient.public_id, assessment.pk)
    return render(request, "wellness/gap_goal_form.html", {
        "patient": patient, "assessment": assessment, "domain": gap_domain, "answers": answers, "form": form,
        "target": "treatment", "crumb": GAP_GOAL_TEXT["treatment"][0], "heading": GAP_GOAL_TEXT["treatment"][1],
        "source_note": treatment_goals.gap_source_note(assessment, gap_domain),
    })
