from django.urls import path

from .views import barriers, directory, followups, matching, queue

app_name = "referrals"

urlpatterns = [
    path("directory/", directory.directory, name="directory"),
    path("directory/meetings/", directory.meeting_list, name="meeting_list"),
    path("directory/meetings/new/", directory.meeting_new, name="meeting_new"),
    path("directory/meetings/<int:pk>/", directory.meeting_detail, name="meeting_detail"),
    path("directory/meetings/<int:pk>/edit/", directory.meeting_edit, name="meeting_edit"),
    path("directory/meetings/<int:pk>/medication/", directory.meeting_medication_edit,
         name="meeting_medication_edit"),
    path("directory/import/", directory.meeting_import, name="meeting_import"),
    path("directory/import/<int:pk>/", directory.import_detail, name="import_detail"),
    path("directory/programs/<slug:slug>/", directory.program_detail, name="program_detail"),
    path("directory/programs/<slug:slug>/edit/", directory.program_edit, name="program_edit"),
    path("directory/programs/<slug:slug>/meetings.json", directory.meeting_export, name="meeting_export"),
    path("patients/<uuid:public_id>/options/", matching.find_options, name="find_options"),
    path("patients/<uuid:public_id>/options/preferences/", matching.preferences_edit, name="preferences_edit"),
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
