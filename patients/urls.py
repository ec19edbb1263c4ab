from django.urls import path

from .views import emergency, patients, treatment_plans

app_name = "patients"

# The patient list ("list", /patients/), the patient page ("detail", /patients/<id>/) and its care-team form
# ("care_team_add") join this namespace in maud_pathways/urls.py: they show every stop, and this app uses no other.
urlpatterns = [
    path("new/", patients.patient_create, name="create"),
    path("plans/due/", treatment_plans.plans_due, name="plans_due"),
    path("<uuid:public_id>/edit/", patients.patient_edit, name="edit"),
    path("<uuid:public_id>/emergency-access/", emergency.emergency_access, name="emergency_access"),
    path("<uuid:public_id>/care-team/<int:member_id>/remove/", patients.care_team_remove, name="care_team_remove"),
    # Stop 1: treatment plan
    path("<uuid:public_id>/plan/", treatment_plans.plan_detail, name="plan"),
    path("<uuid:public_id>/plan/start/", treatment_plans.plan_start, name="plan_start"),
    path("<uuid:public_id>/plan/history/", treatment_plans.plan_history, name="plan_history"),
    path("<uuid:public_id>/plan/versions/<int:number>/", treatment_plans.version_detail, name="plan_version"),
    path("<uuid:public_id>/plan/versions/<int:number>/edit/", treatment_plans.plan_edit, name="plan_edit"),
    path("<uuid:public_id>/plan/versions/<int:number>/sign/", treatment_plans.plan_sign, name="plan_sign"),
    path("<uuid:public_id>/plan/versions/<int:number>/discard/", treatment_plans.plan_discard,
         name="plan_discard"),
]
