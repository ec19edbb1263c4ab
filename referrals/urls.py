from django.urls import path

from .views import barriers, followups, queue

app_name = "referrals"

urlpatterns = [
    # Stop 5: barriers, interventions, follow-ups and the case manager's queue.
    path("patients/<uuid:public_id>/barriers/", barriers.barrier_list, name="barrier_list"),
    path("patients/<uuid:public_id>/barriers/new/", barriers.barrier_create, name="barrier_create"),
    path("patients/<uuid:public_id>/barriers/<int:pk>/", barriers.barrier_detail, name="barrier_detail"),
    path("patients/<uuid:public_id>/barriers/<int:pk>/status/", barriers.barrier_status, name="barrier_status"),
    path("patients/<uuid:public_id>/barriers/<int:pk>/interventions/new/", barriers.intervention_create,
         name="intervention_create"),
    path("patients/<uuid:public_id>/barriers/<int:pk>/interventions/<int:intervention_pk>/outcome/",
         barriers.intervention_outcome, name="intervention_outcome"),
    path("patients/<uuid:public_id>/follow-ups/", followups.follow_up_list, name="follow_up_list"),
    path("patients/<uuid:public_id>/follow-ups/log/", followups.follow_up_log, name="follow_up_log_new"),
    path("patients/<uuid:public_id>/follow-ups/<int:pk>/log/", followups.follow_up_log, name="follow_up_log"),
    path("patients/<uuid:public_id>/follow-ups/schedule/", followups.follow_up_schedule,
         name="follow_up_schedule"),
    path("patients/<uuid:public_id>/follow-ups/<int:pk>/cancel/", followups.follow_up_cancel,
         name="follow_up_cancel"),
    path("queue/case-manager/", queue.case_manager_queue_view, name="case_manager_queue"),
]
