"""Stop 5 pages: barriers and interventions, follow-ups, and the case manager's queue."""

from django.urls import path

from .views import barriers, followups, queue

PATIENT = "patients/<uuid:public_id>/"

urlpatterns = [
    path(PATIENT + "barriers/", barriers.barrier_list, name="barrier_list"),
    path(PATIENT + "barriers/new/", barriers.barrier_create, name="barrier_create"),
    path(PATIENT + "barriers/<int:pk>/", barriers.barrier_detail, name="barrier_detail"),
    path(PATIENT + "barriers/<int:pk>/status/", barriers.barrier_status, name="barrier_status"),
    path(PATIENT + "barriers/<int:pk>/interventions/new/", barriers.intervention_create,
         name="intervention_create"),
    path(PATIENT + "barriers/<int:pk>/interventions/<int:intervention_pk>/outcome/",
         barriers.intervention_outcome, name="intervention_outcome"),
    path(PATIENT + "follow-ups/", followups.follow_up_list, name="follow_up_list"),
    path(PATIENT + "follow-ups/log/", followups.follow_up_log, name="follow_up_log_new"),
    path(PATIENT + "follow-ups/<int:pk>/log/", followups.follow_up_log, name="follow_up_log"),
    path(PATIENT + "follow-ups/schedule/", followups.follow_up_schedule, name="follow_up_schedule"),
    path(PATIENT + "follow-ups/<int:pk>/cancel/", followups.follow_up_cancel, name="follow_up_cancel"),
    path(PATIENT + "follow-ups/tries/new/", followups.outreach_attempt_new, name="outreach_attempt_new"),
    path("queue/case-manager/", queue.case_manager_queue_view, name="case_manager_queue"),
    path("queue/settings/", queue.follow_up_settings, name="follow_up_settings"),
]
