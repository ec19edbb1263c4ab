from django.contrib import admin
from django.db import models

from patients.admin import PatientDataAdmin

from .models import MatchingPreferences, Meeting, MeetingImport, Program, ProgramNote


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    """Site administrators maintain the shared programs here (or in the data file); ``clinic`` empty = shared."""

    list_display = ["name", "clinic", "group", "drinking_approach", "medication_welcome", "sort_order"]
    list_filter = ["group", "medication_welcome", ("clinic", admin.EmptyFieldListFilter)]
    search_fields = ["name"]
    list_select_related = ["clinic"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ProgramNote)
class ProgramNoteAdmin(admin.ModelAdmin):
    list_display = ["program", "clinic", "updated_at"]
    list_select_related = ["program", "clinic"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "clinic", "days", "start_time", "attendance", "is_active"]
    list_filter = ["clinic", "program", "attendance", "is_active"]
    search_fields = ["name", "slug", "formatted_address"]
    list_select_related = ["program", "clinic"]


@admin.register(MeetingImport)
class MeetingImportAdmin(admin.ModelAdmin):
    list_display = ["imported_at", "clinic", "program", "source", "added", "updated", "deactivated", "rejected"]
    list_select_related = ["program", "clinic"]


@admin.register(MatchingPreferences)
class MatchingPreferencesAdmin(PatientDataAdmin):
    list_display = ["patient", "drinking_goal", "transportation", "updated_at"]
    raw_id_fields = ["patient"]
