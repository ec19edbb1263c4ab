"""Pages of the patient's own link: the patient's (a token in the address, no login) and the staff's (under the
referral)."""

from django.urls import path

from .views import patient, staff

REFERRAL = "patients/<uuid:public_id>/support/referrals/<int:pk>/"

urlpatterns = [
    path("p/<str:token>/", patient.patient_page, name="patient_link"),
    path("p/<str:token>/meeting.ics", patient.patient_calendar, name="patient_link_calendar"),
    path(REFERRAL + "link/", staff.patient_link_give, name="patient_link_give"),
    path(REFERRAL + "link/<int:link_pk>/revoke/", staff.patient_link_revoke, name="patient_link_revoke"),
]
