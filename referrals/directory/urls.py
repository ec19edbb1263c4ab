"""Stop 4 pages: the directory, the clinic's meetings, Meeting Guide import and export, and matching."""

from django.urls import path

from .views import directory, matching

urlpatterns = [
    path("directory/", directory.directory, name="directory"),
    path("directory/meetings/", directory.meeting_list, name="meeting_list"),
    path("directory/meetings/new/", directory.meeting_new, name="meeting_new"),
    path("directory/meetings/<int:pk>/", directory.meeting_detail, name="meeting_detail"),
    path("directory/meetings/<int:pk>/edit/", directory.meeting_edit, name="meeting_edit"),
    path("directory/meetings/<int:pk>/medication/", directory.meeting_medication_edit,
         name="meeting_medication_edit"),
    path("directory/meetings/<int:pk>/reviewed/", directory.meeting_review_done, name="meeting_review_done"),
    path("directory/import/", directory.meeting_import, name="meeting_import"),
    path("directory/import/<int:pk>/", directory.import_detail, name="import_detail"),
    path("directory/import/held/<int:pk>/", directory.import_confirm, name="import_confirm"),
    path("directory/programs/new/", directory.program_new, name="program_new"),
    path("directory/programs/<slug:slug>/", directory.program_detail, name="program_detail"),
    path("directory/programs/<slug:slug>/edit/", directory.program_edit, name="program_edit"),
    path("directory/programs/<slug:slug>/note/", directory.program_note, name="program_note"),
    path("directory/programs/<slug:slug>/meetings.json", directory.meeting_export, name="meeting_export"),
    path("patients/<uuid:public_id>/options/", matching.find_options, name="find_options"),
    path("patients/<uuid:public_id>/options/preferences/", matching.preferences_edit, name="preferences_edit"),
]
