from django.urls import path

from .views import assessments, plan, questionnaires

app_name = "wellness"

PATIENT = "patients/<uuid:public_id>/wellness/"

urlpatterns = [
    path(PATIENT, plan.plan_detail, name="plan"),
    path(PATIENT + "edit/", plan.plan_edit, name="plan_edit"),
    path(PATIENT + "history/", plan.plan_history, name="plan_history"),
    path(PATIENT + "print/", plan.plan_print, name="plan_print"),
    path(PATIENT + "<slug:kind>/add/", plan.plan_item_edit, name="plan_item_add"),
    path(PATIENT + "<slug:kind>/<int:pk>/edit/", plan.plan_item_edit, name="plan_item_edit"),
    path(PATIENT + "<slug:kind>/<int:pk>/remove/", plan.plan_item_remove, name="plan_item_remove"),
    path(PATIENT + "recovery-capital/", assessments.assessment_list, name="assessment_list"),
    path(PATIENT + "recovery-capital/new/", assessments.assessment_new, name="assessment_new"),
    path(PATIENT + "recovery-capital/<int:pk>/", assessments.assessment_detail, name="assessment_detail"),
    path(PATIENT + "recovery-capital/<int:pk>/gaps/<slug:domain>/wellness-goal/", assessments.gap_to_wellness_goal,
         name="gap_wellness_goal"),
    path(PATIENT + "recovery-capital/<int:pk>/gaps/<slug:domain>/treatment-goal/",
         assessments.gap_to_treatment_goal, name="gap_treatment_goal"),
    path("wellness/questionnaires/", questionnaires.questionnaire_list, name="questionnaire_list"),
    path("wellness/questionnaires/load/", questionnaires.questionnaire_load, name="questionnaire_load"),
    path("wellness/questionnaires/<int:pk>/", questionnaires.questionnaire_detail, name="questionnaire_detail"),
    path("wellness/questionnaires/<int:pk>/edit/", questionnaires.questionnaire_edit, name="questionnaire_edit"),
    path("wellness/questionnaires/<int:pk>/definition.json", questionnaires.questionnaire_download,
         name="questionnaire_download"),
    path("wellness/questionnaires/<int:pk>/active/", questionnaires.questionnaire_set_active,
         name="questionnaire_set_active"),
]
