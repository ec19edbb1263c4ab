from django.contrib import admin

from patients.admin import PatientDataAdmin

from .models import MatchingPreferences, Meeting, MeetingImport, Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "drinking_approach", "medication_welcome", "sort_order"]
    list_filter = ["group", "medication_welcome"]
    search_fields = ["name"]


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
