from django.urls import path

from .views import patients

app_name = "patients"

urlpatterns = [
    path("", patients.patient_list, name="list"),
    path("new/", patients.patient_create, name="create"),
    path("<uuid:public_id>/", patients.patient_detail, name="detail"),
    path("<uuid:public_id>/edit/", patients.patient_edit, name="edit"),
    path("<uuid:public_id>/care-team/add/", patients.care_team_add, name="care_team_add"),
    path("<uuid:public_id>/care-team/<int:member_id>/remove/", patients.care_team_remove, name="care_team_remove"),
]
